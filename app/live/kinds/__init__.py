"""Live activity types. Importing this package registers the built-in ones."""
# Importing the modules registers the types.
from . import board, deliberation, poll, questions, ranking, scale, simulation, wordcloud  # noqa: F401
from .base import LiveKind, choices, get, register, registered

__all__ = ["LiveKind", "choices", "get", "register", "registered"]
