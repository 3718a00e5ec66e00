"""Answering an invitation to join a cohort: the invited person accepts or declines it.

Only the invited person may answer; anyone else gets 404, as if the invitation did not exist.
The forms are on the programme page and the account page (``auth/_invitations.html``).
"""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from ..extensions import db
from ..models import Invitation
from ..security import signed_in
from . import bp
from .routes import _safe_next


def _own_invitation(invitation_id):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.user_id != current_user.id:
        abort(404)
    return invitation


def _back():
    return _safe_next(request.form.get("next")) or url_for("auth.account")


@bp.post("/invitations/<int:invitation_id>/accept")
@signed_in
def accept_invitation(invitation_id):
    cohort = _own_invitation(invitation_id).accept()
    db.session.commit()
    current_app.logger.warning("invitation accepted: %s joined %s", current_user.email, cohort.name)
    flash(f"You joined {cohort.name}. Its modules are on the programme page.", "success")
    return redirect(_back())


@bp.post("/invitations/<int:invitation_id>/decline")
@signed_in
def decline_invitation(invitation_id):
    invitation = _own_invitation(invitation_id)
    name = invitation.cohort.name
    db.session.delete(invitation)
    db.session.commit()
    current_app.logger.warning("invitation declined: %s did not join %s", current_user.email, name)
    flash(f"You declined the invitation to {name}. You are not a member of it.", "info")
    return redirect(_back())
