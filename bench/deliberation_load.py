"""Benchmark: a cohort co-editing group deliberations, on SQLite and on PostgreSQL.

    python bench/deliberation_load.py [--students 150] [--group-size 5] [--notes 4] [--workers 2]
                                      [--seconds 45] [--backend sqlite|postgresql|both]

For each backend it makes a fresh database (``flask db upgrade``; for PostgreSQL a throwaway
database on ``--postgres-url``'s server, dropped at the end), a copy of ``course/`` with a small
group-mode deliberation exercise (``bench-deliberation.deliberation.yaml``: a consequences stage
and a purpose stage) embedded in unit 1 of module 1, and ``--students`` accounts in one PGCert
cohort, put into groups of about ``--group-size`` by ``service.make_groups`` (what the tutor's
"make groups" button does). It starts gunicorn with ``LEADUP_ENV=production`` on a free port of
127.0.0.1 (``bench/harness.py``).

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
import json
import os
import random
import re
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    PASSWORD,
    UNIT_PATH,
    BenchError,
    CookieClient,
    Table,
    add_postgres_option,
    at_once,
    backends,
    bench_env,
    connect,
    course_with_activity,
    cpu_times,
    csrf_in,
    email,
    figures,
    log_summary,
    on_backend,
    outcome_of,
    percentile,
    prepare,
    serving,
    unfinished,
    write_json,
)

EXERCISE_UUID = "5b8e0d2a-3c71-4f96-a4e2-9d07c6b1e843"
EXERCISE_KEY = "bench-deliberation"
NOTES_STAGE = "consequences"
FIELDS_STAGE = "purpose"
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


def groups_in(database_url):
    """``{group id: [student emails]}`` as ``make_groups`` made them."""
    import sqlalchemy as sa

    with connect(database_url) as connection:
        rows = connection.execute(sa.text(
            "SELECT m.group_id, u.email FROM deliberation_group_members m JOIN users u ON u.id = m.user_id "
            "WHERE m.exercise_uuid = :uuid ORDER BY m.group_id, u.email"), {"uuid": EXERCISE_UUID}).all()
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

    def open_unit(self):
        """Sign in and open the unit with the exercise (not timed)."""
        self.sign_in(self.email, PASSWORD)
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
        outcome, note_id = outcome_of(status), None
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
            self.polls.append((seconds, outcome_of(status), False, 0))
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
    return at_once(students, Student.start)[0]


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

    with connect(database_url) as connection:
        attempts = {group_id: (attempt_id, revision) for attempt_id, group_id, revision in connection.execute(
            sa.text("SELECT id, group_id, revision FROM deliberation_attempts WHERE exercise_uuid = :uuid"),
            {"uuid": EXERCISE_UUID})}
        notes = connection.execute(sa.text(
            "SELECT n.id, n.attempt_id, CAST(n.\"values\" AS TEXT) FROM deliberation_notes n "
            "JOIN deliberation_attempts a ON a.id = n.attempt_id "
            "WHERE a.exercise_uuid = :uuid AND n.kind = 'consequence' AND n.deleted = :no"),
            {"uuid": EXERCISE_UUID, "no": False}).all()
        fields = dict(connection.execute(sa.text(
            "SELECT f.attempt_id, CAST(f.value AS TEXT) FROM deliberation_fields f "
            "JOIN deliberation_attempts a ON a.id = f.attempt_id "
            "WHERE a.exercise_uuid = :uuid AND f.stage_id = :stage AND f.name = 'goal'"),
            {"uuid": EXERCISE_UUID, "stage": FIELDS_STAGE}).all())

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
    course_with_activity(tmp / "course", f"{EXERCISE_KEY}.deliberation.yaml", EXERCISE_YAML,
                         f"deliberation {EXERCISE_KEY}")
    env = bench_env(database_url, COURSE_DIR=tmp / "course")
    prepare(env, f"from bench.harness import create_students; create_students({args.students})",
            f"from bench.deliberation_load import create_groups; create_groups({args.group_size})")
    groups = groups_in(database_url)
    group_of = {address: group for group, addresses in groups.items() for address in addresses}
    log = tmp / "gunicorn.log"
    with serving(env, log, args.workers) as server:
        students = [Student(server.port, index, args.timeout) for index in range(args.students)]
        members = {}
        for student in students:
            student.group = group_of.get(student.email)
            if student.group is None:
                raise BenchError(f"{student.email} is in no group")
            members.setdefault(student.group, []).append(student)
        began = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(args.students, 16)) as pool:
            list(pool.map(Student.open_unit, students))
        started = start_round(students)
        if any(outcome != "ok" for _, outcome in started):
            raise BenchError(f"starting failed: {next(o for _, o in started if o != 'ok')}")
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(args.students, 16)) as pool:
            list(pool.map(Student.open_stage, students))
        prepared = time.perf_counter() - began
        before = cpu_times(server.process.pid)
        seconds = editing_phase(students, args, args.seed)
        after = cpu_times(server.process.pid)
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
    result["server_log"] = log_summary(log)
    return result


# -- main ------------------------------------------------------------------------------------------

ROWS = (("start", "start (all at once)"), ("note", "note post"), ("field", "field save"), ("poll", "poll, all"),
        ("poll_unchanged", "  no change"), ("poll_changed", "  with changes"))


def print_backend(name, result):
    if unfinished(name, result):
        return
    s = result["stored"]
    print(f"\n{name} ({s['groups']} groups; students ready in {result['prepare_seconds']} s; editing phase "
          f"{result['phase_seconds']} s, {result['requests_per_second']} req/s)")
    table = Table([("request", "<20"), ("count", ">6"), ("errors", ">7"), ("p50 ms", ">8.1f"), ("p95 ms", ">8.1f"),
                   ("max ms", ">8.1f")])
    table.header()
    for key, label in ROWS:
        r = result[key]
        table.row(label, r["requests"], r["errors"], r["p50_ms"], r["p95_ms"], r["max_ms"], error_kinds=r["error_kinds"])
    p = result["propagation"]
    table.row("propagation", p["pairs"], p["missed"], p["p50_ms"], p["p95_ms"], p["max_ms"],
              note="   (note acknowledged -> another member's poll has it; 'errors' = never seen)")
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
    add_postgres_option(parser)
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take (default 30)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random moments (default 1)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.group_size < 2 or args.students < args.group_size:
        parser.error("--group-size must be at least 2 and at most --students")

    results = {name: on_backend(name, lambda url, tmp: run_backend(url, tmp, args), args.postgres_url,
                                "leadup_delib_bench") for name in backends(args.backend, ("sqlite", "postgresql"))}
    print(f"\n{args.students} students in groups of {args.group_size} co-edit for {args.seconds:g} s: "
          f"{args.notes} notes and {args.edits} field saves each, a poll every {args.poll:g} s; "
          f"gunicorn, {args.workers} sync worker{'s' if args.workers != 1 else ''}; {os.cpu_count()} CPUs")
    for name, result in results.items():
        print_backend(name, result)
    write_json(args.json, students=args.students, group_size=args.group_size, notes=args.notes, edits=args.edits,
               seconds=args.seconds, workers=args.workers, results=results)
    return 1 if any(failed(r) for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
