"""Live workshop events cross server processes through Redis, within a second.

Two real servers (gunicorn, one gthread worker each, on free ports of 127.0.0.1) share one SQLite
file (``flask db upgrade`` + ``flask demo seed``) and one Redis (``LIVE_REDIS_URL``, database 15 of
127.0.0.1:6379; if nothing answers there, a throwaway ``redis-server`` on a free port). The tutor
runs the session on process A and follows its server-sent events there; a guest joins and posts
through process B. The post event must reach A's stream less than 1 s after B answered the POST,
and Redis must have carried the announcement (without it, A would only notice on its next
once-a-second look at the table). A resend with the same idempotency key through A stores nothing
and sends no event; a stream that reconnects with ``Last-Event-ID`` gets exactly the later events.

Then the room's first minute on SQLite with several workers (``docs/deploy.md``): one gunicorn with
4 workers on one SQLite file; 50 phones join in the same moment, choose their tables together and
post their first notes together, and no request fails (no "database is locked" 500). On the code
before ``extensions._sqlite_begin``'s ``BEGIN IMMEDIATE`` existed this passed too (the driver then
began each transaction just before its first write); with transactions begun at their first
read, as SQLAlchemy begins them, and a deferred ``BEGIN``, 45 of the 50 joins failed.
"""
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
import redis

from tests.helpers import HOST, Server, ServerError, free_port, prepare_database, server_env

pytestmark = pytest.mark.serial  # several gunicorns and a 50-phone burst: not beside other tests

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 15
TUTOR = "tutor@leadup.example"
PASSWORD = "leadup-demo-2026"
CHANNEL = "leadup-live"  # app/live/events.py
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _ping(url, timeout):
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()


def _stop(process, timeout=10):
    """Terminate ``process`` by its pid; kill it if it has not gone after ``timeout`` seconds."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)


@pytest.fixture
def redis_url():
    """``redis://127.0.0.1:6379/15``, or a ``redis-server`` started for this test on a free port."""
    url = f"redis://{HOST}:6379/{REDIS_DB}"
    try:
        _ping(url, 2)
        yield url
        return
    except redis.RedisError as exc:
        unreachable = exc
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(f"Redis is not reachable at {HOST}:6379 ({unreachable}) and no redis-server to start one")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no",
                                "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://{HOST}:{port}/{REDIS_DB}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                _ping(url, 1)
                break
            except redis.RedisError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.skip(f"Redis is not reachable at {HOST}:6379 ({unreachable}) and redis-server on port "
                                f"{port} did not start ({exc})")
                time.sleep(0.1)
        yield url
    finally:
        _stop(process)


# -- the servers ----------------------------------------------------------------------------------

def _env(data, redis_url):
    return server_env(f"sqlite:///{data / 'live.sqlite'}", LEADUP_ENV="development",
                      SECRET_KEY="live-multiprocess",  # the same in both: a session cookie from one works on the other
                      LOGIN_RATE_LIMIT="1000 per minute", LIVE_REDIS_URL=redis_url)


def _server(env, log, workers=1):
    """gunicorn with ``workers`` gthread workers of 16 threads (not yet started)."""
    return Server(env, log, gunicorn=["-w", str(workers), "-k", "gthread", "--threads", "16",
                                      "--graceful-timeout", "2", "app:create_app()"])


@pytest.fixture
def servers(tmp_path, redis_url):
    """Two gunicorn processes, A and B, on one SQLite file and one Redis."""
    env = _env(tmp_path, redis_url)
    started = []
    try:
        prepare_database(env)
        for name in ("a", "b"):
            started.append(_server(env, tmp_path / f"server-{name}.log").launch())
        for server in started:
            server.wait_ready(30)
    except ServerError as exc:
        for server in started:
            server.stop()
        pytest.fail(str(exc))
    try:
        yield started
    finally:
        for server in started:
            server.stop()


# -- a browser, reduced to a cookie jar -------------------------------------------------------------

class Browser:
    """Cookies (host-wide, as a browser keeps them: both ports share them) and plain requests."""

    def __init__(self):
        self.jar = {}

    def send(self, port, method, path, form=None, headers=None, timeout=10):
        headers = dict(headers or {})
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        body = None
        if form is not None:
            headers.update(FORM)
            body = urllib.parse.urlencode(form)
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, val = value.split(";", 1)[0].partition("=")
                self.jar[key.strip()] = val.strip()
        return response.status, response.getheader("Location", ""), content

    def token(self, port, path):
        status, _, html = self.send(port, "GET", path)
        match = CSRF.search(html)
        assert status == 200 and match, f"GET {path}: HTTP {status}, no CSRF token"
        return match.group(1)


class Stream:
    """``GET /live/<code>/stream`` read line by line in a thread; each message is queued with the
    moment it arrived."""

    def __init__(self, browser, port, path, last_event_id=None):
        headers = {"Accept": "text/event-stream",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in browser.jar.items())}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        assert self.response.status == 200, f"GET {path}: HTTP {self.response.status}"
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")
        self.messages = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        event_id, data = None, []
        try:
            while True:
                line = self.response.readline()
                if not line:
                    break
                line = line.decode("utf-8").rstrip("\r\n")
                if line.startswith("id:"):
                    event_id = int(line[3:].strip())
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif not line and data:
                    message = json.loads("\n".join(data))
                    assert message["id"] == event_id
                    self.messages.put((time.perf_counter(), message))
                    event_id, data = None, []
        except Exception:  # noqa: BLE001 - the test closed the connection under the reader
            pass

    def next(self, timeout):
        """``(arrived at, message)``, or None if nothing came within ``timeout`` seconds."""
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            return None

    def until(self, predicate, timeout):
        """Every message up to and including the first that satisfies ``predicate``."""
        got, deadline = [], time.monotonic() + timeout
        while True:
            item = self.next(max(0.0, deadline - time.monotonic()))
            assert item is not None, f"no matching event within {timeout} s; got {[m['id'] for _, m in got]}"
            got.append(item)
            if predicate(item[1]):
                return got

    def close(self):
        try:
            self.connection.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.thread.join(timeout=5)
        self.connection.close()


# -- the test ---------------------------------------------------------------------------------------

def test_events_cross_processes_through_redis(servers, redis_url):
    a, b = servers

    # The tutor signs in on A, makes a session with a board, and puts the board live.
    tutor = Browser()
    token = tutor.token(a.port, "/login")
    status, location, _ = tutor.send(a.port, "POST", "/login",
                                     {"csrf_token": token, "email": TUTOR, "password": PASSWORD})
    assert status == 302 and "/login" not in location
    token = tutor.token(a.port, "/live")
    status, location, _ = tutor.send(a.port, "POST", "/live", {"csrf_token": token, "title": "Across processes",
                                                                 "tables": "3", "tables_chosen": "1"})
    match = re.search(r"/live/([A-Z0-9]+)/control$", location)
    assert status == 302 and match, f"creating the session: HTTP {status} to {location!r}"
    code = match.group(1)
    status, _, _ = tutor.send(a.port, "POST", f"/live/{code}/activities",
                              {"csrf_token": token, "kind": "board", "title": "What went well?"})
    assert status == 302
    _, _, body = tutor.send(a.port, "GET", f"/live/{code}/events?after=0")  # the tutor sees every event
    added = [e["data"]["id"] for e in json.loads(body)["events"] if e["type"] == "activity-added"]
    assert len(added) == 1, body
    status, _, _ = tutor.send(a.port, "POST", f"/live/{code}/activities/{added[0]}/live", {"csrf_token": token})
    assert status == 302
    _, _, projector = tutor.send(a.port, "GET", f"/live/{code}/projector")
    after = int(re.search(r'data-after="(\d+)"', projector).group(1))
    assert after > 0  # the board was added and put live: two events already

    # The projector follows the stream on A; a spy listens to Redis to see the announcement pass.
    spy_client = redis.Redis.from_url(redis_url)
    spy = spy_client.pubsub(ignore_subscribe_messages=True)
    spy.subscribe(CHANNEL)
    stream = Stream(tutor, a.port, f"/live/{code}/stream?after={after}")
    resumed = None
    try:
        # A guest joins through B, sits at a table and posts a note.
        guest = Browser()
        token = guest.token(b.port, f"/join/{code}")
        status, location, _ = guest.send(b.port, "POST", f"/join/{code}", {"csrf_token": token, "nickname": "Robin"})
        assert status == 302 and location.endswith(f"/live/{code}"), f"joining: HTTP {status} to {location!r}"
        assert any(name.startswith("leadup_live_") for name in guest.jar)
        _, _, room = guest.send(b.port, "GET", f"/live/{code}")
        table = re.search(r'name="table_id" value="(\d+)"', room).group(1)
        token = CSRF.search(room).group(1)
        status, _, _ = guest.send(b.port, "POST", f"/live/{code}/table", {"csrf_token": token, "table_id": table})
        assert status == 302
        joined = stream.until(lambda m: m["type"] == "table", timeout=5)
        assert [m["type"] for _, m in joined] == ["joined", "table"]

        while spy.get_message(timeout=0.01) is not None:  # what the join announced
            pass
        key = uuid.uuid4().hex
        note = {"csrf_token": token, "key": key, "text": "The tables talked to each other.", "colour": "blue"}
        json_headers = {"Accept": "application/json", "X-CSRFToken": token}
        status, _, body = guest.send(b.port, "POST", f"/live/{code}/posts", note, json_headers)
        answered = time.perf_counter()
        reply = json.loads(body)
        assert status == 201 and reply["ok"] and reply["created"] is True, (status, body)
        arrived, message = stream.until(lambda m: m["type"] == "post", timeout=5)[-1]
        delay = arrived - answered
        print(f"\npost through B -> event on A's stream: {delay * 1000:.1f} ms")
        assert message["data"]["id"] == reply["id"]
        assert message["data"]["text"] == note["text"] and message["data"]["by"] == "Robin"
        assert delay < 1.0, f"the post event took {delay:.3f} s to cross from B to A"
        session_id = next(int(name.rsplit("_", 1)[1]) for name in guest.jar if name.startswith("leadup_live_"))
        announced = spy.get_message(timeout=2)
        assert announced is not None and announced["data"] == str(session_id).encode(), \
            f"Redis did not carry the post's announcement (got {announced})"
        first_post_event = message["id"]

        # The same note resent through A (same key): acknowledged, not stored again, no event.
        status, _, body = guest.send(a.port, "POST", f"/live/{code}/posts", note, json_headers)
        assert status == 200, (status, body)
        assert json.loads(body) == {"ok": True, "id": reply["id"], "created": False}
        # Then a second note through B: it must be the very next event (ids follow commit order).
        second = dict(note, key=uuid.uuid4().hex, text="Second note.")
        status, _, body = guest.send(b.port, "POST", f"/live/{code}/posts", second, json_headers)
        assert status == 201, (status, body)
        second_id = json.loads(body)["id"]
        followed = stream.until(lambda m: m["type"] == "post", timeout=5)
        assert [(m["type"], m["data"]["id"]) for _, m in followed] == [("post", second_id)]
        assert stream.next(timeout=1.2) is None, "an event arrived after the resend and the second note"
        seen = [first_post_event] + [m["id"] for _, m in followed]

        # A projector that lost its connection reconnects, to B this time, with Last-Event-ID.
        resumed = Stream(tutor, b.port, f"/live/{code}/stream", last_event_id=first_post_event)
        replayed = resumed.until(lambda m: m["id"] == seen[-1], timeout=5)
        assert [m["id"] for _, m in replayed] == seen[1:]
        assert resumed.next(timeout=1.2) is None, "the reconnected stream got more than the events after its id"
        # The long-poll fallback agrees.
        _, _, body = tutor.send(b.port, "GET", f"/live/{code}/events?after={first_post_event}")
        assert [e["id"] for e in json.loads(body)["events"]] == seen[1:]
    finally:
        stream.close()
        if resumed is not None:
            resumed.close()
        spy.close()
        spy_client.close()


# -- many phones at once, on SQLite with several workers --------------------------------------------

GUESTS = 50
WORKERS = 4


@pytest.fixture
def sqlite_workers(tmp_path, redis_url):
    """One gunicorn with ``WORKERS`` gthread workers on one SQLite file (``docs/deploy.md``'s set-up)."""
    env = _env(tmp_path, redis_url)
    server = _server(env, tmp_path / "server.log", workers=WORKERS)
    try:
        prepare_database(env)
        server.start(30)
    except ServerError as exc:
        pytest.fail(str(exc))
    try:
        yield server, tmp_path / "live.sqlite"
    finally:
        server.stop()


def _at_once(count, step):
    """``step(i)`` for i in ``range(count)``, each in its own thread, all let go at the same moment;
    returns their results (an exception is returned as the result, not raised)."""
    start = threading.Barrier(count)
    results = [None] * count

    def run(index):
        start.wait()
        try:
            results[index] = step(index)
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_fifty_phones_join_sit_and_post_at_once_on_sqlite_with_four_workers(sqlite_workers):
    """The room's first minute: 50 phones join in the same second, choose their tables and post
    their first notes together, through 4 worker processes on one SQLite file. Every request is
    answered (no "database is locked" 500): the writers queue for SQLite's one write lock."""
    server, database = sqlite_workers
    port = server.port
    tutor = Browser()
    token = tutor.token(port, "/login")
    status, location, _ = tutor.send(port, "POST", "/login", {"csrf_token": token, "email": TUTOR, "password": PASSWORD})
    assert status == 302 and "/login" not in location
    token = tutor.token(port, "/live")
    status, location, _ = tutor.send(port, "POST", "/live", {"csrf_token": token, "title": "Fifty at once",
                                                             "tables": "5", "tables_chosen": "1"})
    code = re.search(r"/live/([A-Z0-9]+)/control$", location).group(1)
    tutor.send(port, "POST", f"/live/{code}/activities", {"csrf_token": token, "kind": "board", "title": "First"})
    _, _, body = tutor.send(port, "GET", f"/live/{code}/events?after=0")
    board = next(e["data"]["id"] for e in json.loads(body)["events"] if e["type"] == "activity-added")
    assert tutor.send(port, "POST", f"/live/{code}/activities/{board}/live", {"csrf_token": token})[0] == 302

    guests = [Browser() for _ in range(GUESTS)]
    tokens = [guest.token(port, f"/join/{code}") for guest in guests]  # the join page, opened beforehand

    def join(i):
        return guests[i].send(port, "POST", f"/join/{code}", {"csrf_token": tokens[i], "nickname": f"Phone {i}"},
                              timeout=60)[:2]

    joined = _at_once(GUESTS, join)
    assert [r if isinstance(r, Exception) else r[0] for r in joined] == [302] * GUESTS, \
        f"joins: {[r for r in joined if isinstance(r, Exception) or r[0] != 302]}\n{server.log_tail()}"
    assert all(location.endswith(f"/live/{code}") for _, location in joined)

    rooms = [guest.send(port, "GET", f"/live/{code}")[2] for guest in guests]
    tables = re.findall(r'name="table_id" value="(\d+)"', rooms[0])
    assert len(tables) == 5
    tokens = [CSRF.search(page).group(1) for page in rooms]

    def sit(i):
        return guests[i].send(port, "POST", f"/live/{code}/table", {"csrf_token": tokens[i],
                                                                    "table_id": tables[i % 5]}, timeout=60)[0]

    seated = _at_once(GUESTS, sit)
    assert seated == [302] * GUESTS, f"table choices: {seated}\n{server.log_tail()}"

    def post(i):
        status, _, body = guests[i].send(
            port, "POST", f"/live/{code}/posts",
            {"csrf_token": tokens[i], "key": uuid.uuid4().hex, "text": f"First idea of phone {i}"},
            {"Accept": "application/json", "X-CSRFToken": tokens[i]}, timeout=60)
        return status, body

    posted = _at_once(GUESTS, post)
    assert [r if isinstance(r, Exception) else r[0] for r in posted] == [201] * GUESTS, \
        f"posts: {[r for r in posted if isinstance(r, Exception) or r[0] != 201]}\n{server.log_tail()}"

    log = server.log.read_text(errors="replace")
    assert "database is locked" not in log and "Traceback" not in log, server.log_tail(60)
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT count(*), count(table_id) FROM live_participants p JOIN live_sessions s ON s.id = p.session_id "
            "WHERE s.code = ?", (code,)).fetchone()
        notes = connection.execute("SELECT count(*) FROM live_posts WHERE activity_id = ?", (board,)).fetchone()[0]
    assert rows == (GUESTS, GUESTS) and notes == GUESTS
