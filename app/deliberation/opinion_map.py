"""Opinion map of a deliberation: who thinks alike, what sets each group apart, what all share.

Polis-style (Small et al., 2021), standard library only. Participants vote agree (+1),
disagree (-1) or pass (0) on statements; ``build(votes)`` returns an ``OpinionMap``.

- Who counts: participants with at least ``min_votes`` votes (a pass is a vote). Others stay
  off the map but are counted in ``stats``. There is no map (``ready`` False, ``reason`` in
  plain words) below ``min_participants`` such people (never below 3), below 2 statements, or
  when on every statement all its voters voted alike: then nothing tells people apart.
- Map: participant x statement matrix, a missing vote imputed with the statement's mean (so 0
  once columns are centred); top two principal components by power iteration with deflation
  from a fixed start vector. Each projection is scaled by sqrt(statements / votes cast), as in
  Polis, so that people who voted on few statements are not pulled to the centre.
- Groups: k-means on the map (k-means++ seeding from ``random.Random(seed)``, RESTARTS runs,
  lowest inertia kept) for k = 2..max_groups, k < participants. We keep the smallest k whose
  mean silhouette is within SILHOUETTE_MARGIN of the best (a third group of two noisy voters
  is not worth a slightly higher silhouette). If even the best is below WEAK_SILHOUETTE there
  are no clear groups and we still show k = 2, as Polis always shows at least two: read such
  groups loosely. Groups are ordered by size, largest first, and labelled A, B, C...
- Representative statements (Polis' "repness"): for a group, statement and direction,
  p_in = (votes that way + 1) / (group's votes + 2), p_out the same for everyone else. Kept if
  p_in > 0.5 and a two-proportion z-test of p_in > p_out gives z > REP_Z (1.28: one-sided
  90 %, applied whatever the number of votes; the +1/+2 smoothing already tempers small counts).
  Score = (p_in / p_out) * p_in; best MAX_LISTED first.
- Consensus: at least 2 votes in every group and p_agree >= CONSENSUS_P in every group (or
  p_disagree, for a shared rejection), p smoothed as above. Score = product of the groups' p.
"""
import math
import operator
import random
from dataclasses import dataclass, field
from itertools import repeat

MIN_PARTICIPANTS = 7
MIN_VOTES = 3
RESTARTS = 5
WEAK_SILHOUETTE = 0.2
SILHOUETTE_MARGIN = 0.03
REP_Z = 1.28
CONSENSUS_P = 0.6
MAX_LISTED = 5
_EPS = 1e-12
_SAME = ("Everyone has voted the same way on each statement so far, so there are no differences "
         "of opinion to map yet.")
_dot = getattr(math, "sumprod", None) or (lambda a, b: sum(map(operator.mul, a, b)))


@dataclass
class StatementStat:
    """One statement as a group (or, for consensus, everyone on the map) leans on it."""

    statement: object
    direction: str  # "agree" or "disagree"
    agree: int
    disagree: int
    passed: int
    votes: int
    share: float  # share of ``votes`` in ``direction``
    score: float


@dataclass
class Group:
    index: int
    label: str
    members: list
    representative: list = field(default_factory=list)


@dataclass
class OpinionMap:
    ready: bool
    reason: str = ""
    participants: int = 0
    statements: list = field(default_factory=list)
    points: dict = field(default_factory=dict)
    groups: list = field(default_factory=list)
    consensus: list = field(default_factory=list)
    explained: tuple = (0.0, 0.0)
    stats: dict = field(default_factory=dict)


def build(votes, min_participants=MIN_PARTICIPANTS, min_votes=MIN_VOTES, max_groups=5, seed=0):
    """The opinion map of ``votes``: {participant: {statement: -1 | 0 | 1}}; None is no vote."""
    votes = {p: _clean(row) for p, row in votes.items()}
    people = _ordered(p for p, row in votes.items() if len(row) >= min_votes)
    statements = _ordered(s for p in people for s in votes[p])
    result = OpinionMap(False, participants=len(people), statements=statements, stats=_stats(votes))
    needed = max(min_participants, 3)
    if len(people) < needed:
        result.reason = (f"The map appears once {needed} people have each voted on at least "
                         f"{min_votes} statements; so far {_how_many(len(people))}.")
        return result
    if len(statements) < 2:
        result.reason = (f"The map needs votes on at least 2 statements; so far there "
                         f"{'is 1' if statements else 'are none'}.")
        return result
    columns = _centred_columns(votes, people, statements)
    axes, total = _principal_axes(columns)
    if total <= _EPS:
        result.reason = _SAME
        return result
    rows = list(zip(*columns))
    scale = [math.sqrt(len(statements) / max(1, len(votes[p]))) for p in people]
    xy = [(_dot(r, axes[0][0]) * f, _dot(r, axes[1][0]) * f) for r, f in zip(rows, scale)]
    clusters = _clusters(xy, max_groups, random.Random(seed))
    if clusters is None:  # every point in one place once scaled: nothing to separate
        result.reason = _SAME
        return result
    tallies = [_tally(votes, [people[i] for i in c], statements) for c in clusters]
    overall = _tally(votes, people, statements)
    result.ready = True
    result.points = dict(zip(people, xy))
    result.explained = (axes[0][1] / total, axes[1][1] / total)
    result.groups = [Group(g, _label(g), [people[i] for i in c], _representative(t, overall, statements))
                     for g, (c, t) in enumerate(zip(clusters, tallies))]
    result.consensus = _consensus(tallies, overall, statements)
    return result


# -- input ----------------------------------------------------------------------------------------

def _clean(row):
    for vote in row.values():
        if vote is not None and vote not in (-1, 0, 1):
            raise ValueError(f"a vote must be -1, 0 or 1, not {vote!r}")
    return {s: int(v) for s, v in row.items() if v is not None}


def _ordered(keys):
    """Distinct keys, sorted when they can be, else in order of first appearance."""
    keys = list(dict.fromkeys(keys))
    try:
        return sorted(keys)
    except TypeError:
        return keys


def _how_many(n):
    return "nobody has" if n == 0 else "1 has" if n == 1 else f"{n} have"


def _label(index):
    return f"Group {chr(ord('A') + index)}" if index < 26 else f"Group {index + 1}"


def _tally(votes, people, statements):
    """{statement: [agree, disagree, passed]} over ``people``."""
    counts = {s: [0, 0, 0] for s in statements}
    slot = {1: 0, -1: 1, 0: 2}
    for p in people:
        for s, v in votes[p].items():
            if s in counts:
                counts[s][slot[v]] += 1
    return counts


def _stats(votes):
    counts = _tally(votes, list(votes), _ordered(s for row in votes.values() for s in row))
    return {s: {"agree": a, "disagree": d, "passed": p, "votes": a + d + p}
            for s, (a, d, p) in counts.items()}


# -- map ------------------------------------------------------------------------------------------

def _centred_columns(votes, people, statements):
    columns = []
    for s in statements:
        cast = [votes[p].get(s) for p in people]
        present = [v for v in cast if v is not None]
        mean = sum(present) / len(present)
        columns.append([0.0 if v is None else v - mean for v in cast])
    return columns


def _principal_axes(columns):
    """The top two (axis, variance) pairs of the centred columns, and the total variance."""
    n, m = len(columns[0]), len(columns)
    cov = [[0.0] * m for _ in range(m)]
    for i in range(m):
        for j in range(i, m):
            cov[i][j] = cov[j][i] = _dot(columns[i], columns[j]) / n
    total = sum(cov[i][i] for i in range(m))
    first = _top_axis(cov)
    axis, value = first
    deflated = [[c - value * a * b for c, b in zip(row, axis)] for row, a in zip(cov, axis)]
    return (first, _top_axis(deflated)), total


def _top_axis(cov, rounds=1000, tolerance=1e-10):
    m = len(cov)
    v = _unit([1.0 + (i * 7 % 11) / 10 for i in range(m)])
    for _ in range(rounds):
        w = _unit([_dot(row, v) for row in cov])
        if w is None:
            return [0.0] * m, 0.0
        done = max(map(abs, map(operator.sub, w, v))) < tolerance
        v = w
        if done:
            break
    if max(v) < -min(v):  # a fixed sign: the largest loading is positive
        v = [-x for x in v]
    return v, max(0.0, _dot(v, [_dot(row, v) for row in cov]))


def _unit(v):
    norm = math.sqrt(_dot(v, v))
    return None if norm <= _EPS else [x / norm for x in v]


# -- groups ---------------------------------------------------------------------------------------

def _clusters(points, max_groups, rng):
    """Lists of point indices, largest first, for the k chosen by silhouette (see the docstring)."""
    fits = []
    for k in range(2, max(2, min(max_groups, len(points) - 1)) + 1):
        labels = _best_kmeans(points, k, rng)
        if labels is not None:
            fits.append((_silhouette(points, labels, k), k, labels))
    if not fits:
        return None
    best = max(silhouette for silhouette, _, _ in fits)
    labels = next(labels for silhouette, _, labels in fits
                  if silhouette >= best - SILHOUETTE_MARGIN or best < WEAK_SILHOUETTE)
    clusters = {}
    for i, label in enumerate(labels):
        clusters.setdefault(label, []).append(i)
    return sorted(clusters.values(), key=lambda c: (-len(c), c[0]))


def _best_kmeans(points, k, rng):
    """Labels of the lowest-inertia run with k non-empty clusters, or None if there is none."""
    best = None
    for _ in range(RESTARTS):
        centres = _seed_centres(points, k, rng)
        if centres is None:
            return None
        labels, centres = _lloyd(points, centres)
        if len(set(labels)) == k:
            inertia = sum(math.dist(p, centres[c]) ** 2 for p, c in zip(points, labels))
            if best is None or inertia < best[0]:
                best = (inertia, labels)
    return best and best[1]


def _seed_centres(points, k, rng):
    """k-means++: each new centre drawn with probability proportional to squared distance."""
    centres = [points[rng.randrange(len(points))]]
    near = [math.dist(p, centres[0]) ** 2 for p in points]
    while len(centres) < k:
        total = sum(near)
        if total <= _EPS:
            return None  # fewer distinct points than k
        target, reached = rng.random() * total, 0.0
        for i, d in enumerate(near):  # noqa: B007 (i is the index reached, read after the loop)
            reached += d
            if reached > target:
                break
        else:
            i = near.index(max(near))
        centres.append(points[i])
        near = [min(d, math.dist(p, points[i]) ** 2) for d, p in zip(near, points)]
    return centres


def _lloyd(points, centres, rounds=100):
    labels = None
    for _ in range(rounds):
        new = [_nearest(p, centres) for p in points]
        if new == labels:
            break
        labels = new
        centres = _centroids(points, labels, centres)
    return labels, centres


def _nearest(point, centres):
    d = list(map(math.dist, repeat(point), centres))
    return d.index(min(d))


def _centroids(points, labels, centres):
    """Mean of each cluster; an emptied cluster restarts at the point worst served."""
    sums = [[0.0, 0.0, 0] for _ in centres]
    for (x, y), c in zip(points, labels):
        sums[c][0] += x
        sums[c][1] += y
        sums[c][2] += 1
    new = [(sx / n, sy / n) if n else None for sx, sy, n in sums]
    for c, centre in enumerate(new):
        if centre is None:
            worst = max(range(len(points)), key=lambda i: math.dist(points[i], centres[labels[i]]))
            new[c] = points[worst]
    return new


def _silhouette(points, labels, k):
    """Mean silhouette; a point alone in its cluster scores 0."""
    members = [[p for p, c in zip(points, labels) if c == j] for j in range(k)]
    total = 0.0
    for p, c in zip(points, labels):
        if len(members[c]) < 2:
            continue
        a = sum(map(math.dist, repeat(p), members[c])) / (len(members[c]) - 1)
        b = min(sum(map(math.dist, repeat(p), m)) / len(m) for j, m in enumerate(members) if j != c)
        if max(a, b) > 0:
            total += (b - a) / max(a, b)
    return total / len(points)


# -- statements -----------------------------------------------------------------------------------

def _representative(inside, overall, statements):
    found = []
    for s in statements:
        n_in, n_out = sum(inside[s]), sum(overall[s]) - sum(inside[s])
        for slot, direction in enumerate(("agree", "disagree")):
            c_in, c_out = inside[s][slot], overall[s][slot] - inside[s][slot]
            p_in, p_out = (c_in + 1) / (n_in + 2), (c_out + 1) / (n_out + 2)
            if p_in > 0.5 and _two_proportion_z(c_in, n_in, c_out, n_out) > REP_Z:
                found.append(_stat(s, direction, inside[s], p_in / p_out * p_in))
    return _best(found)


def _two_proportion_z(c_in, n_in, c_out, n_out):
    """z for p_in > p_out with the smoothed proportions; pooled p is never 0 or 1."""
    p_in, p_out = (c_in + 1) / (n_in + 2), (c_out + 1) / (n_out + 2)
    pooled = (c_in + c_out + 2) / (n_in + n_out + 4)
    return (p_in - p_out) / math.sqrt(pooled * (1 - pooled) * (1 / (n_in + 2) + 1 / (n_out + 2)))


def _consensus(tallies, overall, statements):
    found = []
    for s in statements:
        for slot, direction in enumerate(("agree", "disagree")):
            shares = [(t[s][slot] + 1) / (sum(t[s]) + 2) for t in tallies if sum(t[s]) >= 2]
            if len(shares) == len(tallies) and min(shares) >= CONSENSUS_P:
                found.append(_stat(s, direction, overall[s], math.prod(shares)))
    return _best(found)


def _stat(statement, direction, counts, score):
    agree, disagree, passed = counts
    votes = agree + disagree + passed
    share = (agree if direction == "agree" else disagree) / votes if votes else 0.0
    return StatementStat(statement, direction, agree, disagree, passed, votes, share, score)


def _best(found):
    return sorted(found, key=lambda stat: -stat.score)[:MAX_LISTED]
