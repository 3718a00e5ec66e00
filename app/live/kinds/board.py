"""Sticky-note board: notes per table in colours, dot votes, and themes the tutor gives them."""
from ..errors import LiveError
from .base import LiveKind, register

COLOURS = ("yellow", "pink", "blue", "green")


@register
class Board(LiveKind):
    name = "board"
    label = "Sticky-note board"
    votable = True

    def settings(self, form):
        try:
            dots = int(form.get("dots") or 3)
        except ValueError:
            return {}, {"dots": "Dots are a whole number from 0 to 10."}
        if not 0 <= dots <= 10:
            return {}, {"dots": "Dots are a whole number from 0 to 10."}
        return {"dots": dots}, {}

    def answer(self, activity, form):
        text = self.text_of(form, self.max_text, label="something on the note")
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
    if total > dots_for(activity):
        raise LiveError(f"You have {dots_for(activity)} dots.", "dots")
