"""Who may read which module: tutors and admins all; students those of their levels."""
from flask_login import current_user

from ..content import current_course


def readable_module_slugs(user=None):
    user = user if user is not None else current_user
    course = current_course()
    if not user.is_authenticated:
        return set()
    if user.is_tutor:
        return {m.slug for m in course.modules}
    return {m.slug for m in course.modules_for_levels(user.level_ids())}


def can_read_module(module, user=None):
    return module.slug in readable_module_slugs(user)
