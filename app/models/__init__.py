"""Database models. Import them from here: ``from app.models import User``."""
from .cohort import Cohort, Membership
from .competency import CompetencyRating
from .deliberation import (DeliberationAttempt, DeliberationComment, DeliberationDot, DeliberationField,
                           DeliberationGroup, DeliberationGroupMember, DeliberationNote, DeliberationSetting,
                           DeliberationStatement, DeliberationVote)
from .discussion import DiscussionPost, DiscussionTopic
from .live import LiveActivity, LiveEvent, LiveParticipant, LivePost, LiveSession, LiveTable, LiveVote
from .progress import UnitCompletion
from .quiz import DueExtension, GradeOverride, QuizAnswer, QuizAttempt
from .simulation import CityDataset, SavedScenario
from .user import PasswordReset, Role, User


def init_app(app):
    from ..extensions import db, login_manager

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id):
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.is_active else None


__all__ = ["CityDataset", "Cohort", "CompetencyRating", "DeliberationAttempt", "DeliberationComment", "DeliberationDot",
           "DeliberationField", "DeliberationGroup", "DeliberationGroupMember", "DeliberationNote",
           "DeliberationSetting", "DeliberationStatement", "DeliberationVote", "DiscussionPost",
           "DiscussionTopic", "DueExtension",
           "GradeOverride", "LiveActivity", "LiveEvent", "LiveParticipant", "LivePost", "LiveSession",
           "LiveTable", "LiveVote", "Membership", "PasswordReset", "QuizAnswer", "QuizAttempt", "Role", "SavedScenario",
           "UnitCompletion", "User", "init_app"]
