"""Live activity types. Importing this package registers the built-in ones."""
from . import board, poll  # noqa: F401  (registers the types)
from .base import LiveKind, choices, get, register

__all__ = ["LiveKind", "choices", "get", "register"]
