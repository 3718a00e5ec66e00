"""Zones, observed flows and travel costs: the data every scenario runs on.

The built-in dataset is the Cambridge sub-region in 2011 (``data/cambridge``, sources in its
``SOURCES.md``), with its districts' simplified boundaries. A tutor can bring their own city as
two CSV files (zones, flows) and, if they wish, boundary GeoJSON; ``from_csv`` (in ``city_files``)
checks them and names the file and line of every problem. Built-in and uploaded boundaries are
read by the same ``read_boundaries``: ``{"features": [{"zone_id", "polygons"}], "attribution"}``.
"""
import csv
import hashlib
import io
import json
import math
import re
from pathlib import Path

from .geojson import read_boundaries
from .problems import DatasetError

DATA_DIR = Path(__file__).parent / "data"
CAMBRIDGE = "cambridge-2011"
EARTH_RADIUS_KM = 6371.0088
MAX_ZONES = 500
BOUNDARIES_ATTRIBUTION = (
    "Contains Ordnance Survey, Office of National Statistics, National Records Scotland and LPS Intellectual "
    "Property data © Crown copyright and database right [2016]. Data licensed under the terms of the Open "
    "Government Licence. Ordnance Survey data covered by OS OpenData Licence. Any further sub-licences must "
    "retain this attribution.")


class Zone:
    """A district: where it is drawn and how many commuters live and work there."""

    def __init__(self, id, name, lat, lon, residents, jobs):
        self.id, self.name, self.lat, self.lon = id, name, lat, lon
        self.residents = residents  # residents commuting to a fixed workplace (the base year)
        self.jobs = jobs  # people working at a fixed workplace in the zone (the base year)


class Dataset:
    """Zones, an observed flow matrix ``flows[i][j]`` (live in i, work in j) and costs in km."""

    def __init__(self, id, name, zones, flows, cost_km, focus=None, plans=(), boundaries=None,
                 base_year=2011, attribution=""):
        self.id = id
        self.name = name
        self.zones = list(zones)
        self.flows = flows
        self.cost_km = cost_km
        self.focus = focus or self.zones[0].id
        self.plans = list(plans)
        self.boundaries = boundaries  # or a function that reads them (when first asked for)
        self.base_year = base_year
        self.attribution = attribution
        self.index = {z.id: i for i, z in enumerate(self.zones)}
        self.version = f"{id}:{_fingerprint(self)}"

    @property
    def boundaries(self):
        """``{"features": [{"zone_id", "polygons"}], "attribution"}`` or None. The models never need
        them, so the built-in ones are read only when a map asks (a boot in the browser does not pay)."""
        if callable(self._boundaries):
            self._boundaries = self._boundaries()
        return self._boundaries

    @boundaries.setter
    def boundaries(self, value):
        self._boundaries = value

    @property
    def size(self):
        return len(self.zones)

    def to_dict(self):
        """Plain data that ``from_dict`` turns back into the same dataset (same version)."""
        return {
            "id": self.id, "version": self.version, "name": self.name, "focus": self.focus, "base_year": self.base_year,
            "attribution": self.attribution,
            "zones": [[z.id, z.name, z.lat, z.lon, z.residents, z.jobs] for z in self.zones],
            "flows": self.flows, "cost_km": self.cost_km, "plans": self.plans,
            "boundaries": self.boundaries,
        }

    @classmethod
    def from_dict(cls, data):
        zones = [Zone(*row) for row in data["zones"]]
        return cls(data["id"], data["name"], zones, data["flows"], data["cost_km"], data.get("focus"),
                   data.get("plans", ()), data.get("boundaries"), data.get("base_year", 2011),
                   data.get("attribution", ""))


def _fingerprint(dataset):
    """A hash of the content. Floats are rounded to 9 significant digits first, because the
    browser's Python computes the last bits of sin, exp... differently from the server's."""
    def r(x):
        return float(f"{x:.9g}") if isinstance(x, float) else x

    text = json.dumps([[(z.id, z.name, r(z.lat), r(z.lon), r(z.residents), r(z.jobs)) for z in dataset.zones],
                       [[r(f) for f in row] for row in dataset.flows], [[r(c) for c in row] for row in dataset.cost_km],
                       dataset.focus, dataset.plans, dataset.base_year], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def centroid_costs(zones):
    """Straight-line km between centroids; within a zone, half the distance to its nearest neighbour."""
    n = len(zones)
    cost = [[haversine_km(a.lat, a.lon, b.lat, b.lon) for b in zones] for a in zones]
    for i in range(n):
        others = [cost[i][j] for j in range(n) if j != i]
        cost[i][i] = (min(others) / 2) if others else 1.0
    return cost


_cache = {}


def cambridge():
    """The built-in Cambridge sub-region dataset (read once per process)."""
    if CAMBRIDGE not in _cache:
        _cache[CAMBRIDGE] = _load_cambridge(DATA_DIR / "cambridge")
    return _cache[CAMBRIDGE]


def _load_cambridge(folder):
    rows = list(csv.DictReader(io.StringIO((folder / "zones.csv").read_text(encoding="utf-8"))))
    zones = [
        Zone(r["zone_id"], r["lad_name_2011"], float(r["pw_centroid_lat"]), float(r["pw_centroid_lon"]),
             int(r["residents_commuting_to_fixed_uk_workplace_2011"]), int(r["workers_at_fixed_workplace_in_zone_2011"]))
        for r in rows
    ]
    index = {z.id: i for i, z in enumerate(zones)}
    n = len(zones)
    flows = [[0] * n for _ in range(n)]
    cost = [[0.0] * n for _ in range(n)]
    for r in csv.DictReader(io.StringIO((folder / "flows.csv").read_text(encoding="utf-8"))):
        i, j = index.get(r["origin_zone"]), index.get(r["dest_zone"])
        if i is None or j is None:
            continue  # flows to and from the rest of the UK are outside the model
        flows[i][j] = int(r["flow_all_modes_2011"])
        cost[i][j] = float(r["mean_km_origin_msoas_to_dest_pw_centroid"])
    plans = []
    for r in csv.DictReader(io.StringIO((folder / "plans.csv").read_text(encoding="utf-8"))):
        plans.append({
            "zones": r["zones"].split(";"), "measure": r["measure"], "start": int(r["start"]),
            "end": int(r["end"]), "value": float(r["value"]), "split": r["split"] or None,
            "status": r["status"], "source": r["source"], "url": r["source_url"],
        })
    attribution = ("2011 Census travel to work (WU03UK), © Crown copyright, Office for National Statistics, "
                   "Open Government Licence v3.0; plan figures from the local plans named in sims/data/cambridge/plans.csv.")
    return Dataset(CAMBRIDGE, "Cambridge sub-region, 2011 Census", zones, flows, cost, focus="CAM",
                   plans=plans, boundaries=lambda: _read_cambridge_boundaries(folder, index), attribution=attribution)


def _read_cambridge_boundaries(folder, index):
    """The 15 districts' simplified 2011 boundaries, checked as a tutor's would be."""
    problems = []
    text = (folder / "boundaries.geojson").read_text(encoding="utf-8")
    boundaries = read_boundaries(text, index, "sims/data/cambridge/boundaries.geojson", problems)
    if problems:
        raise DatasetError(problems)
    return dict(boundaries, attribution=BOUNDARIES_ATTRIBUTION)


# -- bring your own city -----------------------------------------------------------------

def from_csv(zones_text, flows_text, **options):
    """A dataset from a tutor's CSV files (and optional GeoJSON): see ``city_files.from_csv``."""
    from .city_files import from_csv as read  # city_files builds on this module

    return read(zones_text, flows_text, **options)


SYNTHETIC = re.compile(r"synthetic-(\d{1,6})")


def synthetic_size(spec):
    """``N`` of a made-up city's key ``"synthetic-N"``; None for any other value."""
    match = SYNTHETIC.fullmatch(spec) if isinstance(spec, str) else None
    return int(match.group(1)) if match else None


def synthetic_name(n):
    return f"Synthetic city of {n} zones (made up, for testing)"


def synthetic(n=300, seed=1):
    """A made-up city of ``n`` zones (for benchmarks and tests): a dense core and outer towns."""
    import random

    rng = random.Random(seed)
    zones = []
    for k in range(n):
        radius = rng.random() ** 1.5 * 0.6
        angle = rng.random() * 2 * math.pi
        size = int(2000 + 40000 * math.exp(-radius * 6) * rng.random())
        zones.append(Zone(f"Z{k:03d}", f"Zone {k + 1}", 52.2 + radius * math.sin(angle),
                          0.12 + radius * 1.6 * math.cos(angle), size, int(size * (0.6 + 1.0 * math.exp(-radius * 8)))))
    for zone in zones:
        zone.lat, zone.lon = round(zone.lat, 5), round(zone.lon, 5)
    cost = [[round(c, 3) for c in row] for row in centroid_costs(zones)]
    flows = [[int(z.residents * zones[j].jobs * math.exp(-0.12 * cost[i][j]) / 10 ** 5 * rng.uniform(0.5, 1.5))
              for j in range(n)] for i, z in enumerate(zones)]
    for i, zone in enumerate(zones):
        zone.residents = sum(flows[i])
        zone.jobs = sum(row[i] for row in flows)
    return Dataset(f"synthetic-{n}", synthetic_name(n), zones, flows, cost,
                   focus=zones[0].id, attribution="Generated at random; not a real place.")
