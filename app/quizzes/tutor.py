"""The tutor's side of quizzes: one student's quiz (override, extension), an attempt with its
essays to grade, and per-question analytics. The cohort's gradebook, with its CSV, is
``app.gradebook``.

Every view is for the tutors of the cohort in the address (and admins). A cohort they do not
teach, a student not in it or a quiz its level cannot take is a 404, so nothing about other
cohorts shows.
"""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..forms import rubric_choices
from ..models import STAFF, DueExtension, GradeOverride, QuizAnswer, QuizAttempt, Role, User
from ..models.quiz import SUBMITTED
from ..models.user import utcnow
from ..security import allow_plot_styles, roles, taught_cohort
from . import analytics, bp, service
from .cohort_grades import cohort_attempts, cohort_quizzes
from .forms import ExtensionForm, OverrideForm, essay_form, local_input
from .policy import show_time

# -- what the tutor may see -----------------------------------------------------------------

def _quiz(cohort, quiz_uuid):
    quiz = service.quiz_or_none(quiz_uuid)
    if quiz is None or quiz.uuid not in {q.uuid for q in cohort_quizzes(cohort)}:
        abort(404)
    return quiz


def _is_student(cohort, user_id):
    membership = next((m for m in cohort.memberships if m.user_id == user_id), None)
    return membership is not None and membership.role == Role.STUDENT.value


def _student(cohort, user_id):
    user = db.session.get(User, user_id)
    if user is None or not _is_student(cohort, user.id):
        abort(404)
    return user


def _attempt(cohort, attempt_id):
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or not _is_student(cohort, attempt.user_id):
        abort(404)
    return attempt, _quiz(cohort, attempt.quiz_uuid)


def next_waiting(cohort, quiz, attempt):
    """The next answer of ``quiz`` waiting for a tutor: in ``attempt`` first, then the oldest."""
    student_ids = [s.id for s in cohort.students]
    answers = db.session.scalars(
        sa.select(QuizAnswer).join(QuizAnswer.attempt)
        .where(QuizAttempt.quiz_uuid == quiz.uuid, QuizAttempt.user_id.in_(student_ids),
               QuizAttempt.status == SUBMITTED, QuizAnswer.score.is_(None))
        .order_by(QuizAttempt.submitted_at, QuizAnswer.id)).all()
    return next((a for a in answers if a.attempt_id == attempt.id), answers[0] if answers else None)


# -- one student's quiz: override and extension ---------------------------------------------

def _student_page(cohort, quiz, student, override_form=None, extension_form=None, status=200):
    attempts = service.attempts_of(student.id, quiz)
    grade = service.grade_of(student.id, quiz, attempts)
    extension = service.extension_for(student.id, quiz)
    if override_form is None:
        override = grade.override
        override_form = OverrideForm(formdata=None, data={
            "score": round(100 * override.score, 1) if override else None,
            "reason": override.reason if override else ""})
    if extension_form is None:
        extension_form = ExtensionForm(formdata=None, data={
            "due": local_input(extension.due) if extension else "",
            "reason": extension.reason if extension else ""})
    return render_template(
        "quizzes/student_quiz.html", cohort=cohort, quiz=quiz, student=student, attempts=attempts, grade=grade,
        due=service.due_for(student.id, quiz), extension=extension,
        override_form=override_form, extension_form=extension_form,
    ), status


def _back_to_student(cohort, quiz, student):
    return redirect(url_for("quizzes.student_quiz", cohort_id=cohort.id, quiz_uuid=quiz.uuid, user_id=student.id))


def _student_quiz_args(cohort_id, quiz_uuid, user_id):
    cohort = taught_cohort(cohort_id)
    return cohort, _quiz(cohort, quiz_uuid), _student(cohort, user_id)


@bp.get("/cohorts/<int:cohort_id>/quizzes/<quiz_uuid>/students/<int:user_id>")
@roles(*STAFF)
def student_quiz(cohort_id, quiz_uuid, user_id):
    return _student_page(*_student_quiz_args(cohort_id, quiz_uuid, user_id))


@bp.post("/cohorts/<int:cohort_id>/quizzes/<quiz_uuid>/students/<int:user_id>/override")
@roles(*STAFF)
def override_grade(cohort_id, quiz_uuid, user_id):
    cohort, quiz, student = _student_quiz_args(cohort_id, quiz_uuid, user_id)
    form = OverrideForm()
    if not form.validate_on_submit():
        return _student_page(cohort, quiz, student, override_form=form, status=400)
    override = db.session.scalar(sa.select(GradeOverride).where(
        GradeOverride.user_id == student.id, GradeOverride.quiz_uuid == quiz.uuid))
    if override is None:
        override = GradeOverride(user_id=student.id, quiz_uuid=quiz.uuid)
        db.session.add(override)
    override.score = float(form.score.data) / 100
    override.reason = form.reason.data.strip()
    override.by_id = current_user.id
    override.created_at = utcnow()
    db.session.commit()
    flash(f"{student.name}'s grade on “{quiz.title}” is now {float(form.score.data):g}%.", "success")
    return _back_to_student(cohort, quiz, student)


@bp.post("/cohorts/<int:cohort_id>/quizzes/<quiz_uuid>/students/<int:user_id>/override/delete")
@roles(*STAFF)
def delete_override(cohort_id, quiz_uuid, user_id):
    cohort, quiz, student = _student_quiz_args(cohort_id, quiz_uuid, user_id)
    deleted = db.session.execute(sa.delete(GradeOverride).where(
        GradeOverride.user_id == student.id, GradeOverride.quiz_uuid == quiz.uuid)).rowcount
    db.session.commit()
    if deleted:
        flash(f"The override is removed: {student.name}'s grade comes from their attempts again.", "info")
    return _back_to_student(cohort, quiz, student)


def _apply_due(student, quiz):
    """After the student's due time changed: rescore submitted attempts (late penalties) and
    move an open attempt's deadline."""
    due = service.due_for(student.id, quiz)
    for attempt in service.attempts_of(student.id, quiz):
        if attempt.is_open:
            attempt.deadline = quiz.policy.attempt_deadline(attempt.started_at, due)
        else:
            service.rescore(attempt, quiz)
    db.session.commit()


@bp.post("/cohorts/<int:cohort_id>/quizzes/<quiz_uuid>/students/<int:user_id>/extension")
@roles(*STAFF)
def extend_due(cohort_id, quiz_uuid, user_id):
    cohort, quiz, student = _student_quiz_args(cohort_id, quiz_uuid, user_id)
    form = ExtensionForm()
    if not form.validate_on_submit():
        return _student_page(cohort, quiz, student, extension_form=form, status=400)
    extension = service.extension_for(student.id, quiz)
    if extension is None:
        extension = DueExtension(user_id=student.id, quiz_uuid=quiz.uuid)
        db.session.add(extension)
    extension.due = form.due_utc
    extension.reason = (form.reason.data or "").strip()
    extension.by_id = current_user.id
    extension.created_at = utcnow()
    _apply_due(student, quiz)
    flash(f"{student.name} now has until {show_time(extension.due)} (UK time) for “{quiz.title}”.", "success")
    return _back_to_student(cohort, quiz, student)


@bp.post("/cohorts/<int:cohort_id>/quizzes/<quiz_uuid>/students/<int:user_id>/extension/delete")
@roles(*STAFF)
def delete_extension(cohort_id, quiz_uuid, user_id):
    cohort, quiz, student = _student_quiz_args(cohort_id, quiz_uuid, user_id)
    deleted = db.session.execute(sa.delete(DueExtension).where(
        DueExtension.user_id == student.id, DueExtension.quiz_uuid == quiz.uuid)).rowcount
    if deleted:
        _apply_due(student, quiz)
        flash(f"The extension is removed: {student.name} has the quiz's own due time again.", "info")
    db.session.commit()
    return _back_to_student(cohort, quiz, student)


# -- an attempt, and grading its essays -----------------------------------------------------

def _attempt_page(cohort, attempt, quiz, posted=None, status=200):
    """The tutor's view of ``attempt``; ``posted`` is an essay form sent with errors."""
    service.close_if_overdue(attempt, quiz)
    order, variants = quiz.variant(attempt.seed)
    forms = {}
    if not attempt.is_open:
        for answer in attempt.answers:
            question = quiz.question(answer.question_id)
            if question is not None and question.manual:
                forms[answer.id] = posted if posted is not None and posted.answer_id == answer.id \
                    else essay_form(question, answer)
    return render_template(
        "quizzes/attempt_tutor.html", cohort=cohort, quiz=quiz, attempt=attempt, student=attempt.user,
        order=order, variants=variants, shown=service.Visibility(feedback=True, answers=True), forms=forms,
        numbers={q.id: i for i, q in enumerate(quiz.questions, start=1)},
    ), status


@bp.get("/cohorts/<int:cohort_id>/attempts/<int:attempt_id>")
@roles(*STAFF)
def tutor_attempt(cohort_id, attempt_id):
    cohort = taught_cohort(cohort_id)
    attempt, quiz = _attempt(cohort, attempt_id)
    return _attempt_page(cohort, attempt, quiz)


@bp.post("/cohorts/<int:cohort_id>/attempts/<int:attempt_id>/answers/<int:answer_id>/grade")
@roles(*STAFF)
def grade_answer(cohort_id, attempt_id, answer_id):
    cohort = taught_cohort(cohort_id)
    attempt, quiz = _attempt(cohort, attempt_id)
    answer = db.session.get(QuizAnswer, answer_id)
    question = quiz.question(answer.question_id) if answer is not None and answer.attempt_id == attempt.id else None
    if question is None or not question.manual:
        abort(404)
    form = essay_form(question, answer, formdata=request.form)
    form.answer_id = answer.id
    if form.validate():
        try:
            result = service.grade_answer(answer, quiz, rubric_choices(form), (form.comment.data or "").strip(),
                                          current_user)
        except ValueError as exc:
            form.form_errors.append(str(exc))
        else:
            saved = (f"Saved: question {quiz.questions.index(question) + 1} scores "
                     f"{result.score * question.points:g} of {question.points:g} points.")
            following = next_waiting(cohort, quiz, attempt)
            if following is None:
                flash(f"{saved} No more answers to this quiz are waiting for grading.", "success")
                following = answer
            else:
                flash(f"{saved} Here is the next answer waiting for grading.", "success")
            target = url_for("quizzes.tutor_attempt", cohort_id=cohort.id, attempt_id=following.attempt_id)
            return redirect(f"{target}#answer-{following.id}")
    return _attempt_page(cohort, attempt, quiz, posted=form, status=400)


# -- analytics ------------------------------------------------------------------------------

@bp.get("/cohorts/<int:cohort_id>/quizzes/<quiz_uuid>/analytics")
@roles(*STAFF)
def analytics_page(cohort_id, quiz_uuid):
    cohort = taught_cohort(cohort_id)
    quiz = _quiz(cohort, quiz_uuid)
    students = cohort.students
    attempts = [a for group in cohort_attempts(students, [quiz]).values() for a in group if a.status == SUBMITTED]
    stats = analytics.quiz_stats(quiz.questions, [answer for a in attempts for answer in a.answers])
    charts = {s.question_id: analytics.chart_item(s, f"answers-chart-{i}")
              for i, s in enumerate(stats, start=1) if s.distribution}
    if charts:
        allow_plot_styles()
    return render_template(
        "quizzes/analytics.html", cohort=cohort, quiz=quiz, rows=list(zip(quiz.questions, stats)), charts=charts,
        students=students, submitted_by=len({a.user_id for a in attempts}), attempts=len(attempts),
        per_student=analytics.attempts_per_student(attempts),
    )
