"""Benchmark: the deliberation opinion map (``app.deliberation.opinion_map.build``) in CPython.

    .venv/bin/python bench/opinion_map.py [--repeats 3] [--seed 0]

For 50, 300 and 1000 participants on 40 and 80 statements it generates votes from four
planted opinion groups (each vote cast with probability 0.6; 80 % follow the group, the rest
are agree, pass or disagree at random), times ``build()`` (best of ``--repeats``) and prints
participants, statements, seconds and the number of groups found. Nothing is read or written.
Four groups with random stances are about equally far apart, and the map keeps two dimensions:
two of them may fall on the same place of the map and be found as one (k = 3).
"""
import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.deliberation.opinion_map import build  # noqa: E402

SIZES = [(50, 40), (50, 80), (300, 40), (300, 80), (1000, 40), (1000, 80)]
PLANTED_GROUPS = 4
CAST = 0.6
FOLLOW = 0.8


def planted_votes(participants, statements, rng):
    """Votes of ``participants`` split round-robin between planted groups."""
    stances = [[rng.choice((-1, 1)) for _ in range(statements)] for _ in range(PLANTED_GROUPS)]
    votes = {}
    for person in range(participants):
        stance = stances[person % PLANTED_GROUPS]
        votes[person] = {s: stance[s] if rng.random() < FOLLOW else rng.choice((-1, 0, 1))
                         for s in range(statements) if rng.random() < CAST}
    return votes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{'participants':>12} {'statements':>10} {'seconds':>8} {'k found':>7}")
    for participants, statements in SIZES:
        votes = planted_votes(participants, statements, random.Random(args.seed))
        best = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            result = build(votes)
            best = min(best, time.perf_counter() - start)
        print(f"{participants:>12} {statements:>10} {best:>8.3f} {len(result.groups):>7}")


if __name__ == "__main__":
    main()
