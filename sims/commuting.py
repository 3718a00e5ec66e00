"""Scenario (a): understanding commuting demand.

A doubly-constrained gravity model (``gravity.py``) calibrated to the 2011 Census flows, then
run for a future year whose homes and jobs come from ``growth.py``. The other two scenarios
start from this model's flows for the chosen year: its ``baseline``.
"""
import heapq
from itertools import chain
from operator import mul

from . import dataset as datasets
from . import gravity, growth
from . import results as out
from .params import Param, resolve

NAME = "commuting"
TITLE = "Commuting demand"
VERSION = "1.0"
SUMMARY = "Where people live and work, and how far they commute, in 2011 and in a future year."

GROWTH = "Growth to the chosen year"
GROWTH_PARAMS = [
    Param("year", "Year", 2051, kind="integer", minimum=2011, maximum=2051, step=1, group=GROWTH,
          help="2011 reproduces the Census. Later years add the plans' homes and jobs and the background growth."),
    Param("use_plans", "Apply the local plans' homes and jobs", True, kind="boolean", group=GROWTH,
          help="South Cambridgeshire Local Plan 2018, draft Greater Cambridge Local Plan 2024–2045 and "
               "East Cambridgeshire's 2016 housing need study, in the years they cover."),
    Param("jobs_growth", "Background growth in jobs", 1.0, unit="% a year", minimum=0, maximum=4, step=0.1,
          group=GROWTH, help="Used in every year and district no plan covers. England's employment grew about "
                             "1.3% a year in 1995–2017; the CPIER review saw up to 3.3% a year locally."),
    Param("homes_growth", "Background growth in working residents", 1.0, unit="% a year", minimum=0, maximum=4,
          step=0.1, group=GROWTH, help="Used in every year and district no plan covers."),
    Param("workers_per_home", "Working commuters per new home", 1.1, minimum=0.5, maximum=2.0, step=0.05,
          group=GROWTH, help="Turns planned homes into commuters. Greater Cambridge had about 140,000 working "
                             "residents in 2011 and about 124,000 homes in 2021: roughly 1.1 per home."),
    Param("distance_sensitivity", "Sensitivity to distance", 100, unit="%", minimum=50, maximum=200, step=5,
          group="Behaviour", help="100% is the value calibrated to 2011. Higher: people take jobs nearer home "
                                  "(e.g. dearer fuel); lower: they travel further (e.g. faster transport)."),
]
PARAMS = GROWTH_PARAMS
OUTPUTS = [
    ("commuters", "Commuters (trips to work per day)", "people"),
    ("mean_km", "Mean commuting distance", "km"),
    ("commuter_km", "Distance commuted per day (return trips)", "km"),
    ("focus_in", "Commuters into the focus district from elsewhere", "people"),
]

_CACHE_SIZE = 8
_calibrations = {}
_decays = {}
_baselines = {}
_warm = {}
_bands = {}


def _remember(cache, key, make):
    if key not in cache:
        if len(cache) >= _CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = make()
    return cache[key]


def distance_bands(data):
    """Band masks and the observed and 2011-fitted trip-length distributions (once per data version)."""
    def make():
        masks = gravity.band_masks(data.cost_km)
        _, fitted = calibration(data)
        return (masks, gravity.trip_length_distribution(data.flows, data.cost_km, masks=masks),
                gravity.trip_length_distribution(fitted.flows, data.cost_km, masks=masks))
    return _remember(_bands, data.version, make)


def calibration(data):
    """``(beta, 2011 solution)`` for a dataset, computed once per data version."""
    return _remember(_calibrations, data.version, lambda: gravity.calibrate(data.flows, data.cost_km))


def baseline(params, data):
    """Modelled flows for the year and growth in ``params`` (cached: only growth inputs matter)."""
    key = (data.version, *(params[p.name] for p in GROWTH_PARAMS))
    return _remember(_baselines, key, lambda: _solve(params, data))


class Baseline:
    """A solved year: flows and margins, with sums the other scenarios reuse (computed once)."""

    def __init__(self, flows, origins, destinations, beta, sweeps, cost):
        self.flows, self.origins, self.destinations, self.beta, self.sweeps = flows, origins, destinations, beta, sweeps
        self.cost = cost
        self._memo = {}

    def _once(self, key, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @property
    def inflow(self):
        """People commuting into each zone (column sums)."""
        return self._once("inflow", lambda: [sum(col) for col in zip(*self.flows)])

    @property
    def km_from(self):
        """One-way person-km of the commutes of each zone's residents."""
        return self._once("km_from", lambda: [gravity._dot(f, c) for f, c in zip(self.flows, self.cost)])

    @property
    def km_to(self):
        """One-way person-km of the commutes into each zone."""
        return self._once("km_to", lambda: [gravity._dot(f, c) for f, c in zip(zip(*self.flows), zip(*self.cost))])

    def top_pairs(self, weighted_by_cost=False, only_to=None, limit=60):
        """The largest flows (or person-km) between different zones: ``[(value, i, j), ...]``."""
        def make():
            n = len(self.flows)
            if only_to is not None:
                column = [(self.flows[i][only_to] * (self.cost[i][only_to] if weighted_by_cost else 1.0), i, only_to)
                          for i in range(n) if i != only_to]
                return heapq.nlargest(limit, column)
            flat = list(chain.from_iterable(self.flows))
            if weighted_by_cost:
                flat = list(map(mul, flat, chain.from_iterable(self.cost)))
            for i in range(n):
                flat[i * n + i] = -1.0  # leave out people working in their own zone
            best = heapq.nlargest(limit, range(len(flat)), key=flat.__getitem__)
            return [(flat[k], k // n, k % n) for k in best if flat[k] > 0]
        return self._once(("top", weighted_by_cost, only_to, limit), make)


def _solve(params, data):
    beta0, _ = calibration(data)
    beta = beta0 * params["distance_sensitivity"] / 100.0
    origins, destinations = growth.future_margins(
        data, params["year"], params["jobs_growth"], params["homes_growth"], params["workers_per_home"],
        params["use_plans"])
    decay = _remember(_decays, (data.version, beta), lambda: gravity.deterrence(data.cost_km, beta))
    solution = gravity.balance(origins, destinations, decay, start_b=_warm.get(data.version))
    _warm.pop(data.version, None)
    _warm[data.version] = solution.b
    while len(_warm) > _CACHE_SIZE:
        _warm.pop(next(iter(_warm)))
    return Baseline(solution.flows, origins, destinations, beta, solution.sweeps, data.cost_km)


def describe():
    return {"name": NAME, "title": TITLE, "summary": SUMMARY, "version": VERSION,
            "params": [p.describe() for p in PARAMS], "outputs": [list(o) for o in OUTPUTS]}


def run(params=None, data=None, model_version=VERSION):
    """Commuting flows for the chosen year against the 2011 Census."""
    data = data or datasets.cambridge()
    params = resolve(PARAMS, params)
    base = baseline(params, data)
    beta0, _ = calibration(data)
    masks, observed_tld, fitted_tld = distance_bands(data)
    flows, cost, zones = base.flows, data.cost_km, data.zones
    observed = data.flows
    year = params["year"]
    focus = data.index[data.focus]
    n = data.size
    total = sum(base.destinations)
    observed_total = sum(map(sum, observed))
    result = out.envelope(NAME, TITLE, data, params, model_version)
    km = sum(base.km_from)
    observed_km = sum(gravity._dot(f, c) for f, c in zip(observed, cost))
    focus_in = sum(flows[i][focus] for i in range(n) if i != focus)
    observed_focus_in = sum(observed[i][focus] for i in range(n) if i != focus)
    result["summary"] = [
        out.item("commuters", f"Commuters in {year}", total, "people", observed_total, 0),
        out.item("mean_km", "Mean commuting distance", km / total, "km", observed_km / observed_total, 2),
        out.item("commuter_km", "Distance commuted per day (return trips)", 2 * km, "km", 2 * observed_km, 0),
        out.item("focus_in", f"Commuters into {zones[focus].name} from elsewhere", focus_in, "people",
                 observed_focus_in, 0),
        out.item("beta", "Distance decay β (per km)", base.beta, "per km", beta0, 4),
    ]
    result["zones"] = out.zones_block(data)
    jobs_then = base.destinations
    result["map"] = out.map_layer(f"Commuters working in each district, {year}", "people", jobs_then, digits=0)
    result["flows"] = out.flow_lines(data, base.top_pairs(), f"Largest commuting flows between districts, {year}",
                                    "people", digits=0)
    names = [z.name for z in zones]
    jobs_2011 = [sum(col) for col in zip(*observed)]
    result["charts"] = [
        out.chart("jobs", "Commuters working in each district", "people", names,
                  [("2011 Census", jobs_2011), (f"{year} model", jobs_then)], digits=0),
        out.chart("distance", "How far people commute (share of commuters)", "%", gravity.band_labels(),
                  [("2011 Census", [100 * s for s in observed_tld]),
                   ("2011 model fit", [100 * s for s in fitted_tld]),
                   (f"{year} model", [100 * s for s in gravity.trip_length_distribution(flows, cost, masks=masks)])]),
    ]
    rows = []
    for i, zone in enumerate(zones):
        living = base.origins[i]
        mean = base.km_from[i] / living if living else 0.0
        rows.append([zone.id, zone.name, sum(observed[i]), jobs_2011[i], living, jobs_then[i],
                     jobs_then[i] - flows[i][i], living - flows[i][i], mean])
    result["table"] = out.table([
        ("zone_id", "Zone", "", None), ("name", "District", "", None),
        ("residents_2011", "Commuters living here, 2011", "people", 0),
        ("jobs_2011", "Commuters working here, 2011", "people", 0),
        ("residents", f"Commuters living here, {year}", "people", 0),
        ("jobs", f"Commuters working here, {year}", "people", 0),
        ("in_commuters", f"In-commuters, {year}", "people", 0),
        ("out_commuters", f"Out-commuters, {year}", "people", 0),
        ("mean_km", f"Mean distance of residents' commutes, {year}", "km", 2),
    ], rows)
    result["notes"] = [
        f"Doubly-constrained gravity model, exp(-β × distance), β calibrated to the 2011 Census "
        f"({beta0:.4f} per km) so the mean commute matches; {base.sweeps} balancing sweeps.",
        "The future-year baseline is built here from the local plans' figures and the background growth rates "
        "you set: the CPIER projections behind the course deck's 2051 baseline are not public.",
        "All modes of travel; flows to and from places outside these districts are left out.",
    ]
    return result
