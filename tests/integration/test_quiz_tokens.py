"""Option tokens on the real course's quiz pages: new in every attempt, keyed with the app's secret.

The page sends per-attempt tokens; answers are stored with each option's stable token (a hash of
its text), which never reaches the browser; answers stored before per-attempt tokens (and pages
loaded before them) are still read right.
"""
import re

import pytest
import sqlalchemy as sa

from app.content import current_course
from app.models import QuizAnswer, QuizAttempt
from app.quizzes import service
from app.quizzes.questions.base import token


@pytest.fixture
def cohort(make):
    return make.cohort("pgcert")


def single_choice_quiz():
    """A quiz of the real course with more than one attempt and a single-choice question."""
    for module in current_course().modules:
        for quiz in module.quizzes.values():
            single = next((q for q in quiz.questions if q.name == "single"), None)
            if single is not None and quiz.policy.attempts != 1 and module.slug.startswith("m1-"):
                return quiz, single
    raise AssertionError("no Module 1 quiz with a single-choice question and several attempts")


def start(auth, quiz):
    response = auth.post(f"/quizzes/{quiz.uuid}/start")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def options_on(page, question):
    """``{token: option label}`` of a choice question on an attempt page."""
    found = re.findall(rf'<label for="{re.escape(question.field)}-(c[0-9a-f]+)">(.*?)</label>', page, re.S)
    assert found, f"no options of {question.field} on the page"
    return {value: label.strip() for value, label in found}


def right_option(question):
    return next(option["text"] for option in question.options if option["correct"])


def test_option_tokens_differ_between_attempts_and_students(client, auth, make, cohort, db):
    quiz, question = single_choice_quiz()
    first_student, second_student = make.user("student", cohorts=[cohort]), make.user("student", cohorts=[cohort])
    auth.login(first_student)
    url = start(auth, quiz)
    first = set(options_on(client.get(url).get_data(as_text=True), question))
    assert set(options_on(client.get(url).get_data(as_text=True), question)) == first  # the same on reload
    auth.post(url + "/submit", {})
    second = set(options_on(client.get(start(auth, quiz)).get_data(as_text=True), question))
    auth.logout()
    auth.login(second_student)
    other = set(options_on(client.get(start(auth, quiz)).get_data(as_text=True), question))
    assert len(first) == len(question.options) == len(second) == len(other)
    assert not first & second and not first & other and not second & other
    assert not (first | second | other) & {option["token"] for option in question.options}


def test_the_page_token_of_the_right_option_grades_right_and_is_stored_stably(client, auth, make, cohort, db):
    quiz, question = single_choice_quiz()
    auth.login(make.user("student", cohorts=[cohort]))
    url = start(auth, quiz)
    shown = options_on(client.get(url).get_data(as_text=True), question)
    right = next(value for value, label in shown.items() if label == question.md_inline(right_option(question)))
    assert auth.post(url + "/submit", {question.field: right}).status_code == 302
    answer = db.session.scalars(sa.select(QuizAnswer).where(QuizAnswer.question_id == question.id)).one()
    assert answer.score == 1.0
    assert answer.response == token(right_option(question))  # stored stable, not as sent
    assert answer.summary == right_option(question)[:200]  # what analytics count
    review = client.get(url).get_data(as_text=True)
    checked = re.search(rf'value="{right}"\s*checked', review)
    assert checked, "the review page does not show the chosen option"


def test_answers_stored_with_the_old_stable_tokens_are_still_read(client, auth, make, cohort, db):
    quiz, question = single_choice_quiz()
    auth.login(make.user("student", cohorts=[cohort]))
    url = start(auth, quiz)
    attempt = db.session.scalars(sa.select(QuizAttempt)).one()
    # An open attempt's draft saved before per-attempt tokens: the stable token of the right option.
    attempt.drafts = {question.id: token(right_option(question))}
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    shown = options_on(page, question)
    right = next(value for value, label in shown.items() if label == question.md_inline(right_option(question)))
    assert re.search(rf'value="{right}"\s*checked', page), "the stored answer is not shown as chosen"
    assert token(right_option(question)) not in page
    service.submit(attempt, quiz, None)  # graded on the stored drafts, as when its time runs out
    assert attempt.answer_for(question.id).score == 1.0


def test_a_page_loaded_before_per_attempt_tokens_is_understood(client, auth, make, cohort, db):
    quiz, question = single_choice_quiz()
    auth.login(make.user("student", cohorts=[cohort]))
    url = start(auth, quiz)
    saved = auth.post(url + "/save", {question.field: token(right_option(question))},
                      headers={"Accept": "application/json"})
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    attempt = db.session.scalars(sa.select(QuizAttempt)).one()
    assert attempt.draft_responses[question.id] == token(right_option(question))
    auth.post(url + "/submit", {question.field: token(right_option(question))})
    db.session.refresh(attempt)
    assert attempt.answer_for(question.id).score == 1.0


def stable_tokens(question):
    """Every stored token a question has: options, items, matching rows and choices, cloze choices."""
    found = [option["token"] for option in getattr(question, "options", [])]
    found += getattr(question, "tokens", []) if isinstance(getattr(question, "tokens", None), list) else []
    found += getattr(question, "left_tokens", []) + getattr(question, "choice_tokens", [])
    for gap in getattr(question, "gaps", []):
        if gap.kind == "choice":
            found += [token(option) for option in gap.rule]
    return found


def test_no_page_of_any_quiz_contains_a_stable_token(client, auth, make, db):
    student = make.user("student", cohorts=[make.cohort(name) for name in ("pgcert", "pgdip", "mst", "executive")])
    auth.login(student)
    quizzes = [quiz for module in current_course().modules for quiz in module.quizzes.values()]
    checked = 0
    for quiz in quizzes:
        url = start(auth, quiz)
        pages = {"attempt page": client.get(url).get_data(as_text=True)}
        auth.post(url + "/submit", {})
        pages["review page"] = client.get(url).get_data(as_text=True)
        for question in quiz.questions:
            for stable in stable_tokens(question):
                checked += 1
                for name, page in pages.items():
                    assert stable not in page, f"{quiz.path}: question '{question.id}': a stable token on the {name}"
    assert checked > 50, checked
