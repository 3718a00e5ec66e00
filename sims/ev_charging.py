"""Scenario (c): electricity for charging commuters' electric cars, at home or at work.

As in the course deck's 2051 scenario, the commuting cars (into the focus district, or all of
them) are assumed electric. For each home-to-work flow of the baseline year::

    energy per working day (kWh) = flow × car share × EV share × 2 × distance × kWh per km

A share of that energy is charged at home (counted in the district where the driver lives),
the rest at the workplace (the district of the job). Total energy does not depend on the split;
only where it is needed moves. Yearly energy multiplies by the working days per year.
"""
from . import commuting
from . import dataset as datasets
from . import results as out
from .params import Param, resolve

NAME = "ev_charging"
TITLE = "EV charging demand"
VERSION = "1.0"
SUMMARY = "Electricity needed to charge commuters' electric cars, district by district, at home or at work."
LEGEND_MWH = [0, 10, 30, 50, 70]  # the course deck's map legend, MWh per day
MAP_BREAKS = LEGEND_MWH  # fixed classes: every run (and every table on the projector) shares them

EV = "Electric cars"
PARAMS = [
    Param("home_share", "Charging done at home", 100, unit="%", minimum=0, maximum=100, step=5, group=EV,
          help="0% = everyone charges at work (the deck's first map); 100% = everyone charges at home (the second)."),
    Param("scope", "Which commutes", "focus", kind="choice", group=EV,
          choices=[("focus", "Commutes into the focus district (the deck's scenario)"), ("all", "All commutes in the region")],
          help="The course deck assumes every commuting car into Cambridge is electric."),
    Param("car_share", "Commuters who travel by car", 73, unit="%", minimum=0, maximum=100, step=1, group=EV,
          help="73% of in-commuters to Cambridge travelled by car or van in 2011 (ONS)."),
    Param("ev_share", "Of those cars, electric", 100, unit="%", minimum=0, maximum=100, step=5, group=EV,
          help="The deck's scenario assumes all of them by 2051."),
    Param("kwh_per_km", "Energy use", 0.21, unit="kWh/km", minimum=0.1, maximum=0.4, step=0.01, group=EV,
          help="Real-world average of 342 electric car models in Europe: 21 ± 4 kWh per 100 km (Sustainability, 2024)."),
    Param("working_days", "Working days a year", 250, unit="days", kind="integer", minimum=150, maximum=300, step=5,
          group=EV, help="250, as in Wan and Wang's Cambridge model code."),
    *commuting.GROWTH_PARAMS,
]
OUTPUTS = [
    ("daily_mwh", "Charging energy per working day", "MWh"),
    ("yearly_mwh", "Charging energy per year", "MWh"),
    ("home_mwh", "Charged at home per day", "MWh"),
    ("work_mwh", "Charged at work per day", "MWh"),
]


def describe():
    return {"name": NAME, "title": TITLE, "summary": SUMMARY, "version": VERSION,
            "params": [p.describe() for p in PARAMS], "outputs": [list(o) for o in OUTPUTS]}


def energy_per_km(params):
    """MWh per one-way person-km of commuting (car share × EV share × kWh per km)."""
    return params["car_share"] / 100 * params["ev_share"] / 100 * params["kwh_per_km"] / 1000


def energy_by_zone(params, data, base):
    """``(at_home, at_work, home_all, work_all)``: MWh per working day for each zone.

    ``home_all``/``work_all`` are the two extremes (everything charged at home, or at work);
    ``at_home``/``at_work`` split them by the home share.
    """
    n = data.size
    focus = data.index[data.focus]
    per_trip_km = 2 * energy_per_km(params)  # a commute is a return trip
    if params["scope"] == "all":
        home_all = [km * per_trip_km for km in base.km_from]
        work_all = [km * per_trip_km for km in base.km_to]
    else:  # only commutes whose workplace is in the focus zone
        home_all = [base.flows[i][focus] * data.cost_km[i][focus] * per_trip_km for i in range(n)]
        work_all = [sum(home_all) if j == focus else 0.0 for j in range(n)]
    home = params["home_share"] / 100.0
    return [v * home for v in home_all], [v * (1 - home) for v in work_all], home_all, work_all


def run(params=None, data=None, model_version=VERSION):
    data = data or datasets.cambridge()
    params = resolve(PARAMS, params)
    base = commuting.baseline(params, data)
    zones, year = data.zones, params["year"]
    focus = data.index[data.focus]
    per_trip_km = 2 * energy_per_km(params)
    at_home, at_work, home_all, work_all = energy_by_zone(params, data, base)
    daily = [h + w for h, w in zip(at_home, at_work)]
    days = params["working_days"]
    total = sum(daily)
    focus_name = zones[data.index[data.focus]].name
    where = f"commutes into {focus_name}" if params["scope"] == "focus" else "all commutes"
    result = out.envelope(NAME, TITLE, data, params, model_version)
    result["summary"] = [
        out.item("daily_mwh", "Charging energy per working day", total, "MWh", None, 1),
        out.item("yearly_mwh", "Charging energy per year", total * days, "MWh", None, 0),
        out.item("home_mwh", "Charged at home per day", sum(at_home), "MWh", None, 1),
        out.item("work_mwh", "Charged at work per day", sum(at_work), "MWh", None, 1),
        out.item("peak_zone_mwh", "Most in any one district per day", max(daily, default=0), "MWh", None, 1),
    ]
    result["zones"] = out.zones_block(data)
    result["map"] = out.map_layer(f"Charging energy per working day, {year} ({where})", "MWh", daily,
                                  breaks=MAP_BREAKS, digits=1)
    pairs = base.top_pairs(weighted_by_cost=True, only_to=None if params["scope"] == "all" else focus)
    result["flows"] = out.flow_lines(data, pairs, "Largest flows of charging energy (home to work)", "MWh per day",
                                     scale=per_trip_km, digits=2)
    names = [z.name for z in zones]
    result["charts"] = [
        out.chart("where", f"Where the charging happens, {year}", "MWh per day", names,
                  [("At home", at_home), ("At work", at_work)], digits=1),
        out.chart("split", "Home versus workplace charging, per district", "MWh per day", names,
                  [("All at home", home_all), ("All at work", work_all)], digits=1),
    ]
    rows = [[z.id, z.name, at_home[k], at_work[k], daily[k], daily[k] * days, result["map"]["classes"][
        result["map"]["class_index"][k]]["label"]] for k, z in enumerate(zones)]
    result["table"] = out.table([
        ("zone_id", "Zone", "", None), ("name", "District", "", None),
        ("home_mwh", "Charged at home", "MWh per day", 2), ("work_mwh", "Charged at work", "MWh per day", 2),
        ("daily_mwh", "Total", "MWh per day", 2), ("yearly_mwh", "Total", "MWh per year", 0),
        ("class", "Map class", "", None),
    ], rows)
    result["notes"] = [
        f"Baseline flows: the commuting model for {year}. Energy counts the return trip of each car commute in "
        f"scope ({where}).",
        f"Car figures assume {params['car_share']:.0f}% of commuters drive, on every flow, one person per car; "
        "passengers are not separated in the data, so this is an upper estimate.",
    ]
    return result
