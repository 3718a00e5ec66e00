"""What every live activity type declares: how the tutor sets it up, what a participant sends,
how the room's answers add up, and what the room can do with them. One class per type,
registered with ``@register``; the service, charts, export, discussions and templates read
what a type declares and never test its name::

    @register
    class Poll(LiveKind):
        name, label = "poll", "Poll"
        one_answer = True               # one answer each, replaced when they change their mind
        fields = {"options": "lines", "multiple": "flag"}  # its settings, and how a form gives them
        def from_config(self, data): ...  # plain data (a plan file's, or form_data(form)) -> settings
        def examples(self): ...         # registry.Examples: settings and answers, taken and refused
        def answer(self, activity, form): ...  # a participant's form -> (text, value)
        def results(self, activity, posts, votes): ...  # -> what the results template shows
        def charts(self, out, activity, results): ...  # the tutor's charts (``charts.Charts``)

What else a type may declare (the defaults below): ``votes`` ("dots" or "upvote"; with
``read_vote``), ``mergeable``, ``themes``, ``to_discussion``, ``notes_heading`` and
``results_on_control``.

Templates: ``live/kinds/<name>_settings.html`` (fields of the add form),
``live/kinds/<name>_input.html`` (the phone) and ``live/kinds/<name>_results.html``
(``settings_template``, ``input_template``, ``results_template``).
"""
from ...inputs import check_length, clean_text, read_int
from ...registry import ConfigError, Registry, line_of
from ..errors import LiveError, read

TYPES = Registry("live activity type", instances=True)
register = TYPES.register
get = TYPES.get
# A post's colours (every post has one, the first unless its kind lets the writer choose: a board)
COLOURS = ("yellow", "pink", "blue", "green")


class LiveKind:
    name = ""
    label = ""
    one_answer = False  # True: one answer per participant, replaced when it changes
    one_per_table = False  # True: one answer per table (the table decides together)
    # How participants vote on the posts: "dots" (each places the activity's dots; a post's
    # votes are the dots on it, seen on the tutor's screens only) or "upvote" (one each per
    # post, counted once per person); None: no votes.
    votes = None
    vote_words = ("vote", "votes")  # how a discussion topic counts them
    mergeable = False  # True: the tutor merges posts that say the same (their votes count on one)
    themes = False  # True: the tutor gives posts themes, and the projector shows them by table or theme
    to_discussion = False  # True: its posts are notes a cohort discussion can carry on
    notes_heading = "Everything sent"  # the control page's list of the posts
    results_on_control = True  # False: that list is the results (the control page shows no others)
    max_text = 280
    # The settings beyond title and prompt, as {name: how a tutor's form gives it}: "lines" (a
    # textarea, one item a line; a plan file gives a list), "flag" (a checkbox, "1" when ticked;
    # a plan file gives true or false) or "text".
    fields = {}

    @property
    def votable(self):
        """True: participants vote on the posts (dots, upvotes)."""
        return self.votes is not None

    @property
    def settings_template(self):
        return f"live/kinds/{self.name}_settings.html"

    @property
    def input_template(self):
        return f"live/kinds/{self.name}_input.html"

    @property
    def results_template(self):
        return f"live/kinds/{self.name}_results.html"

    def form_data(self, form):
        """The plain data of the tutor's add form (``fields`` read as they declare), for ``from_config``."""
        data = {}
        for name, reading in self.fields.items():
            value = form.get(name)
            if reading == "flag":
                data[name] = value == "1"
            elif reading == "lines":
                data[name] = lines(value or "")
            elif value is not None:
                data[name] = value
        return data

    def from_config(self, data):
        """The settings stored with an activity, from plain data: a plan file's mapping or
        ``form_data(form)``. Raise ``ConfigError`` naming the field (``problem``)."""
        return {}

    def examples(self):
        """``registry.Examples``: settings this type takes and refuses, and an answer it takes
        (``right``) and one it refuses (``wrong``), each a participant's form, for the test that
        walks every registered type."""
        raise NotImplementedError

    def unknown_settings(self, data, settings=()):
        """A ``ConfigError`` for each setting of ``data`` this type does not have (a plan file's; a
        form gives only ``fields``); what ``from_config`` made of them (``settings``, as a
        session's plan file holds) is known."""
        return [self.problem(data, name, f"unknown setting '{name}' for a {self.name} "
                                         f"(it has: {', '.join(self.fields) or 'none'})")
                for name in data if name not in self.fields and name not in settings]

    @staticmethod
    def problem(data, field, message):
        """The ``ConfigError`` for ``field`` of ``data`` (with its line when from a plan file)."""
        return ConfigError(message, line_of(data, field), field)

    def items(self, data, field):
        """The list ``data[field]`` (a list, or text with one item a line), each item cleaned to
        one line, empty ones dropped."""
        value = data.get(field)
        if value is None:
            return []
        if isinstance(value, str):
            return lines(value)
        if not isinstance(value, list) or any(isinstance(item, (dict, list)) for item in value):
            raise self.problem(data, field, f"Give the {field} as a list, one a line.")
        return [item for item in (clean_text("" if v is None else str(v), one_line=True) for v in value) if item]

    def flag(self, data, field):
        value = data.get(field, False)
        if not isinstance(value, bool):
            raise self.problem(data, field, f"“{field}” is true or false.")
        return value

    def answer(self, activity, form):
        """``(text, value)`` from a participant's form; raise ``LiveError(message, field)``."""
        raise NotImplementedError

    def results(self, activity, posts, votes):
        """A dict for the results template; ``votes`` is ``{post id: total}``."""
        return {"posts": posts, "votes": votes}

    def read_vote(self, activity, count, placed_elsewhere):
        """A participant's vote on a post from the form's ``count``: an upvote is 1 however many
        (0 takes it back); anything not a whole number from 0 is refused naming the field.
        ``placed_elsewhere()`` gives the votes they have on the activity's other posts."""
        return min(read(read_int, count, "count", 0, label="Your vote"), 1)

    def charts(self, out, activity, results):
        """Add the tutor's charts of ``results`` to ``out`` (``charts.Charts``); none by default."""

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


def choices():
    return {kind.name: kind.label for kind in TYPES}


def registered():
    """Every activity type, in the order they were registered (the tutor's add forms)."""
    return list(TYPES)


def lines(text):
    """The non-empty lines of a textarea, each cleaned to one line: a list of options or items."""
    items = (clean_text(line, one_line=True) for line in clean_text(text).split("\n"))
    return [item for item in items if item]


def long_line_problem(items, length):
    """Why the tutor's ``items`` (``lines``) cannot be taken: one longer than ``length``
    characters (refused naming the limit, never cut); or None. Each kind checks their count."""
    for number, item in enumerate(items, start=1):
        if len(item) > length:
            return (f"Line {number} is too long: at most {length:,} characters (it has {len(item):,}). "
                    "Nothing was cut; shorten it.")
    return None
