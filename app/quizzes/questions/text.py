"""Short text answers: the ``text`` question, and the matching cloze gaps share.

Public helpers: ``text_matches(answer_spec, response, case_sensitive, whitespace)`` says whether a
response matches one answer (``{"text": ...}`` compared after normalising, or ``{"regex": ...}``
with ``re.fullmatch``); ``normalise(text, case_sensitive, whitespace)`` is that normalising;
``TextRule`` is a whole setting (answers, case, whitespace) checked from YAML.
"""
import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup

from . import variables as variables_mod
from .base import ConfigError, Examples, FeedbackText, Grade, QuestionType, Secret, line_of, register
from .numeric import score_of

WHITESPACE = ("normalise", "exact")
REGEX_MAX_CHARS = 1000  # longer answers are not run through an author's regex (no slow backtracking)


def normalise(text, case_sensitive=False, whitespace="normalise"):
    """``text`` as compared: NFC, spaces trimmed and collapsed (``normalise``), case-folded unless sensitive."""
    text = unicodedata.normalize("NFC", text)
    if whitespace == "normalise":
        text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def text_matches(answer_spec, response, case_sensitive=False, whitespace="normalise"):
    """Whether ``response`` matches ``answer_spec``: ``{"text": ...}`` or ``{"regex": ...}``."""
    if not isinstance(response, str):
        return False
    if "regex" in answer_spec:
        subject = normalise(response, True, whitespace)
        flags = 0 if case_sensitive else re.IGNORECASE
        return len(subject) <= REGEX_MAX_CHARS and re.fullmatch(answer_spec["regex"], subject, flags) is not None
    return normalise(response, case_sensitive, whitespace) == normalise(str(answer_spec["text"]), case_sensitive,
                                                                         whitespace)


@dataclass
class TextRule:
    """Accepted answers (first match wins), with the case and whitespace rules."""

    answers: list  # [{"text" or "regex", "score", "feedback"}]
    case_sensitive: bool = False
    whitespace: str = "normalise"

    @classmethod
    def from_data(cls, data):
        """``answers`` (texts, or mappings with text/regex, score, feedback), ``case_sensitive``, ``whitespace``."""
        case_sensitive = data.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            raise ConfigError("'case_sensitive' must be true or false", data.line_of("case_sensitive"))
        whitespace = data.get("whitespace", "normalise")
        if whitespace not in WHITESPACE:
            raise ConfigError(f"'whitespace' must be normalise or exact, got {whitespace!r}",
                                data.line_of("whitespace"))
        items = data.get("answers")
        if not isinstance(items, list) or not items:
            raise ConfigError("'answers' must be a list of accepted answers ({text: ...} or {regex: ...})",
                                data.line_of("answers"))
        answers = [_answer(data, item, number, case_sensitive) for number, item in enumerate(items, start=1)]
        if not any(a["score"] == 1 and "text" in a for a in answers):
            raise ConfigError("at least one answer must be a plain 'text' with score 1 (the model answer)",
                                data.line_of("answers"))
        return cls(answers, case_sensitive, whitespace)

    def match(self, response, variant):
        """The first answer ``response`` matches, or ``None``."""
        for answer in self.answers:
            spec = {"text": variables_mod.fill(answer["text"], variant)} if "text" in answer else answer
            if text_matches(spec, response, self.case_sensitive, self.whitespace):
                return answer
        return None

    def full_texts(self, variant):
        """The plain-text answers that score 1, model answer first."""
        return [variables_mod.fill(a["text"], variant) for a in self.answers if a["score"] == 1 and "text" in a]

    def summary(self, response):
        return normalise(response, self.case_sensitive, self.whitespace).strip()[:200]

    def secrets(self, variant):
        """``[Secret]`` of the plain-text answers that earn marks (a pattern cannot be quoted)."""
        return [Secret(variables_mod.fill(a["text"], variant)) for a in self.answers if a["score"] > 0 and "text" in a]

    def feedback_texts(self, variant, prefix=""):
        """Each answer's feedback, read only by those whose answer matched it."""
        texts, everything = [], tuple(self.secrets(variant))
        for number, answer in enumerate(self.answers, start=1):
            if not answer["feedback"].strip():
                continue
            if answer["score"] >= 1:
                known = everything  # its reader has full marks here
            elif answer["score"] > 0 and "text" in answer:
                known = (Secret(variables_mod.fill(answer["text"], variant)),)
            else:
                known = ()
            texts.append(FeedbackText(variables_mod.fill(answer["feedback"], variant), answer.get("feedback_line"),
                                      f"{prefix}answer {number}'s feedback", known))
        return texts

    def responses(self, variant):
        correct = self.full_texts(variant)[0]
        for wrong in ("I do not know", "xyzzy", correct + " not"):
            answer = self.match(wrong, variant)
            if answer is None or answer["score"] < 1:
                return correct, wrong
        return correct, ""


def _answer(data, item, number, case_sensitive):
    where = data.line_of("answers")
    if isinstance(item, (str, int, float)) and not isinstance(item, bool):
        item = {"text": item}
    if not isinstance(item, dict):
        raise ConfigError(f"answer {number} must be text or a mapping: {{text: ...}} or {{regex: ...}}", where)
    where = line_of(item, default=where)
    for key in item:
        if key not in {"text", "regex", "score", "feedback"}:
            raise ConfigError(f"answer {number}: unknown setting '{key}' (allowed: feedback, regex, score, text)",
                                line_of(item, key, where))
    if ("text" in item) == ("regex" in item):
        raise ConfigError(f"answer {number}: give exactly one of 'text' or 'regex'", where)
    answer = {"score": score_of(item, number),
              "feedback": str(item.get("feedback") or ""), "feedback_line": line_of(item, "feedback", where)}
    if "text" in item:
        if not str(item["text"]).strip():
            raise ConfigError(f"answer {number}: 'text' is empty", where)
        answer["text"] = str(item["text"])
        return answer
    pattern = item["regex"]
    try:
        re.compile(str(pattern), 0 if case_sensitive else re.IGNORECASE)
    except re.error as error:
        raise ConfigError(f"answer {number}: 'regex' is not a valid regular expression: {error}",
                            line_of(item, "regex", where)) from None
    answer["regex"] = str(pattern)
    return answer


@register
class TextQuestion(QuestionType):
    """A short typed answer, matched against accepted texts and patterns."""

    name = "text"
    label = "Short text"
    allowed_keys = {"answers", "case_sensitive", "whitespace"}

    @classmethod
    def examples(cls):
        return Examples(valid=cls.sample("Name the method that balances a gravity model to its totals.",
                                   answers=[{"text": "Furness", "score": 1}, {"regex": "ipf|proportional fitting", "score": 1}]),
                        invalid=cls.sample("Name it.", answers=[{"regex": "(unclosed", "score": 1}]), problem="is not a valid regular expression",
                        field="answers")

    def validate(self):
        self.rule = TextRule.from_data(self.data)

    def grade(self, response, variant, context=None):
        if not isinstance(response, str) or not response.strip():
            return Grade(0.0, self.feedback_html("No answer."))
        answer = self.rule.match(response, variant)
        if answer is None:
            return Grade(0.0)
        return Grade(answer["score"], self.feedback_html(self.md(answer["feedback"], variant) if answer["feedback"]
                                                         else ""))

    def correct_answer_html(self, variant):
        model, *others = self.rule.full_texts(variant)
        html = Markup("<p>{}</p>").format(model)
        if others:
            html += Markup("<p>Also accepted: {}</p>").format("; ".join(others))
        return html

    def responses(self, variant):
        return self.rule.responses(variant)

    def summarise(self, response):
        return self.rule.summary(response) if isinstance(response, str) else super().summarise(response)

    def secret_answers(self, variant):
        return self.rule.secrets(variant)

    def feedback_texts(self, variant):
        return super().feedback_texts(variant) + self.rule.feedback_texts(variant)
