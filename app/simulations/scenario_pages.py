"""Pages for saved scenarios: a learner's list, one scenario, two side by side, a cohort's."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from sims import api

from ..content import current_course
from ..extensions import db
from ..inputs import InputError, read_int
from ..models import STAFF, SavedScenario
from ..security import roles, signed_in, taught_cohort
from . import bp, service


def _visible_or_404(scenario_id):
    saved = service.get_row(SavedScenario, scenario_id)
    if saved is None or not service.may_view(current_user, saved):
        abort(404)
    return saved


def _param_info(name):
    """``{param name: declaration}`` of a model (empty if the model no longer exists)."""
    return {p["name"]: p for p in api.describe(name)["params"]} if name in api.SCENARIOS else {}


def _model_titles():
    return {name: module.TITLE for name, module in api.SCENARIOS.items()}


@bp.get("/scenarios")
@signed_in
def my_scenarios():
    saved = service.scenarios_of(current_user)
    return render_template("simulations/my_scenarios.html", scenarios=saved, titles=_model_titles(),
                           limit=service.MAX_SAVED)


@bp.get("/scenarios/<int:scenario_id>")
@signed_in
def scenario(scenario_id):
    saved = _visible_or_404(scenario_id)
    declared = _param_info(saved.scenario)
    report = saved.browser_report
    browser = {f["key"]: f["value"] for f in report["summary"]} if report else {}
    unit = current_course().units_by_uuid.get(saved.unit_uuid) if saved.unit_uuid else None
    return render_template(
        "simulations/scenario.html", saved=saved, declared=declared, browser=browser, unit=unit,
        model_title=_model_titles().get(saved.scenario, saved.scenario),
        dataset=service.dataset_label(saved.dataset_key),
    )


@bp.post("/scenarios/<int:scenario_id>/verify")
@signed_in
def verify(scenario_id):
    saved = _visible_or_404(scenario_id)
    ok, result = service.verify_saved(saved)
    saved.verified = ok
    db.session.commit()
    if ok:
        flash("Re-run on the server: its figures match the ones the browser computed when this was saved.", "success")
    elif result is None:
        flash("This scenario can no longer be re-run: the data it used has been deleted or the model "
              "no longer accepts its settings.", "error")
    elif result["model_version"] != saved.model_version or result["data_version"] != saved.data_version:
        flash(f"Not verified: the model or its data have changed since this was saved (now "
              f"{result['model_version']}, data {result['data_version']}).", "error")
    elif saved.browser_report is None:
        flash("Not verified: no figures from a browser were saved with this scenario; the server's "
              "figures are shown.", "info")
    else:
        flash("Not verified: the figures sent by the browser differ from the server's.", "error")
    return redirect(url_for("simulations.scenario", scenario_id=saved.id))


@bp.post("/scenarios/<int:scenario_id>/delete")
@signed_in
def delete_scenario(scenario_id):
    saved = service.get_row(SavedScenario, scenario_id)
    if saved is None or saved.user_id != current_user.id:
        abort(404)
    title = saved.title
    db.session.delete(saved)
    db.session.commit()
    flash(f"Deleted “{title}”.", "info")
    return redirect(url_for("simulations.my_scenarios"))


@bp.get("/scenarios/compare")
@signed_in
def compare():
    try:
        ids = [read_int(request.args.get(k), k, 1, service.MAX_ID) for k in ("a", "b")]
    except InputError:  # missing, or not an id
        flash("Choose two scenarios to compare.", "error")
        return redirect(url_for("simulations.my_scenarios"))
    a, b = (_visible_or_404(i) for i in ids)
    return render_template("simulations/compare.html", a=a, b=b, params=_param_pairs(a, b),
                           figures=_figure_pairs(a, b), titles=_model_titles())


def _param_pairs(a, b):
    """Rows ``{label, unit, a, b, same}`` for the union of both scenarios' parameters."""
    declared = {**_param_info(b.scenario), **_param_info(a.scenario)}
    left, right = a.parameters, b.parameters
    names = list(left) + [n for n in right if n not in left]
    rows = []
    for name in names:
        p = declared.get(name, {"label": name, "unit": "", "type": "number", "choices": []})
        rows.append({"label": p["label"], "unit": p["unit"], "param": p, "a": left.get(name),
                     "b": right.get(name), "same": left.get(name) == right.get(name)})
    return rows


def _figure_pairs(a, b):
    """Rows ``{label, unit, a, b, difference}`` matching headline figures by key."""
    left = {f["key"]: f for f in a.figures}
    right = {f["key"]: f for f in b.figures}
    rows = []
    for key in list(left) + [k for k in right if k not in left]:
        first = left.get(key) or right[key]
        x, y = left.get(key, {}).get("value"), right.get(key, {}).get("value")
        rows.append({"label": first["label"], "unit": first["unit"], "a": x, "b": y,
                     "difference": None if x is None or y is None else round(y - x, 6)})
    return rows


@bp.get("/cohorts/<int:cohort_id>/scenarios")
@roles(*STAFF)
def cohort_scenarios(cohort_id):
    cohort = taught_cohort(cohort_id, refuse=403)
    return render_template("simulations/cohort_scenarios.html", cohort=cohort,
                           scenarios=service.scenarios_of_cohort(cohort), titles=_model_titles())
