"""A quiz's grading policy: attempts, penalties, dates, time limit and what students see when.

    policy:
      attempts: 2                 # how many attempts a student may make (0: no limit; default 1)
      penalty: 10%                # lost from an attempt's score for each earlier attempt (default 0)
      grade: highest              # which attempt counts: highest, latest, first or average
      opens: 2026-10-05 09:00     # UK time (Europe/London); optional
      due: 2026-11-30 17:00       # optional
      late: lock                  # lock (default): nothing starts or is accepted after the due time
                                  # or "10% per day": accepted late, losing 10% per day or part day
      late_until: 2026-12-07 17:00  # with a late penalty: no submission after this time
      time_limit: 30              # minutes per attempt; optional
      feedback: after_submit      # when feedback shows: after_submit (default), after_due, never
      answers: after_last_attempt # when correct answers show: after_submit, after_last_attempt
                                  # (default), after_due, never

Times in files are UK local time; everything stored and compared is naive UTC.
"""
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

COURSE_TIMEZONE = ZoneInfo("Europe/London")
GRACE = timedelta(seconds=60)  # a submission this late after a deadline still counts (slow networks)
GRADE_RULES = ("highest", "latest", "first", "average")
FEEDBACK_WHEN = ("after_submit", "after_due", "never")
ANSWERS_WHEN = ("after_submit", "after_last_attempt", "after_due", "never")
KEYS = {"attempts", "penalty", "grade", "opens", "due", "late", "late_until", "time_limit", "feedback", "answers"}
LATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*per\s*day\s*$", re.IGNORECASE)


class PolicyError(Exception):
    def __init__(self, message, key=None):
        super().__init__(message)
        self.message = message
        self.key = key


@dataclass(frozen=True)
class Policy:
    attempts: int = 1
    penalty: float = 0.0
    grade: str = "highest"
    opens: datetime | None = None
    due: datetime | None = None
    late_penalty_per_day: float | None = None  # None: late work is locked out
    late_until: datetime | None = None
    time_limit: int | None = None  # minutes
    feedback: str = "after_submit"
    answers: str = "after_last_attempt"

    @property
    def late_lock(self):
        return self.late_penalty_per_day is None

    # -- dates for one student --------------------------------------------------------------
    def cutoff(self, due):
        """The last moment a submission is accepted, given this student's ``due`` (None: never)."""
        if due is None:
            return None
        if self.late_lock:
            return due
        if self.late_until is None:
            return None
        return max(self.late_until, due)

    def attempt_deadline(self, started_at, due):
        """When an attempt started at ``started_at`` must be in: time limit or cutoff, if any."""
        limits = []
        if self.time_limit:
            limits.append(started_at + timedelta(minutes=self.time_limit))
        cutoff = self.cutoff(due)
        if cutoff is not None:
            limits.append(cutoff)
        return min(limits) if limits else None

    def may_start(self, now, due, attempts_made):
        """``(True, "")`` or ``(False, why)`` for starting attempt ``attempts_made + 1``."""
        if self.opens is not None and now < self.opens:
            return False, f"This quiz opens on {show_time(self.opens)}."
        cutoff = self.cutoff(due)
        if cutoff is not None and now >= cutoff:
            return False, f"This quiz closed on {show_time(cutoff)}."
        if self.attempts and attempts_made >= self.attempts:
            return False, f"You have used all {self.attempts} attempt{'s' if self.attempts != 1 else ''}."
        return True, ""

    def late_fraction(self, submitted_at, due):
        """The share of the score lost for lateness (0 when on time or when late work is locked)."""
        if due is None or self.late_lock or submitted_at <= due + GRACE:
            return 0.0
        days = math.ceil((submitted_at - due - GRACE).total_seconds() / 86400)
        return min(1.0, days * self.late_penalty_per_day)

    def attempt_fraction(self, number):
        """The share lost for being attempt ``number`` (1 loses nothing)."""
        return min(1.0, max(0, number - 1) * self.penalty)

    def final_score(self, raw, number, submitted_at, due):
        """``raw`` (0..1) after the attempt and lateness penalties; None stays None."""
        if raw is None:
            return None
        kept = (1 - self.attempt_fraction(number)) * (1 - self.late_fraction(submitted_at, due))
        return max(0.0, raw * kept)

    def counted(self, scores):
        """The quiz grade from the attempts' final scores (oldest first), by ``grade``; None if none."""
        scores = [s for s in scores if s is not None]
        if not scores:
            return None
        if self.grade == "latest":
            return scores[-1]
        if self.grade == "first":
            return scores[0]
        if self.grade == "average":
            return sum(scores) / len(scores)
        return max(scores)

    # -- what a student may see --------------------------------------------------------------
    def shows_feedback(self, now, due):
        return self._when(self.feedback, now, due, last_attempt_done=True)

    def shows_answers(self, now, due, attempts_made, has_open_attempt=False):
        no_more = bool(self.attempts) and attempts_made >= self.attempts and not has_open_attempt
        return self._when(self.answers, now, due, last_attempt_done=no_more)

    def feedback_without_answers(self):
        """True when a student may read feedback on a submitted attempt while the correct answers
        are still held back from them: then feedback must not state the answers.

        Worked out from ``shows_feedback`` and ``shows_answers`` themselves, over every case that
        matters: before and after the due time, after each attempt, with another one open or not.
        """
        due = self.due
        moments = [due - timedelta(minutes=1), due] if due else [datetime(2000, 1, 1)]
        last = self.attempts or 2  # no limit: a second attempt is always possible
        for now in moments:
            for made in range(1, last + 1):
                for has_open in (False, True) if (not self.attempts or made < self.attempts) else (False,):
                    if self.shows_feedback(now, due) and not self.shows_answers(now, due, made, has_open):
                        return True
        return False

    @staticmethod
    def _when(rule, now, due, last_attempt_done):
        if rule == "never":
            return False
        if rule == "after_submit":
            return True
        if rule == "after_last_attempt":
            return last_attempt_done or (due is not None and now >= due)
        return due is not None and now >= due  # after_due


def parse(data):
    """A ``Policy`` from a quiz file's ``policy:`` mapping; raises ``PolicyError`` naming the key."""
    if data is None:
        return Policy()
    if not isinstance(data, dict):
        raise PolicyError("'policy' must be a mapping (attempts, due, feedback, ...)")
    for key in data:
        if key not in KEYS:
            raise PolicyError(f"unknown policy setting '{key}' (allowed: {', '.join(sorted(KEYS))})", key)
    values = {}
    attempts = data.get("attempts", 1)
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
        raise PolicyError(f"attempts: a whole number (0 for no limit), got {attempts!r}", "attempts")
    values["attempts"] = attempts
    values["penalty"] = _fraction(data.get("penalty", 0), "penalty")
    grade = data.get("grade", "highest")
    if grade not in GRADE_RULES:
        raise PolicyError(f"grade: one of {', '.join(GRADE_RULES)}, got {grade!r}", "grade")
    values["grade"] = grade
    for key in ("opens", "due", "late_until"):
        if data.get(key) is not None:
            values[key] = parse_time(data[key], key)
    late = data.get("late", "lock")
    if late != "lock":
        match = LATE.match(str(late))
        if not match:
            raise PolicyError(f"late: 'lock' or a penalty like '10% per day', got {late!r}", "late")
        values["late_penalty_per_day"] = float(match.group(1)) / 100
    elif data.get("late_until") is not None:
        raise PolicyError("late_until needs a late penalty (late: 10% per day)", "late_until")
    limit = data.get("time_limit")
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
            raise PolicyError(f"time_limit: whole minutes, got {limit!r}", "time_limit")
        values["time_limit"] = limit
    for key, allowed in (("feedback", FEEDBACK_WHEN), ("answers", ANSWERS_WHEN)):
        value = data.get(key)
        if value is not None:
            if value not in allowed:
                raise PolicyError(f"{key}: one of {', '.join(allowed)}, got {value!r}", key)
            values[key] = value
    policy = Policy(**values)
    if policy.opens and policy.due and policy.opens >= policy.due:
        raise PolicyError("opens must be before due", "opens")
    if ("after_due" in (policy.feedback, policy.answers)) and policy.due is None:
        raise PolicyError("'after_due' needs a due time", "feedback" if policy.feedback == "after_due" else "answers")
    return policy


def parse_time(value, key="time"):
    """``2026-11-30 17:00`` (UK local time) to naive UTC."""
    text = str(value).strip()
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            local = datetime.strptime(text, pattern)
            break
        except ValueError:
            continue
    else:
        raise PolicyError(f"{key}: a date and time like 2026-11-30 17:00 (UK time), got {value!r}", key)
    if len(text) == 10:
        local = local.replace(hour=23, minute=59)
    return local.replace(tzinfo=COURSE_TIMEZONE).astimezone(UTC).replace(tzinfo=None)


def show_time(moment):
    """Naive UTC to ``30 Nov 2026, 17:00`` UK time."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=UTC).astimezone(COURSE_TIMEZONE)
    return local.strftime("%-d %b %Y, %H:%M")


def _fraction(value, key):
    text = str(value).strip()
    try:
        number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise PolicyError(f"{key}: a share like 10% or 0.1, got {value!r}", key) from None
    if not 0 <= number <= 1:
        raise PolicyError(f"{key}: between 0% and 100%, got {value!r}", key)
    return number
