"""The shape every scenario's result takes, so one page script can draw any of them.

A result is plain data (JSON-ready)::

    {"scenario", "title", "model_version", "data_version", "dataset", "params",
     "summary": [{"key", "label", "value", "unit", "baseline"}],
     "zones": {"id": [...], "name": [...], "lat": [...], "lon": [...]},
     "map": {"title", "unit", "values", "classes": [{"label", "min", "max", "color"}], "class_index"},
     "flows": {"title", "unit", "origin": [...], "dest": [...], "value": [...]},
     "charts": [{"id", "title", "unit", "categories", "series": [{"label", "values"}]}],
     "table": {"columns": [{"key", "label", "unit"}], "rows": [[...]]},
     "notes": [...]}
"""
import csv
import io
import math

from .params import ParamError

# ColorBrewer YlOrRd (5 classes): readable on white, ordered light to dark.
PALETTE = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]


def item(key, label, value, unit="", baseline=None, digits=1):
    """One headline figure, with the baseline it is compared against (if any)."""
    return {"key": key, "label": label, "value": round(value, digits), "unit": unit,
            "baseline": None if baseline is None else round(baseline, digits)}


def classes_from_breaks(breaks, unit):
    """Classes ``[b0, b1), [b1, b2), ... [bn, inf)`` labelled like the course deck's legend."""
    classes = []
    for k, low in enumerate(breaks):
        high = breaks[k + 1] if k + 1 < len(breaks) else None
        label = f"{_fmt(low)}–{_fmt(high)} {unit}" if high is not None else f"> {_fmt(low)} {unit}"
        classes.append({"label": label.strip(), "min": low, "max": high, "color": PALETTE[k % len(PALETTE)]})
    return classes


def nice_breaks(values, count=5):
    """Equal-interval lower bounds rounded to a readable step (0 first)."""
    top = max(values, default=0)
    if top <= 0:
        return [0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [round(k * step, 6) for k in range(count)]


def classify(values, classes):
    index = []
    for value in values:
        k = 0
        while k + 1 < len(classes) and value >= classes[k + 1]["min"]:
            k += 1
        index.append(k)
    return index


def map_layer(title, unit, values, breaks=None, digits=1):
    breaks = breaks if breaks is not None else nice_breaks(values)
    classes = classes_from_breaks(breaks, unit)
    return {"title": title, "unit": unit, "values": [round(v, digits) for v in values],
            "classes": classes, "class_index": classify(values, classes)}


def flow_lines(dataset, pairs, title, unit, scale=1.0, digits=1):
    """Desire lines for the map from ``[(value, i, j), ...]`` (largest first), times ``scale``."""
    ids = [z.id for z in dataset.zones]
    pairs = [p for p in pairs if p[0] * scale > 0]
    return {"title": title, "unit": unit, "origin": [ids[i] for _, i, _ in pairs],
            "dest": [ids[j] for _, _, j in pairs], "value": [round(v * scale, digits) for v, _, _ in pairs]}


def zones_block(dataset):
    return {"id": [z.id for z in dataset.zones], "name": [z.name for z in dataset.zones],
            "lat": [z.lat for z in dataset.zones], "lon": [z.lon for z in dataset.zones]}


def chart(id, title, unit, categories, series, digits=1):
    return {"id": id, "title": title, "unit": unit, "categories": list(categories),
            "series": [{"label": label, "values": [round(v, digits) for v in values]} for label, values in series]}


def table(columns, rows):
    """``columns`` are ``(key, label, unit, digits)``; numbers are rounded per column."""
    rounded = []
    for row in rows:
        rounded.append([round(v, c[3]) if isinstance(v, float) and c[3] is not None else v
                        for v, c in zip(row, columns)])
    return {"columns": [{"key": k, "label": label, "unit": unit} for k, label, unit, _ in columns], "rows": rounded}


def envelope(name, title, dataset, params, model_version):
    return {"scenario": name, "title": title, "model_version": model_version,
            "data_version": dataset.version, "dataset": {"id": dataset.id, "name": dataset.name,
                                                         "focus": dataset.focus, "attribution": dataset.attribution},
            "params": params, "notes": []}


BEYOND = ("The city's data or these settings are beyond what the model can handle; "
          "check the city's flows for implausibly large numbers.")


class ModelError(ParamError):
    """A run whose figures are not finite numbers: data or settings beyond what the model can compute.

    A ``ParamError``, so every caller that reports a bad parameter reports this too."""


def check_finite(result):
    """``result`` unchanged, or ``ModelError`` naming the first figures that are NaN or infinite.

    JSON has no NaN: such a figure could be neither sent to the browser nor stored."""
    bad = []
    for item in result.get("summary", []):
        if not _finite_tree(item.get("value")) or not _finite_tree(item.get("baseline")):
            bad.append(item.get("label") or item.get("key"))
    if not bad and not _finite_tree(result):
        bad.append("the maps, charts or table")
    if bad:
        raise ModelError(f"the model could not compute {', '.join(map(str, bad[:3]))}: the result is not a finite "
                         f"number. {BEYOND}")
    return result


def _finite_tree(value):
    """No float anywhere in ``value`` (dicts and lists, nested) is NaN or infinite."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, (list, tuple)):
        return True
    elif value and isinstance(value[0], float):
        try:  # fast for a list of numbers: a NaN or an infinity makes the sum non-finite
            if math.isfinite(sum(value)):
                return True
        except (TypeError, OverflowError):  # not only numbers; an integer too large for a float
            pass
    for item in value:
        if isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif isinstance(item, (dict, list, tuple)) and not _finite_tree(item):
            return False
    return True


def to_csv(result):
    """The result's table as CSV, preceded by ``#`` lines recording how it was made."""
    out = io.StringIO()
    out.write(f"# {result['title']}\n# model: {result['model_version']}\n# data: {result['data_version']}\n")
    out.write("# parameters: " + "; ".join(f"{k}={v}" for k, v in result["params"].items()) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"{c['label']} ({c['unit']})" if c["unit"] else c["label"] for c in result["table"]["columns"]])
    writer.writerows(result["table"]["rows"])
    return out.getvalue()


def _fmt(number):
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,}"
