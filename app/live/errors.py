"""The error the live services raise for a request they refuse."""


class LiveError(Exception):
    """A request that cannot be done, with a message for the person (and the field, if one)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field
