"""Saved simulation runs and tutors' own city datasets.

A ``SavedScenario`` keeps what the learner chose (parameters, dataset) and what the *server*
computed from it, so a figure quoted later can always be traced to a run the server made.
Results and payloads are JSON columns, read and replaced whole and never queried inside: a change
is a new value assigned (SQLAlchemy does not see a dict or list changed in place).
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cohort import Cohort
from .user import User, utcnow


class SavedScenario(db.Model):
    __tablename__ = "saved_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scenario: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(120))
    params: Mapped[dict] = mapped_column(sa.JSON)  # the resolved parameters (complete, reproducible)
    dataset_key: Mapped[str] = mapped_column(sa.String(40))  # "cambridge-2011", "synthetic-N", "city:<id>"
    unit_uuid: Mapped[str | None] = mapped_column(sa.String(36))
    model_version: Mapped[str] = mapped_column(sa.String(120))
    data_version: Mapped[str] = mapped_column(sa.String(120))
    summary: Mapped[list] = mapped_column(sa.JSON)  # the server's summary list
    browser_summary: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))  # what the browser reported
    verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

    @property
    def parameters(self):
        return self.params

    @property
    def figures(self):
        """The server's headline figures: ``[{key, label, value, unit, baseline}]``.

        Rows saved before results were checked held NaN or Infinity: those figures read as None
        (shown as unavailable; revision 7c3e9a41b2d5 stored them as null, ``extensions.load_json``
        reads any left), so one old row cannot break a page or a JSON list."""
        return self.summary

    @property
    def browser_report(self):
        """``{model_version, data_version, summary}`` as the browser sent it, or None."""
        return self.browser_summary

    def as_result(self):
        """The stored figures in the shape ``sims.api.same_result`` compares."""
        return {"model_version": self.model_version, "data_version": self.data_version, "summary": self.figures}

    @classmethod
    def count_for(cls, user):
        return db.session.scalar(sa.select(sa.func.count()).select_from(cls).where(cls.user_id == user.id))


class CityDataset(db.Model):
    """A tutor's own city (zones, flows, optional boundaries) for their cohorts' simulations."""

    __tablename__ = "city_datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Which cohort may use it; None means every cohort the owner tutors.
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict] = mapped_column(sa.JSON)  # sims.dataset.Dataset.to_dict()
    version: Mapped[str] = mapped_column(sa.String(120))
    zone_count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = relationship()
    cohort: Mapped[Cohort | None] = relationship()

    @property
    def key(self):
        """How a saved scenario names this dataset."""
        return f"city:{self.id}"

    @property
    def data(self):
        return self.payload
