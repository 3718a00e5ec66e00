"""Poll: one or several of the tutor's options; the room's counts as a chart."""
from ...inputs import InputError, read_int
from ...registry import Examples
from .. import charts
from ..errors import LiveError
from .base import LiveKind, long_line_problem, register

MAX_OPTIONS, MAX_OPTION = 12, 120


@register
class Poll(LiveKind):
    name = "poll"
    label = "Poll"
    one_answer = True

    fields = {"options": "lines", "multiple": "flag"}

    def from_config(self, data):
        options = self.items(data, "options")
        if len(options) < 2:
            raise self.problem(data, "options", "Give at least two options, one per line.")
        if len(options) > MAX_OPTIONS:
            raise self.problem(data, "options",
                               f"Give at most {MAX_OPTIONS} options, one per line (there are {len(options)}).")
        problem = long_line_problem(options, MAX_OPTION)
        if problem:
            raise self.problem(data, "options", problem)
        return {"options": options, "multiple": self.flag(data, "multiple")}

    def examples(self):
        return Examples(valid={"options": ["Buses", "Bicycles", "Cars"]}, invalid={"options": ["Only one"]},
                        problem="at least two options", field="options", right={"choice": ["1"]},
                        wrong={"choice": ["0", "2"]})

    def answer(self, activity, form):
        options = activity.settings.get("options", [])
        try:  # every choice sent must be one of the options: "-5" or "abc" is refused, not skipped
            chosen = sorted({read_int(v, "choice", 0, len(options) - 1) for v in form.getlist("choice")})
        except InputError:
            raise LiveError("Choose one of the options.", "choice") from None
        if not chosen:
            raise LiveError("Choose an option.", "choice")
        if len(chosen) > 1 and not activity.settings.get("multiple"):
            raise LiveError("Choose one option.", "choice")
        return "; ".join(options[i] for i in chosen), chosen

    def results(self, activity, posts, votes):
        options = activity.settings.get("options", [])
        counts = [0] * len(options)
        for post in posts:
            for index in post.answer or []:
                if 0 <= index < len(counts):
                    counts[index] += 1
        return {"options": options, "counts": counts, "answers": len(posts)}

    def charts(self, out, activity, results):
        if results.get("answers"):
            out.add("poll", "Answers per option", charts.poll_chart, results)
