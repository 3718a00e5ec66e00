"""Per-question numbers for one quiz, from the answers in submitted attempts, and their charts.

Pure functions of plain rows (anything with ``question_id``, ``summary`` and ``score``; attempts
with ``user_id``), so they are tested without a database. ``chart_item`` draws one question's
answer distribution as a Bokeh ``json_item`` that ``static/js/quiz-analytics.js`` embeds.
"""
from collections import defaultdict
from dataclasses import dataclass, field

FULL = 0.999  # a score at least this is fully correct (partial credit adds up in floats)
TOP_ANSWERS = 10
TOP_WRONG = 3
LABEL_CHARS = 40  # an answer's label on the chart; the hover and the table have it whole

# verdict: (legend text, bar colour). The marker starts each bar's label, so the chart does not
# rely on colour; each colour is at least 3:1 against white.
VERDICTS = {
    "correct": ("✓ Correct", "#0f5c63"),
    "partly": ("½ Partly correct", "#c25700"),
    "wrong": ("✗ Not correct", "#6b737e"),
}


@dataclass
class AnswerCount:
    """How many answers were summarised as ``summary``, and how they scored on average."""

    summary: str
    count: int
    mean_score: float | None  # None: none of them graded yet

    @property
    def verdict(self):
        if self.mean_score is None:
            return None
        if self.mean_score >= FULL:
            return "correct"
        return "partly" if self.mean_score > 0 else "wrong"

    @property
    def marker(self):
        return VERDICTS[self.verdict][0].split()[0] if self.verdict else ""


@dataclass
class QuestionStats:
    question_id: str
    submitted: int = 0  # answers in submitted attempts, blank ones included
    answered: int = 0  # not blank
    graded: int = 0  # with a score (an essay waits for its tutor until then)
    fully_correct: float | None = None  # share of the graded answers, 0..1
    mean_score: float | None = None  # of the graded answers, 0..1
    distribution: list = field(default_factory=list)  # the most given answers: [AnswerCount]
    common_wrong: list = field(default_factory=list)  # the most given answers not fully right

    @property
    def waiting(self):
        return self.submitted - self.graded


def quiz_stats(questions, answers, top=TOP_ANSWERS, top_wrong=TOP_WRONG):
    """``[QuestionStats]`` for ``questions`` (file order) from ``answers`` of submitted attempts.

    Blank answers count as submitted, not as answered, and stay out of the distributions.
    Tutor-graded questions (``manual``) get no distribution: every essay is different.
    """
    by_question = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    return [_question_stats(q, by_question[q.id], top, top_wrong) for q in questions]


def attempts_per_student(attempts):
    """The mean number of attempts by students who made any (None when nobody has)."""
    students = {a.user_id for a in attempts}
    return len(attempts) / len(students) if students else None


def _question_stats(question, answers, top, top_wrong):
    scores = [a.score for a in answers if a.score is not None]
    stats = QuestionStats(
        question_id=question.id,
        submitted=len(answers),
        answered=sum(1 for a in answers if a.summary),
        graded=len(scores),
        fully_correct=sum(1 for s in scores if s >= FULL) / len(scores) if scores else None,
        mean_score=sum(scores) / len(scores) if scores else None,
    )
    if not getattr(question, "manual", False):
        given = [a for a in answers if a.summary]
        stats.distribution = _counts(given)[:top]
        stats.common_wrong = _counts([a for a in given if a.score is not None and a.score < FULL])[:top_wrong]
    return stats


def _counts(answers):
    """``[AnswerCount]`` by summary, most given first (ties alphabetically)."""
    groups = defaultdict(list)
    for answer in answers:
        groups[answer.summary].append(answer.score)
    counts = []
    for summary, scores in groups.items():
        graded = [s for s in scores if s is not None]
        counts.append(AnswerCount(summary, len(scores), sum(graded) / len(graded) if graded else None))
    return sorted(counts, key=lambda c: (-c.count, c.summary))


def chart_labels(distribution):
    """One distinct, short label per answer: its marker and the start of its summary."""
    labels = []
    for item in distribution:
        text = item.summary if len(item.summary) <= LABEL_CHARS else item.summary[: LABEL_CHARS - 1] + "…"
        label = f"{item.marker} {text}".strip()
        base, copy = label, 2
        while label in labels:
            label, copy = f"{base} ({copy})", copy + 1
        labels.append(label)
    return labels


def chart_item(stats, target_id):
    """A horizontal bar chart of ``stats.distribution`` as ``bokeh.embed.json_item`` (a dict)."""
    from bokeh.embed import json_item  # bokeh takes a second to import: only pages with charts pay
    from bokeh.models import HoverTool
    from bokeh.plotting import figure

    labels = chart_labels(stats.distribution)
    plot = figure(
        y_range=list(reversed(labels)), height=120 + 34 * len(labels), sizing_mode="stretch_width",
        toolbar_location=None, tools="", x_axis_label="Number of answers",
    )
    renderers = []
    for verdict, (legend, colour) in VERDICTS.items():  # one renderer per verdict: one legend entry each
        rows = [(label, item) for label, item in zip(labels, stats.distribution) if item.verdict == verdict]
        if rows:
            data = {"label": [label for label, _ in rows], "count": [item.count for _, item in rows],
                    "summary": [item.summary for _, item in rows]}
            renderers.append(plot.hbar(y="label", right="count", height=0.7, source=data, fill_color=colour,
                                       line_color=colour, legend_label=legend))
    plot.add_tools(HoverTool(renderers=renderers, tooltips=[("Answer", "@summary"), ("Answers", "@count")]))
    plot.x_range.start = 0
    plot.xaxis.ticker.min_interval = 1
    plot.xaxis.minor_tick_line_color = None
    plot.ygrid.grid_line_color = None
    plot.legend.orientation = "horizontal"
    plot.legend.label_text_font_size = "12px"
    plot.add_layout(plot.legend[0], "above")  # out of the bars' way
    return json_item(plot, target_id)
