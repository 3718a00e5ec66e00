"""The upload page for tutors' cities: whatever the files hold, the answer is the page listing
every problem with its file and line (never a 500), and nothing is stored.

The shapes are the audit's (issue 14): boundary GeoJSON with ``"features": 5``, ``"abc"``, a
top-level ``[1]``, ``"properties": [1]``, nesting 100,000 deep; flows of ``inf``, ``1e400``
and ``1e300``. Every other shape is checked in ``tests/unit/test_city_files.py``; here each
of those cases goes through ``service.import_dataset`` too.
"""
import io
import json

import pytest
from markupsafe import escape

from app.models import CityDataset, Role
from app.simulations import service
from tests.unit import test_city_files as city_cases

ZONES = "zone_id,name,lat,lon\nLDS,Leeds,53.80,-1.55\nBRD,Bradford,53.79,-1.76\n"
FLOWS = "origin,destination,flow\nLDS,LDS,250000\nBRD,LDS,38000\nBRD,BRD,120000\nLDS,BRD,9000\n"
SQUARE = [[[-1.6, 53.7], [-1.5, 53.7], [-1.5, 53.8], [-1.6, 53.7]]]


@pytest.fixture
def tutor(make, auth):
    user = make.user(Role.TUTOR, [make.cohort("pgcert", "A")])
    auth.login(user)
    return user


def upload(auth, name="Leeds", zones=None, flows=None, boundaries=None, focus="", **files):
    data = {"name": name, "cohort": "", "focus": focus}
    for key, content, filename in (("zones", zones, "zones.csv"), ("flows", flows, "flows.csv"),
                                   ("boundaries", boundaries, "boundaries.geojson")):
        if content is not None:
            raw = content if isinstance(content, bytes) else content.encode()
            data[key] = (io.BytesIO(raw), files.get(f"{key}_file", filename))
    return auth.post("/simulations/datasets", data=data, content_type="multipart/form-data")


def shows(response, *problems):
    html = response.get_data(as_text=True)
    missing = [p for p in problems if str(escape(p)) not in html]
    assert not missing, f"not on the page: {missing}"
    return html


AUDIT_BOUNDARIES = [
    ("features-5", '{"type": "FeatureCollection", "features": 5}',
     'boundaries.geojson:1: "features" must be a list of features, not a number (5)'),
    ("features-abc", '{"type": "FeatureCollection",\n "features": "abc"}',
     'boundaries.geojson:2: "features" must be a list of features, not text ("abc")'),
    ("a-list", "[1]", "boundaries.geojson:1: expected a GeoJSON FeatureCollection (an object in { }), not a list"),
    ("properties-list", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": [1], "geometry": {"type": "Polygon", "coordinates": SQUARE}}]}),
     'boundaries.geojson:1: feature 1: "properties" must be an object such as {"zone_id": "CAM"}, not a list'),
    ("nested-100000", '{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "boundaries.geojson:1: values are nested more than 64 deep here; GeoJSON boundaries need about 8 levels"),
]


@pytest.mark.parametrize(("text", "problem"), [c[1:] for c in AUDIT_BOUNDARIES], ids=[c[0] for c in AUDIT_BOUNDARIES])
def test_the_audits_boundary_files_get_the_upload_page_not_a_500(auth, tutor, db, text, problem):
    for files in ({"boundaries": text}, {"zones": ZONES, "flows": FLOWS, "boundaries": text}):
        response = upload(auth, **files)
        assert response.status_code == 400
        shows(response, problem, "Nothing was saved")
    assert db.session.query(CityDataset).count() == 0


@pytest.mark.parametrize("flow", ["inf", "1e400", "1e300", "nan", "-infinity"])
def test_flows_that_are_not_plausible_are_refused_at_upload(auth, tutor, db, flow):
    response = upload(auth, zones=ZONES, flows=FLOWS.replace("BRD,LDS,38000", f"BRD,LDS,{flow}"))
    assert response.status_code == 400
    html = shows(response)
    assert str(escape("flows.csv:3: flow must be")) in html and str(escape(f"(got '{flow}')")) in html
    assert db.session.query(CityDataset).count() == 0


STORED_CASES = [c for c in city_cases.GEOJSON if c[0] != "empty-file"]  # (a blank text is "no file" here)


@pytest.mark.parametrize(("document", "message"), [(c[1], c[3]) for c in STORED_CASES],
                         ids=[c[0] for c in STORED_CASES])
def test_no_malformed_boundaries_are_stored(tutor, db, document, message):
    city, problems = service.import_dataset(tutor, "Two zones", None, city_cases.ZONES, city_cases.FLOWS,
                                            city_cases.geojson_text(document), None)
    assert city is None and len(problems) == 1 and problems[0].endswith(message)
    assert db.session.query(CityDataset).count() == 0


def test_every_problem_of_every_file_and_field_is_shown_at_once(auth, tutor, db):
    zones = ZONES.replace("53.79", "north") + "LDS,Leeds again,53.8,-1.5\n"
    flows = FLOWS.replace("LDS,BRD,9000", "LDS,YRK,9000").replace("BRD,BRD,120000", "BRD,BRD,1e300")
    boundaries = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"zone_id": "LDS"}, "geometry": {"type": "Point", "coordinates": [0, 52]}},
        5]}, indent=1)
    five = city_cases.line_of(boundaries, "},\n  5") + 1
    response = upload(auth, name="", zones=zones, flows=flows, boundaries=boundaries)
    assert response.status_code == 400
    shows(response, "Give the dataset a name.", "please correct these 6 problems",
          "zones.csv:3: lat must be a number (got 'north')", "zones.csv:4: zone_id 'LDS' repeats line 2",
          "flows.csv:4: flow must be at most 1,000,000 people for one pair of zones (got '1e300')",
          "flows.csv:5: destination 'YRK' is not a zone_id in the zones file",
          f"boundaries.geojson:{city_cases.line_of(boundaries, 'Point')}: feature 1 (LDS): geometry must be a "
          "Polygon or MultiPolygon, not Point",
          f"boundaries.geojson:{five}: feature 2 is a number (5), not a Feature object")
    assert db.session.query(CityDataset).count() == 0


@pytest.mark.parametrize(("files", "problem"), [
    ({"zones": b"", "flows": FLOWS}, "zones.csv:1: the file is empty"),
    ({"zones": ZONES, "flows": " \n\n"}, "flows.csv:1: the file is empty"),
    ({"boundaries": b"\xef\xbb\xbf"}, "boundaries.geojson:1: the file is empty"),
    ({"zones": ZONES.encode("utf-16"), "flows": FLOWS},
     "zones.csv:1: this file is UTF-16 text (“Unicode text”); in a spreadsheet, save it as “CSV UTF-8”"),
    ({"zones": b"PK\x03\x04" + bytes(200), "flows": FLOWS},
     "zones.csv:1: this is a spreadsheet or a zip file, not text; in a spreadsheet, save it as “CSV UTF-8”"),
    ({"zones": ZONES.encode("utf-16-le"), "flows": FLOWS},
     "zones.csv:1: this is not a text file (it holds NUL bytes); in a spreadsheet, save it as “CSV UTF-8”"),
    ({"zones": ZONES, "flows": FLOWS.replace("Bradford", "x").encode() + "BRD,LDS,5\nLDS,Løds,1\n".encode("cp1252")},
     "flows.csv:7: not UTF-8 text (in a spreadsheet, save it as “CSV UTF-8”)"),
    ({"boundaries": '{"type": "FeatureCollection", "features": []}'.encode("utf-16")},
     "boundaries.geojson:1: this file is UTF-16 text (“Unicode text”); save it as UTF-8 text"),
    ({"zones": ZONES}, "Upload a flows CSV too: a city needs both a zones and a flows file (only zones.csv was sent)."),
], ids=["empty", "blank", "bom-only", "utf-16", "xlsx", "utf-16-without-bom", "cp1252", "geojson-utf-16",
        "zones-alone"])
def test_files_that_are_not_utf8_text_or_are_missing_are_explained(auth, tutor, db, files, problem):
    response = upload(auth, **files)
    assert response.status_code == 400
    shows(response, problem)
    assert db.session.query(CityDataset).count() == 0


def test_a_stray_nul_in_a_csv_is_cleaned_away_and_lines_still_count(auth, tutor, db):
    response = upload(auth, zones=ZONES.replace("Leeds", "Le\x00eds"), flows=FLOWS.replace("9000", "9\x00000x"))
    shows(response, "flows.csv:5: flow must be a whole number (got '9000x')")
    response = upload(auth, zones=ZONES.replace("Leeds", "Le\x00eds"), flows=FLOWS)
    assert response.status_code == 302
    assert db.session.query(CityDataset).one().data["zones"][0][1] == "Leeds"


def test_over_long_names_are_refused_naming_the_limit(auth, tutor, db):
    response = upload(auth, name="n" * 121, zones=ZONES, flows=FLOWS, focus="F" * 41)
    assert response.status_code == 400
    shows(response, "The name is too long: at most 120 characters.", "A zone_id has at most 40 characters.")
    _, problems = service.import_dataset(tutor, "n" * 121, None, ZONES, FLOWS, "", "F" * 41)
    assert problems == ["name: the name is too long: at most 120 characters (this one has 121)",
                        "focus: the focus zone is too long: at most 40 characters (a zone_id)"]
    assert db.session.query(CityDataset).count() == 0


def test_file_names_in_problems_are_cleaned(auth, tutor):
    response = upload(auth, zones="zone_id\n", flows=FLOWS, zones_file="C:\\data\\my\u202e zones.csv")
    shows(response, "my zones.csv:1: missing column name, lat, lon (expected zone_id, name, lat, lon)")
