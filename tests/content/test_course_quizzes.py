"""Every question in the real course grades its own examples: right scores 1.0, wrong less.

Like PrairieLearn's example-course test: each quiz is drawn for several students (seeds), so
parameterised questions are checked on several variants, not only the first.
"""
import pytest

from app.config import ROOT
from app.content import load_course
from app.quizzes.questions.base import GradeContext

SEEDS = range(5)


def _course():
    return load_course(ROOT / "course")


COURSE = _course()
QUESTIONS = [(quiz, question) for module in COURSE.modules for quiz in module.quizzes.values()
             for question in quiz.questions]


def test_the_course_has_quizzes_and_no_problems():
    assert [str(p) for p in COURSE.problems] == []
    assert QUESTIONS, "the course has no quiz questions"


def test_every_numbered_module_has_a_quiz_embedded_in_a_unit():
    for module in COURSE.modules:
        if module.number is None:
            continue
        assert module.quizzes, f"{module.slug} has no quiz"
        for quiz in module.quizzes.values():
            assert quiz.units, f"{quiz.path} is not embedded in any unit (::: quiz {quiz.key})"


@pytest.mark.parametrize("quiz, question", QUESTIONS, ids=[f"{q.key}/{x.id}" for q, x in QUESTIONS])
def test_question_grades_its_examples(quiz, question, app):
    if getattr(question, "needs_saved_scenario", False):
        pytest.skip("graded against a student's saved scenario: tests/integration/test_simulation_question_db.py")
    for seed in SEEDS:
        _, variants = quiz.variant(seed)
        variant = variants[question.id]
        right, wrong = question.examples(variant)
        if question.manual:
            assert question.grade_rubric(right["rubric"]).score == 1.0
            assert question.grade_rubric(wrong["rubric"]).score < 1.0
            continue
        assert question.grade(right, variant, GradeContext()).score == pytest.approx(1.0), (seed, right)
        assert question.grade(wrong, variant, GradeContext()).score < 1.0, (seed, wrong)
        assert question.correct_answer_html(variant)


def test_question_ids_and_titles_read_well():
    for quiz, question in QUESTIONS:
        assert len(question.text_template) > 20, f"{quiz.path}: question '{question.id}' is very short"
