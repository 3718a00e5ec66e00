"""Benchmark: the digital-twin simulations, in the browser and in Pyodide against CPython.

    python bench/sims.py [--part all|models|pages|stdlib] [--repeats 3] [--changes 10] [--network 20]
                         [--json PATH]

models  Model run times in Pyodide under Node (``tests/pyodide/run_in_pyodide.mjs``) against
        CPython, for the 15 Cambridge districts and a generated 300-zone city: the first run
        (which generates the data set and calibrates the model) and re-runs after changing a
        growth parameter and a scenario-only parameter.
pages   Headless Chromium against gunicorn serving a copy of the course with six extra
        benchmark units (each scenario on the 15 districts and on ``synthetic-300``):
        - start-up: navigation to the first drawn result (the page's ``data-first-result-ms``)
          on the real unit, cold (new profile) and warm (same profile again: HTTP cache,
          service worker and the Python snapshot the first visit kept), against the floor:
          ``/smoke/pyodide?start=stock``, a stock Pyodide start (its own standard library, no
          snapshot) in the same worker, installing the sims wheel and running a three-zone
          check (clicked as soon as the page has parsed; timed to ``data-state=ok`` by a
          MutationObserver). The network is throttled (``--network`` Mbit/s, through the
          proxy in ``bench/throttle.py``, which the workers' downloads pass too) so that a
          first visit pays for its download as it would anywhere but 127.0.0.1; the bytes
          received up to the first result are counted there;
        - slider to redraw: keyboard changes on range inputs (``data-last-redraw-ms``).
stdlib  (only when asked) An experiment: Node start-up with standard-library zips whose
        bytecode Pyodide compiled itself (``tests/pyodide/precompile_stdlib.py``).

It prints a table with targets and met / NOT met. Only 127.0.0.1 is contacted; gunicorn is
stopped by its pid. The real ``course/`` is never changed (``COURSE_DIR`` points at a copy).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import bench_env, prepare, serving  # noqa: E402
from bench.throttle import ThrottledProxy  # noqa: E402

RUNNER = ROOT / "tests" / "pyodide" / "run_in_pyodide.mjs"
HARNESS = ROOT / "tests" / "pyodide" / "harness.py"
CHROMIUM = os.environ.get("LEADUP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STUDENT = "amira@leadup.example"
PASSWORD = "leadup-demo-2026"
MODULE = "m2-responsible-technologies"
REAL_UNIT = f"/modules/{MODULE}/city-digital-twins"
FLOOR = "/smoke/pyodide?start=stock"  # Pyodide's own standard library, no snapshot
SCENARIOS = ("commuting", "teleworking", "ev_charging")
DATASETS = {15: None, 300: "synthetic-300"}
# The slider changed for each scenario: a growth input (a new baseline must be solved) and an
# input only the scenario uses (the baseline is cached).
GROWTH_PARAM = "jobs_growth"
SCENARIO_PARAM = {"commuting": "distance_sensitivity", "teleworking": "telework_days", "ev_charging": "home_share"}
TARGETS = {"cold_over_floor": 1.0, "warm_over_cold": 0.4, "warm_ms": 1000, "first_visit_mb": 8,
           "redraw_ms": {15: 100, 300: 500}}
PAGE_TIMEOUT_MS = 120_000
NETWORK_LATENCY_MS = 20
_ANY_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_DONE = re.compile(r"^(ready|error)$")


def verdict(ok):
    return "met" if ok else "NOT met"


def median(values):
    return statistics.median(values) if values else float("nan")


# -- models: Pyodide under Node against CPython --------------------------------------------------

def model_steps(scenario, dataset, repeats):
    """First run from empty caches, then ``repeats`` growth changes and scenario-only changes."""
    steps = [["first", scenario, {}, dataset, True]]
    for k in range(1, repeats + 1):
        steps.append(["growth", scenario, {GROWTH_PARAM: round(1.0 + 0.2 * k, 1)}, dataset, False])
    grown = {GROWTH_PARAM: round(1.0 + 0.2 * repeats, 1)}
    for k in range(1, repeats + 1):
        value = {"distance_sensitivity": 100 + 10 * k, "telework_days": 2 + 0.5 * k, "home_share": 100 - 20 * k}
        steps.append(["scenario", scenario, {**grown, SCENARIO_PARAM[scenario]: value[SCENARIO_PARAM[scenario]]},
                      dataset, False])
    return steps


def sims_lockfile(folder):
    """The lockfile and ``sims`` wheel the browser gets, written to ``folder``; the lockfile's path."""
    from app import create_app
    from app.assets import sims_package
    from app.config import TestingConfig

    with create_app(TestingConfig).app_context():
        return sims_package.write_to(folder / "sims", sims_package.current())


def run_harness_in_pyodide(folder, request, lockfile):
    (folder / "request.json").write_text(json.dumps(request))
    snippet = ("import json, sys\nsys.path.insert(0, '/home/pyodide/bench')\nimport harness\n"
               "harness.main(json.load(open('/home/pyodide/bench/request.json')))\n")
    command = ["node", str(RUNNER), "--lockfile", str(lockfile),
               "--file", f"/home/pyodide/bench/harness.py={HARNESS}",
               "--file", f"/home/pyodide/bench/request.json={folder / 'request.json'}"]
    result = subprocess.run(command, input=snippet, capture_output=True, text=True, timeout=900, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"Pyodide under Node failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_harness_in_cpython(request):
    result = subprocess.run([sys.executable, str(HARNESS)], input=json.dumps(request), capture_output=True,
                            text=True, timeout=900, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"CPython harness failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def bench_models(folder, repeats):
    """``{zones: {scenario: {step: {"cpython": ms, "pyodide": ms}}}}`` plus Pyodide's boot time."""
    lockfile = sims_lockfile(folder)
    steps = []
    for zones, dataset in DATASETS.items():
        if dataset:
            steps.append([f"{zones}|data|generate", None, None, dataset, True])
        for scenario in SCENARIOS:
            steps += [[f"{zones}|{scenario}|{label}", *rest] for label, *rest in model_steps(scenario, dataset, repeats)]
    request = {"timings": steps}
    pyodide = run_harness_in_pyodide(folder, request, lockfile)
    cpython = run_harness_in_cpython(request)
    figures = {}
    for side, timings in (("pyodide", pyodide["result"]["timings"]), ("cpython", cpython["timings"])):
        for label, ms in timings:
            zones, scenario, step = label.split("|")
            slot = figures.setdefault(int(zones), {}).setdefault(scenario, {}).setdefault(step, {})
            slot.setdefault(side, []).append(ms)
    for per_zones in figures.values():
        for per_scenario in per_zones.values():
            for slot in per_scenario.values():
                for side in list(slot):
                    slot[side] = median(slot[side])
    return {"runs": figures, "pyodide_boot_ms": pyodide["ms"]["boot"],
            "pyodide_python": pyodide["result"]["python"], "cpython_python": cpython["python"]}


def print_models(models):
    print(f"\nModel run time, ms (median of the re-runs): CPython {models['cpython_python']} against "
          f"Pyodide (Python {models['pyodide_python']}) under Node; Pyodide start-up {models['pyodide_boot_ms']:.0f} ms")
    print(f"{'zones':>5} {'scenario':<12} {'step':<44} {'CPython':>9} {'Pyodide':>9} {'ratio':>6}")
    names = {"generate": "generate the synthetic city",
             "first": "first run (data, calibration, baseline, scenario)",
             "growth": f"re-run after changing {GROWTH_PARAM}"}
    for zones, per_zones in models["runs"].items():
        for scenario, per_scenario in per_zones.items():
            for step, slot in per_scenario.items():
                label = names.get(step) or f"re-run after changing {SCENARIO_PARAM[scenario]}"
                ratio = slot["pyodide"] / slot["cpython"] if slot["cpython"] else float("nan")
                print(f"{zones:>5} {scenario:<12} {label:<44} {slot['cpython']:>9.1f} {slot['pyodide']:>9.1f} {ratio:>5.1f}x")


# -- experiment: a standard library precompiled by Pyodide ----------------------------------------

STDLIB_SNIPPET = """
import json, time
began = time.perf_counter()
from sims import api
imported = time.perf_counter()
api.run("commuting")
json.dumps({"import_ms": (imported - began) * 1000, "run_ms": (time.perf_counter() - imported) * 1000})
"""


def bench_stdlib(folder, repeats):
    """Node start-up with the vendored standard library against zips of Pyodide-compiled bytecode."""
    out = folder / "stdlib"
    out.mkdir()
    result = subprocess.run(["node", str(RUNNER), "--mount", f"/out={out}", str(ROOT / "tests/pyodide/precompile_stdlib.py")],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"precompiling the standard library failed:\n{result.stderr[-3000:]}")
    sizes = json.loads(result.stdout.strip().splitlines()[-1])["result"]
    lockfile = sims_lockfile(folder)
    vendored = next((ROOT / "static/vendor/pyodide").glob("*/python_stdlib.zip"))
    variants = {"vendored": vendored, **{name: out / f"stdlib-{name}.zip" for name in sizes}}
    timings = {name: {"boot": [], "import": [], "run": []} for name in variants}
    for _ in range(repeats):
        for name, path in variants.items():
            result = subprocess.run(["node", str(RUNNER), "--lockfile", str(lockfile), "--stdlib-url", str(path)],
                                    input=STDLIB_SNIPPET, capture_output=True, text=True, timeout=600, cwd=ROOT)
            if result.returncode != 0:
                sys.exit(f"Pyodide with {path.name} failed:\n{result.stderr[-3000:]}")
            answer = json.loads(result.stdout.strip().splitlines()[-1])
            timings[name]["boot"].append(answer["ms"]["boot"])
            timings[name]["import"].append(answer["result"]["import_ms"])
            timings[name]["run"].append(answer["result"]["run_ms"])
    return {name: {"bytes": path.stat().st_size, **{k: median(v) for k, v in timings[name].items()}}
            for name, path in variants.items()}


def print_stdlib(stdlib, repeats):
    print(f"\nExperiment: standard library precompiled inside Pyodide, Node, median of {repeats} starts (ms)")
    print(f"{'stdlib zip':<12} {'MB':>6} {'loadPyodide':>12} {'import sims':>12} {'first run':>10}")
    for name, row in stdlib.items():
        print(f"{name:<12} {row['bytes'] / 1e6:>6.2f} {row['boot']:>12.0f} {row['import']:>12.0f} {row['run']:>10.0f}")


# -- pages: the course copy, the server, the browser ---------------------------------------------

UNIT_TEMPLATE = """---
uuid: {uuid}
title: "Benchmark: {scenario} on {label}"
summary: A page for bench/sims.py only; it exists in a temporary copy of the course.
objectives:
  - Measure the simulation page.
minutes: 1
---
This unit exists only in the benchmark's temporary copy of the course.

::: simulation bench-{scenario}
scenario: {scenario}
{dataset}:::
"""


def bench_unit(scenario, zones):
    return f"/modules/{MODULE}/bench-{zones}-{scenario.replace('_', '-')}"


def course_copy(folder):
    """A copy of ``course/`` with one benchmark unit per scenario and data set."""
    course = folder / "course"
    shutil.copytree(ROOT / "course", course)
    for number, (zones, scenario) in enumerate(((z, s) for z in DATASETS for s in SCENARIOS), start=90):
        dataset = DATASETS[zones]
        text = UNIT_TEMPLATE.format(uuid=uuid.uuid4(), scenario=scenario,
                                    label="the 15 Cambridge districts" if not dataset else f"{zones} generated zones",
                                    dataset=f"dataset: {dataset}\n" if dataset else "")
        slug = bench_unit(scenario, zones).rsplit("/", 1)[1]
        (course / "modules" / MODULE / f"{number}-{slug}.md").write_text(text)
    from app.content.loader import load_course

    problems = [p for p in load_course(course).problems if "bench-" in str(p)]
    if problems:
        sys.exit("the benchmark units do not load:\n" + "\n".join(map(str, problems)))
    return course


# Marks the moment /smoke/pyodide reaches data-state=ok, and presses its button as soon as the
# page has parsed (module scripts have run by then, so the click handler is in place).
FLOOR_SCRIPT = """
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("pyodide-smoke");
  const button = document.getElementById("smoke-run");
  if (!root || !button) return;
  new MutationObserver(() => {
    if (root.dataset.state === "ok" && !root.dataset.benchDoneMs) root.dataset.benchDoneMs = String(performance.now());
  }).observe(root, { attributes: true, attributeFilter: ["data-state"] });
  button.click();
});
"""


class Browser:
    """Chromium profiles (persistent, so the HTTP cache and service worker survive a visit)."""

    def __init__(self, playwright, proxy, folder):
        self.playwright, self.proxy, self.folder = playwright, proxy, folder
        self.base_url = proxy.url

    def profile(self):
        from playwright.sync_api import expect

        expect.set_options(timeout=PAGE_TIMEOUT_MS)
        data_dir = tempfile.mkdtemp(prefix="chromium-", dir=self.folder)
        context = self.playwright.chromium.launch_persistent_context(
            data_dir, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, base_url=self.base_url,
            service_workers="allow", viewport={"width": 1280, "height": 800}, locale="en-GB")
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        context.add_init_script(FLOOR_SCRIPT)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/login")
        form = page.locator("main form")
        form.get_by_label("Email").fill(STUDENT)
        form.get_by_label("Password", exact=True).fill(PASSWORD)
        form.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        page.proxy = self.proxy
        return context, page


KEPT_SNAPSHOT = """async () => {
  const url = document.querySelector("[data-snapshot-url]")?.dataset.snapshotUrl;
  if (!url) return true;
  return (await (await caches.open("python-snapshot")).keys()).some((r) => r.url === new URL(url, location.href).href);
}"""


def settle(page):
    """After a first visit: let the service worker take control and finish caching, and the
    Python worker keep its snapshot (it starts 3 s after Python did, in the background)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not page.evaluate("() => !!navigator.serviceWorker.controller"):
        time.sleep(0.2)
    while time.monotonic() < deadline and not page.evaluate(KEPT_SNAPSHOT):
        time.sleep(0.5)
    page.wait_for_load_state("networkidle")
    time.sleep(1.0)


def number(locator, name):
    """A ``data-*`` attribute as a float, or None when the page does not set it."""
    text = locator.get_attribute(name)
    return float(text) if text not in (None, "") else None


def visit_floor(page):
    """``{"total": ms to data-state=ok, "boot": the worker's own start-up ms}``."""
    from playwright.sync_api import expect

    before = page.proxy.received
    page.goto(FLOOR)
    root = page.locator("#pyodide-smoke")
    expect(root).to_have_attribute("data-bench-done-ms", _ANY_NUMBER)
    return {"total": number(root, "data-bench-done-ms"), "boot": number(root, "data-boot-ms"),
            "start": root.get_attribute("data-python-start"), "bytes": page.proxy.received - before}


def simulations(page):
    return page.locator("section[data-simulation]")


def wait_ready(page):
    """Wait for every simulation on the page; the first drawn result and its run's breakdown."""
    from playwright.sync_api import expect

    sims = simulations(page)
    count = sims.count()
    if not count:
        sys.exit(f"{page.url} has no simulation on it")
    first = None
    for k in range(count):
        sim = sims.nth(k)
        expect(sim).to_have_attribute("data-state", _DONE)
        if sim.get_attribute("data-state") == "error":
            sys.exit(f"the simulation on {page.url} failed: {sim.locator('.sim-error').inner_text()}")
        expect(sim).to_have_attribute("data-first-result-ms", _ANY_NUMBER)
        figures = {"total": number(sim, "data-first-result-ms"), "run": number(sim, "data-last-redraw-ms"),
                   "python": number(sim, "data-last-python-ms"), "draw": number(sim, "data-last-draw-ms"),
                   "start": sim.get_attribute("data-python-start")}
        if first is None or figures["total"] < first["total"]:
            first = figures
    return first


def visit_simulation(page, path):
    before = page.proxy.received
    page.goto(path)
    return {**wait_ready(page), "bytes": page.proxy.received - before}


def bench_startup(browser, repeats, warm_visits=2):
    """Cold and warm start-up of the real unit and of the floor, each cold in a new profile."""
    figures = {"floor_cold": [], "floor_warm": [], "cold": [], "warm": [], "cold_300": []}
    for _ in range(repeats):
        for kind, visit in (("floor_", visit_floor), ("", lambda p: visit_simulation(p, REAL_UNIT))):
            context, page = browser.profile()
            try:
                figures[f"{kind}cold"].append(visit(page))
                settle(page)
                for _ in range(warm_visits):
                    figures[f"{kind}warm"].append(visit(page))
            finally:
                context.close()
        context, page = browser.profile()
        try:
            figures["cold_300"].append(visit_simulation(page, bench_unit("commuting", 300)))
        finally:
            context.close()
    return figures


def bench_redraws(browser, changes):
    """``{zones: {scenario: [{param, total, python, draw}, ...]}}`` from keyboard changes on sliders."""
    from playwright.sync_api import expect

    results = {}
    context, page = browser.profile()
    try:
        for zones in DATASETS:
            for scenario in SCENARIOS:
                visit_simulation(page, bench_unit(scenario, zones))
                sim = simulations(page).first
                timings = []
                for k in range(changes):
                    param = GROWTH_PARAM if k % 2 == 0 else SCENARIO_PARAM[scenario]
                    slider = sim.locator(f'input[type="range"][data-param="{param}"]')
                    runs = int(sim.get_attribute("data-runs") or 0)
                    slider.focus()
                    slider.press("ArrowLeft" if param == "home_share" else "ArrowRight")  # home_share starts at 100 %
                    expect(sim).to_have_attribute("data-runs", str(runs + 1))
                    timings.append({"param": param, "total": number(sim, "data-last-redraw-ms"),
                                    "worker": number(sim, "data-last-run-ms"),
                                    "python": number(sim, "data-last-python-ms"),
                                    "draw": number(sim, "data-last-draw-ms")})
                    time.sleep(0.3)  # separate changes, as a person's key presses would be
                results.setdefault(zones, {})[scenario] = timings
    finally:
        context.close()
    return results


INTERRUPT_TIMES = """async (repeats) => {
  const { PythonRunner } = await import("/static/js/python-runner.js");
  const runner = PythonRunner.fromElement(document.getElementById("pyodide-smoke"));
  await runner.start();
  const times = [];
  for (let k = 0; k < repeats; k++) {
    const run = runner.run("while True:\\n    pass");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const asked = performance.now();
    runner.interrupt(run);
    await run.catch(() => {});
    times.push(performance.now() - asked);
  }
  return times;
}"""


def bench_interrupt(browser, repeats=10):
    """ms from ``runner.interrupt()`` to the rejected run, for an endless Python loop."""
    context, page = browser.profile()
    try:
        page.goto("/smoke/pyodide")
        if not page.evaluate("crossOriginIsolated"):
            return []
        return page.evaluate(INTERRUPT_TIMES, repeats)
    finally:
        context.close()


def bench_pages(folder, repeats, changes, network_mbit):
    from playwright.sync_api import sync_playwright

    course = course_copy(folder)
    env = bench_env(f"sqlite:///{folder / 'bench.sqlite'}", LOGIN_RATE_LIMIT="1000 per minute", COURSE_DIR=course)
    prepare(env, seed=True)
    with serving(env, folder / "gunicorn.log", workers=2, threads=4) as server, sync_playwright() as playwright:
        address = urlsplit(server.url)
        # start-up over a slow link (or a fast one with --network 0); the rest at full speed
        with ThrottledProxy(address.hostname, address.port, network_mbit or 100_000, NETWORK_LATENCY_MS if network_mbit else 0) as proxy:
            startup = bench_startup(Browser(playwright, proxy, folder), repeats)
        with ThrottledProxy(address.hostname, address.port, 100_000, 0) as proxy:
            redraws = bench_redraws(Browser(playwright, proxy, folder), changes)
            interrupts = bench_interrupt(Browser(playwright, proxy, folder))
    return {"startup": startup, "redraws": redraws, "interrupts": interrupts, "network_mbit": network_mbit}


def column(rows, key):
    values = [row[key] for row in rows if row.get(key) is not None]
    return median(values) if values else float("nan")


def print_pages(pages):
    startup = pages["startup"]
    s = {k: column(v, "total") for k, v in startup.items()}
    low = {k: min(row["total"] for row in v) for k, v in startup.items()}
    cold_ratio, warm_ratio = s["cold"] / s["floor_cold"], s["warm"] / s["cold"]
    network = (f"network throttled to {pages['network_mbit']:g} Mbit/s, {NETWORK_LATENCY_MS} ms (caches are not)"
               if pages["network_mbit"] else "no network throttling (127.0.0.1: downloads cost next to nothing)")
    print(f"\nStart-up, ms from navigation to the first drawn result; {network}.\n"
          f"Medians (and minima) of {len(startup['cold'])} cold visits, each in a new browser profile, "
          f"and {len(startup['warm'])} warm ones (the same profile again: HTTP cache, service worker, "
          f"the kept Python snapshot)")
    print(f"{'page':<44} {'cold':>14} {'warm':>14}  of which, cold / warm medians")
    rows = [("floor: " + FLOOR, "floor_cold", "floor_warm", "boot", "worker start-up"),
            ("simulation: city-digital-twins (15 zones)", "cold", "warm", "run", "first run + draw"),
            ("simulation: 300 zones (commuting)", "cold_300", None, "run", "first run + draw")]
    for label, cold, warm, part, part_label in rows:
        warm_text = f"{s[warm]:>7.0f} ({low[warm]:>5.0f})" if warm else f"{'':>14}"
        parts = " / ".join(f"{column(startup[k], part):.0f}" for k in (cold, warm) if k)
        print(f"{label:<44} {s[cold]:>7.0f} ({low[cold]:>5.0f}) {warm_text}  {part_label} {parts}")
    print(f"\n{'measure (medians)':<40} {'value':>7} {'target':>8}  verdict")
    print(f"{'cold / floor (cold)':<40} {cold_ratio:>7.2f} {'<= ' + str(TARGETS['cold_over_floor']):>8}  "
          f"{verdict(cold_ratio <= TARGETS['cold_over_floor'])}")
    print(f"{'warm / cold':<40} {warm_ratio:>7.2f} {'<= ' + str(TARGETS['warm_over_cold']):>8}  "
          f"{verdict(warm_ratio <= TARGETS['warm_over_cold'])}")
    print(f"{'warm first result, ms':<40} {s['warm']:>7.0f} {'<= ' + str(TARGETS['warm_ms']):>8}  "
          f"{verdict(s['warm'] <= TARGETS['warm_ms'])}")
    first_mb = column(startup["cold"], "bytes") / 1e6
    print(f"{'first-visit MB received (to 1st result)':<40} {first_mb:>7.2f} {'<= ' + str(TARGETS['first_visit_mb']):>8}  "
          f"{verdict(first_mb <= TARGETS['first_visit_mb'])}")
    restored = sum(1 for row in startup["warm"] if row.get("start") == "snapshot")
    print(f"warm visits that restored Python from the snapshot: {restored} of {len(startup['warm'])}; "
          f"floor (stock start) received {column(startup['floor_cold'], 'bytes') / 1e6:.2f} MB cold")
    print("\nSlider to redraw, ms from the key press to the painted result (alternating a growth input and a "
          "scenario input; target on the median and the max)")
    print(f"{'zones':>5} {'scenario':<12} {'n':>3} {'median':>7} {'max':>7} {'growth':>7} {'scenario':>8} "
          f"{'worker':>7} {'Python':>7} {'draw':>6} {'target':>7}  verdict")
    for zones, per_zones in pages["redraws"].items():
        target = TARGETS["redraw_ms"][zones]
        for scenario, timings in per_zones.items():
            values = [t["total"] for t in timings]
            med, top = median(values), max(values)
            grown = column([t for t in timings if t["param"] == GROWTH_PARAM], "total")
            only = column([t for t in timings if t["param"] != GROWTH_PARAM], "total")
            status = "met" if top <= target else ("median met, max NOT" if med <= target else "NOT met")
            print(f"{zones:>5} {scenario:<12} {len(values):>3} {med:>7.0f} {top:>7.0f} {grown:>7.0f} {only:>8.0f} "
                  f"{column(timings, 'worker'):>7.0f} {column(timings, 'python'):>7.0f} {column(timings, 'draw'):>6.0f} "
                  f"{'<= ' + str(target):>7}  {status}")
    print("(medians; growth / scenario: the changes of each kind; worker: the round trip to the Pyodide worker, "
          "Python: the model run inside it; draw: the tables and plots, before the frame is painted)")
    times = pages.get("interrupts") or []
    if times:
        print(f"\nStopping an endless Python loop, ms from interrupt() to the rejected run ({len(times)} times): "
              f"median {median(times):.0f}, max {max(times):.0f} (target ~50)")
    else:
        print("\nStopping a run: NOT measured (the page is not cross-origin isolated)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("all", "models", "pages", "stdlib"), default="all",
                        help="all = models and pages; stdlib = the precompiled standard library experiment")
    parser.add_argument("--repeats", type=int, default=3, help="cold visits of each page, and model re-runs (default 3)")
    parser.add_argument("--changes", type=int, default=10, help="slider changes per simulation (default 10)")
    parser.add_argument("--network", type=float, default=20, metavar="MBIT",
                        help="throttle cold start-up visits to this many Mbit/s (default 20; 0: no throttling)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    figures = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="leadup-bench-sims-") as tmp:
        tmp = Path(tmp)
        if args.part in ("all", "models"):
            figures["models"] = bench_models(tmp, args.repeats)
        if args.part in ("all", "pages"):
            figures["pages"] = bench_pages(tmp, args.repeats, args.changes, args.network)
        if args.part == "stdlib":
            figures["stdlib"] = bench_stdlib(tmp, args.repeats)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{os.cpu_count()} CPUs; load average at the end {load} (figures from a busy machine are slower)")
    if "models" in figures:
        print_models(figures["models"])
    if "pages" in figures:
        print_pages(figures["pages"])
    if "stdlib" in figures:
        print_stdlib(figures["stdlib"], args.repeats)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
