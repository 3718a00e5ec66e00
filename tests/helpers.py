"""Helpers shared by the tests (import them from here; no test module imports another).

Nothing here imports pytest: ``bench/`` starts its servers with ``Server`` too."""
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # as app.config's, without importing the app

_COPIES = {}


def course_with(base, files=None, appends=None):
    """The real course with ``files`` ({path in the course: text}) written and ``appends``
    ({path: text}) added at the end of existing files, as a folder under ``base``.

    One folder per distinct change in each test process: every test asking for the same change
    gets the same unchanged folder, so its loaded course is loaded once and shared
    (``app.content.loaded``). Tests must not write into it; one that breaks the course on
    purpose uses the ``course_copy`` fixture, a copy of its own."""
    key = (tuple(sorted((files or {}).items())), tuple(sorted((appends or {}).items())))
    if key not in _COPIES:
        target = base / f"course-{len(_COPIES)}" / "course"
        shutil.copytree(ROOT / "course", target)
        for path, text in (files or {}).items():
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            (target / path).write_text(text, encoding="utf-8")
        for path, text in (appends or {}).items():
            existing = (target / path).read_text(encoding="utf-8")
            (target / path).write_text(existing + text, encoding="utf-8")
        _COPIES[key] = target
    return _COPIES[key]


def two_cohorts(make, tom="Tom Ellis"):
    """A PGCert cohort with students Amira and Tom (named ``tom``) and tutor Tess; another cohort
    with its own student and tutor; and an admin."""
    from app.models import Role

    cohort = make.cohort("pgcert", "PGCert 2026–27")
    other = make.cohort("pgcert", "Other cohort")
    return {
        "cohort": cohort,
        "other": other,
        "amira": make.user(Role.STUDENT, [cohort], name="Amira Khan", email="amira@example.org"),
        "tom": make.user(Role.STUDENT, [cohort], name=tom, email="tom@example.org"),
        "stranger": make.user(Role.STUDENT, [other], name="Sam Other"),
        "tutor": make.user(Role.TUTOR, [cohort], name="Tess Tutor"),
        "other_tutor": make.user(Role.TUTOR, [other]),
        "admin": make.user(Role.ADMIN),
    }


def write(path: Path, text: str):
    """Write ``text`` to ``path`` (UTF-8), making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- a small course of two modules, for tests of the loader and of single activities ----------------

PROGRAMME = """\
uuid: 11111111-1111-4111-8111-111111111111
title: Test Programme
short_title: TP
levels:
  - id: pgcert
    title: Certificate
    modules: [m1]
  - id: pgdip
    title: Diploma
    builds_on: pgcert
    modules: [m2]
"""

MODULE = """\
---
uuid: {uuid}
number: {number}
title: Module {number}
level: {level}
summary: A module.
hours: 10
aims: [Learn things]
outcomes: [Explain things]
assessment: |
  A **quiz**.
---
## Overview

See [the first unit](01-first.md).
"""

UNIT = """\
---
uuid: {uuid}
title: {title}
objectives: [Do a thing]
minutes: 20
prerequisites: {prereqs}
---
{body}
"""


def make_course(root, m1_units=None, extra=None):
    """A small valid course under ``root``: m1 with ``m1_units`` (two by default), m2 with one;
    ``extra`` files ({path: text}) are added."""
    write(root / "programme.yaml", PROGRAMME)
    write(root / "modules/m1/module.md", MODULE.format(uuid="22222222-2222-4222-8222-222222222201", number=1, level="pgcert"))
    write(root / "modules/m2/module.md", MODULE.format(uuid="22222222-2222-4222-8222-222222222202", number=2, level="pgdip").replace("01-first.md", "01-only.md"))
    units = m1_units or {
        "01-first.md": ("33333333-3333-4333-8333-333333333301", "First", "[]", "## Hello\n\nSee [the second](02-second.md#part) and [m2](../m2/01-only.md)."),
        "02-second.md": ("33333333-3333-4333-8333-333333333302", "Second", "[first]", "Body with a footnote.[^1]\n\n[^1]: The note."),
    }
    for name, (uuid, title, prereqs, body) in units.items():
        write(root / "modules/m1" / name, UNIT.format(uuid=uuid, title=title, prereqs=prereqs, body=body))
    write(root / "modules/m2/01-only.md", UNIT.format(uuid="33333333-3333-4333-8333-333333333399", title="Only", prereqs="[m1/second]", body="Text."))
    for path, text in (extra or {}).items():
        write(root / path, text)
    return root


def course_with_one_unit(tmp_path, body):
    """A course whose module m1 has one unit with ``body`` (and m2 one unrelated unit)."""
    units = {"01-first.md": ("33333333-3333-4333-8333-333333333301", "First", "[]", body)}
    root = make_course(tmp_path / "course", m1_units=units)
    (root / "modules/m2/01-only.md").write_text(UNIT.format(uuid="33333333-3333-4333-8333-333333333399", title="Only", prereqs="[]", body="x"))
    return root


def messages(course):
    """The course's problems as ``path:line: message`` lines."""
    return [str(p) for p in course.problems]


# -- a real LeadUP server in a subprocess: the browser tests, the multi-process tests, bench/ ----------

HOST = "127.0.0.1"


class ServerError(RuntimeError):
    """A server, or a ``flask`` command preparing its database, failed (the message says how)."""


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(database_url, **settings):
    """This process's environment without its Flask/LeadUP/live settings, for a server of the app
    on ``database_url``; ``settings`` (``LEADUP_ENV``, ``SECRET_KEY``...) are added."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "LEADUP_", "LIVE_", "WERKZEUG_"))}
    env.pop("DATABASE_URL_TEST", None)
    env.update(FLASK_APP="app", DATABASE_URL=database_url, PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    env.update({name: str(value) for name, value in settings.items()})
    return env


def run_python(env, *args, timeout=300):
    """``python *args`` in the repository with ``env``; raises ServerError with its output if it fails."""
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise ServerError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


# ``flask db upgrade`` and ``flask demo seed`` in one process: the second app reuses what the
# first loaded (the course), where two ``flask`` processes would each start from nothing.
PREPARE = """
import os, sys, traceback
from app import create_app

for env_name, args in ((os.environ.get("LEADUP_ENV", "development"), ["db", "upgrade"]),
                       *((("development", ["demo", "seed"]),) if sys.argv[1] == "seed" else ())):
    os.environ["LEADUP_ENV"] = env_name
    result = create_app().test_cli_runner().invoke(args=args)
    sys.stdout.write(result.output)
    if result.exit_code:
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            traceback.print_exception(result.exception)
        sys.exit(f"flask {' '.join(args)} failed ({result.exit_code})")
"""


def prepare_database(env, seed=True):
    """``flask db upgrade``, then ``flask demo seed`` (as development: the seed refuses production)."""
    run_python(env, "-c", PREPARE, "seed" if seed else "no-seed")


class Server:
    """The app served in a subprocess on a free port of 127.0.0.1, its output in ``log``.

    ``flask run`` by default; ``gunicorn`` is a list of gunicorn options ending with the app
    (``["-w", "2", "app:create_app()"]``), to which the address is added. ``start`` waits for
    ``/healthz``; ``stop`` ends the process by its pid. It may be started again on the same port."""

    def __init__(self, env, log, gunicorn=None, port=None):
        self.env = env
        self.log = Path(log)
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        if gunicorn is None:
            self.command = ["flask", "run", "--host", HOST, "--port", str(self.port), "--no-reload"]
        else:
            self.command = ["gunicorn", "--chdir", str(ROOT), "-b", f"{HOST}:{self.port}", *gunicorn]
        self.process = None

    def launch(self):
        """Start the process without waiting for it to answer."""
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", *self.command], cwd=ROOT, env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT)
        return self

    def wait_ready(self, timeout=30):
        """Wait until ``/healthz`` answers 200; ServerError with the log's end if the process exits
        or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise ServerError(f"{self.command[0]} on port {self.port} exited with {self.process.returncode}:\n"
                                  f"{self.log_tail()}")
            connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
            try:
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    return self
            except (OSError, http.client.HTTPException):
                pass
            finally:
                connection.close()
            if time.monotonic() > deadline:
                raise ServerError(f"{self.command[0]} on port {self.port} did not answer /healthz within "
                                  f"{timeout:g} s:\n{self.log_tail()}")
            time.sleep(0.1)

    def start(self, timeout=30):
        """``launch`` and ``wait_ready``; the process is stopped if it does not come up."""
        self.launch()
        try:
            return self.wait_ready(timeout)
        except ServerError:
            self.stop()
            raise

    def stop(self, timeout=10):
        """SIGTERM by pid; SIGKILL if it has not gone after ``timeout`` seconds."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def yaml_block_line(text, start, field):
    """The line of ``field:`` (or ``- field:``) in the ``:::`` block whose body starts after line
    ``start`` of ``text`` (``start`` itself when the block has no such key)."""
    lines = text.split("\n")
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.startswith(":::"):
            break
        if re.match(rf"\s*(- )?{re.escape(field)}:", line):
            return number
    return start
