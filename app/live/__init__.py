"""Live workshops for executive cohorts: sessions joined by code, tables, activities, a projector,
and events that reach every screen in the room within a second.

``service`` is the only module that changes sessions; ``events`` records and delivers what
changed (in-process, and through Redis across workers); ``routes`` translates HTTP.
"""
from flask import Blueprint

bp = Blueprint("live", __name__)

from . import routes  # noqa: E402,F401


def init_app(app):
    app.register_blueprint(bp)
