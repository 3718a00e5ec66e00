"""Bring your own city: a zones CSV, a flows CSV and optional boundary GeoJSON, checked.

Every problem is reported (up to ``problems.LIMIT`` a file) as ``file:line: message`` naming
the column, so a tutor can fix a whole file in one go. Values must be plausible, not merely
numbers: a flow is a whole number of people from 0 to ``MAX_FLOW`` a pair of zones, which keeps
every sum the models make finite (a flow of 1e300 once made them answer NaN).

Text cells pass through ``clean`` (the server gives its own text cleaning; the default only
strips spaces) and have length limits, which refuse rather than cut.
"""
import csv
import io

from . import dataset as datasets
from .geojson import PROJECTED_HINT, read_boundaries
from .problems import DatasetError, FileProblems

ZONE_COLUMNS = ("zone_id", "name", "lat", "lon")
FLOW_COLUMNS = ("origin", "destination", "flow")
MAX_FLOW = 1_000_000  # people commuting between one pair of zones
MAX_ZONE_COMMUTERS = 10_000_000  # people living, or working, in one zone
MAX_DISTANCE_KM = 20_000  # no two places on Earth are further apart
MAX_ID_CHARS = 40
MAX_NAME_CHARS = 100


def from_csv(zones_text, flows_text, name="Imported city", id="imported", focus=None, boundaries_text=None,
             zones_file="zones.csv", flows_file="flows.csv", boundaries_file="boundaries.geojson", clean=None):
    """A ``Dataset`` from a zones CSV and a flows CSV (and optional GeoJSON), or ``DatasetError``.

    zones: ``zone_id,name,lat,lon`` (WGS84 degrees). flows: ``origin,destination,flow`` and
    optionally ``distance_km``; missing distances are straight lines between centroids.
    """
    clean = clean or str.strip
    problems = []
    zones, lines, invalid = _read_zones(zones_text, FileProblems(zones_file, problems), clean)
    index = {z.id: i for i, z in enumerate(zones)}
    flows = cost = None
    if lines:  # the zones file names zones (some may be wrong): the flows can be checked against them
        flows, cost = _read_flows(flows_text, FileProblems(flows_file, problems), index, invalid, clean)
    if focus is not None and zones and focus not in index:
        problems.append(f"{zones_file}: focus zone {focus!r} is not one of the zones")
    boundaries = None
    if boundaries_text:
        boundaries = read_boundaries(boundaries_text, index, boundaries_file, problems)
    if not problems:
        _check_totals(zones, flows, FileProblems(zones_file, problems), lines, flows_file)
    if problems:
        raise DatasetError(problems)
    for i, zone in enumerate(zones):
        zone.residents = sum(flows[i])
        zone.jobs = sum(row[i] for row in flows)
    fallback = datasets.centroid_costs(zones)
    cost = [[fallback[i][j] if c is None else c for j, c in enumerate(row)] for i, row in enumerate(cost)]
    if not _some_distance(flows, cost):
        raise DatasetError([f"{flows_file}: every commute in the file is 0 km long, so the model cannot tell near "
                            "from far: give distance_km values above 0, or zones at different places"])
    return datasets.Dataset(id, name, zones, flows, cost, focus=focus, boundaries=boundaries,
                            attribution="Imported by a tutor.")


def _rows(text, report, required, clean):
    """``(line, {column: text} or None, first cell)`` for each data row, after checking the header
    (line 1); a row with the wrong number of values is reported and comes as None."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))  # \r, \n and \r\n all end a line
    try:
        header = [clean(h).lower() for h in next(reader)]
    except StopIteration:
        report.add("the file is empty", 1)
        return []
    except csv.Error as error:
        report.add(f"the first line cannot be read as CSV ({error})", 1)
        return []
    if not _header_ok(header, required, report):
        return []
    rows, end = [], reader.line_num
    while True:
        start = end + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.add(_csv_error(error), start)
            break
        end = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            report.add(_wrong_count(values, len(header)), start)
            rows.append((start, None, clean(values[0])))
            continue
        rows.append((start, {h: clean(v) for h, v in zip(header, values)}, clean(values[0])))
    return rows


def _header_ok(header, required, report):
    missing = [c for c in required if c not in header]
    if missing:
        hint = ""
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            hint = "; the columns seem to be separated by semicolons or tabs: save the file as CSV with commas"
        report.add(f"missing column {', '.join(missing)} (expected {', '.join(required)}){hint}", 1)
        return False
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        report.add(f"column {', '.join(repeated)} appears more than once in the first line", 1)
        return False
    return True


def _csv_error(error):
    if "field larger than field limit" in str(error):
        return (f"a value here is more than {csv.field_size_limit():,} characters long "
                "(is a quote mark missing its pair?)")
    return f"this line cannot be read as CSV ({error})"


def _wrong_count(values, expected):
    message = f"expected {expected} values, found {len(values)}"
    if any("\n" in v for v in values):
        return message + ' (a quote mark (") opened on this line is never closed)'
    if len(values) > expected:
        return message + " (if a name contains a comma, put the name in double quotes)"
    return message


def _read_zones(text, report, clean):
    """``(zones, {zone_id: line}, ids with problems)``."""
    zones, seen, invalid = [], {}, set()
    for line, row, first in _rows(text, report, ZONE_COLUMNS, clean):
        if row is None:
            invalid.add(first)  # most likely its zone_id: flows to it are not reported again
            continue
        zone_id, name = row["zone_id"], row["name"]
        if not zone_id:
            report.add("zone_id is empty", line)
            continue
        if zone_id in seen:
            report.add(f"zone_id {zone_id!r} repeats line {seen[zone_id]}", line)
            continue
        seen[zone_id] = line
        ok = _text_ok(zone_id, "zone_id", MAX_ID_CHARS, line, report)
        ok = _text_ok(name, "name", MAX_NAME_CHARS, line, report) and ok
        lat = _number(row["lat"], "lat", line, report, -90, 90)
        lon = _number(row["lon"], "lon", line, report, -180, 180)
        if ok and lat is not None and lon is not None:
            zones.append(datasets.Zone(zone_id, name or zone_id, lat, lon, 0, 0))
        else:
            invalid.add(zone_id)
    if not zones and not report:
        report.add("the file has only its header line: no zones below it", 1)
    if len(zones) > datasets.MAX_ZONES:
        report.add(f"{len(zones)} zones; at most {datasets.MAX_ZONES} can run in a browser")
    report.finish()
    return zones, seen, invalid


def _read_flows(text, report, index, invalid, clean):
    n = len(index)
    flows = [[0] * n for _ in range(n)]
    cost = [[None] * n for _ in range(n)]
    seen = {}
    rows = _rows(text, report, FLOW_COLUMNS, clean)
    for line, row, _ in rows:
        if row is None:
            continue
        i, j = index.get(row["origin"]), index.get(row["destination"])
        for key, value in (("origin", i), ("destination", j)):
            if value is None and row[key] not in invalid:  # an invalid zone is reported on its own line
                report.add(f"{key} {row[key]!r} is not a zone_id in the zones file", line)
        pair = (row["origin"], row["destination"])
        if pair in seen:
            report.add(f"the flow {pair[0]} -> {pair[1]} repeats line {seen[pair]}", line)
            continue
        seen[pair] = line
        flow = _number(row["flow"], "flow", line, report, 0, MAX_FLOW, whole=True, unit="people")
        distance = None
        if row.get("distance_km"):
            distance = _number(row["distance_km"], "distance_km", line, report, 0, MAX_DISTANCE_KM, unit="km")
        if i is not None and j is not None:
            flows[i][j] = flow or 0
            cost[i][j] = distance
    if rows and not report and sum(map(sum, flows)) <= 0:
        report.add("all flows are zero")
    report.finish()
    return flows, cost


def _check_totals(zones, flows, report, lines, flows_file):
    """Refuse a zone with more commuters living or working in it than any real zone has."""
    for i, zone in enumerate(zones):
        for what, total in (("living", sum(flows[i])), ("working", sum(row[i] for row in flows))):
            if total > MAX_ZONE_COMMUTERS:
                report.add(f"zone {zone.id}: the flows in {flows_file} have {total:,} commuters {what} there, more "
                           f"than the {MAX_ZONE_COMMUTERS:,} one zone can plausibly have; check its flows",
                           lines[zone.id])
    report.finish()


def _some_distance(flows, cost):
    return any(f > 0 and c > 0 for frow, crow in zip(flows, cost) for f, c in zip(frow, crow))


def _text_ok(text, column, limit, line, report):
    if len(text) > limit:
        report.add(f"{column} is too long: at most {limit} characters (this has {len(text):,})", line)
        return False
    return True


def _number(text, column, line, report, low, high, whole=False, unit=""):
    """``text`` as a finite number within ``[low, high]`` (an int when ``whole``), or None."""
    shown = text if len(text) <= 40 else text[:39] + "…"
    try:
        value = float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        report.add(f"{column} must be {kind} (got {shown!r})", line)
        return None
    units = f" {unit}" if unit else ""
    if value != value or value in (float("inf"), float("-inf")):
        report.add(f"{column} must be a finite number from {low:,} to {high:,}{units} (got {shown!r})", line)
        return None
    if not low <= value <= high:
        bound = f"at least {low:,}" if value < low else f"at most {high:,}"
        per = " for one pair of zones" if column == "flow" and value > high else ""
        hint = f": {PROJECTED_HINT}" if column in ("lat", "lon") and abs(value) > 1000 else ""
        report.add(f"{column} must be {bound}{units}{per} (got {shown!r}){hint}", line)
        return None
    if whole:
        if not value.is_integer():
            report.add(f"{column} must be a whole number of {unit} (got {shown!r})", line)
            return None
        return int(value)
    return value
