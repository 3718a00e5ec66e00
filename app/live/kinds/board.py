"""Sticky-note board: notes per table in colours, dot votes, and themes the tutor gives them."""
from ...inputs import InputError, read_int
from ..errors import LiveError
from .base import LiveKind, register

COLOURS = ("yellow", "pink", "blue", "green")
MAX_DOTS = 10


@register
class Board(LiveKind):
    name = "board"
    label = "Sticky-note board"
    votable = True

    def settings(self, form):
        try:
            dots = read_int(form.get("dots"), "dots", 0, MAX_DOTS, default=3)
        except InputError:
            return {}, {"dots": f"Dots are a whole number from 0 to {MAX_DOTS}."}
        return {"dots": dots}, {}

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


def dots_for(activity):
    return int(activity.settings.get("dots", 3))


def check_dots(activity, total):
    """Refuse more than the board's dots in all (409: the dots placed elsewhere are the conflict)."""
    if total > dots_for(activity):
        raise LiveError(f"You have {dots_for(activity)} dots.", "count", status=409)
