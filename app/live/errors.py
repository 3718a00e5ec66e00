"""The error the live services raise for a request they refuse, and how a refusal is answered."""
from ..inputs import InputError


class LiveError(Exception):
    """A request that cannot be done, with a message for the person (and the field, if one).

    ``status`` is what a JSON caller is answered: 400 for a field that cannot be taken (as the
    site answers every bad field), 409 for a request the room's state refuses (the activity has
    closed, the session has ended, the dots are all placed)."""

    def __init__(self, message, field=None, status=None):
        super().__init__(message)
        self.message, self.field = message, field
        self.status = status or (400 if field else 409)


def read(reader, *args, **kwargs):
    """``reader(*args, **kwargs)`` (one of ``app.inputs``' readers), its ``InputError`` raised as
    a ``LiveError`` for the same field: the live services refuse with one kind of error."""
    try:
        return reader(*args, **kwargs)
    except InputError as error:
        raise LiveError(error.message, error.field) from None


def refusal(error):
    """The answer to a JSON caller whose request a ``LiveError`` refused: the site's JSON error
    (``{"error", "message", "errors": {field: message}, "field"}``), as ``error_response`` makes it."""
    from ..main.routes import error_response

    return error_response(error.status, error.message, error.field)
