"""Reading what people send: one cleaning for every written field, one reading of numbers.

Every learner- and tutor-written text (forms, JSON bodies, uploaded files' names and titles)
passes through ``clean_text`` before it is checked or stored, so a field holds the same kind of
text whatever route it came by and whichever database stores it:

- NUL and the other C0 controls (but line breaks, and tabs in multi-line text), DEL and the
  C1 controls are removed: PostgreSQL refuses NUL in text, and the others only confuse;
- the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
  can make text read differently from what it holds, are removed;
- lone UTF-16 surrogates (which only a JSON ``"\\ud800"`` escape can produce) and the
  non-characters U+FFFE/U+FFFF are removed: they cannot be encoded, so they break storage;
- line breaks become ``\\n``, and the text is normalised to NFC, so "é" is one character
  however it was typed.

Nothing else is changed: pages always show learner text escaped. ``check_length`` refuses an
over-long text naming the limit, never cutting it short.

Numbers from forms and JSON go through ``read_int`` / ``read_number``: a value that is not a
number, not finite, or outside its range is refused with a message naming the field; a missing
value takes the given default, or is refused. Nothing is silently "taken as 0".

A uuid (of a course file, or a unit's in a JSON body) is read by ``read_uuid``: its canonical
form, so one uuid written two ways is one uuid, or None.
"""
import math
import re
import unicodedata
import uuid

# C0 controls but \t \n \r, DEL and C1, bidi embeddings/overrides/isolates, surrogates, U+FFFE/F.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")


class InputError(ValueError):
    """A value that cannot be taken; ``field`` names the form field or JSON key."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message

    def as_dict(self):
        return {"field": self.field, "message": self.message}


def clean_text(value, one_line=False):
    """``value`` as stored text (see the module docstring); ``one_line`` folds all white space."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub("\n", str(value))
    text = _UNWANTED.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if one_line:
        return " ".join(text.split())
    return text.strip()


def clean_secret(value):
    """A password as typed, made encodable: lone surrogates become U+FFFD, nothing else changes."""
    return _SURROGATES.sub("\ufffd", "" if value is None else str(value))


def check_length(text, limit, field, label=None):
    """``text`` unchanged, or ``InputError`` naming the limit when it has more than ``limit`` characters."""
    if len(text) > limit:
        raise InputError(field, f"{label or 'This'} is too long: at most {limit:,} characters "
                                f"(this has {len(text):,}). Nothing was cut; shorten it and send it again.")
    return text


def read_text(value, field, limit, label=None, one_line=False, required=False):
    """Cleaned text within ``limit`` characters (and not empty when ``required``), or ``InputError``."""
    text = clean_text(value, one_line=one_line)
    if required and not text:
        raise InputError(field, f"{label or 'This field'} is empty: write something first.")
    return check_length(text, limit, field, label)


_MISSING = object()


def read_number(value, field, low=None, high=None, default=_MISSING, label=None, whole=False):
    """``value`` (a form string, or a JSON number) as a finite number within ``[low, high]``.

    Missing or blank takes ``default`` when one is given. Anything else that is not a number
    (``"abc"``, ``true``, ``NaN``, ``1e400``) or is outside the range raises ``InputError``.
    """
    name = label or field
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is not _MISSING:
            return default
        raise InputError(field, f"“{name}” is missing: {_expected(low, high, whole)}.")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InputError(field, f"“{name}” must be {_expected(low, high, whole)}.")
    if isinstance(value, str):
        text = clean_text(value, one_line=True).replace(",", "") if len(value) <= 100 else "x"
        try:
            number = int(text) if whole else float(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise InputError(field, f"“{name}” must be {_expected(low, high, whole)}; "
                                        f"“{text[:40]}” is not a number.") from None
    else:
        number = value
    if isinstance(number, float) and not math.isfinite(number):
        raise InputError(field, f"“{name}” must be {_expected(low, high, whole)}; it is not a finite number.")
    if whole:
        if number != int(number):
            raise InputError(field, f"“{name}” must be {_expected(low, high, whole)}.")
        number = int(number)
    if (low is not None and number < low) or (high is not None and number > high):
        raise InputError(field, f"“{name}” must be {_expected(low, high, whole)}; got {_shown(number)}.")
    return number


def read_int(value, field, low=None, high=None, default=_MISSING, label=None):
    """``read_number`` for whole numbers."""
    return read_number(value, field, low, high, default, label, whole=True)


def read_uuid(value):
    """``value`` as a canonical uuid (``"5b0f3c2e-8d7a-4e1b-…"``: lower case, with hyphens), or
    None if it is not one. Takes what ``uuid.UUID`` takes: upper case, braces, no hyphens."""
    try:
        return str(uuid.UUID("" if value is None else str(value)))
    except ValueError:
        return None


def finite(value):
    """True for an int or float that is neither NaN nor infinite (and not a bool)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return isinstance(value, int) or math.isfinite(value)  # math.isfinite(10 ** 400) would raise


def _expected(low, high, whole):
    kind = "a whole number" if whole else "a number"
    if low is not None and high is not None:
        return f"{kind} from {_shown(low)} to {_shown(high)}"
    if low is not None:
        return f"{kind} of at least {_shown(low)}"
    if high is not None:
        return f"{kind} of at most {_shown(high)}"
    return kind


def _shown(number):
    return f"{number:,}" if isinstance(number, int) else f"{number:,.10g}"
