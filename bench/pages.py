"""Benchmark: how fast gunicorn serves a unit page compared with a bare Flask endpoint.

    python bench/pages.py [--seconds 10] [--clients 8] [--workers 2] [--threads 1]

It prepares a temporary SQLite database (``flask db upgrade`` and ``flask demo seed``), starts
gunicorn on a free port of 127.0.0.1 with ``LEADUP_ENV=production``, signs in as a demo student,
then, for each endpoint in turn, runs ``--clients`` threads for ``--seconds`` seconds, each
sending requests one after another over its own keep-alive ``http.client`` connection. It prints
requests per second and p50/p99 latency, and the unit/bare throughput ratio (target >= 0.5).
gunicorn is stopped by its pid at the end. Only 127.0.0.1 is contacted.

``bench_app()`` is the app gunicorn serves: the real app plus ``/bench/bare``, which returns a
short string. That route exists only here, never in the real app.
"""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STUDENT = "amira@leadup.example"
PASSWORD = "leadup-demo-2026"
MODULE = "m1-digital-innovation"
TARGET_RATIO = 0.5


def bench_app():
    """The LeadUP app with one extra, minimal endpoint to compare against."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from app import create_app
    from app.security import public

    app = create_app()

    @public
    def bare():
        return "ok"

    app.add_url_rule("/bench/bare", "bench_bare", bare)
    return app


# -- running the server -------------------------------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def prepare_database(env):
    """Migrate and seed a fresh database (demo seeding refuses production, so use development)."""
    seed_env = dict(env, LEADUP_ENV="development")
    for args in (["db", "upgrade"], ["demo", "seed"]):
        result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=seed_env,
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def start_gunicorn(env, port, workers, threads, log_path):
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "-w", str(workers),
               "-b", f"{HOST}:{port}", "--log-level", "warning", "--error-logfile", str(log_path)]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    command.append("bench.pages:bench_app()")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            status, _, _ = request(port, "GET", "/healthz")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    sys.exit(f"gunicorn did not answer /healthz within 60 s:\n{log_path.read_text(errors='replace')}")


def stop(process):
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


# -- HTTP helpers -------------------------------------------------------------------------------

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def request(port, method, path, body=None, headers=None, timeout=10):
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def cookies_from(headers, jar):
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            jar[key.strip()] = val.strip()
    return jar


def cookie_header(jar):
    return "; ".join(f"{k}={v}" for k, v in jar.items())


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
            cookies_from(response_headers, self.jar)
        location = next((v for k, v in response_headers if k.lower() == "location"), "")
        return status, urllib.parse.urlsplit(location).path, content


def sign_in(port):
    """Sign in as the demo student through the form; returns the Cookie header to send."""
    jar = {}
    status, headers, body = request(port, "GET", "/login")
    cookies_from(headers, jar)
    match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        rb'name="csrf_token" value="([^"]+)"', body)
    if status != 200 or not match:
        sys.exit(f"could not read the sign-in form (HTTP {status})")
    form = urllib.parse.urlencode({"csrf_token": match.group(1).decode(), "email": STUDENT, "password": PASSWORD})
    status, headers, _ = request(port, "POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)})
    cookies_from(headers, jar)
    if status != 302:
        sys.exit(f"signing in as {STUDENT} failed (HTTP {status})")
    return cookie_header(jar)


def first_unit_path(port, cookie):
    status, _, body = request(port, "GET", f"/modules/{MODULE}", headers={"Cookie": cookie})
    match = re.search(rf'href="(/modules/{MODULE}/[^"/#]+)"'.encode(), body)
    if status != 200 or not match:
        sys.exit(f"could not find a unit on /modules/{MODULE} (HTTP {status})")
    return match.group(1).decode()


# -- load generator -----------------------------------------------------------------------------

def run_load(port, path, headers, clients, seconds, check=None):
    """``clients`` threads send requests back to back for ``seconds``; returns figures."""
    latencies = [[] for _ in range(clients)]
    errors = [0] * clients
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(index):
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        mine = latencies[index]
        start_gate.wait()
        end = stop_at[0]
        while True:
            began = time.perf_counter()
            if began >= end:
                break
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200 and (check is None or check in body)
            except (OSError, http.client.HTTPException):
                connection.close()  # http.client reconnects on the next request
                ok = False
            if ok:
                mine.append(time.perf_counter() - began)
            else:
                errors[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    every = sorted(x for client_latencies in latencies for x in client_latencies)
    return {
        "path": path,
        "requests": len(every),
        "errors": sum(errors),
        "seconds": round(elapsed, 2),
        "rps": len(every) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(every, 50) * 1000,
        "p99_ms": percentile(every, 99) * 1000,
    }


def percentile(sorted_values, pct):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


# -- main ---------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="measuring time per endpoint (default 10)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker; more than 1 uses the gthread worker (default 1: sync workers)")
    parser.add_argument("--warmup", type=float, default=1, help="unmeasured seconds before each endpoint (default 1)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="leadup-bench-") as tmp:
        tmp = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "LEADUP_"))}
        env.update(
            FLASK_APP="app",
            DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite'}",
            LEADUP_ENV="production",
            SECRET_KEY="bench-not-secret",
            SESSION_COOKIE_SECURE="0",  # plain http on 127.0.0.1
            LOGIN_RATE_LIMIT="1000 per minute",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        )
        prepare_database(env)
        port = free_port()
        process = start_gunicorn(env, port, args.workers, args.threads, tmp / "gunicorn.log")
        try:
            cookie = sign_in(port)
            unit = first_unit_path(port, cookie)
            status, _, body = request(port, "GET", unit, headers={"Cookie": cookie})
            if status != 200 or b"Mark as complete" not in body:
                sys.exit(f"the unit page {unit} did not render for the signed-in student (HTTP {status})")
            status, _, body = request(port, "GET", "/bench/bare")
            if status != 200 or body != b"ok":
                sys.exit(f"/bench/bare answered HTTP {status}")

            targets = [
                ("bare", "/bench/bare", {}, b"ok"),
                ("unit", unit, {"Cookie": cookie}, b"Mark as complete"),
            ]
            results = {}
            for name, path, headers, check in targets:
                if args.warmup > 0:
                    run_load(port, path, headers, args.clients, args.warmup, check)
                results[name] = run_load(port, path, headers, args.clients, args.seconds, check)
        finally:
            stop(process)

    ratio = results["unit"]["rps"] / results["bare"]["rps"] if results["bare"]["rps"] else 0.0
    worker = f"{args.workers} sync workers" if args.threads <= 1 else f"{args.workers} gthread workers x {args.threads} threads"
    print(f"\ngunicorn, {worker}; {args.clients} clients, {args.seconds:g} s per endpoint; {os.cpu_count()} CPUs\n")
    print(f"{'endpoint':<8} {'path':<56} {'requests':>9} {'errors':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, r in results.items():
        print(f"{name:<8} {r['path']:<56} {r['requests']:>9} {r['errors']:>7} {r['rps']:>9.1f} "
              f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}")
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(f"\nunit/bare throughput: {ratio:.2f} ({verdict} the target of {TARGET_RATIO})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "workers": args.workers, "threads": args.threads, "clients": args.clients,
            "seconds": args.seconds, "cpus": os.cpu_count(), "results": results, "ratio": ratio,
        }, indent=2))
    errors = sum(r["errors"] for r in results.values())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
