from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_login.config import COOKIE_NAME

from ..extensions import db, limiter
from ..models import PasswordReset, User
from ..models.user import utcnow
from ..security import public, signed_in
from . import bp
from .forms import ChangePasswordForm, LoginForm, SetPasswordForm


def _login_key():
    email = (request.form.get("email") or "").strip().lower()
    return f"{request.remote_addr}|{email}"


def _safe_next(target):
    """Only redirect to paths on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_login_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("courseware.programme"))
    form = LoginForm()
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if user is None or not user.is_active or not user.check_password(form.password.data):
            form.password.errors.append("Email or password is wrong.")
        else:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            flash(f"Welcome, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("courseware.programme"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@public
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    reset = PasswordReset.find_valid(token)
    if reset is None:
        return render_template("auth/reset_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        reset.user.set_password(form.password.data)  # signs out the person's other sessions
        reset.used_at = utcnow()
        db.session.commit()
        logout_user()
        flash("Your password is set. Sign in with it now. Anywhere else you were signed in, you are signed out.",
              "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=reset.user)


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("This is not your current password.")
        else:
            user = current_user._get_current_object()
            remembered = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)) is not None
            user.set_password(form.password.data)  # signs out every session, this one too...
            db.session.commit()
            login_user(user, remember=remembered)  # ...so this one signs in again with the new id
            flash("Your password is changed. Anywhere else you were signed in, you are signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
