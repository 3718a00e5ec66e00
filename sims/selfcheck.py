"""A tiny, deterministic calculation used to prove this package runs in a given Python.

The browser smoke page runs ``selfcheck()`` inside Pyodide and shows the result beside the
same figures computed on the server, so a tutor can see that both Pythons agree.
"""
import math
import sys


def balanced_flows(origins, destinations, costs, beta, iterations=50):
    """Doubly-constrained gravity flows by Furness balancing (a 3-zone teaching example).

    ``origins[i]`` trips start in zone i, ``destinations[j]`` end in zone j, and
    ``costs[i][j]`` is the travel cost; flows fall off as ``exp(-beta * cost)``.
    """
    n, m = len(origins), len(destinations)
    a, b = [1.0] * n, [1.0] * m
    decay = [[math.exp(-beta * costs[i][j]) for j in range(m)] for i in range(n)]
    for _ in range(iterations):
        a = [1.0 / sum(b[j] * destinations[j] * decay[i][j] for j in range(m)) for i in range(n)]
        b = [1.0 / sum(a[i] * origins[i] * decay[i][j] for i in range(n)) for j in range(m)]
    return [[a[i] * origins[i] * b[j] * destinations[j] * decay[i][j] for j in range(m)] for i in range(n)]


def selfcheck():
    """Where this Python is, and a small gravity-model result to compare across runtimes."""
    flows = balanced_flows([100, 200, 300], [250, 250, 100], [[1, 5, 9], [5, 1, 4], [9, 4, 1]], beta=0.3)
    return {
        "python": sys.version.split()[0],
        "platform": sys.platform,
        "flows": [[round(v, 6) for v in row] for row in flows],
        "total": round(sum(map(sum, flows)), 6),
    }
