"""Deliberation attempts: whose they are, what is in them, and their submit, grade and reopen.

A student works alone (*solo*: one attempt per student and cohort) or with a group (*group*:
one shared attempt per group). A submit is a conditional update (``status = 'draft'``), so it
happens once however often it is sent. Tutors' comments and grades are not edits of the draft:
they take no revision and may come after the submit. What students change while the attempt is
a draft is in ``drafts``.
"""
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..content import current_course
from ..extensions import db
from ..inputs import clean_text
from ..models import (
    Cohort,
    DeliberationAttempt,
    DeliberationComment,
    DeliberationDot,
    DeliberationField,
    DeliberationGroup,
    DeliberationNote,
    Role,
)
from ..models.deliberation import DRAFT, SUBMITTED
from ..models.user import utcnow
from .drafts import SCENARIO_FIELD, note_of
from .errors import DeliberationError
from .groups import Settings, group_of, groups_of, settings_for, student_cohort


def exercise_or_none(exercise_uuid):
    return current_course().deliberations_by_uuid.get(exercise_uuid)


# -- where a reader stands ------------------------------------------------------------------------

@dataclass
class Place:
    """What the exercise's card shows its reader."""

    cohort: Cohort | None = None
    settings: Settings | None = None
    attempt: DeliberationAttempt | None = None
    group: DeliberationGroup | None = None
    choices: list = field(default_factory=list)  # groups the reader may join
    why_not: str = ""  # why the reader cannot start, if they cannot
    teaching: list = field(default_factory=list)  # a tutor's cohorts that study the exercise


def place_of(user, exercise):
    if not exercise.uuid:
        return Place(why_not="This exercise cannot be started yet: its file has no valid uuid.")
    if not user.is_authenticated:
        return Place(why_not="Sign in to take part.")
    cohort = student_cohort(user, exercise)
    if cohort is None and user.is_tutor:
        course = current_course()
        teaching = [c for c in user.cohorts(Role.TUTOR.value)
                    if exercise.module in course.modules_for_levels([c.level_id])]
        return Place(why_not="Tutors set the exercise up and see students' work from their cohorts' pages.",
                     teaching=teaching)
    if cohort is None:
        return Place(why_not="You can take part once you are enrolled in a cohort that studies this module.")
    settings = settings_for(exercise, cohort)
    place = Place(cohort=cohort, settings=settings)
    if settings.mode == "solo":
        place.attempt = solo_attempt(user.id, exercise, cohort)
        return place
    place.group = group_of(user.id, exercise, cohort)
    if place.group is not None:
        place.attempt = db.session.scalar(sa.select(DeliberationAttempt).where(
            DeliberationAttempt.group_id == place.group.id))
        return place
    if settings.self_select:
        place.choices = groups_of(exercise, cohort)
        if not place.choices:
            place.why_not = "Your tutor has not set up the groups yet."
    else:
        place.why_not = "Your tutor has not put you in a group yet."
    return place


def solo_attempt(user_id, exercise, cohort):
    return db.session.scalar(sa.select(DeliberationAttempt).where(
        DeliberationAttempt.exercise_uuid == exercise.uuid, DeliberationAttempt.cohort_id == cohort.id,
        DeliberationAttempt.user_id == user_id))


def start(user, exercise):
    """The reader's attempt (their own or their group's), made if needed; ``DeliberationError`` if none."""
    place = place_of(user, exercise)
    if place.attempt is not None:
        return place.attempt
    if place.cohort is None or (place.settings.mode == "group" and place.group is None):
        raise DeliberationError(place.why_not or "Choose a group first.")
    attempt = DeliberationAttempt(exercise_uuid=exercise.uuid, cohort_id=place.cohort.id)
    if place.group is not None:
        attempt.group_id = place.group.id
    else:
        attempt.user_id = user.id
    db.session.add(attempt)
    try:
        db.session.flush()
        _seed_options(attempt, exercise, user)
        db.session.commit()
    except IntegrityError:  # started twice at once (a double click, or two group members)
        db.session.rollback()
        return place_of(user, exercise).attempt
    return attempt


def _seed_options(attempt, exercise, user):
    """An options stage starts with the exercise's options as notes the students then weigh."""
    for stage in exercise.stages:
        for option in stage.options:
            db.session.add(DeliberationNote(attempt_id=attempt.id, stage_id=stage.id, kind="option", author_id=None,
                                            values={"title": option.title, "description": option.description}))


def is_member(attempt, user):
    """True if ``user`` is the attempt's student or in its group."""
    if attempt.user_id is not None:
        return attempt.user_id == user.id
    return any(m.user_id == user.id for m in attempt.group.members)


# -- state ------------------------------------------------------------------------------------------

@dataclass
class State:
    """An attempt's content, loaded in a few queries."""

    fields: dict  # {stage id: {name: value}}
    notes: dict  # {stage id: [DeliberationNote]}
    dots: dict  # {note id: total dots}
    my_dots: dict  # {note id: the viewer's dots}
    comments: dict  # {(stage id, note id or None): [DeliberationComment]}

    def field(self, stage_id, name, default=""):
        return self.fields.get(stage_id, {}).get(name, default)

    def notes_of(self, stage_id):
        return self.notes.get(stage_id, [])

    def notes_of_kind(self, kind):
        return [n for notes in self.notes.values() for n in notes if n.kind == kind]

    def scenario(self, stage_id):
        return self.field(stage_id, SCENARIO_FIELD, None)


def load_state(attempt, viewer_id=None):
    fields = {}
    for row in db.session.scalars(sa.select(DeliberationField).where(DeliberationField.attempt_id == attempt.id)):
        fields.setdefault(row.stage_id, {})[row.name] = row.data
    notes = {}
    for note in db.session.scalars(sa.select(DeliberationNote).where(
            DeliberationNote.attempt_id == attempt.id, DeliberationNote.deleted.is_(False))
            .order_by(DeliberationNote.id)):
        notes.setdefault(note.stage_id, []).append(note)
    dots, mine = {}, {}
    for row in db.session.scalars(sa.select(DeliberationDot).where(DeliberationDot.attempt_id == attempt.id)):
        dots[row.note_id] = dots.get(row.note_id, 0) + row.count
        if row.user_id == viewer_id:
            mine[row.note_id] = row.count
    comments = {}
    for row in db.session.scalars(sa.select(DeliberationComment).where(
            DeliberationComment.attempt_id == attempt.id).order_by(DeliberationComment.id)):
        comments.setdefault((row.stage_id, row.note_id), []).append(row)
    return State(fields, notes, dots, mine, comments)


def completeness(exercise, state):
    """``[(stage, missing message or "")]``: what each stage still needs before a submit."""
    result = []
    for stage in exercise.stages:
        missing = []
        for spec in stage.type.fields:
            if spec.required and state.field(stage.id, spec.name) in ("", None):
                missing.append(spec.label.rstrip("?"))
        count = len(state.notes_of(stage.id))
        if stage.note is not None and count < stage.min_notes:
            missing.append(f"at least {stage.min_notes} {stage.note.plural if stage.min_notes > 1 else stage.note.label}"
                           f" (you have {count})")
        if stage.note is not None:
            for note in state.notes_of(stage.id):
                data = note.data
                unset = [s.label for s in stage.note.fields if s.required and data.get(s.name) in ("", None)]
                if unset:
                    title = str(data.get(stage.note.title_field) or stage.note.label)[:40]
                    missing.append(f"“{unset[0]}” for “{title}”")
                    break
        result.append((stage, "; ".join(missing)))
    return result


# -- submit, grade, comment -------------------------------------------------------------------------

def submit(attempt, exercise, user):
    """Submit once every stage is complete; raises ``DeliberationError`` listing what is missing."""
    if attempt.status != DRAFT:
        return False
    missing = [(stage, why) for stage, why in completeness(exercise, load_state(attempt)) if why]
    if missing:
        stage, why = missing[0]
        more = f" (and {len(missing) - 1} more stage{'s' if len(missing) > 2 else ''})" if len(missing) > 1 else ""
        raise DeliberationError(f"Not yet: stage {stage.number}, {stage.title}, needs {why}{more}.")
    now = utcnow()
    done = db.session.execute(sa.update(DeliberationAttempt).where(
        DeliberationAttempt.id == attempt.id, DeliberationAttempt.status == DRAFT)
        .values(status=SUBMITTED, submitted_at=now, submitted_by_id=user.id,
                revision=DeliberationAttempt.revision + 1)).rowcount
    db.session.commit()
    db.session.refresh(attempt)
    return done == 1


def grade(attempt, exercise, choices, comment, tutor):
    attempt.score = exercise.rubric_score(choices)
    attempt.rubric = {str(k): v for k, v in choices.items()}  # as JSON gives it back
    attempt.comment = clean_text(comment) or None
    attempt.graded_by_id, attempt.graded_at = tutor.id, utcnow()
    db.session.commit()


def reopen(attempt):
    """Send a submitted attempt back to its students as a draft (its grade stays until regraded)."""
    attempt.status = DRAFT
    attempt.revision = attempt.revision + 1
    db.session.commit()


def add_comment(attempt, exercise, stage_id, note_id, text, tutor):
    text = clean_text(text)
    if not text:
        raise DeliberationError("Write the comment first.", "text")
    if len(text) > 5000:
        raise DeliberationError("A comment has at most 5,000 characters.", "text")
    if exercise.stage(stage_id) is None:
        raise DeliberationError("That stage is not in this exercise.")
    if note_id is not None:
        note = note_of(attempt, note_id)
        if note.stage_id != stage_id:
            raise DeliberationError("That note is in another stage.")
    db.session.add(DeliberationComment(attempt_id=attempt.id, stage_id=stage_id, note_id=note_id,
                                       author_id=tutor.id, text=text))
    db.session.commit()


# -- a cohort's attempts ---------------------------------------------------------------------------

def attempts_in(exercise, cohort):
    return list(db.session.scalars(sa.select(DeliberationAttempt).where(
        DeliberationAttempt.exercise_uuid == exercise.uuid, DeliberationAttempt.cohort_id == cohort.id)
        .order_by(DeliberationAttempt.id)))


def attempt_for_student(user_id, exercise, cohort):
    """The attempt that counts for a student: their own, or their group's."""
    attempt = solo_attempt(user_id, exercise, cohort)
    if attempt is not None:
        return attempt
    group = group_of(user_id, exercise, cohort)
    if group is None:
        return None
    return db.session.scalar(sa.select(DeliberationAttempt).where(DeliberationAttempt.group_id == group.id))


def grades_in(cohort, exercises):
    """``{(user id, exercise uuid): attempt}`` for every student of ``cohort`` with an attempt."""
    uuids = [e.uuid for e in exercises]
    if not uuids:
        return {}
    result = {}
    attempts = db.session.scalars(sa.select(DeliberationAttempt).where(
        DeliberationAttempt.cohort_id == cohort.id, DeliberationAttempt.exercise_uuid.in_(uuids)))
    for attempt in attempts:
        for user in attempt.owners:
            result[(user.id, attempt.exercise_uuid)] = attempt
    return result
