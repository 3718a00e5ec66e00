"""Ethics deliberation exercises: exercise files, stage types, attempts, groups, grading, opinion map.

``exercise_file`` loads exercises from ``course/``; ``stages`` declares the stage types;
``service`` is the only way attempts change (it gathers ``attempts``, ``drafts``, ``groups`` and
``opinions``); ``opinion_map`` clusters votes (pure Python); the route modules translate HTTP:
``routes`` for students, ``tutor`` for tutors, ``reports`` for the HTML and CSV exports.
"""
from flask import Blueprint

bp = Blueprint("deliberation", __name__)

from . import exercise_file, reports, routes, tutor  # noqa: E402,F401  (exercise_file registers its files)


def link_choices(state, kind="consequence"):
    """``[(note id, title)]`` of the attempt's notes of ``kind``, for a links field."""
    return [(note.id, reports.note_title(note, state, limit=70)) for note in state.notes_of_kind(kind)]


def tagged(note, intended, valence):
    """Jinja test: a consequence note tagged ``intended`` and ``valence`` ("" = untagged, None = any)."""
    data = note.data
    return ((intended is None or (data.get("intended") or "") == intended)
            and (valence is None or (data.get("valence") or "") == valence))


def by_dots(notes, dots):
    """Notes with the most dots first (ties in the order they were written)."""
    return sorted(notes, key=lambda n: (-dots.get(n.id, 0), n.id))


def init_app(app):
    app.jinja_env.tests["delib_tagged"] = tagged
    app.jinja_env.filters["delib_by_dots"] = by_dots
    app.register_blueprint(bp)
    app.jinja_env.filters["split_commas"] = lambda text: [p for p in str(text).split(",") if p]
    app.jinja_env.globals.update(link_choices=link_choices)
