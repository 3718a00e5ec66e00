"""What features add to the course files the loader reads, so that the loader names none of them.

- ``MODULE_FILES``: the files a module folder may hold beside its units, one ``ModuleFile`` per
  format (``quizzes.quiz_file`` registers ``*.quiz.yaml``, ``deliberation.exercise_file``
  registers ``*.deliberation.yaml``); the loader fills ``module.<name>`` with them by key.
- ``ACTIVITY_TYPES``: the types a unit embeds with ``::: <type>`` (``app.activities``).
- ``file_uuid``: the ``uuid`` every such file carries, read the same way for every format.

Each feature registers when it is imported, and ``app/__init__.py`` imports every feature with
the package, so any code of the app finds them all.
"""
from collections.abc import Callable
from dataclasses import dataclass

from ..inputs import read_uuid
from ..registry import Registry


@dataclass(frozen=True)
class ModuleFile:
    name: str  # the ``Module`` attribute its files fill, by key (``quizzes``)
    suffix: str  # ``.quiz.yaml``: the key is the file name without it
    load: Callable  # (path, rel_path, key) -> (item or None, [(line, message)]); items have a uuid


MODULE_FILES = Registry("module file format")
ACTIVITY_TYPES = Registry("activity type")


def file_uuid(data, problems):
    """The file's ``uuid`` as a canonical string, or "" with a problem noted."""
    value = data.get("uuid")
    if not value:
        problems.append((1, "missing 'uuid' (python -c 'import uuid; print(uuid.uuid4())')"))
        return ""
    canonical = read_uuid(value)
    if canonical is None:
        problems.append((data.line_of("uuid"), f"'uuid' is not a valid UUID: {value!r}"))
        return ""
    return canonical
