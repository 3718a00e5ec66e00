"""Choice questions: ``single`` (one right option), ``multiple`` (select all that apply), ``truefalse``.

Options are shown in a per-student order (``variant["_order"]``, drawn with the variables) and
sent as tokens of this attempt (``base.Tokens``), so the page says nothing of which option is
right and no two attempts share a token; responses store each option's stable ``base.token``.
A true/false question sends "true" or "false": its two labels, so a token would hide nothing.
"""
from markupsafe import Markup

from .base import (
    ConfigError,
    Examples,
    FeedbackText,
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

OPTION_KEYS = {"text", "correct", "feedback"}


class ChoiceQuestion(QuestionType):
    """What ``single`` and ``multiple`` share: the options, their order and their tokens."""

    allowed_keys = {"options", "shuffle"}
    input_type = "radio"
    prompt = ""

    def validate(self):
        data = self.data
        items = data.get("options")
        if not isinstance(items, list) or len(items) < 2:
            raise ConfigError("'options' must be a list of at least two options ({text, correct, feedback})",
                                data.line_of("options"))
        self.options, seen = [], {}
        for number, item in enumerate(items, start=1):
            self.options.append(_option(item, number, data.line_of("options")))
            text = self.options[-1]["text"]
            if text in seen:
                raise ConfigError(f"options {seen[text]} and {number} have the same text", line_of(item))
            seen[text] = number
        self.shuffle = data.get("shuffle", True)
        if not isinstance(self.shuffle, bool):
            raise ConfigError("'shuffle' must be true or false", data.line_of("shuffle"))
        self.check_correct([o for o in self.options if o["correct"]])

    def check_correct(self, correct):
        raise NotImplementedError

    def draw(self, rng):
        variant = super().draw(rng)
        if self.shuffle:
            variant["_order"] = shuffled(rng, len(self.options))
        return variant

    def order(self, variant):
        """Option indices in the order this student sees them."""
        return kept_order((variant or {}).get("_order"), len(self.options))

    def tokens(self, variant):
        return Tokens([option["text"] for option in self.options], variant)

    def choices(self, variant, response):
        """For the template: ``[{token, html, checked}]`` in the student's order."""
        chosen = self.chosen(response, variant)
        tokens = self.tokens(variant)
        return [{"token": tokens.sent(i), "html": self.md_inline(self.options[i]["text"], variant),
                 "checked": i in chosen} for i in self.order(variant)]

    def chosen(self, response, variant=None):
        """Indices of the options ``response`` picks, by stored or (with ``variant``) sent token;
        unknown tokens are ignored."""
        given = [response] if isinstance(response, str) else response if isinstance(response, list) else []
        tokens = self.tokens(variant)
        picked = {tokens.index(value) for value in given}
        return [i for i in range(len(self.options)) if i in picked]

    def parse(self, form, variant=None):
        return self.tokens(variant).stored(form.get(self.field, ""))

    def option_feedback(self, indices, variant):
        return [self.md(self.options[i]["feedback"], variant) for i in indices if self.options[i]["feedback"]]

    def summarise(self, response):
        return "; ".join(self.options[i]["text"] for i in self.chosen(response))[:200]

    def secret_answers(self, variant):
        return [Secret(self.plain_option(option, variant)) for option in self.options if option["correct"]]

    def feedback_texts(self, variant):
        """The general feedback, and each option's, read by those who chose it."""
        texts = super().feedback_texts(variant)
        for number, option in enumerate(self.options, start=1):
            if option["feedback"].strip():
                own = (Secret(self.plain_option(option, variant)),) if option["correct"] else ()
                texts.append(FeedbackText(self.fill(option["feedback"], variant), option["feedback_line"],
                                          f"option {number}'s feedback", own))
        return texts

    def plain_option(self, option, variant):
        return self.plain(self.fill(option["text"], variant))


def _option(item, number, where):
    if not isinstance(item, dict):
        raise ConfigError(f"option {number} must be a mapping: {{text: ..., correct: true, feedback: ...}}", where)
    for key in item:
        if key not in OPTION_KEYS:
            raise ConfigError(f"option {number}: unknown setting '{key}' (allowed: correct, feedback, text)",
                                line_of(item, key, where))
    text = item.get("text")
    if text is None or not str(text).strip():
        raise ConfigError(f"option {number}: missing 'text'", line_of(item, default=where))
    correct = item.get("correct", False)
    if not isinstance(correct, bool):
        raise ConfigError(f"option {number}: 'correct' must be true or false", line_of(item, "correct", where))
    return {"text": str(text), "correct": correct, "feedback": str(item.get("feedback") or ""),
            "token": token(text), "feedback_line": line_of(item, "feedback", where)}


@register
class SingleQuestion(ChoiceQuestion):
    """One right option among several; 1 or 0."""

    name = "single"
    label = "Single choice"
    prompt = "Choose one answer."

    @classmethod
    def examples(cls):
        return Examples(
            valid=cls.sample("What makes a model of a city a *digital twin*?", options=[
                {"text": "It is drawn in 3D."}, {"text": "It is kept up to date from the city it models.", "correct": True}]),
            invalid=cls.sample("Which?", options=[{"text": "A", "correct": True}, {"text": "B", "correct": True}]),
            problem="exactly one option must have", field="options")

    def check_correct(self, correct):
        if len(correct) != 1:
            raise ConfigError(f"exactly one option must have 'correct: true' (found {len(correct)})",
                                self.data.line_of("options"))

    def grade(self, response, variant, context=None):
        if not self.is_answered(response):
            return Grade(0.0, self.feedback_html("No answer."))
        chosen = self.chosen(response, variant)[:1]
        if not chosen:
            return Grade(0.0, self.feedback_html("Not one of the options."))
        score = 1.0 if self.options[chosen[0]]["correct"] else 0.0
        return Grade(score, self.feedback_html(*self.option_feedback(chosen, variant)))

    def correct_answer_html(self, variant):
        option = next(o for o in self.options if o["correct"])
        return Markup("<p>{}</p>").format(self.md_inline(option["text"], variant))

    def responses(self, variant):
        right = next(o["token"] for o in self.options if o["correct"])
        wrong = next(o["token"] for o in self.options if not o["correct"])
        return right, wrong


@register
class MultipleQuestion(ChoiceQuestion):
    """Select all that apply: partial credit (default) or all-or-nothing."""

    name = "multiple"
    label = "Multiple choice"
    allowed_keys = ChoiceQuestion.allowed_keys | {"scoring"}
    input_type = "checkbox"
    prompt = "Choose all that apply."

    @classmethod
    def examples(cls):
        return Examples(
            valid=cls.sample("Which challenges does the module name?", options=[
                {"text": "Siloed data", "correct": True}, {"text": "Skills", "correct": True}, {"text": "No data at all"}]),
            invalid=cls.sample("Which?", options=[{"text": "A", "correct": True}], scoring="sometimes"),
            problem="must be a list of at least two options", field="options")

    def validate(self):
        super().validate()
        self.scoring = self.data.get("scoring", "partial")
        if self.scoring not in ("partial", "all_or_nothing"):
            raise ConfigError(f"'scoring' must be partial or all_or_nothing, got {self.scoring!r}",
                                self.data.line_of("scoring"))

    def check_correct(self, correct):
        if not correct:
            raise ConfigError("at least one option must have 'correct: true'", self.data.line_of("options"))

    def parse(self, form, variant=None):
        tokens = self.tokens(variant)
        return [tokens.stored(value) for value in form.getlist(self.field)]

    def grade(self, response, variant, context=None):
        if not self.is_answered(response):
            return Grade(0.0, self.feedback_html("No answer."))
        chosen = self.chosen(response, variant)
        n_correct = sum(o["correct"] for o in self.options)
        n_wrong = len(self.options) - n_correct
        right = sum(self.options[i]["correct"] for i in chosen)
        wrong = len(chosen) - right
        if self.scoring == "all_or_nothing":
            score = 1.0 if right == n_correct and not wrong else 0.0
        else:
            score = max(0.0, right / n_correct - wrong / (n_wrong or n_correct))
        note = ""
        if score < 1:
            note = f"You chose {right} of the {n_correct} right option{'s' if n_correct != 1 else ''}"
            note += f" and {wrong} wrong one{'s' if wrong != 1 else ''}." if wrong else "."
        return Grade(score, self.feedback_html(note, *self.option_feedback(chosen, variant)))

    def correct_answer_html(self, variant):
        items = Markup("").join(Markup("<li>{}</li>").format(self.md_inline(o["text"], variant))
                                for o in self.options if o["correct"])
        return Markup("<ul>{}</ul>").format(items)

    def responses(self, variant):
        right = [o["token"] for o in self.options if o["correct"]]
        wrong = [o["token"] for o in self.options if not o["correct"]]
        return right, wrong or right[1:]


@register
class TrueFalseQuestion(QuestionType):
    """A statement that is true or false."""

    name = "truefalse"
    label = "True or false"
    allowed_keys = {"answer", "feedback_true", "feedback_false"}
    values = ("true", "false")

    @classmethod
    def examples(cls):
        return Examples(valid=cls.sample("A twin must be updated in real time to be useful.", answer=False),
                        invalid=cls.sample("Is it?", answer="maybe"), problem="'answer' must be true or false",
                        field="answer")

    def validate(self):
        self.answer = self.data.get("answer")
        if not isinstance(self.answer, bool):
            raise ConfigError("'answer' must be true or false", self.data.line_of("answer"))
        for key in ("feedback_true", "feedback_false"):
            if not isinstance(self.data.get(key, ""), str):
                raise ConfigError(f"'{key}' must be text (Markdown)", self.data.line_of(key))

    def choices(self, response):
        return [{"value": value, "label": value.title(), "checked": response == value} for value in self.values]

    def grade(self, response, variant, context=None):
        if response not in self.values:
            return Grade(0.0, self.feedback_html("No answer." if not self.is_answered(response)
                                                 else "Not one of the options."))
        said = response == "true"
        feedback = self.data.get(f"feedback_{response}") or ""
        return Grade(1.0 if said == self.answer else 0.0,
                     self.feedback_html(self.md(feedback, variant) if feedback else ""))

    def correct_answer_html(self, variant):
        return Markup("<p>{}</p>").format("True" if self.answer else "False")

    def responses(self, variant):
        right = "true" if self.answer else "false"
        return right, "false" if self.answer else "true"

    def summarise(self, response):
        return response.title() if response in self.values else super().summarise(response)

    def feedback_texts(self, variant):
        """The general feedback and the feedback for each answer. No secrets are declared: with
        two answers, the score alone already tells a student which one is right."""
        texts = super().feedback_texts(variant)
        for key in ("feedback_true", "feedback_false"):
            if str(self.data.get(key) or "").strip():
                texts.append(FeedbackText(self.fill(self.data[key], variant), line_of(self.data, key), key))
        return texts
