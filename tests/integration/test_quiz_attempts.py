"""Taking a quiz: start, autosave, submit once, deadlines, extensions, who may see what."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import DueExtension, QuizAnswer, QuizAttempt
from app.models.user import utcnow
from app.quizzes import service

UNIT = "/modules/m1-digital-innovation/what-makes-a-city-smart"
QUIZ_UUID = "11111111-2222-4333-8444-555555555555"
QUIZ = """\
uuid: 11111111-2222-4333-8444-555555555555
title: Waves and distances
intro: A short check.
policy:
  attempts: 2
  penalty: 10%
{extra}
questions:
  - id: wave
    type: single
    text: Which wave of smart cities is led by citizens?
    options:
      - {{text: The first wave, feedback: FIRST-WRONG-FEEDBACK}}
      - {{text: The third wave, correct: true, feedback: THIRD-RIGHT-FEEDBACK}}
  - id: km
    type: numeric
    text: What was the mean commuting distance in 2011?
    answer: 13.56
    tolerance: 0.07
    unit: km
    feedback: GENERAL-FEEDBACK-KM
  - id: essay
    type: essay
    points: 4
    text: Argue for or against a city-wide sensor network.
    rubric:
      - criterion: Argument
        levels:
          - {{points: 0, description: Missing}}
          - {{points: 4, description: Clear and supported}}
"""


@pytest.fixture
def app_config(course_with, request):
    extra = getattr(request, "param", "")
    text = QUIZ.format(extra=extra)
    if extra == "no uuid":  # the file as a tutor might forget it
        text = QUIZ.format(extra="").replace(f"uuid: {QUIZ_UUID}\n", "")
    course = course_with(files={"modules/m1-digital-innovation/check.quiz.yaml": text}, appends={"modules/m1-digital-innovation/01-what-makes-a-city-smart.md": "\n::: quiz check\n:::\n"})
    return {"COURSE_DIR": str(course)}


@pytest.fixture
def people(make):
    cohort = make.cohort("pgcert")
    other = make.cohort("executive")
    return {
        "student": make.user("student", cohorts=[cohort]),
        "classmate": make.user("student", cohorts=[cohort]),
        "outsider": make.user("student", cohorts=[other]),
        "cohort": cohort,
    }


def quiz():
    return service.quiz_or_none(QUIZ_UUID)


def start(auth):
    response = auth.post(f"/quizzes/{QUIZ_UUID}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def answers(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(QuizAnswer))


def test_the_course_loads_the_quiz(app):
    from app.content import current_course

    assert not current_course().problems
    assert quiz().title == "Waves and distances" and [q.id for q in quiz().questions] == ["wave", "km", "essay"]


def test_unit_page_shows_the_quiz_card_without_questions(client, auth, people):
    auth.login(people["student"])
    html = client.get(UNIT).get_data(as_text=True)
    assert "Waves and distances" in html and "Start the quiz" in html and "2 attempts" in html
    assert "Which wave" not in html  # questions only on the attempt page


def test_take_submit_review(client, auth, people, db):
    auth.login(people["student"])
    attempt_url = start(auth)
    page = client.get(attempt_url).get_data(as_text=True)
    assert "Which wave" in page and "mean commuting distance" in page
    for secret in ("THIRD-RIGHT-FEEDBACK", "FIRST-WRONG-FEEDBACK", "GENERAL-FEEDBACK-KM", "13.56", "0.07"):
        assert secret not in page, f"{secret} reached the student before submitting"
    attempt = db.session.scalars(sa.select(QuizAttempt)).one()
    _, variants = quiz().variant(attempt.seed)
    third = quiz().question("wave").responses(variants["wave"])[0]
    response = auth.post(attempt_url + "/submit", {"q-wave": third, "q-km": "13.6 km", "q-essay": "Yes, because."})
    assert response.status_code == 302
    review = client.get(attempt_url).get_data(as_text=True)
    assert "THIRD-RIGHT-FEEDBACK" in review and "GENERAL-FEEDBACK-KM" in review
    assert "waiting for a tutor" in review.lower()
    assert 'class="quiz-correct"' not in review  # one attempt of two left
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.raw_score is None  # the essay waits
    scores = {a.question_id: a.score for a in attempt.answers}
    assert scores == {"wave": 1.0, "km": 1.0, "essay": None}


def test_start_twice_gives_the_same_attempt(auth, people, db):
    auth.login(people["student"])
    assert start(auth) == start(auth)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


def test_autosave_keeps_answers_and_the_page_shows_them(client, auth, people, db):
    auth.login(people["student"])
    attempt_url = start(auth)
    response = auth.post(attempt_url + "/save", {"q-km": "12.5"}, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.get_json()["saved"] is True
    assert 'value="12.5"' in client.get(attempt_url).get_data(as_text=True)
    # Without JavaScript, "Save and finish later" goes back to the unit.
    plain = auth.post(attempt_url + "/save", {"q-km": "12.7"})
    assert plain.status_code == 302 and "/what-makes-a-city-smart" in plain.headers["Location"]
    attempt = db.session.scalars(sa.select(QuizAttempt)).one()
    assert attempt.draft_responses["km"] == "12.7"


def test_submitting_twice_grades_once(client, auth, people, db):
    auth.login(people["student"])
    attempt_url = start(auth)
    auth.post(attempt_url + "/submit", {"q-km": "13.56"})
    auth.post(attempt_url + "/submit", {"q-km": "99"})
    assert answers(db) == 3
    attempt = db.session.scalars(sa.select(QuizAttempt)).one()
    assert attempt.answer_for("km").response == "13.56"
    closed = auth.post(attempt_url + "/save", {"q-km": "1"}, headers={"Accept": "application/json"})
    assert closed.status_code == 409 and "closed" in closed.get_json()["error"]


def test_second_attempt_is_penalised_and_a_third_refused(client, auth, people, db):
    auth.login(people["student"])
    for _ in range(2):
        url = start(auth)
        auth.post(url + "/submit", {"q-km": "13.56", "q-essay": ""})
    first, second = db.session.scalars(sa.select(QuizAttempt).order_by(QuizAttempt.number)).all()
    # Wave unanswered (0 of 1), km right (1 of 1), essay blank (0 of 4): 1/6.
    assert first.score == pytest.approx(1 / 6) and second.score == pytest.approx(1 / 6 * 0.9)
    refused = auth.post(f"/quizzes/{QUIZ_UUID}/start", follow_redirects=True).get_data(as_text=True)
    assert "used all 2 attempts" in refused
    review = client.get(f"/quizzes/attempts/{second.id}").get_data(as_text=True)
    assert 'class="quiz-correct"' in review and "13.56" in review  # answers after the last attempt


@pytest.mark.parametrize("app_config", ["  time_limit: 30"], indirect=True)
def test_time_running_out_mid_attempt_grades_the_answers_saved_in_time(auth, people, db):
    user = people["student"]
    started = utcnow() - timedelta(minutes=45)
    attempt, _ = service.start(user, quiz(), now=started)
    assert attempt.deadline == started + timedelta(minutes=30)
    service.save_drafts(attempt, {"km": "13.56"}, now=started + timedelta(minutes=10))
    assert not service.save_drafts(attempt, {"km": "1"}, now=started + timedelta(minutes=40))
    auth.login(user)
    auth.post(f"/quizzes/attempts/{attempt.id}/submit", {"q-km": "999"})
    db.session.refresh(attempt)
    assert attempt.auto_submitted and attempt.submitted_at == attempt.deadline
    assert attempt.answer_for("km").score == 1.0


@pytest.mark.parametrize("app_config", ["  time_limit: 30"], indirect=True)
def test_an_abandoned_attempt_is_closed_when_next_looked_at(client, auth, people, db):
    user = people["student"]
    attempt, _ = service.start(user, quiz(), now=utcnow() - timedelta(hours=2))
    service.save_drafts(attempt, {"km": "13.5"}, now=utcnow() - timedelta(hours=2))
    auth.login(user)
    html = client.get(UNIT).get_data(as_text=True)
    assert "automatically, at the deadline" in html
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.answer_for("km").score == 1.0


@pytest.mark.parametrize("app_config", ["  due: 2020-01-10 17:00"], indirect=True)
def test_closed_quiz_refuses_to_start_until_an_extension(client, auth, people, db):
    user = people["student"]
    auth.login(user)
    html = auth.post(f"/quizzes/{QUIZ_UUID}/start", follow_redirects=True).get_data(as_text=True)
    assert "This quiz closed on 10 Jan 2020, 17:00" in html
    db.session.add(DueExtension(user_id=user.id, quiz_uuid=QUIZ_UUID, due=utcnow() + timedelta(days=1)))
    db.session.commit()
    url = start(auth)
    assert "/quizzes/attempts/" in url
    attempt = db.session.scalars(sa.select(QuizAttempt)).one()
    assert attempt.deadline is not None and attempt.deadline > utcnow()


def test_nobody_else_sees_or_changes_an_attempt(client, auth, people):
    auth.login(people["student"])
    url = start(auth)
    auth.logout()
    auth.login(people["classmate"])
    assert client.get(url).status_code == 404
    assert auth.post(url + "/save", {"q-km": "1"}).status_code == 404
    assert auth.post(url + "/submit", {}).status_code == 404
    auth.logout()
    auth.login(people["outsider"])  # the executive cohort cannot open Module 1
    assert auth.post(f"/quizzes/{QUIZ_UUID}/start").status_code == 404


def test_my_grades_lists_the_quiz(client, auth, people):
    auth.login(people["student"])
    url = start(auth)
    auth.post(url + "/submit", {"q-km": "13.56", "q-essay": "Sensors, yes, with a public register."})
    html = client.get("/grades").get_data(as_text=True)
    assert "Waves and distances" in html and "waiting for your tutor" in html.lower() and "Review attempt 1" in html


@pytest.mark.parametrize("app_config", ["no uuid"], indirect=True)
def test_a_quiz_file_without_a_uuid_offers_no_start_button(client, auth, people):
    auth.login(people["student"])
    html = client.get(UNIT).get_data(as_text=True)
    card = html.split('id="quiz-check"', 1)[1].split("</section>", 1)[0]
    assert "Waves and distances" in card and "cannot be taken yet" in card
    assert "/start" not in card and "Start the quiz" not in card


# -- over-long answers: refused with the limit named, never cut -----------------------------------

JSON = {"Accept": "application/json"}


def drafts_of(db):
    attempt = db.session.scalars(sa.select(QuizAttempt)).one()
    db.session.refresh(attempt)
    return attempt.draft_responses


def test_an_answer_of_exactly_the_limit_is_kept_whole(auth, people, db):
    auth.login(people["student"])
    url = start(auth)
    essay = ("Sensors " * 3000)[:service.MAX_RESPONSE_CHARS - 1] + "."
    assert len(essay) == service.MAX_RESPONSE_CHARS
    assert auth.post(url + "/save", {"q-essay": essay}, headers=JSON).get_json()["saved"] is True
    assert drafts_of(db)["essay"] == essay


def test_a_1_9_mb_autosave_is_refused_naming_the_limit_and_the_draft_is_unchanged(auth, people, db):
    auth.login(people["student"])
    url = start(auth)
    assert auth.post(url + "/save", {"q-essay": "My first draft.", "q-km": "12"}, headers=JSON).status_code == 200
    before = drafts_of(db)
    essay = "word " * 380_000  # 1.9 MB: under the site's 2 MB, so the application reads it
    response = auth.post(url + "/save", {"q-essay": essay, "q-km": "13"}, headers=JSON)
    assert response.status_code == 400
    body = response.get_json()
    assert body["saved"] is False and body["field"] == "q-essay" and list(body["errors"]) == ["q-essay"]
    assert "at most 20,000 characters (this has 1,899,999)" in body["errors"]["q-essay"]
    assert "Nothing was cut" in body["errors"]["q-essay"]
    assert drafts_of(db) == before  # nothing stored: not the cut text, not the other answers


def test_a_2_1_mb_autosave_is_too_large_to_read_and_the_draft_is_unchanged(auth, people, db):
    auth.login(people["student"])
    url = start(auth)
    auth.post(url + "/save", {"q-essay": "My first draft."}, headers=JSON)
    before = drafts_of(db)
    response = auth.post(url + "/save", {"q-essay": "word " * 420_000}, headers=JSON)
    assert response.status_code == 413
    assert "2 MB at most" in response.get_json()["message"]
    assert drafts_of(db) == before


def test_submitting_an_over_long_answer_shows_it_again_beside_its_question_and_grades_nothing(client, auth,
                                                                                             people, db):
    auth.login(people["student"])
    url = start(auth)
    essay = "A very long argument. " * 1200  # 26,400 characters
    response = auth.post(url + "/submit", {"q-km": "13.56", "q-essay": essay})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    question = page.split('id="question-essay"', 1)[1].split("</li>", 1)[0]
    assert "at most 20,000 characters (this has 26,399)" in question  # beside the question
    assert essay.strip() in question  # the text is still in the box
    assert 'aria-invalid="true"' in question and 'value="13.56"' in page
    assert "were not submitted" in page and 'class="error-summary"' in page
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#q-essay-error">Question 3' in summary  # the question's own number
    assert answers(db) == 0
    attempt = db.session.scalars(sa.select(QuizAttempt)).one()
    assert attempt.is_open and "essay" not in attempt.draft_responses
    # Shortened, it goes in.
    assert auth.post(url + "/submit", {"q-km": "13.56", "q-essay": essay[:5000]}).status_code == 302
    db.session.refresh(attempt)
    assert not attempt.is_open and attempt.answer_for("essay").response == essay[:5000].strip()


def test_save_and_finish_later_with_an_over_long_answer_keeps_the_page_and_stores_nothing(auth, people, db):
    auth.login(people["student"])
    url = start(auth)
    auth.post(url + "/save", {"q-essay": "Draft one."}, headers=JSON)
    response = auth.post(url + "/save", {"q-essay": "x" * 20_001})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "were not saved" in page and "at most 20,000 characters (this has 20,001)" in page
    assert drafts_of(db)["essay"] == "Draft one."


@pytest.mark.parametrize("app_config", ["  time_limit: 30"], indirect=True)
def test_an_over_long_answer_sent_after_the_time_is_up_is_not_taken_and_the_saved_drafts_are_graded(auth, people,
                                                                                                    db):
    user = people["student"]
    started = utcnow() - timedelta(minutes=45)
    attempt, _ = service.start(user, quiz(), now=started)
    service.save_drafts(attempt, {"km": "13.56", "essay": "In time."}, now=started + timedelta(minutes=10))
    auth.login(user)
    assert auth.post(f"/quizzes/attempts/{attempt.id}/submit", {"q-essay": "x" * 30_000}).status_code == 302
    db.session.refresh(attempt)
    assert attempt.auto_submitted and attempt.answer_for("essay").response == "In time."
