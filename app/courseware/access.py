"""Who may read which module: tutors and admins all; students those of their levels."""
from flask import g
from flask_login import current_user

from ..content import current_course


def readable_module_slugs(user=None):
    """Slugs of the modules ``user`` (default: the current user) may read; cached per request."""
    if user is None:
        if "readable_modules" not in g:
            g.readable_modules = _readable(current_user)
        return g.readable_modules
    return _readable(user)


def _readable(user):
    course = current_course()
    if not user.is_authenticated:
        return frozenset()
    if user.is_tutor:
        return frozenset(m.slug for m in course.modules)
    return frozenset(m.slug for m in course.modules_for_levels(user.level_ids()))


def can_read_module(module, user=None):
    return module.slug in readable_module_slugs(user)
