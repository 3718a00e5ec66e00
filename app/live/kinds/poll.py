"""Poll: one or several of the tutor's options; the room's counts as a chart."""
from ..errors import LiveError
from .base import LiveKind, lines, register


@register
class Poll(LiveKind):
    name = "poll"
    label = "Poll"
    one_answer = True

    def settings(self, form):
        options = lines(form.get("options"))
        if len(options) < 2:
            return {}, {"options": "Give at least two options, one per line."}
        return {"options": options, "multiple": form.get("multiple") == "1"}, {}

    def answer(self, activity, form):
        options = activity.settings.get("options", [])
        chosen = sorted({int(v) for v in form.getlist("choice") if str(v).isdigit() and int(v) < len(options)})
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
