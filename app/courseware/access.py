"""What a page needs to know about its reader: which modules they may read, which units they
have completed. Loaded once per request, in one query, and kept in ``g``."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g
from flask_login import current_user

from ..content import current_course
from ..extensions import db
from ..models import Cohort, Membership, Role, UnitCompletion


@dataclass(frozen=True)
class Reader:
    readable: frozenset  # slugs of the modules the reader may open
    completed: frozenset  # uuids of the units the reader has completed


NOBODY = Reader(frozenset(), frozenset())


def current_reader():
    """The current user's ``Reader``, loaded on first use in a request."""
    if "reader" not in g:
        g.reader = load_reader(current_user)
    return g.reader


def load_reader(user):
    """Tutors and admins read every module; students those of their cohorts' levels."""
    if not user.is_authenticated:
        return NOBODY
    course = current_course()
    completed = sa.select(sa.literal("unit"), UnitCompletion.unit_uuid).where(UnitCompletion.user_id == user.id)
    levels = (
        sa.select(sa.literal("level"), Cohort.level_id)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user.id, Membership.role == Role.STUDENT.value)
    )
    rows = db.session.execute(completed if user.is_tutor else sa.union_all(completed, levels)).all()
    done = frozenset(value for kind, value in rows if kind == "unit")
    if user.is_tutor:
        return Reader(frozenset(m.slug for m in course.modules), done)
    level_ids = {value for kind, value in rows if kind == "level"}
    return Reader(frozenset(m.slug for m in course.modules_for_levels(level_ids)), done)


def readable_module_slugs():
    return current_reader().readable


def can_read_module(module):
    return module.slug in current_reader().readable
