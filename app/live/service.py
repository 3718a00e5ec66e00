"""Live sessions: the one place they change, by subject: ``sessions`` (create, codes,
activities, go live, timer, close), ``participants`` (join, tables, removal) and ``posts``
(submit, votes, themes, merging, moderation, results). Every change is stored with its event in
one commit, then announced (``events.commit_and_announce``), so no screen misses it and a
restart loses nothing.

This module gathers their public functions, so callers write ``service.join(...)`` whichever
module holds it; the limits (``MAX_*``) are in the module that checks them.
"""
from .participants import (
    add_table,
    assign_table,
    choose_table,
    hash_token,
    join,
    participant_for,
    remove_participant,
    removed_participant,
)
from .posts import (
    merge,
    merged_count,
    merged_into,
    moderate,
    my_votes,
    post_note,
    post_payload,
    posts_of,
    results,
    set_theme,
    submit,
    unmerge,
    vote,
    vote_payload,
    votes_of,
)
from .sessions import (
    add_activity,
    by_code,
    close,
    create_session,
    go_live,
    group_board,
    live_activity,
    new_code,
    set_results_hidden,
    set_timer,
    timer_iso,
    timer_seconds_left,
)

__all__ = [
    # sessions
    "add_activity", "by_code", "close", "create_session", "go_live", "group_board", "live_activity", "new_code",
    "set_results_hidden", "set_timer", "timer_iso", "timer_seconds_left",
    # participants
    "add_table", "assign_table", "choose_table", "hash_token", "join", "participant_for", "remove_participant",
    "removed_participant",
    # posts
    "merge", "merged_count", "merged_into", "moderate", "my_votes", "post_note", "post_payload", "posts_of",
    "results", "set_theme", "submit", "unmerge", "vote", "vote_payload", "votes_of",
]
