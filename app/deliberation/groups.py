"""A deliberation exercise in one cohort: the tutor's settings, the groups, and how people are
named to each other (named, pseudonymous or anonymous)."""
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from ..content import current_course
from ..extensions import db
from ..inputs import clean_text
from ..models import DeliberationAttempt, DeliberationGroup, DeliberationGroupMember, DeliberationSetting, Role
from .errors import DeliberationError


@dataclass
class Settings:
    mode: str
    visibility: str
    self_select: bool


def settings_for(exercise, cohort):
    row = db.session.scalar(sa.select(DeliberationSetting).where(
        DeliberationSetting.exercise_uuid == exercise.uuid, DeliberationSetting.cohort_id == cohort.id))
    if row is None:
        return Settings(exercise.mode, exercise.visibility, False)
    return Settings(row.mode, row.visibility, row.self_select)


def save_settings(exercise, cohort, mode, visibility, self_select):
    """Change a cohort's settings; the mode only while nobody has started."""
    current = settings_for(exercise, cohort)
    started = db.session.scalar(sa.select(DeliberationAttempt.id).where(
        DeliberationAttempt.exercise_uuid == exercise.uuid, DeliberationAttempt.cohort_id == cohort.id).limit(1))
    if mode != current.mode and started is not None:
        raise DeliberationError("The mode cannot change once students have started.", "mode")
    row = db.session.scalar(sa.select(DeliberationSetting).where(
        DeliberationSetting.exercise_uuid == exercise.uuid, DeliberationSetting.cohort_id == cohort.id))
    if row is None:
        row = DeliberationSetting(exercise_uuid=exercise.uuid, cohort_id=cohort.id)
        db.session.add(row)
    row.mode, row.visibility, row.self_select = mode, visibility, self_select
    db.session.commit()


def student_cohort(user, exercise):
    """The first of ``user``'s cohorts (as a student) whose level includes the exercise's module."""
    if not user.is_authenticated or exercise.module is None:
        return None
    course = current_course()
    for membership in sorted(user.memberships, key=lambda m: m.cohort_id):
        if membership.role != Role.STUDENT.value:
            continue
        if exercise.module in course.modules_for_levels([membership.cohort.level_id]):
            return membership.cohort
    return None


def groups_of(exercise, cohort):
    return list(db.session.scalars(sa.select(DeliberationGroup).where(
        DeliberationGroup.exercise_uuid == exercise.uuid, DeliberationGroup.cohort_id == cohort.id)
        .order_by(DeliberationGroup.id)))


def group_of(user_id, exercise, cohort):
    member = db.session.scalar(sa.select(DeliberationGroupMember).where(
        DeliberationGroupMember.exercise_uuid == exercise.uuid, DeliberationGroupMember.cohort_id == cohort.id,
        DeliberationGroupMember.user_id == user_id))
    return member.group if member is not None else None


def add_group(exercise, cohort, name):
    name = clean_text(name, one_line=True)
    if not name:
        raise DeliberationError("Give the group a name.", "name")
    if len(name) > 80:
        raise DeliberationError("A group name has at most 80 characters.", "name")
    if any(g.name == name for g in groups_of(exercise, cohort)):
        raise DeliberationError(f"There is already a group called “{name}”.", "name")
    group = DeliberationGroup(exercise_uuid=exercise.uuid, cohort_id=cohort.id, name=name)
    db.session.add(group)
    db.session.commit()
    return group


def place_in_group(user, group):
    """Put ``user`` in ``group`` (moving them out of another group of the same exercise)."""
    member = db.session.scalar(sa.select(DeliberationGroupMember).where(
        DeliberationGroupMember.exercise_uuid == group.exercise_uuid,
        DeliberationGroupMember.cohort_id == group.cohort_id, DeliberationGroupMember.user_id == user.id))
    if member is None:
        db.session.add(DeliberationGroupMember(group=group, exercise_uuid=group.exercise_uuid,
                                               cohort_id=group.cohort_id, user_id=user.id))
    else:
        member.group = group
    db.session.commit()


def remove_from_groups(user, exercise, cohort):
    db.session.execute(sa.delete(DeliberationGroupMember).where(
        DeliberationGroupMember.exercise_uuid == exercise.uuid, DeliberationGroupMember.cohort_id == cohort.id,
        DeliberationGroupMember.user_id == user.id))
    db.session.commit()


def make_groups(exercise, cohort, size):
    """Put every student of ``cohort`` not yet in a group into new groups of about ``size``."""
    taken = {m.user_id for g in groups_of(exercise, cohort) for m in g.members}
    waiting = [u for u in cohort.students if u.id not in taken]
    if not waiting:
        return []
    count = max(1, round(len(waiting) / max(size, 1)))
    names = {g.name for g in groups_of(exercise, cohort)}
    free = (f"Table {n}" for n in range(1, len(names) + count + 2) if f"Table {n}" not in names)
    made = []
    for _ in range(count):
        name = next(free)
        group = DeliberationGroup(exercise_uuid=exercise.uuid, cohort_id=cohort.id, name=name)
        db.session.add(group)
        made.append(group)
    for index, user in enumerate(waiting):
        group = made[index % count]
        group.members.append(DeliberationGroupMember(exercise_uuid=exercise.uuid, cohort_id=cohort.id,
                                                     user_id=user.id))
    db.session.commit()
    return made


def delete_group(group):
    """Delete a group that has no attempt yet; its members are then in no group."""
    if db.session.scalar(sa.select(DeliberationAttempt.id).where(DeliberationAttempt.group_id == group.id)):
        raise DeliberationError(f"“{group.name}” has started the exercise, so it cannot be deleted.")
    db.session.delete(group)
    db.session.commit()



# -- names under the cohort's visibility ------------------------------------------------------------

ADJECTIVES = ("Amber", "Azure", "Coral", "Cobalt", "Copper", "Crimson", "Golden", "Jade", "Indigo", "Ivory",
              "Olive", "Silver", "Scarlet", "Teal", "Violet", "Russet")
ANIMALS = ("Heron", "Otter", "Badger", "Kestrel", "Hare", "Wren", "Fox", "Owl", "Swift", "Newt", "Lynx",
           "Finch", "Marten", "Plover", "Stoat", "Robin")


def pseudonym(user_id, exercise_uuid):
    """A stable made-up name for a person in one exercise, e.g. "Teal Kestrel"."""
    digest = hashlib.sha256(f"{exercise_uuid}:{user_id}".encode()).digest()
    return f"{ADJECTIVES[digest[0] % len(ADJECTIVES)]} {ANIMALS[digest[1] % len(ANIMALS)]}"


def shown_name(user, exercise_uuid, visibility, viewer):
    """How ``user`` is named to ``viewer``: tutors and the person themself always see the real name."""
    if user is None:
        return "From the exercise"
    if viewer is not None and (viewer.id == user.id or viewer.is_tutor):
        return user.name if viewer.id != user.id else f"{user.name} (you)"
    if visibility == "named":
        return user.name
    if visibility == "pseudonymous":
        return pseudonym(user.id, exercise_uuid)
    return "A participant"
