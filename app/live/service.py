"""Live sessions: the one place they change. Every change is stored with its event in one
commit, then announced (``events``), so no screen misses it and a restart loses nothing.

A post carries an idempotency key made on the phone: a post resent after a dropped connection
is the same post, stored once.
"""
import hashlib
import json
import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..inputs import clean_text, read_int, read_number, read_text
from ..models.live import CLOSED, LiveActivity, LiveParticipant, LivePost, LiveSession, LiveTable, LiveVote
from ..models.user import utcnow
from . import events, kinds
from .errors import LiveError, read
from .kinds.board import COLOURS, check_dots, dots_for

CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read off a projector
CODE_LENGTH = 6
MAX_NICKNAME = 40
MAX_SESSION_TITLE, MAX_ACTIVITY_TITLE, MAX_PROMPT, MAX_THEME, MAX_KEY = 160, 200, 1000, 80, 64
MAX_TABLES = 30


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
    """A new open session with ``tables`` tables; raises ``LiveError`` naming the field."""
    title = read(read_text, title, "title", MAX_SESSION_TITLE, label="The title", one_line=True)
    if not title:
        raise LiveError("Give the session a title.", "title")
    tables = read(read_int, tables, "tables", 0, MAX_TABLES, label="Tables")
    session = LiveSession(code=new_code(), title=title, cohort=cohort, owner=owner,
                          names_required=names_required, tables_chosen=tables_chosen)
    for number in range(1, tables + 1):
        session.tables.append(LiveTable(name=f"Table {number}", position=number))
    db.session.add(session)
    db.session.commit()
    return session


def add_activity(session, kind_name, title, prompt="", form=None):
    """A new activity from the tutor's form; raises ``LiveError`` naming the field."""
    kind = kinds.get(kind_name)
    if kind is None:
        raise LiveError("Choose an activity type.", "kind")
    title = read(read_text, title, "title", MAX_ACTIVITY_TITLE, label="The title", one_line=True)
    if not title:
        raise LiveError("Give the activity a title.", "title")
    prompt = read(read_text, prompt, "prompt", MAX_PROMPT, label="The prompt")
    settings, errors = kind.settings(form or {})
    if errors:
        field, message = next(iter(errors.items()))
        raise LiveError(message, field)
    settings["prompt"] = prompt
    activity = LiveActivity(session=session, kind=kind.name, title=title, position=len(session.activities) + 1,
                            config=json.dumps(settings, ensure_ascii=False))
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


def group_board(activity, by):
    """Show a board's notes on the projector by ``table`` or by the tutor's ``theme``s."""
    if activity.kind != "board" or by not in ("table", "theme"):
        raise LiveError("Group a board by table or by theme.", "by")
    settings = activity.settings
    settings["group_by"] = by
    activity.config = json.dumps(settings, ensure_ascii=False)
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
    """Seat ``participant`` at the table they chose (``table_id``, as the form sent it)."""
    table_id = read(read_int, table_id, "table", 1, default=None, label="Table")
    table = db.session.get(LiveTable, table_id) if table_id else None
    if table is None or table.session_id != participant.session_id:
        raise LiveError("Choose one of the tables.", "table")
    participant.table_id = table.id
    events.record(participant.session_id, "table", {"participant": participant.id, "table": table.id})
    db.session.commit()
    events.announce(participant.session_id)


# -- posts ------------------------------------------------------------------------------------------

def submit(participant, activity, form, key):
    """Store what a participant sent to ``activity``; returns ``(post, created)``.

    A note or an answer is stored once per idempotency ``key``, however often it is resent. An
    activity with one answer each (a poll, a scale) keeps the latest answer of each participant.
    """
    kind = kinds.get(activity.kind)
    key = read(read_text, key, "key", MAX_KEY, label="The answer's idempotency key", one_line=True)
    if not key:
        raise LiveError("The answer has no idempotency key; reload the page.")
    existing = _post_by_key(participant, key)
    if existing is not None:
        return existing, False
    session = db.session.get(LiveSession, participant.session_id)
    if not session.is_open:
        raise LiveError("This session has ended.")
    if activity.session_id != session.id or session.live_activity_id != activity.id:
        raise LiveError(f"“{activity.title}” has closed, so this was not added.")
    text, value = kind.answer(activity, form)
    colour = value.pop("colour", COLOURS[0]) if isinstance(value, dict) else COLOURS[0]
    now = utcnow()
    post = None
    if kind.one_answer:
        post = db.session.scalar(sa.select(LivePost).where(
            LivePost.activity_id == activity.id, LivePost.participant_id == participant.id))
    elif kind.one_per_table:
        if participant.table_id is None and session.tables:
            raise LiveError("Sit at a table first: your table submits together.", "table")
        post = db.session.scalar(sa.select(LivePost).where(
            LivePost.activity_id == activity.id, LivePost.table_id == participant.table_id))
    if post is None:
        post = LivePost(activity_id=activity.id, participant_id=participant.id, created_at=now)
        db.session.add(post)
    post.participant_id = participant.id  # a table's answer is the last member's who sent it
    post.idempotency_key, post.table_id, post.text, post.colour = key, participant.table_id, text, colour
    post.value, post.updated_at = json.dumps(value), now
    try:
        db.session.flush()
    except IntegrityError:  # the same answer arrived twice at once: the other request stored it
        db.session.rollback()
        return _post_by_key(participant, key), False
    events.record(session.id, "post", post_payload(post, participant))
    db.session.commit()
    events.announce(session.id)
    return post, True


def post_note(participant, activity, text, colour, key):
    """A sticky note on a board (``submit`` with a note's fields)."""
    return submit(participant, activity, {"text": text, "colour": colour}, key)


def _post_by_key(participant, key):
    return db.session.scalar(sa.select(LivePost).where(
        LivePost.participant_id == participant.id, LivePost.idempotency_key == key))


def vote(participant, post, count):
    """Set ``participant``'s dots (or upvote: 1, or 0 to take it back) on ``post``.

    ``count`` as the form sent it: a whole number from 0 to the board's dots (an upvote: 0, or
    1 for any more); anything else ("-5", "abc") is refused naming the field, never taken as 0."""
    activity = db.session.get(LiveActivity, post.activity_id)
    kind = kinds.get(activity.kind)
    session = db.session.get(LiveSession, activity.session_id)
    if not kind.votable or participant.session_id != session.id or post.hidden:
        raise LiveError("You cannot vote on that.")
    if not session.is_open:
        raise LiveError("This session has ended.")
    if activity.kind == "board":
        count = read(read_int, count, "count", 0, dots_for(activity), label="Your dots")
        others = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LiveVote.count), 0)).where(
            LiveVote.activity_id == activity.id, LiveVote.participant_id == participant.id,
            LiveVote.post_id != post.id))
        check_dots(activity, others + count)
    else:
        count = min(read(read_int, count, "count", 0, label="Your vote"), 1)  # an upvote is one, however many
    row = db.session.scalar(sa.select(LiveVote).where(LiveVote.post_id == post.id,
                                                      LiveVote.participant_id == participant.id))
    if row is None:
        row = LiveVote(post_id=post.id, participant_id=participant.id, activity_id=activity.id, count=0)
        db.session.add(row)
    row.count = count
    db.session.flush()
    events.record(session.id, "vote", vote_payload(activity, post))
    db.session.commit()
    events.announce(session.id)


def vote_payload(activity, post):
    """A vote as its event carries it. Dots on a board are for the tutor's screens only (a phone
    shows its own dots), so ``board`` lets the streams skip 300 phones per dot."""
    return {"activity": activity.id, "post": post.id, "votes": votes_of(activity).get(post.id, 0),
            "board": activity.kind == "board"}


def votes_of(activity):
    """``{post id: total votes}`` of an activity. A merged note's votes count on the note it was
    merged into: dots add up, and an upvote counts once per person however many copies they liked."""
    target = sa.func.coalesce(LivePost.merged_into_id, LiveVote.post_id)
    total = (sa.func.sum(LiveVote.count) if activity.kind == "board"
             else sa.func.count(sa.distinct(LiveVote.participant_id)))
    rows = db.session.execute(sa.select(target, total).join(LivePost, LivePost.id == LiveVote.post_id).where(
        LiveVote.activity_id == activity.id, LiveVote.count > 0).group_by(target))
    return {post_id: int(count) for post_id, count in rows if count}


def my_votes(participant, activity):
    return dict(db.session.execute(sa.select(LiveVote.post_id, LiveVote.count).where(
        LiveVote.activity_id == activity.id, LiveVote.participant_id == participant.id)).all())


def set_theme(post, theme):
    """The tutor clusters a note into a theme (or out of one, with an empty name)."""
    post.theme = read(read_text, theme, "theme", MAX_THEME, label="The theme", one_line=True) or None
    activity = db.session.get(LiveActivity, post.activity_id)
    events.record(activity.session_id, "post", post_payload(post, merged=merged_count(post)))
    db.session.commit()
    events.announce(activity.session_id)


def results(activity, include_hidden=False):
    """What the activity's results template shows, from its kind."""
    return kinds.get(activity.kind).results(activity, posts_of(activity, include_hidden), votes_of(activity))


def post_payload(post, participant=None, merged=0):
    """A post as its event carries it; ``results_hidden`` lets each stream decide who sees it
    without a query (when the tutor hides or reveals, every page reloads). ``merged``: how many
    notes the tutor has merged into it."""
    participant = participant or post.participant
    activity = db.session.get(LiveActivity, post.activity_id)
    return {"id": post.id, "activity": post.activity_id, "table": post.table_id, "text": post.text,
            "colour": post.colour, "by": participant.nickname, "participant": participant.id,
            "hidden": post.hidden, "pinned": post.pinned, "theme": post.theme, "merged": merged,
            "results_hidden": bool(activity.results_hidden)}


def moderate(post, hidden=None, pinned=None):
    if hidden is not None:
        if not hidden and post.merged_into_id:
            raise LiveError("That note is merged into another: unmerge it to show it on its own.")
        post.hidden = bool(hidden)
    if pinned is not None:
        post.pinned = bool(pinned)
    activity = db.session.get(LiveActivity, post.activity_id)
    events.record(activity.session_id, "post", post_payload(post, merged=merged_count(post)))
    db.session.commit()
    events.announce(activity.session_id)


MERGEABLE = ("board", "questions")


def merge(target, sources):
    """Fold ``sources`` (notes or questions saying the same) into ``target``: they leave the room's
    screens, their votes count on ``target``, and ``unmerge`` puts each back as it was."""
    activity = db.session.get(LiveActivity, target.activity_id)
    if activity.kind not in MERGEABLE:
        raise LiveError("Only sticky notes and questions can be merged.")
    if target.merged_into_id or target.hidden:
        raise LiveError("Merge into a note the room can see.")
    sources = [p for p in sources if p.id != target.id]
    if not sources:
        raise LiveError("Tick at least one other note to merge into this one.", "post")
    if any(p.activity_id != target.activity_id for p in sources):
        raise LiveError("Notes can only be merged within one activity.", "post")
    source_ids = [p.id for p in sources]
    # notes already merged into a source now point at the target (one level, so votes add once)
    for child in db.session.scalars(sa.select(LivePost).where(LivePost.merged_into_id.in_(source_ids))):
        child.merged_into_id = target.id
    for post in sources:
        post.merged_into_id = target.id
        post.hidden = True
        post.updated_at = utcnow()
        events.record(activity.session_id, "post", post_payload(post))
    db.session.flush()
    events.record(activity.session_id, "post", post_payload(target, merged=merged_count(target)))
    events.record(activity.session_id, "vote", vote_payload(activity, target))
    db.session.commit()
    events.announce(activity.session_id)


def unmerge(post):
    """Put a merged note back on its own, with its own votes."""
    target = db.session.get(LivePost, post.merged_into_id) if post.merged_into_id else None
    if target is None:
        raise LiveError("That note is not merged into another.")
    activity = db.session.get(LiveActivity, post.activity_id)
    post.merged_into_id = None
    post.hidden = False
    post.updated_at = utcnow()
    db.session.flush()
    events.record(activity.session_id, "post", post_payload(post))
    events.record(activity.session_id, "post", post_payload(target, merged=merged_count(target)))
    events.record(activity.session_id, "vote", vote_payload(activity, target))
    db.session.commit()
    events.announce(activity.session_id)


def merged_count(post):
    return db.session.scalar(sa.select(sa.func.count(LivePost.id)).where(LivePost.merged_into_id == post.id))


def merged_into(activity):
    """``{post id: [the notes merged into it]}`` for an activity."""
    merged = {}
    for post in db.session.scalars(sa.select(LivePost).where(
            LivePost.activity_id == activity.id, LivePost.merged_into_id.is_not(None)).order_by(LivePost.id)):
        merged.setdefault(post.merged_into_id, []).append(post)
    return merged


def posts_of(activity, include_hidden=False):
    query = sa.select(LivePost).where(LivePost.activity_id == activity.id).order_by(LivePost.id)
    posts = list(db.session.scalars(query))
    merged = {}
    for post in posts:
        if post.merged_into_id:
            merged[post.merged_into_id] = merged.get(post.merged_into_id, 0) + 1
    for post in posts:
        post.merged_total = merged.get(post.id, 0)
    return posts if include_hidden else [p for p in posts if not p.hidden]


# -- added: plans, timer, tables, export ----------------------------------------------------------
# (plans: ``plans.start``; export: ``export``). Each change below is stored with its event.

MAX_TIMER_MINUTES = 240


def set_timer(activity, minutes):
    """Count down ``minutes`` for ``activity`` on every screen (0 clears the timer). Minutes
    may have decimals (the form's field takes half a minute); NaN, infinity or words are refused."""
    from datetime import timedelta

    minutes = read(read_number, minutes, "minutes", 0, MAX_TIMER_MINUTES, default=0,
                   label="Minutes (0 clears the timer)")
    activity.timer_ends_at = utcnow() + timedelta(minutes=minutes) if minutes else None
    events.record(activity.session_id, "timer", {"activity": activity.id, "ends_at": timer_iso(activity)})
    db.session.commit()
    events.announce(activity.session_id)


def timer_iso(activity):
    """The timer's end as ISO 8601 UTC (``...Z``), or None."""
    ends = activity.timer_ends_at if activity is not None else None
    return ends.replace(microsecond=0).isoformat() + "Z" if ends is not None else None


def timer_seconds_left(activity):
    ends = activity.timer_ends_at if activity is not None else None
    return None if ends is None else max(0, int((ends - utcnow()).total_seconds()))


def assign_table(participant, table_id):
    """The tutor seats ``participant`` at a table of their session (no ``table_id``: at none)."""
    table_id = read(read_int, table_id, "table", 0, default=None, label="Table")
    table = db.session.get(LiveTable, table_id) if table_id else None
    if table_id and (table is None or table.session_id != participant.session_id):
        raise LiveError("Choose one of the tables.", "table")
    participant.table_id = table.id if table is not None else None
    events.record(participant.session_id, "table", {"participant": participant.id, "table": participant.table_id})
    db.session.commit()
    events.announce(participant.session_id)


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
    events.record(session.id, "tables", {"added": table.id})
    db.session.commit()
    events.announce(session.id)
    return table


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
        events.record(participant.session_id, "post", post_payload(post, participant))
    events.record(participant.session_id, "removed", {"participant": participant.id})
    db.session.commit()
    events.announce(participant.session_id)


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
