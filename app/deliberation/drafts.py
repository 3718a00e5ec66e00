"""What students change in a draft attempt: its fields, notes, dots and attached model run.

Every answer is stored the moment it is made, so a closed tab, an expired session or a restart
loses nothing. Every change checks the attempt is still a draft and takes its next ``revision``
(one atomic ``UPDATE ... RETURNING``, so two editors never share one), which is how group
members' browsers fetch each other's edits (``changes``).
"""
import sqlalchemy as sa

from ..extensions import db
from ..models import DeliberationAttempt, DeliberationDot, DeliberationField, DeliberationNote, SavedScenario
from ..models.deliberation import DRAFT
from ..models.user import utcnow
from .errors import DeliberationError
from .stages import clean_value

SCENARIO_FIELD = "_scenario"  # a stage's attached model run, stored as a field
MAX_NOTES_PER_STAGE = 200


def _require_draft(attempt):
    if attempt.status != DRAFT:
        raise DeliberationError("This attempt has been submitted, so it can no longer change.")


def _next_revision(attempt):
    """Take the attempt's next revision number (atomic, so two editors never share one)."""
    revision = db.session.execute(
        sa.update(DeliberationAttempt).where(DeliberationAttempt.id == attempt.id)
        .values(revision=DeliberationAttempt.revision + 1, saved_at=utcnow())
        .returning(DeliberationAttempt.revision)).scalar_one()
    return revision


def save_fields(attempt, exercise, stage, values, user):
    """Store the stage's answers in ``values`` (``{name: raw}``); returns ``{name: error}`` for bad ones.

    Good values are stored even when others are bad, so nothing typed is lost.
    """
    _require_draft(attempt)
    errors, clean = {}, {}
    for name, raw in values.items():
        spec = stage.type.field(name)
        if spec is None:
            continue
        try:
            clean[name] = clean_value(spec, raw, exercise.role_names)
        except ValueError as error:
            errors[name] = str(error)
    if clean:
        revision = _next_revision(attempt)
        for name, value in clean.items():
            _put_field(attempt, stage.id, name, value, revision, user)
        db.session.commit()
    return errors


def _put_field(attempt, stage_id, name, value, revision, user):
    user_id = user.id  # read first: loading an expired user must not flush a half-made row
    row = db.session.scalar(sa.select(DeliberationField).where(
        DeliberationField.attempt_id == attempt.id, DeliberationField.stage_id == stage_id,
        DeliberationField.name == name))
    if row is None:
        row = DeliberationField(attempt_id=attempt.id, stage_id=stage_id, name=name)
        db.session.add(row)
    row.value, row.revision, row.updated_by_id, row.updated_at = value, revision, user_id, utcnow()


def _note_values(exercise, stage, raw, attempt, current=None):
    """Checked note values: ``(values, errors)``; missing keys keep ``current``'s."""
    kind = stage.note
    link_ids = set()
    if kind.links_to:
        link_ids = set(db.session.scalars(sa.select(DeliberationNote.id).where(
            DeliberationNote.attempt_id == attempt.id, DeliberationNote.kind == kind.links_to,
            DeliberationNote.deleted.is_(False))))
    values, errors = dict(current or {}), {}
    for spec in kind.fields:
        if spec.name not in raw:
            continue
        try:
            values[spec.name] = clean_value(spec, raw[spec.name], exercise.role_names, link_ids)
        except ValueError as error:
            errors[spec.name] = str(error)
    return values, errors


def add_note(attempt, exercise, stage, raw, user):
    """A new note in ``stage``; ``(note, errors)`` — no note is made while a required value is missing."""
    _require_draft(attempt)
    if stage.note is None:
        raise DeliberationError("This stage has no notes.")
    values, errors = _note_values(exercise, stage, raw, attempt)
    for spec in stage.note.fields:
        if spec.required and values.get(spec.name) in ("", None) and spec.name not in errors:
            errors[spec.name] = f"Fill in “{spec.label}”."
    if errors:
        return None, errors
    count = db.session.scalar(sa.select(sa.func.count()).select_from(DeliberationNote).where(
        DeliberationNote.attempt_id == attempt.id, DeliberationNote.stage_id == stage.id,
        DeliberationNote.deleted.is_(False)))
    if count >= MAX_NOTES_PER_STAGE:
        raise DeliberationError(f"A stage holds at most {MAX_NOTES_PER_STAGE} notes.")
    revision = _next_revision(attempt)
    note = DeliberationNote(attempt_id=attempt.id, stage_id=stage.id, kind=stage.note.name, author_id=user.id,
                            values=values, revision=revision)
    db.session.add(note)
    db.session.commit()
    return note, {}


def note_of(attempt, note_id):
    note = db.session.get(DeliberationNote, note_id)
    if note is None or note.attempt_id != attempt.id or note.deleted:
        raise DeliberationError("That note is not in this attempt (it may have been deleted).")
    return note


def update_note(attempt, exercise, stage, note, raw, user):
    """Change some of a note's values; returns ``{name: error}`` for bad ones (the rest are kept)."""
    _require_draft(attempt)
    values, errors = _note_values(exercise, stage, raw, attempt, note.data)
    for spec in stage.note.fields:
        if spec.required and spec.name in raw and values.get(spec.name) in ("", None):
            errors[spec.name] = f"“{spec.label}” cannot be empty."
            values[spec.name] = note.data.get(spec.name, "")
    if values != note.data:
        note.values, note.revision, note.updated_at = values, _next_revision(attempt), utcnow()
        db.session.commit()
    return errors


def delete_note(attempt, note):
    _require_draft(attempt)
    note.deleted, note.revision, note.updated_at = True, _next_revision(attempt), utcnow()
    db.session.commit()


def set_dots(attempt, stage, user, counts):
    """Replace ``user``'s dots in a prioritise stage with ``{note id: count}`` (at most ``stage.dots``)."""
    _require_draft(attempt)
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in counts.values()):
        raise DeliberationError("Dots are whole numbers of 0 or more.", "dots")
    if not all(str(k).isdigit() for k in counts):
        raise DeliberationError("Dots go on this attempt's consequences only.", "dots")
    counts = {int(k): v for k, v in counts.items() if v > 0}
    if sum(counts.values()) > stage.dots:
        raise DeliberationError(f"You have {stage.dots} dots to spend; that was {sum(counts.values())}.", "dots")
    allowed = set(db.session.scalars(sa.select(DeliberationNote.id).where(
        DeliberationNote.attempt_id == attempt.id, DeliberationNote.kind == "consequence",
        DeliberationNote.deleted.is_(False))))
    if set(counts) - allowed:
        raise DeliberationError("Dots go on this attempt's consequences only.", "dots")
    db.session.execute(sa.delete(DeliberationDot).where(
        DeliberationDot.attempt_id == attempt.id, DeliberationDot.stage_id == stage.id,
        DeliberationDot.user_id == user.id))
    for note_id, count in counts.items():
        db.session.add(DeliberationDot(attempt_id=attempt.id, stage_id=stage.id, note_id=note_id, user_id=user.id,
                                       count=count))
    _next_revision(attempt)
    db.session.commit()


def attach_scenario(attempt, stage, scenario, user):
    """Keep a copy of one of ``user``'s saved model runs with the attempt, as the stage's evidence."""
    _require_draft(attempt)
    expected = (stage.simulation or {}).get("scenario")
    if scenario is None or scenario.user_id != user.id or scenario.scenario != expected:
        raise DeliberationError("Choose one of your saved runs of this model.", "scenario")
    copy = {"id": scenario.id, "title": scenario.title, "scenario": scenario.scenario,
            "params": scenario.parameters, "dataset": scenario.dataset_key, "figures": scenario.figures,
            "model_version": scenario.model_version, "data_version": scenario.data_version,
            "verified": scenario.verified, "by": user.name}
    _put_field(attempt, stage.id, SCENARIO_FIELD, copy, _next_revision(attempt), user)
    db.session.commit()


def saved_runs(user, stage):
    scenario = (stage.simulation or {}).get("scenario")
    return list(db.session.scalars(sa.select(SavedScenario).where(
        SavedScenario.user_id == user.id, SavedScenario.scenario == scenario)
        .order_by(SavedScenario.created_at.desc())))


def changes(attempt, since):
    """What changed after revision ``since``: ``(revision, fields, notes)`` (notes include deleted)."""
    db.session.refresh(attempt)
    fields = list(db.session.scalars(sa.select(DeliberationField).where(
        DeliberationField.attempt_id == attempt.id, DeliberationField.revision > since)))
    notes = list(db.session.scalars(sa.select(DeliberationNote).where(
        DeliberationNote.attempt_id == attempt.id, DeliberationNote.revision > since)
        .order_by(DeliberationNote.id)))
    return attempt.revision, fields, notes
