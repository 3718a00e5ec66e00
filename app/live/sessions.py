"""Live sessions and their activities: create, codes, go live, results shown or hidden, timer,
close. Every change is stored with its event in one commit, then announced
(``events.commit_and_announce``), so no screen misses it and a restart loses nothing."""
import secrets
from datetime import timedelta

import sqlalchemy as sa

from ..extensions import db
from ..inputs import read_int, read_number, read_text
from ..models.live import CLOSED, LiveActivity, LiveSession, LiveTable
from ..models.user import utcnow
from ..registry import ConfigError
from . import kinds
from .errors import LiveError, read
from .events import commit_and_announce

CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read off a projector
CODE_LENGTH = 6
MAX_SESSION_TITLE, MAX_ACTIVITY_TITLE, MAX_PROMPT = 160, 200, 1000
MAX_TABLES = 30
MAX_TIMER_MINUTES = 240


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
    try:
        settings = kind.from_config(kind.form_data(form or {}))
    except ConfigError as error:
        raise LiveError(error.message, error.field) from None
    settings["prompt"] = prompt
    activity = LiveActivity(session=session, kind=kind.name, title=title, position=len(session.activities) + 1,
                            config=settings)
    db.session.add(activity)
    db.session.flush()
    commit_and_announce(session.id, "activity-added", {"id": activity.id})
    return activity


def go_live(session, activity):
    """Put ``activity`` (or nothing) on every screen in the room."""
    session.live_activity_id = activity.id if activity is not None else None
    commit_and_announce(session.id, "live", {"activity": session.live_activity_id})


def set_results_hidden(activity, hidden):
    activity.results_hidden = bool(hidden)
    commit_and_announce(activity.session_id, "results", {"activity": activity.id, "hidden": activity.results_hidden})


def group_board(activity, by):
    """Show an activity's notes on the projector by ``table`` or by the tutor's ``theme``s
    (for a kind with ``themes``: a board)."""
    if not kinds.get(activity.kind).themes or by not in ("table", "theme"):
        raise LiveError("Group a board by table or by theme.", "by")
    settings = activity.settings
    settings["group_by"] = by
    activity.config = settings
    commit_and_announce(activity.session_id, "results", {"activity": activity.id, "hidden": activity.results_hidden})


def close(session):
    session.status = CLOSED
    commit_and_announce(session.id, "closed", {})


def live_activity(session):
    return next((a for a in session.activities if a.id == session.live_activity_id), None)


# -- the timer ------------------------------------------------------------------------------------

def set_timer(activity, minutes):
    """Count down ``minutes`` for ``activity`` on every screen (0 clears the timer). Minutes
    may have decimals (the form's field takes half a minute); NaN, infinity or words are refused."""
    minutes = read(read_number, minutes, "minutes", 0, MAX_TIMER_MINUTES, default=0,
                   label="Minutes (0 clears the timer)")
    activity.timer_ends_at = utcnow() + timedelta(minutes=minutes) if minutes else None
    commit_and_announce(activity.session_id, "timer", {"activity": activity.id, "ends_at": timer_iso(activity)})


def timer_iso(activity):
    """The timer's end as ISO 8601 UTC (``...Z``), or None."""
    ends = activity.timer_ends_at if activity is not None else None
    return ends.replace(microsecond=0).isoformat() + "Z" if ends is not None else None


def timer_seconds_left(activity):
    ends = activity.timer_ends_at if activity is not None else None
    return None if ends is None else max(0, int((ends - utcnow()).total_seconds()))
