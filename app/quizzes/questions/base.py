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
- ``responses(variant)`` a correct and an incorrect response, which tests grade for every
  question in the course (a correct one must score 1.0, an incorrect one less);
- ``summarise(response)`` a short text of an answer, for the analytics' answer distribution;
- ``secret_answers(variant)`` what would give the answer away (``Secret``: the accepted texts,
  the right options' texts, the answer values) and ``feedback_texts(variant)`` every feedback
  text with the line it is on (``FeedbackText``): ``quizzes.leak_check`` looks for the first in
  the second when a quiz shows feedback while it still holds the answers back.

Option tokens. A response stores each chosen option (item, gap choice) as ``token(text)``, a
stable hash of its text, so stored answers survive a new ``SECRET_KEY``. The page never sees
those: it gets ``Tokens.sent(i)``, an HMAC of the text under the attempt's key
(``variant["_key"]``, set by ``Quiz.variant`` from the app's secret, the quiz, the attempt's
seed and the question), so the same option has a different token in every attempt and nobody
can work one out from the option's text. ``parse`` turns what the page sent back into stored
tokens; a stable token sent by a page from before this scheme is still understood.

Register a type with ``@register`` (``TYPES``, an ``app.registry.Registry``); ``get(name)`` finds it. Form field names always start with
``self.field`` (``q-<question id>``) so several questions share one ``<form>``.
"""
import hashlib
import hmac
import html as html_mod
import json
import re
from dataclasses import dataclass, field

from flask import render_template
from markupsafe import Markup, escape

from ...content import markdown_render
from ...registry import ConfigError, Examples, Registry, line_of  # noqa: F401 (Examples: for the types)
from . import variables as variables_mod

TYPES = Registry("question type")
register = TYPES.register
get = TYPES.get
names = TYPES.names
KEY = "_key"  # the variant's entry with the attempt's token key (set by Quiz.variant; never shown)
_TAG = re.compile(r"<[^>]*>")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(?<!\w)[*_`]+(?=\S)|(?<=\S)[*_`]+(?!\w)")
_ONE_PARAGRAPH = re.compile(r"<p>((?:(?!<p[ >]).)*)</p>", re.S)


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


@dataclass(frozen=True)
class Secret:
    """Something that gives a question's answer away: a text, or (``value`` set) a number,
    recognised within ``tolerance`` (a parsed pair, as ``numeric.parse_tolerance`` returns)."""

    text: str  # as the check's message shows it
    value: float | None = None
    tolerance: tuple = ("absolute", 0.0)


@dataclass(frozen=True)
class FeedbackText:
    """One feedback text (Markdown, variables filled in) and who reads it.

    ``label`` names it in the check's message ("feedback", "option 2's feedback"); ``known`` are
    the secrets its reader has already given (feedback on a right answer may repeat it)."""

    text: str
    line: int | None
    label: str
    known: tuple = ()


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
        """Validate ``data`` (a ``LinedDict``) and build the question; raise ``ConfigError``."""
        cls.check_keys(data)
        if not str(data.get("text") or "").strip():
            raise ConfigError("missing 'text' (the question, in Markdown)", data.line)
        points = data.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            raise ConfigError(f"'points' must be a positive number, got {points!r}", data.line_of("points"))
        question = cls(data, quiz_path)
        question.validate()
        return question

    @classmethod
    def check_keys(cls, data):
        allowed = cls.common_keys | cls.allowed_keys
        for key in data:
            if key not in allowed:
                raise ConfigError(f"unknown setting '{key}' for a {cls.name} question "
                                    f"(allowed: {', '.join(sorted(allowed))})", data.line_of(key))

    def validate(self):
        """Type-specific checks; raise ``ConfigError`` with ``self.data.line_of(key)``."""

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

    def render(self, variant, response=None, disabled=False, owner=None, error=""):
        """The question's form fields (HTML). Default: ``quizzes/questions/<name>.html``.

        ``owner`` is the student whose attempt this is (a tutor may be the one looking);
        ``error`` a refusal of what was sent (too long), shown beside the fields."""
        return Markup(render_template(
            f"quizzes/questions/{self.name}.html", question=self, variant=variant,
            response=response, disabled=disabled, owner=owner, error=error,
        ))

    def parse(self, form, variant=None):
        """The response from a submitted form (a ``MultiDict``); JSON-ready, never raises.

        ``variant`` (with its token key) turns the page's option tokens into stored ones."""
        return form.get(self.field, "")

    def grade(self, response, variant, context=None):
        raise NotImplementedError

    def correct_answer_html(self, variant):
        raise NotImplementedError

    def responses(self, variant):
        """``(correct_response, incorrect_response)`` for this variant."""
        raise NotImplementedError

    @classmethod
    def examples(cls):
        """``registry.Examples``: a question of this type that loads (``valid``, as a quiz file's
        mapping) and one it refuses (``invalid``), for the test that walks every registered type
        (its right and wrong answers are the built question's ``responses(variant)``)."""
        raise NotImplementedError

    @classmethod
    def sample(cls, text, **settings):
        """A question mapping of this type, for ``examples``."""
        return {"id": f"sample-{cls.name}", "type": cls.name, "text": text, **settings}

    def summarise(self, response):
        """A short text of ``response`` for answer distributions (``""`` when unanswered)."""
        if response in (None, "", [], {}):
            return ""
        return str(response)[:200]

    def is_answered(self, response):
        return response not in (None, "", [], {})

    # -- what feedback must not say -------------------------------------------------------
    def secret_answers(self, variant):
        """``[Secret]``: what states this question's answer (none by default: nothing to hide)."""
        return []

    def asked_text(self, variant):
        """The question's text (Markdown) as a student reads it: what it says is no secret."""
        return self.fill(self.text_template, variant)

    def feedback_texts(self, variant):
        """``[FeedbackText]``: every feedback this question may show; by default the general one."""
        if not self.general_feedback_template.strip():
            return []
        return [FeedbackText(variables_mod.fill(self.general_feedback_template, variant),
                             line_of(self.data, "feedback"), "feedback")]

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
    def fill(text, variant=None):
        """``text`` with the variant's ``{{variables}}`` filled in."""
        return variables_mod.fill(str(text), variant or {})

    @staticmethod
    def plain(markdown):
        """Markdown (or HTML) as the words a reader sees, near enough to search in: link targets,
        tags and emphasis marks dropped, entities decoded, spaces collapsed."""
        text = _LINK.sub(r"\1", str(markdown))
        text = _EMPHASIS.sub("", _TAG.sub(" ", text))
        return " ".join(html_mod.unescape(text).split())

    @staticmethod
    def feedback_html(*parts):
        """Grade feedback from ``parts``: ``Markup`` kept as it is, plain text as an escaped paragraph."""
        return Markup("").join(part if isinstance(part, Markup) else Markup("<p>{}</p>").format(part)
                               for part in parts if part)

    @staticmethod
    def esc(text):
        return escape(text)


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
    """The stored token of an option's text: stable, it tells nothing of the option's place or
    correctness, and it never goes to the page (``Tokens.sent`` does)."""
    return "c" + hashlib.sha256(str(text).encode()).hexdigest()[:12]


def attempt_key(secret, quiz_uuid, seed, question_id):
    """The token key of one question in one attempt: HMAC-SHA256 of the app's ``secret``, so a
    seed (31 bits) and the quiz's file are not enough to work the tokens out."""
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    message = json.dumps(["leadup quiz option tokens", str(quiz_uuid), int(seed), str(question_id)])
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


class Tokens:
    """The tokens of a list of texts (options, items, choices) in one variant.

    ``sent(i)`` is what the page gets for text ``i`` (needs the variant's key); ``index(value)``
    finds a text from its sent or its stored token; ``stored(value)`` is what a response keeps."""

    def __init__(self, texts, variant):
        self.texts = [str(text) for text in texts]
        self.stable = [token(text) for text in self.texts]
        key = (variant or {}).get(KEY)
        self._sent = [_keyed(key, text) for text in self.texts] if key else None
        self._index = {value: i for i, value in enumerate(self.stable)}
        self._index.update({value: i for i, value in enumerate(self._sent or [])})

    @property
    def keyed(self):
        """True when the variant has its attempt's key (the page's tokens can be made)."""
        return self._sent is not None

    def sent(self, i):
        if self._sent is None:
            raise RuntimeError("a question's options are rendered only for an attempt: take the variant "
                               "from Quiz.variant(seed), which adds the attempt's token key")
        return self._sent[i]

    def index(self, value):
        return self._index.get(value) if isinstance(value, str) else None

    def stored(self, value):
        """The stored token for a sent (or stored) one; anything else as it was sent."""
        i = self.index(value)
        return self.stable[i] if i is not None else value


def _keyed(key, text):
    return "c" + hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()[:16]
