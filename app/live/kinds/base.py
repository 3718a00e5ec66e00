"""What every live activity type declares: how the tutor sets it up, what a participant sends,
and how the room's answers add up. One class per type, registered with ``@register``::

    @register
    class Poll(LiveKind):
        name, label = "poll", "Poll"
        one_answer = True               # one answer each, replaced when they change their mind
        def settings(self, form): ...   # the tutor's add form -> (settings, {field: error})
        def answer(self, activity, form): ...  # a participant's form -> (text, value)
        def results(self, activity, posts, votes): ...  # -> what the results template shows

Templates: ``live/kinds/<name>_settings.html`` (fields of the add form),
``live/kinds/<name>_input.html`` (the phone) and ``live/kinds/<name>_results.html``.
"""
from ..errors import LiveError

_REGISTRY = {}


class LiveKind:
    name = ""
    label = ""
    one_answer = False  # True: one answer per participant, replaced when it changes
    one_per_table = False  # True: one answer per table (the table decides together)
    votable = False  # True: participants vote on the posts (dots, upvotes)
    max_text = 280

    def settings(self, form):
        """``(settings dict, {field: error})`` from the tutor's form (beyond title and prompt)."""
        return {}, {}

    def answer(self, activity, form):
        """``(text, value)`` from a participant's form; raise ``LiveError(message, field)``."""
        raise NotImplementedError

    def results(self, activity, posts, votes):
        """A dict for the results template; ``votes`` is ``{post id: total}``."""
        return {"posts": posts, "votes": votes}

    # helpers for subclasses
    @staticmethod
    def text_of(form, limit, field="text", label="your answer"):
        text = " ".join(str(form.get(field, "")).split()) if limit <= 60 else str(form.get(field, "")).strip()
        text = "".join(ch for ch in text if ch == "\n" or ch >= " ")
        if not text:
            raise LiveError(f"Write {label} first.", field)
        if len(text) > limit:
            raise LiveError(f"At most {limit} characters.", field)
        return text


def register(cls):
    _REGISTRY[cls.name] = cls()
    return cls


def get(name):
    return _REGISTRY.get(name)


def choices():
    return {name: kind.label for name, kind in _REGISTRY.items()}


def lines(text, limit=12, length=120):
    """The non-empty lines of a textarea, each trimmed: a list of options or items."""
    items = [" ".join(line.split())[:length] for line in str(text or "").splitlines()]
    return [item for item in items if item][:limit]
