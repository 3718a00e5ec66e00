"""Tutors and admins: cohorts, enrolment by CSV, progress tables, accounts and reset links."""
from flask import Blueprint

bp = Blueprint("manage", __name__)

from . import routes  # noqa: E402,F401


def init_app(app):
    app.register_blueprint(bp)
