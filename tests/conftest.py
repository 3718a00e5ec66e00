"""Shared fixtures: an app per test with a fresh database, clients, and factories."""
import re
import shutil

import pytest
from flask import g

from app import create_app
from app.config import ROOT, TestingConfig
from app.extensions import db as _db
from app.models import Cohort, Role, User
from tests.helpers import write  # noqa: F401 (shared with the tests that import it from here)

PASSWORD = "correct horse battery"


def isolate_requests(app):
    """Give every request a fresh ``g``.

    Requests made while a test holds an app context share it, and so would share ``g``
    (Flask-Login's user, Flask-WTF's CSRF token) between clients.
    """
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
    return app


@pytest.fixture
def app_config():
    """Override per test module/test to change settings before the app is built."""
    return {}


@pytest.fixture
def app(app_config):
    app = isolate_requests(create_app(type("TestConfig", (TestingConfig,), dict(app_config))))
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()  # a server database's connections close before it is dropped


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    return _db


class Factory:
    """Creates users and cohorts with sensible defaults."""

    def __init__(self, db):
        self.db = db
        self.count = 0

    def user(self, role=Role.STUDENT, cohorts=(), name=None, email=None, password=PASSWORD):
        self.count += 1
        role = Role(role)
        user = User(
            name=name or f"{role.value.title()} {self.count}",
            email=email or f"{role.value}{self.count}@example.org",
            role=role.value,
        )
        if password:
            user.set_password(password)
        self.db.session.add(user)
        self.db.session.flush()
        for cohort in cohorts:
            cohort.enrol(user, Role.TUTOR.value if role == Role.TUTOR else Role.STUDENT.value)
        self.db.session.commit()
        return user

    def cohort(self, level_id="pgcert", name=None):
        self.count += 1
        cohort = Cohort(name=name or f"Cohort {self.count}", level_id=level_id)
        self.db.session.add(cohort)
        self.db.session.commit()
        return cohort


@pytest.fixture
def make(db):
    return Factory(db)


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, path="/login"):
    """A CSRF token for ``client``'s session, read from a page with a form."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no csrf token on {path}"
    return match.group(1) or match.group(2)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password=PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        token = csrf_token(self.client)
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token})

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.token()})

    def token(self):
        return csrf_token(self.client, "/account")

    def post(self, path, data=None, **kwargs):
        """POST with a valid CSRF token for the signed-in session."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def as_(app, world):
    """``as_("amira")``: a signed-in ``Auth`` of its own for one of the people in the test
    module's ``world`` fixture (a dict of users by name)."""
    def sign_in(person):
        auth = Auth(app.test_client())
        assert auth.login(world[person]).status_code == 302
        return auth
    return sign_in


@pytest.fixture(scope="session")
def course_with(tmp_path_factory):
    """``course_with(files=..., appends=...)``: the real course with a change, shared by every
    test asking for the same change (``tests.helpers.course_with``)."""
    from tests.helpers import course_with as build

    base = tmp_path_factory.mktemp("courses")
    return lambda files=None, appends=None: build(base, files, appends)


@pytest.fixture
def course_copy(tmp_path):
    """A writable copy of the real course for tests that break it on purpose."""
    target = tmp_path / "course"
    shutil.copytree(ROOT / "course", target)
    return target




PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def postgres_url():
    """A throwaway PostgreSQL database on 127.0.0.1:5432, dropped afterwards. Fails (never skips)
    when PostgreSQL is not running: the deployment target is tested for real."""
    import uuid

    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc}); see README 'PostgreSQL'")
    name = f"leadup_t_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_config(request):
    """App settings for each database the product supports: in-memory SQLite, a throwaway PostgreSQL."""
    if request.param == "sqlite":
        return {}
    return {"SQLALCHEMY_DATABASE_URI": request.getfixturevalue("postgres_url")}
