"""Errors: JSON callers get JSON naming the field, pages get the site's error page, and a request
that failed half-way through a transaction still gets the site's page (the session is rolled back)."""
import pytest
from flask import jsonify, request

from app.extensions import csrf
from app.extensions import db as _db
from app.inputs import read_int
from app.models import User
from app.security import public, signed_in

JSON = {"Accept": "application/json"}


@pytest.fixture
def app(app):
    """The test app with three routes that fail on purpose."""
    @signed_in
    def broken_transaction():
        _db.session.add(User(name="Twin", email=request.args["email"], role="student"))
        _db.session.flush()  # IntegrityError: the email is taken; the session is now unusable
        return "unreachable"

    @public
    @csrf.exempt  # the CSRF check has its own test below
    def strict_number():
        return jsonify(dots=read_int(request.get_json().get("dots"), "dots", 0, 5))

    @public
    def not_a_number():
        return jsonify(value=float("nan"))

    app.add_url_rule("/test/broken", view_func=broken_transaction)
    app.add_url_rule("/test/number", view_func=strict_number, methods=["POST"])
    app.add_url_rule("/test/nan", view_func=not_a_number)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["TESTING"] = False
    return app


def test_a_failed_transaction_still_gets_the_sites_error_page(client, auth, make):
    user = make.user("student", name="Dana Reader")
    auth.login(user)
    page = client.get(f"/test/broken?email={user.email}")
    assert page.status_code == 500
    html = page.get_data(as_text=True)
    assert "Something went wrong" in html and "Dana Reader" in html  # the site's page, with the reader's nav
    assert client.get("/account").status_code == 200  # and the next request is fine


def test_json_callers_get_json_errors(client):
    missing = client.get("/no-such-page", headers=JSON)
    assert missing.status_code == 404 and missing.is_json and missing.json["error"] == "Not found"
    assert client.get("/api/no-such-thing").is_json
    assert not client.get("/no-such-page").is_json  # a browser gets the page
    refused = client.post("/test/number", json={"dots": -5})
    assert refused.status_code == 400 and refused.json["field"] == "dots"
    assert refused.json["errors"] == {"dots": refused.json["message"]} and "0 to 5" in refused.json["message"]
    assert client.post("/test/number", json={"dots": "abc"}).json["field"] == "dots"
    assert client.post("/test/number", json={"dots": 3}).json == {"dots": 3}


def test_a_missing_csrf_token_is_a_json_error_for_json_callers(client):
    response = client.post("/login", data={"email": "a@example.org"}, headers=JSON)
    assert response.status_code == 400 and response.is_json and "reload the page" in response.json["message"]


def test_too_large_is_a_json_error_naming_the_limit(client):
    response = client.post("/test/number", data="x" * (3 * 1024 * 1024), content_type="application/json")
    assert response.status_code == 413 and response.is_json and "2 MB" in response.json["message"]


def test_json_is_strict_both_ways(client):
    refused = client.post("/test/number", data='{"dots": NaN}', content_type="application/json")
    assert refused.status_code == 400 and refused.is_json
    assert client.post("/test/number", data='{"dots": Infinity}', content_type="application/json").status_code == 400
    sent = client.get("/test/nan")
    assert sent.status_code == 500 and "NaN" not in sent.get_data(as_text=True)

