import sqlalchemy as sa
from flask import current_app, jsonify, render_template
from flask_login import current_user

from ..content import current_course
from ..extensions import db
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
    413: ("Too large", "The file you sent is too large (2 MB at most)."),
    429: ("Too many attempts", "Too many attempts in a short time. Please wait a minute and try again."),
    500: ("Something went wrong", "The server hit an error. It has been logged; please try again in a moment."),
}


def register_error_pages(app):
    def make_handler(code):
        def handler(error):
            title, message = ERRORS[code]
            description = getattr(error, "description", None)
            if code == 400 and description and "CSRF" in str(description):
                message = "Your form expired or was sent from another site. Go back, reload the page and send it again."
            return render_template("main/error.html", code=code, title=title, message=message), code

        return handler

    for code in ERRORS:
        app.register_error_handler(code, make_handler(code))


def template_globals():
    course = current_course()
    show_problems = current_user.is_authenticated and current_user.is_tutor and course.problems
    return {
        "course": course,
        "course_problems": course.problems if show_problems else [],
        # The user itself rather than Flask-Login's proxy: templates read it many times.
        "current_user": current_user._get_current_object(),
    }
