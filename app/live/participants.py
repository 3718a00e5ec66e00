"""Who is in a live session: joining (an account, or a guest with a cookie token), tables, and
the tutor taking someone out. Each change is stored with its event in one commit, then announced
(``events.commit_and_announce``)."""
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..inputs import clean_text, read_int, read_text
from ..models.live import LiveParticipant, LivePost, LiveTable
from .errors import LiveError, read
from .events import commit_and_announce, record
from .posts import post_payload
from .sessions import MAX_TABLES

MAX_NICKNAME = 40


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
        # the account's name, as the room sees it (the column holds 40 characters; accounts allow more)
        name = clean_text(user.name, one_line=True)[:MAX_NICKNAME] or "Participant"
        participant = LiveParticipant(session_id=session.id, user_id=user.id, nickname=name)
        token = None
    else:
        if session.names_required:
            raise LiveError("Sign in to join this session: the tutor asks for names.")
        nickname = read(read_text, nickname, "nickname", MAX_NICKNAME, label="Your name for the room", one_line=True)
        if not nickname:
            raise LiveError("Choose a nickname to show to the room.", "nickname")
        token = secrets.token_urlsafe(24)
        participant = LiveParticipant(session_id=session.id, nickname=nickname, token_hash=hash_token(token))
    db.session.add(participant)
    db.session.flush()
    try:
        commit_and_announce(session.id, "joined", {"participant": participant.id, "nickname": participant.nickname})
    except IntegrityError:  # the same account joined twice at once
        db.session.rollback()
        return join(session, user)
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


def removed_participant(session, user, token):
    """The removed participant this browser was in ``session``, or None (see ``participant_for``)."""
    if user is not None and user.is_authenticated:
        found = db.session.scalar(sa.select(LiveParticipant).where(
            LiveParticipant.session_id == session.id, LiveParticipant.user_id == user.id))
        if found is not None and found.removed:
            return found
    if token:
        found = db.session.scalar(sa.select(LiveParticipant).where(
            LiveParticipant.session_id == session.id, LiveParticipant.token_hash == hash_token(token)))
        if found is not None and found.removed:
            return found
    return None


# -- tables ---------------------------------------------------------------------------------------

def choose_table(participant, table_id):
    """Seat ``participant`` at the table they chose (``table_id``, as the form sent it)."""
    table_id = read(read_int, table_id, "table", 1, default=None, label="Table")
    table = db.session.get(LiveTable, table_id) if table_id else None
    if table is None or table.session_id != participant.session_id:
        raise LiveError("Choose one of the tables.", "table")
    participant.table_id = table.id
    commit_and_announce(participant.session_id, "table", {"participant": participant.id, "table": table.id})


def assign_table(participant, table_id):
    """The tutor seats ``participant`` at a table of their session (no ``table_id``: at none)."""
    table_id = read(read_int, table_id, "table", 0, default=None, label="Table")
    table = db.session.get(LiveTable, table_id) if table_id else None
    if table_id and (table is None or table.session_id != participant.session_id):
        raise LiveError("Choose one of the tables.", "table")
    participant.table_id = table.id if table is not None else None
    commit_and_announce(participant.session_id, "table", {"participant": participant.id,
                                                          "table": participant.table_id})


def add_table(session):
    numbers = {t.name for t in session.tables}
    number = len(session.tables) + 1
    while f"Table {number}" in numbers:
        number += 1
    if len(session.tables) >= MAX_TABLES:
        raise LiveError(f"A session has at most {MAX_TABLES} tables.")
    table = LiveTable(name=f"Table {number}", position=max((t.position for t in session.tables), default=0) + 1)
    session.tables.append(table)
    db.session.flush()
    commit_and_announce(session.id, "tables", {"added": table.id})
    return table


# -- taking someone out ---------------------------------------------------------------------------

def remove_participant(participant, hide_posts=False):
    """Take ``participant`` out of the session: they can send nothing more. Their posts stay
    (hidden from the room too with ``hide_posts``)."""
    participant.removed = True
    hidden = []
    if hide_posts:
        for post in db.session.scalars(sa.select(LivePost).where(LivePost.participant_id == participant.id)):
            if not post.hidden:
                post.hidden = True
                hidden.append(post)
    for post in hidden:
        record(participant.session_id, "post", post_payload(post, participant))
    commit_and_announce(participant.session_id, "removed", {"participant": participant.id})
