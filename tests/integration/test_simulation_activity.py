"""The ``::: simulation`` activity: its settings are checked when the course loads, and the unit
page renders every control, with its label, unit and range, before any script runs."""
import json
import re

import pytest
from flask import g

from app.activities.simulation import Simulation
from app.content import current_course, load_course
from app.extensions import db
from app.models import CityDataset, Role
from app.security import CSP
from sims import dataset as sims_dataset
from tests.helpers import course_with_one_unit, messages

UNIT_PATH = "course/modules/m1/01-first.md"
REAL_UNIT = "/modules/m2-responsible-technologies/city-digital-twins"
KEY = "commuting-demand"


def problems_for(tmp_path, block):
    """Problems of a course whose only unit is ``block``; the block's ``:::`` is on line 8."""
    return messages(load_course(course_with_one_unit(tmp_path, block)))


@pytest.mark.parametrize(
    "block, expected",
    [
        ("::: simulation\nscenario: teleport\n:::",
         f"{UNIT_PATH}:9: simulation: unknown scenario 'teleport' (known: commuting, teleworking, ev_charging)"),
        ("::: simulation\ntitle: No model\n:::", f"{UNIT_PATH}:8: simulation: missing 'scenario'"),
        ("::: simulation\nscenario: commuting\ncolour: red\n:::", f"{UNIT_PATH}:10: simulation: unknown setting 'colour'"),
        ("::: simulation\nscenario: commuting\nparams:\n  jobs_growth: 1\n  year: 1900\n:::",
         f"{UNIT_PATH}:12: simulation: params: year: must be at least 2011 (got 1900)"),
        ("::: simulation\nscenario: commuting\nparams:\n  use_plans: maybe\n:::",
         f"{UNIT_PATH}:11: simulation: params: use_plans: must be true or false (got 'maybe')"),
        ("::: simulation\nscenario: ev_charging\nparams:\n  scope: everywhere\n:::",
         f"{UNIT_PATH}:11: simulation: params: scope: must be one of focus, all (got 'everywhere')"),
        ("::: simulation\nscenario: commuting\nparams:\n  telework_days: 2\n:::",
         f"{UNIT_PATH}:11: simulation: params: unknown parameter 'telework_days'"),
        ("::: simulation\nscenario: commuting\nparams: {year: 3000}\n:::",
         f"{UNIT_PATH}:10: simulation: params: year: must be at most 2051 (got 3000)"),
        ("::: simulation\nscenario: commuting\nshow: [year, speed]\n:::", f"{UNIT_PATH}:10: simulation: show: unknown parameter 'speed'"),
        ("::: simulation\nscenario: commuting\nlock: 3\n:::", f"{UNIT_PATH}:10: simulation: 'lock' must be a list of parameter names"),
        ("::: simulation\nscenario: commuting\ndataset: atlantis\n:::", f"{UNIT_PATH}:10: simulation: unknown dataset 'atlantis'"),
        ("::: simulation\nscenario: commuting\ndataset: synthetic-9999\n:::", f"{UNIT_PATH}:10: simulation: unknown dataset 'synthetic-9999'"),
    ],
    ids=["unknown-scenario", "no-scenario", "unknown-key", "bad-number", "bad-boolean", "bad-choice", "unknown-param",
         "flow-style", "unknown-shown", "lock-not-list", "unknown-dataset", "too-many-zones"],
)
def test_bad_settings_are_reported_with_file_line_and_parameter(tmp_path, block, expected):
    found = problems_for(tmp_path, block)
    assert any(p.startswith(expected) for p in found), found


def test_course_check_names_the_bad_parameter(runner, course_copy):
    unit = course_copy / "modules/m2-responsible-technologies/01-city-digital-twins.md"
    unit.write_text(unit.read_text().replace("scenario: commuting\n", "scenario: commuting\nparams:\n  jobs_growth: 9\n", 1))
    result = runner.invoke(args=["course", "check", "--path", str(course_copy)])
    assert result.exit_code == 1
    line = next(i for i, text in enumerate(unit.read_text().splitlines(), 1) if text.startswith("  jobs_growth: 9"))
    assert f"{unit.name}:{line}: simulation: params: jobs_growth: must be at most 4 % a year" in result.output


def test_good_settings_load(tmp_path):
    block = ("::: simulation ev\nscenario: ev_charging\ntitle: Charging\nintro: Try **this**.\n"
             "params:\n  home_share: 40\n  scope: all\nshow: [home_share, scope, year]\nlock: [year]\n"
             "dataset: synthetic-300\n:::")
    course = load_course(course_with_one_unit(tmp_path, block))
    assert course.problems == []
    activity = course.modules_by_slug["m1"].units[0].activities[0].activity
    assert activity.start["home_share"] == 40.0 and activity.start["scope"] == "all"
    assert activity.shown == ["home_share", "scope", "year"] and activity.locked == {"year"}
    assert activity.dataset == "synthetic-300" and activity.key == "ev"
    assert "<strong>this</strong>" in activity.intro_html


# -- rendering -----------------------------------------------------------------------------

def build(config, key="sim"):
    return Simulation.from_config(config, None, key, 1)


def render(app, activity, query=""):
    with app.test_request_context("/unit" + query):
        g.pop("simulation_on_page", None)
        return activity.render({"user": None, "unit": None})


def controls(html):
    """{id suffix: attributes} of the inputs and selects of the assumptions form."""
    form = re.search(r'<form class="sim-controls".*?</form>', html, re.S).group(0)
    found = {}
    for tag in re.finditer(r"<(input|select)\b([^>]*)>", form):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(2)))
        for flag in ("disabled", "checked"):
            if re.search(rf"\s{flag}\b", tag.group(2)):
                attrs[flag] = True
        if "id" in attrs:
            found[attrs["id"].removeprefix("activity-simulation-sim-")] = attrs
    return found


def test_controls_have_labels_units_ranges_and_help(app):
    html = render(app, build({"scenario": "commuting"}))
    inputs = controls(html)
    year = inputs["year"]
    assert (year["type"], year["min"], year["max"], year["step"], year["value"]) == ("range", "2011", "2051", "1", "2051")
    assert year["aria-describedby"] == "activity-simulation-sim-year-help"
    assert inputs["year-value"]["type"] == "number" and inputs["year-value"]["value"] == "2051"
    growth = inputs["jobs_growth"]
    assert (growth["min"], growth["max"], growth["step"], growth["value"]) == ("0", "4", "0.1", "1")
    assert growth["aria-valuetext"] == "1 % a year"
    assert inputs["use_plans"]["type"] == "checkbox" and inputs["use_plans"].get("checked")
    assert inputs["distance_sensitivity"]["value"] == "100"  # not "100.0"
    for name in ("year", "year-value", "jobs_growth", "jobs_growth-value", "use_plans", "city"):
        assert f'for="activity-simulation-sim-{name}"' in html, name
    assert 'Background growth in jobs <span class="sim-unit">(% a year)</span>' in html
    assert "Background growth in jobs, exact value in % a year" in html
    assert '<legend>Growth to the chosen year</legend>' in html and "<legend>Behaviour</legend>" in html
    assert 'id="activity-simulation-sim-year-help"' in html and "2011 reproduces the Census" in html
    assert 'role="status"' in html and "<progress" in html and "<noscript>" in html
    assert '<meta name="csrf-token"' in html
    assert 'href="/simulations/commuting"' in html and 'href="/simulations/commuting/source"' in html
    config = json.loads(re.search(r'<script type="application/json" id="activity-simulation-sim-config">(.*?)</script>',
                                  html, re.S).group(1))
    assert config["scenario"] == "commuting" and config["params"]["year"] == 2051
    assert config["cities"][0]["value"] == sims_dataset.CAMBRIDGE


def test_choices_show_lock_and_starting_values(app):
    activity = build({"scenario": "ev_charging", "params": {"home_share": 40, "scope": "all"},
                      "show": ["home_share", "scope"], "lock": ["car_share"]})
    inputs = controls(render(app, activity))
    assert set(inputs) == {"city", "home_share", "home_share-value", "scope", "car_share", "car_share-value"}
    assert inputs["home_share"]["value"] == "40"
    assert inputs["car_share"].get("disabled") and inputs["car_share-value"].get("disabled")
    assert not inputs["home_share"].get("disabled")
    assert "(fixed in this activity)" in render(app, activity)
    assert '<option value="all" selected>' in render(app, activity)


def test_link_values_reach_the_controls_and_bad_ones_are_ignored_with_a_note(app):
    activity = build({"scenario": "commuting", "lock": ["workers_per_home"]})
    html = render(app, activity, "?sim.year=2031&sim.jobs_growth=9&sim.use_plans=false&sim.speed=3"
                                 "&sim.workers_per_home=2&other.year=2020&sim.city=synthetic-300")
    inputs = controls(html)
    assert inputs["year"]["value"] == "2031" and inputs["year-value"]["value"] == "2031"
    assert not inputs["use_plans"].get("checked")
    assert inputs["jobs_growth"]["value"] == "1"
    assert inputs["workers_per_home"]["value"] == "1.1"
    assert 'role="note"' in html
    assert "“Background growth in jobs” was ignored: must be at most 4 % a year" in html
    assert "“speed”, which this simulation does not have" in html
    assert "“Working commuters per new home”, which is fixed in this activity" in html
    assert "city data set you cannot use here" in html


def test_a_valid_link_leaves_no_note(app):
    html = render(app, build({"scenario": "teleworking"}), "?sim.telework_days=3.5")
    assert controls(html)["telework_days"]["value"] == "3.5"
    assert 'role="note"' not in html


# -- the real course -----------------------------------------------------------------------

def test_the_real_unit_embeds_the_commuting_simulation(client, auth, make):
    auth.login(make.user(cohorts=[make.cohort("pgcert")]))
    response = client.get(REAL_UNIT + f"?{KEY}.year=2031")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="activity activity-simulation" id="activity-simulation-commuting-demand"' in html
    assert 'src="/static/js/simulation.js"' in html and 'href="/static/css/simulation.css"' in html
    assert 'data-bokeh-url="/vendor/bokeh/' in html and 'data-worker-url="/static/js/pyodide-worker.js"' in html
    assert 'id="activity-simulation-commuting-demand-year" data-param="year"' in html
    assert controls(html)["activity-simulation-commuting-demand-year"]["value"] == "2031"
    # BokehJS needs <style> elements: allowed on this page only, and still no style attributes.
    csp = response.headers["Content-Security-Policy"]
    assert "style-src 'self';" in csp and "style-src-elem 'self' 'unsafe-inline'" in csp
    other = next(u for u in current_course().units if not any(r.type_name == "simulation" for r in u.activities))
    assert client.get(other.url).headers["Content-Security-Policy"] == CSP


def test_a_tutors_city_dataset_is_offered_to_their_students(client, auth, make):
    cohort = make.cohort("pgcert")
    tutor = make.user(Role.TUTOR, cohorts=[cohort])
    student = make.user(cohorts=[cohort])
    data = sims_dataset.synthetic(5)
    city = CityDataset(name="Testville", owner_id=tutor.id, cohort_id=cohort.id, payload=data.to_dict(),
                       version=data.version, zone_count=5)
    db.session.add(city)
    db.session.commit()
    auth.login(student)
    html = client.get(REAL_UNIT).get_data(as_text=True)
    assert f'<option value="city:{city.id}" >Testville (5 zones)</option>' in html
    assert f'"url": "/simulations/datasets/{city.id}.json"' in html.replace('\\/', '/')
    html = client.get(REAL_UNIT + f"?{KEY}.city=city:{city.id}").get_data(as_text=True)
    assert f'<option value="city:{city.id}" selected>' in html
