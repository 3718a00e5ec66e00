"""Homes and jobs per zone in a future year: plan figures where there are any, a rate elsewhere.

The course deck's 2051 baseline came from the CPIER report, whose district figures are not
public. This module builds an openly stated substitute: each zone's working residents and jobs
grow year by year from the base year. In a year that a plan covers (e.g. the draft Greater
Cambridge Local Plan's 73,300 jobs over 2024–2045) the plan's yearly amount is added; in any
other year the zone grows by the background rate the user sets. When two plans cover the same
zone, measure and year, the more recent plan (later start) is used.
"""


def plan_per_year(plans, dataset, measure):
    """``{zone index: {year: amount added}}`` for one measure (``homes`` or ``jobs``)."""
    chosen = {}
    for plan in sorted((p for p in plans if p["measure"] == measure), key=lambda p: p["start"]):
        zones = [z for z in plan["zones"] if z in dataset.index]
        if not zones:
            continue
        weights = _split_weights(plan, zones, dataset)
        per_year = plan["value"] / (plan["end"] - plan["start"])
        for zone_id, weight in zip(zones, weights):
            years = chosen.setdefault(dataset.index[zone_id], {})
            for year in range(plan["start"] + 1, plan["end"] + 1):
                years[year] = per_year * weight  # later plans overwrite earlier ones
    return chosen


def _split_weights(plan, zones, dataset):
    """How a plan for several zones is shared: by base-year jobs or residents."""
    if len(zones) == 1:
        return [1.0]
    key = "jobs" if plan.get("split") == "jobs" else "residents"
    sizes = [getattr(dataset.zones[dataset.index[z]], key) for z in zones]
    total = sum(sizes) or 1
    return [s / total for s in sizes]


def grow(start_values, year, base_year, rate_pct, additions=None):
    """Values in ``year``: yearly plan ``additions[i][year]`` where given, else ``* (1 + rate)``."""
    additions = additions or {}
    rate = rate_pct / 100.0
    grown = []
    for i, value in enumerate(start_values):
        plan = additions.get(i, {})
        for y in range(base_year + 1, year + 1):
            value = value + plan[y] if y in plan else value * (1 + rate)
        grown.append(value)
    return grown


def future_margins(dataset, year, jobs_rate, homes_rate, workers_per_home, use_plans=True):
    """Commuters living in and jobs located in each zone in ``year``, as model margins.

    Jobs lead: working residents are scaled so both margins have the same total (the model is
    closed to the rest of the country, as the base-year flows are).
    """
    base_o = [sum(row) for row in dataset.flows]
    base_d = [sum(col) for col in zip(*dataset.flows)]
    jobs_now = [z.jobs or base_d[i] for i, z in enumerate(dataset.zones)]
    residents_now = [z.residents or base_o[i] for i, z in enumerate(dataset.zones)]
    jobs_plan = plan_per_year(dataset.plans, dataset, "jobs") if use_plans else {}
    homes_plan = plan_per_year(dataset.plans, dataset, "homes") if use_plans else {}
    residents_plan = {i: {y: homes * workers_per_home for y, homes in years.items()}
                      for i, years in homes_plan.items()}
    jobs_then = grow(jobs_now, year, dataset.base_year, jobs_rate, jobs_plan)
    residents_then = grow(residents_now, year, dataset.base_year, homes_rate, residents_plan)
    destinations = [base_d[i] * jobs_then[i] / jobs_now[i] if jobs_now[i] else 0.0 for i in range(dataset.size)]
    origins = [base_o[i] * residents_then[i] / residents_now[i] if residents_now[i] else 0.0
               for i in range(dataset.size)]
    scale = sum(destinations) / sum(origins) if sum(origins) else 0.0
    return [o * scale for o in origins], destinations
