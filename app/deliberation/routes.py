"""A student's side of deliberation exercises: start or join, work through the stages (every
answer autosaved; group members see each other's edits), submit, see the grade and comments,
and vote on the opinion map.

Every form works without JavaScript (a post, then a redirect); with it, the page's script posts
the same forms with ``Accept: application/json`` and gets JSON back.
"""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..courseware.access import can_read_module
from ..extensions import db
from ..inputs import InputError, read_int
from ..models import DeliberationAttempt, DeliberationStatement, SavedScenario
from ..security import allow_plot_styles, signed_in
from . import bp, opinion_map, service
from .service import DeliberationError


def wants_json():
    return request.accept_mimetypes.best == "application/json"


def _exercise(exercise_uuid):
    exercise = service.exercise_or_none(exercise_uuid)
    if exercise is None or exercise.module is None or not can_read_module(exercise.module):
        abort(404)
    return exercise


def _attempt(attempt_id):
    """The reader's attempt (their own or their group's) and its exercise; 404 for anyone else."""
    attempt = db.session.get(DeliberationAttempt, attempt_id)
    if attempt is None or not service.is_member(attempt, current_user):
        abort(404)
    exercise = service.exercise_or_none(attempt.exercise_uuid)
    if exercise is None:
        abort(404)
    return attempt, exercise


def _stage(exercise, stage_id):
    stage = exercise.stage(stage_id)
    if stage is None:
        abort(404)
    return stage


def _stage_url(attempt, stage, anchor=""):
    return url_for("deliberation.stage", attempt_id=attempt.id, stage_id=stage.id) + anchor


def name_function(exercise, cohort):
    visibility = service.settings_for(exercise, cohort).visibility
    return lambda user: service.shown_name(user, exercise.uuid, visibility, current_user)


def _refused(error, back):
    """A ``DeliberationError`` as JSON (409) or as a message on the page it came from."""
    if wants_json():
        return jsonify(ok=False, error=error.message, errors={error.field or "_": error.message}), 409
    flash(error.message, "error")
    return redirect(back)


# -- starting ---------------------------------------------------------------------------------------

@bp.post("/deliberations/<exercise_uuid>/start")
@signed_in
def start(exercise_uuid):
    exercise = _exercise(exercise_uuid)
    try:
        attempt = service.start(current_user, exercise)
    except DeliberationError as error:
        flash(error.message, "error")
        return redirect(exercise.url or url_for("courseware.programme"))
    return redirect(url_for("deliberation.attempt", attempt_id=attempt.id))


@bp.post("/deliberations/<exercise_uuid>/join")
@signed_in
def join(exercise_uuid):
    """Join a group, where the tutor lets students choose."""
    exercise = _exercise(exercise_uuid)
    place = service.place_of(current_user, exercise)
    group = next((g for g in place.choices if str(g.id) == request.form.get("group_id", "")), None)
    if group is None:
        flash("Choose one of the groups.", "error")
        return redirect(exercise.url or url_for("courseware.programme"))
    service.place_in_group(current_user, group)
    return redirect(url_for("deliberation.start_page", exercise_uuid=exercise.uuid))


@bp.get("/deliberations/<exercise_uuid>")
@signed_in
def start_page(exercise_uuid):
    """Where the exercise's card sends a reader: their attempt, or the unit with the card."""
    exercise = _exercise(exercise_uuid)
    place = service.place_of(current_user, exercise)
    if place.attempt is not None:
        return redirect(url_for("deliberation.attempt", attempt_id=place.attempt.id))
    return redirect(exercise.url or url_for("courseware.programme"))


# -- the attempt --------------------------------------------------------------------------------------

@bp.get("/deliberations/attempts/<int:attempt_id>")
@signed_in
def attempt(attempt_id):
    attempt, exercise = _attempt(attempt_id)
    state = service.load_state(attempt, current_user.id)
    return render_template("deliberation/attempt.html", attempt=attempt, exercise=exercise, state=state,
                           progress=service.completeness(exercise, state),
                           name_of=name_function(exercise, attempt.cohort))


@bp.get("/deliberations/attempts/<int:attempt_id>/stages/<stage_id>")
@signed_in
def stage(attempt_id, stage_id):
    attempt, exercise = _attempt(attempt_id)
    stage = _stage(exercise, stage_id)
    if not attempt.is_draft:
        return redirect(url_for("deliberation.attempt", attempt_id=attempt.id) + f"#stage-{stage.id}")
    state = service.load_state(attempt, current_user.id)
    extra = {}
    if stage.simulation is not None:
        allow_plot_styles()
        extra["runs"] = service.saved_runs(current_user, stage)
    if stage.type.name == "opinions":
        extra.update(_opinions(exercise, stage, attempt.cohort))
    return render_template("deliberation/stage.html", attempt=attempt, exercise=exercise, stage=stage, state=state,
                           progress=service.completeness(exercise, state),
                           name_of=name_function(exercise, attempt.cohort), **extra)


def _opinions(exercise, stage, cohort):
    statements = service.statements(exercise, stage, cohort)
    return {"statements": statements, "my_votes": service.my_votes(exercise, cohort, current_user),
            "opinion_map": opinion_map.build(service.vote_table(exercise, cohort)),
            "statement_text": {s.id: s.text for s in statements}}


@bp.post("/deliberations/attempts/<int:attempt_id>/stages/<stage_id>/fields")
@signed_in
def save_fields(attempt_id, stage_id):
    attempt, exercise = _attempt(attempt_id)
    stage = _stage(exercise, stage_id)
    values = {spec.name: request.form.get(spec.name, "") for spec in stage.type.fields if spec.name in request.form}
    try:
        errors = service.save_fields(attempt, exercise, stage, values, current_user)
    except DeliberationError as error:
        return _refused(error, _stage_url(attempt, stage))
    if wants_json():
        return jsonify(ok=not errors, errors=errors, revision=attempt.revision), (200 if not errors else 422)
    for message in errors.values():
        flash(message, "error")
    if not errors:
        flash("Saved.", "success")
    return redirect(_stage_url(attempt, stage))


def _note_form(stage):
    """The posted note values: several checked links become one comma-separated value."""
    raw = {}
    for spec in stage.note.fields:
        if spec.name in request.form:
            values = [v for v in request.form.getlist(spec.name) if v != ""]
            raw[spec.name] = ",".join(values) if spec.multiple else (values[0] if values else "")
    return raw


@bp.post("/deliberations/attempts/<int:attempt_id>/stages/<stage_id>/notes")
@signed_in
def add_note(attempt_id, stage_id):
    attempt, exercise = _attempt(attempt_id)
    stage = _stage(exercise, stage_id)
    try:
        note, errors = service.add_note(attempt, exercise, stage, _note_form(stage), current_user)
    except DeliberationError as error:
        return _refused(error, _stage_url(attempt, stage))
    if wants_json():
        if errors:
            return jsonify(ok=False, errors=errors), 422
        return jsonify(ok=True, id=note.id, html=_note_html(attempt, exercise, stage, note))
    for message in errors.values():
        flash(message, "error")
    if not errors:
        flash(f"Your {stage.note.label} is added.", "success")
    return redirect(_stage_url(attempt, stage, f"#note-{note.id}" if note else "#add-note"))


@bp.post("/deliberations/attempts/<int:attempt_id>/notes/<int:note_id>")
@signed_in
def update_note(attempt_id, note_id):
    attempt, exercise = _attempt(attempt_id)
    try:
        note = service.note_of(attempt, note_id)
        stage = _stage(exercise, note.stage_id)
        errors = service.update_note(attempt, exercise, stage, note, _note_form(stage), current_user)
    except DeliberationError as error:
        return _refused(error, url_for("deliberation.attempt", attempt_id=attempt.id))
    if wants_json():
        return jsonify(ok=not errors, errors=errors), (200 if not errors else 422)
    for message in errors.values():
        flash(message, "error")
    if not errors:
        flash("Saved.", "success")
    return redirect(_stage_url(attempt, stage, f"#note-{note.id}"))


@bp.post("/deliberations/attempts/<int:attempt_id>/notes/<int:note_id>/delete")
@signed_in
def delete_note(attempt_id, note_id):
    attempt, exercise = _attempt(attempt_id)
    try:
        note = service.note_of(attempt, note_id)
        stage = _stage(exercise, note.stage_id)
        service.delete_note(attempt, note)
    except DeliberationError as error:
        return _refused(error, url_for("deliberation.attempt", attempt_id=attempt.id))
    if wants_json():
        return jsonify(ok=True)
    flash(f"The {stage.note.label} is deleted.", "success")
    return redirect(_stage_url(attempt, stage, "#notes"))


@bp.post("/deliberations/attempts/<int:attempt_id>/stages/<stage_id>/dots")
@signed_in
def set_dots(attempt_id, stage_id):
    attempt, exercise = _attempt(attempt_id)
    stage = _stage(exercise, stage_id)
    try:
        counts = {key[5:]: read_int(value, key, low=0, high=stage.dots, default=0, label="Dots on a consequence")
                  for key, value in request.form.items() if key.startswith("dots-")}
        service.set_dots(attempt, stage, current_user, counts)
    except InputError as error:
        return _refused(DeliberationError(error.message, error.field), _stage_url(attempt, stage, "#dots"))
    except DeliberationError as error:
        return _refused(error, _stage_url(attempt, stage, "#dots"))
    if wants_json():
        return jsonify(ok=True)
    flash("Your dots are placed.", "success")
    return redirect(_stage_url(attempt, stage, "#dots"))


@bp.post("/deliberations/attempts/<int:attempt_id>/stages/<stage_id>/scenario")
@signed_in
def attach_scenario(attempt_id, stage_id):
    attempt, exercise = _attempt(attempt_id)
    stage = _stage(exercise, stage_id)
    run_id = request.form.get("scenario_id", "")
    scenario = db.session.get(SavedScenario, int(run_id)) if run_id.isdigit() else None
    try:
        service.attach_scenario(attempt, stage, scenario, current_user)
    except DeliberationError as error:
        return _refused(error, _stage_url(attempt, stage, "#model-run"))
    flash("The model run is attached to your answer.", "success")
    return redirect(_stage_url(attempt, stage, "#model-run"))


@bp.get("/deliberations/attempts/<int:attempt_id>/stages/<stage_id>/changes")
@signed_in
def changes(attempt_id, stage_id):
    """What others changed after revision ``since``, as JSON for the stage page's script."""
    attempt, exercise = _attempt(attempt_id)
    stage = _stage(exercise, stage_id)
    since = request.args.get("since", type=int, default=0)
    revision, fields, notes = service.changes(attempt, since)
    reply = {"revision": revision, "status": attempt.status, "fields": {}, "notes": [], "visual": None}
    fields = [f for f in fields if f.stage_id == stage.id and not f.name.startswith("_")]
    notes = [n for n in notes if n.stage_id == stage.id]
    # Dots change no field or note, so a prioritise stage redraws on any new revision.
    if revision == since or (not fields and not notes and stage.type.name != "prioritise"):
        return jsonify(reply)
    reply["fields"] = {f.name: f.data for f in fields}
    name_of = name_function(exercise, attempt.cohort)
    state = service.load_state(attempt, current_user.id)
    for note in notes:
        entry = {"id": note.id, "deleted": note.deleted,
                 "by": name_of(note.author) if note.author_id != current_user.id else ""}
        if not note.deleted:
            entry["html"] = _note_html(attempt, exercise, stage, note, state, name_of)
        reply["notes"].append(entry)
    if stage.type.visual and stage.type.visual != "opinions":
        reply["visual"] = render_template("deliberation/_visual.html", exercise=exercise, stage=stage, state=state,
                                          attempt=attempt)
    if stage.type.name == "prioritise":
        reply["dots"] = render_template("deliberation/_dots.html", exercise=exercise, stage=stage, state=state,
                                        attempt=attempt)
    return jsonify(reply)


def _note_html(attempt, exercise, stage, note, state=None, name_of=None):
    state = state or service.load_state(attempt, current_user.id)
    return render_template("deliberation/_note.html", attempt=attempt, exercise=exercise, stage=stage, note=note,
                           state=state, name_of=name_of or name_function(exercise, attempt.cohort))


@bp.post("/deliberations/attempts/<int:attempt_id>/submit")
@signed_in
def submit(attempt_id):
    attempt, exercise = _attempt(attempt_id)
    try:
        if service.submit(attempt, exercise, current_user):
            flash("Submitted. Your tutor will grade it; you will see the grade and comments here.", "success")
    except DeliberationError as error:
        flash(error.message, "error")
    return redirect(url_for("deliberation.attempt", attempt_id=attempt.id))


# -- the opinion map --------------------------------------------------------------------------------

def _statement_for_reader(statement_id):
    """A visible statement of an exercise in the reader's cohort, with its exercise, stage and cohort."""
    statement = db.session.get(DeliberationStatement, statement_id)
    exercise = service.exercise_or_none(statement.exercise_uuid) if statement is not None else None
    if exercise is None or statement.hidden:
        abort(404)
    cohort = service.student_cohort(current_user, exercise)
    if cohort is None or cohort.id != statement.cohort_id:
        abort(404)
    return statement, exercise, _stage(exercise, statement.stage_id), cohort


def _back_to_opinions(exercise, cohort, anchor="#statements"):
    attempt = service.attempt_for_student(current_user.id, exercise, cohort)
    stage = next(s for s in exercise.stages if s.type.name == "opinions")
    if attempt is not None and attempt.is_draft:
        return _stage_url(attempt, stage, anchor)
    return url_for("deliberation.opinions", exercise_uuid=exercise.uuid) + anchor


@bp.post("/deliberations/statements/<int:statement_id>/vote")
@signed_in
def vote(statement_id):
    statement, exercise, stage, cohort = _statement_for_reader(statement_id)
    value = {"agree": 1, "disagree": -1, "pass": 0}.get(request.form.get("vote", ""))
    try:
        service.vote(statement, current_user, value)
    except DeliberationError as error:
        return _refused(error, _back_to_opinions(exercise, cohort))
    if wants_json():
        return jsonify(ok=True)
    return redirect(_back_to_opinions(exercise, cohort, f"#statement-{statement.id}"))


@bp.post("/deliberations/<exercise_uuid>/stages/<stage_id>/statements")
@signed_in
def add_statement(exercise_uuid, stage_id):
    exercise = _exercise(exercise_uuid)
    stage = _stage(exercise, stage_id)
    cohort = service.student_cohort(current_user, exercise)
    if cohort is None or stage.type.name != "opinions":
        abort(404)
    try:
        service.add_statement(exercise, stage, cohort, request.form.get("text", ""), current_user)
    except DeliberationError as error:
        return _refused(error, _back_to_opinions(exercise, cohort))
    flash("Your statement is added: others in your cohort can now vote on it.", "success")
    return redirect(_back_to_opinions(exercise, cohort))


@bp.get("/deliberations/<exercise_uuid>/opinions")
@signed_in
def opinions(exercise_uuid):
    """The cohort's opinion map as a student sees it: no names, only groups and statements."""
    exercise = _exercise(exercise_uuid)
    stage = next((s for s in exercise.stages if s.type.name == "opinions"), None)
    cohort = service.student_cohort(current_user, exercise)
    if stage is None or cohort is None:
        abort(404)
    data = _opinions(exercise, stage, cohort)
    return render_template("deliberation/opinions.html", exercise=exercise, stage=stage, cohort=cohort,
                           attempt=service.attempt_for_student(current_user.id, exercise, cohort), **data)
