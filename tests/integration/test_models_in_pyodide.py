"""The model tests pass inside real Pyodide (Node), and every scenario gives CPython's numbers.

Pyodide starts once for the whole module (start-up takes seconds): one Node process installs
the ``sims`` wheel the browser gets, by name from its lockfile, runs the scenario cases below
and then every ``test_*`` function of ``tests/unit/test_models.py`` through ``tests/pyodide/harness.py``. The same cases
run in a fresh CPython process, so both sides start from empty model caches (warm starts
change the last bits of a balanced model).
"""
import inspect
import json
import math
import shutil
import subprocess
import sys

import pytest

from app import create_app
from app.assets import sims_package, vendor
from app.config import ROOT, TestingConfig
from tests.unit import test_models

HARNESS = ROOT / "tests" / "pyodide" / "harness.py"
RUNNER = ROOT / "tests" / "pyodide" / "run_in_pyodide.mjs"
MODEL_TESTS = ROOT / "tests" / "unit" / "test_models.py"
REL = 1e-9  # Pyodide's floats may differ from CPython's in the last bits, no more
TIMEOUT_S = 180

MODEL_TEST_NAMES = sorted(name for name, function in inspect.getmembers(test_models, inspect.isfunction)
                          if name.startswith("test_") and function.__module__ == test_models.__name__)

# Defaults and non-default parameters for each scenario, on the Cambridge data and on a
# generated 60-zone city: [scenario, params, dataset].
CASES = [
    ["commuting", {}, None],
    ["commuting", {"year": 2030, "jobs_growth": 2.5, "distance_sensitivity": 150}, None],
    ["commuting", {"use_plans": False, "homes_growth": 0.3, "workers_per_home": 1.4}, None],
    ["commuting", {"year": 2040, "distance_sensitivity": 80}, "synthetic-60"],
    ["teleworking", {}, None],
    ["teleworking", {"teleworkable_share": 55, "telework_days": 3.5, "car_share": 60}, None],
    ["teleworking", {"year": 2035, "distance_sensitivity": 70, "telework_days": 1}, None],
    ["teleworking", {"teleworkable_share": 45, "jobs_growth": 1.8}, "synthetic-60"],
    ["ev_charging", {}, None],
    ["ev_charging", {"home_share": 40, "scope": "all", "ev_share": 35}, None],
    ["ev_charging", {"kwh_per_km": 0.17, "working_days": 220, "year": 2045, "jobs_growth": 2}, None],
    ["ev_charging", {"home_share": 25, "scope": "all"}, "synthetic-60"],
]


def case_id(case):
    name, params, dataset = case
    return f"{name}-{dataset or 'cambridge'}-{'defaults' if not params else '-'.join(map(str, params))}"


@pytest.fixture(scope="module")
def in_pyodide(tmp_path_factory):
    """The harness's answer from one Pyodide session under Node: cases first, then the tests.

    Python starts with the precompiled standard library, as in the browser, so these tests
    also prove that Pyodide accepts its bytecode."""
    index = ROOT / "static/vendor/pyodide" / vendor.PYODIDE_VERSION
    for name in ("pyodide.mjs", vendor.PRECOMPILED_STDLIB):
        if not (index / name).is_file():
            pytest.fail(f"{index}/{name} missing: run 'make assets' (make test does)")
    node = shutil.which("node")
    if not node:
        pytest.fail("Node.js is needed to run Pyodide outside a browser")
    tmp = tmp_path_factory.mktemp("pyodide")
    with create_app(TestingConfig).app_context():
        lockfile = sims_package.write_to(tmp, sims_package.current())  # the browser's very wheel
    (tmp / "request.json").write_text(json.dumps({"cases": CASES, "tests": "/home/pyodide/tests/test_models.py"}))
    snippet = ("import json, sys\nsys.path.insert(0, '/home/pyodide/tests')\nimport harness\n"
               "harness.main(json.load(open('/home/pyodide/tests/request.json')))\n")
    result = subprocess.run(
        [node, str(RUNNER), "--lockfile", str(lockfile), "--index-url", str(index),
         "--stdlib-url", str(index / vendor.PRECOMPILED_STDLIB),
         "--file", f"/home/pyodide/tests/harness.py={HARNESS}",
         "--file", f"/home/pyodide/tests/test_models.py={MODEL_TESTS}",
         "--file", f"/home/pyodide/tests/request.json={tmp / 'request.json'}"],
        input=snippet, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=ROOT,
    )
    assert result.returncode == 0, f"Pyodide under Node failed:\n{result.stderr[-4000:]}"
    answer = json.loads(result.stdout.strip().splitlines()[-1])["result"]
    assert answer["platform"] == "emscripten", answer["platform"]
    return answer


@pytest.fixture(scope="module")
def in_cpython():
    """The same cases in a fresh CPython process (empty caches, as in Pyodide)."""
    result = subprocess.run([sys.executable, str(HARNESS)], input=json.dumps({"cases": CASES}),
                            capture_output=True, text=True, timeout=TIMEOUT_S, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout)


def test_pyodide_found_the_same_model_tests(in_pyodide):
    assert sorted(in_pyodide["tests"]) == MODEL_TEST_NAMES


@pytest.mark.parametrize("name", MODEL_TEST_NAMES)
def test_model_test_passes_in_pyodide(in_pyodide, name):
    outcome = in_pyodide["tests"].get(name, "not run in Pyodide")
    assert outcome == "ok", f"{name} failed inside Pyodide:\n{outcome}"


def differences(a, b, path=""):
    """Where two pieces of JSON data differ, numbers compared to a relative tolerance of REL."""
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or a is None:
        return [] if a == b else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        close = math.isclose(a, b, rel_tol=REL, abs_tol=0.0)
        return [] if close else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [d for k, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{k}]")]
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}.{k}")]
    return [f"{path}: {type(a).__name__} != {type(b).__name__}"]


def compared(result):
    """The parts of a result whose numbers must agree: every figure a user sees or downloads."""
    if "error" in result:
        return result
    return {"model_version": result["model_version"], "data_version": result["data_version"],
            "params": result["params"], "summary": result["summary"], "map": result["map"]["values"],
            "class_index": result["map"]["class_index"], "table": result["table"]["rows"],
            "charts": result["charts"], "flows": result["flows"]}


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case_id(c) for c in CASES])
def test_scenario_gives_the_same_numbers_in_pyodide_and_cpython(in_pyodide, in_cpython, index):
    browser, server = in_pyodide["cases"][index], in_cpython["cases"][index]
    assert "error" not in server, server.get("error")
    assert "error" not in browser, browser.get("error")
    assert browser["model_version"] == server["model_version"]
    assert browser["data_version"] == server["data_version"], (
        "the same data set has another version in Pyodide: its fingerprint covers floats computed with "
        "sin/cos/asin/exp, whose last bits differ between the two (round them where the data set is made)")
    assert len(browser["table"]["rows"]) == len(server["zones"]["id"]) > 0
    problems = differences(compared(browser), compared(server))
    assert not problems, f"{case_id(CASES[index])}: Pyodide and CPython differ:\n" + "\n".join(problems[:20])
