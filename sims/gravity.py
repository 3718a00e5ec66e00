"""The doubly-constrained gravity (spatial interaction) model, and its calibration.

    T[i][j] = A[i] * O[i] * B[j] * D[j] * exp(-beta * c[i][j])

``O[i]`` commuters live in zone i, ``D[j]`` jobs are in zone j, ``c[i][j]`` is the travel cost
(km). The balancing factors ``A`` and ``B`` are found by Furness iteration so that every row
sums to ``O`` and every column to ``D``. ``beta`` (per km) says how strongly distance deters a
commute; ``calibrate`` picks the beta whose mean trip length matches the observed one
(Hyman's method). Written for speed in plain Python: rows are summed with ``math.sumprod``
and a new solve starts from the previous balancing factors, which saves sweeps (about a
tenth to a half of them, depending on how far the margins moved).
"""
import math
from operator import mul

try:
    from math import sumprod as _dot
except ImportError:  # Python < 3.12
    def _dot(a, b):
        return sum(map(mul, a, b))

TOLERANCE = 1e-9
MAX_SWEEPS = 500


def deterrence(cost, beta):
    """``exp(-beta * c)`` for every pair, as rows and as columns (both are needed)."""
    rows = [[math.exp(-beta * c) for c in row] for row in cost]
    return rows, [list(col) for col in zip(*rows)]


class Solution:
    """Flows and how they were reached (sweeps is the number of Furness iterations)."""

    def __init__(self, flows, a, b, sweeps):
        self.flows, self.a, self.b, self.sweeps = flows, a, b, sweeps


def balance(origins, destinations, decay, start_b=None, tolerance=TOLERANCE):
    """Solve for flows meeting both margins; ``decay`` is the pair from ``deterrence``.

    ``origins`` and ``destinations`` must have the same total. Stops when every column total
    is within ``tolerance`` (relative) of its target.
    """
    rows, cols = decay
    n, m = len(origins), len(destinations)
    b = list(start_b) if start_b and len(start_b) == m else [1.0] * m
    a = [1.0] * n
    sweeps = 0
    for sweeps in range(1, MAX_SWEEPS + 1):  # noqa: B007 (the count is returned)
        bd = [b[j] * destinations[j] for j in range(m)]
        a = [1.0 / s if (s := _dot(bd, rows[i])) > 0 else 0.0 for i in range(n)]
        ao = [a[i] * origins[i] for i in range(n)]
        col_sums = [_dot(ao, cols[j]) for j in range(m)]
        worst = max((abs(col_sums[j] * b[j] - 1.0) for j in range(m) if destinations[j] > 0), default=0.0)
        b = [1.0 / s if s > 0 else 0.0 for s in col_sums]
        if worst < tolerance:
            break
    bd = [b[j] * destinations[j] for j in range(m)]
    a = [1.0 / s if (s := _dot(bd, rows[i])) > 0 else 0.0 for i in range(n)]
    flows = [[a[i] * origins[i] * bd[j] * rows[i][j] for j in range(m)] for i in range(n)]
    return Solution(flows, a, b, sweeps)


def mean_cost(flows, cost):
    total = sum(map(sum, flows))
    return sum(_dot(f, c) for f, c in zip(flows, cost)) / total if total else 0.0


def calibrate(observed, cost, tolerance=1e-6, max_steps=40):
    """The beta whose modelled mean trip cost equals the observed one (Hyman 1969).

    Returns ``(beta, solution)``. Starts at ``1 / mean cost`` and refines by the secant rule.
    """
    origins = [sum(row) for row in observed]
    destinations = [sum(col) for col in zip(*observed)]
    target = mean_cost(observed, cost)
    beta_prev, beta = None, 1.0 / target
    cost_prev = None
    solution = None
    for _ in range(max_steps):
        solution = balance(origins, destinations, deterrence(cost, beta),
                           start_b=solution.b if solution else None)
        modelled = mean_cost(solution.flows, cost)
        if abs(modelled - target) / target < tolerance:
            break
        if cost_prev is None or modelled == cost_prev:
            beta_next = beta * modelled / target
        else:
            beta_next = beta + (target - modelled) * (beta - beta_prev) / (modelled - cost_prev)
        beta_prev, cost_prev, beta = beta, modelled, max(beta_next, 1e-6)
    return beta, solution


BANDS_KM = (0, 5, 10, 20, 40)


def band_masks(cost, bands=BANDS_KM):
    """For each distance band, a 0/1 matrix marking the zone pairs whose cost falls in it."""
    masks = []
    for k, low in enumerate(bands):
        high = bands[k + 1] if k + 1 < len(bands) else float("inf")
        masks.append([[1.0 if low <= c < high else 0.0 for c in row] for row in cost])
    return masks


def trip_length_distribution(flows, cost, bands=BANDS_KM, masks=None):
    """Share of trips in each distance band (``[0, 5)``, ``[5, 10)``, ... ``40+`` km).

    Pass ``masks`` (from ``band_masks``) when calling repeatedly with the same costs.
    """
    masks = masks or band_masks(cost, bands)
    totals = [sum(_dot(f, m) for f, m in zip(flows, mask)) for mask in masks]
    grand = sum(totals) or 1.0
    return [t / grand for t in totals]


def band_labels(bands=BANDS_KM):
    labels = [f"{lo}–{hi} km" for lo, hi in zip(bands, bands[1:])]
    return labels + [f"{bands[-1]}+ km"]
