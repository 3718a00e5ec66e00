"""Numeric answers: the ``numeric`` question, and the number reading other types share.

Public helpers, also used by cloze gaps and simulation questions:

- ``parse_number(text, unit, units)`` reads what a student typed (``13.6``, ``13,600 m``,
  ``1.2e3 km``, ``£1,200``) into a value in ``unit``: ``(value, "")`` or ``(None, problem)``;
- ``parse_tolerance(spec)`` checks a tolerance: ``0.1`` absolute or ``"2%"`` relative;
- ``within(value, target, tolerance)`` and ``tolerance_amount(tolerance, target)`` compare;
- ``format_number(value, decimals)`` and ``describe_tolerance(tolerance)`` show them;
- ``NumberRule`` is a whole numeric setting (answers, unit, units, decimals) checked from YAML.
"""
import math
import re
from dataclasses import dataclass, field

from markupsafe import Markup

from . import variables as variables_mod
from .base import ConfigError, Examples, FeedbackText, Grade, QuestionType, Secret, line_of, register

_SHAPE = re.compile(r"""
    (?P<prefix>[^\d\s.,+-][^\d+-]*?)? \s*
    (?P<number>[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:\ \d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?) \s*
    (?P<suffix>[^\d\s.,+-].*)?
""", re.X)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
NOT_A_NUMBER = "Not a number."


def parse_number(text, unit="", units=None):
    """``(value in unit, "")`` for what a student typed, or ``(None, problem)``.

    Accepts thousands commas (or spaces), exponents, a unicode minus, and a unit before or
    after the number: ``unit`` itself, or a key of ``units`` (``{name: factor to unit}``), matched
    exactly or else ignoring case when that is unambiguous.
    """
    raw = _SPACES.sub(" ", text if isinstance(text, str) else "" if text is None else str(text)).strip()
    raw = raw.replace("\u2212", "-")
    if not raw:
        return None, "No answer."
    match = _SHAPE.fullmatch(raw)
    if match is None:
        return None, ("Not a number: write decimals with a point, as in 13.6." if "," in raw else NOT_A_NUMBER)
    value = float(match["number"].replace(",", "").replace(" ", ""))
    if not math.isfinite(value):
        return None, NOT_A_NUMBER
    prefix, suffix = (match["prefix"] or "").strip(), (match["suffix"] or "").strip()
    if prefix and suffix:
        return None, NOT_A_NUMBER
    given = prefix or suffix
    if not given:
        return value, ""
    accepted = {**({unit: 1} if unit else {}), **(units or {})}
    factor = accepted.get(given)
    if factor is None:
        folded = [name for name in accepted if name.casefold() == given.casefold()]
        factor = accepted[folded[0]] if len(folded) == 1 else None
    if factor is not None:
        return value * factor, ""
    if not accepted:
        return None, NOT_A_NUMBER
    return None, f"The unit '{given}' is not accepted here: use {_or(list(accepted))}."


def parse_tolerance(spec):
    """``("absolute", 0.1)`` from ``0.1``, ``("relative", 0.02)`` from ``"2%"``; ``None`` is exact.

    Raises ``ValueError`` for anything else (negative, not a number, a bool)."""
    if spec is None or spec == "":
        return "absolute", 0.0
    problem = ValueError(f"expected a number of at least 0 or a percentage such as 2%, got {spec!r}")
    if isinstance(spec, bool) or not isinstance(spec, (int, float, str)):
        raise problem
    text = str(spec).strip()
    kind = "relative" if text.endswith("%") else "absolute"
    try:
        amount = float(text.rstrip("%").strip())
    except ValueError:
        raise problem from None
    if not math.isfinite(amount) or amount < 0:
        raise problem
    return kind, amount / 100 if kind == "relative" else amount


def tolerance_amount(tolerance, target):
    """The largest error allowed around ``target`` (``tolerance``: a spec or a parsed pair)."""
    kind, amount = tolerance if isinstance(tolerance, tuple) else parse_tolerance(tolerance)
    return amount * abs(target) if kind == "relative" else amount


def within(value, target, tolerance=None):
    """Whether ``value`` is within ``tolerance`` (a spec such as ``0.1``/``"2%"``, or a parsed pair)."""
    allowed = tolerance_amount(tolerance, target)
    slack = 1e-9 * max(1.0, abs(target), allowed)  # the last bits of floating point
    return abs(value - target) <= allowed + slack


def format_number(value, decimals=None):
    """``13.56`` → ``"13.56"``; with ``decimals`` fixed places; never ``-0`` or float noise."""
    value = float(value) + 0.0
    text = f"{value:.{decimals}f}" if decimals is not None else f"{value:.10g}"
    return "0" if re.fullmatch(r"-0(\.0*)?", text) else text


def describe_tolerance(tolerance):
    """``"± 0.1"``, ``"± 2%"``, or ``""`` for an exact answer."""
    kind, amount = tolerance if isinstance(tolerance, tuple) else parse_tolerance(tolerance)
    if not amount:
        return ""
    return f"± {format_number(amount * 100)}%" if kind == "relative" else f"± {format_number(amount)}"


def _or(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@dataclass
class NumericAnswer:
    value: object  # a number or "=formula"
    tolerance: tuple = ("absolute", 0.0)
    score: float = 1.0
    feedback: str = ""
    feedback_line: int | None = None

    def target(self, variant):
        return float(variables_mod.evaluate(self.value, variant or {}))


@dataclass
class NumberRule:
    """A numeric setting: graded answers, the unit and accepted units, display decimals.

    Built from a question's or a cloze gap's YAML by ``from_data``, which raises
    ``ConfigError`` with the line of the offending key.
    """

    answers: list
    unit: str = ""
    units: dict = field(default_factory=dict)
    decimals: int | None = None

    @classmethod
    def from_data(cls, data, variables, several=True):
        """``answer`` + ``tolerance``, or (when ``several``) a list ``answers``; ``unit``, ``units``, ``decimals``."""
        if several and "answers" in data:
            if "answer" in data or "tolerance" in data:
                raise ConfigError("use either 'answer' (with 'tolerance') or 'answers', not both",
                                    data.line_of("answers"))
            answers = _answers_list(data, variables)
        elif "answer" in data:
            answers = [NumericAnswer(_value(data, "answer", variables), _tolerance(data, "tolerance"))]
        else:
            raise ConfigError("missing 'answer' (a number or \"=formula\")"
                                + (" or 'answers'" if several else ""), data.line)
        unit = data.get("unit", "")
        if not isinstance(unit, str) or (unit and not unit.strip()):
            raise ConfigError("'unit' must be text such as km", data.line_of("unit"))
        units = data.get("units")
        if units is not None:
            units = _units(data, unit.strip())
        decimals = data.get("decimals")
        if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int)
                                     or not 0 <= decimals <= 12):
            raise ConfigError("'decimals' must be a whole number from 0 to 12", data.line_of("decimals"))
        return cls(answers, unit.strip(), units or {}, decimals)

    @property
    def best(self):
        return next(a for a in self.answers if a.score == 1)

    def check(self, text, variant):
        """``(score, answer matched or None, problem)`` for what the student typed."""
        value, problem = parse_number(text, self.unit, self.units)
        if value is None:
            return 0.0, None, problem
        for answer in self.answers:
            if within(value, answer.target(variant), answer.tolerance):
                return answer.score, answer, ""
        return 0.0, None, ""

    @property
    def units_text(self):
        """The accepted units in words: ``"km, m or miles"``."""
        return _or(list(self.units))

    def show(self, value):
        """A value with the unit, as the student would read it."""
        return format_number(value, self.decimals) + (f" {self.unit}" if self.unit else "")

    def correct_text(self, variant):
        answer = self.best
        tolerance = describe_tolerance(answer.tolerance)
        return self.show(answer.target(variant)) + (f" ({tolerance})" if tolerance else "")

    def secrets(self, variant):
        """``[Secret]`` of the values that earn marks, each with its tolerance."""
        return [self._secret(answer, variant) for answer in self.answers if answer.score > 0]

    def _secret(self, answer, variant):
        value = answer.target(variant)
        return Secret(self.show(value), value, answer.tolerance)

    def feedback_texts(self, variant):
        """Each answer's feedback, read only by those whose number it accepted."""
        texts, everything = [], tuple(self.secrets(variant))
        for number, answer in enumerate(self.answers, start=1):
            if answer.feedback.strip():
                known = everything if answer.score >= 1 else (self._secret(answer, variant),) if answer.score else ()
                texts.append(FeedbackText(variables_mod.fill(answer.feedback, variant), answer.feedback_line,
                                          f"answer {number}'s feedback", known))
        return texts

    def summary(self, text):
        value, _ = parse_number(text, self.unit, self.units)
        return self.show(value) if value is not None else str(text or "").strip()[:200]

    def responses(self, variant):
        """``(correct text, incorrect text)``: the best answer exactly, and a value no full answer accepts."""
        target = self.best.target(variant)
        for wrong in (target + 1 + abs(target), target - 7 - 3 * abs(target), -target - 11):
            if self.check(repr(wrong), variant)[0] < 1:
                return repr(target), repr(wrong)
        return repr(target), "not a number"


def _value(data, key, variables):
    value = data.get(key)
    where = line_of(data, key)
    if isinstance(value, bool) or not (isinstance(value, (int, float)) or variables_mod.is_formula(value)):
        raise ConfigError(f"'{key}' must be a number or a formula starting with '=', got {value!r}", where)
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"'{key}' must be a finite number", where)
    if variables_mod.is_formula(value):
        try:
            variables_mod.check_formula(value, variables)
        except variables_mod.VariableError as error:
            raise ConfigError(error.message, where) from None
    return value


def _tolerance(data, key):
    try:
        return parse_tolerance(data.get(key))
    except ValueError as error:
        raise ConfigError(f"'{key}': {error}", line_of(data, key)) from None


def _answers_list(data, variables):
    items = data.get("answers")
    if not isinstance(items, list) or not items:
        raise ConfigError("'answers' must be a list of {value, tolerance, score, feedback}", data.line_of("answers"))
    answers = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ConfigError(f"answer {number} must be a mapping: {{value, tolerance, score, feedback}}",
                                data.line_of("answers"))
        for key in item:
            if key not in {"value", "tolerance", "score", "feedback"}:
                raise ConfigError(f"answer {number}: unknown setting '{key}' (allowed: feedback, score, "
                                    "tolerance, value)", line_of(item, key))
        if "value" not in item:
            raise ConfigError(f"answer {number}: missing 'value'", line_of(item))
        answers.append(NumericAnswer(_value(item, "value", variables), _tolerance(item, "tolerance"),
                                     score_of(item, number), str(item.get("feedback") or ""),
                                     line_of(item, "feedback") or line_of(item)))
    if not any(a.score == 1 for a in answers):
        raise ConfigError("at least one answer needs 'score: 1' (the right answer)", data.line_of("answers"))
    return answers


def score_of(item, number):
    """An answer's ``score`` (default 1), a number from 0 to 1; raises ``ConfigError``."""
    score = item.get("score", 1)
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 1:
        raise ConfigError(f"answer {number}: 'score' must be a number from 0 to 1, got {score!r}",
                            line_of(item, "score"))
    return float(score)


def _units(data, unit):
    units = data.get("units")
    where = data.line_of("units")
    if not unit:
        raise ConfigError("'units' needs 'unit' (the unit the answer is in)", where)
    if not isinstance(units, dict) or not units:
        raise ConfigError("'units' must map unit names to their factor to 'unit', e.g. {km: 1, m: 0.001}", where)
    checked = {}
    for name, factor in units.items():
        line = line_of(units, name, where)
        if not isinstance(name, str) or not name.strip() or re.search(r"[\d.,+-]", name[:1]):
            raise ConfigError(f"units: {name!r} is not a unit name", line)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not factor > 0:
            raise ConfigError(f"units: {name}: the factor must be a positive number, got {factor!r}", line)
        checked[name.strip()] = float(factor)
    if checked.setdefault(unit, 1.0) != 1:
        raise ConfigError(f"units: '{unit}' is the answer's unit, so its factor must be 1", where)
    return checked


@register
class NumericQuestion(QuestionType):
    """A number typed in a box, right within a tolerance, in any accepted unit."""

    name = "numeric"
    label = "Numeric"
    allowed_keys = {"answer", "tolerance", "unit", "units", "answers", "decimals"}

    @classmethod
    def examples(cls):
        return Examples(valid=cls.sample("How far (in km) was the average commute in 2011?", answer=13.56, tolerance=0.1,
                                   unit="km", units={"km": 1, "m": 0.001}),
                        invalid=cls.sample("How far?", answer=13.56, tolerance="close"), problem="tolerance",
                        field="tolerance")

    def validate(self):
        self.rule = NumberRule.from_data(self.data, self.variables)

    @property
    def typing_units(self):
        """True when students may type other units, so the phone keyboard must have letters."""
        return len(self.rule.units) > 1

    def parse(self, form, variant=None):
        return form.get(self.field, "").strip()

    def grade(self, response, variant, context=None):
        if not self.is_answered(response):
            return Grade(0.0, self.feedback_html("No answer."))
        score, answer, problem = self.rule.check(response, variant)
        note = self.md(answer.feedback, variant) if answer and answer.feedback else ""
        return Grade(score, self.feedback_html(problem, note))

    def correct_answer_html(self, variant):
        return Markup("<p>{}</p>").format(self.rule.correct_text(variant))

    def responses(self, variant):
        return self.rule.responses(variant)

    def summarise(self, response):
        return self.rule.summary(response) if self.is_answered(response) else ""

    def secret_answers(self, variant):
        return self.rule.secrets(variant)

    def feedback_texts(self, variant):
        return super().feedback_texts(variant) + self.rule.feedback_texts(variant)
