"""Database models. Import them from here: ``from app.models import User``."""
from .cohort import Cohort, Invitation, Membership
from .competency import CompetencyRating
from .deliberation import (
    DeliberationAttempt,
    DeliberationComment,
    DeliberationDot,
    DeliberationField,
    DeliberationGroup,
    DeliberationGroupMember,
    DeliberationNote,
    DeliberationSetting,
    DeliberationStatement,
    DeliberationVote,
)
from .discussion import DiscussionPost, DiscussionTopic
from .live import LiveActivity, LiveEvent, LiveParticipant, LivePost, LiveSession, LiveTable, LiveVote
from .progress import UnitCompletion
from .quiz import DueExtension, GradeOverride, QuizAnswer, QuizAttempt
from .simulation import CityDataset, SavedScenario
from .user import ROLES, STAFF, PasswordReset, Role, User


def init_app(app):
    from ..extensions import db, login_manager

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id):
        """The user of a session or remember-me cookie: ``"<id>:<version>"`` (``User.get_id``).

        A session made before the account's password was last set carries an older version
        and is refused, and so is the bare ``"<id>"`` of sessions made before versions existed.
        """
        user_id, _, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or user.session_version != int(version):
            return None
        return user


__all__ = ["CityDataset", "Cohort", "CompetencyRating", "DeliberationAttempt", "DeliberationComment", "DeliberationDot",
           "DeliberationField", "DeliberationGroup", "DeliberationGroupMember", "DeliberationNote",
           "DeliberationSetting", "DeliberationStatement", "DeliberationVote", "DiscussionPost",
           "DiscussionTopic", "DueExtension",
           "GradeOverride", "Invitation", "LiveActivity", "LiveEvent", "LiveParticipant", "LivePost", "LiveSession",
           "LiveTable", "LiveVote", "Membership", "PasswordReset", "QuizAnswer", "QuizAttempt", "ROLES", "Role", "STAFF",
           "SavedScenario",
           "UnitCompletion", "User", "init_app"]
