"""The opinion map finds planted opinion groups, their distinctive statements and the consensus."""
import math
import random
import statistics
from collections import Counter

import pytest

from app.deliberation import opinion_map

AGREE, PASS, DISAGREE = 1, 0, -1


def planted(sizes, patterns, noise=0.1, missing=0.3, seed=1):
    """Votes of groups of ``sizes`` people, group g voting ``patterns[g][s]`` (None: a coin toss)
    on statement s. Each vote is absent with probability ``missing`` and else, with probability
    ``noise``, one of the two other answers. Returns (votes, {participant: planted group})."""
    rng = random.Random(seed)
    votes, truth = {}, {}
    for g, size in enumerate(sizes):
        for _ in range(size):
            person = len(votes)
            truth[person] = g
            row = {}
            for s, meant in enumerate(patterns[g]):
                if rng.random() < missing:
                    continue
                vote = rng.choice((AGREE, DISAGREE)) if meant is None else meant
                if rng.random() < noise:
                    vote = rng.choice([v for v in (AGREE, PASS, DISAGREE) if v != vote])
                row[s] = vote
            votes[person] = row
    return votes, truth


# Three groups on 20 statements: 0 everyone agrees with, 1 everyone rejects, 2 divides A from B,
# 3-6 only A agrees with, 7-10 only B agrees with, 11-14 only C rejects, 15-17 two groups agree
# with while the third passes, 18-19 coin tosses.
Y, N, P, COIN = AGREE, DISAGREE, PASS, None
A = [Y, N, Y] + [Y] * 4 + [N] * 4 + [Y] * 4 + [Y, P, Y, COIN, COIN]
B = [Y, N, N] + [N] * 4 + [Y] * 4 + [Y] * 4 + [Y, Y, P, COIN, COIN]
C = [Y, N, Y] + [N] * 4 + [N] * 4 + [N] * 4 + [P, Y, Y, COIN, COIN]
DISTINCTIVE = {0: ({3, 4, 5, 6}, "agree"), 1: ({7, 8, 9, 10}, "agree"), 2: ({11, 12, 13, 14}, "disagree")}


def adjusted_rand(truth, found):
    """Adjusted Rand index of two labellings given as {item: label}."""
    pairs = Counter((truth[i], found[i]) for i in truth)
    rows, cols = Counter(truth.values()), Counter(found[i] for i in truth)
    index = sum(math.comb(n, 2) for n in pairs.values())
    a, b = sum(math.comb(n, 2) for n in rows.values()), sum(math.comb(n, 2) for n in cols.values())
    expected = a * b / math.comb(len(truth), 2)
    return (index - expected) / ((a + b) / 2 - expected)


def purity(truth, found):
    """Share of people in the planted group most common in their found group."""
    members = {}
    for person, group in found.items():
        members.setdefault(group, []).append(truth[person])
    return sum(Counter(m).most_common(1)[0][1] for m in members.values()) / len(found)


def found_groups(result):
    return {member: group.index for group in result.groups for member in group.members}


@pytest.mark.parametrize("noise", [0.1, 0.15])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_three_planted_groups_are_recovered(seed, noise):
    votes, truth = planted((12, 10, 8), (A, B, C), noise=noise, seed=seed)
    result = opinion_map.build(votes)
    assert result.ready, result.reason
    assert len(result.groups) == 3
    sizes = [len(g.members) for g in result.groups]
    assert sizes == sorted(sizes, reverse=True)
    assert [g.label for g in result.groups] == ["Group A", "Group B", "Group C"]
    assert purity(truth, found_groups(result)) >= 0.9
    assert adjusted_rand(truth, found_groups(result)) >= 0.8
    assert set(result.points) == set(votes)
    assert 0 < result.explained[1] <= result.explained[0] and sum(result.explained) <= 1 + 1e-9


# Representative and consensus statements are counts in each group: with groups of 8 a planted
# statement is often lost to noise (4-6 votes each), so these tests plant larger groups.
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_each_group_is_represented_by_its_planted_statements(seed):
    votes, truth = planted((24, 20, 16), (A, B, C), seed=seed)
    result = opinion_map.build(votes)
    assert len(result.groups) == 3
    for group in result.groups:
        planted_group = Counter(truth[m] for m in group.members).most_common(1)[0][0]
        statements, direction = DISTINCTIVE[planted_group]
        listed = {r.statement: r.direction for r in group.representative}
        assert statements <= set(listed), (group.label, listed)
        assert {listed[s] for s in statements} == {direction}
        assert len(group.representative) <= 5
        scores = [r.score for r in group.representative]
        assert scores == sorted(scores, reverse=True)
        for r in group.representative:
            assert r.votes == r.agree + r.disagree + r.passed
            assert r.share > 0.5


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_consensus_holds_shared_statements_only(seed):
    votes, _ = planted((24, 20, 16), (A, B, C), seed=seed)
    result = opinion_map.build(votes)
    consensus = {c.statement: c.direction for c in result.consensus}
    assert consensus.get(0) == "agree"
    assert consensus.get(1) == "disagree"
    assert 2 not in consensus  # A agrees, B disagrees
    assert not set(consensus) & set(range(3, 18))
    top = next(c for c in result.consensus if c.statement == 0)
    assert top.votes == result.stats[0]["votes"] and top.share > 0.6


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_planted_groups_give_two(seed):
    yes, no = [AGREE] * 10 + [DISAGREE] * 10, [DISAGREE] * 10 + [AGREE] * 10
    votes, truth = planted((10, 9), (yes, no), noise=0.15, seed=seed)
    result = opinion_map.build(votes)
    assert len(result.groups) == 2
    assert purity(truth, found_groups(result)) >= 0.9


def test_not_ready_below_the_thresholds_says_the_numbers():
    votes = {p: {s: AGREE for s in range(3)} for p in range(4)}
    votes.update({p: {0: DISAGREE, 1: AGREE} for p in range(4, 10)})  # two votes each: not counted
    result = opinion_map.build(votes)
    assert not result.ready
    assert result.participants == 4
    assert "7 people" in result.reason and "3 statements" in result.reason and "4 have" in result.reason
    assert result.stats[0] == {"agree": 4, "disagree": 6, "passed": 0, "votes": 10}
    assert result.groups == [] and result.points == {}


def test_people_with_too_few_votes_are_left_off_the_map_but_counted():
    votes, _ = planted((12, 10, 8), (A, B, C), seed=5)
    votes["late"] = {0: AGREE, 1: DISAGREE}
    result = opinion_map.build(votes)
    assert result.ready and result.participants == 30
    assert "late" not in result.points
    assert all("late" not in g.members for g in result.groups)
    assert result.stats[0]["votes"] == sum(0 in row for row in votes.values())


def test_same_input_same_output_with_any_hashable_keys():
    votes, _ = planted((12, 10, 8), (A, B, C), seed=6)
    keys = ["ana", 7, ("x", 1), 2.5, frozenset({1}), None] + list(range(100, 124))
    renamed = {k: {f"s{s}": v for s, v in row.items()} for k, row in zip(keys, votes.values())}
    first, second = opinion_map.build(renamed), opinion_map.build(dict(renamed))
    assert first == second
    assert first.ready and len(first.groups) == 3
    assert set(first.points) == set(keys)
    assert opinion_map.build(renamed, seed=1).ready


def test_a_sparse_voter_is_not_pulled_to_the_centre():
    votes, truth = planted((12, 10, 8), (A, B, C), seed=8)
    votes["brief"] = {s: A[s] for s in (3, 4, 5, 6)}  # only A's four distinctive statements
    result = opinion_map.build(votes)
    group_of = found_groups(result)
    a_members = [p for p in truth if truth[p] == 0]
    assert group_of["brief"] == Counter(group_of[p] for p in a_members).most_common(1)[0][0]
    distance = {p: math.hypot(*result.points[p]) for p in a_members + ["brief"]}
    assert distance["brief"] >= statistics.median(distance[p] for p in a_members)


def test_a_participant_who_only_passes_is_mapped():
    votes, _ = planted((12, 10, 8), (A, B, C), seed=7)
    votes["fence"] = {s: 0 for s in range(20)}
    result = opinion_map.build(votes)
    assert result.ready and "fence" in result.points


@pytest.mark.parametrize("votes", [
    {p: {s: AGREE for s in range(5)} for p in range(10)},  # everyone identical
    {p: {s: PASS for s in range(5)} for p in range(10)},  # only passes
    # on each statement its voters all agree with one another
    {p: {s: (AGREE if s % 2 else DISAGREE) for s in range(p % 4, 8)} for p in range(10)},
])
def test_no_differences_no_map(votes):
    result = opinion_map.build(votes)
    assert not result.ready
    assert "same way" in result.reason
    assert result.participants == 10


def test_a_single_statement_gives_no_map():
    votes = {p: {"only": AGREE if p % 2 else DISAGREE} for p in range(10)}
    result = opinion_map.build(votes, min_votes=1)
    assert not result.ready and "2 statements" in result.reason
    assert result.stats["only"]["votes"] == 10


def test_few_distinct_opinions_and_ties():
    # Two identical camps of 4: any k above 2 would split identical people.
    votes = {p: {s: (AGREE if (s + p) % 2 else DISAGREE) for s in range(6)} for p in range(8)}
    result = opinion_map.build(votes)
    assert result.ready and sorted(len(g.members) for g in result.groups) == [4, 4]
    assert opinion_map.build(votes) == result


def test_someone_without_votes_when_no_minimum_is_asked():
    votes, _ = planted((12, 10, 8), (A, B, C), seed=9)
    votes["silent"] = {}
    result = opinion_map.build(votes, min_votes=0)
    assert result.ready and result.points["silent"] == (0.0, 0.0)


def test_a_vote_outside_minus_one_to_one_is_refused():
    with pytest.raises(ValueError):
        opinion_map.build({1: {1: 2}})
