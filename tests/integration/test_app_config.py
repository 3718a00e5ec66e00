"""Configuration, start-up checks, health, security headers."""
import pytest

from app import create_app
from app.config import ProductionConfig, TestingConfig
from app.content import CourseInvalid
from app.security import CSP
from tests.conftest import write


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app(type("P", (ProductionConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))


def test_production_refuses_an_invalid_course(course_copy):
    write(course_copy / "modules/m1-digital-innovation/09-broken.md", "no front matter")
    config = type("P", (ProductionConfig,), {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "COURSE_DIR": str(course_copy)})
    with pytest.raises(CourseInvalid, match="09-broken.md:1: file must start"):
        create_app(config)


def test_production_cookies_are_secure():
    app = create_app(type("P", (ProductionConfig,), {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/login")
    assert "Strict-Transport-Security" in response.headers


def test_course_problems_banner(course_copy):
    from app.extensions import db
    from tests.conftest import Auth, Factory, isolate_requests

    write(course_copy / "modules/m1-digital-innovation/09-broken.md", "---\ntitle: x\nminutes: 5\n---\nx")
    app = isolate_requests(create_app(type("T", (TestingConfig,), {"COURSE_DIR": str(course_copy)})))
    with app.app_context():
        db.create_all()
        make = Factory(db)
        tutor, student = make.user("tutor"), make.user("student", [make.cohort()])
        for user, sees in ((tutor, True), (student, False)):
            client = app.test_client()
            Auth(client).login(user)
            html = client.get("/").get_data(as_text=True)
            assert ("The course files have 1 problem" in html) is sees
        client = app.test_client()
        Auth(client).login(tutor)
        page = client.get("/course/problems").get_data(as_text=True)
        assert "09-broken.md:2" in page and "missing &#39;uuid&#39;" in page
        db.session.remove()


def test_database_url_is_normalised_for_psycopg():
    app = create_app(type("T", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": "postgres://u@h/d"}))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/d"


def test_healthz(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["course"]["modules"] == 8 and body["course"]["problems"] == 0


def test_security_headers_on_every_response(client):
    for path in ["/", "/login", "/healthz", "/static/css/site.css", "/nope"]:
        response = client.get(path)
        response.close()
        headers = response.headers
        assert headers["Content-Security-Policy"] == CSP, path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        # cross-origin isolated, so a simulation run can be interrupted (SharedArrayBuffer)
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert headers["Cross-Origin-Embedder-Policy"] == "require-corp", path
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin", path
    assert "'wasm-unsafe-eval'" in CSP and "'unsafe-eval'" not in CSP and "'unsafe-inline'" not in CSP
    assert "cdn" not in CSP.lower() and "http" not in CSP


def test_session_cookie_is_httponly(client, make, auth):
    auth.login(make.user())
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_development_reloads_the_course_when_a_file_changes(course_copy):
    from app.content import CourseStore

    store = CourseStore(course_copy, auto_reload=True)
    first = store.get()
    unit_path = sorted((course_copy / "modules/m1-digital-innovation").glob("01-*.md"))[0]
    unit_path.write_text(unit_path.read_text().replace("title:", "title: Edited —", 1))
    store._checked_at = 0  # skip the once-a-second throttle
    second = store.get()
    assert second is not first
    assert second.modules_by_slug["m1-digital-innovation"].units[0].title.startswith("Edited —")
    assert store.get() is second  # unchanged files: the cached course is kept


def test_production_never_reloads(course_copy):
    from app.content import CourseStore

    store = CourseStore(course_copy, auto_reload=False)
    first = store.get()
    (course_copy / "modules/m1-digital-innovation/module.md").write_text("broken")
    store._checked_at = 0
    assert store.get() is first
