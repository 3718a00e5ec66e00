"""Sign in, sign out, password reset by a tutor-issued link, change password, answering invitations."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import invitations, routes  # noqa: E402,F401


def init_app(app):
    app.register_blueprint(bp)
