from sims.selfcheck import balanced_flows, selfcheck


def test_balanced_flows_meet_both_constraints():
    origins, destinations = [100, 200, 300], [250, 250, 100]
    flows = balanced_flows(origins, destinations, [[1, 5, 9], [5, 1, 4], [9, 4, 1]], beta=0.3)
    for i, total in enumerate(origins):
        assert abs(sum(flows[i]) - total) < 1e-6
    for j, total in enumerate(destinations):
        assert abs(sum(row[j] for row in flows) - total) < 1e-6
    assert flows[0][0] > flows[0][2]  # nearer destinations attract more


def test_selfcheck_is_deterministic():
    assert selfcheck() == selfcheck()
    assert selfcheck()["total"] == 600.0
