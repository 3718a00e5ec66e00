"""The opinion map's statements and votes in one cohort (the map itself: ``opinion_map``)."""
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..inputs import clean_text
from ..models import DeliberationStatement, DeliberationVote
from .errors import DeliberationError
from .exercise_file import MAX_STATEMENT


def statements(exercise, stage, cohort, include_hidden=False):
    """The stage's statements in ``cohort``, seeding the file's ones on first use."""
    query = sa.select(DeliberationStatement).where(
        DeliberationStatement.exercise_uuid == exercise.uuid, DeliberationStatement.cohort_id == cohort.id,
        DeliberationStatement.stage_id == stage.id).order_by(DeliberationStatement.id)
    rows = list(db.session.scalars(query))
    if not any(r.seeded for r in rows) and stage.statements:
        for text in stage.statements:
            db.session.add(DeliberationStatement(exercise_uuid=exercise.uuid, cohort_id=cohort.id, stage_id=stage.id,
                                                 text=text, seeded=True))
        db.session.commit()
        rows = list(db.session.scalars(query))
    return rows if include_hidden else [r for r in rows if not r.hidden]


def add_statement(exercise, stage, cohort, text, user):
    if not stage.allow_statements:
        raise DeliberationError("This exercise does not take new statements.", "text")
    text = clean_text(text)
    if not text:
        raise DeliberationError("Write the statement first.", "text")
    if len(text) > MAX_STATEMENT:
        raise DeliberationError(f"A statement has at most {MAX_STATEMENT} characters.", "text")
    mine = db.session.scalar(sa.select(sa.func.count()).select_from(DeliberationStatement).where(
        DeliberationStatement.exercise_uuid == exercise.uuid, DeliberationStatement.cohort_id == cohort.id,
        DeliberationStatement.author_id == user.id))
    if mine >= 10:
        raise DeliberationError("You have added 10 statements, the most one person can add.", "text")
    statement = DeliberationStatement(exercise_uuid=exercise.uuid, cohort_id=cohort.id, stage_id=stage.id,
                                      text=text, author_id=user.id)
    db.session.add(statement)
    db.session.commit()
    return statement


def vote(statement, user, value):
    if value not in (-1, 0, 1):
        raise DeliberationError("A vote is agree, disagree or pass.", "vote")
    row = db.session.scalar(sa.select(DeliberationVote).where(
        DeliberationVote.statement_id == statement.id, DeliberationVote.user_id == user.id))
    if row is None:
        db.session.add(DeliberationVote(statement_id=statement.id, user_id=user.id, value=value))
    else:
        row.value = value
    try:
        db.session.commit()
    except IntegrityError:  # the same vote sent twice at once
        db.session.rollback()
        return vote(statement, user, value)


def my_votes(exercise, cohort, user):
    rows = db.session.execute(sa.select(DeliberationVote.statement_id, DeliberationVote.value)
                              .join(DeliberationStatement).where(
        DeliberationStatement.exercise_uuid == exercise.uuid, DeliberationStatement.cohort_id == cohort.id,
        DeliberationVote.user_id == user.id))
    return dict(rows.all())


def vote_table(exercise, cohort):
    """``{user id: {statement id: vote}}`` over the visible statements, for the opinion map."""
    rows = db.session.execute(sa.select(DeliberationVote.user_id, DeliberationVote.statement_id,
                                        DeliberationVote.value).join(DeliberationStatement).where(
        DeliberationStatement.exercise_uuid == exercise.uuid, DeliberationStatement.cohort_id == cohort.id,
        DeliberationStatement.hidden.is_(False)))
    table = {}
    for user_id, statement_id, value in rows:
        table.setdefault(user_id, {})[statement_id] = value
    return table


def set_statement_hidden(statement, hidden):
    """Hide a statement from the cohort (and from the opinion map), or show it again."""
    statement.hidden = bool(hidden)
    db.session.commit()
