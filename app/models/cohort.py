"""Cohorts: a group of students studying one programme level, with its tutors."""
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
