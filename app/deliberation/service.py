"""Deliberation attempts: the one place they change, by subject: ``attempts`` (whose attempt a
reader has, starting one, its state and completeness, submit, grade, comments, reopen, a
cohort's attempts) and ``drafts`` (fields, notes, dots and model runs while it is a draft, and
``changes`` since a revision). Per-cohort set-up (``groups``) and the opinion map's votes
(``opinions``) are their own modules too.

This module gathers their public functions, so callers write ``service.add_note(...)`` whichever
module holds it.
"""
from .attempts import (
    Place,
    State,
    add_comment,
    attempt_for_student,
    attempts_in,
    completeness,
    exercise_or_none,
    grade,
    grades_in,
    is_member,
    load_state,
    place_of,
    reopen,
    solo_attempt,
    start,
    submit,
)
from .drafts import (
    MAX_NOTES_PER_STAGE,
    SCENARIO_FIELD,
    add_note,
    attach_scenario,
    changes,
    delete_note,
    note_of,
    save_fields,
    saved_runs,
    set_dots,
    update_note,
)
from .errors import DeliberationError
from .groups import (
    Settings,
    add_group,
    delete_group,
    group_of,
    groups_of,
    make_groups,
    place_in_group,
    pseudonym,
    remove_from_groups,
    save_settings,
    settings_for,
    shown_name,
    student_cohort,
)
from .opinions import add_statement, my_votes, set_statement_hidden, statements, vote, vote_table

__all__ = [
    "DeliberationError",
    # attempts
    "Place", "State", "add_comment", "attempt_for_student", "attempts_in", "completeness", "exercise_or_none",
    "grade", "grades_in", "is_member", "load_state", "place_of", "reopen", "solo_attempt", "start", "submit",
    # drafts
    "MAX_NOTES_PER_STAGE", "SCENARIO_FIELD", "add_note", "attach_scenario", "changes", "delete_note", "note_of",
    "save_fields", "saved_runs", "set_dots", "update_note",
    # groups
    "Settings", "add_group", "delete_group", "group_of", "groups_of", "make_groups", "place_in_group", "pseudonym",
    "remove_from_groups", "save_settings", "settings_for", "shown_name", "student_cohort",
    # opinions
    "add_statement", "my_votes", "set_statement_hidden", "statements", "vote", "vote_table",
]
