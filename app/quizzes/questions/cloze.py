"""Cloze questions: a paragraph with ``[[name]]`` gaps, each a short text, a choice or a number.

    gaps:
      workers: {answers: [working residents, workers]}      # text: as the ``text`` type
      jobs: {options: [jobs, homes, roads], answer: jobs}   # choice: a select
      mean: {answer: 13.56, tolerance: 0.1, unit: km}       # numeric: as the ``numeric`` type

Each gap may have ``points`` (default 1): the score is the points-weighted mean over gaps.
Gaps are named in the form by their number (``q-<id>-g2``), never by the author's name, which
may give the answer away; choice gaps list their options in a per-student order, each with
this attempt's token (``base.Tokens``). A response is ``{gap name: value}`` (a choice gap's
value is the option's stored token).
"""
import re
from dataclasses import dataclass

from markupsafe import Markup

from . import variables as variables_mod
from .base import (
    ConfigError,
    Examples,
    Grade,
    QuestionType,
    Secret,
    Tokens,
    kept_order,
    line_of,
    register,
    shuffled,
    token,
)
from .numeric import NumberRule
from .text import TextRule

GAP = re.compile(r"\[\[\s*([^\[\]\s]*)\s*\]\]")
GAP_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
SLOT = "QZGAP{}QZ"
SLOT_HTML = re.compile(r"QZGAP(\d+)QZ")
KEYS = {
    "text": {"answers", "case_sensitive", "whitespace", "points"},
    "choice": {"options", "answer", "points"},
    "numeric": {"answer", "tolerance", "unit", "units", "decimals", "points"},
}


@dataclass
class Gap:
    name: str
    number: int  # 1-based, in the order of the text
    kind: str  # text | choice | numeric
    points: float
    rule: object  # TextRule, NumberRule, or the options (list of text) of a choice gap
    answer: int = 0  # a choice gap's right option

    @property
    def label(self):
        return f"Gap {self.number}"


@register
class ClozeQuestion(QuestionType):
    name = "cloze"
    label = "Gaps in a paragraph"
    allowed_keys = {"gaps"}

    @classmethod
    def examples(cls):
        return Examples(valid=cls.sample("Trips out add up to its [[workers]], trips in to its [[jobs]]; the mean is [[mean]] km.",
                                   gaps={"workers": {"answers": ["workers", "working residents"]},
                                         "jobs": {"options": ["jobs", "homes"], "answer": "jobs"},
                                         "mean": {"answer": 13.56, "tolerance": 0.1}}),
                        invalid=cls.sample("A [[gap]] and [[other]].", gaps={"gap": {"answers": ["a"]}}),
                        problem="the gap [[other]] has no entry", field="gaps")

    def validate(self):
        data = self.data
        names = [m.group(1) for m in GAP.finditer(self.text_template)]
        for name in names:
            if not GAP_NAME.match(name):
                raise ConfigError(f"gap [[{name}]]: a gap name is letters, digits, - and _", data.line_of("text"))
            if names.count(name) > 1:
                raise ConfigError(f"the gap [[{name}]] appears more than once in the text", data.line_of("text"))
        if not names:
            raise ConfigError("the text has no gaps: mark each with [[name]]", data.line_of("text"))
        specs = data.get("gaps")
        if not isinstance(specs, dict):
            raise ConfigError("'gaps' must map each [[name]] in the text to its answer", data.line_of("gaps"))
        for name in specs:
            if str(name) not in names:
                raise ConfigError(f"gaps: '{name}' is not a [[gap]] in the text", line_of(specs, name))
        self.gaps = []
        for number, name in enumerate(names, start=1):
            if name not in specs:
                raise ConfigError(f"the gap [[{name}]] has no entry in 'gaps'", data.line_of("gaps"))
            self.gaps.append(self._gap(name, number, specs[name], line_of(specs, name)))

    def _gap(self, name, number, spec, where):
        if not isinstance(spec, dict):
            raise ConfigError(f"gaps: {name} must be a mapping: {{answers: [...]}}, {{options: [...], answer: ...}} "
                                "or {answer: number}", where)
        kind = "choice" if "options" in spec else "text" if "answers" in spec else "numeric"
        for key in spec:
            if key not in KEYS[kind]:
                raise ConfigError(f"gaps: {name}: unknown setting '{key}' for a {kind} gap "
                                    f"(allowed: {', '.join(sorted(KEYS[kind]))})", line_of(spec, key, where))
        points = spec.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            raise ConfigError(f"gaps: {name}: 'points' must be a positive number", line_of(spec, "points", where))
        try:
            if kind == "text":
                return Gap(name, number, kind, float(points), TextRule.from_data(spec))
            if kind == "numeric":
                return Gap(name, number, kind, float(points), NumberRule.from_data(spec, self.variables, several=False))
        except ConfigError as error:
            raise ConfigError(f"gaps: {name}: {error.message}", error.line) from None
        options = spec["options"]
        if (not isinstance(options, list) or len(options) < 2
                or any(isinstance(o, (dict, list)) or o is None or not str(o).strip() for o in options)):
            raise ConfigError(f"gaps: {name}: 'options' must be a list of at least two texts",
                                line_of(spec, "options", where))
        options = [str(o) for o in options]
        if len(set(options)) < len(options):
            raise ConfigError(f"gaps: {name}: an option is listed twice", line_of(spec, "options", where))
        answer = str(spec.get("answer", ""))
        if answer not in options:
            raise ConfigError(f"gaps: {name}: 'answer' must be one of the options", line_of(spec, "answer", where))
        return Gap(name, number, kind, float(points), options, options.index(answer))

    def draw(self, rng):
        variant = super().draw(rng)
        orders = {}
        for gap in self.gaps:
            if gap.kind == "choice":
                orders[gap.name] = shuffled(rng, len(gap.rule))
        if orders:
            variant["_order"] = orders
        return variant

    def _order(self, gap, variant):
        return kept_order(((variant or {}).get("_order") or {}).get(gap.name), len(gap.rule))

    def gap_field(self, gap):
        return f"{self.field}-g{gap.number}"

    def _html_with(self, variant, show):
        """The text as HTML split at the gaps: ``[Markup, show(gap), Markup, ...]``."""
        slots = {}

        def slot(match):
            gap = next(g for g in self.gaps if g.name == match.group(1))
            slots[str(gap.number)] = gap
            return SLOT.format(gap.number)

        source = GAP.sub(slot, variables_mod.fill(self.text_template, variant))
        html = str(self.md(source))
        segments, start = [], 0
        for match in SLOT_HTML.finditer(html):
            segments += [Markup(html[start:match.start()]), show(slots[match.group(1)])]
            start = match.end()
        segments.append(Markup(html[start:]))
        return segments

    def segments(self, variant, response):
        """For the template: the text's HTML pieces and, between them, one gap each as
        ``{gap, field, value, choices}``."""
        given = response if isinstance(response, dict) else {}

        def show(gap):
            value = str(given.get(gap.name, ""))
            choices = []
            if gap.kind == "choice":
                tokens = Tokens(gap.rule, variant)
                chosen = tokens.index(value)
                choices = [{"token": tokens.sent(i), "html": self.md_inline(gap.rule[i], variant),
                            "selected": i == chosen} for i in self._order(gap, variant)]
            return {"gap": gap, "field": self.gap_field(gap), "value": "" if choices else value, "choices": choices}

        return self._html_with(variant, show)

    def text_html(self, variant):
        return Markup("").join(self._html_with(variant, lambda gap: Markup("[{}]").format(gap.number)))

    def parse(self, form, variant=None):
        response = {}
        for gap in self.gaps:
            value = form.get(self.gap_field(gap), "").strip()
            response[gap.name] = Tokens(gap.rule, variant).stored(value) if gap.kind == "choice" else value
        return response

    def is_answered(self, response):
        return isinstance(response, dict) and any(str(v).strip() for v in response.values())

    def _mark(self, gap, value, variant):
        """``(score, feedback Markdown, problem)`` for one gap."""
        if not isinstance(value, str) or not value.strip():
            return 0.0, "", "No answer."
        if gap.kind == "choice":
            return (1.0 if Tokens(gap.rule, variant).index(value) == gap.answer else 0.0), "", ""
        if gap.kind == "numeric":
            score, _, problem = gap.rule.check(value, variant)
            return score, "", problem
        answer = gap.rule.match(value, variant)
        return (answer["score"], answer["feedback"], "") if answer else (0.0, "", "")

    def grade(self, response, variant, context=None):
        if not self.is_answered(response):
            return Grade(0.0, self.feedback_html("No answer."))
        total = sum(gap.points for gap in self.gaps)
        earned, notes, parts = 0.0, [], []
        for gap in self.gaps:
            score, feedback, problem = self._mark(gap, response.get(gap.name, ""), variant)
            earned += score * gap.points
            parts.append({"label": gap.label, "correct": score >= 1})
            if problem:
                notes.append(f"{gap.label}: {problem}")
            if feedback:
                notes.append(Markup("<p>{}: {}</p>").format(gap.label, self.md_inline(feedback, variant)))
        right = sum(part["correct"] for part in parts)
        summary = "" if right == len(parts) else f"{right} of {len(parts)} gaps correct."
        return Grade(earned / total, self.feedback_html(summary, *notes), parts)

    def _correct_text(self, gap, variant):
        if gap.kind == "choice":
            return gap.rule[gap.answer]
        if gap.kind == "numeric":
            return gap.rule.show(gap.rule.best.target(variant))
        return gap.rule.full_texts(variant)[0]

    def correct_answer_html(self, variant):
        pieces = self._html_with(variant, lambda gap: Markup('<strong class="quiz-gap-answer">{}</strong>').format(
            self._correct_text(gap, variant)))
        return Markup("").join(pieces)

    def responses(self, variant):
        correct, wrong = {}, {}
        for gap in self.gaps:
            if gap.kind == "choice":
                correct[gap.name] = token(gap.rule[gap.answer])
                wrong[gap.name] = token(gap.rule[1 if gap.answer == 0 else 0])
            else:
                correct[gap.name], wrong[gap.name] = gap.rule.responses(variant)
        return correct, wrong

    def summarise(self, response):
        if not self.is_answered(response):
            return ""
        shown = []
        for gap in self.gaps:
            value = str(response.get(gap.name, "")).strip()
            if gap.kind == "choice":
                index = Tokens(gap.rule, None).index(value)
                value = gap.rule[index] if index is not None else value
            elif value:
                value = gap.rule.summary(value)
            shown.append(f"{gap.name}: {value or '–'}")
        return "; ".join(shown)[:200]

    def _gap_secrets(self, gap, variant):
        if gap.kind == "choice":
            return [Secret(self.plain(self.fill(gap.rule[gap.answer], variant)))]
        return gap.rule.secrets(variant)

    def asked_text(self, variant):
        """The text with each gap as its number: a gap's name is never shown."""
        numbers = {gap.name: gap.number for gap in self.gaps}
        return GAP.sub(lambda m: f"[{numbers.get(m.group(1), '')}]", super().asked_text(variant))

    def secret_answers(self, variant):
        return [secret for gap in self.gaps for secret in self._gap_secrets(gap, variant)]

    def feedback_texts(self, variant):
        """The general feedback, and a text gap's answers' feedback (read by those who typed them)."""
        texts = super().feedback_texts(variant)
        for gap in self.gaps:
            if gap.kind == "text":
                texts += gap.rule.feedback_texts(variant, prefix=f"gap '{gap.name}', ")
        return texts
