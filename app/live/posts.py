"""What participants send to a live activity, and what the room and the tutor do with it: posts,
votes, themes, merging, moderation, results. Each change is stored with its event in one commit,
then announced (``events.commit_and_announce``).

A post carries an idempotency key made on the phone: a post resent after a dropped connection
is the same post, stored once. What differs between activity types (one answer each, votes as
dots or upvotes, merging, themes) is declared by the type (``kinds.LiveKind``).
"""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..inputs import read_text
from ..models.live import LiveActivity, LivePost, LiveSession, LiveVote
from ..models.user import utcnow
from . import kinds
from .errors import LiveError, read
from .events import commit_and_announce, record
from .kinds.base import COLOURS

MAX_THEME, MAX_KEY = 80, 64


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
    post.value, post.updated_at = value, now
    try:
        db.session.flush()
    except IntegrityError:  # the same answer arrived twice at once: the other request stored it
        db.session.rollback()
        return _post_by_key(participant, key), False
    commit_and_announce(session.id, "post", post_payload(post, participant))
    return post, True


def post_note(participant, activity, text, colour, key):
    """A sticky note on a board (``submit`` with a note's fields)."""
    return submit(participant, activity, {"text": text, "colour": colour}, key)


def _post_by_key(participant, key):
    return db.session.scalar(sa.select(LivePost).where(
        LivePost.participant_id == participant.id, LivePost.idempotency_key == key))


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


def results(activity, include_hidden=False):
    """What the activity's results template shows, from its kind."""
    return kinds.get(activity.kind).results(activity, posts_of(activity, include_hidden), votes_of(activity))


# -- votes ----------------------------------------------------------------------------------------

def vote(participant, post, count):
    """Set ``participant``'s vote on ``post``: dots, or an upvote (1, or 0 to take it back).

    ``count`` as the form sent it, read by the kind (``LiveKind.read_vote``): anything that is
    not a vote ("-5", "abc") is refused naming the field, never taken as 0."""
    activity = db.session.get(LiveActivity, post.activity_id)
    kind = kinds.get(activity.kind)
    session = db.session.get(LiveSession, activity.session_id)
    if not kind.votable or participant.session_id != session.id or post.hidden:
        raise LiveError("You cannot vote on that.")
    if not session.is_open:
        raise LiveError("This session has ended.")

    def placed_elsewhere():
        return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LiveVote.count), 0)).where(
            LiveVote.activity_id == activity.id, LiveVote.participant_id == participant.id,
            LiveVote.post_id != post.id))

    count = kind.read_vote(activity, count, placed_elsewhere)
    row = db.session.scalar(sa.select(LiveVote).where(LiveVote.post_id == post.id,
                                                      LiveVote.participant_id == participant.id))
    if row is None:
        row = LiveVote(post_id=post.id, participant_id=participant.id, activity_id=activity.id, count=0)
        db.session.add(row)
    row.count = count
    db.session.flush()
    commit_and_announce(session.id, "vote", vote_payload(activity, post))


def vote_payload(activity, post):
    """A vote as its event carries it. Dots (a board's) are for the tutor's screens only (a phone
    shows its own dots), so ``board`` lets the streams skip 300 phones per dot."""
    return {"activity": activity.id, "post": post.id, "votes": votes_of(activity).get(post.id, 0),
            "board": kinds.get(activity.kind).votes == "dots"}


def votes_of(activity):
    """``{post id: total votes}`` of an activity. A merged note's votes count on the note it was
    merged into: dots add up, and an upvote counts once per person however many copies they liked."""
    target = sa.func.coalesce(LivePost.merged_into_id, LiveVote.post_id)
    total = (sa.func.sum(LiveVote.count) if kinds.get(activity.kind).votes == "dots"
             else sa.func.count(sa.distinct(LiveVote.participant_id)))
    rows = db.session.execute(sa.select(target, total).join(LivePost, LivePost.id == LiveVote.post_id).where(
        LiveVote.activity_id == activity.id, LiveVote.count > 0).group_by(target))
    return {post_id: int(count) for post_id, count in rows if count}


def my_votes(participant, activity):
    return dict(db.session.execute(sa.select(LiveVote.post_id, LiveVote.count).where(
        LiveVote.activity_id == activity.id, LiveVote.participant_id == participant.id)).all())


# -- the tutor's moderation: themes, hiding, pinning, merging ---------------------------------------

def set_theme(post, theme):
    """The tutor clusters a note into a theme (or out of one, with an empty name)."""
    post.theme = read(read_text, theme, "theme", MAX_THEME, label="The theme", one_line=True) or None
    activity = db.session.get(LiveActivity, post.activity_id)
    commit_and_announce(activity.session_id, "post", post_payload(post, merged=merged_count(post)))


def moderate(post, hidden=None, pinned=None):
    if hidden is not None:
        if not hidden and post.merged_into_id:
            raise LiveError("That note is merged into another: unmerge it to show it on its own.")
        post.hidden = bool(hidden)
    if pinned is not None:
        post.pinned = bool(pinned)
    activity = db.session.get(LiveActivity, post.activity_id)
    commit_and_announce(activity.session_id, "post", post_payload(post, merged=merged_count(post)))


def merge(target, sources):
    """Fold ``sources`` (notes or questions saying the same) into ``target``: they leave the room's
    screens, their votes count on ``target``, and ``unmerge`` puts each back as it was."""
    activity = db.session.get(LiveActivity, target.activity_id)
    if not kinds.get(activity.kind).mergeable:
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
        record(activity.session_id, "post", post_payload(post))
    db.session.flush()
    record(activity.session_id, "post", post_payload(target, merged=merged_count(target)))
    commit_and_announce(activity.session_id, "vote", vote_payload(activity, target))


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
    record(activity.session_id, "post", post_payload(post))
    record(activity.session_id, "post", post_payload(target, merged=merged_count(target)))
    commit_and_announce(activity.session_id, "vote", vote_payload(activity, target))


def merged_count(post):
    return db.session.scalar(sa.select(sa.func.count(LivePost.id)).where(LivePost.merged_into_id == post.id))


def merged_into(activity):
    """``{post id: [the notes merged into it]}`` for an activity."""
    merged = {}
    for post in db.session.scalars(sa.select(LivePost).where(
            LivePost.activity_id == activity.id, LivePost.merged_into_id.is_not(None)).order_by(LivePost.id)):
        merged.setdefault(post.merged_into_id, []).append(post)
    return merged
