"""Health check, error pages and what every template needs."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from . import routes  # noqa: E402


def init_app(app):
    app.register_blueprint(bp)
    routes.register_error_pages(app)
    app.context_processor(routes.template_globals)
