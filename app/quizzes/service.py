"""Taking and grading quizzes: the one place attempts change state.

An attempt is *open* while the student works (answers autosaved as drafts), then *submitted*
exactly once: the submit is a conditional update (``status = 'open'``), so a double click, a
resent request or two workers racing grade it once. An attempt whose deadline passed is
submitted with the drafts saved before the deadline, the next time anyone looks at it.
Grading happens here, on the server, with the same ``sims/`` code for simulation questions.
"""
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..content import current_course
from ..extensions import db
from ..inputs import InputError, check_length, clean_text
from ..models import DueExtension, GradeOverride, QuizAnswer, QuizAttempt
from ..models.quiz import OPEN, SUBMITTED
from ..models.user import utcnow
from .policy import GRACE
from .questions.base import GradeContext

MAX_RESPONSE_CHARS = 20_000  # per answer: an essay of 3,000 words fits easily; longer is refused, never cut


def quiz_or_none(quiz_uuid):
    return current_course().quizzes_by_uuid.get(quiz_uuid)


# -- dates ----------------------------------------------------------------------------------

def extension_for(user_id, quiz):
    return db.session.scalar(sa.select(DueExtension).where(
        DueExtension.user_id == user_id, DueExtension.quiz_uuid == quiz.uuid))


def due_for(user_id, quiz):
    """The student's due time: their extension if they have one, else the quiz's."""
    extension = extension_for(user_id, quiz)
    return extension.due if extension is not None else quiz.policy.due


# -- attempts -------------------------------------------------------------------------------

def attempts_of(user_id, quiz):
    """The student's attempts at ``quiz``, oldest first, with overdue ones submitted."""
    attempts = list(db.session.scalars(sa.select(QuizAttempt).where(
        QuizAttempt.user_id == user_id, QuizAttempt.quiz_uuid == quiz.uuid).order_by(QuizAttempt.number)))
    for attempt in attempts:
        close_if_overdue(attempt, quiz)
    return attempts


def open_attempt(attempts):
    return next((a for a in attempts if a.is_open), None)


def start(user, quiz, now=None):
    """``(attempt, "")`` (the open attempt if there is one) or ``(None, why not)``."""
    now = now or utcnow()
    attempts = attempts_of(user.id, quiz)
    current = open_attempt(attempts)
    if current is not None:
        return current, ""
    due = due_for(user.id, quiz)
    allowed, why = quiz.policy.may_start(now, due, len(attempts))
    if not allowed:
        return None, why
    attempt = QuizAttempt(
        quiz_uuid=quiz.uuid, user_id=user.id, number=len(attempts) + 1, seed=secrets.randbelow(2**31),
        started_at=now, deadline=quiz.policy.attempt_deadline(now, due), drafts={},
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:  # the same student started it twice at once: use the other one
        db.session.rollback()
        return open_attempt(attempts_of(user.id, quiz)), ""
    return attempt, ""


def accepts_answers(attempt, now=None):
    now = now or utcnow()
    return attempt.is_open and (attempt.deadline is None or now <= attempt.deadline + GRACE)


@dataclass
class Sent:
    """What a student sent: ``responses`` by question id (as parsed and cleaned), and ``errors``
    by form field (``q-<id>``) for answers that cannot be taken. Nothing may be stored while
    there are errors: the page shows them beside the questions, with the text still in place."""

    responses: dict
    errors: dict


def responses_from(quiz, attempt, form):
    """``Sent`` from ``form`` for every question of ``quiz`` in ``attempt``'s variant.

    Option tokens of this attempt (and stable ones from an older page) become stored tokens;
    every text is cleaned (``inputs.clean_text``); an answer over ``MAX_RESPONSE_CHARS`` is an
    error naming the limit, never cut short."""
    _, variants = quiz.variant(attempt.seed)
    responses, errors = {}, {}
    for question in quiz.questions:
        value = _cleaned(question.parse(form, variants[question.id]))
        responses[question.id] = value
        try:
            check_length("".join(_texts(value)), MAX_RESPONSE_CHARS, question.field, "This answer")
        except InputError as error:
            errors[question.field] = error.message
    return Sent(responses, errors)


def _cleaned(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    return value


def _texts(value):
    """Every text in a response (keys included): what its length is counted on."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)


def save_drafts(attempt, responses, now=None):
    """Keep the student's answers so far; False when the attempt no longer takes answers."""
    now = now or utcnow()
    if not accepts_answers(attempt, now):
        return False
    attempt.drafts = {**attempt.draft_responses, **responses}  # a new dict: the change is seen
    attempt.saved_at = now
    db.session.commit()
    return True


def submit(attempt, quiz, responses=None, now=None):
    """Grade and close ``attempt`` once; later calls return it unchanged.

    Answers sent after the deadline (plus a minute's grace) are not taken: the attempt is graded
    on the drafts saved in time, and marked as submitted automatically at its deadline.
    """
    now = now or utcnow()
    late = not accepts_answers(attempt, now) and attempt.is_open
    final = {**attempt.draft_responses, **(responses if responses is not None and not late else {})}
    submitted_at = min(now, attempt.deadline) if late and attempt.deadline else now
    claimed = db.session.execute(
        sa.update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.status == OPEN)
        .values(status=SUBMITTED, submitted_at=submitted_at, auto_submitted=late, drafts=final)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        db.session.refresh(attempt)
        return attempt
    for name, value in (("status", SUBMITTED), ("submitted_at", submitted_at), ("auto_submitted", late),
                        ("drafts", final)):
        set_committed_value(attempt, name, value)  # as the UPDATE left the row, without reading it back
    _grade(attempt, quiz, final)
    db.session.commit()
    return attempt


def close_if_overdue(attempt, quiz, now=None):
    now = now or utcnow()
    if attempt.is_open and attempt.deadline is not None and now > attempt.deadline + GRACE:
        submit(attempt, quiz, None, now)


def _grade(attempt, quiz, responses):
    """Grade every question and store the answers in one INSERT (a submit is the busiest moment)."""
    _, variants = quiz.variant(attempt.seed)
    context = GradeContext(user=attempt.user)
    rows = []
    for question in quiz.questions:
        response = responses.get(question.id, "")
        result = question.grade(response, variants[question.id], context)
        rows.append({
            "attempt_id": attempt.id, "question_id": question.id, "response": response,
            "summary": question.summarise(response)[:200], "score": result.score, "points": question.points,
            "feedback": str(result.feedback or ""),
        })
    db.session.execute(sa.insert(QuizAnswer), rows)
    db.session.expire(attempt, ["answers"])
    rescore(attempt, quiz, [(row["score"], row["points"]) for row in rows])


def rescore(attempt, quiz, scores=None):
    """Recompute the attempt's scores from its answers' ``(score, points)`` (by default, as stored)."""
    scores = scores if scores is not None else [(a.score, a.points) for a in attempt.answers]
    if any(score is None for score, _ in scores):
        attempt.raw_score = None
        attempt.score = None
        return
    due = due_for(attempt.user_id, quiz)  # before any change: one UPDATE of the attempt, not two
    points = sum(points for _, points in scores)
    attempt.raw_score = sum(score * points for score, points in scores) / points if points else 0.0
    policy = quiz.policy
    attempt.score = policy.final_score(attempt.raw_score, attempt.number, attempt.submitted_at, due)
    attempt.penalty = 1 - (1 - policy.attempt_fraction(attempt.number)) * (
        1 - policy.late_fraction(attempt.submitted_at, due))


def grade_answer(answer, quiz, rubric_choices, comment, tutor, now=None):
    """A tutor's rubric grade for an essay answer; returns the ``Grade`` (raises ValueError)."""
    question = quiz.question(answer.question_id)
    result = question.grade_rubric(rubric_choices)
    answer.rubric = {str(k): v for k, v in rubric_choices.items()}  # as JSON gives it back
    answer.score = result.score
    answer.feedback = str(result.feedback or "")
    answer.comment = comment or None
    answer.graded_by_id = tutor.id
    answer.graded_at = now or utcnow()
    rescore(answer.attempt, quiz)
    db.session.commit()
    return result


# -- grades ---------------------------------------------------------------------------------

@dataclass
class QuizGrade:
    """A student's grade on one quiz, as the gradebook and the student see it."""

    score: float | None  # 0..1, None when nothing counts yet
    attempts: int
    waiting: bool  # an essay waits for a tutor
    override: GradeOverride | None
    in_progress: bool


def grade_of(user_id, quiz, attempts=None):
    """The student's ``QuizGrade``, reading their attempts (unless given) and any override."""
    attempts = attempts if attempts is not None else attempts_of(user_id, quiz)
    override = db.session.scalar(sa.select(GradeOverride).where(
        GradeOverride.user_id == user_id, GradeOverride.quiz_uuid == quiz.uuid))
    return grade_from(quiz, attempts, override)


def grade_from(quiz, attempts, override):
    """A ``QuizGrade`` from one student's ``attempts`` and ``override`` (or None), without queries."""
    submitted = [a for a in attempts if a.status == SUBMITTED]
    counted = quiz.policy.counted([a.score for a in submitted])
    return QuizGrade(
        score=override.score if override is not None else counted,
        attempts=len(submitted),
        waiting=any(a.waiting_for_tutor for a in submitted),
        override=override,
        in_progress=any(a.is_open for a in attempts),
    )


@dataclass
class Visibility:
    feedback: bool
    answers: bool


def visibility(attempt, quiz, attempts, now=None):
    """What the student may see of a submitted ``attempt`` now, under the quiz's policy."""
    now = now or utcnow()
    if attempt.is_open:
        return Visibility(False, False)
    due = due_for(attempt.user_id, quiz)
    submitted = sum(1 for a in attempts if a.status == SUBMITTED)
    has_open = any(a.is_open for a in attempts)
    return Visibility(
        feedback=quiz.policy.shows_feedback(now, due),
        answers=quiz.policy.shows_answers(now, due, submitted, has_open),
    )

