"""The tutor's side of quizzes: gradebook, CSV, overrides, extensions, essay grading, analytics."""
import csv
import io
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.content import current_course
from app.extensions import db
from app.models import DueExtension, GradeOverride, QuizAttempt, Role
from app.quizzes import service
from tests.helpers import two_cohorts

QUIZ_UUID = "5b0f3c2e-8d7a-4e1b-9c3d-2a1b0c9d8e7f"
# Due in the past, late work accepted for ten more days at 10% a day: every attempt is made at a
# past time (``now=``), and a student starting today finds the quiz closed.
QUIZ = f"""\
uuid: {QUIZ_UUID}
title: Test quiz
policy:
  attempts: 3
  due: 2020-01-10 12:00
  late: 10% per day
  late_until: 2020-01-20 12:00
questions:
  - id: wave
    type: single
    title: Waves
    text: Which wave of smart cities is led by citizens?
    options:
      - text: The first wave
      - text: The third wave
        correct: true
      - text: The second wave
  - id: argue
    type: essay
    points: 4
    text: Argue for public value.
    rubric:
      - criterion: Uses the framework
        levels:
          - {{points: 0, description: Not used}}
          - {{points: 2, description: Applied to the case}}
      - criterion: Evidence
        levels:
          - {{points: 0, description: None}}
          - {{points: 1, description: Some}}
          - {{points: 2, description: Strong}}
"""
ESSAY = "Public value is what the public values: here the twin serves the city's own goals."
ON_TIME = datetime(2020, 1, 5, 9, 0)
LATE = datetime(2020, 1, 12, 9, 0)  # 1 day 21 hours after the due time: two days' penalty


@pytest.fixture
def app_config(course_with):
    course = course_with(files={"modules/m1-digital-innovation/test.quiz.yaml": QUIZ}, appends={"modules/m1-digital-innovation/01-what-makes-a-city-smart.md": "\n::: quiz test\n:::\n"})
    return {"COURSE_DIR": str(course)}


@pytest.fixture
def world(app, make):
    mine = [p for p in current_course().problems if "test.quiz" in p.path or "quiz test" in p.message]
    assert not mine and QUIZ_UUID in current_course().quizzes_by_uuid, mine
    return two_cohorts(make, tom="=HYPERLINK(\"http://evil\")")


def quiz():
    return current_course().quizzes_by_uuid[QUIZ_UUID]


def take(student, right=True, at=ON_TIME):
    """A submitted attempt made at ``at``: the single choice right or wrong, an essay written."""
    attempt, why = service.start(student, quiz(), now=at)
    assert attempt is not None, why
    _, variants = quiz().variant(attempt.seed)
    correct, wrong = quiz().question("wave").responses(variants["wave"])
    return service.submit(attempt, quiz(), {"wave": correct if right else wrong, "argue": ESSAY},
                          now=at + timedelta(minutes=10))


def grade(attempt, tutor, choices, comment=""):
    service.grade_answer(attempt.answer_for("argue"), quiz(), choices, comment, tutor)


def base(world):
    return f"/cohorts/{world['cohort'].id}"


def student_url(world, student):
    return f"{base(world)}/quizzes/{QUIZ_UUID}/students/{student.id}"


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def rows_of(response):
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


# -- access ----------------------------------------------------------------------------------

def every_route(world, attempt):
    answer = attempt.answer_for("argue")
    student = student_url(world, world["amira"])
    return [
        ("GET", f"{base(world)}/gradebook"),
        ("GET", f"{base(world)}/gradebook.csv"),
        ("GET", student),
        ("POST", f"{student}/override"),
        ("POST", f"{student}/override/delete"),
        ("POST", f"{student}/extension"),
        ("POST", f"{student}/extension/delete"),
        ("GET", f"{base(world)}/attempts/{attempt.id}"),
        ("POST", f"{base(world)}/attempts/{attempt.id}/answers/{answer.id}/grade"),
        ("GET", f"{base(world)}/quizzes/{QUIZ_UUID}/analytics"),
    ]


def test_tutors_of_other_cohorts_get_404_and_students_403(client, auth, world):
    attempt = take(world["amira"])
    routes = every_route(world, attempt)
    for who, status in (("other_tutor", 404), ("amira", 403), ("stranger", 403)):
        auth.login(world[who])
        for method, url in routes:
            response = client.get(url) if method == "GET" else auth.post(url, {})
            assert response.status_code == status, (who, method, url)
        auth.logout()
    for method, url in routes:
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code in (302, 400), (method, url)  # sign in first (or no CSRF token)
    auth.login(world["admin"])
    for method, url in routes:
        if method == "GET":
            assert client.get(url).status_code == 200, url


def test_things_outside_the_cohort_are_404(client, auth, world, make):
    theirs = take(world["stranger"])
    executive = make.cohort("executive", "Exec")
    exec_tutor = make.user(Role.TUTOR, [executive])
    auth.login(world["tutor"])
    assert client.get(student_url(world, world["stranger"])).status_code == 404
    assert client.get(f"{base(world)}/attempts/{theirs.id}").status_code == 404
    assert client.get(f"{base(world)}/quizzes/not-a-quiz/analytics").status_code == 404
    assert client.get(student_url(world, world["tutor"])).status_code == 404  # a tutor is not a student
    mine = take(world["amira"])
    other_answer = theirs.answer_for("argue")
    assert auth.post(f"{base(world)}/attempts/{mine.id}/answers/{other_answer.id}/grade", {}).status_code == 404
    wave = mine.answer_for("wave")  # not an essay: nothing to grade by hand
    assert auth.post(f"{base(world)}/attempts/{mine.id}/answers/{wave.id}/grade", {}).status_code == 404
    auth.logout()
    # The quiz is in the PGCert: a cohort of another level has no such quiz.
    auth.login(exec_tutor)
    assert client.get(f"/cohorts/{executive.id}/quizzes/{QUIZ_UUID}/analytics").status_code == 404
    assert QUIZ_UUID not in client.get(f"/cohorts/{executive.id}/gradebook").get_data(as_text=True)


# -- gradebook and CSV -----------------------------------------------------------------------

def test_gradebook_shows_grades_waiting_answers_and_averages(client, auth, world):
    done = take(world["amira"])
    grade(done, world["tutor"], {0: 1, 1: 2})  # 4 of 4 points and the single choice right: 100%
    waiting = take(world["tom"], right=False)
    auth.login(world["tutor"])
    assert f'href="/cohorts/{world["cohort"].id}/gradebook"' in client.get(base(world)).get_data(as_text=True)
    html = client.get(f"{base(world)}/gradebook").get_data(as_text=True)
    assert "Amira Khan" in html and "Test quiz" in html and "Module 1" in html
    assert "<strong>100%</strong>" in html
    assert "Answers waiting for grading (1)" in html
    assert f"/attempts/{waiting.id}#answer-{waiting.answer_for('argue').id}" in html
    assert "waiting<span" in html
    assert f"/quizzes/{QUIZ_UUID}/analytics" in html and student_url(world, world["amira"]) in html
    assert "1 student</span>" in html  # the average counts graded students only
    assert "=HYPERLINK(&#34;http://evil&#34;)" in html  # names are escaped text
    assert "Sam Other" not in html


def test_csv_has_a_row_per_student_and_guards_formulas(client, auth, world):
    grade(take(world["amira"]), world["tutor"], {0: 1, 1: 1})  # (1 + 3) / 5 points: 80%
    take(world["tom"])
    auth.login(world["tutor"])
    response = client.get(f"{base(world)}/gradebook.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="gradebook-pgcert-2026-27.csv"'
    rows = rows_of(response)
    name = "Module 1: Test quiz"
    assert rows[0][:2] == ["Name", "Email"] and f"{name} (%)" in rows[0] and f"{name} attempts" in rows[0]
    assert rows[0][-1] == "Overrides"
    column = rows[0].index(f"{name} (%)")
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["amira@example.org"][column:column + 2] == ["80.0", "1"]
    assert by_email["tom@example.org"][column:column + 2] == ["", "1"]  # the essay waits: no grade yet
    assert by_email["tom@example.org"][0] == "'=HYPERLINK(\"http://evil\")"
    assert len(rows) == 3  # the other cohort's student is not there


# -- override --------------------------------------------------------------------------------

def test_override_replaces_the_grade_with_a_reason(client, auth, world):
    amira = world["amira"]
    take(amira, right=False)
    auth.login(world["tutor"])
    url = student_url(world, amira)
    response = auth.post(f"{url}/override", {"override-score": "55", "override-reason": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Reason: Give a reason" in html and 'value="55"' in html  # nothing typed is lost
    response = auth.post(f"{url}/override", {"override-score": "120", "override-reason": "Medical note"})
    assert response.status_code == 400
    assert "Grade (%): Enter a grade from 0 to 100." in response.get_data(as_text=True)
    assert "Medical note" in response.get_data(as_text=True)
    response = auth.post(f"{url}/override", {"override-score": "72.5", "override-reason": "=Marked on paper"})
    assert response.status_code == 302 and response.location == url
    override = db.session.scalars(sa.select(GradeOverride)).one()
    assert override.score == pytest.approx(0.725) and override.by_id == world["tutor"].id
    assert "72.5%" in client.get(url).get_data(as_text=True)
    row = next(r for r in rows_of(client.get(f"{base(world)}/gradebook.csv")) if r[1] == amira.email)
    assert "72.5" in row and row[-1] == "Module 1: Test quiz: =Marked on paper"
    auth.logout()
    auth.login(amira)
    grades = client.get("/grades").get_data(as_text=True)
    assert "72.5%" in grades and "=Marked on paper" in grades
    auth.logout()
    auth.login(world["tutor"])
    assert auth.post(f"{url}/override/delete").status_code == 302
    assert count(GradeOverride) == 0
    assert service.grade_of(amira.id, quiz()).override is None


# -- extension -------------------------------------------------------------------------------

def test_extension_lets_a_student_start_after_the_quiz_closed(client, auth, world):
    amira = world["amira"]
    auth.login(amira)
    response = auth.post(f"/quizzes/{QUIZ_UUID}/start")
    assert response.status_code == 302 and "/quizzes/attempts/" not in response.location
    assert count(QuizAttempt) == 0
    auth.logout()
    auth.login(world["tutor"])
    url = student_url(world, amira)
    response = auth.post(f"{url}/extension", {"extension-due": "next week", "extension-reason": "Ill"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "New due date and time (UK time): Enter a date and time like 2026-11-30 17:00." in html
    assert 'value="next week"' in html and "Ill</textarea>" in html
    response = auth.post(f"{url}/extension", {"extension-due": "2099-07-01T17:00", "extension-reason": "Ill"})
    assert response.status_code == 302
    extension = db.session.scalars(sa.select(DueExtension)).one()
    assert extension.due == datetime(2099, 7, 1, 16, 0)  # 17:00 UK summer time
    assert "1 Jul 2099, 17:00" in client.get(url).get_data(as_text=True)
    auth.logout()
    auth.login(amira)
    response = auth.post(f"/quizzes/{QUIZ_UUID}/start")
    assert "/quizzes/attempts/" in response.location
    assert db.session.scalars(sa.select(QuizAttempt)).one().deadline == datetime(2099, 7, 1, 16, 0)


def test_extension_rescores_late_attempts(client, auth, world):
    amira = world["amira"]
    late = take(amira, at=LATE)
    grade(late, world["tutor"], {0: 1, 1: 2})
    assert late.penalty == pytest.approx(0.2) and late.score == pytest.approx(0.8)
    auth.login(world["tutor"])
    url = student_url(world, amira)
    assert auth.post(f"{url}/extension", {"extension-due": "2020-01-13 12:00"}).status_code == 302
    late = service.attempts_of(amira.id, quiz())[0]
    assert late.penalty == 0 and late.score == pytest.approx(1.0)
    assert "<strong>100%</strong>" in client.get(f"{base(world)}/gradebook").get_data(as_text=True)
    assert auth.post(f"{url}/extension/delete").status_code == 302
    assert count(DueExtension) == 0
    assert service.attempts_of(amira.id, quiz())[0].score == pytest.approx(0.8)


# -- grading essays --------------------------------------------------------------------------

def test_grading_an_essay_with_the_rubric(client, auth, world):
    amira, tom = world["amira"], world["tom"]
    first = take(amira, right=False)
    second = take(tom)
    auth.login(world["tutor"])
    page = client.get(f"{base(world)}/attempts/{first.id}").get_data(as_text=True)
    answer = first.answer_for("argue")
    prefix = f"answer-{answer.id}"
    assert "<legend>Uses the framework</legend>" in page and "Applied to the case (2 points)" in page
    assert "Strong (2 points)" in page and "Some (1 point)" in page
    assert f'id="answer-{answer.id}"' in page and "The correct answer" in page
    url = f"{base(world)}/attempts/{first.id}/answers/{answer.id}/grade"
    response = auth.post(url, {f"{prefix}-c0": "1", f"{prefix}-comment": "Well argued <b>"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Evidence: Choose a level for “Evidence”." in html and "Well argued &lt;b&gt;</textarea>" in html
    response = auth.post(url, {f"{prefix}-c0": "1", f"{prefix}-c1": "1", f"{prefix}-comment": "Well argued <b>"})
    # The next answer waiting for grading is Tom's.
    assert response.status_code == 302
    assert response.location.endswith(f"/attempts/{second.id}#answer-{second.answer_for('argue').id}")
    first = service.attempts_of(amira.id, quiz())[0]
    assert first.answer_for("argue").score == pytest.approx(3 / 4)
    assert first.score == pytest.approx(3 / 5)  # 0 + 3 of 1 + 4 points
    assert first.answer_for("argue").graded_by_id == world["tutor"].id
    auth.logout()
    auth.login(amira)
    review = client.get(f"/quizzes/attempts/{first.id}").get_data(as_text=True)
    assert "Well argued &lt;b&gt;" in review and "Tess Tutor" in review


def test_an_attempt_in_progress_stays_private(client, auth, world):
    attempt, _ = service.start(world["amira"], quiz(), now=datetime(2020, 1, 19, 12, 0))
    attempt.deadline = datetime(2099, 1, 1)  # still open today
    attempt.drafts = {"argue": "my secret draft"}
    db.session.commit()
    auth.login(world["tutor"])
    html = client.get(f"{base(world)}/attempts/{attempt.id}").get_data(as_text=True)
    assert "in progress" in html and "my secret draft" not in html
    assert "in progress" in client.get(f"{base(world)}/gradebook").get_data(as_text=True)


# -- analytics -------------------------------------------------------------------------------

def test_analytics_numbers_and_chart(client, auth, world, make):
    students = [world["amira"], world["tom"], make.user(Role.STUDENT, [world["cohort"]])]
    take(students[0], right=True)
    take(students[0], right=True, at=ON_TIME + timedelta(hours=1))
    take(students[1], right=False)
    grade(take(students[2], right=True), world["tutor"], {0: 0, 1: 0})
    take(world["stranger"], right=False)  # another cohort: not counted
    auth.login(world["tutor"])
    response = client.get(f"{base(world)}/quizzes/{QUIZ_UUID}/analytics")
    html = response.get_data(as_text=True)
    assert "style-src-elem 'self' 'unsafe-inline'" in response.headers["Content-Security-Policy"]
    assert "<dd>3 of 3</dd>" in html  # students who submitted
    assert "<dd>4</dd>" in html and "<dd>1.3</dd>" in html  # attempts, per student
    assert "<td>75%</td>" in html  # 3 of the 4 answers to the single choice are right
    assert "<td>4 of 4</td>" in html
    assert "<td>3</td>" in html  # essays waiting for grading
    assert 'type="application/json" id="answers-chart-1-data"' in html
    assert "bokeh.min.js" in html and "quiz-analytics.js" in html
    assert "The third wave</td><td>3</td><td>✓ correct" in html
    assert "Most common wrong answers" in html
    assert "A tutor grades this question" in html
