"""Sticky-note board: notes per table in colours, dot votes, and themes the tutor gives them."""
from ...inputs import InputError, read_int
from ...registry import Examples
from .. import charts
from ..errors import LiveError, read
from .base import COLOURS, LiveKind, register

MAX_DOTS = 10


@register
class Board(LiveKind):
    name = "board"
    label = "Sticky-note board"
    votes = "dots"
    vote_words = ("dot", "dots")
    mergeable = True
    themes = True
    to_discussion = True
    notes_heading = "Notes"
    results_on_control = False  # the control page's notes are the board

    fields = {"dots": "text"}

    def from_config(self, data):
        try:
            dots = read_int(data.get("dots"), "dots", 0, MAX_DOTS, default=3)
        except InputError:
            raise self.problem(data, "dots", f"Dots are a whole number from 0 to {MAX_DOTS}.") from None
        return {"dots": dots}

    def examples(self):
        return Examples(valid={"dots": 2}, invalid={"dots": 11}, problem="Dots are a whole number", field="dots",
                        right={"text": "Ask the bus drivers", "colour": "blue"}, wrong={"text": "  "})

    def answer(self, activity, form):
        text = self.text_of(form, self.max_text, label="something on the note", name="Your note")
        colour = form.get("colour") if form.get("colour") in COLOURS else COLOURS[0]
        return text, {"colour": colour}

    def results(self, activity, posts, votes):
        themes = {}
        for post in posts:
            themes.setdefault(post.theme or "", []).append(post)
        ranked = sorted(posts, key=lambda p: (-votes.get(p.id, 0), p.id))
        return {"posts": posts, "votes": votes, "themes": themes, "ranked": ranked}

    def read_vote(self, activity, count, placed_elsewhere):
        """A participant's dots on a post: a whole number from 0 to the board's dots, and with
        those ``placed_elsewhere()`` no more than the board's dots in all."""
        count = read(read_int, count, "count", 0, dots_for(activity), label="Your dots")
        check_dots(activity, placed_elsewhere() + count)
        return count

    def charts(self, out, activity, results):
        out.add("dots", "The notes with the most dots", charts.board_chart, results)
        out.add("themes", "Notes per theme", charts.themes_chart, results)


def dots_for(activity):
    return int(activity.settings.get("dots", 3))


def check_dots(activity, total):
    """Refuse more than the board's dots in all (409: the dots placed elsewhere are the conflict)."""
    if total > dots_for(activity):
        raise LiveError(f"You have {dots_for(activity)} dots.", "count", status=409)
