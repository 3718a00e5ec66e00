"""The gradebook's pages: a cohort's gradebook and its CSV (its tutors and admins), and a
student's "My grades".

The addresses are those the quiz pages had (``/cohorts/<id>/gradebook``, ``.csv``, ``/grades``);
the endpoints are ``gradebook.cohort``, ``gradebook.cohort_csv`` and ``gradebook.mine``.
"""
from flask import render_template
from flask_login import current_user

from ..content import current_course
from ..courseware.access import can_read_module
from ..csv_export import csv_response
from ..models import STAFF
from ..quizzes import service as quizzes
from ..security import roles, signed_in, taught_cohort
from ..text import slug
from . import bp
from .tables import Gradebook, exercise_rows


@bp.get("/cohorts/<int:cohort_id>/gradebook")
@roles(*STAFF)
def cohort(cohort_id):
    return render_template("gradebook/gradebook.html", **Gradebook.of(taught_cohort(cohort_id)).page())


@bp.get("/cohorts/<int:cohort_id>/gradebook.csv")
@roles(*STAFF)
def cohort_csv(cohort_id):
    book = Gradebook.of(taught_cohort(cohort_id))
    return csv_response(f"gradebook-{slug(book.cohort.name, 60, 'cohort')}.csv", book.csv_header(), book.csv_rows())


@bp.get("/grades")
@signed_in
def mine():
    """The signed-in student's grade on every quiz they can take, by module, and their exercises."""
    course = current_course()
    rows = []
    for module in course.modules:
        if not can_read_module(module):
            continue
        for quiz in module.quizzes.values():
            if not quiz.uuid:
                continue
            attempts = quizzes.attempts_of(current_user.id, quiz)
            rows.append((module, quiz, quizzes.grade_of(current_user.id, quiz, attempts), attempts,
                         quizzes.due_for(current_user.id, quiz)))
    return render_template("gradebook/grades.html", rows=rows, exercises=exercise_rows(course, current_user))
