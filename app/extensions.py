"""Flask extension instances, created unbound and initialised in ``create_app``."""
import json
import sqlite3

from flask import has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def dump_json(value):
    """A JSON column's value as stored: standard JSON only (NaN or Infinity raise ``ValueError``
    rather than reach a row PostgreSQL would refuse), ASCII escapes so any string can be encoded."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def load_json(text):
    """A JSON column's value as read. A NaN or Infinity that a SQLite row may still hold (figures
    saved before results were checked) reads as None, so one old row cannot break a page."""
    return json.loads(text, parse_constant=lambda _name: None)


# Every model's ``sa.JSON`` column goes through these, on SQLite and on PostgreSQL.
db = SQLAlchemy(model_class=Base, engine_options={"json_serializer": dump_json, "json_deserializer": load_json})
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_for_several_workers(dbapi_connection, _record):
    """SQLite files in WAL mode: readers never wait for the writer, and a commit costs no fsync
    of the main file (``synchronous=NORMAL`` stays durable in WAL mode except on power loss).
    Writers queue for up to 10 s instead of failing at once. The driver's own transaction
    handling is switched off: ``_sqlite_begin`` starts each transaction itself."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """On SQLite, a state-changing request takes the write lock when its transaction begins.

    A transaction that reads and then writes cannot wait for the lock: if another worker
    committed in between, SQLite answers "database is locked" at once, whatever the busy
    timeout (its snapshot is stale). ``BEGIN IMMEDIATE`` queues for the lock up front, within
    the busy timeout, so several workers on one file wait their turn instead of failing.
    Reads (GET pages, streams) begin as usual and never wait.
    """
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _changes_state() else "BEGIN")


def _changes_state():
    return has_request_context() and request.method in ("POST", "PUT", "PATCH", "DELETE")
