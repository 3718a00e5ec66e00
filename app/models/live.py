"""Live workshop sessions: a room's participants at tables, the activities the tutor runs, what
participants post, and the log of events every screen in the room follows.

Every change is stored, then written to ``live_events`` in the same transaction: a phone or the
projector that reconnects asks for the events after the last one it saw, so a dropped
connection or a server restart loses nothing. Settings, answers and event payloads are JSON
columns: a change is a new value assigned, never a dict changed in place.
"""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cohort import Cohort
from .user import User, utcnow

OPEN = "open"
CLOSED = "closed"


class LiveSession(db.Model):
    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(12), unique=True)  # what people type to join
    title: Mapped[str] = mapped_column(sa.String(160))
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    names_required: Mapped[bool] = mapped_column(default=False)  # False: guests may join with a nickname
    tables_chosen: Mapped[bool] = mapped_column(default=True)  # participants pick their table
    status: Mapped[str] = mapped_column(sa.String(16), default=OPEN)
    live_activity_id: Mapped[int | None]  # the activity on everyone's screen (no FK: avoids a cycle)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort | None] = relationship()
    owner: Mapped[User | None] = relationship()
    tables: Mapped[list["LiveTable"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="LiveTable.position")
    activities: Mapped[list["LiveActivity"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="LiveActivity.position")

    @property
    def is_open(self):
        return self.status == OPEN


class LiveTable(db.Model):
    __tablename__ = "live_tables"
    __table_args__ = (sa.UniqueConstraint("session_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[LiveSession] = relationship(back_populates="tables")


class LiveParticipant(db.Model):
    """Someone in the room: an account holder, or a guest known by a nickname and a cookie token."""

    __tablename__ = "live_participants"
    __table_args__ = (sa.UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # guests: sha256 of their token
    nickname: Mapped[str] = mapped_column(sa.String(40))
    table_id: Mapped[int | None] = mapped_column(sa.ForeignKey("live_tables.id", ondelete="SET NULL"))
    removed: Mapped[bool] = mapped_column(default=False)  # taken out by the tutor
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
    table: Mapped[LiveTable | None] = relationship()


class LiveActivity(db.Model):
    __tablename__ = "live_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(24))  # board | poll | ... (registered in app/live/kinds/)
    title: Mapped[str] = mapped_column(sa.String(200))
    config: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # the prompt, options, minutes...
    results_hidden: Mapped[bool] = mapped_column(default=False)  # until the tutor reveals them
    timer_ends_at: Mapped[datetime | None]

    session: Mapped[LiveSession] = relationship(back_populates="activities")

    @property
    def settings(self):
        """A copy of ``config``: change it, then assign it back."""
        return dict(self.config or {})


class LivePost(db.Model):
    """A participant's contribution to an activity: a sticky note, an answer, a vote."""

    __tablename__ = "live_posts"
    # The same idempotency key from the same participant is the same post, however often it is sent.
    __table_args__ = (sa.UniqueConstraint("participant_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("live_activities.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("live_participants.id", ondelete="CASCADE"))
    table_id: Mapped[int | None] = mapped_column(sa.ForeignKey("live_tables.id", ondelete="SET NULL"))
    idempotency_key: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    value: Mapped[Any] = mapped_column(sa.JSON, default=sa.JSON.NULL)  # a poll's choices, a ranking... (or null)
    colour: Mapped[str] = mapped_column(sa.String(16), default="yellow")
    theme: Mapped[str | None] = mapped_column(sa.String(80))  # the tutor's cluster on a board
    hidden: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool] = mapped_column(default=False)
    # merged by the tutor into another note (this one is then hidden; its dots count there)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("live_posts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    participant: Mapped[LiveParticipant] = relationship()
    table: Mapped[LiveTable | None] = relationship()

    merged_total = 0  # not stored: how many notes are merged into this one (``service.posts_of`` sets it)

    @property
    def answer(self):
        return self.value


class LiveVote(db.Model):
    """A participant's dots on a note, or their upvote on a question (count 1)."""

    __tablename__ = "live_votes"
    __table_args__ = (sa.UniqueConstraint("post_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("live_posts.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("live_participants.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("live_activities.id", ondelete="CASCADE"), index=True)
    count: Mapped[int] = mapped_column(default=1)


class LiveEvent(db.Model):
    """One thing that happened in a session, in order; screens replay the ones they missed."""

    __tablename__ = "live_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(sa.String(32))
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def data(self):
        return self.payload or {}
