"""What every load benchmark shares: the server, the backends, the clients and the report.

A benchmark is a scenario (its data, its load, its checks) run by ``on_backend`` on each backend
in turn: ``sqlite`` on a file in a temporary folder, or ``postgres``/``postgresql`` on a
throwaway database of a PostgreSQL server (``--postgres-url``), created for the run and dropped
after it, with Redis when the scenario asks. Inside, ``serving`` runs gunicorn on a free port
of 127.0.0.1 (``tests.helpers.Server``, the starter the browser and multi-process tests use) and
stops it by its pid. The figures are percentiles of ``(seconds, outcome)`` samples, printed as
fixed-width tables. Nothing but 127.0.0.1 is contacted.
"""
import concurrent.futures
import contextlib
import http.client
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.helpers import HOST, Server, ServerError, prepare_database, run_python, server_env  # noqa: E402

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/15"
MODULE = "m1-digital-innovation"
UNIT_FILE = "01-what-makes-a-city-smart.md"  # unit 1 of module 1, where scenarios embed their activity
UNIT_PATH = f"/modules/{MODULE}/what-makes-a-city-smart"
PASSWORD = "bench-password-2026"  # every bench student's
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class BenchError(Exception):
    """Something that stops one backend's run (its message says what)."""


class Unavailable(Exception):
    """A backend's server (PostgreSQL, Redis) or driver is missing: the backend is skipped."""


# -- the server and the backends ----------------------------------------------------------------

def bench_env(database_url, **settings):
    """A production server's environment, usable over plain http on 127.0.0.1."""
    defaults = {"LEADUP_ENV": "production", "SECRET_KEY": "bench-not-secret",
                "SESSION_COOKIE_SECURE": "0",  # plain http on 127.0.0.1
                "LOGIN_RATE_LIMIT": "100000 per minute"}  # every client signs in from 127.0.0.1
    return server_env(database_url, **{**defaults, **settings})


def workers_label(workers, threads):
    return f"{workers} sync workers" if threads <= 1 else f"{workers} gthread workers x {threads} threads"


@contextlib.contextmanager
def serving(env, log, workers, threads=1, gthread=None, options=(), app="app:create_app()"):
    """gunicorn with ``workers`` × ``threads`` (gthread when ``threads`` > 1 or ``gthread``), up
    and answering ``/healthz``, for the ``with`` block; a BenchError inside gets the log's end."""
    command = ["-w", str(workers), "--log-level", "warning", *options]
    if gthread or (gthread is None and threads > 1):
        command += ["-k", "gthread", "--threads", str(threads)]
    server = Server(env, log, gunicorn=[*command, app])
    try:
        server.start(timeout=60)
    except ServerError as exc:
        raise BenchError(str(exc)) from None
    try:
        yield server
    except BenchError as exc:
        raise BenchError(f"{exc}\nserver log (end):\n{server.log_tail()}") from None
    finally:
        server.stop(timeout=15)


def prepare(env, *snippets, seed=False):
    """A fresh database for ``env``: ``flask db upgrade`` (and ``flask demo seed`` if ``seed``),
    then each ``python -c`` snippet in the server's environment (making students, groups...)."""
    try:
        prepare_database(env, seed=seed)
        for code in snippets:
            run_python(env, "-c", code)
    except ServerError as exc:
        raise BenchError(str(exc)) from None


@contextlib.contextmanager
def throwaway_postgres(postgres_url, prefix):
    """The URL of a new database on ``postgres_url``'s server, dropped after the ``with`` block."""
    try:
        import psycopg
        admin = psycopg.connect(postgres_url, autocommit=True, connect_timeout=5)
    except Exception as exc:  # noqa: BLE001 - no driver, no server, refused: this backend is skipped
        raise Unavailable(f"{postgres_url}: {str(exc).strip() or type(exc).__name__}") from None
    name = f"{prefix}_{os.getpid()}"
    database_url = urllib.parse.urlunsplit(urllib.parse.urlsplit(postgres_url)._replace(path=f"/{name}"))
    try:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            yield database_url
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.close()


def require_redis(redis_url):
    try:
        import redis
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - no driver, no server: this backend is skipped
        raise Unavailable(f"Redis at {redis_url}: {exc}") from None


def on_backend(name, run, postgres_url=POSTGRES_URL, prefix="leadup_bench", redis_url=None):
    """``run(database_url, tmp)`` on backend ``name`` with a temporary folder ``tmp``; its result,
    or ``{"skipped": why}`` (no server) or ``{"failed": why}`` (a BenchError or ServerError)."""
    with tempfile.TemporaryDirectory(prefix=f"{prefix.replace('_', '-')}-") as tmp:
        tmp = Path(tmp)
        try:
            if name == "sqlite":
                return run(f"sqlite:///{tmp / 'bench.sqlite'}", tmp)
            if redis_url:
                require_redis(redis_url)
            with throwaway_postgres(postgres_url, prefix) as database_url:
                return run(database_url, tmp)
        except Unavailable as exc:
            return {"skipped": str(exc)}
        except (BenchError, ServerError) as exc:
            return {"failed": str(exc)}


def backends(choice, names):
    """The backends ``--backend`` asks for: ``names`` for "both", else the one named."""
    return list(names) if choice == "both" else [choice]


def add_postgres_option(parser):
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL),
                        help=f"a PostgreSQL server to make a throwaway database on (default {POSTGRES_URL}, "
                             "or $BENCH_POSTGRES_URL)")


# -- the course and the cohort ------------------------------------------------------------------

def course_with_activity(folder, filename, text, directive):
    """A copy of ``course/`` in ``folder`` with ``filename`` (``text``) in module 1 and
    ``directive`` (``quiz bench``) embedded at the end of its unit 1."""
    shutil.copytree(ROOT / "course", folder)
    module = folder / "modules" / MODULE
    (module / filename).write_text(text, encoding="utf-8")
    with (module / UNIT_FILE).open("a", encoding="utf-8") as unit:
        unit.write(f"\n::: {directive}\n:::\n")


def email(index):
    return f"student-{index + 1:03d}@bench.leadup.example"


def create_students(count):
    """Run in the server's environment (``prepare``): ``count`` students in one PGCert cohort.

    Hashing a password takes tens of milliseconds, so every student shares one hash."""
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.extensions import db
    from app.models import Cohort, Membership, Role, User

    app = create_app()
    with app.app_context():
        password_hash = generate_password_hash(PASSWORD)
        cohort = Cohort(name="Bench PGCert", level_id="pgcert")
        for index in range(count):
            user = User(email=email(index), name=f"Bench student {index + 1}", role=Role.STUDENT.value,
                        password_hash=password_hash)
            cohort.memberships.append(Membership(user=user, role=Role.STUDENT.value))
        db.session.add(cohort)
        db.session.commit()


@contextlib.contextmanager
def connect(database_url):
    """A SQLAlchemy connection to the benchmark's database, to count what the load left there."""
    import sqlalchemy as sa

    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


# -- clients ------------------------------------------------------------------------------------

def request(port, method, path, body=None, headers=None, timeout=10):
    """``(status, headers, body)`` of one request on a new connection."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def cookie_header(jar):
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def csrf_in(body):
    match = re.search(rb'name="csrf_token"(?: type="hidden")? value="([^"]+)"', body)
    return match.group(1).decode() if match else None


def outcome_of(status):
    """``"HTTP 500"`` for a status, the exception's name as it is."""
    return status if isinstance(status, str) else f"HTTP {status}"


class CookieClient:
    """A browser reduced to a cookie jar: each request on a new connection (gunicorn's sync
    workers close each one), sending and keeping the cookies; safe to share between threads."""

    def __init__(self, port, timeout=10):
        self.port = port
        self.timeout = timeout
        self.jar = {}
        self.lock = threading.Lock()

    def send(self, method, path, form=None, headers=None, timeout=None):
        """``(status, Location path, body)``; ``form`` is sent URL-encoded."""
        headers = dict(headers or {})
        with self.lock:
            if self.jar:
                headers["Cookie"] = cookie_header(self.jar)
        body = None
        if form is not None:
            headers.update(FORM)
            body = urllib.parse.urlencode(form)
        status, response_headers, content = request(self.port, method, path, body, headers,
                                                    timeout or self.timeout)
        with self.lock:
            for name, value in response_headers:
                if name.lower() == "set-cookie":
                    key, _, val = value.split(";", 1)[0].partition("=")
                    self.jar[key.strip()] = val.strip()
        location = next((v for k, v in response_headers if k.lower() == "location"), "")
        return status, urllib.parse.urlsplit(location).path, content

    def timed(self, method, path, form=None, headers=None, timeout=None):
        """``(seconds, ended at, status or exception name, Location path, body)``."""
        began = time.perf_counter()
        try:
            status, location, body = self.send(method, path, form, headers, timeout)
        except (OSError, http.client.HTTPException) as exc:
            status, location, body = type(exc).__name__, "", b""
        ended = time.perf_counter()
        return ended - began, ended, status, location, body

    def sign_in(self, address, password):
        """Through the sign-in form, as a person would; BenchError if it does not work."""
        status, _, body = self.send("GET", "/login")
        token = csrf_in(body)
        if status != 200 or not token:
            raise BenchError(f"{address}: GET /login answered HTTP {status} without a CSRF token")
        status, location, _ = self.send("POST", "/login", {"csrf_token": token, "email": address,
                                                            "password": password})
        if status != 302 or location == "/login":
            raise BenchError(f"{address}: signing in answered HTTP {status}")


# -- load ---------------------------------------------------------------------------------------

def at_once(items, action):
    """``action(item)`` for every item, each in its own thread, all let go by one barrier;
    ``(results in order, seconds from the release to the last return)``."""
    results = [None] * len(items)
    gate = threading.Barrier(len(items) + 1)

    def run(index, item):
        gate.wait()
        results[index] = action(item)

    threads = [threading.Thread(target=run, args=pair, daemon=True) for pair in enumerate(items)]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def on_schedule(plan, threads, action):
    """``action(*args)`` for each ``(at, *args)`` of ``plan``, ``at`` seconds from now, by a pool of
    ``threads`` client threads; returns how many seconds late each one started."""
    origin = time.perf_counter()
    late = []

    def run(due, args):
        late.append(time.perf_counter() - due)
        action(*args)

    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        futures = []
        for at, *args in sorted(plan, key=lambda step: step[0]):
            pause = origin + at - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            futures.append(pool.submit(run, origin + at, args))
        for future in futures:
            future.result()
    return late


# -- figures ------------------------------------------------------------------------------------

def percentile(sorted_values, pct):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def figures(samples, percentiles=(50, 95)):
    """``samples``: ``[(seconds, outcome)]`` of one kind of request, "ok" for a good answer."""
    latencies = sorted(seconds for seconds, outcome in samples if outcome == "ok")
    errors = {}
    for _, outcome in samples:
        if outcome != "ok":
            errors[outcome] = errors.get(outcome, 0) + 1
    result = {"requests": len(samples), "errors": sum(errors.values()), "error_kinds": errors}
    result.update({f"p{pct}_ms": round(percentile(latencies, pct) * 1000, 1) for pct in percentiles})
    result["max_ms"] = round(latencies[-1] * 1000, 1) if latencies else float("nan")
    return result


def cpu_times(server_pid):
    """Seconds of CPU used so far by the server's workers, the database server's processes and
    this process (the clients), read from /proc (Linux; None elsewhere)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    text = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                name = text[text.index("(") + 1:text.rindex(")")]
                fields = text[text.rindex(")") + 2:].split()
                stats[int(entry)] = (name, int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    except (OSError, ValueError, AttributeError):
        return None
    workers = sum(cpu for _, ppid, cpu in stats.values() if ppid == server_pid)
    database = sum(cpu for name, _, cpu in stats.values() if name.startswith("postgres"))
    return {"server": workers, "database": database, "clients": stats.get(os.getpid(), ("", 0, 0.0))[2]}


def log_summary(log):
    """What the server's log says went wrong."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return {
        "tracebacks": text.count("Traceback"),
        "database_is_locked": text.count("database is locked"),
        "pool_timeouts": text.count("QueuePool limit"),
        "first_error": next((line for line in text.splitlines() if "Error" in line), ""),
    }


# -- the report ---------------------------------------------------------------------------------

_WIDTH = re.compile(r"[<>^]?\d+")  # the alignment and width of a format spec, for headings and text


class Table:
    """A fixed-width table: ``columns`` are ``(heading, format spec)``, e.g. ``("p50 ms", ">8.1f")``."""

    def __init__(self, columns, indent="  "):
        self.columns = [(heading, spec, _WIDTH.match(spec).group(0)) for heading, spec in columns]
        self.indent = indent

    def header(self):
        print(self.indent + " ".join(f"{heading:{width}}" for heading, _, width in self.columns))

    def row(self, *values, error_kinds=None, note=""):
        """One row (text in a numeric column keeps the column's width), then a line per kind of
        error under it."""
        cells = [f"{value:{width if isinstance(value, str) else spec}}"
                 for value, (_, spec, width) in zip(values, self.columns)]
        print(self.indent + " ".join(cells) + note)
        for kind, count in (error_kinds or {}).items():
            print(f"{self.indent}{'':{self.columns[0][2]}} {count} x {kind}")


def unfinished(title, result):
    """Print why a backend has no figures; True if it has none."""
    for state in ("skipped", "failed"):
        if state in result:
            print(f"\n{title}: {state.upper() if state == 'failed' else state}: {result[state]}")
            return True
    return False


def write_json(path, **figures_):
    """The run's figures (with the date and the machine's CPUs) as JSON, if ``--json`` asked."""
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"date": datetime.now(UTC).isoformat(timespec="seconds"),
                                    "cpus": os.cpu_count(), **figures_}, indent=2, default=str))
