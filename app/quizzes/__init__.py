"""Graded quizzes: quiz files, question types, attempts, grading policy, tutor pages, GIFT.

``quiz_file`` loads quizzes from ``course/``; ``questions`` holds one class per question type;
``service`` is the only module that changes attempts; the route modules translate HTTP (``routes``
for students, ``tutor`` for tutors). The cohort gradebook, which also shows deliberation grades,
is ``app.gradebook``, above this package.
"""
from flask import Blueprint

from .policy import show_time

bp = Blueprint("quizzes", __name__)

from . import quiz_file, routes, tutor  # noqa: E402,F401  (quiz_file registers *.quiz.yaml)


def percent(fraction):
    """0.875 -> '87.5%'; 1.0 -> '100%'."""
    value = round(100 * fraction, 1)
    return f"{value:g}%"


def number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals.update(show_time=show_time, percent=percent, number=number)
    from .cli import quiz_cli

    app.cli.add_command(quiz_cli)
