"""Deliberation exercises: attempts (one per student, or one per group), their answers and notes,
dot votes, tutors' comments, groups, per-cohort settings, and the opinion map's statements.

An exercise itself lives in a file (``course/…/<key>.deliberation.yaml``); rows refer to it by
its ``uuid``. Every change to an attempt takes the next ``revision`` number of that attempt,
so a browser asks for "everything after revision N" to see what others in its group did.
Answers, note values and rubric choices are JSON columns: a change is a new value assigned,
never a dict changed in place.
"""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cohort import Cohort
from .user import User, utcnow

DRAFT = "draft"
SUBMITTED = "submitted"


class DeliberationSetting(db.Model):
    """A tutor's choices for one exercise in one cohort; the file's values until changed."""

    __tablename__ = "deliberation_settings"
    __table_args__ = (sa.UniqueConstraint("exercise_uuid", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_uuid: Mapped[str] = mapped_column(sa.String(36))
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(sa.String(16))  # solo | group
    visibility: Mapped[str] = mapped_column(sa.String(16))  # named | pseudonymous | anonymous
    self_select: Mapped[bool] = mapped_column(default=False)  # students may choose their group


class DeliberationGroup(db.Model):
    __tablename__ = "deliberation_groups"
    __table_args__ = (sa.UniqueConstraint("exercise_uuid", "cohort_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_uuid: Mapped[str] = mapped_column(sa.String(36), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    members: Mapped[list["DeliberationGroupMember"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="DeliberationGroupMember.id")

    @property
    def users(self):
        return [m.user for m in self.members]


class DeliberationGroupMember(db.Model):
    __tablename__ = "deliberation_group_members"
    # A student is in at most one group of an exercise in a cohort.
    __table_args__ = (sa.UniqueConstraint("exercise_uuid", "cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("deliberation_groups.id", ondelete="CASCADE"), index=True)
    exercise_uuid: Mapped[str] = mapped_column(sa.String(36))
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)

    group: Mapped[DeliberationGroup] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class DeliberationAttempt(db.Model):
    """A student's own attempt (``user_id``) or a group's shared one (``group_id``)."""

    __tablename__ = "deliberation_attempts"
    __table_args__ = (sa.UniqueConstraint("exercise_uuid", "cohort_id", "user_id"),
                      sa.UniqueConstraint("group_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_uuid: Mapped[str] = mapped_column(sa.String(36), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deliberation_groups.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(16), default=DRAFT)
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[float | None]  # 0..1 from the rubric; None until graded
    rubric: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))  # {"criterion index": level index}
    comment: Mapped[str | None] = mapped_column(sa.Text)  # the tutor's overall comment
    graded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    group: Mapped[DeliberationGroup | None] = relationship()
    cohort: Mapped[Cohort] = relationship()
    graded_by: Mapped[User | None] = relationship(foreign_keys=[graded_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    @property
    def is_draft(self):
        return self.status == DRAFT

    @property
    def is_group(self):
        return self.group_id is not None

    @property
    def rubric_choices(self):
        return {int(k): v for k, v in self.rubric.items()} if self.rubric else {}

    @property
    def owners(self):
        """The students whose attempt this is."""
        return self.group.users if self.group is not None else [self.user]

    @property
    def owner_label(self):
        return self.group.name if self.group is not None else self.user.name


class DeliberationField(db.Model):
    """One shared answer of a stage (the recommendation, a score...), last write wins."""

    __tablename__ = "deliberation_fields"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "stage_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("deliberation_attempts.id", ondelete="CASCADE"),
                                            index=True)
    stage_id: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[Any] = mapped_column(sa.JSON)  # text, a number, a list... (JSON null if none)
    revision: Mapped[int] = mapped_column(default=0)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def data(self):
        return self.value


class DeliberationNote(db.Model):
    """One item of a stage: a consequence, a stakeholder, an option, a mitigation..."""

    __tablename__ = "deliberation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("deliberation_attempts.id", ondelete="CASCADE"),
                                            index=True)
    stage_id: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(24))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    values: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {field: value}
    revision: Mapped[int] = mapped_column(default=0)
    deleted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()

    @property
    def data(self):
        return self.values or {}


class DeliberationDot(db.Model):
    """A participant's dots on one note in a prioritise stage."""

    __tablename__ = "deliberation_dots"
    __table_args__ = (sa.UniqueConstraint("note_id", "user_id", "stage_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("deliberation_attempts.id", ondelete="CASCADE"),
                                            index=True)
    stage_id: Mapped[str] = mapped_column(sa.String(40))
    note_id: Mapped[int] = mapped_column(sa.ForeignKey("deliberation_notes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(default=0)


class DeliberationComment(db.Model):
    """A tutor's comment on an attempt's stage or on one of its notes."""

    __tablename__ = "deliberation_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("deliberation_attempts.id", ondelete="CASCADE"),
                                            index=True)
    stage_id: Mapped[str] = mapped_column(sa.String(40))
    note_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deliberation_notes.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class DeliberationStatement(db.Model):
    """A statement on an exercise's opinion map in one cohort: from the file or a student."""

    __tablename__ = "deliberation_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_uuid: Mapped[str] = mapped_column(sa.String(36), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[str] = mapped_column(sa.String(40))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)
    seeded: Mapped[bool] = mapped_column(default=False)  # from the exercise file
    hidden: Mapped[bool] = mapped_column(default=False)  # moderated away by a tutor
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class DeliberationVote(db.Model):
    """Agree (1), disagree (-1) or pass (0) on a statement; one per person, changeable."""

    __tablename__ = "deliberation_votes"
    __table_args__ = (sa.UniqueConstraint("statement_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("deliberation_statements.id", ondelete="CASCADE"),
                                              index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
