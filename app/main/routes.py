import sqlalchemy as sa
from flask import current_app, jsonify, render_template, request
from flask_login import current_user

from ..content import current_course
from ..extensions import db
from ..inputs import InputError
from ..security import public
from . import bp


@bp.get("/healthz")
@public
def healthz():
    """Liveness and readiness: the database answers and the course loaded."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # report, don't crash: this is what monitoring reads
        current_app.logger.error("health check: database: %s", exc)
        database = "error"
    course = current_course()
    body = {
        "status": "ok" if database == "ok" else "error",
        "database": database,
        "course": {"modules": len(course.modules), "units": len(course.units), "problems": len(course.problems)},
    }
    return jsonify(body), 200 if database == "ok" else 503


ERRORS = {
    400: ("Bad request", "The form could not be read. If you were submitting a form, go back, reload the page and try again; nothing you typed has been saved yet."),
    403: ("Not allowed", "Your account does not have access to this page. If you think it should, ask your tutor."),
    404: ("Not found", "There is no page at this address. It may have moved; try the programme page."),
    405: ("Not allowed here", "This address does not take that kind of request. Go back and use the page's own buttons."),
    409: ("Conflict", "This was changed meanwhile. Reload the page and try again."),
    413: ("Too large", "The file you sent is too large (2 MB at most)."),
    429: ("Too many attempts", "Too many attempts in a short time. Please wait a minute and try again."),
    500: ("Something went wrong", "The server hit an error. It has been logged; please try again in a moment."),
}


def wants_json():
    """True when the caller reads JSON: a JSON body, an ``Accept`` preferring JSON, or ``/api/``."""
    accept = request.accept_mimetypes
    return (request.is_json or request.path.startswith("/api/")
            or (accept.best == "application/json" and accept["application/json"] > accept["text/html"]))


def error_response(code, message, field=None, errors=None):
    """The error page, or for JSON callers ``{"error", "message", "errors": {field: message}}``.

    ``errors`` gives every field's message when there are several (``message`` sums them up)."""
    title = ERRORS.get(code, ERRORS[500])[0]
    if wants_json():
        body = {"error": title, "message": message, "errors": errors or {field or "request": message}}
        if field:
            body["field"] = field
        return jsonify(body), code
    return render_template("main/error.html", code=code, title=title, message=message), code


def register_error_pages(app):
    """Error pages for every status the site sends, and JSON errors for JSON callers.

    The database session is rolled back first: a request that failed half-way through a
    transaction must not make the error page fail too (it reads the signed-in user).
    """
    def make_handler(code):
        def handler(error):
            _rollback()
            message = ERRORS[code][1]
            description = getattr(error, "description", None)
            if code == 400 and description and "CSRF" in str(description):
                message = "Your form expired or was sent from another site. Go back, reload the page and send it again."
            elif code == 413:
                limit = current_app.config.get("MAX_CONTENT_LENGTH")
                if limit:
                    message = f"What you sent is too large: {limit / 1024 / 1024:.0f} MB at most."
            elif code in (400, 409, 422) and description and description != type(error).description:
                message = str(description)
            return error_response(code, message, getattr(error, "field", None))

        return handler

    for code in ERRORS:
        app.register_error_handler(code, make_handler(code))

    @app.errorhandler(InputError)
    def input_error(error):
        _rollback()
        return error_response(400, error.message, error.field)


def _rollback():
    try:
        db.session.rollback()
    except Exception:  # a broken connection: the error page must still render
        current_app.logger.exception("rollback before the error page failed")


def template_globals():
    course = current_course()
    show_problems = current_user.is_authenticated and current_user.is_tutor and course.problems
    return {
        "course": course,
        "course_problems": course.problems if show_problems else [],
        # The user itself rather than Flask-Login's proxy: templates read it many times.
        "current_user": current_user._get_current_object(),
    }
