"""Essay questions: a written answer that a tutor grades against a rubric.

``grade`` leaves a written answer waiting (score ``None``); the tutor picks one level per
criterion and ``grade_rubric({criterion index: level index})`` scores it: the chosen points over
the most points possible. ``min_words`` is a hint and a warning; more than twice ``max_words`` is
refused by the page (``static/js/quiz-essay.js``) and flagged for the tutor if it gets through.
"""
import re

from markupsafe import Markup

from .base import Grade, QuestionError, QuestionType, line_of, register

WORD = re.compile(r"\S+")


def word_count(text):
    return len(WORD.findall(text)) if isinstance(text, str) else 0


@register
class EssayQuestion(QuestionType):
    name = "essay"
    label = "Essay (tutor graded)"
    allowed_keys = {"min_words", "max_words", "rubric", "guidance"}
    manual = True

    def validate(self):
        data = self.data
        for key in ("min_words", "max_words"):
            value = data.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise QuestionError(f"'{key}' must be a whole number of at least 1", data.line_of(key))
        self.min_words, self.max_words = data.get("min_words"), data.get("max_words")
        if self.min_words and self.max_words and self.min_words > self.max_words:
            raise QuestionError("'min_words' is more than 'max_words'", data.line_of("min_words"))
        guidance = data.get("guidance", "")
        if not isinstance(guidance, str):
            raise QuestionError("'guidance' must be text (Markdown)", data.line_of("guidance"))
        self.guidance = guidance
        self.rubric = parse_rubric(data)

    # -- the rubric -----------------------------------------------------------------------
    @property
    def max_rubric_points(self):
        return sum(max(level["points"] for level in criterion["levels"]) for criterion in self.rubric)

    def _levels(self, choices):
        """``[(criterion, level)]`` for ``{criterion index: level index}`` (keys and values may be text)."""
        try:
            chosen = {int(k): int(v) for k, v in dict(choices).items()}
        except (TypeError, ValueError):
            raise ValueError("rubric choices must be criterion and level numbers") from None
        picked = []
        for index, criterion in enumerate(self.rubric):
            if index not in chosen:
                raise ValueError(f"choose a level for '{criterion['criterion']}'")
            if not 0 <= chosen[index] < len(criterion["levels"]):
                raise ValueError(f"'{criterion['criterion']}' has no level {chosen[index]}")
            picked.append((criterion, criterion["levels"][chosen[index]]))
        if set(chosen) - set(range(len(self.rubric))):
            raise ValueError("rubric choices name a criterion this question does not have")
        return picked

    def rubric_score(self, levels_chosen):
        """The score (0..1) for ``{criterion index: level index}``; raises ``ValueError``."""
        return sum(level["points"] for _, level in self._levels(levels_chosen)) / self.max_rubric_points

    def grade_rubric(self, choices):
        """A tutor's ``Grade`` from their rubric choices, with each criterion's level as feedback."""
        rows = Markup("").join(
            Markup("<li><strong>{}</strong>: {} ({} of {} points)</li>").format(
                criterion["criterion"], level["description"] or "—", _show(level["points"]),
                _show(max(lv["points"] for lv in criterion["levels"])))
            for criterion, level in self._levels(choices))
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

    def examples(self, variant):
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


def parse_rubric(data):
    """``data['rubric']`` checked: ``[{criterion, levels: [{points, description}]}]``."""
    criteria = data.get("rubric")
    where = data.line_of("rubric")
    if not isinstance(criteria, list) or not criteria:
        raise QuestionError("'rubric' must be a list of criteria, each with levels {points, description}", where)
    rubric = []
    for number, item in enumerate(criteria, start=1):
        at = line_of(item, default=where)
        if not isinstance(item, dict) or not str(item.get("criterion") or "").strip():
            raise QuestionError(f"rubric criterion {number} needs 'criterion' (what is judged) and 'levels'", at)
        for key in item:
            if key not in ("criterion", "levels"):
                raise QuestionError(f"rubric criterion {number}: unknown setting '{key}' (allowed: criterion, levels)",
                                    line_of(item, key, at))
        levels = item.get("levels")
        if not isinstance(levels, list) or len(levels) < 2:
            raise QuestionError(f"rubric criterion {number}: 'levels' must list at least two levels",
                                line_of(item, "levels", at))
        checked = []
        for level_number, level in enumerate(levels, start=1):
            level_at = line_of(level, default=line_of(item, "levels", at))
            if not isinstance(level, dict) or set(level) - {"points", "description"}:
                extra = sorted(set(level) - {"points", "description"}) if isinstance(level, dict) else []
                hint = (f" (unknown {', '.join(repr(str(key)) for key in extra)}: if that is part of the "
                        "description, put the description in quotes, as a comma ends it inside { })") if extra else ""
                raise QuestionError(f"rubric criterion {number}, level {level_number}: a mapping "
                                    "{points, description}" + hint, level_at)
            points = level.get("points")
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
                raise QuestionError(f"rubric criterion {number}, level {level_number}: 'points' must be a number "
                                    "of at least 0", line_of(level, "points", level_at))
            checked.append({"points": points, "description": str(level.get("description") or "")})
        rubric.append({"criterion": str(item["criterion"]), "levels": checked})
    if not sum(max(level["points"] for level in c["levels"]) for c in rubric) > 0:
        raise QuestionError("the rubric's top levels must be worth more than 0 points in all", where)
    return rubric


def _show(points):
    return f"{points:g}" if isinstance(points, float) else str(points)
