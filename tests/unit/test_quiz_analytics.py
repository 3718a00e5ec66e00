"""Per-question analytics from plain answer rows, and the chart made from them."""
import json
from types import SimpleNamespace as Row

import pytest

from app.quizzes import analytics


def q(qid, manual=False):
    return Row(id=qid, manual=manual)


def answer(qid, summary, score):
    return Row(question_id=qid, summary=summary, score=score)


ANSWERS = [
    answer("wave", "The third wave", 1.0),
    answer("wave", "The third wave", 1.0),
    answer("wave", "The first wave", 0.0),
    answer("wave", "The second wave", 0.0),
    answer("wave", "The first wave", 0.0),
    answer("wave", "", 0.0),  # submitted blank
    answer("pick", "A, B", 1.0),
    answer("pick", "A", 0.5),
    answer("pick", "A", 0.5),
    answer("pick", "C", 0.0),
    answer("essay", "320 words", None),
    answer("essay", "280 words", 0.75),
]


def test_numbers_per_question_in_file_order():
    stats = analytics.quiz_stats([q("pick"), q("wave"), q("essay", manual=True), q("unseen")], ANSWERS)
    assert [s.question_id for s in stats] == ["pick", "wave", "essay", "unseen"]
    pick, wave, essay, unseen = stats
    assert (wave.submitted, wave.answered, wave.graded, wave.waiting) == (6, 5, 6, 0)
    assert wave.fully_correct == pytest.approx(2 / 6)
    assert wave.mean_score == pytest.approx(2 / 6)
    assert pick.fully_correct == pytest.approx(1 / 4)
    assert pick.mean_score == pytest.approx(2 / 4)
    # An essay waiting for its tutor counts as answered but not graded.
    assert (essay.submitted, essay.answered, essay.graded, essay.waiting) == (2, 2, 1, 1)
    assert essay.mean_score == 0.75 and essay.fully_correct == 0
    assert essay.distribution == [] and essay.common_wrong == []
    assert (unseen.submitted, unseen.fully_correct, unseen.mean_score, unseen.distribution) == (0, None, None, [])


def test_distribution_is_most_given_first_without_blanks_with_verdicts():
    wave, pick = analytics.quiz_stats([q("wave"), q("pick")], ANSWERS)
    assert [(c.summary, c.count, c.verdict) for c in wave.distribution] == [
        ("The first wave", 2, "wrong"), ("The third wave", 2, "correct"), ("The second wave", 1, "wrong")]
    assert [(c.summary, c.count, c.verdict) for c in pick.distribution] == [
        ("A", 2, "partly"), ("A, B", 1, "correct"), ("C", 1, "wrong")]
    assert [(c.summary, c.count) for c in wave.common_wrong] == [("The first wave", 2), ("The second wave", 1)]
    assert [(c.summary, c.count) for c in pick.common_wrong] == [("A", 2), ("C", 1)]


def test_top_lists_are_cut():
    rows = [answer("n", str(value), 0.0) for value in range(15) for _ in range(value + 1)]
    (stats,) = analytics.quiz_stats([q("n")], rows)
    assert len(stats.distribution) == analytics.TOP_ANSWERS
    assert [c.summary for c in stats.common_wrong] == ["14", "13", "12"]


def test_attempts_per_student():
    attempts = [Row(user_id=1), Row(user_id=1), Row(user_id=1), Row(user_id=2)]
    assert analytics.attempts_per_student(attempts) == 2
    assert analytics.attempts_per_student([]) is None


def test_chart_labels_are_marked_short_and_distinct():
    long = "x" * 60
    items = [analytics.AnswerCount(long + "a", 3, 1.0), analytics.AnswerCount(long + "b", 2, 0.0),
             analytics.AnswerCount("half", 1, 0.5)]
    labels = analytics.chart_labels(items)
    assert labels[0].startswith("✓ x") and labels[0].endswith("…")
    assert labels[1].startswith("✗ x") and len(labels[1]) == len("✗ ") + analytics.LABEL_CHARS
    assert labels[2] == "½ half"
    same = analytics.chart_labels([analytics.AnswerCount(long + "a", 1, 0.0), analytics.AnswerCount(long + "b", 1, 0.0)])
    assert len(set(same)) == 2


def test_chart_item_is_a_bokeh_json_item_with_a_bar_group_per_verdict():
    (wave,) = analytics.quiz_stats([q("wave")], ANSWERS)
    item = analytics.chart_item(wave, "chart-1")
    import bokeh

    assert item["target_id"] == "chart-1" and item["version"] == bokeh.__version__
    text = json.dumps(item, ensure_ascii=False)
    assert "✓ Correct" in text and "✗ Not correct" in text and "Partly correct" not in text
    assert "The third wave" in text and "#0f5c63" in text
