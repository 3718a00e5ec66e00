"""A live session's record, at any time: every post as CSV, and a readable report.

Learner text goes into a spreadsheet as text (``csv_cell``: no formula runs) and into the
report escaped by Jinja like everywhere else."""
import csv
import io
import json
import re

from ..quizzes.gradebook import csv_cell
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


def csv_text(session):
    """The CSV, with a byte-order mark so that Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows(session):
        writer.writerow([csv_cell(value) for value in row])
    return "\ufeff" + out.getvalue()


def slug(session):
    return re.sub(r"[^a-z0-9]+", "-", session.title.lower()).strip("-")[:50].rstrip("-") or "session"


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
