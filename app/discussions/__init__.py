"""Cohort discussions: topics and replies inside a cohort, moderated by its tutors, and topics
made from a live session's notes.

``service`` is the only module that changes topics and replies; ``validation`` cleans and checks
what people type; ``from_live`` turns a live session's activities into topics; ``routes``
translates HTTP. Learner text is stored as typed (control characters removed) and always shown
escaped, never as Markdown or HTML.
"""
from flask import Blueprint

bp = Blueprint("discussions", __name__)

from . import routes  # noqa: E402,F401


def init_app(app):
    from . import from_live, service

    app.register_blueprint(bp)
    app.jinja_env.filters["discussion_time"] = service.display_time
    # the form that turns a live session's notes into topics (``_from_live.html``)
    app.jinja_env.globals["discussion_from_live"] = from_live.form_state
