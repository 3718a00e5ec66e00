"""No correct answer reaches a student before they submit, for every quiz in the real course.

For each quiz a student starts an attempt and we collect everything they can receive until
they submit: the unit page with the quiz card, the attempt page, the autosave's JSON reply,
their grades page. Then we look for anything only the grader should know: option feedback,
general feedback, numeric answers and tolerances not printed in the question, accepted text
answers, essay guidance, and markers such as ``correct``.
"""
import html
import re

import pytest
import sqlalchemy as sa

from app.content import current_course, markdown_render
from app.models import QuizAttempt
from app.quizzes.questions.variables import fill as variables_fill

MARKERS = re.compile(r"data-correct|is-correct|\bcorrect\s*[:=]|\"correct\"", re.IGNORECASE)


@pytest.fixture
def student(make):
    return make.user("student", cohorts=[make.cohort("pgcert"), make.cohort("pgdip"), make.cohort("mst"),
                                        make.cohort("executive")])


def secrets_of(question, variant):
    """Strings that must not appear before submission (each long enough not to occur by chance)."""
    data = question.data
    found = []

    def add(value):
        text = variables_fill(str(value), variant).strip()
        if len(text) >= 4:
            found.append(text)

    if data.get("feedback"):
        add(data["feedback"])
    for option in data.get("options") or []:
        if isinstance(option, dict) and option.get("feedback"):
            add(option["feedback"])
    for key in ("feedback_true", "feedback_false", "guidance"):
        if data.get(key):
            add(data[key])
    for answer in data.get("answers") or []:
        if isinstance(answer, dict):
            for key in ("text", "regex", "feedback"):
                if answer.get(key) and not _in_question(answer[key], question, variant):
                    add(answer[key])
    return found  # an essay's rubric is shown on purpose: students should know how they are marked


def _in_question(value, question, variant):
    return str(value).lower() in variables_fill(question.text_template, variant).lower()


def test_no_answer_reaches_a_student_before_submission(client, auth, student, db):
    course = current_course()
    quizzes = [q for m in course.modules for q in m.quizzes.values()]
    assert quizzes
    auth.login(student)
    leaks = []
    for quiz in quizzes:
        unit_page = client.get(quiz.units[0].url).get_data(as_text=True)
        response = auth.post(f"/quizzes/{quiz.uuid}/start")
        assert response.status_code == 302, quiz.path
        attempt_url = response.headers["Location"]
        attempt_page = client.get(attempt_url).get_data(as_text=True)
        saved = auth.post(attempt_url + "/save", {}, headers={"Accept": "application/json"}).get_data(as_text=True)
        grades = client.get("/grades").get_data(as_text=True)
        # The unit's own prose teaches the terms openly; what the quiz adds is its card.
        card = unit_page.split('class="activity activity-quiz"', 1)[1].split("</section>", 1)[0]
        received = "\n".join([card, _main(attempt_page), saved, _main(grades)])
        form = attempt_page.split('class="quiz-form"', 1)[1]
        assert not MARKERS.search(form), f"{quiz.path}: a correctness marker is in the attempt form"
        attempt = db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.quiz_uuid == quiz.uuid)).one()
        _, variants = quiz.variant(attempt.seed)
        for question in quiz.questions:
            for secret in secrets_of(question, variants[question.id]):
                needle = _plain(markdown_render.render(secret))
                at = _plain(received).find(needle)
                if at >= 0:
                    leaks.append(f"{quiz.path}: question '{question.id}' leaks {secret[:60]!r} before submission: "
                                 f"...{_plain(received)[max(0, at - 150):at + 60]}...")
    assert leaks == [], "\n".join(leaks)


def _main(page):
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def _plain(html_text):
    """Text without tags or Markdown emphasis, whitespace collapsed, for substring checks."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", html_text))
    text = re.sub(r"[*_`]", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()
