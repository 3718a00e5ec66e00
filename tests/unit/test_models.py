"""Model tests for ``sims``: conservation, calibration, monotonicity, reproducibility.

Plain functions with plain asserts and no pytest imports or fixtures, because
``tests/integration/test_models_in_pyodide.py`` runs this same file inside Pyodide.
"""
import json

import sims
from sims import api, commuting, ev_charging, gravity, growth, teleworking
from sims import dataset as datasets
from sims.params import ParamError, resolve

REL = 1e-6


def close(a, b, rel=REL):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def raises(error, call, *args, **kwargs):
    """The error ``call`` raised (failing if it raised none), for asserting on messages."""
    try:
        call(*args, **kwargs)
    except error as caught:
        return caught
    raise AssertionError(f"{getattr(call, '__name__', call)} did not raise {error.__name__}")


def cambridge():
    return datasets.cambridge()


# -- the gravity model -------------------------------------------------------------------

def test_doubly_constrained_model_reproduces_row_and_column_totals():
    data = cambridge()
    params = resolve(commuting.PARAMS, {"year": 2051})
    base = commuting.baseline(params, data)
    for i, total in enumerate(base.origins):
        assert close(sum(base.flows[i]), total), (i, sum(base.flows[i]), total)
    for j, total in enumerate(base.destinations):
        assert close(sum(row[j] for row in base.flows), total), (j, total)
    assert close(sum(base.origins), sum(base.destinations))


def test_balancing_conserves_totals_on_a_generated_city():
    data = datasets.synthetic(60, seed=3)
    origins = [sum(row) for row in data.flows]
    destinations = [sum(col) for col in zip(*data.flows)]
    solution = gravity.balance(origins, destinations, gravity.deterrence(data.cost_km, 0.1))
    for i, total in enumerate(origins):
        assert close(sum(solution.flows[i]), total)
    for j, total in enumerate(destinations):
        assert close(sum(row[j] for row in solution.flows), total)


def test_warm_start_converges_to_the_same_flows_in_fewer_sweeps():
    data = datasets.synthetic(60, seed=3)
    origins = [sum(row) for row in data.flows]
    destinations = [sum(col) for col in zip(*data.flows)]
    decay = gravity.deterrence(data.cost_km, 0.1)
    cold = gravity.balance(origins, destinations, decay)
    nudged = [d * (1.2 if j == 5 else 1.0) for j, d in enumerate(destinations)]
    scale = sum(nudged) / sum(origins)
    grown = [o * scale for o in origins]
    fresh = gravity.balance(grown, nudged, decay)
    warm = gravity.balance(grown, nudged, decay, start_b=cold.b)
    assert warm.sweeps < fresh.sweeps
    for a, b in zip(warm.flows, fresh.flows):
        assert all(close(x, y, 1e-6) for x, y in zip(a, b))


def test_calibration_reproduces_the_observed_mean_trip_length():
    data = cambridge()
    beta, fitted = gravity.calibrate(data.flows, data.cost_km)
    observed = gravity.mean_cost(data.flows, data.cost_km)
    assert abs(gravity.mean_cost(fitted.flows, data.cost_km) - observed) / observed < 1e-4
    assert 0.05 < beta < 0.3  # per km: a plausible commuting distance decay


def test_calibration_reproduces_the_2011_trip_length_distribution_within_3_points():
    """Stated tolerance: each distance band's share within 3 percentage points of the Census."""
    data = cambridge()
    _, fitted = gravity.calibrate(data.flows, data.cost_km)
    observed = gravity.trip_length_distribution(data.flows, data.cost_km)
    modelled = gravity.trip_length_distribution(fitted.flows, data.cost_km)
    for band, (o, m) in zip(gravity.band_labels(), zip(observed, modelled)):
        assert abs(o - m) <= 0.03, (band, o, m)


def test_calibration_recovers_the_decay_a_generated_city_was_made_with():
    data = datasets.synthetic(60, seed=5)  # flows drawn with exp(-0.12 km) and noise
    beta, _ = gravity.calibrate(data.flows, data.cost_km)
    assert 0.09 < beta < 0.15


def test_nearer_destinations_attract_more_with_a_stronger_decay():
    weak = api.run("commuting", {"distance_sensitivity": 50})
    strong = api.run("commuting", {"distance_sensitivity": 200})
    weak_km = next(s["value"] for s in weak["summary"] if s["key"] == "mean_km")
    strong_km = next(s["value"] for s in strong["summary"] if s["key"] == "mean_km")
    assert strong_km < weak_km


# -- growth to a future year -------------------------------------------------------------

def test_the_base_year_without_growth_is_the_census():
    data = cambridge()
    origins, destinations = growth.future_margins(data, 2011, 1.0, 1.0, 1.1)
    assert all(close(o, sum(row)) for o, row in zip(origins, data.flows))
    assert all(close(d, sum(col)) for d, col in zip(destinations, zip(*data.flows)))


def test_plans_add_their_yearly_amounts_and_background_growth_fills_other_years():
    data = cambridge()
    jobs = growth.plan_per_year(data.plans, data, "jobs")
    cam, sca, eca = (data.index[z] for z in ("CAM", "SCA", "ECA"))
    assert close(jobs[cam][2030] + jobs[sca][2030], 73300 / 21)  # draft Greater Cambridge plan, 2024–2045
    assert 2024 not in jobs[cam] and 2046 not in jobs[cam]
    assert close(jobs[eca][2020], 6900 / 22)
    grown = growth.grow([100.0], 2013, 2011, 10.0, {0: {2013: 5.0}})
    assert close(grown[0], 100 * 1.1 + 5)


def test_the_later_plan_wins_where_two_cover_the_same_year():
    data = cambridge()
    homes = growth.plan_per_year(data.plans, data, "homes")
    sca = data.index["SCA"]
    assert close(homes[sca][2020], 19500 / 20)  # South Cambridgeshire Local Plan 2018 only
    assert homes[sca][2030] < 48195 / 21  # the draft Greater Cambridge plan, SCA's share of it


def test_more_growth_means_more_commuters():
    low = api.run("commuting", {"jobs_growth": 0.5})
    high = api.run("commuting", {"jobs_growth": 1.5})
    assert high["summary"][0]["value"] > low["summary"][0]["value"]


def test_year_2011_reproduces_the_census_total():
    result = api.run("commuting", {"year": 2011})
    commuters = result["summary"][0]
    assert commuters["value"] == commuters["baseline"] == 615960


# -- teleworking -------------------------------------------------------------------------

def test_no_teleworking_equals_the_baseline():
    for params in ({"teleworkable_share": 0}, {"telework_days": 0}):
        result = api.run("teleworking", params)
        for item in result["summary"]:
            if item["key"] in ("trips", "car_trips", "car_km"):
                assert item["value"] == item["baseline"], item
        assert all(v == 0 for v in result["map"]["values"])


def test_more_teleworking_never_increases_trips():
    previous = None
    for share in (0, 10, 37, 60, 100):
        for days in (0, 1, 2.5, 5):
            trips = api.run("teleworking", {"teleworkable_share": share, "telework_days": days})["summary"][0]["value"]
            assert trips <= api.run("teleworking", {"teleworkable_share": share, "telework_days": 0})["summary"][0]["value"]
            if previous is not None and previous[0] == share:
                assert trips <= previous[1]
            previous = (share, trips)


def test_teleworking_baseline_is_the_commuting_model_for_the_same_year():
    tele = api.run("teleworking", {"year": 2040, "telework_days": 0})
    comm = api.run("commuting", {"year": 2040})
    assert tele["summary"][0]["baseline"] == comm["summary"][0]["value"]


def test_full_teleworking_removes_every_trip():
    result = api.run("teleworking", {"teleworkable_share": 100, "telework_days": 5})
    assert result["summary"][0]["value"] == 0


# -- EV charging -------------------------------------------------------------------------

def test_total_ev_energy_is_the_same_charged_at_home_or_at_work():
    for scope in ("focus", "all"):
        totals, maps = [], []
        for home in (0, 30, 100):
            params = resolve(ev_charging.PARAMS, {"home_share": home, "scope": scope})
            at_home, at_work, _, _ = ev_charging.energy_by_zone(params, cambridge(), commuting.baseline(params, cambridge()))
            totals.append(sum(at_home) + sum(at_work))
            maps.append(api.run("ev_charging", params)["map"]["values"])
        assert all(close(t, totals[0], 1e-9) for t in totals), totals
        assert maps[0] != maps[2]  # only where the energy is needed moves


def test_workplace_charging_for_commutes_into_cambridge_lands_in_cambridge():
    result = api.run("ev_charging", {"home_share": 0, "scope": "focus"})
    values = dict(zip(result["zones"]["id"], result["map"]["values"]))
    assert values["CAM"] > 0
    assert all(v == 0 for zone, v in values.items() if zone != "CAM")


def test_ev_map_uses_the_course_decks_legend():
    result = api.run("ev_charging")
    labels = [c["label"] for c in result["map"]["classes"]]
    assert labels == ["0–10 MWh", "10–30 MWh", "30–50 MWh", "50–70 MWh", "> 70 MWh"]
    for value, k in zip(result["map"]["values"], result["map"]["class_index"]):
        cls = result["map"]["classes"][k]
        assert cls["min"] <= value and (cls["max"] is None or value < cls["max"])


def test_the_built_in_dataset_has_one_boundary_shape_per_district_with_its_attribution():
    data = cambridge()
    boundaries = data.boundaries
    ids = [feature["zone_id"] for feature in boundaries["features"]]
    assert len(ids) == 15 and sorted(ids) == sorted(z.id for z in data.zones)
    for feature in boundaries["features"]:
        zone = data.zones[data.index[feature["zone_id"]]]
        rings = [ring for polygon in feature["polygons"] for ring in polygon]
        assert rings and all(len(ring) >= 4 and ring[0] == ring[-1] for ring in rings), feature["zone_id"]
        lons = [p[0] for ring in rings for p in ring]
        lats = [p[1] for ring in rings for p in ring]
        assert min(lons) <= zone.lon <= max(lons) and min(lats) <= zone.lat <= max(lats), feature["zone_id"]
    assert boundaries["attribution"].startswith("Contains Ordnance Survey, Office of National Statistics")
    assert boundaries["attribution"].endswith("Any further sub-licences must retain this attribution.")
    # The page asks its own Python for them: the same shapes, as JSON; a made-up city has none.
    assert json.loads(api.boundaries_json()) == boundaries
    assert json.loads(api.boundaries_json("synthetic-12")) is None
    # They are data for maps, not for the models: the dataset's version does not depend on them.
    again = datasets.Dataset.from_dict(dict(data.to_dict(), boundaries=None))
    assert again.version == data.version and again.boundaries is None


def luminance(colour):
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_every_map_has_sequential_classes_light_to_dark_that_cover_its_values():
    for name, unit in (("commuting", "people"), ("teleworking", "trips"), ("ev_charging", "MWh")):
        layer = api.run(name, {"telework_days": 2} if name == "teleworking" else {})["map"]
        classes = layer["classes"]
        assert layer["unit"] == unit and len(classes) == 5, (name, classes)
        shades = [luminance(c["color"]) for c in classes]
        assert shades == sorted(shades, reverse=True), (name, shades)  # light to dark: more is darker
        assert classes[0]["min"] == 0 and classes[-1]["max"] is None
        assert all(a["max"] == b["min"] for a, b in zip(classes, classes[1:])), (name, classes)
        assert all(c["label"].endswith(f" {unit}") for c in classes), (name, classes)
        for value, k in zip(layer["values"], layer["class_index"]):
            assert classes[k]["min"] <= value and (classes[k]["max"] is None or value < classes[k]["max"])
        assert len(set(layer["class_index"])) >= 2, (name, layer["class_index"])  # the classes tell districts apart


def test_ev_energy_scales_with_its_inputs():
    base = api.run("ev_charging")["summary"][0]["value"]
    half = api.run("ev_charging", {"ev_share": 50})["summary"][0]["value"]
    assert close(half, base / 2, 1e-3)
    yearly = api.run("ev_charging", {"working_days": 200})
    assert close(yearly["summary"][1]["value"], yearly["summary"][0]["value"] * 200, 1e-3)


# -- parameters, reproducibility, results ------------------------------------------------

def test_parameters_are_checked_and_named_in_errors():
    assert "year" in str(raises(ParamError, api.run, "commuting", {"year": 2100}))
    assert "telework_days" in str(raises(ParamError, api.run, "teleworking", {"telework_days": "lots"}))
    assert "unknown parameter bogus" in str(raises(ParamError, api.run, "commuting", {"bogus": 1}))
    assert "scope" in str(raises(ParamError, api.run, "ev_charging", {"scope": "everywhere"}))
    assert "unknown scenario" in str(raises(ParamError, api.run, "traffic"))
    assert resolve(teleworking.PARAMS, {"telework_days": "3", "use_plans": "no"})["telework_days"] == 3.0


def test_every_parameter_is_fully_declared():
    for name in api.SCENARIOS:
        info = api.describe(name)
        assert info["model_version"].startswith(name)
        for p in info["params"]:
            assert p["label"] and p["help"], p["name"]
            if p["type"] in ("number", "integer"):
                assert p["min"] <= p["default"] <= p["max"] and p["step"], p["name"]


def test_same_parameters_and_data_give_the_same_numbers():
    first = api.run("ev_charging", {"home_share": 40, "year": 2045})
    api.run("ev_charging", {"home_share": 40, "year": 2030})  # touch the caches in between
    commuting._baselines.clear()
    commuting._warm.clear()
    again = api.run("ev_charging", {"home_share": 40, "year": 2045})
    assert first == again
    assert first["model_version"] == f"ev_charging 1.0 (sims {sims.__version__})"
    assert first["data_version"].startswith("cambridge-2011:")


def test_results_are_json_and_csv_ready():
    for name in api.SCENARIOS:
        result = api.run(name)
        assert json.loads(api.run_json(name, "{}", "null")) == json.loads(json.dumps(result))
        text = api.csv_for(name)
        assert text.startswith("# ") and "Cambridge" in text and result["model_version"] in text
        assert len(result["table"]["rows"]) == 15
    assert json.loads(api.run_json("commuting", '{"year": 1900}'))["error"].startswith("year")


def test_results_compare_with_a_tolerance():
    a = api.run("teleworking")
    b = json.loads(json.dumps(a))
    assert api.same_result(a, b)
    b["summary"][0]["value"] += 500
    assert not api.same_result(a, b)


# -- bring your own city -----------------------------------------------------------------

ZONES = "zone_id,name,lat,lon\nA,Alpha,52.2,0.1\nB,Beta,52.3,0.2\nC,Gamma,52.1,0.3\n"
FLOWS = "origin,destination,flow,distance_km\nA,A,500,2\nA,B,120,\nB,A,80,14\nB,B,400,3\nC,A,60,\nC,C,300,\n"


def test_a_city_from_csv_runs_every_scenario():
    data = datasets.from_csv(ZONES, FLOWS, name="Test town", id="city:1", focus="A")
    assert data.size == 3 and data.focus == "A"
    assert data.cost_km[1][0] == 14 and data.cost_km[0][1] > 0  # given, or straight line
    payload = json.loads(json.dumps(data.to_dict()))
    for name in api.SCENARIOS:
        result = api.run(name, {"use_plans": False}, payload)
        assert result["data_version"] == data.version
        assert len(result["zones"]["id"]) == 3


def test_bad_city_files_name_the_file_and_line():
    bad_zones = "zone_id,name,lat,lon\nA,Alpha,52.2,0.1\nA,Again,52.3,0.2\nB,Beta,north,0.2\n"
    bad_flows = "origin,destination,flow\nA,A,10\nA,Z,5\nA,A,3\nA,A\n"
    problems = raises(datasets.DatasetError, datasets.from_csv, bad_zones, bad_flows).problems
    assert "zones.csv:3: zone_id 'A' repeats line 2" in problems
    assert any(p.startswith("zones.csv:4: lat must be a number") for p in problems)
    assert "flows.csv:3: destination 'Z' is not a zone_id in the zones file" in problems
    assert "flows.csv:4: the flow A -> A repeats line 2" in problems
    assert "flows.csv:5: expected 3 values, found 2" in problems
    missing = raises(datasets.DatasetError, datasets.from_csv, "id,lat\n", FLOWS).problems
    assert missing == ["zones.csv:1: missing column zone_id, name, lon (expected zone_id, name, lat, lon)"]


def test_boundaries_are_checked_feature_by_feature():
    square = [[[0.1, 52.2], [0.2, 52.2], [0.2, 52.3], [0.1, 52.2]]]
    good = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"zone_id": "A"}, "geometry": {"type": "Polygon", "coordinates": square}}]}
    data = datasets.from_csv(ZONES, FLOWS, boundaries_text=json.dumps(good))
    assert data.boundaries["features"][0]["zone_id"] == "A"
    bad = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"zone_id": "Q"}, "geometry": {"type": "Polygon", "coordinates": square}},
        {"type": "Feature", "properties": {"zone_id": "B"}, "geometry": {"type": "Point", "coordinates": [0, 52]}}]}
    problems = raises(datasets.DatasetError, datasets.from_csv, ZONES, FLOWS, boundaries_text=json.dumps(bad)).problems
    assert problems[0].startswith("boundaries.geojson:1: feature 1: no property matches a zone_id")
    assert problems[1] == "boundaries.geojson:1: feature 2 (B): geometry must be a Polygon or MultiPolygon, not Point"
    broken = raises(datasets.DatasetError, datasets.from_csv, ZONES, FLOWS, boundaries_text="{\n  oops").problems
    assert broken[0].startswith("boundaries.geojson:2: not valid JSON")


def test_boundary_problems_name_the_line_of_the_value():
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"zone_id": "A"},
         "geometry": {"type": "Polygon", "coordinates": [[[0.1, 52.2], [0.2, 52.2], ["east", 52.3], [0.1, 52.2]]]}},
        5,
        {"type": "Feature", "properties": [1], "geometry": None}]}, indent=1)
    lines = text.splitlines()
    problems = raises(datasets.DatasetError, datasets.from_csv, ZONES, FLOWS, boundaries_text=text).problems
    east = next(n for n, line in enumerate(lines, 1) if '"east"' in line) - 1  # the position's "[" line
    five = next(n for n, line in enumerate(lines, 1) if line.strip() == "5,")
    props = next(n for n, line in enumerate(lines, 1) if '"properties": [' in line)
    assert problems == [
        f'boundaries.geojson:{east}: feature 1 (A): position ["east", 52.3] is not a [longitude, latitude] pair '
        "of numbers",
        f"boundaries.geojson:{five}: feature 2 is a number (5), not a Feature object",
        f'boundaries.geojson:{props}: feature 3: "properties" must be an object such as {{"zone_id": "CAM"}}, '
        "not a list",
    ]


def test_deep_nesting_and_implausible_flows_are_refused_not_crashed_on():
    deep = '{"type": "FeatureCollection",\n "features": ' + "[" * 100000 + "]" * 100000 + "}"
    problems = raises(datasets.DatasetError, datasets.from_csv, ZONES, FLOWS, boundaries_text=deep).problems
    assert problems == ["boundaries.geojson:2: values are nested more than 64 deep here; "
                        "GeoJSON boundaries need about 8 levels"]
    for flow in ("1e300", "inf", "1e400", "nan", "2.5", "-1", "1000001"):
        flows = FLOWS.replace("A,A,500", "A,A," + flow)
        problems = raises(datasets.DatasetError, datasets.from_csv, ZONES, flows).problems
        assert len(problems) == 1 and problems[0].startswith("flows.csv:2: flow must be"), (flow, problems)


def test_a_run_whose_figures_are_not_finite_is_an_error_not_nan():
    from sims.results import ModelError

    zones = [datasets.Zone("A", "Alpha", 52.2, 0.1, 0, 0), datasets.Zone("B", "Beta", 52.3, 0.2, 0, 0)]
    flows = [[int(1e300), 5], [3, 10]]  # as a city stored before flows were range-checked
    for i, zone in enumerate(zones):
        zone.residents, zone.jobs = sum(flows[i]), sum(row[i] for row in flows)
    payload = datasets.Dataset("city-old", "Old upload", zones, flows, datasets.centroid_costs(zones)).to_dict()
    for name in api.SCENARIOS:
        error = raises(ModelError, api.run, name, {}, payload)
        assert str(error).startswith("the model could not compute"), (name, error)
        assert isinstance(error, ParamError)
        answer = json.loads(api.run_json(name, "{}", json.dumps(payload)))
        assert answer == {"error": str(error)}, name
