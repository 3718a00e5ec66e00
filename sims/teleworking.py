"""Scenario (b): impacts of teleworking on commuting, against the same year's baseline.

For every home-to-work flow of the baseline year (``commuting.baseline``), a share of the jobs
can be done from home, and the people in them work from home some days a week::

    trips on an average working day = flow × (1 − teleworkable share × days at home / 5)

Car trips and car-km apply an assumed car share to these all-mode flows (the Census tables
by mode and origin–destination were not available; 73% of in-commuters to Cambridge
travelled by car or van in 2011).
"""
from . import commuting
from . import dataset as datasets
from . import results as out
from .params import Param, resolve

NAME = "teleworking"
TITLE = "Impacts of teleworking"
VERSION = "1.0"
SUMMARY = "How far working from home could cut commuting trips and car travel, against the same year without it."

TELEWORK = "Teleworking"
PARAMS = [
    Param("teleworkable_share", "Jobs that can be done from home", 37, unit="%", minimum=0, maximum=100, step=1,
          group=TELEWORK, help="Dingel and Neiman (2020) found 37% of US jobs could be done entirely at home; "
                               "ONS found 47% of UK workers did some work at home in April 2020."),
    Param("telework_days", "Days a week those workers stay home", 2, unit="days", minimum=0, maximum=5, step=0.5,
          group=TELEWORK, help="Out of a five-day working week."),
    Param("car_share", "Commuters who travel by car", 73, unit="%", minimum=0, maximum=100, step=1, group=TELEWORK,
          help="73% of in-commuters to Cambridge travelled by car or van in 2011 (ONS). Applied to every flow."),
    *commuting.GROWTH_PARAMS,
]
OUTPUTS = [
    ("trips", "Commuting trips to work per working day", "trips"),
    ("car_trips", "Car trips to work per working day", "trips"),
    ("car_km", "Car-km per working day (return trips)", "km"),
    ("reduction_pct", "Reduction in commuting trips", "%"),
]


def describe():
    return {"name": NAME, "title": TITLE, "summary": SUMMARY, "version": VERSION,
            "params": [p.describe() for p in PARAMS], "outputs": [list(o) for o in OUTPUTS]}


def remaining_share(params):
    """Share of baseline trips still made on an average working day."""
    return 1.0 - (params["teleworkable_share"] / 100.0) * (params["telework_days"] / 5.0)


def run(params=None, data=None, model_version=VERSION):
    data = data or datasets.cambridge()
    params = resolve(PARAMS, params)
    base = commuting.baseline(params, data)
    keep = remaining_share(params)
    car = params["car_share"] / 100.0
    year = params["year"]
    zones = data.zones
    baseline_in = base.inflow
    scenario_in = [v * keep for v in baseline_in]
    reduction_in = [b - s for b, s in zip(baseline_in, scenario_in)]
    baseline_km = [2 * km * car for km in base.km_to]
    total = sum(baseline_in)
    result = out.envelope(NAME, TITLE, data, params, model_version)
    result["summary"] = [
        out.item("trips", "Commuting trips to work per working day", total * keep, "trips", total, 0),
        out.item("car_trips", "Car trips to work per working day", total * keep * car, "trips", total * car, 0),
        out.item("car_km", "Car-km per working day (return trips)", sum(baseline_km) * keep, "km", sum(baseline_km), 0),
        out.item("reduction_pct", "Reduction in commuting trips", 100 * (1 - keep), "%", 0.0, 1),
        out.item("focus_reduction", f"Fewer trips into {zones[data.index[data.focus]].name} per day",
                 reduction_in[data.index[data.focus]], "trips", 0.0, 0),
    ]
    result["zones"] = out.zones_block(data)
    result["map"] = out.map_layer(f"Fewer commuting trips into each district per working day, {year}", "trips",
                                  reduction_in, digits=0)
    result["flows"] = out.flow_lines(data, base.top_pairs(), "Largest reductions between districts", "trips",
                                     scale=1 - keep, digits=0)
    names = [z.name for z in zones]
    result["charts"] = [
        out.chart("trips", f"Commuting trips into each district per working day, {year}", "trips", names,
                  [(f"{year} baseline", baseline_in), ("With teleworking", scenario_in)], digits=0),
        out.chart("car_km", f"Car-km of commutes into each district per working day, {year}", "km", names,
                  [(f"{year} baseline", baseline_km), ("With teleworking", [v * keep for v in baseline_km])], digits=0),
    ]
    rows = [[z.id, z.name, baseline_in[j], scenario_in[j], reduction_in[j], baseline_km[j], baseline_km[j] * keep]
            for j, z in enumerate(zones)]
    result["table"] = out.table([
        ("zone_id", "Zone", "", None), ("name", "District", "", None),
        ("baseline_trips", f"Trips in, {year} baseline", "trips per day", 0),
        ("scenario_trips", "Trips in, with teleworking", "trips per day", 0),
        ("reduction", "Fewer trips in", "trips per day", 0),
        ("baseline_car_km", f"Car-km, {year} baseline", "km per day", 0),
        ("scenario_car_km", "Car-km, with teleworking", "km per day", 0),
    ], rows)
    result["notes"] = [
        f"Baseline: the commuting model for {year} with the growth you set. Teleworking leaves "
        f"{100 * keep:.1f}% of trips on an average working day, the same share on every flow.",
        f"Car figures assume {params['car_share']:.0f}% of commuters drive, on every flow; the data do not "
        "split flows by mode.",
    ]
    return result
