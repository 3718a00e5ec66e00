"""Accounts, roles and password-reset links.

Who may manage whose account (``User.can_manage_user``) is the one rule behind every password
link a tutor makes. Sessions carry the account's ``session_version`` in their user id, so
setting a password ends every other session of that person (remember-me cookies included).
"""
import enum
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


class Role(str, enum.Enum):
    STUDENT = "student"
    TUTOR = "tutor"
    ADMIN = "admin"


# Every role an account may have (the user form's choices), and the roles that see the tutors'
# pages (``@roles(*STAFF)``; inside a page, ``User.teaches`` decides which cohorts).
ROLES = tuple(role.value for role in Role)
STAFF = (Role.TUTOR.value, Role.ADMIN.value)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(16), default=Role.STUDENT.value)
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Who made the account (a tutor's class list, the admin's form); None for demo and shell accounts.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Part of the session's user id (``get_id``): bumping it signs out every session made before.
    session_version: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))

    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )
    # Invitations to cohorts waiting for this person's answer (answered ones are deleted).
    invitations: Mapped[list["Invitation"]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Invitation.user_id",
        order_by="Invitation.created_at",
    )

    def __repr__(self):
        return f"<User {self.email} {self.role}>"

    @staticmethod
    def normalise_email(email):
        return email.strip().lower()

    @validates("email")
    def _normalise(self, _key, email):
        return self.normalise_email(email)

    @classmethod
    def by_email(cls, email):
        return db.session.scalar(sa.select(cls).where(cls.email == cls.normalise_email(email)))

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        """The session's user id: ``"<id>:<session_version>"`` (see ``models.load_user``)."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_tutor(self):
        return self.role in STAFF

    @property
    def is_admin(self):
        return self.role == Role.ADMIN.value

    def set_password(self, password):
        """Set the password and end every session made with the old one.

        The session version goes up, so every signed-in browser and "keep me signed in" cookie
        of this person stops working; unused password links stop working too. A view that
        wants its own session to stay signed in signs in again (``login_user``) afterwards.
        """
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)
        self.session_version = (self.session_version or 0) + 1
        if self.id is not None:
            db.session.execute(
                sa.update(PasswordReset)
                .where(PasswordReset.user_id == self.id, PasswordReset.used_at.is_(None))
                .values(used_at=utcnow())
            )

    def check_password(self, password):
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def cohorts(self, as_role=None):
        """Cohorts this user belongs to, optionally only those where they have ``as_role``."""
        return [m.cohort for m in self.memberships if as_role is None or m.role == as_role]

    def teaches(self, cohort):
        """True if this user may manage ``cohort``: its tutor, or an admin."""
        if self.is_admin:
            return True
        return self.is_tutor and any(
            m.cohort_id == cohort.id and m.role == Role.TUTOR.value for m in self.memberships
        )

    def can_manage_user(self, other):
        """True if this user may make password links for ``other`` (manage their account).

        Admins manage everyone. A tutor manages a student only if they teach EVERY cohort the
        student is in, or made the account themselves and nobody has signed in with it yet:
        a tutor who shares one student with another cohort cannot take over that student's
        account. A student in no cohort is the admins' (or, until first sign-in, the creator's).
        """
        if self.is_admin:
            return True
        if not self.is_tutor or other.role != Role.STUDENT.value:
            return False
        if other.created_by_id == self.id and other.last_login_at is None:
            return True
        cohorts = other.cohorts()
        return bool(cohorts) and all(self.teaches(c) for c in cohorts)

    def tutors_student(self, other):
        """True if this user is an admin or tutors a cohort ``other`` studies in: who may read
        a student's work (not manage their account, see ``can_manage_user``)."""
        if self.is_admin:
            return True
        return self.is_tutor and any(self.teaches(c) for c in other.cohorts(Role.STUDENT.value))


class PasswordReset(db.Model):
    """A single-use link to set a password. Only the token's hash is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, created_by=None, hours=72):
        """Create a reset for ``user``; returns ``(reset, token)``. The token is shown once."""
        token = secrets.token_urlsafe(32)
        reset = cls(
            user=user,
            token_hash=cls.hash_token(token),
            created_by_id=created_by.id if created_by else None,
            expires_at=utcnow() + timedelta(hours=hours),
        )
        db.session.add(reset)
        return reset, token

    @classmethod
    def find_valid(cls, token):
        reset = db.session.scalar(sa.select(cls).where(cls.token_hash == cls.hash_token(token)))
        if reset is None or reset.used_at is not None or reset.expires_at < utcnow():
            return None
        return reset
