"""Grading policy: parsing with errors that name the setting, dates, penalties, visibility."""
from datetime import datetime, timedelta

import pytest

from app.quizzes import policy as policy_mod
from app.quizzes.policy import GRACE, Policy, PolicyError, parse, parse_time

DUE = datetime(2026, 11, 30, 17, 0)  # naive UTC


def test_defaults_are_one_attempt_feedback_now_answers_after_last_attempt():
    policy = parse(None)
    assert policy.attempts == 1 and policy.penalty == 0 and policy.late_lock
    assert policy.feedback == "after_submit" and policy.answers == "after_last_attempt"


def test_full_policy_parses():
    policy = parse({"attempts": 3, "penalty": "10%", "grade": "latest", "opens": "2026-10-01 09:00",
                    "due": "2026-11-30 17:00", "late": "5% per day", "late_until": "2026-12-07 17:00",
                    "time_limit": 30, "feedback": "after_due", "answers": "never"})
    assert policy.attempts == 3 and policy.penalty == pytest.approx(0.1) and policy.grade == "latest"
    assert policy.late_penalty_per_day == pytest.approx(0.05) and policy.time_limit == 30
    # UK time in winter is UTC; in summer it is UTC+1.
    assert policy.due == datetime(2026, 11, 30, 17, 0)
    assert policy.opens == datetime(2026, 10, 1, 8, 0)


@pytest.mark.parametrize("data, key, words", [
    ({"attempts": -1}, "attempts", "whole number"),
    ({"attempts": "two"}, "attempts", "whole number"),
    ({"penalty": "150%"}, "penalty", "between"),
    ({"grade": "best"}, "grade", "highest"),
    ({"due": "30/11/2026"}, "due", "2026-11-30 17:00"),
    ({"late": "sometimes"}, "late", "per day"),
    ({"late_until": "2026-12-07"}, "late_until", "late penalty"),
    ({"time_limit": 0}, "time_limit", "minutes"),
    ({"feedback": "soon"}, "feedback", "after_submit"),
    ({"answers": "after_due"}, "answers", "due time"),
    ({"opens": "2026-12-01 09:00", "due": "2026-11-30 17:00"}, "opens", "before due"),
    ({"colour": "red"}, "colour", "unknown policy setting"),
])
def test_bad_settings_name_the_key(data, key, words):
    with pytest.raises(PolicyError) as caught:
        parse(data)
    assert caught.value.key == key
    assert words in caught.value.message


def test_date_only_means_end_of_that_day():
    assert parse_time("2026-11-30") == datetime(2026, 11, 30, 23, 59)


def test_may_start_checks_opening_closing_and_attempts():
    policy = Policy(attempts=2, opens=DUE - timedelta(days=30), due=DUE)
    assert policy.may_start(DUE - timedelta(days=31), DUE, 0)[0] is False
    assert policy.may_start(DUE - timedelta(days=1), DUE, 0) == (True, "")
    assert "all 2 attempts" in policy.may_start(DUE - timedelta(days=1), DUE, 2)[1]
    assert "closed" in policy.may_start(DUE + timedelta(minutes=1), DUE, 0)[1]
    # An extension (a later due for this student) opens it again.
    assert policy.may_start(DUE + timedelta(minutes=1), DUE + timedelta(days=2), 0)[0] is True


def test_unlimited_attempts():
    assert Policy(attempts=0).may_start(DUE, None, 50) == (True, "")


def test_deadline_is_time_limit_or_closing_whichever_first():
    policy = Policy(time_limit=30, due=DUE)
    started = DUE - timedelta(hours=2)
    assert policy.attempt_deadline(started, DUE) == started + timedelta(minutes=30)
    late_start = DUE - timedelta(minutes=10)
    assert policy.attempt_deadline(late_start, DUE) == DUE
    # Late work allowed until late_until: the attempt may run past due, but not past late_until.
    lenient = Policy(due=DUE, late_penalty_per_day=0.1, late_until=DUE + timedelta(days=1))
    assert lenient.attempt_deadline(DUE, DUE) == DUE + timedelta(days=1)
    assert Policy(due=DUE, late_penalty_per_day=0.1).attempt_deadline(DUE, DUE) is None
    assert Policy().attempt_deadline(started, None) is None


def test_attempt_and_late_penalties_multiply_and_floor_at_zero():
    policy = Policy(attempts=3, penalty=0.1, late_penalty_per_day=0.2)
    assert policy.final_score(1.0, 1, DUE, DUE) == 1.0
    assert policy.final_score(1.0, 3, DUE, DUE) == pytest.approx(0.8)
    # One day and a minute late counts as two days.
    late = DUE + GRACE + timedelta(days=1, minutes=1)
    assert policy.late_fraction(late, DUE) == pytest.approx(0.4)
    assert policy.final_score(0.5, 2, late, DUE) == pytest.approx(0.5 * 0.9 * 0.6)
    assert Policy(penalty=0.6).final_score(1.0, 3, DUE, None) == 0.0
    assert policy.final_score(None, 1, DUE, DUE) is None
    # Within the grace minute is on time.
    assert policy.late_fraction(DUE + GRACE, DUE) == 0.0


@pytest.mark.parametrize("rule, expected", [("highest", 0.9), ("latest", 0.5), ("first", 0.2),
                                            ("average", pytest.approx(1.6 / 3))])
def test_which_attempt_counts(rule, expected):
    assert Policy(grade=rule).counted([0.2, 0.9, None, 0.5]) == expected


def test_nothing_counts_without_a_graded_attempt():
    assert Policy().counted([None]) is None


def test_answers_after_last_attempt_or_due():
    policy = Policy(attempts=2, due=DUE)
    before = DUE - timedelta(days=1)
    assert policy.shows_answers(before, DUE, 1) is False
    assert policy.shows_answers(before, DUE, 2) is True
    assert policy.shows_answers(before, DUE, 2, has_open_attempt=True) is False
    assert policy.shows_answers(DUE, DUE, 1) is True
    assert Policy(attempts=0).shows_answers(before, None, 9) is False
    assert Policy(answers="never").shows_answers(DUE, DUE, 2) is False
    assert Policy(answers="after_submit").shows_answers(before, None, 1) is True


def test_feedback_after_due_waits_for_the_students_own_due():
    policy = Policy(due=DUE, feedback="after_due")
    assert policy.shows_feedback(DUE - timedelta(minutes=1), DUE) is False
    assert policy.shows_feedback(DUE, DUE) is True
    extended = DUE + timedelta(days=3)
    assert policy.shows_feedback(DUE + timedelta(days=1), extended) is False


def test_show_time_is_uk_time():
    assert policy_mod.show_time(datetime(2026, 7, 1, 16, 0)) == "1 Jul 2026, 17:00"
