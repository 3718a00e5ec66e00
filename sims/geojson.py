"""Zone outlines from a tutor's GeoJSON: checked value by value, every problem with its line.

``json.loads`` says where a file stops being JSON, but not where a well-formed value of the
wrong kind is (``"features": 5``, a position ``["a", "b"]``). For those, ``_Text`` walks the
text to the value a problem is about: it reads keys with ``json.decoder.scanstring`` and skips
other values with the C decoder, so finding a line costs about one parse of the feature it is
in. Before parsing, the nesting depth is checked without recursion: a file nested 100,000
deep must get a message, not exhaust the parser's stack (in Pyodide as on the server).
"""
import json
import math
import re
from json.decoder import scanstring

from .problems import FileProblems

MAX_DEPTH = 64  # a MultiPolygon FeatureCollection is 8 deep
GEOMETRIES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection")
PROJECTED_HINT = ("the file seems to use a projected grid in metres (such as the British National Grid): "
                  "export it as WGS 84 longitude and latitude (EPSG:4326)")

_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_STRINGS = re.compile(_STRING)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_PAIRS = re.compile(r"\[\]|\{\}")
_TOKENS = re.compile(_STRING + r"|[\[\]{}]")
_DECODER = json.JSONDecoder()
_SURROGATES = re.compile("[\ud800-\udfff]")


def read_boundaries(text, index, filename, problems, id_property=None):
    """Check boundary GeoJSON: a FeatureCollection of (Multi)Polygons, one per known zone.

    Returns ``{"features": [{"zone_id", "polygons"}]}`` (positions kept as ``[lon, lat]``);
    problems go to ``problems`` as ``file:line: message``.
    """
    report = FileProblems(filename, problems)
    try:
        return _read(text[1:] if text.startswith("\ufeff") else text, index, report, id_property)
    finally:
        report.finish()


def _read(text, index, report, id_property):
    data = _parse(text, report)
    if report:
        return None
    where = _Text(text)
    top = where.line(where.find(()))
    if not isinstance(data, dict):
        report.add(f"expected a GeoJSON FeatureCollection (an object in {{ }}), not {_kind(data)}", top)
        return None
    if data.get("type") != "FeatureCollection":
        report.add(_not_a_collection(data), where.line(where.find(("type",))) if "type" in data else top)
        return None
    if "features" not in data:
        report.add('the FeatureCollection has no "features" list', top)
        return None
    features = data["features"]
    if not isinstance(features, list):
        report.add(f'"features" must be a list of features, not {_kind(features)}',
                   where.line(where.find(("features",))))
        return None
    if not features:
        report.add('the FeatureCollection has no features: its "features" list is empty',
                   where.line(where.find(("features",))))
        return None
    kept, first = [], {}
    for number, feature in enumerate(features, start=1):
        item = _feature(feature, _Place(where, number - 1), number, index, id_property, report, first)
        if item is not None:
            kept.append(item)
    return {"features": kept}


def _parse(text, report):
    if not text.strip():
        report.add("the file is empty", 1)
        return None
    deep = _too_deep_at(text)
    if deep is not None:
        report.add(f"values are nested more than {MAX_DEPTH} deep here; GeoJSON boundaries need about 8 levels",
                   text.count("\n", 0, deep) + 1)
        return None
    try:
        return json.loads(text)
    except RecursionError:  # not reached after the depth check; kept so no input can crash the upload
        report.add("values are nested too deeply to read", 1)
    except ValueError as error:
        report.add(f"not valid JSON ({getattr(error, 'msg', error)})", getattr(error, "lineno", 1))
    return None


def _too_deep_at(text):
    """The offset where nesting first passes ``MAX_DEPTH``, or None.

    Fast path: strip strings and everything but brackets, then remove innermost ``[]``/``{}``
    pairs once per level; a file that empties within ``MAX_DEPTH`` rounds is shallow enough.
    Otherwise (too deep, or brackets that do not match) count token by token.
    """
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    for _ in range(MAX_DEPTH):
        if not brackets:
            return None
        shorter = _PAIRS.sub("", brackets)
        if shorter == brackets:
            break
        brackets = shorter
    if not brackets:
        return None
    depth = 0
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return token.start()
        elif mark in "]}":
            depth -= 1
    return None


class _Text:
    """Offsets and lines of values in a JSON text that ``json.loads`` has already accepted."""

    def __init__(self, text):
        self.text = text
        self._known = (0, 1)  # (offset, its line): problems come mostly in file order
        self._features = None  # found only when a problem needs a line: it costs a parse

    def line(self, offset):
        start, line = self._known if offset >= self._known[0] else (0, 1)
        line += self.text.count("\n", start, offset)
        self._known = (offset, line)
        return line

    def find(self, path, start=0):
        """Where the value at ``path`` (keys and indexes) begins, or its deepest existing parent."""
        offset = _SPACE.match(self.text, start).end()
        for step in path:
            child = self._child(offset, step)
            if child is None:
                break
            offset = child
        return offset

    def feature(self, k):
        """Where feature ``k`` begins (all features' offsets are found at the first call)."""
        if self._features is None:
            self._features = list(self._members(self.find(("features",))))
        return self._features[k]

    def _child(self, offset, step):
        opener = self.text[offset]
        if opener == "{" and isinstance(step, str):
            found = None
            for key, start in self._members(offset):
                if key == step:
                    found = start  # a repeated key: json.loads keeps the last one
            return found
        if opener == "[" and isinstance(step, int):
            for k, start in enumerate(self._members(offset)):
                if k == step:
                    return start
        return None

    def _members(self, offset):
        """``(key, value offset)`` of an object's members, or value offsets of an array's elements."""
        text, keyed = self.text, self.text[offset] == "{"
        offset = _SPACE.match(text, offset + 1).end()
        while text[offset] not in "]}":
            if keyed:
                key, offset = scanstring(text, offset + 1)
                offset = _SPACE.match(text, _SPACE.match(text, offset).end() + 1).end()  # past the colon
                yield key, offset
            else:
                yield offset
            _, offset = _DECODER.raw_decode(text, offset)
            offset = _SPACE.match(text, offset).end()
            if text[offset] == ",":
                offset = _SPACE.match(text, offset + 1).end()


class _Place:
    """Lines of the values inside feature ``k``."""

    def __init__(self, where, k):
        self.where, self.k = where, k

    def line(self, *path):
        return self.where.line(self.where.find(path, self.where.feature(self.k)))


def _feature(feature, place, number, index, id_property, report, first):
    """One checked feature ``{"zone_id", "polygons"}``, or None after reporting its first problem."""
    name = f"feature {number}"
    if not isinstance(feature, dict):
        report.add(f"{name} is {_kind(feature)}, not a Feature object", place.line())
        return None
    if feature.get("type") != "Feature":
        if "type" in feature:
            report.add(f'{name}: "type" is {_shown(feature["type"])}; a feature\'s type must be "Feature"',
                       place.line("type"))
        else:
            report.add(f'{name} has no "type": "Feature"', place.line())
        return None
    props = feature.get("properties")
    if props is not None and not isinstance(props, dict):
        report.add(f'{name}: "properties" must be an object such as {{"zone_id": "CAM"}}, not {_kind(props)}',
                   place.line("properties"))
        return None
    zone_id = _feature_zone(props or {}, index, id_property)
    if zone_id is None:
        key = next((k for k in (id_property, "zone_id") if k and k in (props or {})), None)
        line = place.line("properties", key) if key else place.line("properties") if props else place.line()
        report.add(f"{name}: no property matches a zone_id of the zones ({_looked_at(props)})", line)
        return None
    label = f"{name} ({zone_id})"
    if zone_id in first:
        earlier, earlier_place = first[zone_id]
        report.add(f"{label}: zone {zone_id} already has an outline (feature {earlier}, line {earlier_place.line()}); "
                   "give each zone one feature, a MultiPolygon if it is in several parts", place.line())
        return None
    first[zone_id] = (number, place)
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        problem = "has no geometry" if geometry is None else f'"geometry" must be an object, not {_kind(geometry)}'
        report.add(f"{label} {problem}" if geometry is None else f"{label}: {problem}",
                   place.line("geometry") if "geometry" in feature else place.line())
        return None
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        shown = kind if isinstance(kind, str) else "a geometry without a type" if kind is None else _shown(kind)
        report.add(f"{label}: geometry must be a Polygon or MultiPolygon, not {shown}",
                   place.line("geometry", "type") if "type" in geometry else place.line("geometry"))
        return None
    if "coordinates" not in geometry:
        report.add(f'{label}: the {kind} has no "coordinates"', place.line("geometry"))
        return None
    polygons, problem = _polygons(geometry["coordinates"], kind == "MultiPolygon")
    if problem:
        path, message = problem
        report.add(f"{label}: {message}", place.line("geometry", "coordinates", *path))
        return None
    return {"zone_id": zone_id, "polygons": polygons}


def _polygons(coordinates, multi):
    """``(polygons, None)`` with positions as ``[lon, lat]``, or ``(None, (path, message))``."""
    if not multi:
        polygon, problem = _polygon(coordinates, ())
        return (None, problem) if problem else ([polygon], None)
    if not isinstance(coordinates, list) or not coordinates:
        return None, ((), f"a MultiPolygon's coordinates must be a list of polygons, not {_kind(coordinates)}")
    polygons = []
    for p, coords in enumerate(coordinates):
        polygon, problem = _polygon(coords, (p,))
        if problem:
            return None, problem
        polygons.append(polygon)
    return polygons, None


def _polygon(coordinates, path):
    if not isinstance(coordinates, list) or not coordinates:
        return None, (path, "a polygon must be a list of rings, each a list of [longitude, latitude] positions, "
                            f"not {_kind(coordinates)}")
    rings = []
    for r, ring in enumerate(coordinates):
        if not isinstance(ring, list):
            return None, ((*path, r), f"a ring must be a list of [longitude, latitude] positions, not {_kind(ring)}")
        if len(ring) < 3:
            return None, ((*path, r), f"a ring needs at least 3 positions; this one has {len(ring)}")
        points = []
        for k, position in enumerate(ring):
            problem = _position_problem(position)
            if problem:
                return None, ((*path, r, k), problem)
            points.append(position[:2])
        rings.append(points)
    return rings, None


def _position_problem(position):
    """Why ``position`` is not ``[longitude, latitude]`` (optionally with a height), or None."""
    if not isinstance(position, list) or not 2 <= len(position) <= 3 or not all(map(_is_number, position)):
        return f"position {_shown(position)} is not a [longitude, latitude] pair of numbers"
    if not all(math.isfinite(v) for v in position):
        return f"position {_shown(position)} holds a value that is not a finite number"
    lon, lat = position[0], position[1]
    if -180 <= lon <= 180 and -90 <= lat <= 90:
        return None
    if abs(lon) > 1000 or abs(lat) > 1000:
        return f"position {_shown(position)} is not in degrees: {PROJECTED_HINT}"
    if not -180 <= lon <= 180:
        return f"position {_shown(position)}: longitude {lon} is outside -180 to 180"
    swapped = " (GeoJSON gives longitude first: are the two swapped?)" if -90 <= lon <= 90 else ""
    return f"position {_shown(position)}: latitude {lat} is outside -90 to 90{swapped}"


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _feature_zone(props, index, id_property):
    keys = [id_property] if id_property else ["zone_id", "id", "code", *props]
    for key in keys:
        value = props.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip() in index:
            return str(value).strip()
    return None


def _looked_at(props):
    if not props:
        return "it has no properties"
    shown = [f"{key} = {_shown(value, 30)}" for key, value in list(props.items())[:6]]
    more = f" and {len(props) - 6} more" if len(props) > 6 else ""
    return f"looked at {', '.join(shown)}{more}"


def _not_a_collection(data):
    kind = data.get("type")
    if "type" not in data:
        return 'there is no "type": a boundaries file is a "FeatureCollection"'
    if kind == "Feature":
        return 'this is a single Feature: put it in the "features" list of a FeatureCollection'
    if kind in GEOMETRIES:
        return f'this is a bare {kind}: put each zone\'s outline in a Feature of a FeatureCollection'
    return f'"type" is {_shown(kind)}; expected "FeatureCollection"'


def _kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"a number ({_shown(value)})"
    if isinstance(value, str):
        return f"text ({_shown(value, 30)})"
    return "a list" if isinstance(value, list) else "an object"


def _shown(value, limit=60):
    """``value`` as JSON, shortened to about ``limit`` characters."""
    text = _SURROGATES.sub("\ufffd", json.dumps(value, ensure_ascii=False))  # "\ud800" in a file
    return text if len(text) <= limit else text[:limit - 1] + "…"
