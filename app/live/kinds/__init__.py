"""Live activity types. Importing this package registers the built-in ones."""
# Importing the modules registers the types.
from . import (board, deliberation, poll, questions, ranking, scale, simulation,  # noqa: F401
               wordcloud)
from .base import LiveKind, choices, get, register

__all__ = ["LiveKind", "choices", "get", "register"]
