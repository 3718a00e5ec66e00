"""One entry point for every caller: the browser (through Pyodide), the server and the CLI.

    >>> from sims import api
    >>> result = api.run("teleworking", {"telework_days": 3})
    >>> result["summary"][0]["value"]

``run_json`` takes and returns JSON text, which is the cheapest way across the Pyodide
boundary. Every result records the model version and data version it came from.
"""
import json

from . import __version__, commuting, ev_charging, teleworking
from . import dataset as datasets
from .params import ParamError
from .results import BEYOND, ModelError, check_finite, to_csv

SCENARIOS = {module.NAME: module for module in (commuting, teleworking, ev_charging)}


class UnknownScenario(ParamError):
    pass


def scenario(name):
    try:
        return SCENARIOS[name]
    except KeyError:
        raise UnknownScenario(f"unknown scenario {name!r} (known: {', '.join(SCENARIOS)})") from None


def model_version(name):
    return f"{name} {scenario(name).VERSION} (sims {__version__})"


def describe(name):
    info = scenario(name).describe()
    info["model_version"] = model_version(name)
    return info


def describe_all():
    return [describe(name) for name in SCENARIOS]


_loaded = {}


def load_dataset(spec=None):
    """The built-in data (``None``), a synthetic city (``"synthetic-300"``) or a dataset dict."""
    if spec is None or spec == datasets.CAMBRIDGE:
        return datasets.cambridge()
    size = datasets.synthetic_size(spec)
    if size is not None:
        if not 2 <= size <= datasets.MAX_ZONES:
            raise ParamError(f"a synthetic city has 2 to {datasets.MAX_ZONES} zones")
        if spec not in _loaded:
            _loaded[spec] = datasets.synthetic(size)
        return _loaded[spec]
    if isinstance(spec, dict):
        key = (spec.get("id"), spec.get("version"))
        if key[1] is None:  # no version to trust: build it afresh
            return datasets.Dataset.from_dict(spec)
        if key not in _loaded:
            if len(_loaded) >= 8:
                _loaded.pop(next(iter(_loaded)))
            _loaded[key] = datasets.Dataset.from_dict(spec)
        return _loaded[key]
    raise ParamError(f"unknown dataset {spec!r}")


def run(name, params=None, dataset=None, check=True):
    """Run a scenario; ``dataset`` as for ``load_dataset``.

    Raises ``ParamError`` for a bad parameter or dataset, and its kind ``ModelError`` when the
    arithmetic fails or (unless ``check`` is false) a figure comes out NaN or infinite: a result
    is all finite numbers. ``run_json`` checks while it encodes instead, which costs nothing.
    """
    module = scenario(name)
    data = load_dataset(dataset)
    try:
        result = module.run(params or {}, data, model_version=model_version(name))
    except ParamError:
        raise
    except (ArithmeticError, ValueError):  # overflow, division by zero, int(nan)...
        raise ModelError("the model could not compute this case: its arithmetic failed (a number too large, "
                         f"or a division by zero). {BEYOND}") from None
    return check_finite(result) if check else result


def run_json(name, params_json="{}", dataset_json="null"):
    """``run`` with JSON in and out; errors come back as ``{"error": message}``."""
    try:
        result = run(name, json.loads(params_json), json.loads(dataset_json), check=False)
        try:
            return json.dumps(result, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except ValueError:  # NaN or an infinity somewhere: say which figure
            check_finite(result)
            raise ModelError(f"the model's results are not finite numbers. {BEYOND}") from None
    except ParamError as error:
        return json.dumps({"error": str(error)})


_BUILT_IN_BOUNDARIES = []  # their JSON text, made once (and kept in the browser's Python snapshot)


def boundaries_json(dataset=None):
    """The dataset's boundaries as JSON text (``"null"`` if it has none). The page asks its Python
    for the built-in ones, so they come from the sims package it already has, not a second download."""
    if dataset is None and _BUILT_IN_BOUNDARIES:
        return _BUILT_IN_BOUNDARIES[0]
    text = json.dumps(load_dataset(dataset).boundaries, ensure_ascii=False, separators=(",", ":"))
    if dataset is None:
        _BUILT_IN_BOUNDARIES.append(text)
    return text


def csv_for(name, params=None, dataset=None):
    return to_csv(run(name, params, dataset))


def same_result(a, b, rel=1e-6):
    """Whether two results' headline figures agree (results from CPython and Pyodide differ in last bits)."""
    if a.get("model_version") != b.get("model_version") or a.get("data_version") != b.get("data_version"):
        return False
    left = {s["key"]: s["value"] for s in a.get("summary", [])}
    right = {s["key"]: s["value"] for s in b.get("summary", [])}
    if left.keys() != right.keys():
        return False
    return all(abs(left[k] - right[k]) <= rel * max(1.0, abs(left[k])) + 0.051 for k in left)
