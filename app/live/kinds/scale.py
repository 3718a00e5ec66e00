"""Scale: participants rate each of the tutor's statements from 1 to 5, one answer each; the
room's mean, count and spread of ratings for each statement."""
from ...inputs import InputError, read_int
from ...registry import Examples
from .. import charts
from ..errors import LiveError
from .base import LiveKind, long_line_problem, register

MAX_STATEMENTS, MAX_STATEMENT = 6, 200
POINTS = 5
SCALES = {
    "1-5": ("Not at all", "A little", "Somewhat", "Quite a lot", "Very much"),
    "agree": ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
}


def rating_field(index):
    """The form field of the 0-based statement ``index``."""
    return f"rating-{index}"


def labels_of(activity):
    """The five points' names, from 1 to 5."""
    settings = activity.settings
    return tuple(settings.get("labels") or SCALES.get(settings.get("scale"), SCALES["1-5"]))


@register
class Scale(LiveKind):
    name = "scale"
    label = "Scale"
    one_answer = True

    fields = {"statements": "lines", "scale": "text"}

    def from_config(self, data):
        statements = self.items(data, "statements")
        if not statements:
            raise self.problem(data, "statements", "Give at least one statement to rate, one per line.")
        if len(statements) > MAX_STATEMENTS:
            raise self.problem(data, "statements", f"Give at most {MAX_STATEMENTS} statements, one per line.")
        problem = long_line_problem(statements, MAX_STATEMENT)
        if problem:
            raise self.problem(data, "statements", problem)
        scale = data.get("scale") or "1-5"
        if scale not in SCALES:
            raise self.problem(data, "scale", "Choose the scale: 1 to 5, or agreement.")
        return {"statements": statements, "scale": scale, "labels": list(SCALES[scale])}

    def examples(self):
        return Examples(valid={"statements": ["The twin is trusted", "Data is shared"], "scale": "agree"},
                        invalid={"statements": ["Fine"], "scale": "1-10"}, problem="Choose the scale",
                        field="scale", right={rating_field(0): "4", rating_field(1): "2"},
                        wrong={rating_field(0): "4", rating_field(1): "9"})

    def answer(self, activity, form):
        statements = activity.settings.get("statements", [])
        labels = labels_of(activity)
        ratings = []
        for index, statement in enumerate(statements):
            field = rating_field(index)
            try:
                ratings.append(read_int(form.get(field), field, 1, POINTS))
            except InputError:  # missing, "abc", "-5", or off the scale
                raise LiveError(f"Rate “{statement}”: choose one of the {POINTS} points.", field) from None
        text = "; ".join(f"{s}: {r} ({labels[r - 1]})" for s, r in zip(statements, ratings))
        return text, ratings

    def results(self, activity, posts, votes):
        statements = activity.settings.get("statements", [])
        rows = []
        for index, statement in enumerate(statements):
            counts = [0] * POINTS
            for post in posts:
                ratings = post.answer
                if isinstance(ratings, list) and index < len(ratings) and ratings[index] in range(1, POINTS + 1):
                    counts[ratings[index] - 1] += 1
            count = sum(counts)
            mean = round(sum((point + 1) * c for point, c in enumerate(counts)) / count, 2) if count else None
            rows.append({"statement": statement, "counts": counts, "count": count, "mean": mean,
                         "shares": [round(c / count * 100) if count else 0 for c in counts]})
        return {"rows": rows, "labels": labels_of(activity), "answers": len(posts)}

    def charts(self, out, activity, results):
        if results.get("answers"):
            out.add("scale", "How the room rated each statement", charts.scale_chart, results)
