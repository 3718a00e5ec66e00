"""Rubrics: the one reading and the one scoring of ``rubric: [{criterion, levels: [{points, description}]}]``.

An essay question (``quizzes.questions.essay``) and a deliberation exercise
(``deliberation.exercise_file``) write a rubric the same way in their course files, and a tutor
grades both the same way: one level per criterion, ``{criterion index: level index}``, scored as
the chosen points over the most points possible. Both read and score it here, so the two cannot
drift apart.
"""
from .registry import ConfigError, line_of

LEVEL_KEYS = {"points", "description"}


def parse_rubric(data):
    """``data['rubric']`` checked: ``[{criterion, levels: [{points, description}]}]``."""
    criteria = data.get("rubric")
    where = data.line_of("rubric")
    if not isinstance(criteria, list) or not criteria:
        raise ConfigError("'rubric' must be a list of criteria, each with levels {points, description}", where)
    rubric = []
    for number, item in enumerate(criteria, start=1):
        at = line_of(item, default=where)
        if not isinstance(item, dict) or not str(item.get("criterion") or "").strip():
            raise ConfigError(f"rubric criterion {number} needs 'criterion' (what is judged) and 'levels'", at)
        for key in item:
            if key not in ("criterion", "levels"):
                raise ConfigError(f"rubric criterion {number}: unknown setting '{key}' (allowed: criterion, levels)",
                                  line_of(item, key, at))
        levels = item.get("levels")
        if not isinstance(levels, list) or len(levels) < 2:
            raise ConfigError(f"rubric criterion {number}: 'levels' must list at least two levels",
                              line_of(item, "levels", at))
        checked = []
        for level_number, level in enumerate(levels, start=1):
            level_at = line_of(level, default=line_of(item, "levels", at))
            if not isinstance(level, dict) or set(level) - LEVEL_KEYS:
                extra = sorted(set(level) - LEVEL_KEYS) if isinstance(level, dict) else []
                hint = (f" (unknown {', '.join(repr(str(key)) for key in extra)}: if that is part of the "
                        "description, put the description in quotes, as a comma ends it inside { })") if extra else ""
                raise ConfigError(f"rubric criterion {number}, level {level_number}: a mapping "
                                  "{points, description}" + hint, level_at)
            points = level.get("points")
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
                raise ConfigError(f"rubric criterion {number}, level {level_number}: 'points' must be a number "
                                  "of at least 0", line_of(level, "points", level_at))
            checked.append({"points": points, "description": str(level.get("description") or "")})
        rubric.append({"criterion": str(item["criterion"]), "levels": checked})
    if not max_points(rubric) > 0:
        raise ConfigError("the rubric's top levels must be worth more than 0 points in all", where)
    return rubric


def top_points(criterion):
    """The most points one criterion gives."""
    return max(level["points"] for level in criterion["levels"])


def max_points(rubric):
    """The most points the whole rubric gives: every criterion at its top level."""
    return sum(top_points(criterion) for criterion in rubric)


def chosen_levels(rubric, choices):
    """``[(criterion, level)]`` for ``{criterion index: level index}`` (keys and values may be
    text, as JSON and forms give them); raises ``ValueError`` unless there is exactly one level
    of this rubric for each of its criteria."""
    try:
        chosen = {int(k): int(v) for k, v in dict(choices).items()}
    except (TypeError, ValueError):
        raise ValueError("rubric choices must be criterion and level numbers") from None
    picked = []
    for index, criterion in enumerate(rubric):
        if index not in chosen:
            raise ValueError(f"choose a level for '{criterion['criterion']}'")
        if not 0 <= chosen[index] < len(criterion["levels"]):
            raise ValueError(f"'{criterion['criterion']}' has no level {chosen[index]}")
        picked.append((criterion, criterion["levels"][chosen[index]]))
    if set(chosen) - set(range(len(rubric))):
        raise ValueError("rubric choices name a criterion this question does not have")
    return picked


def score(rubric, choices):
    """The score (0..1) for ``{criterion index: level index}``; raises ``ValueError`` (``chosen_levels``)."""
    return sum(level["points"] for _, level in chosen_levels(rubric, choices)) / max_points(rubric)


def show_points(points):
    """``2.5`` -> ``"2.5"``, ``3`` -> ``"3"``."""
    return f"{points:g}" if isinstance(points, float) else str(points)
