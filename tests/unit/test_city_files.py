"""A tutor's city files: every malformed shape is refused with ``file:line: message``.

GeoJSON problems name the line where the offending feature or value starts (found in the
text, which ``json.loads`` does not tell); CSV problems name the line and the column.
(``tests/unit/test_models.py`` holds the plain-function checks that also run in Pyodide.)
"""
import json

import pytest

from sims import dataset as datasets
from sims.dataset import read_boundaries

SQUARE = [[[0.1, 52.2], [0.2, 52.2], [0.2, 52.3], [0.1, 52.2]]]
ZONES = "zone_id,name,lat,lon\nA,Alpha,52.2,0.1\nB,Beta,52.3,0.2\n"
FLOWS = "origin,destination,flow,distance_km\nA,A,500,2\nA,B,120,\nB,A,80,14\nB,B,400,3\n"


def feature(zone="A", geometry=None, **fields):
    return {"type": "Feature", "properties": {"zone_id": zone},
            "geometry": geometry or {"type": "Polygon", "coordinates": SQUARE}, **fields}


def polygon(*positions):
    return {"type": "Polygon", "coordinates": [[[0.1, 52.2], [0.2, 52.2], *positions, [0.1, 52.2]]]}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def line_of(text, marker, before=0):
    """The line holding ``marker`` (which must occur once), minus ``before``."""
    assert text.count(marker) == 1, f"{marker!r} occurs {text.count(marker)} times in\n{text}"
    return text[:text.index(marker)].count("\n") + 1 - before


# (id, document (data, dumped with indent=1, or text), where: (marker, lines before) or a line, message)
GEOJSON = [
    ("features-a-number", {"type": "FeatureCollection", "features": 5}, ('"features": 5', 0),
     '"features" must be a list of features, not a number (5)'),
    ("features-text", {"type": "FeatureCollection", "features": "abc"}, ('"features": "abc"', 0),
     '"features" must be a list of features, not text ("abc")'),
    ("top-a-list", [1], 1, "expected a GeoJSON FeatureCollection (an object in { }), not a list"),
    ("top-text", '"hello"', 1, 'expected a GeoJSON FeatureCollection (an object in { }), not text ("hello")'),
    ("properties-a-list", collection(feature(properties=[1])), ('"properties": [', 0),
     'feature 1: "properties" must be an object such as {"zone_id": "CAM"}, not a list'),
    ("properties-a-number", collection(feature(properties=3)), ('"properties": 3', 0),
     'feature 1: "properties" must be an object such as {"zone_id": "CAM"}, not a number (3)'),
    ("no-features-key", {"type": "FeatureCollection"}, 1, 'the FeatureCollection has no "features" list'),
    ("empty-features", {"type": "FeatureCollection", "features": []}, ('"features": []', 0),
     'the FeatureCollection has no features: its "features" list is empty'),
    ("no-type", {"features": []}, 1, 'there is no "type": a boundaries file is a "FeatureCollection"'),
    ("wrong-type", {"type": "Topology", "features": []}, ('"Topology"', 0),
     '"type" is "Topology"; expected "FeatureCollection"'),
    ("a-single-feature", feature(), ('"type": "Feature"', 0),
     'this is a single Feature: put it in the "features" list of a FeatureCollection'),
    ("a-bare-geometry", {"type": "Polygon", "coordinates": SQUARE}, ('"type": "Polygon"', 0),
     "this is a bare Polygon: put each zone's outline in a Feature of a FeatureCollection"),
    ("feature-a-number", collection(feature(), 7), ("  7", 0), "feature 2 is a number (7), not a Feature object"),
    ("feature-null", collection(None), ("  null", 0), "feature 1 is null, not a Feature object"),
    ("feature-wrong-type", collection({"type": "Foo"}), ('"Foo"', 0),
     'feature 1: "type" is "Foo"; a feature\'s type must be "Feature"'),
    ("feature-without-type", collection({"properties": {"zone_id": "A"}}), ('"properties"', 1),
     'feature 1 has no "type": "Feature"'),
    ("unknown-zone", collection(feature("Q")), ('"zone_id": "Q"', 0),
     'feature 1: no property matches a zone_id of the zones (looked at zone_id = "Q")'),
    ("no-properties", collection(feature(properties=None)), ('"type": "Feature"', 1),
     "feature 1: no property matches a zone_id of the zones (it has no properties)"),
    ("zone-id-true", collection(feature(properties={"zone_id": True})), ('"zone_id": true', 0),
     "feature 1: no property matches a zone_id of the zones (looked at zone_id = true)"),
    ("duplicate-zone", collection(feature("A"), feature("B"), feature(properties={"name": "third", "zone_id": "A"})),
     ('"name": "third"', 3),
     "feature 3 (A): zone A already has an outline (feature 1, line 4); give each zone one feature, "
     "a MultiPolygon if it is in several parts"),
    ("point", collection(feature(geometry={"type": "Point", "coordinates": [0.1, 52.2]})), ('"Point"', 0),
     "feature 1 (A): geometry must be a Polygon or MultiPolygon, not Point"),
    ("geometry-collection", collection(feature(geometry={"type": "GeometryCollection", "geometries": []})),
     ('"GeometryCollection"', 0), "feature 1 (A): geometry must be a Polygon or MultiPolygon, not GeometryCollection"),
    ("geometry-type-a-number", collection(feature(geometry={"type": 4, "coordinates": SQUARE})), ('"type": 4', 0),
     "feature 1 (A): geometry must be a Polygon or MultiPolygon, not 4"),
    ("geometry-without-type", collection(feature(geometry={"coordinates": SQUARE})), ('"geometry": {', 0),
     "feature 1 (A): geometry must be a Polygon or MultiPolygon, not a geometry without a type"),
    ("no-geometry", collection(feature(geometry=None) | {"geometry": None}), ('"geometry": null', 0),
     "feature 1 (A) has no geometry"),
    ("geometry-missing", collection({"type": "Feature", "properties": {"zone_id": "A"}}), ('"type": "Feature"', 1),
     "feature 1 (A) has no geometry"),
    ("geometry-a-list", collection(feature() | {"geometry": [1]}), ('"geometry": [', 0),
     'feature 1 (A): "geometry" must be an object, not a list'),
    ("no-coordinates", collection(feature(geometry={"type": "Polygon"})), ('"geometry": {', 0),
     'feature 1 (A): the Polygon has no "coordinates"'),
    ("coordinates-text", collection(feature(geometry={"type": "Polygon", "coordinates": "x"})),
     ('"coordinates": "x"', 0), 'feature 1 (A): a polygon must be a list of rings, each a list of [longitude, '
                                'latitude] positions, not text ("x")'),
    ("coordinates-empty", collection(feature(geometry={"type": "Polygon", "coordinates": []})),
     ('"coordinates": []', 0), "feature 1 (A): a polygon must be a list of rings, each a list of [longitude, "
                               "latitude] positions, not a list"),
    ("ring-a-number", collection(feature(geometry={"type": "Polygon", "coordinates": [55]})), ("55", 0),
     "feature 1 (A): a ring must be a list of [longitude, latitude] positions, not a number (55)"),
    ("ring-too-short", collection(feature(geometry={"type": "Polygon", "coordinates": [[[0.1, 52.2], [0.7, 52.7]]]})),
     ('"coordinates"', -1), "feature 1 (A): a ring needs at least 3 positions; this one has 2"),
    ("position-text", collection(feature(geometry=polygon(["east", 52.3]))), ('"east"', 1),
     'feature 1 (A): position ["east", 52.3] is not a [longitude, latitude] pair of numbers'),
    ("position-true", collection(feature(geometry=polygon([True, 52.3]))), ("true", 1),
     "feature 1 (A): position [true, 52.3] is not a [longitude, latitude] pair of numbers"),
    ("position-null", collection(feature(geometry=polygon(None))), ("null", 0),
     "feature 1 (A): position null is not a [longitude, latitude] pair of numbers"),
    ("position-one-number", collection(feature(geometry=polygon([0.7]))), ("0.7", 1),
     "feature 1 (A): position [0.7] is not a [longitude, latitude] pair of numbers"),
    ("position-four-numbers", collection(feature(geometry=polygon([0.7, 52.3, 1, 2]))), ("0.7", 1),
     "feature 1 (A): position [0.7, 52.3, 1, 2] is not a [longitude, latitude] pair of numbers"),
    ("position-nan", collection(feature(geometry=polygon([float("nan"), 52.3]))), ("NaN", 1),
     "feature 1 (A): position [NaN, 52.3] holds a value that is not a finite number"),
    ("position-1e400", json.dumps(collection(feature(geometry=polygon([0.7, 52.3]))), indent=1).replace("0.7", "1e400"),
     ("1e400", 1), "feature 1 (A): position [Infinity, 52.3] holds a value that is not a finite number"),
    ("longitude-190", collection(feature(geometry=polygon([190, 52.3]))), ("190", 1),
     "feature 1 (A): position [190, 52.3]: longitude 190 is outside -180 to 180"),
    ("latitude-95", collection(feature(geometry=polygon([0.7, 95]))), ("95", 2),
     "feature 1 (A): position [0.7, 95]: latitude 95 is outside -90 to 90 "
     "(GeoJSON gives longitude first: are the two swapped?)"),
    ("projected-grid", collection(feature(geometry=polygon([545000, 258000]))), ("545000", 1),
     "feature 1 (A): position [545000, 258000] is not in degrees: the file seems to use a projected grid in "
     "metres (such as the British National Grid): export it as WGS 84 longitude and latitude (EPSG:4326)"),
    ("multipolygon-not-a-list", collection(feature(geometry={"type": "MultiPolygon", "coordinates": 5})),
     ('"coordinates": 5', 0), "feature 1 (A): a MultiPolygon's coordinates must be a list of polygons, "
                              "not a number (5)"),
    ("multipolygon-bad-position", collection(feature(geometry={"type": "MultiPolygon", "coordinates": [
        SQUARE, [[[0.1, 52.2], [0.2, 52.2], ["x", 52.9], [0.1, 52.2]]]]})), ('"x"', 1),
     'feature 1 (A): position ["x", 52.9] is not a [longitude, latitude] pair of numbers'),
    ("not-json", "{\n  oops", 2, "not valid JSON (Expecting property name enclosed in double quotes)"),
    ("truncated", '{"type": "FeatureCollection",\n "features": [\n', 3, "not valid JSON (Expecting value)"),
    ("control-character", '{"type": "FeatureCollection",\n "features": ["a\x01"]}', 2,
     "not valid JSON (Invalid control character at)"),
    ("empty-file", "  \n ", 1, "the file is empty"),
    ("nested-100000-deep", '{"type": "FeatureCollection",\n\n "features": ' + "[" * 100_000 + "]" * 100_000 + "}", 3,
     "values are nested more than 64 deep here; GeoJSON boundaries need about 8 levels"),
    ("objects-100000-deep", '{"type": "FeatureCollection", "features": [' + '{"a":' * 100_000 + "1" + "}" * 100_000
     + "]}", 1, "values are nested more than 64 deep here; GeoJSON boundaries need about 8 levels"),
    ("unbalanced-and-deep", "[" * 100_000 + "}", 1,
     "values are nested more than 64 deep here; GeoJSON boundaries need about 8 levels"),
]


def geojson_text(document):
    return document if isinstance(document, str) else json.dumps(document, indent=1)


@pytest.mark.parametrize(("document", "where", "message"), [c[1:] for c in GEOJSON], ids=[c[0] for c in GEOJSON])
def test_each_malformed_geojson_names_the_line_of_the_problem(document, where, message):
    text = geojson_text(document)
    line = where if isinstance(where, int) else line_of(text, *where)
    problems = []
    read_boundaries(text, {"A": 0, "B": 1}, "districts.geojson", problems)
    assert problems == [f"districts.geojson:{line}: {message}"]


@pytest.mark.parametrize(("document", "message"), [(c[1], c[3]) for c in GEOJSON], ids=[c[0] for c in GEOJSON])
def test_a_city_with_malformed_boundaries_is_not_built(document, message):
    with pytest.raises(datasets.DatasetError) as refused:
        datasets.from_csv(ZONES, FLOWS, boundaries_text=geojson_text(document))
    assert len(refused.value.problems) == 1 and refused.value.problems[0].endswith(message)


def test_a_byte_order_mark_a_height_and_repeated_keys_are_fine():
    document = collection(feature(geometry={"type": "Polygon", "coordinates": [[[0.1, 52.2, 10], [0.2, 52.2, 10],
                                                                                 [0.2, 52.3, 10]]]}))
    problems = []
    boundaries = read_boundaries("\ufeff" + json.dumps(document), {"A": 0}, "b.geojson", problems)
    assert problems == [] and boundaries["features"][0]["polygons"] == [[[[0.1, 52.2], [0.2, 52.2], [0.2, 52.3]]]]
    repeated = '{"type": "FeatureCollection", "features": 5,\n "features": [\n  7]}'  # json keeps the last
    read_boundaries(repeated, {"A": 0}, "b.geojson", problems)
    assert problems == ["b.geojson:3: feature 1 is a number (7), not a Feature object"]


def test_every_feature_is_checked_and_long_lists_are_cut_short():
    bad = collection(*[feature(f"Q{k}") for k in range(150)], feature("A", geometry=polygon(["x", 1])))
    problems = []
    read_boundaries(json.dumps(bad), {"A": 0}, "b.geojson", problems)
    assert len(problems) == 101 and problems[0].startswith("b.geojson:1: feature 1: no property matches")
    assert problems[-1] == ("b.geojson: 51 more problems not listed here; fix the 100 above and upload again "
                            "to see the rest")


# -- CSV ----------------------------------------------------------------------------------

def problems_of(zones=ZONES, flows=FLOWS, **options):
    with pytest.raises(datasets.DatasetError) as refused:
        datasets.from_csv(zones, flows, **options)
    return refused.value.problems


def many_zones(count):
    return "zone_id,name,lat,lon\n" + "".join(f"Z{k},Zone {k},52.{k:04d},0.1\n" for k in range(count))


PROJECTED = ("the file seems to use a projected grid in metres (such as the British National Grid): export it as "
             "WGS 84 longitude and latitude (EPSG:4326)")
ZONE_CASES = [
    ("empty", "", ["zones.csv:1: the file is empty"]),
    ("header-only", "zone_id,name,lat,lon\n", ["zones.csv:1: the file has only its header line: no zones below it"]),
    ("missing-columns", "zone,lat\nA,1\n",
     ["zones.csv:1: missing column zone_id, name, lon (expected zone_id, name, lat, lon)"]),
    ("semicolons", ZONES.replace(",", ";"),
     ["zones.csv:1: missing column zone_id, name, lat, lon (expected zone_id, name, lat, lon); the columns seem to "
      "be separated by semicolons or tabs: save the file as CSV with commas"]),
    ("repeated-column", "zone_id,name,lat,lon,lat\nA,Alpha,52.2,0.1,52\n",
     ["zones.csv:1: column lat appears more than once in the first line"]),
    ("too-many-values", ZONES.replace("Alpha", "Alpha, North"),
     ["zones.csv:2: expected 4 values, found 5 (if a name contains a comma, put the name in double quotes)"]),
    ("too-few-values", ZONES + "C,Gamma,52.1\n", ["zones.csv:4: expected 4 values, found 3"]),
    ("unclosed-quote", ZONES.replace("Beta", '"Beta'),
     ['zones.csv:3: expected 4 values, found 2 (a quote mark (") opened on this line is never closed)']),
    ("huge-value", ZONES + "C," + "x" * 200_000 + ",52,0\n",
     ["zones.csv:4: a value here is more than 131,072 characters long (is a quote mark missing its pair?)"]),
    ("empty-zone-id", ZONES + ",Nowhere,52,0\n", ["zones.csv:4: zone_id is empty"]),
    ("repeated-zone-id", ZONES + "A,Again,52,0\n", ["zones.csv:4: zone_id 'A' repeats line 2"]),
    ("long-zone-id", ZONES + "C" * 41 + ",Gamma,52,0\n", ["zones.csv:4: zone_id is too long: at most 40 characters "
                                                           "(this has 41)"]),
    ("long-name", ZONES + "C," + "n" * 101 + ",52,0\n", ["zones.csv:4: name is too long: at most 100 characters "
                                                         "(this has 101)"]),
    ("lat-text", ZONES.replace("52.3", "north"), ["zones.csv:3: lat must be a number (got 'north')"]),
    ("lat-inf", ZONES.replace("52.3", "inf"), ["zones.csv:3: lat must be a finite number from -90 to 90 (got 'inf')"]),
    ("lat-nan", ZONES.replace("52.3", "nan"), ["zones.csv:3: lat must be a finite number from -90 to 90 (got 'nan')"]),
    ("lat-1e400", ZONES.replace("52.3", "1e400"),
     ["zones.csv:3: lat must be a finite number from -90 to 90 (got '1e400')"]),
    ("lat-95", ZONES.replace("52.3", "95"), ["zones.csv:3: lat must be at most 90 (got '95')"]),
    ("lon-minus-181", ZONES.replace("0.2", "-181"), ["zones.csv:3: lon must be at least -180 (got '-181')"]),
    ("projected-grid", ZONES.replace("52.3,0.2", "545000,-258000"),
     [f"zones.csv:3: lat must be at most 90 (got '545000'): {PROJECTED}",
      f"zones.csv:3: lon must be at least -180 (got '-258000'): {PROJECTED}"]),
    ("501-zones", many_zones(501), ["zones.csv: 501 zones; at most 500 can run in a browser"]),
]


@pytest.mark.parametrize(("zones", "expected"), [c[1:] for c in ZONE_CASES], ids=[c[0] for c in ZONE_CASES])
def test_each_malformed_zones_file_names_line_and_column(zones, expected):
    assert problems_of(zones, FLOWS if "501" not in zones and "Z500" not in zones else "origin,destination,flow\n"
                       "Z0,Z1,5\n") == expected


FLOW_CASES = [
    ("empty", "", ["flows.csv:1: the file is empty"]),
    ("unknown-zones", FLOWS + "Q,A,5,\nA,R,5,\n", ["flows.csv:6: origin 'Q' is not a zone_id in the zones file",
                                                 "flows.csv:7: destination 'R' is not a zone_id in the zones file"]),
    ("repeated-pair", FLOWS + "A,B,5,\n", ["flows.csv:6: the flow A -> B repeats line 3"]),
    ("flow-text", FLOWS.replace("120", "many"), ["flows.csv:3: flow must be a whole number (got 'many')"]),
    ("flow-negative", FLOWS.replace("120", "-1"), ["flows.csv:3: flow must be at least 0 people (got '-1')"]),
    ("flow-fraction", FLOWS.replace("120", "2.5"), ["flows.csv:3: flow must be a whole number of people (got '2.5')"]),
    ("flow-inf", FLOWS.replace("120", "inf"),
     ["flows.csv:3: flow must be a finite number from 0 to 1,000,000 people (got 'inf')"]),
    ("flow-1e400", FLOWS.replace("120", "1e400"),
     ["flows.csv:3: flow must be a finite number from 0 to 1,000,000 people (got '1e400')"]),
    ("flow-nan", FLOWS.replace("120", "NaN"),
     ["flows.csv:3: flow must be a finite number from 0 to 1,000,000 people (got 'NaN')"]),
    ("flow-1e300", FLOWS.replace("120", "1e300"),
     ["flows.csv:3: flow must be at most 1,000,000 people for one pair of zones (got '1e300')"]),
    ("flow-1000001", FLOWS.replace("120", "1000001"),
     ["flows.csv:3: flow must be at most 1,000,000 people for one pair of zones (got '1000001')"]),
    ("distance-negative", FLOWS.replace(",14", ",-3"), ["flows.csv:4: distance_km must be at least 0 km (got '-3')"]),
    ("distance-inf", FLOWS.replace(",14", ",inf"),
     ["flows.csv:4: distance_km must be a finite number from 0 to 20,000 km (got 'inf')"]),
    ("distance-30000", FLOWS.replace(",14", ",30000"),
     ["flows.csv:4: distance_km must be at most 20,000 km (got '30000')"]),
    ("all-zero", "origin,destination,flow\nA,A,0\nB,A,0\n", ["flows.csv: all flows are zero"]),
    ("no-distance-anywhere", "origin,destination,flow,distance_km\nA,B,5,0\nB,A,3,0\n",
     ["flows.csv: every commute in the file is 0 km long, so the model cannot tell near from far: give "
      "distance_km values above 0, or zones at different places"]),
]


@pytest.mark.parametrize(("flows", "expected"), [c[1:] for c in FLOW_CASES], ids=[c[0] for c in FLOW_CASES])
def test_each_malformed_flows_file_names_line_and_column(flows, expected):
    assert problems_of(ZONES, flows) == expected


def test_a_zone_cannot_hold_more_commuters_than_a_real_one():
    zones = many_zones(12)
    flows = "origin,destination,flow\n" + "".join(f"Z{k},Z0,1000000\n" for k in range(11))
    assert problems_of(zones, flows) == [
        "zones.csv:2: zone Z0: the flows in flows.csv have 11,000,000 commuters working there, more than the "
        "10,000,000 one zone can plausibly have; check its flows"]


def test_flows_to_a_zone_whose_own_line_is_wrong_are_not_reported_twice():
    assert problems_of(ZONES.replace("52.3", "north"), FLOWS + "A,Q,1,\n") == [
        "zones.csv:3: lat must be a number (got 'north')",
        "flows.csv:6: destination 'Q' is not a zone_id in the zones file"]


def test_byte_order_marks_line_endings_and_the_given_cleaning_are_applied():
    zones = "\ufeff" + ZONES.replace("Alpha", " Al\x00pha ").replace("\n", "\r")
    data = datasets.from_csv(zones, FLOWS.replace("\n", "\r\n"), clean=lambda text: text.replace("\x00", "").strip())
    assert [z.name for z in data.zones] == ["Alpha", "Beta"] and data.flows == [[500, 120], [80, 400]]
    assert all(isinstance(f, int) for row in data.flows for f in row)
