"""One design for the typed things a course names by a word: activity types (``::: quiz``),
question types (``type: numeric``), live activity types (``kind: poll``) and deliberation stage
types (``type: consequences``).

Each family keeps one ``Registry``; a type is a class registered by its ``name``::

    TYPES = Registry("activity type")

    @TYPES.register
    class Poll(ActivityType):
        name = "poll"

``TYPES["poll"]`` finds it (an unknown name raises ``ConfigError`` listing the known ones),
``TYPES.get(name)`` gives ``None`` instead, ``TYPES.names()`` is the sorted list and iterating
gives the types in the order they were registered (the order of menus). A registry made with
``instances=True`` keeps one instance of each class (types without per-use state: live kinds),
and ``add(thing)`` registers a ready-made object (stage types, declared as data).

Every type of every family is built from plain data by ``from_config(data, ...)`` (a YAML
mapping from a course file, or what a tutor's form gives once read) and refuses bad settings
with ``ConfigError``, which carries the file line (when the data came from a file), the field,
and a message for a person. ``examples()`` hooks give each type a valid and an invalid
configuration, for the tests that walk every registered type.
"""


import dataclasses
from dataclasses import dataclass


class ConfigError(Exception):
    """Settings that cannot be used: ``message`` for a person, ``line`` in the course file
    (``None``: the line of the thing itself, or no file), ``field`` the setting at fault."""

    def __init__(self, message, line=None, field=None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field


def line_of(data, key=None, default=None):
    """The file line of ``key`` in ``data`` (of the mapping itself without ``key``) when ``data``
    came from a course file (``content.yaml_lines.LinedDict``), else ``default``."""
    if hasattr(data, "line_of"):
        return data.line_of(key) if key is not None else data.line
    return default


@dataclass(frozen=True)
class Examples:
    """What a type's ``examples()`` gives the tests that walk every registered type: settings
    ``from_config`` takes (``valid``) and settings it refuses (``invalid``, with ``problem`` a
    phrase of the refusal and ``field`` the setting it names); for a type that takes answers, an
    answer it takes (``right``; for a graded type one that scores full marks) and one it refuses
    or marks wrong (``wrong``); ``files`` the course files the valid settings name."""

    valid: dict
    invalid: dict
    problem: str
    field: str | None = None
    right: object = None
    wrong: object = None
    files: dict = dataclasses.field(default_factory=dict)


class Registry:
    """Types of one family, by name."""

    def __init__(self, what, instances=False):
        self.what = what  # "activity type": how messages name a member
        self.instances = instances
        self._types = {}

    def register(self, cls):
        """Class decorator: register ``cls`` under ``cls.name`` (one instance if ``instances``).
        A second class of the same name is an error (the same class imported again is not)."""
        existing = self._types.get(getattr(cls, "name", ""))
        if existing is not None:
            old = existing if isinstance(existing, type) else type(existing)
            if (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
                raise ValueError(f"two {self.what}s are called {cls.name!r}: {old.__qualname__}, {cls.__qualname__}")
        self._put(cls() if self.instances else cls)
        return cls

    def add(self, thing):
        """Register a ready-made object (a type declared as data) under its ``name``."""
        existing = self._types.get(getattr(thing, "name", ""))
        if existing is not None and existing != thing:
            raise ValueError(f"two {self.what}s are called {thing.name!r}")
        return self._put(thing)

    def _put(self, thing):
        name = getattr(thing, "name", "")
        if not name:
            raise ValueError(f"a {self.what} needs a 'name': {thing!r}")
        self._types[name] = thing
        return thing

    def get(self, name, default=None):
        return self._types.get(name, default) if isinstance(name, str) else default

    def __getitem__(self, name):
        found = self.get(name)
        if found is None:
            raise ConfigError(f"unknown {self.what} {name!r} (known: {', '.join(self.names()) or 'none'})")
        return found

    def __contains__(self, name):
        return self.get(name) is not None

    def names(self):
        return sorted(self._types)

    def __iter__(self):
        return iter(list(self._types.values()))

    def __len__(self):
        return len(self._types)
