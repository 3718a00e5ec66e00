"""Reports of deliberation attempts: a printable page and a CSV, for one attempt or a cohort.

An attempt's own students may keep its report (a portfolio); its cohort's tutors see it too;
anyone else gets a 404. Students see their peers as the cohort's visibility setting names
them; tutors see real names. The helpers that show a stored value as a reader expects it
(``show_value``, ``note_title``) are template globals, so every page shows answers alike.
"""
import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user

from ..csv_export import csv_response
from ..extensions import db
from ..models import STAFF, DeliberationAttempt, DeliberationDot, DeliberationField, User
from ..security import roles, signed_in
from ..text import slug
from . import bp, service
from .stages import notes_kind
from .tutor import exercise_args, real_name

HEADER = ["Attempt", "Owner", "Members", "Stage number", "Stage", "Item", "Field", "Value", "Author", "Time (UTC)"]
TITLE_CHARS = 80


# -- showing stored values --------------------------------------------------------------------

def notes_by_id(state):
    return {n.id: n for notes in state.notes.values() for n in notes}


@bp.app_template_global("delib_note_title")
def note_title(note, state, depth=0, limit=TITLE_CHARS):
    """A note's name: its title field (a response is named by its consequences), cut to ``limit``
    characters (``None``: whole, where the note itself is shown)."""
    kind = notes_kind(note.kind)
    if kind is None:
        return f"Note {note.id}"
    spec = next((f for f in kind.fields if f.name == kind.title_field), None)
    value = note.data.get(kind.title_field, "")
    text = show_value(spec, value, state, depth + 1) if spec is not None and depth < 2 else str(value or "")
    text = text or kind.label.capitalize()
    if limit is None:
        return text
    text = " ".join(text.split())  # a name on one line
    return text if len(text) <= limit else text[:limit - 1] + "…"


@bp.app_template_global("delib_value")
def show_value(spec, value, state, depth=0):
    """A stored value as text: "3 of 5", a choice's label, the titles of linked notes."""
    if value in ("", None):
        return ""
    if spec.kind == "scale":
        return f"{value} of {spec.high}"
    if spec.kind == "select":
        return next((label for key, label in spec.choices if key == value), str(value))
    if spec.kind == "links":
        by_id = notes_by_id(state)
        ids = [int(part) for part in str(value).split(",") if part.isdigit()]
        return "; ".join(note_title(by_id[i], state, depth) if i in by_id else "(a deleted note)" for i in ids)
    return str(value)


@bp.app_template_global("delib_ranked_dots")
def ranked_dots(state):
    """``[(note, dots)]``, most dots first, for the notes that have any."""
    by_id = notes_by_id(state)
    return sorted(((by_id[i], n) for i, n in state.dots.items() if i in by_id and n), key=lambda p: (-p[1], p[0].id))


def scenario_text(run):
    figures = "; ".join(f"{f.get('label')}: {f.get('value')}{(' ' + f['unit']) if f.get('unit') else ''}"
                        for f in run.get("figures") or [])
    return f"{run.get('title', '')} ({figures})" if figures else str(run.get("title", ""))


# -- who may read ---------------------------------------------------------------------------

def _readable(attempt_id):
    """``(attempt, exercise, is tutor)`` for its students and its cohort's tutors; else 404."""
    attempt = db.session.get(DeliberationAttempt, attempt_id)
    if attempt is None:
        abort(404)
    exercise = service.exercise_or_none(attempt.exercise_uuid)
    tutor = current_user.teaches(attempt.cohort)
    if exercise is None or not (tutor or service.is_member(attempt, current_user)):
        abort(404)
    return attempt, exercise, tutor


def namer(exercise, cohort, tutor):
    """How the reader sees people: real names for tutors, the cohort's visibility for students."""
    if tutor:
        return real_name
    visibility = service.settings_for(exercise, cohort).visibility

    def name_of(user):
        if user is not None and user.id == current_user.id:
            return user.name
        return service.shown_name(user, exercise.uuid, visibility, current_user)
    return name_of


# -- HTML -----------------------------------------------------------------------------------

def _page(exercise, cohort, attempts, name_of, whole_cohort):
    return render_template("deliberation/report.html", exercise=exercise, cohort=cohort, whole_cohort=whole_cohort,
                           reports=[(a, service.load_state(a)) for a in attempts], name_of=name_of)


@bp.get("/deliberations/attempts/<int:attempt_id>/report")
@signed_in
def attempt_report(attempt_id):
    attempt, exercise, tutor = _readable(attempt_id)
    return _page(exercise, attempt.cohort, [attempt], namer(exercise, attempt.cohort, tutor), False)


@bp.get("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>/report")
@roles(*STAFF)
def cohort_report(cohort_id, exercise_uuid):
    cohort, exercise = exercise_args(cohort_id, exercise_uuid)
    return _page(exercise, cohort, service.attempts_in(exercise, cohort), real_name, True)


# -- CSV ------------------------------------------------------------------------------------

def _time(moment):
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def attempt_rows(attempt, exercise, name_of):
    """One CSV row per item of ``attempt``: answers, notes, dots, comments and the grade."""
    state = service.load_state(attempt)
    users = {}

    def person(user_id):
        if user_id is None:
            return name_of(None)
        if user_id not in users:
            users[user_id] = db.session.get(User, user_id)
        return name_of(users[user_id])

    fields = {(f.stage_id, f.name): f for f in db.session.scalars(
        sa.select(DeliberationField).where(DeliberationField.attempt_id == attempt.id))}
    dots = list(db.session.scalars(sa.select(DeliberationDot).where(DeliberationDot.attempt_id == attempt.id)
                                   .order_by(DeliberationDot.id)))
    by_id = notes_by_id(state)
    owner = attempt.group.name if attempt.group is not None else name_of(attempt.user)
    head = [attempt.id, owner, "; ".join(name_of(u) for u in attempt.owners)]
    rows = []
    for stage in exercise.stages:
        at = head + [stage.number, stage.title]
        for spec in stage.type.fields:
            row = fields.get((stage.id, spec.name))
            if row is not None and row.data not in ("", None):
                rows.append(at + ["field", spec.label, show_value(spec, row.data, state), person(row.updated_by_id),
                                  _time(row.updated_at)])
        run = fields.get((stage.id, service.SCENARIO_FIELD))
        if run is not None:
            rows.append(at + ["field", "Model run", scenario_text(run.data), person(run.updated_by_id),
                              _time(run.updated_at)])
        for number, note in enumerate(state.notes_of(stage.id), start=1):
            for spec in stage.note.fields if stage.note else ():
                value = note.data.get(spec.name)
                if value not in ("", None):
                    rows.append(at + ["note", f"{stage.note.label.capitalize()} {number}: {spec.label}",
                                      show_value(spec, value, state), name_of(note.author), _time(note.updated_at)])
        for dot in (d for d in dots if d.stage_id == stage.id):
            title = note_title(by_id[dot.note_id], state) if dot.note_id in by_id else "(a deleted note)"
            rows.append(at + ["dot", title, dot.count, person(dot.user_id), ""])
        for (stage_id, note_id), comments in state.comments.items():
            if stage_id != stage.id:
                continue
            about = note_title(by_id[note_id], state) if note_id in by_id else ("(a deleted note)" if note_id else "")
            for comment in comments:
                rows.append(at + ["comment", about, comment.text, real_name(comment.author), _time(comment.created_at)])
    if attempt.score is not None:
        grader = real_name(attempt.graded_by) if attempt.graded_by else ""
        at = head + ["", "", "grade"]
        rows.append(at + ["Score (%)", f"{100 * attempt.score:.1f}", grader, _time(attempt.graded_at)])
        for index, level in sorted(attempt.rubric_choices.items()):
            if index < len(exercise.rubric) and level < len(exercise.rubric[index]["levels"]):
                chosen = exercise.rubric[index]["levels"][level]
                rows.append(at + [exercise.rubric[index]["criterion"],
                                  f"{chosen['description']} ({chosen['points']:g} points)", grader, ""])
        if attempt.comment:
            rows.append(at + ["Comment", attempt.comment, grader, _time(attempt.graded_at)])
    return rows


@bp.get("/deliberations/attempts/<int:attempt_id>/report.csv")
@signed_in
def attempt_report_csv(attempt_id):
    attempt, exercise, tutor = _readable(attempt_id)
    rows = attempt_rows(attempt, exercise, namer(exercise, attempt.cohort, tutor))
    return csv_response(f"{exercise.key}-attempt-{attempt.id}.csv", HEADER, rows)


@bp.get("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>/report.csv")
@roles(*STAFF)
def cohort_report_csv(cohort_id, exercise_uuid):
    cohort, exercise = exercise_args(cohort_id, exercise_uuid)
    rows = [row for a in service.attempts_in(exercise, cohort) for row in attempt_rows(a, exercise, real_name)]
    return csv_response(f"{exercise.key}-{slug(cohort.name, 60, 'cohort')}.csv", HEADER, rows)

