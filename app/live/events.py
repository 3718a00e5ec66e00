"""How every screen in a workshop room learns what changed, within a second.

A change and its ``LiveEvent`` row are committed together (``record`` then the caller's
commit), then ``announce`` wakes whatever is waiting: the streams of this process at once, and
through Redis (``LIVE_REDIS_URL``) the streams of every other worker or host. The database is
the truth: a waiting stream also looks at the table every second, so without Redis several
workers still agree, only a little later, and a stream that reconnects replays what it missed.
"""
import threading
import time
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models.live import LiveEvent, LiveSession

CHANNEL = "leadup-live"
RECHECK_SECONDS = 1.0  # a waiting stream reads the table at least this often

_wake = threading.Condition()
_generation = [0]  # counts wake-ups, so a wake-up between a read and a wait is not missed
_listener = {"thread": None, "url": None}


def record(session_id, type_, payload):
    """Add the event to the current transaction; the caller commits, then calls ``announce``.

    The session's row is locked first (``FOR NO KEY UPDATE`` on PostgreSQL; SQLite has one
    writer anyway), so a session's events commit in the order of their ids: a screen that has
    seen event N can never later miss an event below N.
    """
    db.session.execute(sa.select(LiveSession.id).where(LiveSession.id == session_id)
                       .with_for_update(key_share=True))
    event = LiveEvent(session_id=session_id, type=type_, payload=payload)
    db.session.add(event)
    return event


def commit_and_announce(session_id, type_, payload):
    """Record the event, commit it with the change it describes, then wake every screen: the
    end of each write of ``sessions``, ``participants`` and ``posts``. A write with several
    events ``record``s the others first."""
    record(session_id, type_, payload)
    db.session.commit()
    announce(session_id)


def _notify():
    with _wake:
        _generation[0] += 1
        _wake.notify_all()


def announce(session_id):
    """After a commit: wake this process's streams and, through Redis, everyone else's."""
    _notify()
    client = _redis()
    if client is not None:
        try:
            client.publish(CHANNEL, str(session_id))
        except Exception:  # Redis down: the others see it within RECHECK_SECONDS from the table
            current_app.logger.warning("live events: Redis publish failed; other workers will poll")


def events_after(session_id, after, limit=500):
    """Events of a session after id ``after``, read from the table (a fresh snapshot)."""
    db.session.rollback()  # a fresh snapshot: SQLite keeps a transaction's view until it ends
    rows = db.session.scalars(sa.select(LiveEvent).where(
        LiveEvent.session_id == session_id, LiveEvent.id > after).order_by(LiveEvent.id).limit(limit))
    return [Event(row.id, row.type, row.data) for row in rows]


class Event(NamedTuple):
    """An event as plain values (a stream outlives the request's database objects)."""

    id: int
    type: str
    data: dict


class _Recent:
    """A process's copy of a session's latest events, complete for ids above ``start``.

    When a post wakes every waiting stream of the room, one of them reads the new events from
    the table and the others take them from here: one query per process, not one per phone.
    """

    SIZE = 2000

    def __init__(self, start):
        self.lock = threading.Lock()
        self.start = start  # every event with a larger id up to ``top`` is in ``events``
        self.top = start
        self.events = []
        self.generation = None
        self.read_at = 0.0

    def after(self, session_id, after):
        with self.lock:
            stale = self.generation != _generation[0] or time.monotonic() - self.read_at >= RECHECK_SECONDS
            if stale:
                self.generation, self.read_at = _generation[0], time.monotonic()
                fresh = events_after(session_id, self.top)
                if fresh:
                    self.events.extend(fresh)
                    self.top = fresh[-1].id
                    if len(self.events) > self.SIZE:
                        drop = len(self.events) - self.SIZE
                        self.start = self.events[drop - 1].id
                        del self.events[:drop]
            return [event for event in self.events if event.id > after]


_recent_lock = threading.Lock()


def recent_after(session_id, after):
    """Events after ``after``, from the process's copy when it covers them, else from the table.

    The caller's database connection goes back to the pool first: a thread queued behind the
    copy's lock must not hold a connection the thread reading for everyone needs.
    """
    db.session.rollback()  # ends the transaction: the connection goes back to the pool
    with _recent_lock:
        copies = current_app.extensions.setdefault("live_recent", {})  # one app, one database
        cache = copies.get(session_id)
        if cache is None:
            cache = copies[session_id] = _Recent(last_id(session_id))
    if after < cache.start:
        return events_after(session_id, after)  # older than the copy: a screen back from a long break
    return cache.after(session_id, after)


def last_id(session_id):
    return db.session.scalar(sa.select(sa.func.max(LiveEvent.id)).where(LiveEvent.session_id == session_id)) or 0


def wait_for(session_id, after, timeout):
    """Events after ``after``, waiting up to ``timeout`` seconds for the first; [] if none came.

    While it waits it holds no database connection (the pool serves the posts meanwhile).
    """
    _listen()
    remaining = timeout
    while True:
        with _wake:
            seen = _generation[0]
        events = recent_after(session_id, after)
        if events or remaining <= 0:
            return events
        db.session.rollback()  # give the connection back while waiting (objects stay usable)
        step = min(RECHECK_SECONDS, remaining)
        with _wake:
            if _generation[0] == seen:
                _wake.wait(step)
        remaining -= step


def _redis():
    url = current_app.config.get("LIVE_REDIS_URL")
    if not url:
        return None
    clients = current_app.extensions.setdefault("live_redis", {})
    if url not in clients:
        import redis
        clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return clients[url]


def _listen():
    """Start (once per process) a thread that wakes local streams when Redis says something changed."""
    url = current_app.config.get("LIVE_REDIS_URL")
    if not url or (_listener["thread"] is not None and _listener["thread"].is_alive()):
        return
    _listener["url"] = url
    thread = threading.Thread(target=_subscribe, args=(url,), name="live-redis", daemon=True)
    _listener["thread"] = thread
    thread.start()


def _subscribe(url):
    import redis
    while True:
        try:
            pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(CHANNEL)
            for _message in pubsub.listen():
                _notify()
        except Exception:  # Redis restarted: streams fall back to reading the table meanwhile
            time.sleep(1)
