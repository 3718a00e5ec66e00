"""Saving and reading competency self-ratings: the one place they change."""
import sqlalchemy as sa

from ..extensions import db
from ..inputs import InputError, read_int
from ..models.competency import ROUNDS, CompetencyRating
from ..models.user import utcnow

ROUND_LABELS = {"start": "At the start", "end": "At the end"}


class RatingError(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors  # {field name: message}


def field_name(competency):
    return "c-" + competency.key


def parse(framework, form):
    """``{competency key: level}`` from a form; raises ``RatingError`` naming each bad field.
    A competency left unrated is skipped (the page says which are still to do)."""
    levels, errors = {}, {}
    for competency in framework.competencies:
        try:
            level = read_int(form.get(field_name(competency)), field_name(competency), 1, len(framework.levels),
                             default=None)
        except InputError:
            errors[field_name(competency)] = f"{competency.title}: choose a level from 1 to {len(framework.levels)}."
            continue
        if level is not None:
            levels[competency.key] = level
    if errors:
        raise RatingError(errors)
    if not levels:
        raise RatingError({field_name(framework.competencies[0]): "Rate yourself on at least one competency."})
    return levels


def save(user, round_, levels):
    """Store ``user``'s ``levels`` for ``round_`` (replacing earlier ratings of those competencies)."""
    if round_ not in ROUNDS:
        raise ValueError(round_)
    existing = {r.competency: r for r in db.session.scalars(sa.select(CompetencyRating).where(
        CompetencyRating.user_id == user.id, CompetencyRating.round == round_))}
    now = utcnow()
    for key, level in levels.items():
        row = existing.get(key)
        if row is None:
            db.session.add(CompetencyRating(user_id=user.id, round=round_, competency=key, level=level, updated_at=now))
        elif row.level != level:
            row.level, row.updated_at = level, now
    db.session.commit()


def profile(user):
    """``{round: {competency key: level}}`` of ``user``."""
    result = {r: {} for r in ROUNDS}
    for row in db.session.scalars(sa.select(CompetencyRating).where(CompetencyRating.user_id == user.id)):
        result.setdefault(row.round, {})[row.competency] = row.level
    return result


def cohort_profile(framework, students):
    """Per competency and round: the mean level and how many rated it, over ``students``."""
    ids = [s.id for s in students]
    sums = {}
    if ids:
        rows = db.session.execute(sa.select(CompetencyRating.round, CompetencyRating.competency,
                                            sa.func.sum(CompetencyRating.level), sa.func.count())
                                  .where(CompetencyRating.user_id.in_(ids))
                                  .group_by(CompetencyRating.round, CompetencyRating.competency))
        sums = {(r, c): (int(total), int(n)) for r, c, total, n in rows}
    table = {}
    for competency in framework.competencies:
        table[competency.key] = {}
        for r in ROUNDS:
            total, n = sums.get((r, competency.key), (0, 0))
            table[competency.key][r] = {"mean": round(total / n, 2) if n else None, "count": n}
    raters = {r: len({u for u in db.session.scalars(sa.select(CompetencyRating.user_id).where(
        CompetencyRating.user_id.in_(ids), CompetencyRating.round == r))}) if ids else 0 for r in ROUNDS}
    return table, raters
