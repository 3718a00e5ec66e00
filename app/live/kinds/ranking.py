"""Ranking: each participant puts the tutor's items in order, one answer each; the room's order
by Borda count (n - 1 points for a first place, 0 for a last) with each item's average place."""
from ...inputs import InputError, read_int
from ...registry import Examples
from .. import charts
from ..errors import LiveError
from .base import LiveKind, long_line_problem, register

MIN_ITEMS, MAX_ITEMS, MAX_ITEM = 3, 8, 120


def place_field(place):
    """The form field of a 1-based place: ``place-1`` is the first."""
    return f"place-{place}"


@register
class Ranking(LiveKind):
    name = "ranking"
    label = "Ranking"
    one_answer = True

    fields = {"items": "lines"}

    def from_config(self, data):
        items = self.items(data, "items")
        if len(items) < MIN_ITEMS:
            raise self.problem(data, "items", f"Give at least {MIN_ITEMS} items to rank, one per line.")
        if len(items) > MAX_ITEMS:
            raise self.problem(data, "items", f"Give at most {MAX_ITEMS} items to rank, one per line.")
        if len({item.casefold() for item in items}) < len(items):
            raise self.problem(data, "items", "Each item to rank appears once: two lines are the same.")
        problem = long_line_problem(items, MAX_ITEM)
        if problem:
            raise self.problem(data, "items", problem)
        return {"items": items}

    def examples(self):
        return Examples(valid={"items": ["Safety", "Cost", "Privacy"]}, invalid={"items": ["Cost", "Safety", "cost"]},
                        problem="Each item to rank appears once", field="items",
                        right={place_field(1): "2", place_field(2): "0", place_field(3): "1"},
                        wrong={place_field(1): "0", place_field(2): "0", place_field(3): "1"})

    def answer(self, activity, form):
        items = activity.settings.get("items", [])
        order, seen = [], set()
        for place in range(1, len(items) + 1):
            field = place_field(place)
            try:
                index = read_int(form.get(field), field, 0, len(items) - 1)
            except InputError:  # missing, "abc", "-5", or past the last item
                raise LiveError(f"Choose an item for place {place}.", field) from None
            if index in seen:
                raise LiveError(f"“{items[index]}” is in two places: put each item in exactly one place.", field)
            seen.add(index)
            order.append(index)
        return "; ".join(f"{place}. {items[i]}" for place, i in enumerate(order, 1)), order

    def results(self, activity, posts, votes):
        items = activity.settings.get("items", [])
        n = len(items)
        points, place_sums = [0] * n, [0] * n
        answers = 0
        for post in posts:
            order = post.answer
            if not isinstance(order, list) or sorted(order) != list(range(n)):
                continue  # not a whole ranking of these items
            answers += 1
            for place, index in enumerate(order):
                points[index] += n - 1 - place
                place_sums[index] += place + 1
        rows = [{"item": items[i], "index": i, "points": points[i],
                 "average": round(place_sums[i] / answers, 2) if answers else None} for i in range(n)]
        rows.sort(key=lambda row: (-row["points"], row["average"] or 0, row["index"]))
        return {"rows": rows, "answers": answers, "items": items, "most": (n - 1) * answers}

    def charts(self, out, activity, results):
        if results.get("answers"):
            out.add("ranking", "The room's order: points per item", charts.ranking_chart, results)
