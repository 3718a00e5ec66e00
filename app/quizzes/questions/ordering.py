"""Ordering questions: put items in order by giving each a position (a select: no dragging needed).

Items are shown in a per-student order that is never the right one (``variant["_order"]``); each
item's select is named by the item's token in this attempt (``base.Tokens``), so field names say
nothing of the right order. A response is ``{stored item token: "position"}``. Items whose position is missing or shared with another
item count as not placed.

Scoring: ``relative`` (default) is the share of neighbouring pairs in the student's order that
are in the right order; ``absolute`` the share of items in the right position;
``all_or_nothing`` 1 only for the whole order right.
"""
from markupsafe import Markup

from .base import ConfigError, Examples, Grade, QuestionType, Tokens, kept_order, register, shuffled, token

SCORING = ("relative", "absolute", "all_or_nothing")


@register
class OrderingQuestion(QuestionType):
    name = "ordering"
    label = "Ordering"
    allowed_keys = {"items", "scoring"}

    @classmethod
    def examples(cls):
        return Examples(valid=cls.sample("Put the steps in order.", items=["Agree the public value", "Find the data",
                                                                        "Pilot", "Evaluate"]),
                        invalid=cls.sample("Order.", items=["Only one"]), problem="at least three items", field="items")

    def validate(self):
        data = self.data
        items = data.get("items")
        if not isinstance(items, list) or len(items) < 3:
            raise ConfigError("'items' must be a list of at least three items, in the right order",
                                data.line_of("items"))
        self.items = []
        for number, item in enumerate(items, start=1):
            if isinstance(item, (dict, list)) or item is None or not str(item).strip():
                raise ConfigError(f"item {number} must be a line of text", data.line_of("items"))
            if str(item) in self.items:
                raise ConfigError(f"item {number} repeats item {self.items.index(str(item)) + 1}",
                                    data.line_of("items"))
            self.items.append(str(item))
        self.tokens = [token(item) for item in self.items]
        self.scoring = data.get("scoring", "relative")
        if self.scoring not in SCORING:
            raise ConfigError(f"'scoring' must be one of {', '.join(SCORING)}, got {self.scoring!r}",
                                data.line_of("scoring"))

    def draw(self, rng):
        variant = super().draw(rng)
        variant["_order"] = shuffled(rng, len(self.items), avoid_identity=True)
        return variant

    def order(self, variant):
        return kept_order((variant or {}).get("_order"), len(self.items))

    def decoded(self, response, variant=None):
        """``response`` with stored item tokens, whichever tokens it came in."""
        tokens = Tokens(self.items, variant)
        return {tokens.stored(k): v for k, v in response.items()} if isinstance(response, dict) else {}

    def rows(self, variant, response):
        """For the template: ``[{token, html, position}]`` in the order this student sees them."""
        given = self.decoded(response, variant)
        tokens = Tokens(self.items, variant)
        return [{"token": tokens.sent(i), "html": self.md_inline(self.items[i], variant),
                 "position": str(given.get(self.tokens[i], ""))} for i in self.order(variant)]

    def parse(self, form, variant=None):
        """``{stored item token: position}``; an item is read under its sent token, or its stored
        one (a page from before per-attempt tokens)."""
        tokens = Tokens(self.items, variant)
        response = {}
        for i, stored in enumerate(self.tokens):
            names = ([f"{self.field}-{tokens.sent(i)}"] if tokens.keyed else []) + [f"{self.field}-{stored}"]
            response[stored] = next((form[name] for name in names if name in form), "").strip()
        return response

    def is_answered(self, response):
        return isinstance(response, dict) and any(str(v).strip() for v in response.values())

    def placed(self, response):
        """``(placed items in the student's order, {item: position}, positions given twice)``.

        An item is placed when its position is a number from 1 to n that no other item has."""
        positions = {}
        for index, item_token in enumerate(self.tokens):
            value = str(response.get(item_token, "")).strip() if isinstance(response, dict) else ""
            if value.isdigit() and 1 <= int(value) <= len(self.items):
                positions[index] = int(value)
        counts = {}
        for position in positions.values():
            counts[position] = counts.get(position, 0) + 1
        shared = sorted(p for p, n in counts.items() if n > 1)
        sequence = sorted((i for i, p in positions.items() if counts[p] == 1), key=positions.get)
        return sequence, positions, shared

    def grade(self, response, variant, context=None):
        if not self.is_answered(response):
            return Grade(0.0, self.feedback_html("No answer."))
        sequence, positions, shared = self.placed(self.decoded(response, variant))
        n = len(self.items)
        in_place = [i for i in sequence if positions[i] == i + 1]
        pairs = sum(1 for a, b in zip(sequence, sequence[1:]) if a < b)
        if self.scoring == "absolute":
            score = len(in_place) / n
            note = f"{len(in_place)} of {n} items in the right position."
        elif self.scoring == "relative":
            score = pairs / (n - 1)
            note = f"{pairs} of {n - 1} neighbouring pairs in the right order."
        else:
            score = 1.0 if len(in_place) == n else 0.0
            note = "Not all items are in the right position."
        notes = [] if score >= 1 else [note]
        if shared:
            notes.append(f"Position{'s' if len(shared) > 1 else ''} {', '.join(map(str, shared))} "
                         "given to more than one item.")
        missing = n - len(positions)
        if missing:
            notes.append(f"{missing} item{'s have' if missing > 1 else ' has'} no position.")
        parts = [{"label": self.items[i], "correct": i in in_place} for i in range(n)]
        return Grade(score, self.feedback_html(*notes), parts)

    def correct_answer_html(self, variant):
        items = Markup("").join(Markup("<li>{}</li>").format(self.md_inline(item, variant)) for item in self.items)
        return Markup("<ol>{}</ol>").format(items)

    def responses(self, variant):
        n = len(self.items)
        return ({t: str(i + 1) for i, t in enumerate(self.tokens)},
                {t: str(n - i) for i, t in enumerate(self.tokens)})

    def summarise(self, response):
        if not self.is_answered(response):
            return ""
        sequence, _, _ = self.placed(response)
        text = " → ".join(self.items[i] for i in sequence)
        return (text + (" (incomplete)" if len(sequence) < len(self.items) else ""))[:200]
