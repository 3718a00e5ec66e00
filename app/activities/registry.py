"""The registry of activity types that units can embed with ``::: <type> [key]``.

A new activity type is one class (``app.registry`` explains the design it shares with question,
live and stage types)::

    @register
    class Poll(ActivityType):
        name = "poll"
        label = "Poll"
        allowed_keys = {"question"}

        @classmethod
        def from_config(cls, config, unit, key="", line=1):
            cls.check_keys(config)
            if "question" not in config:
                raise ConfigError("missing 'question'")
            return cls(config, unit, key, line)

        @classmethod
        def examples(cls):
            return Examples(valid={"question": "Which?"}, invalid={}, problem="missing 'question'")

        def render(self, context):
            return render_template("activities/poll.html", activity=self, **context)

``config`` is the block's settings, a mapping that knows each key's line in the unit file
(``registry.line_of(config, key)``): a ``ConfigError`` raised with that line is reported there
by ``flask course check``; without a line, at the ``:::`` line.
"""
from markupsafe import Markup

from ..content.formats import ACTIVITY_TYPES as TYPES
from ..registry import ConfigError, Examples, line_of

register = TYPES.register
get = TYPES.get
names = TYPES.names


class ActivityType:
    """Base class. Subclasses set ``name`` and ``label`` and implement the hooks."""

    name = ""
    label = ""
    #: Keys a config may have; others are reported as problems. ``None`` allows any.
    allowed_keys = None

    def __init__(self, config, unit, key="", line=1):
        self.config = config
        self.unit = unit
        self.key = key
        self.line = line  # the ``:::`` line in the unit file

    @property
    def dom_id(self):
        return f"activity-{self.name}-{self.key or self.line}"

    @classmethod
    def check_keys(cls, config):
        if cls.allowed_keys is None:
            return
        for key in config:
            if key not in cls.allowed_keys:
                allowed = ", ".join(sorted(cls.allowed_keys))
                raise ConfigError(f"unknown setting '{key}' (allowed: {allowed})", line_of(config, key), key)

    @classmethod
    def from_config(cls, config, unit, key="", line=1):
        """Validate ``config`` (raise ``ConfigError``) and build the activity for ``unit``.

        Runs once when the course loads; do expensive preparation here, not in ``render``.
        """
        cls.check_keys(config)
        return cls(config, unit, key, line)

    @classmethod
    def examples(cls):
        """``Examples``: settings this type takes (with the course ``files`` they name) and settings
        it refuses, for the test that embeds every registered type in a unit."""
        raise NotImplementedError

    def render(self, context):
        """HTML for this activity on a unit page; ``context`` has ``user`` and ``unit``."""
        raise NotImplementedError


def render_activity(ref, context):
    """Render an embedded activity, or nothing if it failed validation."""
    if ref.activity is None:
        return Markup("")
    return Markup(ref.activity.render(context))


__all__ = ["TYPES", "ActivityType", "ConfigError", "Examples", "get", "names", "register", "render_activity"]
