"""Grades across features: a cohort's gradebook (its quizzes and deliberation exercises, and the
CSV of both) for its tutors, and "My grades" for a student.

It sits above ``quizzes`` and ``deliberation`` and reads both (their services are the only
writers of what it shows), so neither needs the other (docs/architecture.md, "Layers").
``tables`` builds the gradebook's rows and columns; ``routes`` translates HTTP.
"""
from flask import Blueprint

bp = Blueprint("gradebook", __name__)

from . import routes  # noqa: E402,F401


def init_app(app):
    app.register_blueprint(bp)
