"""Live workshops for executive cohorts: sessions joined by code, tables, activities, a projector,
and events that reach every screen in the room within a second.

``service`` (gathering ``sessions``, ``participants`` and ``posts``) is the only place that
changes sessions; ``kinds`` declares what each activity type does; ``events`` records and
delivers what changed (in-process, and through Redis across workers); ``routes`` translates HTTP.
"""
from flask import Blueprint

bp = Blueprint("live", __name__)

from . import kinds, routes, tutor_routes  # noqa: E402,F401


def init_app(app):
    import secrets

    app.register_blueprint(bp)
    # A fresh idempotency key for each answer form: a form sent twice is stored once.
    app.jinja_env.globals["new_key"] = lambda: secrets.token_urlsafe(16)
    app.jinja_env.globals["live_kind"] = lambda activity: kinds.get(activity.kind)
    app.jinja_env.globals["live_note_stages"] = kinds.deliberation.note_stages
    app.jinja_env.globals["live_stage"] = lambda activity: kinds.deliberation.stage_of(activity)[1]
    app.jinja_env.globals["live_stage_roles"] = kinds.deliberation.roles_of
