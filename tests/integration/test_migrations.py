"""Alembic migrations: a database built by ``flask db upgrade`` matches the models exactly,
on SQLite and on PostgreSQL (127.0.0.1:5432, database ``test``, when it is running), and a
database holding rows keeps their values through the upgrades that change column types."""
import itertools
import json
import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.config import TestingConfig
from app.extensions import db
from app.models import CityDataset, SavedScenario

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def make_app(url):
    return create_app(type("MigrationConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))


def schema_of(engine):
    inspector = sa.inspect(engine)
    return {
        table: (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)),
            sorted(i["name"] for i in inspector.get_indexes(table)),
            sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
        )
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def check_upgrade_matches_models(fresh_url, upgraded_url):
    fresh, upgraded = make_app(fresh_url), make_app(upgraded_url)
    with fresh.app_context():
        db.create_all()
        fresh_schema = schema_of(db.engine)
    with upgraded.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        upgraded_schema = schema_of(db.engine)
        downgrade(revision="base")  # and back down cleanly
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
    with fresh.app_context():
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    assert fresh_schema == upgraded_schema


def test_sqlite_fresh_and_upgraded_are_identical(tmp_path):
    check_upgrade_matches_models(f"sqlite:///{tmp_path}/fresh.sqlite", f"sqlite:///{tmp_path}/upgraded.sqlite")


@pytest.fixture
def pg_databases():
    try:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        admin.connect().close()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc}); see README 'PostgreSQL'")
    names = [f"leadup_t_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield [PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}" for name in names]
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.postgres
def test_postgresql_fresh_and_upgraded_are_identical(pg_databases):
    check_upgrade_matches_models(*pg_databases)


@pytest.mark.postgres
def test_site_works_on_postgresql(pg_databases):
    app = make_app(pg_databases[0])
    with app.app_context():
        upgrade()
        from app.demo import seed

        seed()
        seed()  # idempotent
        client = app.test_client()
        assert client.get("/healthz").get_json()["database"] == "ok"
        from app.models import User

        assert User.by_email("amira@leadup.example").cohorts()[0].name == "PGCert 2026–27"
        db.session.remove()
        db.engine.dispose()


# -- 7c3e9a41b2d5: JSON kept in text columns becomes JSON columns --------------------------------

BEFORE_JSON = "60d4b20dec84"
FIGURES = ('[{"key":"daily_mwh","value":NaN,"baseline":null},{"key":"yearly_mwh","value":Infinity,'
           '"baseline":-Infinity},{"key":"home_mwh","value":12.5,"baseline":null}]')
# (table, {column: text as the old code stored it}, {column: the value read after the upgrade})
OLD_ROWS = [
    ("city_datasets", {"payload": '{"zones": [["A", "Caf\\u00e9", 52.2, 0.1, 10, 5]], "version": "v", "id": "city-1"}'},
     {"payload": {"zones": [["A", "Café", 52.2, 0.1, 10, 5]], "version": "v", "id": "city-1"}}),
    ("saved_scenarios", {"params": '{"year": 2030, "telework_days": 3}', "summary": FIGURES,
                         "browser_summary": '{"summary": [{"key": "k", "value": 1.5}], "model_version": "m"}'},
     {"params": {"year": 2030, "telework_days": 3},
      "summary": [{"key": "daily_mwh", "value": None, "baseline": None},
                  {"key": "yearly_mwh", "value": None, "baseline": None},
                  {"key": "home_mwh", "value": 12.5, "baseline": None}],
      "browser_summary": {"summary": [{"key": "k", "value": 1.5}], "model_version": "m"}}),
    ("saved_scenarios", {"params": "{}", "summary": "[]", "browser_summary": None},
     {"params": {}, "summary": [], "browser_summary": None}),
    ("quiz_attempts", {"drafts": '{"km": "13.56", "pick": ["b", "a"]}', "number": 1},
     {"drafts": {"km": "13.56", "pick": ["b", "a"]}}),
    ("quiz_attempts", {"drafts": "", "number": 2}, {"drafts": {}}),
    ("quiz_answers", {"response": '"In time."', "rubric": '{"0": 2, "1": 0}', "question_id": "essay"},
     {"response": "In time.", "rubric": {"0": 2, "1": 0}}),
    ("quiz_answers", {"response": '{"gap": "x"}', "rubric": None, "question_id": "cloze"},
     {"response": {"gap": "x"}, "rubric": None}),
    ("deliberation_attempts", {"rubric": '{"0": 1}'}, {"rubric": {"0": 1}}),
    ("deliberation_fields", {"value": "3", "name": "score"}, {"value": 3}),
    ("deliberation_fields", {"value": '"2027-03-31"', "name": "due"}, {"value": "2027-03-31"}),
    ("deliberation_fields", {"value": "null", "name": "role"}, {"value": None}),
    ("deliberation_notes", {"values": '{"title": "Buses", "links": "1,2"}'}, {"values": {"title": "Buses", "links": "1,2"}}),
    ("live_activities", {"config": '{"prompt": "Why?", "options": ["B", "A"], "multiple": false}'},
     {"config": {"prompt": "Why?", "options": ["B", "A"], "multiple": False}}),
    ("live_participants", {}, {}),
    ("live_posts", {"value": "[1, 0]", "idempotency_key": "k1"}, {"value": [1, 0]}),
    ("live_posts", {"value": "null", "idempotency_key": "k2"}, {"value": None}),
    ("live_events", {"payload": '{"id": 1, "text": "\\u201cquoted\\u201d"}'}, {"payload": {"id": 1, "text": "“quoted”"}}),
]
PARENTS = ["users", "cohorts", "live_sessions"]


def _insert(conn, name, ids, counter, values):
    """A row of ``name`` with ``values``; other required columns get plain values, foreign keys
    the last row of the table they refer to."""
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    fillers = {int: 0, float: 0.0, bool: False, datetime: datetime(2026, 12, 1)}
    row = {}
    for column in table.columns:
        if column.name in values or column.primary_key or column.nullable or column.server_default is not None:
            continue
        refers = next(iter(column.foreign_keys), None)
        kind = column.type.python_type
        row[column.name] = (ids[refers.column.table.name] if refers is not None
                            else f"{kind.__name__[0]}{next(counter)}" if kind is str else fillers[kind])
    row.update(values)
    ids[name] = conn.execute(table.insert().values(row)).inserted_primary_key[0]
    return ids[name]


def _read_json_text(conn, table, column, row_id):
    cast = f'"{column}"::text' if conn.dialect.name == "postgresql" else f'"{column}"'
    text = conn.execute(sa.text(f'SELECT {cast} FROM {table} WHERE id = :id'), {"id": row_id}).scalar_one()
    return None if text is None else json.loads(text)


def check_json_columns_keep_their_values(url):
    by_table = {mapper.class_.__tablename__: mapper.class_ for mapper in db.Model.registry.mappers}
    app = make_app(url)
    with app.app_context():
        upgrade(revision=BEFORE_JSON)
        ids, counter, made = {}, itertools.count(1), []
        with db.engine.begin() as conn:
            for name in PARENTS:
                _insert(conn, name, ids, counter, {})
            for name, stored, expected in OLD_ROWS:
                made.append((name, _insert(conn, name, ids, counter, stored), expected))
        upgrade()
        for name, row_id, expected in made:
            row = db.session.get(by_table[name], row_id)
            assert {column: getattr(row, column) for column in expected} == expected, name
        assert list(db.session.get(CityDataset, made[0][1]).payload) == ["zones", "version", "id"]  # not jsonb's
        assert [f["value"] for f in db.session.get(SavedScenario, made[1][1]).figures] == [None, None, 12.5]
        if db.engine.dialect.name == "postgresql":
            columns = {(name, column) for name, _, expected in OLD_ROWS for column in expected}
            with db.engine.connect() as conn:
                kinds = {(t, c): kind for t, c, kind in conn.execute(sa.text(
                    "SELECT table_name, column_name, data_type FROM information_schema.columns"))}
            assert {kinds[column] for column in columns} == {"json"} and len(columns) == 13
        db.session.remove()

        downgrade(revision=BEFORE_JSON)  # back to text columns holding the same values as JSON
        with db.engine.connect() as conn:
            for name, row_id, expected in made:
                assert {c: _read_json_text(conn, name, c, row_id) for c in expected} == expected, name
        downgrade(revision="base")
        db.engine.dispose()


def test_sqlite_json_columns_keep_their_values(tmp_path):
    check_json_columns_keep_their_values(f"sqlite:///{tmp_path}/old.sqlite")


@pytest.mark.postgres
def test_postgresql_json_columns_keep_their_values(pg_databases):
    check_json_columns_keep_their_values(pg_databases[0])
