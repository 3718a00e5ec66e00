"""Who a live page is for: the session in the address, the tutors who run it, and the
participant this browser is (by account or by guest cookie)."""
from flask import abort, request
from flask_login import current_user

from . import service


def cookie_name(session):
    return f"leadup_live_{session.id}"


def session_or_404(code):
    session = service.by_code(code)
    if session is None:
        abort(404)
    return session


def runs(session, user):
    """True if ``user`` may run ``session``: its owner, a tutor of its cohort, or an admin."""
    if not user.is_authenticated or not user.is_tutor:
        return False
    return user.is_admin or session.owner_id == user.id or (session.cohort is not None and user.teaches(session.cohort))


def run_or_404(code):
    session = session_or_404(code)
    if not runs(session, current_user):
        abort(404)
    return session


def participant_here(session):
    """The participant this browser is in ``session`` (account, or guest cookie), or None."""
    return service.participant_for(session, current_user, request.cookies.get(cookie_name(session)))
