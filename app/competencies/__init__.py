"""Competency self-assessment: a student rates themselves against the course's competency
framework at the start of the programme and again at the end, and sees the two profiles side
by side; tutors see their cohort's profile. Units embed it with ``::: competency-profile``."""
from flask import Blueprint

bp = Blueprint("competencies", __name__)

from . import routes  # noqa: E402,F401


def init_app(app):
    app.register_blueprint(bp)
