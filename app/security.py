"""Access rules for views and the security headers every response carries.

Every view declares who may reach it with exactly one of these decorators; a test walks the
URL map and fails if a route has none (``tests/integration/test_access_matrix.py``):

- ``@public``: anyone, signed in or not.
- ``@signed_in``: any signed-in user.
- ``@roles(*STAFF)``: signed-in users with one of the roles (``models.ROLES``; ``STAFF`` are
  the tutors and admins).

Cohort checks (a tutor only manages their own cohorts, a student only reads the modules of
their cohorts' levels) happen inside the view: ``taught_cohort`` loads the cohort in the
address for its tutors (``User.teaches``: admins always), ``taught_cohorts`` lists them, and
the courseware has ``can_read_module``.
"""
from functools import wraps

import sqlalchemy as sa
from flask import abort, after_this_request
from flask_login import current_user, login_required

from .extensions import db
from .models import Cohort, Membership, Role

CSP = "; ".join(
    [
        "default-src 'self'",
        # Pyodide compiles WebAssembly: 'wasm-unsafe-eval' allows that and nothing else.
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Pages that draw BokehJS plots (a simulation activity): BokehJS puts <style> elements in its
# shadow roots, so those pages allow inline <style> elements, and still no style attributes
# (docs/bokehjs-notes.md). Browsers without CSP3 style-src-elem fall back to style-src.
PLOT_CSP = CSP.replace("style-src 'self'", "style-src 'self'; style-src-elem 'self' 'unsafe-inline'")


def allow_plot_styles():
    """Send this request's response with ``PLOT_CSP``: for pages that draw BokehJS plots."""
    @after_this_request
    def relax(response):
        response.headers["Content-Security-Policy"] = PLOT_CSP
        return response


def public(view):
    view.access = "public"
    return view


def signed_in(view):
    wrapped = login_required(view)
    wrapped.access = "signed_in"
    return wrapped


def roles(*allowed):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        guarded = login_required(wrapped)
        guarded.access = "roles:" + ",".join(sorted(allowed))
        return guarded

    return decorator


def taught_cohort(cohort_id, refuse=404):
    """The cohort with ``cohort_id`` if the current user tutors it (or is an admin).

    No such cohort is a 404. Another tutor's cohort is a 404 too, so they learn nothing about
    it; the cohort management pages pass ``refuse=403``, as they always have (the access matrix
    checks both).
    """
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    if not current_user.is_authenticated or not current_user.teaches(cohort):
        abort(refuse)
    return cohort


def taught_cohorts(user):
    """The cohorts ``user`` tutors, by name: every cohort for an admin, none for a student."""
    if not user.is_authenticated or not user.is_tutor:
        return []
    query = sa.select(Cohort).order_by(Cohort.name)
    if not user.is_admin:
        query = query.join(Membership).where(Membership.user_id == user.id, Membership.role == Role.TUTOR.value)
    return list(db.session.scalars(query))


def init_app(app):
    production = app.config["ENV_NAME"] == "production"

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        # Cross-origin isolated (everything is served from here, so this costs nothing): the
        # page can share memory with the Python worker, which lets a run be interrupted.
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Embedder-Policy", "require-corp")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store" if _signed_in() else "no-cache")
        return response


def _signed_in():
    try:
        return not current_user.is_anonymous  # reads no column: nothing to reload after a commit
    except Exception:  # outside a request with a user loader, e.g. static files
        return False
