"""Question types: ``base`` is the lifecycle every type follows; each other module registers types.

``get(name)`` finds a type and ``names()`` lists them: single, multiple, truefalse (``choice``),
numeric, text, ordering, matching, cloze, essay and simulation.
"""
from . import base
from .base import Grade, GradeContext, QuestionError, QuestionType, get, names
from . import choice, cloze, essay, matching, numeric, ordering, text  # noqa: F401 (they register)
from . import simulation  # noqa: F401

__all__ = ["base", "get", "names", "Grade", "GradeContext", "QuestionError", "QuestionType"]
