import pytest

from app.models import PasswordReset, Role, User
from app.models.user import utcnow
from tests.conftest import PASSWORD, csrf_token


def test_password_is_hashed(make):
    user = make.user()
    assert user.password_hash and PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD) and not user.check_password("wrong")


def test_sign_in_and_out(client, auth, make):
    user = make.user(email="Ann@Example.org")
    response = auth.login("ann@example.org")
    assert response.status_code == 302 and response.location == "/"
    assert "Sign out" in client.get("/").get_data(as_text=True)
    assert auth.logout().status_code == 302
    assert "Sign in" in client.get("/").get_data(as_text=True)
    assert user.last_login_at is not None


def test_wrong_password_names_the_field(client, auth, make):
    make.user(email="ann@example.org")
    html = auth.login("ann@example.org", "nope").get_data(as_text=True)
    assert "Email or password is wrong." in html
    assert 'aria-invalid="true"' in html


def test_inactive_user_cannot_sign_in(auth, make, db):
    user = make.user()
    user.active = False
    db.session.commit()
    assert "Email or password is wrong." in auth.login(user).get_data(as_text=True)


def test_next_redirect_is_local_only(client, make):
    make.user(email="ann@example.org")
    token = csrf_token(client)
    data = {"email": "ann@example.org", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login?next=/account", data=data).location == "/account"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    token = csrf_token(client)
    data["csrf_token"] = token
    assert client.post("/login?next=https://evil.example/", data=data).location == "/"


def test_login_without_csrf_token_is_refused(client, make):
    make.user(email="ann@example.org")
    response = client.post("/login", data={"email": "ann@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form expired or was sent from another site" in response.get_data(as_text=True)
    assert "Sign out" not in client.get("/").get_data(as_text=True)


def test_login_is_rate_limited(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    make.user(email="ann@example.org")
    responses = []
    for _ in range(5):
        token = csrf_token(client)
        responses.append(client.post("/login", data={"email": "ann@example.org", "password": "bad", "csrf_token": token}))
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    assert "Too many attempts" in responses[-1].get_data(as_text=True)
    token = csrf_token(client)  # the limit is per address and email: another account still works
    other = client.post("/login", data={"email": "bo@example.org", "password": "bad", "csrf_token": token})
    assert other.status_code == 200


def test_reset_link_sets_password_once(client, make, db):
    user = make.user(password=None)
    _, token = PasswordReset.issue(user)
    db.session.commit()
    assert "Set your password" in client.get(f"/reset/{token}").get_data(as_text=True)
    form = {"password": "new password 123", "confirm": "new password 123", "csrf_token": csrf_token(client, f"/reset/{token}")}
    assert client.post(f"/reset/{token}", data=form).status_code == 302
    assert db.session.get(User, user.id).check_password("new password 123")
    assert client.get(f"/reset/{token}").status_code == 404  # used


def test_reset_form_errors_name_the_fields(client, make, db):
    user = make.user()
    _, token = PasswordReset.issue(user)
    db.session.commit()
    form = {"password": "short", "confirm": "other", "csrf_token": csrf_token(client, f"/reset/{token}")}
    html = client.post(f"/reset/{token}", data=form).get_data(as_text=True)
    assert "Use at least 10 characters." in html and "The two passwords differ." in html


def test_expired_reset_link_is_refused(client, make, db):
    user = make.user()
    reset, token = PasswordReset.issue(user)
    reset.expires_at = utcnow()
    db.session.commit()
    assert client.get(f"/reset/{token}").status_code == 404


def test_change_password(client, auth, make, db):
    user = make.user()
    auth.login(user)
    html = auth.post("/account", {"current": "wrong", "password": "another long one", "confirm": "another long one"}).get_data(as_text=True)
    assert "This is not your current password." in html
    auth.post("/account", {"current": PASSWORD, "password": "another long one", "confirm": "another long one"})
    assert db.session.get(User, user.id).check_password("another long one")


def test_roles(make):
    assert make.user(Role.ADMIN).is_tutor and make.user(Role.TUTOR).is_tutor
    assert not make.user(Role.STUDENT).is_tutor


# Flask-Login 0.6.3 dates its remember-me cookie with datetime.utcnow(), deprecated in Python 3.12.
REMEMBER_ME = pytest.mark.filterwarnings("ignore:datetime.datetime.utcnow:DeprecationWarning")


def _signed_in(client):
    """True if ``client`` is signed in (the account page answers instead of the sign-in redirect)."""
    return client.get("/account").status_code == 200


def _login(app, user, password=PASSWORD, remember=False):
    client = app.test_client()
    data = {"email": user.email, "password": password, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def _with_remember_cookie_only(app, client):
    """A fresh client holding nothing but ``client``'s "keep me signed in" cookie."""
    cookie = client.get_cookie("remember_token")
    assert cookie is not None, "no remember-me cookie was set"
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value)
    return fresh


@REMEMBER_ME
def test_reset_by_link_ends_every_other_session_and_remember_cookie(app, make, db):
    user = make.user()
    laptop = _login(app, user)
    phone = _login(app, user, remember=True)
    assert _signed_in(laptop) and _signed_in(_with_remember_cookie_only(app, phone))
    _, other_token = PasswordReset.issue(user)
    _, token = PasswordReset.issue(user)
    db.session.commit()
    browser = app.test_client()
    form = {"password": "brand new password", "confirm": "brand new password",
            "csrf_token": csrf_token(browser, f"/reset/{token}")}
    assert browser.post(f"/reset/{token}", data=form).status_code == 302
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    assert not _signed_in(_with_remember_cookie_only(app, phone))
    assert not _signed_in(browser)  # the reset page asks to sign in with the new password
    # the new password works, the old one does not, and the other link is used up
    assert _signed_in(_login(app, user, "brand new password"))
    client = app.test_client()
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert "Email or password is wrong." in client.post("/login", data=data).get_data(as_text=True)
    assert app.test_client().get(f"/reset/{other_token}").status_code == 404


@REMEMBER_ME
def test_password_change_ends_other_sessions_but_keeps_this_one(app, make, db):
    user = make.user()
    here = _login(app, user, remember=True)
    elsewhere = _login(app, user, remember=True)
    remembered_elsewhere = _with_remember_cookie_only(app, elsewhere)
    _, token = PasswordReset.issue(user)
    db.session.commit()
    form = {"current": PASSWORD, "password": "another long one", "confirm": "another long one",
            "csrf_token": csrf_token(here, "/account")}
    response = here.post("/account", data=form, follow_redirects=True)
    assert not _signed_in(elsewhere)
    assert not _signed_in(remembered_elsewhere)
    assert _signed_in(here)
    assert _signed_in(_with_remember_cookie_only(app, here))  # its remember-me cookie was renewed
    assert "Your password is changed. Anywhere else you were signed in, you are signed out." in response.get_data(as_text=True)
    assert app.test_client().get(f"/reset/{token}").status_code == 404  # open password links end too


def test_a_session_from_before_session_versions_is_signed_out(app, make):
    user = make.user()
    client = _login(app, user)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # what sessions held before issue 14
    assert not _signed_in(client)
