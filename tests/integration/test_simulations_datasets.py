"""Bring your own city: uploads are checked line by line, stored as the dataset the browser
loads, and usable only by the cohorts they were given to."""
import io
import json

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.models import CityDataset, Role
from app.simulations import service
from sims import api
from sims import dataset as sims_dataset
from tests.conftest import Auth

ZONES = "zone_id,name,lat,lon\nLDS,Leeds,53.80,-1.55\nBRD,Bradford,53.79,-1.76\nWKF,Wakefield,53.68,-1.50\n"
FLOWS = ("origin,destination,flow,distance_km\nLDS,LDS,250000,4.2\nBRD,LDS,38000,14.1\nWKF,LDS,30000,13.0\n"
         "BRD,BRD,120000,3.5\nWKF,WKF,80000,3.9\nLDS,BRD,9000,14.1\n")
BOUNDARIES = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"zone_id": "CAM"},
     "geometry": {"type": "Polygon", "coordinates": [[[0.10, 52.18], [0.16, 52.18], [0.16, 52.23], [0.10, 52.18]]]}},
]})


@pytest.fixture
def school(make):
    """Cohorts A and C tutored by tutor_a, B by tutor_b, a student in each, a co-tutor of A."""
    a, b, c = make.cohort("pgcert", "A"), make.cohort("executive", "B"), make.cohort("pgcert", "C")
    people = {
        "tutor_a": make.user(Role.TUTOR, [a, c]), "co_tutor_a": make.user(Role.TUTOR, [a]),
        "tutor_b": make.user(Role.TUTOR, [b]), "admin": make.user(Role.ADMIN),
        "student_a": make.user(Role.STUDENT, [a]), "student_b": make.user(Role.STUDENT, [b]),
        "student_c": make.user(Role.STUDENT, [c]),
    }
    return {"A": a, "B": b, "C": c, **people}


def city(owner, cohort, name="Leeds"):
    saved, problems = service.import_dataset(owner, name, cohort, ZONES, FLOWS, "", None)
    assert problems == []
    return saved


def test_good_csvs_make_a_dataset_the_models_run_on(school):
    leeds, problems = service.import_dataset(school["tutor_a"], " West Yorkshire ", school["A"], ZONES, FLOWS, "", "BRD")
    assert problems == [] and leeds.zone_count == 3 and leeds.name == "West Yorkshire"
    data = leeds.data
    assert data["id"] == f"city-{leeds.id}" and data["focus"] == "BRD" and data["name"] == "West Yorkshire"
    assert sims_dataset.Dataset.from_dict(data).version == leeds.version
    result = service.run_scenario("commuting", {"year": 2011}, leeds.key, school["student_a"])
    assert result["data_version"] == leeds.version
    assert [z for z in result["zones"]["id"]] == ["LDS", "BRD", "WKF"]


def test_bad_csvs_give_every_problem_with_file_and_line(school):
    zones = ZONES.replace("53.79", "north") + "LDS,Leeds again,53.8,-1.5\n"
    flows = FLOWS.replace("WKF,LDS,30000", "YRK,LDS,30000").replace("WKF,WKF,80000", "WKF,WKF,-5")
    saved, problems = service.import_dataset(school["tutor_a"], "Leeds", None, zones, flows, "", None,
                                             zones_file="wy-zones.csv", flows_file="wy-flows.csv")
    assert saved is None
    assert "wy-zones.csv:3: lat must be a number (got 'north')" in problems
    assert "wy-zones.csv:5: zone_id 'LDS' repeats line 2" in problems
    assert any(p.startswith("wy-flows.csv:4: origin 'YRK' is not a zone_id") for p in problems)
    assert any(p.startswith("wy-flows.csv:6: flow must be at least 0") for p in problems)


def test_missing_columns_and_missing_files_are_explained(school):
    _, problems = service.import_dataset(school["tutor_a"], "X", None, "id,lat\n1,2\n", FLOWS, "", None)
    assert problems == ["zones.csv:1: missing column zone_id, name, lon (expected zone_id, name, lat, lon)"]
    _, problems = service.import_dataset(school["tutor_a"], "X", None, "", "", "", None)
    assert "Upload a zones CSV and a flows CSV" in problems[0]


def test_boundaries_alone_are_attached_to_the_cambridge_data(school):
    saved, problems = service.import_dataset(school["tutor_a"], "Cambridge with outlines", None, "", "", BOUNDARIES, None)
    assert problems == [] and saved.zone_count == len(sims_dataset.cambridge().zones)
    data = saved.data
    assert data["boundaries"]["features"][0]["zone_id"] == "CAM" and data["id"] == f"city-{saved.id}"
    assert data["flows"] == sims_dataset.cambridge().flows
    _, problems = service.import_dataset(school["tutor_a"], "Bad", None, "", "", BOUNDARIES.replace("CAM", "XYZ"),
                                         None, boundaries_file="districts.geojson")
    assert problems[0].startswith("districts.geojson:1: feature 1: no property matches a zone_id")
    _, problems = service.import_dataset(school["tutor_a"], "Bad", None, "", "", "{not json", None)
    assert problems[0].startswith("boundaries.geojson:1: not valid JSON")


def test_a_tutor_cannot_give_a_dataset_to_someone_elses_cohort(school):
    saved, problems = service.import_dataset(school["tutor_a"], "Leeds", school["B"], ZONES, FLOWS, "", None)
    assert saved is None and problems == ["cohort: you do not tutor B"]


def test_datasets_for_is_scoped_by_cohort(school):
    for_a = city(school["tutor_a"], school["A"], "For A")
    for_all = city(school["tutor_a"], None, "For all of tutor A's cohorts")
    for_b = city(school["tutor_b"], school["B"], "For B")
    visible = {who: {d.name for d in service.datasets_for(school[who])} for who in
               ("student_a", "student_b", "student_c", "tutor_a", "co_tutor_a", "tutor_b", "admin")}
    assert visible["student_a"] == {for_a.name, for_all.name}
    assert visible["student_c"] == {for_all.name}
    assert visible["student_b"] == visible["tutor_b"] == {for_b.name}
    assert visible["tutor_a"] == visible["co_tutor_a"] == {for_a.name, for_all.name}
    assert visible["admin"] == {for_a.name, for_all.name, for_b.name}
    with pytest.raises(service.DatasetUnavailable):
        service.run_scenario("teleworking", {}, for_a.key, school["student_b"])


def test_dataset_json_for_allowed_users_only_with_etag(app, school):
    leeds = city(school["tutor_a"], school["A"])
    allowed = {"student_a": 200, "tutor_a": 200, "co_tutor_a": 200, "admin": 200, "student_b": 404, "tutor_b": 404,
               "student_c": 404}
    for who, status in allowed.items():
        client = app.test_client()
        Auth(client).login(school[who])
        response = client.get(f"/simulations/datasets/{leeds.id}.json")
        assert response.status_code == status, who
        if status == 200:
            assert response.headers["Cache-Control"] == "no-cache" and leeds.version in response.headers["ETag"]
            assert api.load_dataset(response.get_json()).version == leeds.version
            again = client.get(f"/simulations/datasets/{leeds.id}.json", headers={"If-None-Match": response.headers["ETag"]})
            assert again.status_code == 304


def test_upload_page_saves_good_files(client, school, db):
    auth = Auth(client)
    auth.login(school["tutor_a"])
    page = client.get("/simulations/datasets").get_data(as_text=True)
    assert "zone_id,name,lat,lon" in page and "origin,destination,flow[,distance_km]" in page
    assert f'value="{school["A"].id}"' in page and f'value="{school["B"].id}"' not in page  # only own cohorts
    response = auth.post("/simulations/datasets", data={
        "name": "Leeds", "cohort": str(school["A"].id), "focus": "",
        "zones": (io.BytesIO(("\ufeff" + ZONES).encode()), "zones.csv"), "flows": (io.BytesIO(FLOWS.encode()), "flows.csv"),
    }, content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200 and "Dataset “Leeds” uploaded: 3 zones" in response.get_data(as_text=True)
    assert db.session.query(CityDataset).one().cohort_id == school["A"].id


def test_upload_page_lists_every_problem_and_keeps_the_fields(client, school, db):
    auth = Auth(client)
    auth.login(school["tutor_a"])
    response = auth.post("/simulations/datasets", data={
        "name": "Leeds", "cohort": "", "focus": "NOPE",
        "zones": (io.BytesIO(ZONES.replace("-1.55", "west").encode()), "my zones.csv"),
        "flows": (io.BytesIO(FLOWS.replace("LDS,BRD,9000", "LDS,HUL,9000").encode()), "flows-2021.csv"),
    }, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "my zones.csv:2: lon must be a number (got &#39;west&#39;)" in html
    assert "flows-2021.csv:7: destination &#39;HUL&#39; is not a zone_id" in html
    assert 'value="Leeds"' in html and 'value="NOPE"' in html
    assert db.session.query(CityDataset).count() == 0


def test_upload_rejects_text_that_is_not_utf8_and_wrong_file_types(client, school):
    auth = Auth(client)
    auth.login(school["tutor_a"])
    latin1 = ZONES.replace("Bradford", "Bradförd").encode("latin-1")
    response = auth.post("/simulations/datasets", data={
        "name": "Leeds", "cohort": "", "zones": (io.BytesIO(latin1), "zones.csv"),
        "flows": (io.BytesIO(FLOWS.encode()), "flows.csv"),
    }, content_type="multipart/form-data")
    assert response.status_code == 400 and "zones.csv:3: not UTF-8 text" in response.get_data(as_text=True)
    response = auth.post("/simulations/datasets", data={
        "name": "Leeds", "cohort": "", "zones": (io.BytesIO(b"x"), "zones.xlsx"),
    }, content_type="multipart/form-data")
    assert response.status_code == 400 and "The zones file must be a .csv file." in response.get_data(as_text=True)


def test_uploads_may_reach_5_mb_but_not_more(client, school):
    auth = Auth(client)
    auth.login(school["tutor_a"])
    token = auth.token()

    def upload(padding):
        # Encoded here: the test client spools big bodies to a temporary file it never closes.
        boundaries = BOUNDARIES[:-1] + " " * padding + "}"
        boundary, body = encode_multipart({"csrf_token": token, "name": "Big", "cohort": "",
                                           "boundaries": FileStorage(io.BytesIO(boundaries.encode()), "b.geojson")})
        return client.post("/simulations/datasets", data=body, content_type=f"multipart/form-data; boundary={boundary}")

    assert upload(3 * 1024 * 1024).status_code == 302  # above the site's usual 2 MB
    too_big = upload(6 * 1024 * 1024)
    assert too_big.status_code == 413 and "5 MB" in too_big.get_data(as_text=True)


def test_delete_dataset_owner_or_admin(app, school, db):
    first, second = city(school["tutor_a"], school["A"]), city(school["tutor_a"], school["A"])
    for who, target, status in (("co_tutor_a", first, 403), ("tutor_a", first, 302), ("admin", second, 302)):
        client = app.test_client()
        auth = Auth(client)
        auth.login(school[who])
        assert auth.post(f"/simulations/datasets/{target.id}/delete").status_code == status, who
    assert db.session.query(CityDataset).count() == 0


def test_students_cannot_open_the_upload_page(client, school):
    Auth(client).login(school["student_a"])
    assert client.get("/simulations/datasets").status_code == 403
