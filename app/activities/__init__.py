"""Activity types embedded in units. Importing this package registers the built-in types."""
from . import competency, deliberation, quiz, reflection, simulation  # noqa: F401  (registers the types)
from .registry import TYPES, ActivityType, get, names, register, render_activity

__all__ = ["TYPES", "ActivityType", "get", "names", "register", "render_activity"]


def init_app(app):
    app.jinja_env.globals["render_activity"] = render_activity
