"""JSON API for saved scenarios, called by the simulation pages' script.

POST and DELETE need the CSRF token in the ``X-CSRFToken`` header. Answers are JSON, errors
included, in the site's shape ``{"error", "message", "errors": {field: message}, "field"}``:
400 with every field's message for a scenario that cannot be saved, 404 for a scenario the
caller may not see (whether or not it exists), 401 when not signed in.
"""
from datetime import UTC

from flask import jsonify, request, url_for
from flask_login import current_user

from sims import api

from ..extensions import db
from ..main.routes import error_response
from ..models import SavedScenario
from ..security import signed_in
from . import bp, service


def record(saved):
    """A saved scenario as the API returns it."""
    return {
        "id": saved.id, "scenario": saved.scenario, "title": saved.title, "params": saved.parameters,
        "dataset": saved.dataset_key, "unit": saved.unit_uuid, "model_version": saved.model_version,
        "data_version": saved.data_version, "summary": saved.figures, "verified": saved.verified,
        "created_at": saved.created_at.replace(tzinfo=UTC).isoformat(),
        "url": url_for("simulations.scenario", scenario_id=saved.id),
    }


@bp.before_request
def api_needs_sign_in():
    """A script gets 401, not the sign-in page's HTML (``@signed_in`` would redirect)."""
    if request.path.startswith("/api/") and not current_user.is_authenticated:
        message = "Sign in to save and read scenarios."
        return jsonify(error="Sign in needed", message=message, errors={"request": message}), 401
    return None


@bp.after_request
def api_not_stored(response):
    """Saved scenarios are personal: no browser or offline cache may keep a copy."""
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _not_found():
    return error_response(404, "No such scenario.")


def refused(errors, code=400):
    """``{field: message}`` as the site's JSON error; ``message`` says it all in one sentence or list."""
    field, first = next(iter(errors.items()))
    message = first if len(errors) == 1 else f"{len(errors)} problems: " + " ".join(errors.values())
    return error_response(code, message, field, errors)


def _visible(scenario_id):
    saved = service.get_row(SavedScenario, scenario_id)
    return saved if saved is not None and service.may_view(current_user, saved) else None


@bp.get("/api/scenarios")
@signed_in
def api_list():
    name = request.args.get("scenario") or None
    if name is not None and name not in api.SCENARIOS:
        return refused({"scenario": f"Unknown model {name!r} (known: {', '.join(api.SCENARIOS)})."})
    return jsonify(scenarios=[record(s) for s in service.scenarios_of(current_user, name)])


@bp.post("/api/scenarios")
@signed_in
def api_save():
    payload = request.get_json(silent=True)
    saved, errors = service.save_scenario(current_user, payload)
    if errors:
        return refused(errors)
    response = jsonify(record(saved))
    response.status_code = 201
    response.headers["Location"] = url_for("simulations.api_get", scenario_id=saved.id)
    return response


@bp.get("/api/scenarios/<int:scenario_id>")
@signed_in
def api_get(scenario_id):
    saved = _visible(scenario_id)
    return jsonify(record(saved)) if saved else _not_found()


@bp.delete("/api/scenarios/<int:scenario_id>")
@signed_in
def api_delete(scenario_id):
    saved = service.get_row(SavedScenario, scenario_id)
    if saved is None or saved.user_id != current_user.id:
        return _not_found()
    db.session.delete(saved)
    db.session.commit()
    return "", 204
