"""Cohorts: a group of students studying one programme level, with its tutors.

An account that exists already joins a cohort only by accepting an ``Invitation``: being
enrolled shows a person's work to the cohort's tutors, so nobody is enrolled without asking
(except by an admin). Only invitations still waiting for an answer are stored.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .user import Role, User, utcnow


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    level_id: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )
    invitations: Mapped[list["Invitation"]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="Invitation.created_at"
    )

    def members(self, role=Role.STUDENT.value):
        return sorted(
            (m.user for m in self.memberships if m.role == role), key=lambda u: u.name.lower()
        )

    @property
    def students(self):
        return self.members(Role.STUDENT.value)

    @property
    def tutors(self):
        return self.members(Role.TUTOR.value)

    def membership_of(self, user):
        return next((m for m in self.memberships if m.user_id == user.id), None)

    def enrol(self, user, role=Role.STUDENT.value):
        """Add ``user`` with ``role``; returns False if they were already a member."""
        if self.membership_of(user) is not None:
            return False
        self.memberships.append(Membership(user=user, role=role))
        return True

    def invitation_of(self, user):
        return next((i for i in self.invitations if i.user_id == user.id), None)

    def invite(self, user, invited_by):
        """Invite ``user`` to join as a student; returns ``(invitation, new)``.

        An invitation already waiting is returned as it is (``new`` False), so uploading a
        class list again invites nobody twice. Members are not invited: ``(None, False)``.
        """
        if self.membership_of(user) is not None:
            return None, False
        waiting = self.invitation_of(user)
        if waiting is not None:
            return waiting, False
        invitation = Invitation(user=user, invited_by=invited_by)
        self.invitations.append(invitation)
        return invitation, True


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16), default=Role.STUDENT.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class Invitation(db.Model):
    """A waiting invitation for an existing account to join a cohort as a student."""

    __tablename__ = "invitations"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="invitations")
    user: Mapped[User] = relationship(back_populates="invitations", foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def accept(self):
        """Enrol the invited person as a student of the cohort; the invitation is used up."""
        cohort = self.cohort
        cohort.enrol(self.user)
        db.session.delete(self)
        return cohort
