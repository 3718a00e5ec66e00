"""A cohort's quiz grades, for the tutors' pages: the quizzes its level takes, every student's
attempts and overrides in a few queries, the grade of each (student, quiz) and the essays waiting
for a tutor.

The quiz tutor pages (``quizzes.tutor``) and the cohort gradebook (``app.gradebook``, which adds
the deliberation grades beside these) read them here. Overdue attempts are submitted as they
are read (``service.close_if_overdue``), so every page shows the same grades.
"""
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..content import current_course
from ..extensions import db
from ..models import GradeOverride, QuizAnswer, QuizAttempt, User
from ..models.quiz import SUBMITTED
from . import service


def cohort_quizzes(cohort):
    return current_course().quizzes_for_levels([cohort.level_id])


@dataclass
class Cell:
    """One student's grade on one quiz, with their attempts."""

    grade: service.QuizGrade
    attempts: list

    @property
    def to_grade(self):
        """The first submitted attempt with an essay waiting for a tutor, if any."""
        return next((a for a in self.attempts if a.waiting_for_tutor), None)


def cohort_attempts(students, quizzes):
    """``{(user id, quiz uuid): [attempts, oldest first]}`` in one query, overdue ones submitted."""
    by_uuid = {q.uuid: q for q in quizzes}
    grouped = defaultdict(list)
    if not students or not quizzes:
        return grouped
    rows = db.session.scalars(
        sa.select(QuizAttempt).where(QuizAttempt.user_id.in_([s.id for s in students]),
                                     QuizAttempt.quiz_uuid.in_(list(by_uuid)))
        .options(selectinload(QuizAttempt.answers)).order_by(QuizAttempt.user_id, QuizAttempt.number))
    for attempt in rows:
        service.close_if_overdue(attempt, by_uuid[attempt.quiz_uuid])
        grouped[(attempt.user_id, attempt.quiz_uuid)].append(attempt)
    return grouped


def cohort_overrides(students, quizzes):
    """``{(user id, quiz uuid): GradeOverride}`` in one query."""
    if not students or not quizzes:
        return {}
    rows = db.session.scalars(sa.select(GradeOverride).where(
        GradeOverride.user_id.in_([s.id for s in students]), GradeOverride.quiz_uuid.in_([q.uuid for q in quizzes])))
    return {(o.user_id, o.quiz_uuid): o for o in rows}


def grade_table(students, quizzes):
    """``{(user id, quiz uuid): Cell}`` for every student and quiz, in two queries."""
    attempts = cohort_attempts(students, quizzes)
    overrides = cohort_overrides(students, quizzes)
    return {(s.id, q.uuid): Cell(service.grade_from(q, attempts[(s.id, q.uuid)], overrides.get((s.id, q.uuid))),
                                 attempts[(s.id, q.uuid)])
            for s in students for q in quizzes}


def quiz_average(cells):
    """``(mean score or None, how many students have a score)`` over ``cells``."""
    scores = [c.grade.score for c in cells if c.grade.score is not None]
    return (sum(scores) / len(scores) if scores else None), len(scores)


@dataclass
class Waiting:
    student: User
    quiz: object
    attempt: QuizAttempt
    answer: QuizAnswer
    number: int  # the question's number in the quiz file
    question: object


def waiting_answers(students, quizzes, table):
    """Essay answers waiting for a tutor, oldest submission first."""
    waiting = []
    for student in students:
        for quiz in quizzes:
            for attempt in table[(student.id, quiz.uuid)].attempts:
                if attempt.status != SUBMITTED:
                    continue
                for answer in attempt.answers:
                    question = quiz.question(answer.question_id)
                    if answer.score is None and question is not None:
                        waiting.append(Waiting(student, quiz, attempt, answer,
                                               quiz.questions.index(question) + 1, question))
    return sorted(waiting, key=lambda w: (w.attempt.submitted_at, w.answer.id))
