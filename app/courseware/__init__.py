"""The programme, module and unit pages, progress, and files linked from units."""
from flask import Blueprint

bp = Blueprint("courseware", __name__)

from . import reference, routes  # noqa: E402,F401


def init_app(app):
    app.register_blueprint(bp)
