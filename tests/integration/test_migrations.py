"""Alembic migrations: a database built by ``flask db upgrade`` matches the models exactly,
on SQLite and on PostgreSQL (127.0.0.1:5432, database ``test``, when it is running)."""
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.config import TestingConfig
from app.extensions import db

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
