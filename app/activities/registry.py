"""The one registry of activity types that units can embed with ``::: <type>``.

A new activity type is one class::

    @register
    class Poll(ActivityType):
        name = "poll"
        label = "Poll"

        @classmethod
        def from_config(cls, ref, unit):
            if "question" not in ref.config:
                raise ActivityConfigError("missing 'question'")
            return cls(ref, unit)

        def render(self, context):
            return render_template("activities/poll.html", activity=self, **context)
"""
from markupsafe import Markup

_REGISTRY = {}


class ActivityConfigError(Exception):
    """A problem in an activity's settings; ``line_offset`` counts from the ``:::`` line."""

    def __init__(self, message, line_offset=0):
        super().__init__(message)
        self.message = message
        self.line_offset = line_offset


class ActivityType:
    """Base class. Subclasses set ``name`` and ``label`` and implement the two hooks."""

    name = ""
    label = ""
    #: Keys a config may have; others are reported as problems. ``None`` allows any.
    allowed_keys = None

    def __init__(self, ref, unit):
        self.ref = ref
        self.unit = unit
        self.config = ref.config

    @property
    def dom_id(self):
        return f"activity-{self.name}-{self.ref.key or self.ref.line}"

    @classmethod
    def check_keys(cls, ref):
        if cls.allowed_keys is None:
            return
        for key in ref.config:
            if key not in cls.allowed_keys:
                allowed = ", ".join(sorted(cls.allowed_keys))
                raise ActivityConfigError(f"unknown setting '{key}' (allowed: {allowed})", 1)

    @classmethod
    def from_config(cls, ref, unit):
        """Validate ``ref.config`` (raise ``ActivityConfigError``) and build the activity.

        Runs once when the course loads; do expensive preparation here, not in ``render``.
        """
        cls.check_keys(ref)
        return cls(ref, unit)

    def render(self, context):
        """HTML for this activity on a unit page; ``context`` has ``user`` and ``unit``."""
        raise NotImplementedError


def register(cls):
    if not cls.name:
        raise ValueError(f"{cls.__name__} needs a 'name'")
    _REGISTRY[cls.name] = cls
    return cls


def get(name):
    return _REGISTRY.get(name)


def names():
    return list(_REGISTRY)


def render_activity(ref, context):
    """Render an embedded activity, or nothing if it failed validation."""
    if ref.activity is None:
        return Markup("")
    return Markup(ref.activity.render(context))
