"""JSON columns: the JSON kept in text columns becomes SQLAlchemy's JSON type

Thirteen columns (quiz drafts, answers and rubrics; deliberation rubrics, answers and notes; live
settings, answers and events; saved scenarios' parameters and figures; city datasets) held JSON
as text that every reader parsed by hand. On PostgreSQL they become ``json`` (``USING
col::json``), not ``jsonb``: the values are read and replaced whole and never queried inside,
and ``json`` keeps each value as written, key order included (``jsonb`` sorts keys, which would
reorder a plan's exported settings, and refuses some strings ``json`` takes). On SQLite the
table is copied in batch mode into a column declared ``JSON``; the text is the same.

First, rows that are not standard JSON become what the old code read them as, so that the cast
cannot fail and every reader gets the same value as before: an empty text becomes the column's
empty value (``{}``, ``null``, or NULL where the old reader read "nothing"), and NaN or Infinity
(figures saved before results were checked; PostgreSQL's ``json`` refuses them) become null,
which the figures already read as "unavailable". The downgrade turns the columns back into text
holding each value's JSON.

Revision ID: 7c3e9a41b2d5
Revises: 60d4b20dec84
Create Date: 2026-12-07 15:30:00.000000

"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c3e9a41b2d5'
down_revision = '60d4b20dec84'
branch_labels = None
depends_on = None

KEEP = object()  # the old reader failed on an empty text: there is no such row to mend
NULL = None  # SQL NULL
# table: [(column, nullable, what the old reader made of an empty text)]
COLUMNS = {
    'city_datasets': [('payload', False, KEEP)],
    'saved_scenarios': [('params', False, KEEP), ('summary', False, KEEP), ('browser_summary', True, NULL)],
    'quiz_attempts': [('drafts', False, '{}')],
    'quiz_answers': [('response', False, KEEP), ('rubric', True, NULL)],
    'deliberation_attempts': [('rubric', True, NULL)],
    'deliberation_fields': [('value', False, KEEP)],
    'deliberation_notes': [('values', False, '{}')],
    'live_activities': [('config', False, '{}')],
    'live_posts': [('value', False, 'null')],
    'live_events': [('payload', False, '{}')],
}


def _standard(text, empty):
    """The standard JSON text for ``text``, or KEEP when it already is (or cannot be mended)."""
    if not text.strip():
        return empty
    constants = []
    value = json.loads(text, parse_constant=constants.append)  # NaN, Infinity -> None
    return json.dumps(value, separators=(',', ':'), allow_nan=False) if constants else KEEP


def _mend(bind, table, column, empty):
    rows = sa.table(table, sa.column('id', sa.Integer), sa.column(column, sa.Text))
    col = rows.c[column]
    found = bind.execute(sa.select(rows.c.id, col).where(
        sa.or_(sa.func.trim(col) == '', col.like('%NaN%'), col.like('%Infinity%')))).all()
    for row_id, text in found:
        try:
            mended = _standard(text, empty)
        except ValueError as error:
            raise RuntimeError(f"{table}.{column} of row {row_id} is not JSON ({error}): mend it, then upgrade") from None
        if mended is not KEEP:
            bind.execute(rows.update().where(rows.c.id == row_id).values({column: mended}))


def _alter(to_type, from_type, cast_to):
    quote = op.get_bind().dialect.identifier_preparer.quote
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, nullable, _ in columns:
                batch_op.alter_column(column, existing_type=from_type, type_=to_type, existing_nullable=nullable,
                                      postgresql_using=f'{quote(column)}::{cast_to}')


def upgrade():
    bind = op.get_bind()
    for table, columns in COLUMNS.items():
        for column, _, empty in columns:
            _mend(bind, table, column, empty)
    _alter(sa.JSON(), sa.Text(), 'json')


def downgrade():
    _alter(sa.Text(), sa.JSON(), 'text')
