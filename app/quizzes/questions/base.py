"""What every question type is: one registered class with a small lifecycle.

A question type validates its YAML once when the course loads (``from_config``), and then, for
one student's *variant* (the values drawn for its variables, see ``variables.py``):

- ``render(variant, response, disabled)`` the form fields, with no answer, tolerance or
  option feedback in them: students receive this before they submit;
- ``parse(form)`` what the student sent, as JSON-ready data (never raises: a bad value is kept
  as sent and graded wrong, so nothing the student typed is lost);
- ``grade(response, variant, context)`` a ``Grade`` (score 0..1, or ``None`` for a tutor to
  grade), with feedback HTML;
- ``correct_answer_html(variant)`` the right answer, shown only when the quiz's policy allows;
- ``examples(variant)`` a correct and an incorrect response, which tests grade for every
  question in the course (a correct one must score 1.0, an incorrect one less);
- ``summarise(response)`` a short text of an answer, for the analytics' answer distribution.

Register a type with ``@register``; ``get(name)`` finds it. Form field names always start with
``self.field`` (``q-<question id>``) so several questions share one ``<form>``.
"""
import hashlib
import re
from dataclasses import dataclass, field

from flask import render_template
from markupsafe import Markup, escape

from ...content import markdown_render
from . import variables as variables_mod

_TYPES = {}
_ONE_PARAGRAPH = re.compile(r"<p>((?:(?!<p[ >]).)*)</p>", re.S)


class QuestionError(Exception):
    """A problem in a question's YAML; ``line`` is the file line (``None``: the question's)."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Grade:
    """The outcome of grading one response.

    ``score`` is a fraction of the question's points from 0 to 1, or ``None`` while it waits
    for a tutor. ``feedback`` is HTML for the student (shown when the policy allows);
    ``parts`` optional per-part detail (cloze gaps, matching rows): ``[{label, correct}]``.
    """

    score: float | None
    feedback: str = ""
    parts: list = field(default_factory=list)

    @property
    def needs_grading(self):
        return self.score is None


@dataclass
class GradeContext:
    """What grading may need beyond the response: the student (their saved scenarios)."""

    user: object = None


class QuestionType:
    """Base class. Subclasses set ``name``, ``label``, ``allowed_keys`` and the hooks."""

    name = ""
    label = ""
    #: Keys this type adds to the common ones (id, type, points, text, feedback, variables).
    allowed_keys = set()
    common_keys = {"id", "type", "points", "text", "feedback", "variables", "title"}
    #: True for types a tutor grades (essay): their score is None until graded.
    manual = False

    def __init__(self, data, quiz_path=""):
        self.data = data
        self.path = quiz_path
        self.id = str(data["id"])
        self.points = float(data.get("points", 1))
        self.title = str(data.get("title") or "")
        self.text_template = str(data.get("text") or "")
        self.general_feedback_template = str(data.get("feedback") or "")
        self.variables = variables_mod.parse(data.get("variables"), data)

    # -- loading -----------------------------------------------------------------------
    @classmethod
    def from_config(cls, data, quiz_path=""):
        """Validate ``data`` (a ``LinedDict``) and build the question; raise ``QuestionError``."""
        cls.check_keys(data)
        if not str(data.get("text") or "").strip():
            raise QuestionError("missing 'text' (the question, in Markdown)", data.line)
        points = data.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            raise QuestionError(f"'points' must be a positive number, got {points!r}", data.line_of("points"))
        question = cls(data, quiz_path)
        question.validate()
        return question

    @classmethod
    def check_keys(cls, data):
        allowed = cls.common_keys | cls.allowed_keys
        for key in data:
            if key not in allowed:
                raise QuestionError(f"unknown setting '{key}' for a {cls.name} question "
                                    f"(allowed: {', '.join(sorted(allowed))})", data.line_of(key))

    def validate(self):
        """Type-specific checks; raise ``QuestionError`` with ``self.data.line_of(key)``."""

    # -- one student's view -------------------------------------------------------------
    @property
    def field(self):
        return f"q-{self.id}"

    def draw(self, rng):
        """This question's variant for one student: ``{variable: value}`` from ``rng``."""
        return variables_mod.draw(self.variables, rng)

    def text_html(self, variant):
        return Markup(markdown_render.render(variables_mod.fill(self.text_template, variant)))

    def general_feedback_html(self, variant):
        text = self.general_feedback_template
        return Markup(markdown_render.render(variables_mod.fill(text, variant))) if text else Markup("")

    def render(self, variant, response=None, disabled=False, owner=None):
        """The question's form fields (HTML). Default: ``quizzes/questions/<name>.html``.

        ``owner`` is the student whose attempt this is (a tutor may be the one looking)."""
        return Markup(render_template(
            f"quizzes/questions/{self.name}.html", question=self, variant=variant,
            response=response, disabled=disabled, owner=owner,
        ))

    def parse(self, form):
        """The response from a submitted form (a ``MultiDict``); JSON-ready, never raises."""
        return form.get(self.field, "")

    def grade(self, response, variant, context=None):
        raise NotImplementedError

    def correct_answer_html(self, variant):
        raise NotImplementedError

    def examples(self, variant):
        """``(correct_response, incorrect_response)`` for this variant."""
        raise NotImplementedError

    def summarise(self, response):
        """A short text of ``response`` for answer distributions (``""`` when unanswered)."""
        if response in (None, "", [], {}):
            return ""
        return str(response)[:200]

    def is_answered(self, response):
        return response not in (None, "", [], {})

    # -- helpers for subclasses -----------------------------------------------------------
    @staticmethod
    def md(text, variant=None):
        """Markdown (with ``{{variables}}`` filled in) to safe HTML."""
        return Markup(markdown_render.render(variables_mod.fill(str(text), variant or {})))

    @classmethod
    def md_inline(cls, text, variant=None):
        """Like ``md`` for a phrase (an option, an item): without the ``<p>`` around one paragraph."""
        html = str(cls.md(text, variant)).strip()
        match = _ONE_PARAGRAPH.fullmatch(html)
        return Markup(match.group(1) if match else html)

    @staticmethod
    def feedback_html(*parts):
        """Grade feedback from ``parts``: ``Markup`` kept as it is, plain text as an escaped paragraph."""
        return Markup("").join(part if isinstance(part, Markup) else Markup("<p>{}</p>").format(part)
                               for part in parts if part)

    @staticmethod
    def esc(text):
        return escape(text)


def line_of(mapping, key=None, default=None):
    """The file line of ``key`` in ``mapping`` (of the mapping itself without ``key``), if it has one."""
    if hasattr(mapping, "line_of"):
        return mapping.line_of(key) if key is not None else mapping.line
    return default


def shuffled(rng, count, avoid_identity=False):
    """``range(count)`` in a random order; with ``avoid_identity`` never the original order."""
    order = list(range(count))
    rng.shuffle(order)
    while avoid_identity and count > 1 and order == sorted(order):
        rng.shuffle(order)
    return order


def kept_order(order, count):
    """An order stored in a variant, or the original order if it is missing or does not fit."""
    return order if sorted(order or []) == list(range(count)) else list(range(count))


def token(text):
    """An opaque, stable form value for a choice: it tells nothing of the choice's place or correctness."""
    return "c" + hashlib.sha256(str(text).encode()).hexdigest()[:12]


def register(cls):
    if not cls.name:
        raise ValueError(f"{cls.__name__} needs a 'name'")
    _TYPES[cls.name] = cls
    return cls


def get(name):
    return _TYPES.get(name)


def names():
    return sorted(_TYPES)
