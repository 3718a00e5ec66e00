"""Live sessions: the one place they change. Every change is stored with its event in one
commit, then announced (``events``), so no screen misses it and a restart loses nothing.

A post carries an idempotency key made on the phone: a post resent after a dropped connection
is the same post, stored once.
"""
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models.live import CLOSED, LiveActivity, LiveParticipant, LivePost, LiveSession, LiveTable
from ..models.user import utcnow
from . import events

CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read off a projector
CODE_LENGTH = 6
MAX_NOTE = 280
MAX_NICKNAME = 40
COLOURS = ("yellow", "pink", "blue", "green")
KINDS = {"board": "Sticky-note board"}


class LiveError(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


def clean(text, limit):
    text = "".join(ch for ch in str(text or "") if ch == "\n" or ch >= " ").strip()
    return text[: limit + 1]


# -- sessions -------------------------------------------------------------------------------------

def new_code():
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
        if db.session.scalar(sa.select(LiveSession.id).where(LiveSession.code == code)) is None:
            return code


def by_code(code):
    code = "".join(str(code or "").upper().split()).replace("-", "")
    return db.session.scalar(sa.select(LiveSession).where(LiveSession.code == code)) if code else None


def create_session(owner, title, cohort=None, tables=4, names_required=False, tables_chosen=True):
    title = clean(title, 160)
    if not title:
        raise LiveError("Give the session a title.", "title")
    session = LiveSession(code=new_code(), title=title[:160], cohort=cohort, owner=owner,
                          names_required=names_required, tables_chosen=tables_chosen)
    for number in range(1, tables + 1):
        session.tables.append(LiveTable(name=f"Table {number}", position=number))
    db.session.add(session)
    db.session.commit()
    return session


def add_activity(session, kind, title, prompt=""):
    if kind not in KINDS:
        raise LiveError("Choose an activity type.", "kind")
    title = clean(title, 200)
    if not title:
        raise LiveError("Give the activity a title.", "title")
    import json
    activity = LiveActivity(session=session, kind=kind, title=title[:200], position=len(session.activities) + 1,
                            config=json.dumps({"prompt": clean(prompt, 1000)[:1000]}))
    db.session.add(activity)
    db.session.flush()
    events.record(session.id, "activity-added", {"id": activity.id})
    db.session.commit()
    events.announce(session.id)
    return activity


def go_live(session, activity):
    """Put ``activity`` (or nothing) on every screen in the room."""
    session.live_activity_id = activity.id if activity is not None else None
    events.record(session.id, "live", {"activity": session.live_activity_id})
    db.session.commit()
    events.announce(session.id)


def set_results_hidden(activity, hidden):
    activity.results_hidden = bool(hidden)
    events.record(activity.session_id, "results", {"activity": activity.id, "hidden": activity.results_hidden})
    db.session.commit()
    events.announce(activity.session_id)


def close(session):
    session.status = CLOSED
    events.record(session.id, "closed", {})
    db.session.commit()
    events.announce(session.id)


def live_activity(session):
    return next((a for a in session.activities if a.id == session.live_activity_id), None)


# -- participants -----------------------------------------------------------------------------------

def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def join(session, user=None, nickname=""):
    """``(participant, guest token or None)``; an account holder who joins again is the same participant."""
    if not session.is_open:
        raise LiveError("This session has ended.")
    if user is not None and user.is_authenticated:
        existing = db.session.scalar(sa.select(LiveParticipant).where(
            LiveParticipant.session_id == session.id, LiveParticipant.user_id == user.id))
        if existing is not None:
            if existing.removed:
                raise LiveError("The tutor has taken you out of this session.")
            return existing, None
        participant = LiveParticipant(session_id=session.id, user_id=user.id, nickname=user.name[:MAX_NICKNAME])
        token = None
    else:
        if session.names_required:
            raise LiveError("Sign in to join this session: the tutor asks for names.")
        nickname = clean(nickname, MAX_NICKNAME)
        if not nickname:
            raise LiveError("Choose a nickname to show to the room.", "nickname")
        if len(nickname) > MAX_NICKNAME:
            raise LiveError(f"A nickname has at most {MAX_NICKNAME} characters.", "nickname")
        token = secrets.token_urlsafe(24)
        participant = LiveParticipant(session_id=session.id, nickname=nickname, token_hash=hash_token(token))
    db.session.add(participant)
    db.session.flush()
    events.record(session.id, "joined", {"participant": participant.id, "nickname": participant.nickname})
    try:
        db.session.commit()
    except IntegrityError:  # the same account joined twice at once
        db.session.rollback()
        return join(session, user)
    events.announce(session.id)
    return participant, token


def participant_for(session, user, token):
    """The participant this browser is in ``session``, from its account or its guest token."""
    if user is not None and user.is_authenticated:
        found = db.session.scalar(sa.select(LiveParticipant).where(
            LiveParticipant.session_id == session.id, LiveParticipant.user_id == user.id))
        if found is not None:
            return None if found.removed else found
    if token:
        found = db.session.scalar(sa.select(LiveParticipant).where(
            LiveParticipant.session_id == session.id, LiveParticipant.token_hash == hash_token(token)))
        return None if found is None or found.removed else found
    return None


def choose_table(participant, table_id):
    table = db.session.get(LiveTable, table_id) if table_id else None
    if table is None or table.session_id != participant.session_id:
        raise LiveError("Choose one of the tables.", "table")
    participant.table_id = table.id
    events.record(participant.session_id, "table", {"participant": participant.id, "table": table.id})
    db.session.commit()
    events.announce(participant.session_id)


# -- posts ------------------------------------------------------------------------------------------

def post_note(participant, activity, text, colour, key):
    """Store a sticky note once per idempotency ``key``; returns ``(post, created)``."""
    key = str(key or "")[:64]
    if not key:
        raise LiveError("The note has no idempotency key; reload the page.")
    existing = db.session.scalar(sa.select(LivePost).where(
        LivePost.participant_id == participant.id, LivePost.idempotency_key == key))
    if existing is not None:
        return existing, False
    session = db.session.get(LiveSession, participant.session_id)
    if not session.is_open:
        raise LiveError("This session has ended.")
    if activity.session_id != session.id or activity.kind != "board":
        raise LiveError("That activity does not take notes.")
    text = clean(text, MAX_NOTE)
    if not text:
        raise LiveError("Write something on the note first.", "text")
    if len(text) > MAX_NOTE:
        raise LiveError(f"A note has at most {MAX_NOTE} characters.", "text")
    colour = colour if colour in COLOURS else COLOURS[0]
    post = LivePost(activity_id=activity.id, participant_id=participant.id, table_id=participant.table_id,
                    idempotency_key=key, text=text, colour=colour, created_at=utcnow())
    db.session.add(post)
    try:
        db.session.flush()
    except IntegrityError:  # the same note arrived twice at once: the other request stored it
        db.session.rollback()
        return db.session.scalar(sa.select(LivePost).where(
            LivePost.participant_id == participant.id, LivePost.idempotency_key == key)), False
    events.record(session.id, "post", post_payload(post, participant))
    db.session.commit()
    events.announce(session.id)
    return post, True


def post_payload(post, participant=None):
    participant = participant or post.participant
    return {"id": post.id, "activity": post.activity_id, "table": post.table_id, "text": post.text,
            "colour": post.colour, "by": participant.nickname, "participant": participant.id,
            "hidden": post.hidden, "pinned": post.pinned}


def moderate(post, hidden=None, pinned=None):
    if hidden is not None:
        post.hidden = bool(hidden)
    if pinned is not None:
        post.pinned = bool(pinned)
    activity = db.session.get(LiveActivity, post.activity_id)
    events.record(activity.session_id, "post", post_payload(post))
    db.session.commit()
    events.announce(activity.session_id)


def posts_of(activity, include_hidden=False):
    query = sa.select(LivePost).where(LivePost.activity_id == activity.id).order_by(LivePost.id)
    posts = list(db.session.scalars(query))
    return posts if include_hidden else [p for p in posts if not p.hidden]
