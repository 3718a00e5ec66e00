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
from ...inputs import check_length, clean_text
from ..errors import LiveError, read

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
    def text_of(form, limit, field="text", label="your answer", name="Your answer"):
        """The form's ``field``, cleaned (``app.inputs.clean_text``; a short text on one line),
        not empty ("Write {label} first.") and at most ``limit`` characters: a longer one is
        refused naming the limit ("{name} is too long..."), never cut."""
        text = clean_text(form.get(field, ""), one_line=limit <= 60)
        if not text:
            raise LiveError(f"Write {label} first.", field)
        return read(check_length, text, limit, field, name)


def register(cls):
    _REGISTRY[cls.name] = cls()
    return cls


def get(name):
    return _REGISTRY.get(name)


def choices():
    return {name: kind.label for name, kind in _REGISTRY.items()}


def lines(text):
    """The non-empty lines of a textarea, each cleaned to one line: a list of options or items."""
    items = (clean_text(line, one_line=True) for line in clean_text(text).split("\n"))
    return [item for item in items if item]


def lines_problem(items, most, length, what):
    """Why the tutor's ``items`` (``lines``) cannot be taken: more than ``most`` of them, or one
    longer than ``length`` characters (refused naming the limit, never cut); or None."""
    if len(items) > most:
        return f"Give at most {most} {what}, one per line (there are {len(items)})."
    for number, item in enumerate(items, start=1):
        if len(item) > length:
            return (f"Line {number} is too long: at most {length:,} characters (it has {len(item):,}). "
                    "Nothing was cut; shorten it.")
    return None
