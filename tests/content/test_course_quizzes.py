"""Every question in the real course grades its own examples: right scores 1.0, wrong less.

Like PrairieLearn's example-course test: each quiz is drawn for several students (seeds), so
parameterised questions are checked on several variants, not only the first.
"""
import random

import pytest

from app.config import ROOT
from app.content import shared_course
from app.quizzes.questions.base import GradeContext
from app.simulations import service as simulation_service

SEEDS = range(5)


def _course():
    return shared_course(ROOT / "course")


COURSE = _course()
QUESTIONS = [(quiz, question) for module in COURSE.modules for quiz in module.quizzes.values()
             for question in quiz.questions]


def test_the_course_has_quizzes_and_no_problems():
    assert [str(p) for p in COURSE.problems] == []
    assert QUESTIONS, "the course has no quiz questions"


def test_no_feedback_states_an_answer_the_quiz_still_holds_back():
    """Seven quizzes show feedback after each submit but answers only after the last attempt: their
    feedback must teach without giving the answer for the next attempt (``quizzes.leak_check``)."""
    from app.quizzes import leak_check

    quizzes = [quiz for module in COURSE.modules for quiz in module.quizzes.values()]
    held_back = [quiz for quiz in quizzes if quiz.policy.feedback_without_answers()]
    assert len(held_back) >= 7, [quiz.path for quiz in held_back]
    leaks = [f"{quiz.path}:{line}: {message}" for quiz in held_back for line, message in leak_check.check(quiz)]
    assert leaks == [], "\n".join(leaks)


def test_every_numbered_module_has_a_quiz_embedded_in_a_unit():
    for module in COURSE.modules:
        if module.number is None:
            continue
        assert module.quizzes, f"{module.slug} has no quiz"
        for quiz in module.quizzes.values():
            assert quiz.units, f"{quiz.path} is not embedded in any unit (::: quiz {quiz.key})"


@pytest.mark.parametrize("quiz, question", QUESTIONS, ids=[f"{q.key}/{x.id}" for q, x in QUESTIONS])
def test_question_grades_its_examples(quiz, question, app, make):
    if getattr(question, "needs_saved_scenario", False):
        _grades_a_saved_scenario(question, make.user("student"))
        return
    for seed in SEEDS:
        _, variants = quiz.variant(seed)
        variant = variants[question.id]
        right, wrong = question.responses(variant)
        if question.manual:
            assert question.grade_rubric(right["rubric"]).score == 1.0
            assert question.grade_rubric(wrong["rubric"]).score < 1.0
            continue
        assert question.grade(right, variant, GradeContext()).score == pytest.approx(1.0), (seed, right)
        assert question.grade(wrong, variant, GradeContext()).score < 1.0, (seed, wrong)
        assert question.correct_answer_html(variant)


def _grades_a_saved_scenario(question, student):
    """A question on the student's own scenario, graded against one they saved (default settings)."""
    saved, errors = simulation_service.save_scenario(student, {"scenario": question.scenario, "title": "Mine"})
    assert not errors, errors
    value = question.saved_value(saved)
    context = GradeContext(user=student)
    variants = question.draw(random.Random(0))
    right = {"scenario_id": saved.id, "value": f"{value:.6g}"}
    wrong = {"scenario_id": saved.id, "value": f"{value * 2 + 10:.6g}"}
    assert question.grade(right, variants, context).score == pytest.approx(1.0), right
    assert question.grade(wrong, variants, context).score < 1.0, wrong
    assert question.grade({"scenario_id": None, "value": f"{value:.6g}"}, variants, context).score == 0.0


def test_question_ids_and_titles_read_well():
    for quiz, question in QUESTIONS:
        assert len(question.text_template) > 20, f"{quiz.path}: question '{question.id}' is very short"
