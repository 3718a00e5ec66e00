"""Saved scenarios through the JSON API: the server re-runs every save and says whether the
browser's figures agree; only the owner, their tutors and admins can read one."""
import pytest

from app.models import Role, SavedScenario
from app.simulations import service
from sims import api
from tests.conftest import Auth

TELEWORK = {"scenario": "teleworking", "title": "Three days at home", "params": {"telework_days": 3}}


class Api:
    """JSON calls for a signed-in client, CSRF token in the header."""

    def __init__(self, client, auth):
        self.client, self.auth = client, auth

    def save(self, payload, token=True):
        headers = {"X-CSRFToken": self.auth.token()} if token else {}
        return self.client.post("/api/scenarios", json=payload, headers=headers)

    def delete(self, scenario_id, token=True):
        headers = {"X-CSRFToken": self.auth.token()} if token else {}
        return self.client.delete(f"/api/scenarios/{scenario_id}", headers=headers)


@pytest.fixture
def json_api(client, auth):
    return Api(client, auth)


@pytest.fixture
def cohorts(make):
    return make.cohort("pgcert", "A"), make.cohort("executive", "B")


def browser_figures(name="teleworking", params=None):
    """What a browser running the same Python would send."""
    return api.run(name, params or {"telework_days": 3})["summary"]


def test_save_reruns_on_the_server_and_returns_the_record(json_api, auth, make):
    student = make.user()
    auth.login(student)
    unit = "0b6f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"
    response = json_api.save({**TELEWORK, "browser_summary": browser_figures(), "unit": unit.upper()})
    assert response.status_code == 201
    body = response.get_json()
    assert body["title"] == "Three days at home" and body["scenario"] == "teleworking"
    assert body["params"]["telework_days"] == 3 and body["params"]["car_share"] == 73  # completed with defaults
    assert body["dataset"] == "cambridge-2011" and body["unit"] == unit  # read as a uuid: in its canonical form
    assert body["model_version"].startswith("teleworking ") and body["data_version"].startswith("cambridge-2011:")
    assert body["summary"] == browser_figures()
    assert body["verified"] is True
    assert body["url"] == f"/scenarios/{body['id']}" and body["created_at"].endswith("+00:00")
    assert response.headers["Location"].endswith(f"/api/scenarios/{body['id']}")


def test_tampered_browser_figures_are_kept_but_not_verified(json_api, auth, make, db):
    auth.login(make.user())
    figures = browser_figures()
    figures[0] = {**figures[0], "value": figures[0]["value"] * 0.5}
    body = json_api.save({**TELEWORK, "browser_summary": figures}).get_json()
    assert body["verified"] is False
    assert body["summary"] == browser_figures()  # the stored figures are the server's, not the browser's
    saved = db.session.get(SavedScenario, body["id"])
    assert saved.browser_report["summary"][0]["value"] == figures[0]["value"]


def test_figures_from_another_model_version_are_not_verified(json_api, auth, make):
    auth.login(make.user())
    report = {"summary": browser_figures(), "model_version": "teleworking 0.9 (sims 0.1.0)"}
    assert json_api.save({**TELEWORK, "browser_summary": report}).get_json()["verified"] is False
    assert json_api.save(TELEWORK).get_json()["verified"] is False  # nothing to compare with


@pytest.mark.parametrize(("payload", "field", "message"), [
    ({**TELEWORK, "scenario": "teleporting"}, "scenario", "Unknown model 'teleporting'"),
    ({**TELEWORK, "title": "   "}, "title", "Give the scenario a title."),
    ({**TELEWORK, "title": "x" * 121}, "title", "at most 120 characters"),
    ({**TELEWORK, "params": {"telework_days": 9}}, "params", "telework_days: must be at most 5 days"),
    ({**TELEWORK, "params": {"telework_days": "many"}}, "params", "telework_days: must be a number"),
    ({**TELEWORK, "params": {"wormholes": 1}}, "params", "unknown parameter wormholes"),
    ({**TELEWORK, "params": [1, 2]}, "params", "name: value pairs"),
    ({**TELEWORK, "dataset": "atlantis"}, "dataset", "unknown dataset 'atlantis'"),
    ({**TELEWORK, "dataset": "synthetic-501"}, "dataset", "2 to 500 zones"),
    ({**TELEWORK, "dataset": "city:999"}, "dataset", "no dataset city:999 that you may use"),
    ({**TELEWORK, "unit": "<script>"}, "unit", "unit's uuid"),
    ({**TELEWORK, "unit": "0b6f-unit"}, "unit", "unit's uuid"),
    ({**TELEWORK, "unit": ["0b6f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"]}, "unit", "unit's uuid"),
    ({**TELEWORK, "browser_summary": [{"key": "trips"}]}, "browser_summary", "numeric value"),
    ({**TELEWORK, "browser_summary": "lots"}, "browser_summary", "list of at most 50"),
])
def test_each_invalid_field_gets_its_own_message(json_api, auth, make, db, payload, field, message):
    auth.login(make.user())
    response = json_api.save(payload)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert field in errors and message in errors[field], errors
    assert db.session.query(SavedScenario).count() == 0


def test_several_errors_come_back_together(json_api, auth, make):
    auth.login(make.user())
    errors = json_api.save({"scenario": "teleworking", "title": "", "params": {"year": 1900}}).get_json()["errors"]
    assert set(errors) == {"title", "params"} and "year: must be at least 2011" in errors["params"]


def test_a_body_that_is_not_json_is_refused(client, auth, make):
    auth.login(make.user())
    response = client.post("/api/scenarios", data="title=x", headers={"X-CSRFToken": auth.token()},
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "request" in response.get_json()["errors"]


def test_without_the_csrf_header_nothing_is_saved_or_deleted(json_api, auth, make, db):
    auth.login(make.user())
    refused = json_api.save(TELEWORK, token=False)
    assert refused.status_code == 400 and "csrf" in refused.get_json()["errors"]
    assert db.session.query(SavedScenario).count() == 0
    saved = json_api.save(TELEWORK).get_json()
    assert json_api.delete(saved["id"], token=False).status_code == 400
    assert db.session.get(SavedScenario, saved["id"]) is not None


def test_signed_out_callers_get_401_json(client):
    response = client.get("/api/scenarios")
    assert response.status_code == 401 and "Sign in" in response.get_json()["error"]


def test_list_is_own_and_newest_first_and_filters_by_model(json_api, auth, client, make):
    other = make.user()
    service.save_scenario(other, {**TELEWORK, "title": "Someone else's"})
    auth.login(make.user())
    first = json_api.save({**TELEWORK, "title": "First"}).get_json()
    second = json_api.save({**TELEWORK, "title": "Second"}).get_json()
    ev = json_api.save({"scenario": "ev_charging", "title": "Chargers"}).get_json()
    response = client.get("/api/scenarios")
    assert response.headers["Cache-Control"] == "no-store"  # personal: no browser or offline copy
    listed = response.get_json()["scenarios"]
    assert [s["id"] for s in listed] == [ev["id"], second["id"], first["id"]]
    only = client.get("/api/scenarios?scenario=teleworking").get_json()["scenarios"]
    assert [s["title"] for s in only] == ["Second", "First"]
    assert client.get("/api/scenarios?scenario=nope").status_code == 400


def test_get_and_delete_own_scenario(json_api, auth, client, make, db):
    auth.login(make.user())
    saved = json_api.save(TELEWORK).get_json()
    assert client.get(f"/api/scenarios/{saved['id']}").get_json() == saved
    assert json_api.delete(saved["id"]).status_code == 204
    assert client.get(f"/api/scenarios/{saved['id']}").status_code == 404
    assert db.session.query(SavedScenario).count() == 0


def test_tutor_of_the_students_cohort_can_read_others_get_404(app, make, cohorts):
    cohort_a, cohort_b = cohorts
    student = make.user(Role.STUDENT, [cohort_a])
    classmate = make.user(Role.STUDENT, [cohort_a])
    tutor_a, tutor_b = make.user(Role.TUTOR, [cohort_a]), make.user(Role.TUTOR, [cohort_b])
    admin = make.user(Role.ADMIN)
    saved, _ = service.save_scenario(student, TELEWORK)
    expected = {student: 200, tutor_a: 200, admin: 200, classmate: 404, tutor_b: 404}
    for user, status in expected.items():
        client = app.test_client()
        Auth(client).login(user)
        assert client.get(f"/api/scenarios/{saved.id}").status_code == status, user
        assert client.get(f"/scenarios/{saved.id}").status_code == status, user
        if user is not student:  # only the owner deletes
            token = Auth(client).token()
            assert client.delete(f"/api/scenarios/{saved.id}", headers={"X-CSRFToken": token}).status_code == 404


def test_at_most_200_saved_per_person(json_api, auth, make, db, monkeypatch):
    monkeypatch.setattr(service, "MAX_SAVED", 2)
    auth.login(make.user())
    assert json_api.save(TELEWORK).status_code == json_api.save(TELEWORK).status_code == 201
    refused = json_api.save(TELEWORK)
    assert refused.status_code == 400 and "the most one person can keep" in refused.get_json()["errors"]["saved"]
    assert db.session.query(SavedScenario).count() == 2


def test_synthetic_dataset_runs_and_is_recorded(json_api, auth, make):
    auth.login(make.user())
    body = json_api.save({"scenario": "ev_charging", "title": "Made-up town", "dataset": "synthetic-20"}).get_json()
    assert body["dataset"] == "synthetic-20" and body["data_version"].startswith("synthetic-20:")


def test_verify_saved_reruns_and_detects_changes(make, db, monkeypatch):
    student = make.user()
    saved, _ = service.save_scenario(student, {**TELEWORK, "browser_summary": browser_figures()})
    ok, result = service.verify_saved(saved)
    assert ok is True and result["summary"] == saved.figures
    monkeypatch.setattr(api, "model_version", lambda name: f"{name} 9.9 (changed)")
    ok, result = service.verify_saved(saved)
    assert ok is False and result["model_version"] == "teleworking 9.9 (changed)"


def test_verify_saved_reports_a_dataset_that_is_gone(make, db):
    saved = SavedScenario(user_id=make.user().id, scenario="teleworking", title="t", params={},
                          dataset_key="city:404", model_version="m", data_version="d", summary=[])
    db.session.add(saved)
    db.session.commit()
    assert service.verify_saved(saved) == (False, None)
