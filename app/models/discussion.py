"""Cohort discussions: topics a tutor or student starts in a cohort, and the replies to them.

A topic may come from a live session (a board's notes carried into the cohort afterwards):
``live_activity_id`` names the activity it was made from. Text is stored as the person typed it
and always shown escaped (never as Markdown or HTML).
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cohort import Cohort
from .user import User, utcnow


class DiscussionTopic(db.Model):
    __tablename__ = "discussion_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    live_activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_activities.id", ondelete="SET NULL"), index=True)
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)  # no new replies
    hidden: Mapped[bool] = mapped_column(default=False)  # hidden from students by a tutor
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    author: Mapped[User | None] = relationship()
    posts: Mapped[list["DiscussionPost"]] = relationship(
        back_populates="topic", cascade="all, delete-orphan", order_by="DiscussionPost.id")


class DiscussionPost(db.Model):
    """A reply in a topic; ``parent_id`` makes it an answer to another reply."""

    __tablename__ = "discussion_posts"
    # a reply resent after a dropped connection carries the same key: stored once
    __table_args__ = (sa.UniqueConstraint("author_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("discussion_topics.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("discussion_posts.id", ondelete="SET NULL"))
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    topic: Mapped[DiscussionTopic] = relationship(back_populates="posts")
    author: Mapped[User | None] = relationship()
