"""Benchmark: a live workshop, with N participants posting sticky notes while the projector follows.

    python bench/workshop_load.py [--participants 300] [--seconds 120] [--notes 5] [--tables 10]
                                  [--follow poll|stream|none] [--backend sqlite|postgresql|both]

For each backend it makes a fresh database (``flask db upgrade`` + ``flask demo seed``; for
PostgreSQL a throwaway database on ``--postgres-url``'s server, dropped at the end) and starts
gunicorn (``LEADUP_ENV=production``; ``bench/harness.py``) on a free port of 127.0.0.1:

- **sqlite**: one process, one gthread worker with ``--sqlite-threads`` (64) threads; no Redis
  (one process: its streams are woken in-process);
- **postgresql**: two gthread workers with ``--pg-threads`` (64) threads each, and Redis
  (``--redis-url``, ``LIVE_REDIS_URL``) to wake the other worker's streams.

The demo tutor signs in through the form, creates a session with ``--tables`` tables that
participants choose, adds a board and puts it live, and the projector (the tutor's cookies)
opens ``/live/<code>/stream`` from the last event id, reading it line by line in a thread (it
reconnects with ``Last-Event-ID`` if the stream ends, as ``EventSource`` does). Then every
participant joins as a guest through the join form (GET the page for its CSRF token, POST a
nickname), opens the room and chooses a table (round robin). Not timed, apart from the figures.

Then, for ``--seconds``, every participant posts ``--notes`` notes at random moments
(``Accept: application/json``, ``X-CSRFToken``, a fresh idempotency key each, a pool of
``--senders`` client threads sending them on time). About ``--resend`` (5 %) of the notes are
sent again with the same key: half right after the answer (a retry after a lost reply), half at
the same moment as the first send (a retry while the first is still in flight); exactly one
answer per key may say ``created: true``. Meanwhile each participant follows the room
(``--follow``):

- ``poll`` (default): ``/live/<code>/events?after=N&wait=20`` in a loop, as ``live.js`` does
  when server-sent events are blocked. It keeps the client at one thread per participant
  that mostly sleeps in a socket read; a reply comes as soon as any event is committed, so
  each participant asks again after every event (this is the load the fallback really makes);
- ``stream``: one server-sent-events connection per participant, as ``live.js`` does by
  default. Each open stream holds a server thread for up to 300 s, so with fewer threads than
  participants most streams (and everything queued behind them) wait;
- ``none``: only the projector follows.

After the notes, a voting phase: each participant places one dot on each of up to ``--dots``
(3) notes of their table written by others, at random moments over ``--vote-seconds`` (20).

When every post and vote is answered, the projector is given up to 30 s to receive them all and the
followers to catch up with the last post event. It prints p50/p95/max of the **post-to-projector
latency** (from the POST's response to the event's arrival on the projector's stream; it can be
slightly negative when the event overtakes the response), post latency, join and follow request
latency and errors, CPU per backend (from ``/proc``), and checks: every acknowledged note is in
``live_posts`` exactly once, has exactly one ``post`` event, and came exactly once on the
projector's stream (0 lost, 0 duplicated); every resend got the same id; every follower got
every note of its table; and in the session's CSV export (downloaded by the tutor) every
acknowledged note is there exactly once with the number of dots acknowledged for it. Targets
(reported, not asserted): 0 lost, 0 duplicated, p95 under 1 s.

The exit status is 1 if a note was lost or duplicated (database, events, projector or export),
a vote total was wrong, a
resend made a second note, a follower missed a note, or a request failed.
"""
import argparse
import concurrent.futures
import csv
import http.client
import io
import json
import os
import random
import re
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    HOST,
    REDIS_URL,
    BenchError,
    CookieClient,
    Table,
    add_postgres_option,
    backends,
    bench_env,
    connect,
    cookie_header,
    cpu_times,
    csrf_in,
    figures,
    log_summary,
    on_backend,
    on_schedule,
    outcome_of,
    percentile,
    prepare,
    serving,
    unfinished,
    write_json,
)

TUTOR = "tutor@leadup.example"
PASSWORD = "leadup-demo-2026"
COLOURS = ("yellow", "pink", "blue", "green")


# -- clients ---------------------------------------------------------------------------------------

def set_up_session(port, tables, timeout):
    """The tutor signs in, creates the session and its board, puts it live; ``(tutor, code, last event)``."""
    tutor = CookieClient(port, timeout)
    tutor.sign_in(TUTOR, PASSWORD)
    _, _, body = tutor.send("GET", "/live")
    token = csrf_in(body)
    status, location, _ = tutor.send("POST", "/live", {"csrf_token": token, "title": "Bench workshop",
                                                        "tables": str(tables), "tables_chosen": "1"})
    match = re.fullmatch(r"/live/([A-Z0-9]+)/control", location)
    if status != 302 or not match:
        raise BenchError(f"creating the session answered HTTP {status} to {location!r}")
    code = match.group(1)
    tutor.send("POST", f"/live/{code}/activities", {"csrf_token": token, "kind": "board", "title": "Ideas"})
    # The new activity's id, from its event (the tutor sees every event).
    _, _, body = tutor.send("GET", f"/live/{code}/events?after=0")
    added = [e["data"]["id"] for e in json.loads(body)["events"] if e["type"] == "activity-added"]
    if len(added) != 1:
        raise BenchError(f"adding the board made {len(added)} activity-added events")
    tutor.send("POST", f"/live/{code}/activities/{added[0]}/live", {"csrf_token": token})
    _, _, body = tutor.send("GET", f"/live/{code}/projector")
    after = re.search(rb'data-after="(\d+)"', body)
    if not after:
        raise BenchError("the projector page has no data-after")
    return tutor, code, int(after.group(1))


class Participant:
    def __init__(self, port, index, code, timeout):
        self.client = CookieClient(port, timeout)
        self.index = index
        self.code = code
        self.token = None
        self.table = None
        self.after = 0
        self.posts = []  # dicts: key, text, seconds, ended, outcome, id, created, resends
        self.follow = []  # (seconds, outcome)
        self.seen = {}  # post id -> times it came
        self.join_figures = []  # (seconds, outcome)
        self.reader = None  # --follow stream
        self.votes = []  # (seconds, outcome)
        self.dots = {}  # post id -> dots placed (acknowledged)

    def join(self, table_ids):
        c = self.client
        t = c.timed("GET", f"/join/{self.code}")
        token = csrf_in(t[4]) if t[2] == 200 else None
        self.join_figures.append((t[0], "ok" if token else outcome_of(t[2])))
        if not token:
            raise BenchError(f"participant {self.index}: the join page answered {outcome_of(t[2])}")
        began = time.perf_counter()
        status, location, _ = c.send("POST", f"/join/{self.code}", {"csrf_token": token,
                                                                     "nickname": f"P{self.index + 1}"})
        self.join_figures.append((time.perf_counter() - began, "ok" if status == 302 else outcome_of(status)))
        if status != 302 or not any(name.startswith("leadup_live_") for name in c.jar):
            raise BenchError(f"participant {self.index}: joining answered HTTP {status} to {location!r}")
        status, _, body = c.send("GET", f"/live/{self.code}")
        self.token = csrf_in(body)
        after = re.search(rb'data-after="(\d+)"', body)
        offered = [int(t) for t in re.findall(rb'name="table_id" value="(\d+)"', body)]
        if status != 200 or not self.token or not after or sorted(offered) != sorted(table_ids):
            raise BenchError(f"participant {self.index}: the room page (HTTP {status}) is not as expected")
        self.after = int(after.group(1))
        self.table = table_ids[self.index % len(table_ids)]
        t = c.timed("POST", f"/live/{self.code}/table", {"csrf_token": self.token, "table_id": str(self.table)})
        self.join_figures.append((t[0], "ok" if t[2] == 302 else outcome_of(t[2])))

    def post(self, number, resend):
        """One note; ``resend`` is None, "after" or "together"."""
        key = uuid.uuid4().hex
        text = f"Note {number + 1} of participant {self.index + 1} ({key[:8]})"
        form = {"csrf_token": self.token, "key": key, "text": text, "colour": COLOURS[number % len(COLOURS)]}
        headers = {"Accept": "application/json", "X-CSRFToken": self.token}
        path = f"/live/{self.code}/posts"
        record = {"key": key, "text": text, "resend": resend, "answers": []}
        twin = None
        if resend == "together":
            twin = threading.Thread(target=lambda: record["answers"].append(
                self.client.timed("POST", path, form, headers)))
            twin.start()
        record["answers"].append(self.client.timed("POST", path, form, headers))
        if twin is not None:
            twin.join()
        if resend == "after":
            record["answers"].append(self.client.timed("POST", path, form, headers))
        # The note's figures: the first answer that says it was created (else the first answer).
        parsed = []
        for seconds, ended, status, _, body in record["answers"]:
            reply = {}
            if status in (200, 201):
                try:
                    reply = json.loads(body)
                except ValueError:
                    pass
            ok = bool(reply.get("ok")) and isinstance(reply.get("id"), int) and \
                (status == 201) == (reply.get("created") is True)
            parsed.append((seconds, ended, "ok" if ok else outcome_of(status) + ("" if status not in (200, 201)
                                                                                else " without ok"), reply))
        created = [p for p in parsed if p[2] == "ok" and p[3]["created"]]
        main = created[0] if created else parsed[0]
        record.update(seconds=main[0], ended=main[1], outcome=main[2], id=main[3].get("id"),
                      created=len(created), ids={p[3].get("id") for p in parsed if p[2] == "ok"},
                      all_ok=all(p[2] == "ok" for p in parsed), extra=[(p[0], p[2]) for p in parsed if p is not main])
        self.posts.append(record)

    def vote(self, post_id):
        """One dot on a note of this participant's table."""
        t = self.client.timed("POST", f"/live/{self.code}/posts/{post_id}/vote", {"csrf_token": self.token, "count": "1"},
                              {"Accept": "application/json", "X-CSRFToken": self.token})
        ok = t[2] == 200 and b'"ok":true' in t[4].replace(b" ", b"")
        self.votes.append((t[0], "ok" if ok else outcome_of(t[2])))
        if ok:
            self.dots[post_id] = 1

    def follow_poll(self, stop_at, last_needed):
        """``/events?after=N&wait=20`` in a loop until told to stop, or caught up once told."""
        c = self.client
        while not stop_at.is_set() or self.after < last_needed[0]:
            if stop_at.is_set() and time.perf_counter() > last_needed[1]:
                return
            t = c.timed("GET", f"/live/{self.code}/events?after={self.after}&wait=20", timeout=40)
            if t[2] != 200:
                self.follow.append((t[0], outcome_of(t[2])))
                time.sleep(2)  # as live.js does
                continue
            try:
                reply = json.loads(t[4])
                events = reply["events"]
            except (ValueError, KeyError):
                self.follow.append((t[0], "not JSON"))
                continue
            self.follow.append((t[0], "ok"))
            for event in events:
                if event["id"] <= self.after:
                    continue
                self.after = event["id"]
                if event["type"] == "post":
                    self.seen[event["data"]["id"]] = self.seen.get(event["data"]["id"], 0) + 1
            # events this participant may not see are not sent; "last" says how far the reply went
            self.after = max(self.after, reply.get("last", self.after))

    def follow_stream(self, stop_at, last_needed):
        self.reader = StreamReader(self.client, self.code, self.after)
        self.reader.on_event = self._streamed
        self.reader.run(stop_at, last_needed, lambda: self.after)

    def _streamed(self, message, arrived):
        self.after = message["id"]
        if message["type"] == "post":
            self.seen[message["data"]["id"]] = self.seen.get(message["data"]["id"], 0) + 1


class StreamReader:
    """``/live/<code>/stream`` read line by line; reconnects with ``Last-Event-ID`` like EventSource."""

    def __init__(self, client, code, after):
        self.client = client
        self.code = code
        self.after = after
        self.on_event = None
        self.connects = []  # (seconds to the headers, outcome)
        self.connection = None

    def run(self, stop_at, last_needed, position):
        while True:
            if stop_at.is_set() and (position() >= last_needed[0] or time.perf_counter() > last_needed[1]):
                return
            headers = {"Accept": "text/event-stream", "Last-Event-ID": str(self.after)}
            with self.client.lock:
                headers["Cookie"] = cookie_header(self.client.jar)
            began = time.perf_counter()
            try:
                # Longer than the server's 20 s keep-alive: a timed-out socket cannot be read again.
                self.connection = http.client.HTTPConnection(HOST, self.client.port, timeout=45)
                self.connection.request("GET", f"/live/{self.code}/stream", headers=headers)
                response = self.connection.getresponse()
                self.connects.append((time.perf_counter() - began, "ok" if response.status == 200
                                      else outcome_of(response.status)))
                if response.status != 200:
                    response.read()
                    time.sleep(1)
                    continue
                self._read(response, stop_at, last_needed, position)
            except (OSError, http.client.HTTPException) as exc:
                if not stop_at.is_set():
                    self.connects.append((time.perf_counter() - began, type(exc).__name__))
                time.sleep(1)
            finally:
                if self.connection is not None:
                    self.connection.close()

    def _read(self, response, stop_at, last_needed, position):
        event_id, data = None, []
        while True:
            if stop_at.is_set() and (position() >= last_needed[0] or time.perf_counter() > last_needed[1]):
                return
            line = response.readline()
            if not line:
                return  # the server ended the stream (STREAM_SECONDS): reconnect
            line = line.decode("utf-8").rstrip("\r\n")
            if line.startswith("id:"):
                event_id = int(line[3:].strip())
            elif line.startswith("data:"):
                data.append(line[5:].strip())
            elif not line and data:
                arrived = time.perf_counter()
                message = json.loads("\n".join(data))
                if message["id"] != event_id:
                    raise BenchError(f"an SSE message with id {event_id} carries event {message['id']}")
                self.after = message["id"]
                self.on_event(message, arrived)
                event_id, data = None, []


class Projector:
    def __init__(self, tutor, code, after):
        self.reader = StreamReader(tutor, code, after)
        self.reader.on_event = self._event
        self.arrivals = {}  # post id -> [arrival times]
        self.event_of = {}  # post id -> event id
        self.after = after

    def _event(self, message, arrived):
        self.after = message["id"]
        if message["type"] == "post":
            self.arrivals.setdefault(message["data"]["id"], []).append(arrived)
            self.event_of[message["data"]["id"]] = message["id"]


# -- one run ---------------------------------------------------------------------------------------

def table_ids_of(tutor, code):
    """The session's table ids, from the database through the room page of a throwaway guest."""
    guest = CookieClient(tutor.port, tutor.timeout)
    _, _, body = guest.send("GET", f"/join/{code}")
    guest.send("POST", f"/join/{code}", {"csrf_token": csrf_in(body), "nickname": "Bench scout"})
    _, _, body = guest.send("GET", f"/live/{code}")
    return [int(t) for t in re.findall(rb'name="table_id" value="(\d+)"', body)]


def run_backend(database_url, tmp, redis_url, workers, threads, args):
    env = bench_env(database_url, **({"LIVE_REDIS_URL": redis_url} if redis_url else {}))
    prepare(env, seed=True)
    log = tmp / "gunicorn.log"
    with serving(env, log, workers, threads, gthread=True,
                 options=["--graceful-timeout", "3", "--timeout", "120"]) as server:
        result = load(server.port, args, server.process.pid)
    result["stored"] = stored(database_url, result.pop("_participants"), result.pop("_projector"),
                              result["session_code"])
    result["server_log"] = log_summary(log)
    result["server"] = f"gunicorn, {workers} gthread worker{'s' if workers > 1 else ''} x {threads} threads" + (
        ", Redis" if redis_url else ", no Redis")
    return result


def load(port, args, server_pid):
    rng = random.Random(args.seed)
    tutor, code, after = set_up_session(port, args.tables, args.timeout)
    tables = table_ids_of(tutor, code)
    if len(tables) != args.tables:
        raise BenchError(f"the room offers {len(tables)} tables, not {args.tables}")
    projector = Projector(tutor, code, after)
    stop_at = threading.Event()
    last_needed = [float("inf"), float("inf")]
    projector_thread = threading.Thread(target=projector.reader.run, daemon=True, name="projector",
                                        args=(stop_at, last_needed, lambda: projector.after))
    projector_thread.start()

    participants = [Participant(port, index, code, args.timeout) for index in range(args.participants)]
    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda p: p.join(tables), participants))
    joined = time.perf_counter() - began

    followers = []
    if args.follow != "none":
        for p in participants:
            target = p.follow_poll if args.follow == "poll" else p.follow_stream
            thread = threading.Thread(target=target, args=(stop_at, last_needed), daemon=True)
            thread.start()
            followers.append(thread)
        time.sleep(1)

    # The plan: every note at a random moment of the window; ~resend of them sent again.
    plan = []
    for p in participants:
        for number in range(args.notes):
            resend = None
            if rng.random() < args.resend:
                resend = rng.choice(("after", "together"))
            plan.append((rng.uniform(0, args.seconds), p.index, number, resend))
    before = cpu_times(server_pid)
    origin = time.perf_counter()
    late = on_schedule(plan, args.senders, lambda index, number, resend: participants[index].post(number, resend))
    phase = time.perf_counter() - origin
    after_cpu = cpu_times(server_pid)

    # Dot voting: each participant puts one dot on each of up to --dots notes of their table.
    notes_of = {}
    for p in participants:
        for r in p.posts:
            if r["outcome"] == "ok":
                notes_of.setdefault(p.table, []).append((r["id"], p.index))
    plan = []
    for p in participants:
        others = [i for i, author in notes_of.get(p.table, []) if author != p.index]
        for post_id in rng.sample(others, min(args.dots, len(others))):
            plan.append((rng.uniform(0, args.vote_seconds), p.index, post_id))
    on_schedule(plan, args.senders, lambda index, post_id: participants[index].vote(post_id))

    # Drain: the projector must get every acknowledged note; followers must reach its last event.
    acknowledged = {r["id"] for p in participants for r in p.posts if r["outcome"] == "ok"}
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and not acknowledged <= set(projector.arrivals):
        time.sleep(0.1)
    last_needed[0] = max([projector.event_of.get(i, 0) for i in acknowledged] or [0])
    last_needed[1] = time.perf_counter() + 30
    stop_at.set()
    for thread in followers + [projector_thread]:
        thread.join(timeout=max(0.1, last_needed[1] + 10 - time.perf_counter()))
    stragglers = sum(1 for thread in followers if thread.is_alive())
    for p in participants:  # a follower still behind when the drain ended has not missed anything yet
        p.caught_up = p.after >= last_needed[0]

    delays = sorted(projector.arrivals[r["id"]][0] - r["ended"] for p in participants for r in p.posts
                    if r["outcome"] == "ok" and r["id"] in projector.arrivals)
    posts = [r for p in participants for r in p.posts]
    result = {
        "export": export_check(tutor, code, participants),
        "session_code": code,
        "join_seconds": round(joined, 1),
        "phase_seconds": round(phase, 1),
        "sender_late_p95_ms": round(percentile(sorted(late), 95) * 1000, 1),
        "join": figures([f for p in participants for f in p.join_figures]),
        "post": figures([(r["seconds"], r["outcome"]) for r in posts]),
        "vote": figures([v for p in participants for v in p.votes]),
        "resend": figures([e for r in posts for e in r["extra"]]),
        "follow": figures([f for p in participants for f in p.follow]),
        "projector_connects": figures(projector.reader.connects),
        "to_projector": {
            "count": len(delays),
            "p50_ms": round(percentile(delays, 50) * 1000, 1), "p95_ms": round(percentile(delays, 95) * 1000, 1),
            "max_ms": round(delays[-1] * 1000, 1) if delays else float("nan"),
            "under_1s": round(sum(1 for d in delays if d < 1) / max(1, len(delays)) * 100, 2),
        },
        "followers_still_running": stragglers,
        "_participants": participants,
        "_projector": projector,
    }
    if args.follow == "stream":
        result["follow"] = figures([c for p in participants if p.reader for c in p.reader.connects])
    if before and after_cpu:
        result["cpu_seconds"] = {part: round(after_cpu[part] - before[part], 1) for part in before}
    return result


def export_check(tutor, code, participants):
    """The tutor downloads the session's CSV: is every acknowledged note in it exactly once?"""
    status, _, body = tutor.send("GET", f"/live/{code}/export.csv")
    if status != 200:
        return {"error": f"HTTP {status}"}
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    times, votes = {}, {}
    for row in rows:
        times[row["Post ID"]] = times.get(row["Post ID"], 0) + 1
        votes[row["Post ID"]] = int(row["Votes"] or 0)
    acked = [str(r["id"]) for p in participants for r in p.posts if r["outcome"] == "ok"]
    dots = {}
    for p in participants:
        for post_id, count in p.dots.items():
            dots[str(post_id)] = dots.get(str(post_id), 0) + count
    return {"rows": len(rows), "missing": sum(1 for i in acked if times.get(i, 0) == 0),
            "doubled": sum(1 for i in acked if times.get(i, 0) > 1), "dots": sum(dots.values()),
            "votes_wrong": sum(1 for i in set(acked) | set(dots) if votes.get(i, 0) != dots.get(i, 0))}


def stored(database_url, participants, projector, code):
    import sqlalchemy as sa

    with connect(database_url) as connection:
        session_id = connection.execute(sa.text("SELECT id FROM live_sessions WHERE code = :c"),
                                        {"c": code}).scalar_one()
        rows = connection.execute(sa.text(
            "SELECT p.id, p.idempotency_key, p.text, p.table_id FROM live_posts p "
            "JOIN live_activities a ON a.id = p.activity_id WHERE a.session_id = :s"), {"s": session_id}).all()
        event_rows = connection.execute(sa.text(
            "SELECT id, CAST(payload AS TEXT) FROM live_events WHERE session_id = :s AND type = 'post'"),
            {"s": session_id}).all()
    by_key = {}
    for post_id, key, text, table_id in rows:
        by_key.setdefault(key, []).append((post_id, text, table_id))
    events_per_post = {}
    event_id_of = {}
    for event_id, payload in event_rows:
        post_id = json.loads(payload)["id"]
        events_per_post[post_id] = events_per_post.get(post_id, 0) + 1
        event_id_of[post_id] = event_id

    acked = [(p, r) for p in participants for r in p.posts if r["outcome"] == "ok"]
    lost = duplicated = wrong = resend_new = 0
    for p, r in acked:
        found = by_key.get(r["key"], [])
        if not found:
            lost += 1
        elif len(found) > 1:
            duplicated += 1
        elif found[0][:2] != (r["id"], r["text"]) or found[0][2] != p.table:
            wrong += 1
        if r["created"] != 1 or not r["all_ok"] or r["ids"] != {r["id"]}:
            resend_new += 1
    keys = {r["key"] for _, r in acked}
    unacknowledged = sum(len(v) for k, v in by_key.items() if k not in keys)
    ids = {r["id"] for _, r in acked}
    events_missing = sum(1 for i in ids if events_per_post.get(i, 0) == 0)
    events_doubled = sum(1 for i in ids if events_per_post.get(i, 0) > 1)
    projector_lost = sum(1 for i in ids if i not in projector.arrivals)
    projector_doubled = sum(1 for i in ids if len(projector.arrivals.get(i, [])) > 1)
    # Lost events the stream had already passed (a later id came first): committed out of id order.
    passed = sorted(event_id_of[i] for i in ids if i not in projector.arrivals and i in event_id_of
                    and event_id_of[i] < projector.after)
    by_table = {}
    for p, r in acked:
        by_table.setdefault(p.table, set()).add(r["id"])
    follower_missing = follower_doubled = followers_behind = 0
    followed = any(p.follow or p.seen for p in participants)
    if followed:
        for p in participants:
            if not getattr(p, "caught_up", True):
                followers_behind += 1
                continue
            follower_missing += len(by_table.get(p.table, set()) - set(p.seen))
            follower_doubled += sum(1 for i, n in p.seen.items() if n > 1)
    return {
        "acknowledged": len(acked), "stored": len(rows), "lost": lost, "duplicated": duplicated, "wrong": wrong,
        "unacknowledged": unacknowledged, "resends": sum(1 for _, r in acked if r["resend"]),
        "resend_made_new": resend_new, "events_missing": events_missing, "events_doubled": events_doubled,
        "projector_lost": projector_lost, "projector_doubled": projector_doubled, "projector_passed": passed,
        "followed": followed, "follower_missing": follower_missing, "follower_doubled": follower_doubled,
        "followers_behind": followers_behind,
    }


# -- main ------------------------------------------------------------------------------------------

def run_once(name, args, participants):
    """One run of ``participants`` on backend ``name``: SQLite in one process, PostgreSQL in two
    with Redis between them."""
    runs_args = argparse.Namespace(**dict(vars(args), participants=participants))
    if name == "sqlite":
        return on_backend(name, lambda url, tmp: run_backend(url, tmp, None, 1, args.sqlite_threads, runs_args))
    return on_backend(name, lambda url, tmp: run_backend(url, tmp, args.redis_url, 2, args.pg_threads, runs_args),
                      args.postgres_url, "leadup_workshop_bench", redis_url=args.redis_url)


ROWS = (("join", "join (3 requests)"), ("post", "note post"), ("resend", "resend, same key"), ("vote", "dot vote"),
        ("follow", "follow request"), ("projector_connects", "projector connects"))


def print_run(name, n, result):
    if unfinished(f"{name}, {n} participants", result):
        return
    s, t = result["stored"], result["to_projector"]
    print(f"\n{name}, {n} participants ({result['server']}; joined in {result['join_seconds']} s; "
          f"posting phase {result['phase_seconds']} s; senders late p95 {result['sender_late_p95_ms']} ms)")
    table = Table([("request", "<22"), ("count", ">7"), ("errors", ">7"), ("p50 ms", ">8.1f"), ("p95 ms", ">8.1f"),
                   ("max ms", ">8.1f")])
    table.header()
    for key, label in ROWS:
        r = result[key]
        table.row(label, r["requests"], r["errors"], r["p50_ms"], r["p95_ms"], r["max_ms"], error_kinds=r["error_kinds"])
    verdict = "met" if t["p95_ms"] < 1000 else "NOT met"
    table.row("post -> projector", t["count"], "", t["p50_ms"], t["p95_ms"], t["max_ms"],
              note=f"   ({t['under_1s']} % under 1 s; p95 < 1 s target {verdict})")
    cpu = result.get("cpu_seconds")
    if cpu:
        print(f"  CPU s in the posting phase: gunicorn {cpu['server']}, PostgreSQL {cpu['database']}, "
              f"clients {cpu['clients']}")
    ok = not (s["lost"] or s["duplicated"] or s["wrong"])
    print(f"  database: {'exactly once' if ok else 'NOT exactly once'} ({s['acknowledged']} acknowledged, "
          f"{s['stored']} stored; lost {s['lost']}, duplicated {s['duplicated']}, wrong {s['wrong']}, "
          f"unacknowledged {s['unacknowledged']}); post events missing {s['events_missing']}, "
          f"doubled {s['events_doubled']}")
    e = result["export"]
    print(f"  export (CSV): {e.get('error') or str(e['rows']) + ' rows'}; acknowledged notes missing "
          f"{e.get('missing', '?')}, in it twice {e.get('doubled', '?')}; {e.get('dots', '?')} acknowledged dots, "
          f"notes whose vote total differs {e.get('votes_wrong', '?')}")
    if s["projector_passed"]:
        print(f"  projector stream: {len(s['projector_passed'])} lost events have ids below the last one it got "
              f"(committed after a later id was sent): {s['projector_passed'][:10]}")
    print(f"  projector stream: lost {s['projector_lost']}, duplicated {s['projector_doubled']}; "
          f"resends {s['resends']}, of which made a second note or answered wrongly {s['resend_made_new']}")
    if s["followed"]:
        print(f"  followers: notes of their table never received {s['follower_missing']}, received twice "
              f"{s['follower_doubled']} (of those that caught up); still behind the last note when the 30 s drain "
              f"ended {s['followers_behind']}")
    log = result["server_log"]
    if log["tracebacks"] or log["database_is_locked"] or log["pool_timeouts"]:
        print(f"  server log: {log['tracebacks']} tracebacks, {log['database_is_locked']} 'database is locked', "
              f"{log['pool_timeouts']} pool timeouts; first: {log['first_error']}")


def failed(result):
    if "skipped" in result:
        return False
    if "failed" in result:
        return True
    s = result["stored"]
    errors = sum(result[key]["errors"] for key in ("join", "post", "resend", "vote", "follow"))
    e = result["export"]
    return bool(errors or e.get("error") or e["missing"] or e["doubled"] or e["votes_wrong"] or s["lost"] or s["duplicated"] or s["wrong"] or s["unacknowledged"] or s["resend_made_new"]
                or s["events_missing"] or s["events_doubled"] or s["projector_lost"] or s["projector_doubled"]
                or s["follower_missing"] or s["follower_doubled"] or s["followers_behind"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[300],
                        help="participant counts to run, one run each (default 300)")
    parser.add_argument("--seconds", type=float, default=120, help="length of the posting phase (default 120)")
    parser.add_argument("--notes", type=int, default=5, help="notes per participant (default 5)")
    parser.add_argument("--tables", type=int, default=10, help="tables in the room (default 10)")
    parser.add_argument("--dots", type=int, default=3, help="dots each participant places (default 3)")
    parser.add_argument("--vote-seconds", type=float, default=20,
                        help="length of the voting phase after the notes (default 20)")
    parser.add_argument("--resend", type=float, default=0.05, help="share of notes sent twice (default 0.05)")
    parser.add_argument("--follow", choices=("poll", "stream", "none"), default="poll",
                        help="how participants follow the room (default poll: long-poll /events?wait=20)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--sqlite-threads", type=int, default=64, help="gthread threads, SQLite (default 64)")
    parser.add_argument("--pg-threads", type=int, default=64, help="gthread threads per worker, PostgreSQL (default 64)")
    parser.add_argument("--senders", type=int, default=48, help="client threads sending notes (default 48)")
    add_postgres_option(parser)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", REDIS_URL))
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take (default 30)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    results = []
    for n in args.participants:
        for name in backends(args.backend, ("sqlite", "postgresql")):
            result = run_once(name, args, n)
            results.append((name, n, result))
            print_run(name, n, result)
            sys.stdout.flush()

    print(f"\nSummary ({os.cpu_count()} CPUs; {args.notes} notes each over {args.seconds:g} s, follow={args.follow}):")
    for name, n, result in results:
        if "to_projector" in result:
            s = result["stored"]
            print(f"  {name:<10} {n:>5} participants: post->projector p50/p95/max "
                  f"{result['to_projector']['p50_ms']}/{result['to_projector']['p95_ms']}/"
                  f"{result['to_projector']['max_ms']} ms; post p95 {result['post']['p95_ms']} ms; errors "
                  f"{sum(result[k]['errors'] for k in ('join', 'post', 'resend', 'vote', 'follow'))}; lost "
                  f"{s['lost'] + s['projector_lost']}, duplicated {s['duplicated'] + s['projector_doubled']}"
                  f"{'  FAILED' if failed(result) else ''}")
    write_json(args.json, seconds=args.seconds, notes=args.notes, follow=args.follow,
               results=[{"backend": name, "participants": n, **r} for name, n, r in results])
    return 1 if any(failed(r) for _, _, r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
