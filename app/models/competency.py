"""A student's self-ratings against the competency framework (``course/competencies.yaml``),
once at the start of the programme and again at the end, so they can see how they moved."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .user import utcnow

ROUNDS = ("start", "end")


class CompetencyRating(db.Model):
    __tablename__ = "competency_ratings"
    __table_args__ = (sa.UniqueConstraint("user_id", "round", "competency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    round: Mapped[str] = mapped_column(sa.String(8))  # "start" | "end"
    competency: Mapped[str] = mapped_column(sa.String(120))  # "<dimension>.<competency>"
    level: Mapped[int]  # 1 to 5
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
