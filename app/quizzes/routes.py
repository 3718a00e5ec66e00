"""A student's side of quizzes: start, answer (autosaved), submit and review. Their grades are
``app.gradebook``'s "My grades" (``/grades``)."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..courseware.access import can_read_module
from ..extensions import db
from ..models import QuizAttempt
from ..security import signed_in
from . import bp, service


def _quiz_for_reader(quiz_uuid):
    quiz = service.quiz_or_none(quiz_uuid)
    if quiz is None or quiz.module is None or not can_read_module(quiz.module):
        abort(404)
    return quiz


def _own_attempt(attempt_id):
    """The signed-in student's attempt and its quiz; 404 for anyone else's."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    quiz = service.quiz_or_none(attempt.quiz_uuid)
    if quiz is None:
        abort(404)
    return attempt, quiz


@bp.post("/quizzes/<quiz_uuid>/start")
@signed_in
def start(quiz_uuid):
    quiz = _quiz_for_reader(quiz_uuid)
    attempt, why = service.start(current_user, quiz)
    if attempt is None:
        flash(why, "error")
        return redirect(quiz.url or url_for("courseware.programme"))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.get("/quizzes/attempts/<int:attempt_id>")
@signed_in
def attempt(attempt_id):
    attempt, quiz = _own_attempt(attempt_id)
    service.close_if_overdue(attempt, quiz)
    if attempt.is_open:
        return _take_page(attempt, quiz)
    order, variants = quiz.variant(attempt.seed)
    attempts = service.attempts_of(attempt.user_id, quiz)
    shown = service.visibility(attempt, quiz, attempts)
    return render_template("quizzes/review.html", quiz=quiz, attempt=attempt, order=order, variants=variants,
                           shown=shown, attempts=attempts, owner=attempt.user, tutor_view=False)


def _take_page(attempt, quiz, sent=None):
    """The attempt page; with ``sent`` (refused), what was sent is back in the boxes, each
    refusal beside its question (400)."""
    order, variants = quiz.variant(attempt.seed)
    drafts = {**attempt.draft_responses, **(sent.responses if sent is not None else {})}
    page = render_template("quizzes/take.html", quiz=quiz, attempt=attempt, order=order, variants=variants,
                           drafts=drafts, due=service.due_for(attempt.user_id, quiz),
                           errors=sent.errors if sent is not None else {}, max_chars=service.MAX_RESPONSE_CHARS)
    return (page, 400) if sent is not None else page


def _refused(attempt, quiz, sent, doing):
    """An answer could not be taken (too long): nothing was stored; say so beside the question."""
    if _wants_json():
        field = next(iter(sent.errors))
        return jsonify(saved=False, error="Not saved", message=sent.errors[field], errors=sent.errors,
                       field=field), 400
    count = len(sent.errors)
    flash(f"Your answers were not {doing}: {'one answer is' if count == 1 else f'{count} answers are'} too long. "
          "The text is still in the box; shorten it and try again.", "error")
    return _take_page(attempt, quiz, sent)


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


@bp.post("/quizzes/attempts/<int:attempt_id>/save")
@signed_in
def save(attempt_id):
    """Autosave (JSON for the page's script) or 'Save and leave' (a plain form post)."""
    attempt, quiz = _own_attempt(attempt_id)
    sent = service.responses_from(quiz, attempt, request.form)
    if sent.errors and service.accepts_answers(attempt):
        return _refused(attempt, quiz, sent, "saved")
    saved = not sent.errors and service.save_drafts(attempt, sent.responses)
    if _wants_json():
        if not saved:
            return jsonify(saved=False, error="This attempt is closed: its time is up or it was submitted.",
                           review=url_for("quizzes.attempt", attempt_id=attempt.id)), 409
        return jsonify(saved=True, saved_at=attempt.saved_at.isoformat() + "Z")
    if saved:
        flash("Your answers are saved. Come back to this attempt whenever you like.", "success")
        return redirect(quiz.url or url_for("gradebook.mine"))
    flash("This attempt is closed, so your latest changes could not be saved.", "error")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.post("/quizzes/attempts/<int:attempt_id>/submit")
@signed_in
def submit(attempt_id):
    attempt, quiz = _own_attempt(attempt_id)
    was_open, in_time = attempt.is_open, service.accepts_answers(attempt)
    sent = service.responses_from(quiz, attempt, request.form)
    if sent.errors and in_time:
        return _refused(attempt, quiz, sent, "submitted")
    # Too late, or already submitted: what was sent is not taken (the drafts saved in time are graded).
    service.submit(attempt, quiz, None if sent.errors else sent.responses)
    if was_open and not in_time:
        flash("The time for this attempt ran out, so it was graded on the answers saved before the deadline.",
              "info")
    elif was_open:
        flash("Your attempt is submitted.", "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
