"""Unit completion, keyed by the unit's stable uuid so renaming a file loses nothing."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .user import utcnow


class UnitCompletion(db.Model):
    __tablename__ = "unit_completions"
    __table_args__ = (sa.UniqueConstraint("user_id", "unit_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_uuid: Mapped[str] = mapped_column(sa.String(36), index=True)
    source: Mapped[str] = mapped_column(sa.String(32), default="manual")
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def completed_uuids(cls, user_ids):
        """``{user_id: {unit_uuid, ...}}`` for the given users, in one query."""
        result = {uid: set() for uid in user_ids}
        if not result:
            return result
        rows = db.session.execute(
            sa.select(cls.user_id, cls.unit_uuid).where(cls.user_id.in_(list(result)))
        )
        for user_id, unit_uuid in rows:
            result[user_id].add(unit_uuid)
        return result

    @classmethod
    def mark(cls, user, unit_uuid, done=True, source="manual"):
        """Mark or unmark a unit complete for ``user``; idempotent."""
        existing = db.session.scalar(
            sa.select(cls).where(cls.user_id == user.id, cls.unit_uuid == unit_uuid)
        )
        if done and existing is None:
            db.session.add(cls(user_id=user.id, unit_uuid=unit_uuid, source=source))
        elif not done and existing is not None:
            db.session.delete(existing)
