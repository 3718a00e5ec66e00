"""Quiz attempts, answers, and what tutors change: essay grades, overrides, extensions.

A quiz itself lives in a file (``course/…/<key>.quiz.yaml``); rows refer to it by its ``uuid``
so renaming or moving the file loses nothing. An attempt keeps every answer as the student last
saved it, so a closed tab, an expired session or a restart loses no work. Drafts, responses and
rubric choices are JSON columns: a change is a new value assigned, never a dict changed in place.
"""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .user import User, utcnow

OPEN = "open"
SUBMITTED = "submitted"


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (sa.UniqueConstraint("user_id", "quiz_uuid", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_uuid: Mapped[str] = mapped_column(sa.String(36), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1 for the first attempt
    seed: Mapped[int]  # picks this attempt's variant (question order, values, option order)
    status: Mapped[str] = mapped_column(sa.String(16), default=OPEN)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None]  # time limit or closing time, whichever is first
    saved_at: Mapped[datetime | None]  # last autosave of ``drafts``
    drafts: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {question id: response}
    submitted_at: Mapped[datetime | None]
    auto_submitted: Mapped[bool] = mapped_column(default=False)  # closed by its deadline
    raw_score: Mapped[float | None]  # 0..1 of the points, before penalties; None: essays wait
    penalty: Mapped[float] = mapped_column(default=0.0)  # share lost to attempt and late penalties
    score: Mapped[float | None]  # 0..1 after penalties

    user: Mapped[User] = relationship()
    answers: Mapped[list["QuizAnswer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="QuizAnswer.id"
    )

    @property
    def is_open(self):
        return self.status == OPEN

    @property
    def draft_responses(self):
        return self.drafts or {}

    def answer_for(self, question_id):
        return next((a for a in self.answers if a.question_id == question_id), None)

    @property
    def waiting_for_tutor(self):
        return self.status == SUBMITTED and any(a.score is None for a in self.answers)


class QuizAnswer(db.Model):
    """One question's answer in a submitted attempt, with its grade."""

    __tablename__ = "quiz_answers"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(sa.String(80))
    response: Mapped[Any] = mapped_column(sa.JSON)  # as parsed from the form
    summary: Mapped[str] = mapped_column(sa.String(200), default="")  # short text for analytics
    score: Mapped[float | None]  # 0..1 of the question's points; None: waiting for a tutor
    points: Mapped[float] = mapped_column(default=1.0)
    feedback: Mapped[str] = mapped_column(sa.Text, default="")  # HTML made by the grader
    rubric: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))  # {"criterion index": level index}
    comment: Mapped[str | None] = mapped_column(sa.Text)  # the tutor's, plain text
    graded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None]

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
    graded_by: Mapped[User | None] = relationship(foreign_keys=[graded_by_id])

    @property
    def value(self):
        return self.response

    @property
    def rubric_choices(self):
        return {int(k): v for k, v in self.rubric.items()} if self.rubric else {}


class GradeOverride(db.Model):
    """A tutor's grade for one student's quiz, replacing the computed one, with a reason."""

    __tablename__ = "grade_overrides"
    __table_args__ = (sa.UniqueConstraint("user_id", "quiz_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_uuid: Mapped[str] = mapped_column(sa.String(36))
    score: Mapped[float]  # 0..1
    reason: Mapped[str] = mapped_column(sa.Text)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    by: Mapped[User | None] = relationship(foreign_keys=[by_id])


class DueExtension(db.Model):
    """A later due time for one student on one quiz."""

    __tablename__ = "due_extensions"
    __table_args__ = (sa.UniqueConstraint("user_id", "quiz_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_uuid: Mapped[str] = mapped_column(sa.String(36))
    due: Mapped[datetime]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
