"""Benchmark: a cohort co-editing group deliberations, on SQLite and on PostgreSQL.

    python bench/deliberation_load.py [--students 150] [--group-size 5] [--notes 4] [--workers 2]
                                      [--seconds 45] [--backend sqlite|postgresql|both]

For each backend it makes a fresh database (``flask db upgrade``; for PostgreSQL a throwaway
database on ``--postgres-url``'s server, dropped at the end), a copy of ``course/`` with a small
group-mode deliberation exercise (``bench-deliberation.deliberation.yaml``: a consequences stage
and a purpose stage) embedded in unit 1 of module 1, and ``--students`` accounts in one PGCert
cohort, put into groups of about ``--group-size`` by ``service.make_groups`` (what the tutor's
"make groups" button does). It starts gunicorn with ``LEADUP_ENV=production`` on a free port of
127.0.0.1 (as ``bench/pages.py`` does).

Every student signs in through the form and opens the unit (not timed); then all of them press
"Open your group's exercise" at the same moment (a barrier: the members of a group race to make
their shared attempt, and must all land on the same one), and load the consequences stage page
(not timed). Then, for ``--seconds``, each student acts as the stage page's script would, with
two threads (the page's fetches do not wait for one another):

- a writer adds ``--notes`` consequence notes and saves the purpose stage's fields ``--edits``
  times, at random moments (``Accept: application/json``, the CSRF token in ``X-CSRFToken``);
- a poller asks ``/changes?since=<revision>`` every ``--poll`` seconds (3, as for a group),
  from a random phase, keeping the revision it last saw exactly like ``deliberation.js``.

When every write has been answered, each student polls once more. It prints p50/p95/max latency
of the start, note posts, field saves and polls (those with and without changes apart),
errors, CPU per request (gunicorn workers, PostgreSQL, this process; from ``/proc``), and the
**propagation delay**: from a note's POST returning to the end of the first poll of each *other*
member of the group that brought it back (p50/p95/max; a poll that started before the POST
returned may bring it back first, so a few delays are slightly negative).

It then reads the database: one attempt per group, shared by all its members; every
acknowledged note stored exactly once, in its group's attempt; each group's purpose field holds
one of the values its members saved; and every member's polls, up to the last, brought back
every note of their group and the attempt's final revision (no lost update).

The exit status is 1 if a note was lost or duplicated, a member missed a note, a group's members
got different attempts, or a request failed; slow figures are reported, not errors.
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pages import MODULE, CookieClient, free_port, percentile, start_gunicorn, stop  # noqa: E402
from bench.quiz_load import (  # noqa: E402
    PASSWORD,
    UNIT_FILE,
    UNIT_PATH,
    BenchError,
    base_env,
    cpu_times,
    csrf_in,
    email,
    engine_url,
    on_throwaway_postgres,
)

EXERCISE_UUID = "5b8e0d2a-3c71-4f96-a4e2-9d07c6b1e843"
EXERCISE_KEY = "bench-deliberation"
NOTES_STAGE = "consequences"
FIELDS_STAGE = "purpose"
POSTGRES_URL = "postgresql://127.0.0.1:5432/test"
JSON = {"Accept": "application/json"}

EXERCISE_YAML = f"""\
uuid: {EXERCISE_UUID}
title: Bench deliberation
summary: Scan the consequences of junction sensors, then say what they are for.
mode: group
visibility: pseudonymous
minutes: 20
brief: |
  The county council proposes sensors at every signalised junction. Scan what could follow,
  then agree on the public purpose the sensors would serve.
stages:
  - type: {NOTES_STAGE}
    min_notes: 3
    prompt: Note what could happen, intended or not, and to whom.
  - type: {FIELDS_STAGE}
    prompt: Say what the sensors are for and whose value they create.
"""

# One consequence note as the stage page's "add" form posts it (every field of the kind).
NOTE_VALUES = {"intended": "unintended", "valence": "negative", "affected": "Cyclists and pedestrians",
               "horizon": "medium", "likelihood": "medium", "severity": "high"}


# -- the course, the database, the students and their groups -------------------------------------

def prepare_course(folder):
    """A copy of ``course/`` with the bench exercise embedded at the end of unit 1 of module 1."""
    shutil.copytree(ROOT / "course", folder)
    module = folder / "modules" / MODULE
    (module / f"{EXERCISE_KEY}.deliberation.yaml").write_text(EXERCISE_YAML, encoding="utf-8")
    with (module / UNIT_FILE).open("a", encoding="utf-8") as unit:
        unit.write(f"\n::: deliberation {EXERCISE_KEY}\n:::\n")


def create_groups(size):
    """Run in the server's environment, after ``create_students``: the tutor's "make groups"."""
    import sqlalchemy as sa

    from app import create_app
    from app.content import current_course
    from app.deliberation import service
    from app.extensions import db
    from app.models import Cohort

    app = create_app()
    with app.app_context():
        exercise = current_course().deliberations_by_uuid[EXERCISE_UUID]
        cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name == "Bench PGCert"))
        service.make_groups(exercise, cohort, size)


def flask_setup(env, students, group_size):
    """Migrate the database named by ``env``, create the students and put them in groups."""
    commands = [
        [sys.executable, "-m", "flask", "db", "upgrade"],
        [sys.executable, "-c", f"from bench.quiz_load import create_students; create_students({students})"],
        [sys.executable, "-c", f"from bench.deliberation_load import create_groups; create_groups({group_size})"],
    ]
    for command in commands:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise BenchError(f"{' '.join(command[1:])} failed:\n{result.stdout}\n{result.stderr}")


def groups_in(database_url):
    """``{group id: [student emails]}`` as ``make_groups`` made them."""
    import sqlalchemy as sa

    engine = sa.create_engine(engine_url(database_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT m.group_id, u.email FROM deliberation_group_members m JOIN users u ON u.id = m.user_id "
                "WHERE m.exercise_uuid = :uuid ORDER BY m.group_id, u.email"), {"uuid": EXERCISE_UUID}).all()
    finally:
        engine.dispose()
    groups = {}
    for group_id, address in rows:
        groups.setdefault(group_id, []).append(address)
    return groups


# -- one student's browser --------------------------------------------------------------------------

class Student(CookieClient):
    """A signed-in group member: what they sent, what their polls brought back, and when."""

    def __init__(self, port, index, timeout):
        super().__init__(port, timeout)
        self.index = index
        self.email = email(index)
        self.token = None
        self.group = None  # group id, from the database
        self.attempt_id = None
        self.revision = 0  # the last revision the page saw, as deliberation.js keeps it
        self.writes = []  # (kind, seconds, outcome, ended at, note id, text)
        self.polls = []  # (seconds, outcome, changed, notes in the reply)
        self.seen = {}  # note id -> time the first poll that brought it back ended
        self.deliveries = 0  # notes brought back by polls, counting a note again if it came twice
        self.last_revision = None

    def timed(self, method, path, form=None, headers=None):
        """``(seconds, ended at, status or exception name, location, body)``."""
        began = time.perf_counter()
        try:
            status, location, body = self.send(method, path, form, headers)
        except (OSError, http.client.HTTPException) as exc:
            ended = time.perf_counter()
            return ended - began, ended, type(exc).__name__, "", b""
        ended = time.perf_counter()
        return ended - began, ended, status, location, body

    def sign_in(self):
        """Sign in and open the unit with the exercise (not timed)."""
        status, _, body = self.send("GET", "/login")
        token = csrf_in(body)
        if status != 200 or not token:
            raise BenchError(f"{self.email}: GET /login answered HTTP {status} without a CSRF token")
        status, _, _ = self.send("POST", "/login", {"csrf_token": token, "email": self.email, "password": PASSWORD})
        if status != 302:
            raise BenchError(f"{self.email}: signing in answered HTTP {status}")
        status, _, body = self.send("GET", UNIT_PATH)
        self.token = csrf_in(body)
        if status != 200 or self.start_path.encode() not in body or not self.token:
            raise BenchError(f"{self.email}: {UNIT_PATH} (HTTP {status}) has no start button for the bench exercise")

    @property
    def start_path(self):
        return f"/deliberations/{EXERCISE_UUID}/start"

    def start(self):
        """Press the start button; ``(seconds, outcome)``. Sets ``attempt_id``."""
        seconds, _, status, location, _ = self.timed("POST", self.start_path, {"csrf_token": self.token})
        match = re.fullmatch(r"/deliberations/attempts/(\d+)", location)
        if status != 302 or not match:
            return seconds, f"HTTP {status}" + (f" to {location}" if location else "")
        self.attempt_id = int(match.group(1))
        return seconds, "ok"

    def open_stage(self):
        """Load the consequences stage page as the browser does (not timed): its revision and token."""
        status, _, body = self.send("GET", self.stage_path(NOTES_STAGE))
        revision = re.search(rb'data-revision="(\d+)"', body)
        token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', body)
        if status != 200 or not revision or not token or b"data-changes-url" not in body:
            raise BenchError(f"{self.email}: the stage page {self.stage_path(NOTES_STAGE)} (HTTP {status}) "
                             "is not a group stage page")
        self.revision = int(revision.group(1))
        self.token = token.group(1).decode()

    def stage_path(self, stage_id):
        return f"/deliberations/attempts/{self.attempt_id}/stages/{stage_id}"

    # -- the timed phase

    def write(self, kind, number):
        """Add a note or save the purpose fields, as the page's script posts them."""
        headers = dict(JSON, **{"X-CSRFToken": self.token})
        text = ""
        if kind == "note":
            text = f"Bench note {number + 1} of student {self.index + 1}: sensors shift traffic to side streets."
            path = self.stage_path(NOTES_STAGE) + "/notes"
            form = dict(NOTE_VALUES, text=text)
        else:
            text = f"Safer junctions for everyone (version {number + 1} by student {self.index + 1})."
            path = self.stage_path(FIELDS_STAGE) + "/fields"
            form = {"goal": text, "public_value": "Fewer injuries, shorter waits for buses and cyclists."}
        seconds, ended, status, _, body = self.timed("POST", path, form, headers)
        outcome, note_id = f"HTTP {status}" if isinstance(status, int) else status, None
        if status == 200:
            try:
                reply = json.loads(body)
            except ValueError:
                reply = {}
            if reply.get("ok") and (kind != "note" or isinstance(reply.get("id"), int)):
                outcome, note_id = "ok", reply.get("id")
            else:
                outcome = "HTTP 200 without ok"
        self.writes.append((kind, seconds, outcome, ended, note_id, text))

    def poll(self):
        """One ``/changes`` request; the revision and notes are kept as ``deliberation.js`` keeps them."""
        path = f"{self.stage_path(NOTES_STAGE)}/changes?since={self.revision}"
        seconds, ended, status, _, body = self.timed("GET", path, headers=JSON)
        if status != 200:
            self.polls.append((seconds, f"HTTP {status}" if isinstance(status, int) else status, False, 0))
            return
        try:
            reply = json.loads(body)
            revision = int(reply["revision"])
        except (ValueError, KeyError, TypeError):
            self.polls.append((seconds, "not JSON", False, 0))
            return
        changed = revision != self.revision
        notes = reply.get("notes") or []
        for note in notes:
            if not note.get("deleted"):
                self.seen.setdefault(note["id"], ended)
                self.deliveries += 1
        self.revision = self.last_revision = revision
        self.polls.append((seconds, "ok", changed, len(notes)))


def writer(student, origin, args, rng):
    """The student's notes and field saves, at random moments of the writing window."""
    window = max(1.0, args.seconds - 2 * args.poll)
    plan = sorted([(rng.uniform(0.5, window), "note", n) for n in range(args.notes)]
                  + [(rng.uniform(0.5, window), "field", n) for n in range(args.edits)])
    for at, kind, number in plan:
        pause = origin + at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        student.write(kind, number)


def poller(student, origin, args, rng, writes_done):
    """``setInterval(poll, 3000)`` from a random phase; one last poll once every write is answered."""
    due = origin + rng.uniform(0, args.poll)
    end = origin + args.seconds
    while due < end:
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        student.poll()
        due = max(due + args.poll, time.perf_counter())
    writes_done.wait()
    time.sleep(rng.uniform(0, args.poll))
    student.poll()


def start_round(students):
    """All students press start at the same moment; returns ``[(seconds, outcome)]``."""
    results = [None] * len(students)
    gate = threading.Barrier(len(students) + 1)

    def press(index, student):
        gate.wait()
        results[index] = student.start()

    threads = [threading.Thread(target=press, args=pair, daemon=True) for pair in enumerate(students)]
    for thread in threads:
        thread.start()
    gate.wait()
    for thread in threads:
        thread.join()
    return results


def editing_phase(students, args, seed):
    """Every student writes and polls for ``--seconds``, then polls once more."""
    origin = time.perf_counter() + 0.5
    writes_done = threading.Event()
    writers, pollers = [], []
    for student in students:
        rng = random.Random(f"{seed}-{student.index}")
        writers.append(threading.Thread(target=writer, args=(student, origin, args, rng), daemon=True))
        pollers.append(threading.Thread(target=poller, args=(student, origin, args, rng, writes_done), daemon=True))
    for thread in writers + pollers:
        thread.start()
    for thread in writers:
        thread.join()
    writes_done.set()
    for thread in pollers:
        thread.join()
    return time.perf_counter() - origin


# -- figures and checks -------------------------------------------------------------------------------

def figures(samples):
    """``samples``: ``[(seconds, outcome)]`` of one kind of request."""
    latencies = sorted(seconds for seconds, outcome in samples if outcome == "ok")
    errors = {}
    for _, outcome in samples:
        if outcome != "ok":
            errors[outcome] = errors.get(outcome, 0) + 1
    return {
        "requests": len(samples),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else float("nan"),
    }


def propagation(students, members):
    """Delays from each acknowledged note to each other member's first poll that brought it back."""
    delays, missed = [], 0
    for student in students:
        for kind, _, outcome, acknowledged, note_id, _ in student.writes:
            if kind != "note" or outcome != "ok":
                continue
            for other in members[student.group]:
                if other is student:
                    continue
                if note_id in other.seen:
                    delays.append(other.seen[note_id] - acknowledged)
                else:
                    missed += 1
    delays.sort()
    return {
        "pairs": len(delays) + missed,
        "missed": missed,
        "p50_ms": round(percentile(delays, 50) * 1000, 1),
        "p95_ms": round(percentile(delays, 95) * 1000, 1),
        "max_ms": round(delays[-1] * 1000, 1) if delays else float("nan"),
        "negative": sum(1 for d in delays if d < 0),
    }


def stored(database_url, students, members):
    """What the database holds, against what the students were told and what their polls saw."""
    import sqlalchemy as sa

    engine = sa.create_engine(engine_url(database_url))
    try:
        with engine.connect() as connection:
            attempts = {group_id: (attempt_id, revision) for attempt_id, group_id, revision in connection.execute(
                sa.text("SELECT id, group_id, revision FROM deliberation_attempts WHERE exercise_uuid = :uuid"),
                {"uuid": EXERCISE_UUID})}
            notes = connection.execute(sa.text(
                "SELECT n.id, n.attempt_id, n.\"values\" FROM deliberation_notes n "
                "JOIN deliberation_attempts a ON a.id = n.attempt_id "
                "WHERE a.exercise_uuid = :uuid AND n.kind = 'consequence' AND n.deleted = :no"),
                {"uuid": EXERCISE_UUID, "no": False}).all()
            fields = dict(connection.execute(sa.text(
                "SELECT f.attempt_id, f.value FROM deliberation_fields f "
                "JOIN deliberation_attempts a ON a.id = f.attempt_id "
                "WHERE a.exercise_uuid = :uuid AND f.stage_id = :stage AND f.name = 'goal'"),
                {"uuid": EXERCISE_UUID, "stage": FIELDS_STAGE}).all())
    finally:
        engine.dispose()

    by_text = {}
    for note_id, attempt_id, values in notes:
        by_text.setdefault(json.loads(values).get("text", ""), []).append((note_id, attempt_id))
    acknowledged = [(s, note_id, text) for s in students
                    for kind, _, outcome, _, note_id, text in s.writes if kind == "note" and outcome == "ok"]
    lost = duplicated = misplaced = 0
    for student, note_id, text in acknowledged:
        rows = by_text.get(text, [])
        if not rows:
            lost += 1
        elif len(rows) > 1:
            duplicated += 1
        elif rows[0] != (note_id, student.attempt_id):
            misplaced += 1
    texts = {text for _, _, text in acknowledged}
    unacknowledged = sum(len(rows) for text, rows in by_text.items() if text not in texts)

    shared = sum(1 for group, group_members in members.items()
                 if group in attempts and {m.attempt_id for m in group_members} == {attempts[group][0]})
    field_ok = 0
    for group, group_members in members.items():
        saved = {text for m in group_members for kind, _, outcome, _, _, text in m.writes
                 if kind == "field" and outcome == "ok"}
        value = fields.get(attempts.get(group, (None,))[0])
        if value is not None and json.loads(value) in saved:
            field_ok += 1

    missing = stale = 0  # notes a member's polls never brought back; last polls behind the final revision
    group_notes = {}
    for student, note_id, _ in acknowledged:
        group_notes.setdefault(student.group, set()).add(note_id)
    for student in students:
        missing += len(group_notes.get(student.group, set()) - set(student.seen))
        if student.last_revision != attempts.get(student.group, (None, None))[1]:
            stale += 1
    return {
        "groups": len(members),
        "attempts": len(attempts),
        "groups_sharing_one_attempt": shared,
        "acknowledged": len(acknowledged),
        "stored": len(notes),
        "lost": lost,
        "duplicated": duplicated,
        "misplaced": misplaced,
        "unacknowledged": unacknowledged,
        "fields_ok": field_ok,
        "missing_in_polls": missing,
        "stale_last_polls": stale,
        "redelivered": sum(s.deliveries for s in students) - sum(len(s.seen) for s in students),
        "exactly_once": lost == duplicated == misplaced == 0,
    }


# -- one backend -----------------------------------------------------------------------------------

def run_backend(database_url, tmp, args):
    """Set up, load and check one database; returns the figures."""
    env = base_env(tmp, database_url)
    flask_setup(env, args.students, args.group_size)
    groups = groups_in(database_url)
    group_of = {address: group for group, addresses in groups.items() for address in addresses}
    port = free_port()
    log = tmp / "gunicorn.log"
    process = start_gunicorn(env, port, args.workers, 1, log)
    try:
        students = [Student(port, index, args.timeout) for index in range(args.students)]
        members = {}
        for student in students:
            student.group = group_of.get(student.email)
            if student.group is None:
                raise BenchError(f"{student.email} is in no group")
            members.setdefault(student.group, []).append(student)
        began = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(args.students, 16)) as pool:
            list(pool.map(Student.sign_in, students))
        started = start_round(students)
        if any(outcome != "ok" for _, outcome in started):
            raise BenchError(f"starting failed: {next(o for _, o in started if o != 'ok')}")
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(args.students, 16)) as pool:
            list(pool.map(Student.open_stage, students))
        prepared = time.perf_counter() - began
        before = cpu_times(process.pid)
        seconds = editing_phase(students, args, args.seed)
        after = cpu_times(process.pid)
    finally:
        stop(process)
    writes = [w for s in students for w in s.writes]
    polls = [p for s in students for p in s.polls]
    requests = len(writes) + len(polls)
    result = {
        "prepare_seconds": round(prepared, 1),
        "phase_seconds": round(seconds, 1),
        "requests_per_second": round(requests / seconds, 1),
        "start": figures(started),
        "note": figures([(w[1], w[2]) for w in writes if w[0] == "note"]),
        "field": figures([(w[1], w[2]) for w in writes if w[0] == "field"]),
        "poll": figures([(p[0], p[1]) for p in polls]),
        "poll_unchanged": figures([(p[0], p[1]) for p in polls if p[1] == "ok" and not p[2]]),
        "poll_changed": figures([(p[0], p[1]) for p in polls if p[1] == "ok" and p[2]]),
        "changed_polls_without_notes": sum(1 for p in polls if p[2] and not p[3]),
        "notes_per_changed_poll": round(
            sum(p[3] for p in polls if p[2]) / max(1, sum(1 for p in polls if p[2])), 2),
        "propagation": propagation(students, members),
        "stored": stored(database_url, students, members),
    }
    if before and after:
        result["cpu_ms_per_request"] = {part: round(1000 * (after[part] - before[part]) / requests, 2)
                                        for part in before}
    log_text = log.read_text(errors="replace") if log.exists() else ""
    result["server_log"] = {
        "tracebacks": log_text.count("Traceback"),
        "database_is_locked": log_text.count("database is locked"),
        "first_error": next((line for line in log_text.splitlines() if "Error" in line), ""),
    }
    return result


def run_sqlite(tmp, args):
    return run_backend(f"sqlite:///{tmp / 'bench.sqlite'}", tmp, args)


def run_postgres(tmp, args):
    """On a throwaway database of ``--postgres-url``'s server, dropped afterwards."""
    return on_throwaway_postgres(args.postgres_url, "leadup_delib_bench", lambda url: run_backend(url, tmp, args))


# -- main ------------------------------------------------------------------------------------------

ROWS = (("start", "start (all at once)"), ("note", "note post"), ("field", "field save"), ("poll", "poll, all"),
        ("poll_unchanged", "  no change"), ("poll_changed", "  with changes"))


def print_backend(name, result):
    if "skipped" in result:
        print(f"\n{name}: skipped: {result['skipped']}")
        return
    if "failed" in result:
        print(f"\n{name}: FAILED: {result['failed']}")
        return
    s = result["stored"]
    print(f"\n{name} ({s['groups']} groups; students ready in {result['prepare_seconds']} s; editing phase "
          f"{result['phase_seconds']} s, {result['requests_per_second']} req/s)")
    print(f"  {'request':<20} {'count':>6} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for key, label in ROWS:
        r = result[key]
        print(f"  {label:<20} {r['requests']:>6} {r['errors']:>7} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
              f"{r['max_ms']:>8.1f}")
        for kind, count in r["error_kinds"].items():
            print(f"  {'':<20} {count} x {kind}")
    p = result["propagation"]
    print(f"  {'propagation':<20} {p['pairs']:>6} {p['missed']:>7} {p['p50_ms']:>8.1f} {p['p95_ms']:>8.1f} "
          f"{p['max_ms']:>8.1f}   (note acknowledged -> another member's poll has it; 'errors' = never seen)")
    print(f"  notes per poll with changes: {result['notes_per_changed_poll']} ({result['changed_polls_without_notes']} "
          f"of them brought no note of this stage back: the revision moved for a field of another stage)")
    cpu = result.get("cpu_ms_per_request")
    if cpu:
        print(f"  CPU ms per request (editing phase): gunicorn {cpu['server']}, database {cpu['database']}, "
              f"clients {cpu['clients']}")
    one_each = s["groups_sharing_one_attempt"] == s["groups"] == s["attempts"]
    print(f"  one attempt per group: {'yes' if one_each else 'NO'} ({s['attempts']} attempts, "
          f"{s['groups_sharing_one_attempt']}/{s['groups']} groups' members all on theirs)")
    print(f"  notes stored exactly once: {'yes' if s['exactly_once'] else 'NO'} ({s['acknowledged']} acknowledged, "
          f"{s['stored']} stored; lost {s['lost']}, duplicated {s['duplicated']}, in the wrong attempt "
          f"{s['misplaced']}, stored but not acknowledged {s['unacknowledged']})")
    print(f"  purpose field holds a value its group saved: {s['fields_ok']}/{s['groups']}")
    print(f"  every member's polls brought back every note of the group: "
          f"{'yes' if not s['missing_in_polls'] else 'NO'} (missing {s['missing_in_polls']}; last polls behind the "
          f"final revision {s['stale_last_polls']}; notes brought back twice {s['redelivered']})")
    log = result["server_log"]
    if log["tracebacks"] or log["database_is_locked"]:
        print(f"  server log: {log['tracebacks']} tracebacks, {log['database_is_locked']} 'database is locked'; "
              f"first: {log['first_error']}")


def failed(result):
    if "skipped" in result:
        return False
    if "failed" in result:
        return True
    s = result["stored"]
    errors = sum(result[key]["errors"] for key, _ in ROWS[:4])
    return bool(errors or not s["exactly_once"] or s["missing_in_polls"] or s["stale_last_polls"]
                or s["groups_sharing_one_attempt"] != s["groups"] or s["attempts"] != s["groups"]
                or s["fields_ok"] != s["groups"] or result["propagation"]["missed"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=150, help="students in the cohort (default 150)")
    parser.add_argument("--group-size", type=int, default=5, help="students per group (default 5)")
    parser.add_argument("--notes", type=int, default=4, help="consequence notes each student adds (default 4)")
    parser.add_argument("--edits", type=int, default=2, help="saves of the purpose fields per student (default 2)")
    parser.add_argument("--seconds", type=float, default=45, help="length of the editing phase (default 45)")
    parser.add_argument("--poll", type=float, default=3, help="seconds between polls, as for a group (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync worker processes (default 2)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL),
                        help=f"a PostgreSQL server to make a throwaway database on (default {POSTGRES_URL}, "
                             "or $BENCH_POSTGRES_URL)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take (default 30)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random moments (default 1)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.group_size < 2 or args.students < args.group_size:
        parser.error("--group-size must be at least 2 and at most --students")

    runners = {"sqlite": run_sqlite, "postgresql": run_postgres}
    names = list(runners) if args.backend == "both" else [args.backend]
    results = {}
    for name in names:
        with tempfile.TemporaryDirectory(prefix="leadup-delib-bench-") as tmp:
            tmp = Path(tmp)
            prepare_course(tmp / "course")
            try:
                results[name] = runners[name](tmp, args)
            except BenchError as exc:
                results[name] = {"failed": str(exc)}

    print(f"\n{args.students} students in groups of {args.group_size} co-edit for {args.seconds:g} s: "
          f"{args.notes} notes and {args.edits} field saves each, a poll every {args.poll:g} s; "
          f"gunicorn, {args.workers} sync worker{'s' if args.workers != 1 else ''}; {os.cpu_count()} CPUs")
    for name, result in results.items():
        print_backend(name, result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "date": datetime.now(UTC).isoformat(timespec="seconds"), "students": args.students,
            "group_size": args.group_size, "notes": args.notes, "edits": args.edits, "seconds": args.seconds,
            "workers": args.workers, "cpus": os.cpu_count(), "results": results,
        }, indent=2))
    return 1 if any(failed(r) for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
