"""Benchmark: a cohort submitting a quiz at the same moment, on SQLite and on PostgreSQL.

    python bench/quiz_load.py [--students 200] [--workers 4] [--threads 1] [--backend both]

For each backend it makes a fresh database (``flask db upgrade``; for PostgreSQL a throwaway
database on ``--postgres-url``'s server, dropped at the end), a copy of ``course/`` with a
10-question quiz (``bench.quiz.yaml``, one attempt, every question graded automatically)
embedded in unit 1 of module 1, and ``--students`` accounts in one PGCert cohort. It starts
gunicorn with ``LEADUP_ENV=production`` on a free port of 127.0.0.1 (``bench/harness.py``);
every student signs in through the form, opens the unit, starts the quiz and reads the
attempt page (not timed). Then all of them post their answers at the same moment (a barrier),
and once more (a resend, as a phone on flaky Wi-Fi would). It prints p50/p99/max latency,
errors and throughput of both rounds, and reads the database to check that every submission
was stored exactly once: one submitted attempt per student, each with one graded answer per
question. The exit status is 1 if a submission was lost or duplicated or a request failed; a
p99 over the 1 s target is reported, not an error.
"""
import argparse
import concurrent.futures
import http.client
import os
import re
import sys
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    FORM,
    HOST,
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
    cookie_header,
    course_with_activity,
    cpu_times,
    csrf_in,
    email,
    figures,
    log_summary,
    on_backend,
    prepare,
    serving,
    unfinished,
    workers_label,
    write_json,
)

QUIZ_UUID = "7f3c2b9e-5d41-4a6e-9b0f-1c8e2d4a6b35"
QUIZ_KEY = "bench"
TARGET_P99_S = 1.0

QUIZ_YAML = f"""\
uuid: {QUIZ_UUID}
title: Bench quiz
intro: Ten questions, one attempt, all marked automatically.
policy:
  attempts: 1
  feedback: after_submit
  answers: after_submit
questions:
  - id: wave
    type: single
    text: Which wave of smart-city practice was led by business?
    options:
      - text: The first
      - text: The third
        correct: true
  - id: families
    type: multiple
    text: Which are families of challenge in the course deck? Select all that apply.
    options:
      - {{text: Siloedness, correct: true}}
      - {{text: Skills and capabilities, correct: true}}
      - {{text: Too much funding}}
  - id: twin
    type: truefalse
    text: A digital twin must be updated in real time.
    answer: false
  - id: mean-trip
    type: numeric
    text: What is the mean commuting distance, in km?
    answer: 13.56
    tolerance: 0.1
    unit: km
  - id: method
    type: text
    text: Name the iterative method that balances a doubly-constrained gravity model.
    answers:
      - {{text: Furness, score: 1}}
      - {{regex: "^(iterative )?proportional fitting$", score: 1}}
  - id: process
    type: ordering
    text: Put the stages in order.
    items: [Identify the public value sought, Build the business case, Pilot, Scale]
  - id: roles
    type: matching
    text: Match each role to what it does.
    pairs:
      - {{left: Sponsor, right: Provides the mandate and resources}}
      - {{left: Champion, right: Advocates for the innovation}}
    distractors: [Audits the accounts]
  - id: gravity
    type: cloze
    text: |
      Each origin's total equals its [[workers]], each destination's its [[jobs]], and the mean
      trip is [[mean]] km.
    gaps:
      workers: {{answers: [working residents, workers]}}
      jobs: {{options: [jobs, homes, roads], answer: jobs}}
      mean: {{answer: 13.56, tolerance: 0.1}}
  - id: knowing
    type: single
    text: Evidence exists but nobody is entitled to act on it. What is this?
    options:
      - text: Knowing without governing
        correct: true
      - text: Governing without knowing
  - id: share
    type: numeric
    text: What percentage of 59,865 is 33,704? One decimal place.
    answer: "=100 * 33704 / 59865"
    tolerance: 0.5
    unit: "%"
"""
QUESTION_IDS = re.findall(r"^  - id: (\S+)$", QUIZ_YAML, re.MULTILINE)
QUESTIONS = len(QUESTION_IDS)


# -- one student's browser (not timed) -----------------------------------------------------------

class SubmitForm(HTMLParser):
    """The fields of the attempt page's submit form, filled as a hurried student would.

    Hidden fields are sent as they are, a radio group or checkboxes get their first value, a
    select its first non-empty option, and every text box ``13.56``."""

    TYPED = "13.56"

    def __init__(self):
        super().__init__()
        self.inside = False
        self.fields = []
        self.chosen = set()  # radio and checkbox names already given a value
        self.select = None  # name of the open <select> still waiting for an option

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action", "").endswith("/submit")
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "hidden":
                self.fields.append((name, attrs.get("value", "")))
            elif kind in ("radio", "checkbox"):
                if name not in self.chosen:
                    self.chosen.add(name)
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                self.fields.append((name, self.TYPED))
        elif tag == "textarea" and name:
            self.fields.append((name, self.TYPED))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and attrs.get("value"):
            self.fields.append((self.select, attrs["value"]))
            self.select = None

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


class Student(CookieClient):
    """A signed-in student with an open attempt and the answers they will post."""

    def __init__(self, port, index, unit_path):
        super().__init__(port)
        self.email = email(index)
        self.unit_path = unit_path
        self.attempt_id = None
        self.body = None

    def prepare(self):
        """Sign in, open the unit, start the quiz and read its attempt page."""
        self.sign_in(self.email, PASSWORD)
        status, _, body = self.send("GET", self.unit_path)
        start = f"/quizzes/{QUIZ_UUID}/start"
        token = csrf_in(body)
        if status != 200 or start.encode() not in body or not token:
            raise BenchError(f"{self.email}: {self.unit_path} (HTTP {status}) has no start button for the bench quiz")
        status, location, _ = self.send("POST", start, {"csrf_token": token})
        match = re.fullmatch(r"/quizzes/attempts/(\d+)", location)
        if status != 302 or not match:
            raise BenchError(f"{self.email}: starting the quiz answered HTTP {status} to {location or 'nowhere'}")
        self.attempt_id = int(match.group(1))
        status, _, body = self.send("GET", location)
        form = SubmitForm()
        form.feed(body.decode())
        names = {name for name, _ in form.fields}
        if status != 200 or "csrf_token" not in names:
            raise BenchError(f"{self.email}: the attempt page {location} (HTTP {status}) has no submit form")
        self.body = urllib.parse.urlencode(form.fields)
        return sum(1 for qid in QUESTION_IDS
                   if any(n == f"q-{qid}" or n.startswith((f"q-{qid}-", f"q-{qid}.", f"q-{qid}[")) for n in names))

    @property
    def attempt_path(self):
        return f"/quizzes/attempts/{self.attempt_id}"


# -- the timed rounds -----------------------------------------------------------------------------

def submit_round(students, timeout):
    """Every student posts their answers once, all released by one barrier; returns figures."""
    def post(student):
        headers = dict(FORM, Cookie=cookie_header(student.jar))
        began = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, student.port, timeout=timeout)
        try:
            connection.request("POST", f"{student.attempt_path}/submit", body=student.body, headers=headers)
            response = connection.getresponse()
            response.read()
            location = urllib.parse.urlsplit(response.getheader("Location", "")).path
            ok = response.status == 302 and location == student.attempt_path
            outcome = "ok" if ok else f"HTTP {response.status}" + (f" to {location}" if location else "")
        except (OSError, http.client.HTTPException) as exc:
            outcome = type(exc).__name__
        finally:
            connection.close()
        return time.perf_counter() - began, outcome

    results, elapsed = at_once(students, post)
    result = figures(results, percentiles=(50, 99))
    return dict(result, ok=result["requests"] - result["errors"], seconds=round(elapsed, 3),
                per_second=round(len(results) / elapsed, 1) if elapsed else 0.0)


# -- checking what was stored ---------------------------------------------------------------------

def stored(database_url, students):
    """Count, from the database itself, what the submissions left behind."""
    import sqlalchemy as sa

    with connect(database_url) as connection:
        attempts = connection.execute(sa.text(
            "SELECT u.email, a.id, a.status, a.raw_score, COUNT(q.id) "
            "FROM quiz_attempts a JOIN users u ON u.id = a.user_id "
            "LEFT JOIN quiz_answers q ON q.attempt_id = a.id "
            "WHERE a.quiz_uuid = :uuid GROUP BY u.email, a.id, a.status, a.raw_score"
        ), {"uuid": QUIZ_UUID}).all()
        answers = connection.execute(sa.text(
            "SELECT COUNT(*) FROM quiz_answers q JOIN quiz_attempts a ON a.id = q.attempt_id "
            "WHERE a.quiz_uuid = :uuid"), {"uuid": QUIZ_UUID}).scalar_one()
        blank = connection.execute(sa.text(
            "SELECT COUNT(*) FROM quiz_answers q JOIN quiz_attempts a ON a.id = q.attempt_id "
            "WHERE a.quiz_uuid = :uuid AND CAST(q.response AS TEXT) IN ('\"\"', '[]', '{}', 'null')"),
            {"uuid": QUIZ_UUID}).scalar_one()
    by_student = {}
    for student_email, _, status, raw_score, count in attempts:
        by_student.setdefault(student_email, []).append((status, raw_score, count))
    expected = {s.email for s in students}
    complete = {e for e, rows in by_student.items()
                if len(rows) == 1 and rows[0][0] == "submitted" and rows[0][2] == QUESTIONS and rows[0][1] is not None}
    lost = sum(1 for e in expected if not any(status == "submitted" for status, _, _ in by_student.get(e, [])))
    duplicated = sum(len(rows) - 1 for rows in by_student.values() if len(rows) > 1)
    incomplete = sum(1 for e in expected if e in by_student and e not in complete)
    return {
        "attempts": len(attempts),
        "submitted": sum(1 for row in attempts if row[2] == "submitted"),
        "answers": answers,
        "expected_answers": len(students) * QUESTIONS,
        "blank_answers": blank,
        "lost": lost,
        "duplicated": duplicated,
        "incomplete": incomplete,
        "exactly_once": len(complete) == len(expected) and len(attempts) == len(expected),
    }


# -- one backend -----------------------------------------------------------------------------------

def run_backend(database_url, tmp, args):
    """Set up, load and check one database; returns the figures."""
    course_with_activity(tmp / "course", f"{QUIZ_KEY}.quiz.yaml", QUIZ_YAML, f"quiz {QUIZ_KEY}")
    env = bench_env(database_url, COURSE_DIR=tmp / "course")
    prepare(env, f"from bench.harness import create_students; create_students({args.students})")
    log = tmp / "gunicorn.log"
    with serving(env, log, args.workers, args.threads) as server:
        students = [Student(server.port, index, UNIT_PATH) for index in range(args.students)]
        began = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(args.students, 16)) as pool:
            fields = set(pool.map(Student.prepare, students))
        if fields != {QUESTIONS}:
            raise BenchError(f"the attempt pages showed fields for {sorted(fields)} questions, not {QUESTIONS}")
        prepared = time.perf_counter() - began
        first = measured_round(students, args.timeout, server.process.pid)
        resend = measured_round(students, args.timeout, server.process.pid)
    return {"prepare_seconds": round(prepared, 1), "submit": first, "resend": resend,
            "stored": stored(database_url, students), "server_log": log_summary(log)}


def measured_round(students, timeout, server_pid):
    """``submit_round`` plus the CPU time it cost the gunicorn workers, the database server and
    this process (the clients), per request, read from /proc (Linux; absent elsewhere)."""
    before = cpu_times(server_pid)
    figures = submit_round(students, timeout)
    after = cpu_times(server_pid)
    if before and after:
        figures["cpu_ms_per_request"] = {
            part: round(1000 * (after[part] - before[part]) / len(students), 1) for part in before}
    return figures


# -- main ------------------------------------------------------------------------------------------

def print_backend(name, result):
    if unfinished(name, result):
        return
    print(f"\n{name} (students ready in {result['prepare_seconds']} s)")
    table = Table([("round", "<8"), ("requests", ">8"), ("errors", ">7"), ("seconds", ">8.2f"), ("req/s", ">7.1f"),
                   ("p50 ms", ">8.1f"), ("p99 ms", ">8.1f"), ("max ms", ">8.1f")])
    table.header()
    for label in ("submit", "resend"):
        r = result[label]
        table.row(label, r["requests"], r["errors"], r["seconds"], r["per_second"], r["p50_ms"], r["p99_ms"],
                  r["max_ms"], error_kinds=r["error_kinds"])
    cpu = {label: result[label].get("cpu_ms_per_request") for label in ("submit", "resend")}
    if all(cpu.values()):
        print("  CPU ms per request: " + "; ".join(
            f"{label}: gunicorn {c['server']}, database {c['database']}, clients {c['clients']}"
            for label, c in cpu.items()))
    s = result["stored"]
    verdict = "yes" if s["exactly_once"] else "NO"
    print(f"  stored exactly once: {verdict} ({s['submitted']} submitted attempts of {s['attempts']}, "
          f"{s['answers']}/{s['expected_answers']} answers, {s['blank_answers']} blank; "
          f"lost {s['lost']}, duplicated {s['duplicated']}, incomplete {s['incomplete']})")
    p99 = result["submit"]["p99_ms"] / 1000
    print(f"  p99 of the submit round: {p99:.2f} s ({'meets' if p99 < TARGET_P99_S else 'OVER'} "
          f"the target of {TARGET_P99_S:g} s)")
    log = result["server_log"]
    if log["tracebacks"] or log["database_is_locked"]:
        print(f"  server log: {log['tracebacks']} tracebacks, {log['database_is_locked']} 'database is locked'; "
              f"first: {log['first_error']}")


def failed(result):
    if "skipped" in result:
        return False
    if "failed" in result:
        return True
    return (not result["stored"]["exactly_once"] or result["submit"]["errors"] or result["resend"]["errors"]
            or result["stored"]["blank_answers"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200, help="students submitting at once (default 200)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker; more than 1 uses the gthread worker (default 1: sync workers)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    add_postgres_option(parser)
    parser.add_argument("--timeout", type=float, default=60, help="seconds a submission may take (default 60)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    results = {name: on_backend(name, lambda url, tmp: run_backend(url, tmp, args), args.postgres_url)
               for name in backends(args.backend, ("sqlite", "postgres"))}
    print(f"\n{args.students} students submit a {QUESTIONS}-question quiz at once; gunicorn, "
          f"{workers_label(args.workers, args.threads)}; {os.cpu_count()} CPUs")
    for name, result in results.items():
        print_backend(name, result)
    write_json(args.json, students=args.students, workers=args.workers, threads=args.threads, results=results)
    return 1 if any(failed(r) for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
