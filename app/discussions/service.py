"""Cohort discussions: the one place topics and replies change. No request code: callers pass
the user and already-checked values (``validation``), and get a ``DiscussionError`` naming the
field when a rule refuses the change.

Who may do what: the members of a cohort (its students and tutors) and admins read and write
its discussions; its tutors and admins moderate (pin, lock, hide). Students never see what a
tutor hid. An author edits their own post for ``EDIT_MINUTES`` after sending it.
"""
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import DiscussionPost, DiscussionTopic, LiveActivity, LiveSession
from ..models.user import utcnow

EDIT_MINUTES = 30
SAME_TOPIC_MINUTES = 10  # the same topic sent again this soon is a resend, not a new topic
UK = ZoneInfo("Europe/London")
TOPIC_ACTIONS = {"pin": ("pinned", True), "unpin": ("pinned", False), "lock": ("locked", True),
                 "unlock": ("locked", False), "hide": ("hidden", True), "unhide": ("hidden", False)}
REPLY_ACTIONS = {"hide": ("hidden", True), "unhide": ("hidden", False)}
LOCKED_MESSAGE = "This topic is locked: a tutor has closed it to new replies."


class DiscussionError(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


# -- who may ----------------------------------------------------------------------------------

def is_member(user, cohort):
    """Students and tutors of ``cohort``, and admins."""
    return user.is_authenticated and (user.is_admin or cohort.membership_of(user) is not None)


def moderates(user, cohort):
    """Tutors of ``cohort`` and admins."""
    return user.is_authenticated and user.teaches(cohort)


def can_read_topic(user, topic):
    return is_member(user, topic.cohort) and (not topic.hidden or moderates(user, topic.cohort))


def can_edit(user, post, now=None):
    """The author, within ``EDIT_MINUTES`` of sending it (a topic or a reply)."""
    return (user.is_authenticated and post.author_id == user.id
            and (now or utcnow()) - post.created_at <= timedelta(minutes=EDIT_MINUTES))


# -- reading ----------------------------------------------------------------------------------

def topics_for(cohort, user):
    """``[(topic, reply count)]`` the user may see: pinned first, then the latest conversation."""
    show_hidden = moderates(user, cohort)
    replies = sa.select(DiscussionPost.topic_id, sa.func.count(DiscussionPost.id).label("n")).group_by(
        DiscussionPost.topic_id)
    if not show_hidden:
        replies = replies.where(DiscussionPost.hidden.is_(False))
    replies = replies.subquery()
    query = (sa.select(DiscussionTopic, sa.func.coalesce(replies.c.n, 0))
             .outerjoin(replies, replies.c.topic_id == DiscussionTopic.id)
             .where(DiscussionTopic.cohort_id == cohort.id)
             .order_by(DiscussionTopic.pinned.desc(), DiscussionTopic.last_post_at.desc(), DiscussionTopic.id.desc()))
    if not show_hidden:
        query = query.where(DiscussionTopic.hidden.is_(False))
    return [(topic, count) for topic, count in db.session.execute(query)]


def live_sources(topics):
    """``{live activity id: (activity, session)}`` of the topics made from a live session."""
    ids = {t.live_activity_id for t in topics if t.live_activity_id}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(LiveActivity, LiveSession).join(
        LiveSession, LiveSession.id == LiveActivity.session_id).where(LiveActivity.id.in_(ids)))
    return {activity.id: (activity, session) for activity, session in rows}


def thread(topic, user):
    """The replies the user may see, one level deep: ``[(reply or None, [answers])]``.

    A hidden reply is left out for students; if others answered it, it stays as an empty slot
    (``None``) so the answers keep their place.
    """
    show_hidden = moderates(user, topic.cohort)
    top, answers = [], {}
    for post in topic.posts:
        if post.parent_id is None:
            top.append(post)
        else:
            answers.setdefault(post.parent_id, []).append(post)
    threads = []
    for post in top:
        shown = [a for a in answers.get(post.id, []) if show_hidden or not a.hidden]
        if show_hidden or not post.hidden:
            threads.append((post, shown))
        elif shown:
            threads.append((None, shown))
    return threads


def reply_by_key(user, key):
    if not key:
        return None
    return db.session.scalar(sa.select(DiscussionPost).where(
        DiscussionPost.author_id == user.id, DiscussionPost.idempotency_key == key))


# -- writing ----------------------------------------------------------------------------------

def start_topic(cohort, author, title, body):
    """A new topic; the same one sent again within minutes (a double click) is returned as it was."""
    since = utcnow() - timedelta(minutes=SAME_TOPIC_MINUTES)
    same = db.session.scalar(sa.select(DiscussionTopic).where(
        DiscussionTopic.cohort_id == cohort.id, DiscussionTopic.author_id == author.id,
        DiscussionTopic.title == title, DiscussionTopic.body == body, DiscussionTopic.created_at >= since))
    if same is not None:
        return same
    now = utcnow()
    topic = DiscussionTopic(cohort=cohort, author=author, title=title, body=body, created_at=now, last_post_at=now)
    db.session.add(topic)
    db.session.commit()
    return topic


def reply(topic, author, body, parent_id=None, key=None):
    """``(reply, created)``. A reply resent with the same key is the first one, stored once.

    An answer to an answer joins the thread of the reply it answers (one level of threading).
    """
    existing = reply_by_key(author, key)
    if existing is not None:
        return existing, False
    if topic.locked:
        raise DiscussionError(LOCKED_MESSAGE, "body")
    parent = None
    if parent_id is not None:
        parent = db.session.get(DiscussionPost, parent_id)
        if parent is None or parent.topic_id != topic.id or (parent.hidden and not moderates(author, topic.cohort)):
            raise DiscussionError("The reply you answered is no longer here.", "body")
        if parent.parent_id is not None:
            parent = db.session.get(DiscussionPost, parent.parent_id) or parent
    now = utcnow()
    post = DiscussionPost(topic=topic, author=author, parent_id=parent.id if parent else None,
                          idempotency_key=key, body=body, created_at=now)
    topic.last_post_at = now
    db.session.add(post)
    try:
        db.session.commit()
    except IntegrityError:  # the same reply arrived twice at once: the other request stored it
        db.session.rollback()
        existing = reply_by_key(author, key)
        if existing is None:
            raise
        return existing, False
    return post, True


def _check_edit(user, post):
    if post.author_id != user.id:
        raise DiscussionError("Only its author can edit this.")
    if not can_edit(user, post):
        raise DiscussionError(f"A post can be edited for {EDIT_MINUTES} minutes after it is sent.")


def edit_topic(topic, user, title, body):
    _check_edit(user, topic)
    topic.title, topic.body = title, body
    db.session.commit()


def edit_reply(post, user, body):
    _check_edit(user, post)
    if post.body != body:
        post.body, post.edited_at = body, utcnow()
    db.session.commit()


def moderate_topic(topic, action):
    """Pin, unpin, lock, unlock, hide or unhide ``topic`` (the caller checked ``moderates``)."""
    _moderate(topic, action, TOPIC_ACTIONS)


def moderate_reply(post, action):
    """Hide or unhide a reply (the caller checked ``moderates``)."""
    _moderate(post, action, REPLY_ACTIONS)


def _moderate(item, action, actions):
    if action not in actions:
        raise DiscussionError("Unknown action.")
    name, value = actions[action]
    setattr(item, name, value)
    db.session.commit()


def display_time(moment):
    """A stored UTC time as UK time, e.g. "3 Dec 2026, 14:05"."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=UTC).astimezone(UK)
    return f"{local.day} {local:%b %Y, %H:%M}"
