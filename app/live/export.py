"""A live session's record, at any time: every post as CSV, and a readable report.

Learner text goes into a spreadsheet as text (``app.csv_export``: no formula runs) and into
the report escaped by Jinja like everywhere else."""
import json

from .. import text
from ..csv_export import csv_response
from . import service

HEADER = ["Activity", "Kind", "Table", "Participant", "Text", "Value (JSON)", "Votes", "Theme", "Hidden",
          "Pinned", "Time (UTC)", "Post ID", "Merged into (post ID)"]


def rows(session):
    """One row per post of every activity, in the activities' order, then the posts'."""
    for activity in session.activities:
        votes = service.votes_of(activity)
        for post in service.posts_of(activity, include_hidden=True):
            yield [f"{activity.position}. {activity.title}", activity.kind, post.table.name if post.table else "",
                   post.participant.nickname, post.text, json.dumps(post.answer, ensure_ascii=False),
                   votes.get(post.id, 0), post.theme or "", "yes" if post.hidden else "no",
                   "yes" if post.pinned else "no", post.created_at.replace(microsecond=0).isoformat(sep=" "),
                   post.id, post.merged_into_id or ""]


def csv_download(session):
    """Every post as a CSV download (``app.csv_export``: guarded cells, the BOM, no-store)."""
    return csv_response(filename(session, "csv"), HEADER, rows(session))


def slug(session):
    """The session's title as a file name's part."""
    return text.slug(session.title, 50, "session")


def filename(session, ext):
    return f"live-{session.code}-{slug(session)}.{ext}"


def report(session):
    """For ``live/report.html``: each activity with its results and its posts by table."""
    sections = []
    for activity in session.activities:
        posts = service.posts_of(activity, include_hidden=True)
        by_table = [(table, [p for p in posts if p.table_id == table.id]) for table in session.tables]
        by_table.append((None, [p for p in posts if p.table_id is None]))
        sections.append({"activity": activity, "results": service.results(activity),
                         "posts": [p for p in posts if not p.hidden], "all_posts": posts,
                         "votes": service.votes_of(activity),
                         "by_table": [(table, items) for table, items in by_table if items]})
    return sections
