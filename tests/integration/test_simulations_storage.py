"""What the simulations store is clean text and finite numbers, on SQLite and on PostgreSQL.

Each test runs twice: on SQLite and on a throwaway PostgreSQL database (``backend_config``).
PostgreSQL refuses NUL in text and neither database can encode a lone UTF-16 surrogate, so a
title such as ``"\\ud800"`` once answered 500; a figure that came out NaN was stored, and then
no ``GET /api/scenarios`` of that student was valid JSON.
"""
import io
import json

import pytest
import sqlalchemy as sa

from app.models import CityDataset, Role, SavedScenario
from sims import dataset as sims_dataset

TELEWORK = {"scenario": "teleworking", "title": "Three days at home", "params": {"telework_days": 3}}
ZONES = "zone_id,name,lat,lon\nLDS,Leeds,53.80,-1.55\nBRD,Bradford,53.79,-1.76\n"
FLOWS = "origin,destination,flow\nLDS,LDS,250000\nBRD,LDS,38000\nBRD,BRD,120000\nLDS,BRD,9000\n"


@pytest.fixture
def app_config(backend_config):
    return backend_config


def strict_json(response):
    """The body as standard JSON: NaN or Infinity in it fail the test."""
    def refuse(name):
        raise AssertionError(f"{name} in a JSON answer: {response.get_data(as_text=True)[:300]}")

    return json.loads(response.get_data(as_text=True), parse_constant=refuse)


def save(client, auth, payload):
    return client.post("/api/scenarios", json=payload, headers={"X-CSRFToken": auth.token()})


def test_lone_surrogates_and_nul_in_a_title_are_removed_not_a_500(client, auth, make, db):
    auth.login(make.user())
    for sent, kept in (("Three days\ud800 at home", "Three days at home"), ("\udfffTwo\x00 days", "Two days"),
                       ("Bidi\u202e swap\u2066", "Bidi swap")):
        response = save(client, auth, {**TELEWORK, "title": sent})
        assert response.status_code == 201, response.get_data(as_text=True)
        assert strict_json(response)["title"] == kept
    stored = sorted(s.title for s in db.session.query(SavedScenario))
    assert stored == ["Bidi swap", "Three days at home", "Two days"]
    listed = strict_json(client.get("/api/scenarios"))["scenarios"]
    assert sorted(s["title"] for s in listed) == stored


def test_a_title_of_nothing_but_unwanted_characters_is_refused_as_json(client, auth, make, db):
    auth.login(make.user())
    response = save(client, auth, {**TELEWORK, "title": "\ud800\x00\u202e"})
    assert response.status_code == 400
    assert strict_json(response) == {"error": "Bad request", "message": "Give the scenario a title.",
                                     "errors": {"title": "Give the scenario a title."}, "field": "title"}
    too_long = strict_json(save(client, auth, {**TELEWORK, "title": "x" * 121}))
    assert too_long["field"] == "title" and "at most 120 characters (this one has 121)" in too_long["message"]
    assert db.session.query(SavedScenario).count() == 0


def test_nul_in_a_dataset_name_and_in_its_zone_names_is_removed(client, auth, make, db):
    cohort = make.cohort("pgcert", "A")
    tutor = make.user(Role.TUTOR, [cohort])
    auth.login(tutor)
    zones = ZONES.replace("Bradford", "Brad\x00ford\u202e")  # (a browser's form cannot send a lone surrogate)
    response = auth.post("/simulations/datasets", data={
        "name": "West\x00 Yorkshire\u202e", "cohort": str(cohort.id), "focus": "LDS\x00",
        "zones": (io.BytesIO(zones.encode()), "zones.csv"), "flows": (io.BytesIO(FLOWS.encode()), "flows.csv"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    city = db.session.query(CityDataset).one()
    assert city.name == "West Yorkshire"
    assert [z[1] for z in city.data["zones"]] == ["Leeds", "Bradford"] and city.data["focus"] == "LDS"
    assert "West Yorkshire" in client.get("/simulations/datasets").get_data(as_text=True)


def old_style_city(db, owner, cohort, flow=int(1e300)):
    """A city stored before uploads were range-checked: one flow of 1e300 people (``int(1e300)``)."""
    zones = [sims_dataset.Zone("LDS", "Leeds", 53.80, -1.55, 0, 0),
             sims_dataset.Zone("BRD", "Bradford", 53.79, -1.76, 0, 0)]
    flows = [[flow, 9000], [38000, 120000]]
    for i, zone in enumerate(zones):
        zone.residents, zone.jobs = sum(flows[i]), sum(row[i] for row in flows)
    city = CityDataset(name="Leeds (old upload)", owner_id=owner.id, cohort_id=cohort.id, payload={}, version="",
                       zone_count=2)
    db.session.add(city)
    db.session.flush()
    data = sims_dataset.Dataset(f"city-{city.id}", city.name, zones, flows, sims_dataset.centroid_costs(zones),
                                attribution="Imported by a tutor.")
    city.payload, city.version = data.to_dict(), data.version
    db.session.commit()
    return city


@pytest.mark.parametrize("model", ["commuting", "teleworking", "ev_charging"])
def test_a_run_with_figures_that_are_not_finite_is_refused_and_not_stored(client, auth, make, db, model):
    cohort = make.cohort("pgcert", "A")
    city = old_style_city(db, make.user(Role.TUTOR, [cohort]), cohort)
    auth.login(make.user(Role.STUDENT, [cohort]))
    response = save(client, auth, {"scenario": model, "title": "Huge flows", "dataset": city.key})
    assert response.status_code == 400, response.get_data(as_text=True)
    body = strict_json(response)
    assert body["field"] == "result" and set(body["errors"]) == {"result"}
    assert body["message"].startswith("Not saved: the model could not compute")
    assert "check the city's flows for implausibly large numbers" in body["message"]
    assert db.session.query(SavedScenario).count() == 0
    assert strict_json(client.get("/api/scenarios")) == {"scenarios": []}


def test_rows_stored_with_nan_by_the_old_code_show_as_unavailable(client, auth, make, db):
    student = make.user()
    auth.login(student)
    good = strict_json(save(client, auth, TELEWORK))
    figures = [{"key": "daily_mwh", "label": "Charging energy per working day", "value": float("nan"), "unit": "MWh",
                "baseline": None},
               {"key": "yearly_mwh", "label": "Charging energy per year", "value": float("inf"), "unit": "MWh",
                "baseline": float("-inf")},
               {"key": "home_mwh", "label": "Charged at home per day", "value": 12.5, "unit": "MWh", "baseline": None}]
    old = SavedScenario(user_id=student.id, scenario="ev_charging", title="Saved before the fix", params={},
                        dataset_key="cambridge-2011", model_version="ev_charging 1.0 (sims 0.2.0)",
                        data_version="cambridge-2011:x", summary=[])
    db.session.add(old)
    db.session.commit()
    text, where = json.dumps(figures), {"id": old.id}  # writes NaN, Infinity, as the old code did
    if db.engine.dialect.name == "sqlite":  # a JSON column there is text: a row may still hold them
        db.session.execute(sa.text("UPDATE saved_scenarios SET summary = :text WHERE id = :id"), {"text": text, **where})
        db.session.commit()
        assert "NaN" in db.session.execute(sa.text("SELECT summary FROM saved_scenarios WHERE id = :id"), where).scalar()
    else:  # PostgreSQL's json refuses them; the upgrade to JSON columns (7c3e9a41b2d5) stored null instead
        with pytest.raises(sa.exc.DataError), db.session.begin_nested():
            db.session.execute(sa.text("UPDATE saved_scenarios SET summary = CAST(:text AS json) WHERE id = :id"),
                               {"text": text, **where})
        old.summary = json.loads(text, parse_constant=lambda _name: None)
        db.session.commit()
    listed = client.get("/api/scenarios")
    assert listed.status_code == 200
    records = {s["id"]: s for s in strict_json(listed)["scenarios"]}
    assert set(records) == {good["id"], old.id}
    assert [(f["key"], f["value"], f["baseline"]) for f in records[old.id]["summary"]] == [
        ("daily_mwh", None, None), ("yearly_mwh", None, None), ("home_mwh", 12.5, None)]
    assert strict_json(client.get(f"/api/scenarios/{old.id}"))["summary"][0]["value"] is None
    page = client.get(f"/scenarios/{old.id}")
    assert page.status_code == 200 and "unavailable" in page.get_data(as_text=True)
    mine = client.get("/scenarios")
    assert mine.status_code == 200 and "Charging energy per working day: <strong>unavailable</strong>" in \
        mine.get_data(as_text=True)


def test_json_errors_of_the_scenario_api_have_the_sites_shape(app, client, auth, make):
    signed_out = app.test_client().get("/api/scenarios")
    assert signed_out.status_code == 401 and strict_json(signed_out) == {
        "error": "Sign in needed", "message": "Sign in to save and read scenarios.",
        "errors": {"request": "Sign in to save and read scenarios."}}
    auth.login(make.user())
    missing = client.get("/api/scenarios/999")
    assert missing.status_code == 404 and strict_json(missing) == {
        "error": "Not found", "message": "No such scenario.", "errors": {"request": "No such scenario."}}
    no_token = client.post("/api/scenarios", json=TELEWORK)
    assert no_token.status_code == 400 and strict_json(no_token)["field"] == "csrf"
    several = strict_json(save(client, auth, {"scenario": "teleworking", "title": "", "params": {"year": 1900}}))
    assert set(several["errors"]) == {"title", "params"} and several["field"] == "title"
    assert several["message"].startswith("2 problems: Give the scenario a title. year: must be at least 2011")
    unknown = client.get("/api/scenarios?scenario=nope")
    assert unknown.status_code == 400 and strict_json(unknown)["field"] == "scenario"
    for days in ("1" + "0" * 400, "1e400"):  # JSON numbers Python reads as a 401-digit int and as inf
        body = json.dumps(TELEWORK).replace('"telework_days": 3', f'"telework_days": {days}')
        refused = client.post("/api/scenarios", data=body, content_type="application/json",
                              headers={"X-CSRFToken": auth.token()})
        assert refused.status_code == 400
        assert "telework_days: must be a finite number" in strict_json(refused)["message"]
    huge = save(client, auth, {**TELEWORK, "browser_summary": [{"key": "trips\ud800\x00", "value": 10 ** 400}]})
    assert huge.status_code == 201 and strict_json(huge)["verified"] is False


def test_each_run_uses_the_database_it_names(db, request):
    """A guard for the tests above: the PostgreSQL runs really store in PostgreSQL."""
    expected = {"sqlite": "sqlite", "postgres": "postgresql"}[request.node.callspec.params["backend_config"]]
    assert db.engine.dialect.name == expected


def test_ids_beyond_the_databases_range_are_not_found_not_a_500(client, auth, make, db):
    """PostgreSQL's ids are 32-bit: a larger one used to reach the query and fail there."""
    cohort = make.cohort("pgcert", "A")
    auth.login(make.user(Role.TUTOR, [cohort]))
    huge = "99999999999"
    for method, url in (("get", f"/scenarios/{huge}"), ("get", f"/api/scenarios/{huge}"),
                        ("delete", f"/api/scenarios/{huge}"), ("post", f"/scenarios/{huge}/verify"),
                        ("post", f"/scenarios/{huge}/delete"), ("get", f"/cohorts/{huge}/scenarios"),
                        ("get", f"/simulations/datasets/{huge}.json"), ("post", f"/simulations/datasets/{huge}/delete")):
        response = getattr(client, method)(url, headers={"X-CSRFToken": auth.token()},
                                           data={"csrf_token": auth.token()} if method == "post" else None)
        assert response.status_code == 404, (method, url, response.status_code)
    for query in (f"a={huge}&b=1", "a=1&b=1e400", "a=1&b=x", "a=1"):
        response = client.get(f"/scenarios/compare?{query}")
        assert response.status_code == 302 and response.location.endswith("/scenarios"), query
    refused = strict_json(save(client, auth, {**TELEWORK, "dataset": f"city:{huge}"}))
    assert refused["field"] == "dataset"
