"""Essay questions: a written answer that a tutor grades against a rubric.

``grade`` leaves a written answer waiting (score ``None``); the tutor picks one level per
criterion and ``grade_rubric({criterion index: level index})`` scores it: the chosen points over
the most points possible (``app.rubric`` reads and scores rubrics, for deliberation exercises
too). ``min_words`` is a hint and a warning; more than twice ``max_words`` is refused by the
page (``static/js/quiz-essay.js``) and flagged for the tutor if it gets through.
"""
import re

from markupsafe import Markup

from ... import rubric
from .base import ConfigError, Examples, Grade, QuestionType, register

WORD = re.compile(r"\S+")


def word_count(text):
    return len(WORD.findall(text)) if isinstance(text, str) else 0


@register
class EssayQuestion(QuestionType):
    name = "essay"
    label = "Essay (tutor graded)"
    allowed_keys = {"min_words", "max_words", "rubric", "guidance"}
    manual = True

    @classmethod
    def examples(cls):
        return Examples(valid=cls.sample("Argue whether a city-wide sensor network creates public value.", points=6,
                                   min_words=10, rubric=[{"criterion": "Public value", "levels": [
                                       {"points": 0, "description": "Not used"}, {"points": 6, "description": "Applied"}]}]),
                        invalid=cls.sample("Argue.", min_words=50, max_words=10), problem="'min_words' is more than 'max_words'", field="min_words")

    def validate(self):
        data = self.data
        for key in ("min_words", "max_words"):
            value = data.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ConfigError(f"'{key}' must be a whole number of at least 1", data.line_of(key))
        self.min_words, self.max_words = data.get("min_words"), data.get("max_words")
        if self.min_words and self.max_words and self.min_words > self.max_words:
            raise ConfigError("'min_words' is more than 'max_words'", data.line_of("min_words"))
        guidance = data.get("guidance", "")
        if not isinstance(guidance, str):
            raise ConfigError("'guidance' must be text (Markdown)", data.line_of("guidance"))
        self.guidance = guidance
        self.rubric = rubric.parse_rubric(data)

    # -- the rubric -----------------------------------------------------------------------
    @property
    def max_rubric_points(self):
        return rubric.max_points(self.rubric)

    def rubric_score(self, levels_chosen):
        """The score (0..1) for ``{criterion index: level index}``; raises ``ValueError``."""
        return rubric.score(self.rubric, levels_chosen)

    def grade_rubric(self, choices):
        """A tutor's ``Grade`` from their rubric choices, with each criterion's level as feedback."""
        rows = Markup("").join(
            Markup("<li><strong>{}</strong>: {} ({} of {} points)</li>").format(
                criterion["criterion"], level["description"] or "—", rubric.show_points(level["points"]),
                rubric.show_points(rubric.top_points(criterion)))
            for criterion, level in rubric.chosen_levels(self.rubric, choices))
        return Grade(self.rubric_score(choices), Markup('<ul class="quiz-rubric-result">{}</ul>').format(rows))

    # -- one student's answer ---------------------------------------------------------------
    def parse(self, form, variant=None):
        return form.get(self.field, "")

    def is_answered(self, response):
        return isinstance(response, str) and bool(response.strip())

    @staticmethod
    def words(response):
        return word_count(response)

    def word_note(self, response):
        """A warning about the answer's length, or ``""``."""
        words = word_count(response)
        if not words:
            return ""
        if self.max_words and words > 2 * self.max_words:
            return f"{words} words: more than twice the limit of {self.max_words}."
        if self.max_words and words > self.max_words:
            return f"{words} words: more than the {self.max_words} asked for."
        if self.min_words and words < self.min_words:
            return f"{words} words: fewer than the {self.min_words} asked for."
        return ""

    def length_hint(self):
        if self.min_words and self.max_words:
            return f"Write {self.min_words}–{self.max_words} words."
        if self.max_words:
            return f"Write at most {self.max_words} words."
        if self.min_words:
            return f"Write at least {self.min_words} words."
        return ""

    def grade(self, response, variant, context=None):
        if not self.is_answered(response):
            return Grade(0.0, self.feedback_html("No answer."))
        return Grade(None, self.feedback_html(self.word_note(response)))

    def correct_answer_html(self, variant):
        if self.guidance.strip():
            return self.md(self.guidance, variant)
        return Markup("<p>A tutor grades this answer against the rubric.</p>")

    def responses(self, variant):
        top = {i: max(range(len(c["levels"])), key=lambda j, c=c: c["levels"][j]["points"])
               for i, c in enumerate(self.rubric)}
        bottom = {i: min(range(len(c["levels"])), key=lambda j, c=c: c["levels"][j]["points"])
                  for i, c in enumerate(self.rubric)}
        return {"rubric": top}, {"rubric": bottom}

    def summarise(self, response):
        if not self.is_answered(response):
            return ""
        start = " ".join(response.split())
        return f"{word_count(response)} words: {start[:120]}{'…' if len(start) > 120 else ''}"
