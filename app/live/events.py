"""How every screen in a workshop room learns what changed, within a second.

A change and its ``LiveEvent`` row are committed together (``record`` then the caller's
commit), then ``announce`` wakes whatever is waiting: the streams of this process at once, and
through Redis (``LIVE_REDIS_URL``) the streams of every other worker or host. The database is
the truth: a waiting stream also looks at the table every second, so without Redis several
workers still agree, only a little later, and a stream that reconnects replays what it missed.
"""
import json
import threading

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
    event = LiveEvent(session_id=session_id, type=type_, payload=json.dumps(payload, ensure_ascii=False))
    db.session.add(event)
    return event


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
    db.session.rollback()  # a fresh snapshot: SQLite keeps a transaction's view until it ends
    return list(db.session.scalars(sa.select(LiveEvent).where(
        LiveEvent.session_id == session_id, LiveEvent.id > after).order_by(LiveEvent.id).limit(limit)))


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
        events = events_after(session_id, after)
        if events or remaining <= 0:
            return events
        db.session.close()  # give the connection back while waiting
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
    import time

    import redis
    while True:
        try:
            pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(CHANNEL)
            for _message in pubsub.listen():
                _notify()
        except Exception:  # Redis restarted: streams fall back to reading the table meanwhile
            time.sleep(1)
