"""Accounts from a class list: new ones are made and enrolled, existing ones are invited.

A tutor's class list may name someone who has an account already (a student of another
cohort, say). Enrolling them silently would show their work to this tutor and, before
``User.can_manage_user`` asked for every cohort, let the tutor make a password link for them
and take the account over. So they are invited instead and join only when they accept, on
their programme or account page. An admin's class list enrols everyone directly.

There is no email yet: password links and invitations are shown on the page and written to
the server log, where whoever runs the site can pass them on.
"""
from dataclasses import dataclass

from flask import current_app, url_for

from ..extensions import db
from ..models import PasswordReset, Role, User

NEW = "new account"
EXISTING = "existing account"
INVITED = "invited (waiting for them to accept)"
STILL_INVITED = "already invited (waiting for them to accept)"
MEMBER = "already enrolled"


@dataclass
class Enrolled:
    """One line of the enrolment result: the account, what happened, its password link if new."""
    user: User
    status: str
    link: str | None = None


def issue_reset_link(user, by):
    """Create a password link for ``user`` made by ``by``, write it to the server log, return the URL."""
    _, token = PasswordReset.issue(user, by, hours=current_app.config["PASSWORD_RESET_HOURS"])
    url = url_for("auth.reset_password", token=token, _external=True)
    current_app.logger.warning("password link for %s: %s", user.email, url)
    return url


def enrol_class_list(cohort, rows, by):
    """Enrol the checked ``rows`` (``roster.RosterRow``) in ``cohort`` for ``by``; returns ``Enrolled``s.

    The caller commits. New accounts record ``by`` as their creator and get a password link.
    """
    results = []
    for row in rows:
        user = User.by_email(row.email)
        if user is None:
            user = User(name=row.name, email=row.email, role=Role.STUDENT.value, created_by_id=by.id)
            db.session.add(user)
            db.session.flush()
            cohort.enrol(user)
            results.append(Enrolled(user, NEW, issue_reset_link(user, by)))
        elif cohort.membership_of(user) is not None:
            results.append(Enrolled(user, MEMBER))
        elif by.is_admin:
            waiting = cohort.invitation_of(user)
            if waiting is not None:
                cohort.invitations.remove(waiting)
            cohort.enrol(user)
            results.append(Enrolled(user, EXISTING))
        else:
            _, new = cohort.invite(user, by)
            if new:
                log_invitation(user, cohort, by)
            results.append(Enrolled(user, INVITED if new else STILL_INVITED))
    return results


def summarise(results):
    """How many lines were enrolled, invited (now or before) and already members."""
    return {
        "enrolled": sum(r.status in (NEW, EXISTING) for r in results),
        "invited": sum(r.status in (INVITED, STILL_INVITED) for r in results),
        "members": sum(r.status == MEMBER for r in results),
        "links": sum(r.link is not None for r in results),
    }


def log_invitation(user, cohort, by):
    """Write a new invitation to the server log (there is no email yet), like password links."""
    current_app.logger.warning(
        "invitation for %s to join %s from %s: they accept or decline it when signed in, at %s",
        user.email, cohort.name, by.email, url_for("auth.account", _external=True),
    )
