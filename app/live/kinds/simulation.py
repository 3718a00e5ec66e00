"""Simulation round: each table sets a twin scenario's parameters and submits; the server runs
the model (``sims/``, the same code as the course's simulations) and the projector compares the
tables' results side by side."""
from sims import api
from sims.params import ParamError

from ...registry import Examples
from .. import sim_charts
from ..errors import LiveError
from .base import LiveKind, register

MAX_MAP_ZONES = 60  # beyond this a run keeps no map (each run stores its zones: ~50 bytes a zone)


def map_of(result):
    """What the projector's map of a run needs: its values and the zones' names and centroids
    (about 1 KB for the 15 districts). Kept with the run rather than run again when drawing, so
    the map always matches the figures the table saw, whatever the model's version since."""
    layer, zones = result.get("map"), result.get("zones")
    if not layer or not zones or len(zones.get("id", [])) > MAX_MAP_ZONES:
        return {}
    return {"map": {key: layer[key] for key in ("title", "unit", "values")},
            "zones": {key: zones[key] for key in ("id", "name", "lat", "lon")}}


@register
class SimulationRound(LiveKind):
    name = "simulation"
    label = "Simulation round"
    one_per_table = True  # a table agrees its settings and submits them together

    fields = {"scenario": "text", "show": "text"}

    def from_config(self, data):
        scenario = data.get("scenario")
        if scenario not in api.SCENARIOS:
            raise self.problem(data, "scenario", "Choose a model: " + ", ".join(api.SCENARIOS) + ".")
        declared = [p.name for p in api.scenario(scenario).PARAMS]
        show = data.get("show") or ""
        if isinstance(show, list):  # a plan file's list
            show = " ".join(str(name) for name in show)
        shown = [n.strip() for n in str(show).replace(",", " ").split() if n.strip()]
        unknown = [n for n in shown if n not in declared]
        if unknown:
            raise self.problem(data, "show", f"“{unknown[0]}” is not a setting of this model "
                                             f"(it has {', '.join(declared)}).")
        return {"scenario": scenario, "show": shown or declared}

    def examples(self):
        return Examples(valid={"scenario": "teleworking", "show": ["telework_days"]},
                        invalid={"scenario": "teleworking", "show": "telework_days, sunshine"},
                        problem="“sunshine” is not a setting", field="show",
                        right={"telework_days": "3"}, wrong={"telework_days": "9"})

    def params(self, activity):
        """The shown parameters' declarations (``Param.describe()``), in the model's order."""
        shown = activity.settings.get("show") or []
        return [p.describe() for p in api.scenario(activity.settings["scenario"]).PARAMS if p.name in shown]

    def answer(self, activity, form):
        scenario = activity.settings["scenario"]
        declared = {p.name: p for p in api.scenario(scenario).PARAMS}
        params = {}
        for name in activity.settings.get("show") or []:
            raw = form.get(name)
            if raw in (None, ""):
                continue
            try:
                params[name] = declared[name].coerce(raw)
            except ParamError as error:
                raise LiveError(f"{declared[name].label}: {str(error).split(': ', 1)[-1]}", name) from None
        result = api.run(scenario, params)
        summary = [{"key": s["key"], "label": s["label"], "value": s["value"], "unit": s.get("unit", "")}
                   for s in result["summary"]]
        text = ", ".join(f"{declared[n].label} {v}" for n, v in params.items()) or "the model's defaults"
        value = {"params": params, "summary": summary, "model_version": result["model_version"]}
        return text, value | map_of(result)

    def results(self, activity, posts, votes):
        runs = [p for p in posts if isinstance(p.answer, dict) and p.answer.get("summary")]
        figures = []
        if runs:
            for index, figure in enumerate(runs[0].answer["summary"]):
                values = [r.answer["summary"][index]["value"] for r in runs]
                top = max((abs(v) for v in values), default=0) or 1
                figures.append({"label": figure["label"], "unit": figure["unit"],
                                "cells": [(v, round(abs(v) / top * 20) * 5) for v in values]})
        return {"runs": runs, "figures": figures, "params": self.params(activity)}

    def charts(self, out, activity, results):
        if results.get("runs"):
            runs = sim_charts.mapped(results["runs"])
            if runs:
                breaks = getattr(api.scenario(activity.settings["scenario"]), "MAP_BREAKS", None)
                out.extend(sim_charts.sim_maps(out.prefix, runs, out.look, breaks))
            out.add("figures", "The headline figures, table by table", sim_charts.sim_figures_chart, results)
