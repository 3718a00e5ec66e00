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
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    HOST,
    MODULE,
    BenchError,
    CookieClient,
    Table,
    bench_env,
    cookie_header,
    percentile,
    prepare,
    request,
    serving,
    workers_label,
    write_json,
)

STUDENT = "amira@leadup.example"
PASSWORD = "leadup-demo-2026"
TARGET_RATIO = 0.5


def bench_app():
    """The LeadUP app with one extra, minimal endpoint to compare against."""
    from app import create_app
    from app.security import public

    app = create_app()

    @public
    def bare():
        return "ok"

    app.add_url_rule("/bench/bare", "bench_bare", bare)
    return app


def first_unit_path(port, cookie):
    status, _, body = request(port, "GET", f"/modules/{MODULE}", headers={"Cookie": cookie})
    match = re.search(rf'href="(/modules/{MODULE}/[^"/#]+)"'.encode(), body)
    if status != 200 or not match:
        raise BenchError(f"could not find a unit on /modules/{MODULE} (HTTP {status})")
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


# -- main ---------------------------------------------------------------------------------------

def measure(args):
    """Serve a fresh demo database, sign in, load each endpoint; ``{name: figures}``."""
    with tempfile.TemporaryDirectory(prefix="leadup-bench-") as tmp:
        tmp = Path(tmp)
        env = bench_env(f"sqlite:///{tmp / 'bench.sqlite'}", LOGIN_RATE_LIMIT="1000 per minute")
        prepare(env, seed=True)
        with serving(env, tmp / "gunicorn.log", args.workers, args.threads, app="bench.pages:bench_app()") as server:
            port = server.port
            student = CookieClient(port)
            student.sign_in(STUDENT, PASSWORD)
            cookie = cookie_header(student.jar)
            unit = first_unit_path(port, cookie)
            status, _, body = request(port, "GET", unit, headers={"Cookie": cookie})
            if status != 200 or b"Mark as complete" not in body:
                raise BenchError(f"the unit page {unit} did not render for the signed-in student (HTTP {status})")
            status, _, body = request(port, "GET", "/bench/bare")
            if status != 200 or body != b"ok":
                raise BenchError(f"/bench/bare answered HTTP {status}")
            results = {}
            for name, path, headers, check in [("bare", "/bench/bare", {}, b"ok"),
                                               ("unit", unit, {"Cookie": cookie}, b"Mark as complete")]:
                if args.warmup > 0:
                    run_load(port, path, headers, args.clients, args.warmup, check)
                results[name] = run_load(port, path, headers, args.clients, args.seconds, check)
            return results


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

    try:
        results = measure(args)
    except BenchError as exc:
        sys.exit(str(exc))

    ratio = results["unit"]["rps"] / results["bare"]["rps"] if results["bare"]["rps"] else 0.0
    print(f"\ngunicorn, {workers_label(args.workers, args.threads)}; {args.clients} clients, {args.seconds:g} s "
          f"per endpoint; {os.cpu_count()} CPUs\n")
    table = Table([("endpoint", "<8"), ("path", "<56"), ("requests", ">9"), ("errors", ">7"), ("req/s", ">9.1f"),
                   ("p50 ms", ">8.2f"), ("p99 ms", ">8.2f")], indent="")
    table.header()
    for name, r in results.items():
        table.row(name, r["path"], r["requests"], r["errors"], r["rps"], r["p50_ms"], r["p99_ms"])
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(f"\nunit/bare throughput: {ratio:.2f} ({verdict} the target of {TARGET_RATIO})")
    write_json(args.json, workers=args.workers, threads=args.threads, clients=args.clients, seconds=args.seconds,
               results=results, ratio=ratio)
    errors = sum(r["errors"] for r in results.values())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
