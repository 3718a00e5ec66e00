"""Runs unchanged in CPython and in Pyodide: a test module's functions, and scenario runs.

``tests/integration/test_models_in_pyodide.py`` writes this file into Pyodide's file system
and calls it there and in a fresh CPython process, so both sides run the same code in the
same order from the same (empty) model caches. Standard library only: there is no pytest
inside Pyodide.
"""
import importlib
import importlib.util
import inspect
import json
import sys
import time
import traceback


def run_tests(path, name="model_tests"):
    """``{test name: "ok" | traceback}`` for every ``test_*`` function defined in ``path``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    outcomes = {}
    for test_name, function in inspect.getmembers(module, inspect.isfunction):
        if not test_name.startswith("test_") or function.__module__ != name:
            continue
        if inspect.signature(function).parameters:
            outcomes[test_name] = "takes arguments (a fixture or parametrize?): cannot run outside pytest"
            continue
        try:
            function()
            outcomes[test_name] = "ok"
        except Exception:  # an AssertionError or anything else: report it, run the rest
            outcomes[test_name] = traceback.format_exc()
    return outcomes


def run_cases(cases):
    """``sims.api.run`` for each ``[scenario, params, dataset]``; errors come back as text."""
    from sims import api

    results = []
    for name, params, dataset in cases:
        try:
            results.append(api.run(name, params, dataset))
        except Exception:
            results.append({"error": traceback.format_exc()})
    return results


def time_runs(steps):
    """Milliseconds of ``sims.api.run`` for each ``[label, scenario, params, dataset, fresh]``.

    ``fresh`` re-imports ``sims`` first, so the run starts from empty caches (calibration
    included) as on a newly opened page; the import itself is not timed. A step whose scenario
    is ``None`` times only loading (or generating) the dataset. Used by ``bench/sims.py``.
    """
    timings = []
    for label, name, params, dataset, fresh in steps:
        if fresh:
            for module in [m for m in sys.modules if m == "sims" or m.startswith("sims.")]:
                del sys.modules[module]
        api = importlib.import_module("sims.api")
        began = time.perf_counter()
        if name is None:
            api.load_dataset(dataset)
        else:
            api.run(name, params, dataset)
        timings.append([label, (time.perf_counter() - began) * 1000])
    return timings


def main(request):
    """Everything ``request`` asks for, as JSON text: ``cases`` first, then ``tests``, ``timings``."""
    answer = {"platform": sys.platform, "python": sys.version.split()[0]}
    if "cases" in request:
        answer["cases"] = run_cases(request["cases"])
    if "tests" in request:
        answer["tests"] = run_tests(request["tests"])
    if "timings" in request:
        answer["timings"] = time_runs(request["timings"])
    return json.dumps(answer)


if __name__ == "__main__":  # CPython: python harness.py < request.json
    print(main(json.load(sys.stdin)))
