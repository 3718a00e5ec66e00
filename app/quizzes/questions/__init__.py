"""Question types: ``base`` is the lifecycle every type follows; each other module registers types.

``get(name)`` finds a type and ``names()`` lists them: single, multiple, truefalse (``choice``),
numeric, text, ordering, matching, cloze, essay and simulation.
"""
# Importing a type's module registers it.
from . import base, choice, cloze, essay, matching, numeric, ordering, simulation, text  # noqa: F401
from .base import ConfigError, Grade, GradeContext, QuestionType, get, names

__all__ = ["base", "get", "names", "Grade", "GradeContext", "ConfigError", "QuestionType"]
