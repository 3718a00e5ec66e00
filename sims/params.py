"""Declared model parameters: what a control shows and what a run accepts.

Each scenario lists its ``Param`` declarations; the browser builds its sliders from them, the
CLI and the server coerce text with them, and ``resolve`` turns whatever a caller gives into a
complete, checked set of values (so a run is reproducible from its resolved parameters).
"""


class ParamError(ValueError):
    """A parameter value that cannot be used; the message names the parameter."""


class Param:
    """One model input. ``kind`` is ``number``, ``integer``, ``boolean`` or ``choice``."""

    def __init__(self, name, label, default, kind="number", unit="", minimum=None, maximum=None,
                 step=None, help="", choices=None, group=""):
        self.name = name
        self.label = label
        self.default = default
        self.kind = kind
        self.unit = unit
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
        self.help = help
        self.choices = choices or []
        self.group = group

    def describe(self):
        """The declaration as plain data (for JSON and templates)."""
        return {
            "name": self.name, "label": self.label, "type": self.kind, "unit": self.unit,
            "min": self.minimum, "max": self.maximum, "step": self.step, "default": self.default,
            "help": self.help, "choices": [list(c) for c in self.choices], "group": self.group,
        }

    def coerce(self, value):
        """Return ``value`` as this parameter's type, or raise ``ParamError``."""
        if self.kind == "boolean":
            return _boolean(self.name, value)
        if self.kind == "choice":
            allowed = [c[0] for c in self.choices]
            if value not in allowed:
                raise ParamError(f"{self.name}: must be one of {', '.join(map(str, allowed))} (got {_shown(value)})")
            return value
        number = _number(self.name, value, integer=self.kind == "integer")
        if self.minimum is not None and number < self.minimum:
            raise ParamError(f"{self.name}: must be at least {self.minimum}{_space(self.unit)} (got {number})")
        if self.maximum is not None and number > self.maximum:
            raise ParamError(f"{self.name}: must be at most {self.maximum}{_space(self.unit)} (got {number})")
        return number


def _space(unit):
    return f" {unit}" if unit and unit != "%" else unit


def _boolean(name, value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ParamError(f"{name}: must be true or false (got {_shown(value)})")


def _number(name, value, integer=False):
    if isinstance(value, bool):
        raise ParamError(f"{name}: must be a number (got {_shown(value)})")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParamError(f"{name}: must be a number (got {_shown(value)})") from None
    except OverflowError:  # an integer with hundreds of digits
        number = float("inf")
    if number != number or number in (float("inf"), float("-inf")):
        raise ParamError(f"{name}: must be a finite number (got {_shown(value)})")
    if integer:
        if number != int(number):
            raise ParamError(f"{name}: must be a whole number (got {_shown(value)})")
        return int(number)
    return number


def _shown(value):
    """``value`` for a message: short, and a huge integer by its number of digits."""
    if isinstance(value, int) and abs(value) >= 10 ** 40:
        return f"a number of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def resolve(declared, values=None):
    """Defaults overlaid with ``values``, each checked; unknown names are an error."""
    values = dict(values or {})
    by_name = {p.name: p for p in declared}
    unknown = sorted(map(str, set(values) - set(by_name)))
    if unknown:
        shown = ", ".join(name[:40] for name in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise ParamError(f"unknown parameter {shown} (known: {', '.join(by_name)})")
    return {p.name: p.coerce(values[p.name]) if p.name in values else p.default for p in declared}


def parse_assignments(pairs):
    """``["k=v", ...]`` (as typed on a command line) to a dict of strings."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ParamError(f"expected name=value, got {pair!r}")
        values[name.strip()] = value.strip()
    return values
