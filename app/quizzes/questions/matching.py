"""Matching questions: each left-hand item gets a select of every right-hand choice.

The choices (the pairs' right sides, then any distractors, each text once) are listed in a
per-student order (``variant["_order"]``). Rows and choices are sent as this attempt's tokens
(``base.Tokens``), so the page does not pair them; a response is ``{left token: right token}``
in stored tokens. Score: the share of rows right.
"""
from markupsafe import Markup

from .base import ConfigError, Examples, Grade, QuestionType, Tokens, kept_order, line_of, register, shuffled, token


@register
class MatchingQuestion(QuestionType):
    name = "matching"
    label = "Matching"
    allowed_keys = {"pairs", "distractors"}

    @classmethod
    def examples(cls):
        return Examples(valid=cls.sample("Match each role to what it does.", pairs=[
                            {"left": "Sponsor", "right": "Gives the mandate"}, {"left": "Champion", "right": "Argues for it"}],
                            distractors=["Audits the accounts"]),
                        invalid=cls.sample("Match.", pairs=[{"left": "Sponsor"}]), problem="at least two {left, right} pairs", field="pairs")

    def validate(self):
        data = self.data
        pairs = data.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2:
            raise ConfigError("'pairs' must be a list of at least two {left, right} pairs", data.line_of("pairs"))
        self.pairs = []
        for number, pair in enumerate(pairs, start=1):
            where = line_of(pair, default=data.line_of("pairs"))
            if not isinstance(pair, dict) or set(pair) != {"left", "right"}:
                raise ConfigError(f"pair {number} must be a mapping with exactly 'left' and 'right'", where)
            left, right = str(pair["left"] or "").strip(), str(pair["right"] or "").strip()
            if not left or not right:
                raise ConfigError(f"pair {number}: 'left' and 'right' must both be text", where)
            if any(left == other for other, _ in self.pairs):
                raise ConfigError(f"pair {number}: the left item '{left}' is already used", where)
            self.pairs.append((left, right))
        distractors = data.get("distractors", [])
        if not isinstance(distractors, list) or any(isinstance(d, (dict, list)) or d is None for d in distractors):
            raise ConfigError("'distractors' must be a list of texts", data.line_of("distractors"))
        self.choices = list(dict.fromkeys(right for _, right in self.pairs))
        for distractor in map(str, distractors):
            if distractor.strip() in self.choices:
                raise ConfigError(f"the distractor '{distractor}' is already a choice", data.line_of("distractors"))
            self.choices.append(distractor.strip())
        if len(self.choices) < 2:
            raise ConfigError("needs at least two different right-hand choices (add 'distractors')",
                                data.line_of("pairs"))
        self.left_tokens = [token(left) for left, _ in self.pairs]
        self.choice_tokens = [token(choice) for choice in self.choices]
        self.answer_tokens = [token(right) for _, right in self.pairs]

    def draw(self, rng):
        variant = super().draw(rng)
        variant["_order"] = shuffled(rng, len(self.choices))
        return variant

    def order(self, variant):
        return kept_order((variant or {}).get("_order"), len(self.choices))

    def _tokens(self, variant):
        return Tokens([left for left, _ in self.pairs], variant), Tokens(self.choices, variant)

    def decoded(self, response, variant=None):
        """``response`` in stored tokens, whichever tokens it came in."""
        lefts, choices = self._tokens(variant)
        given = response if isinstance(response, dict) else {}
        return {lefts.stored(k): choices.stored(v) for k, v in given.items()}

    def rows(self, variant, response):
        """For the template: ``[{token, html, choices: [{token, html, selected}]}]``."""
        given = self.decoded(response, variant)
        lefts, choices = self._tokens(variant)
        order = self.order(variant)
        rows = []
        for number, ((left, _), left_token) in enumerate(zip(self.pairs, self.left_tokens)):
            chosen = given.get(left_token)
            rows.append({"token": lefts.sent(number), "html": self.md_inline(left, variant), "choices": [
                {"token": choices.sent(i), "html": self.md_inline(self.choices[i], variant),
                 "selected": self.choice_tokens[i] == chosen} for i in order]})
        return rows

    def parse(self, form, variant=None):
        """``{stored left token: stored choice token}``; a row is read under its sent token, or its
        stored one (a page from before per-attempt tokens)."""
        lefts, choices = self._tokens(variant)
        response = {}
        for number, stored in enumerate(self.left_tokens):
            names = [f"{self.field}-{lefts.sent(number)}"] if lefts.keyed else []
            value = next((form[name] for name in names + [f"{self.field}-{stored}"] if name in form), "")
            response[stored] = choices.stored(value.strip())
        return response

    def is_answered(self, response):
        return isinstance(response, dict) and any(str(v).strip() for v in response.values())

    def grade(self, response, variant, context=None):
        if not self.is_answered(response):
            return Grade(0.0, self.feedback_html("No answer."))
        response = self.decoded(response, variant)
        parts = [{"label": left, "correct": response.get(left_token) == answer}
                 for (left, _), left_token, answer in zip(self.pairs, self.left_tokens, self.answer_tokens)]
        right = sum(part["correct"] for part in parts)
        score = right / len(parts)
        note = "" if score == 1 else f"{right} of {len(parts)} rows correct."
        return Grade(score, self.feedback_html(note), parts)

    def correct_answer_html(self, variant):
        rows = Markup("").join(Markup("<li>{} → {}</li>").format(self.md_inline(left, variant),
                                                                  self.md_inline(right, variant))
                               for left, right in self.pairs)
        return Markup("<ul>{}</ul>").format(rows)

    def responses(self, variant):
        correct = dict(zip(self.left_tokens, self.answer_tokens))
        wrong = {left: next(t for t in self.choice_tokens if t != answer) for left, answer in correct.items()}
        return correct, wrong

    def summarise(self, response):
        if not self.is_answered(response):
            return ""
        texts = dict(zip(self.choice_tokens, self.choices))
        return "; ".join(f"{left} → {texts.get(response.get(t), '?')}"
                         for (left, _), t in zip(self.pairs, self.left_tokens))[:200]
