"""A live session's notes carried into a cohort's discussions: one topic per chosen activity.

The topic's body is plain text: the activity's prompt, then its notes grouped by the tutor's
themes ("Not yet themed" last), the notes with the most dots (or upvotes) first, each with its
table. Hidden notes are left out, and so are notes merged into another (the note they were
merged into says how many). Authors are named only when the tutor asks; by default only tables.
An activity already made into a topic of that cohort is not made again.
"""
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_login import current_user

from ..extensions import db
from ..live import kinds
from ..live import service as live_service
from ..live.access import runs
from ..models import DiscussionTopic, LivePost
from ..models.user import utcnow
from ..security import taught_cohorts

UNTHEMED = "Not yet themed"


@dataclass
class Note:
    text: str
    table: str
    author: str
    votes: int
    merged: int  # notes merged into this one


@dataclass
class Theme:
    name: str
    notes: list = field(default_factory=list)

    @property
    def votes(self):
        return sum(n.votes for n in self.notes)


def text_activities(session):
    """The activities whose posts are notes (their kind's ``to_discussion``)."""
    return [a for a in session.activities if kinds.get(a.kind).to_discussion]


def cohort_choices(user, session):
    """The cohorts ``user`` may carry the session into (those they teach; admins, any), with the
    session's own cohort first."""
    cohorts = taught_cohorts(user)
    if session.cohort is not None and session.cohort in cohorts:
        cohorts.remove(session.cohort)
        cohorts.insert(0, session.cohort)
    return cohorts


def existing_topic(activity, cohort):
    return db.session.scalar(sa.select(DiscussionTopic).where(
        DiscussionTopic.live_activity_id == activity.id, DiscussionTopic.cohort_id == cohort.id))


def themes(activity):
    """The activity's notes the room could see, as ``[Theme]`` (most votes first)."""
    votes = live_service.votes_of(activity)
    groups = {}
    for post in live_service.posts_of(activity):  # hidden ones (merged ones too) left out
        if not post.text.strip():
            continue
        note = Note(post.text.strip(), post.table.name if post.table else "No table",
                    post.participant.nickname if post.participant else "", votes.get(post.id, 0),
                    post.merged_total)
        groups.setdefault(post.theme or "", Theme(post.theme or UNTHEMED)).notes.append(note)
    for theme in groups.values():
        theme.notes.sort(key=lambda n: -n.votes)  # stable: ties keep the order they were written
    named = sorted((t for key, t in groups.items() if key), key=lambda t: (-t.votes, t.name.lower()))
    return named + ([groups[""]] if "" in groups else [])


def _count(number, words):
    return f"{number} {words[0] if number == 1 else words[1]}"


def note_line(note, kind, names):
    """A note as a line of the topic; ``kind`` is its activity's (``kinds.LiveKind``), which says
    whether it has votes and what they are called."""
    details = [f"{note.author}, {note.table}" if names and note.author else note.table]
    if kind.votable:
        details.append(_count(note.votes, kind.vote_words))
    if note.merged:
        details.append(_count(note.merged, ("similar note merged in", "similar notes merged in")))
    text = note.text.replace("\n", "\n  ")
    return f"• {text}\n  ({' · '.join(details)})"


def topic_body(session, activity, names=False):
    when = session.created_at
    lines = []
    prompt = (activity.settings.get("prompt") or "").strip()
    if prompt:
        lines += [prompt, ""]
    lines.append(f"Notes from the live session “{session.title}” on {when.day} {when:%B %Y}.")
    groups = themes(activity)
    if not groups:
        lines += ["", "No notes were kept."]
    for theme in groups:
        lines += ["", theme.name, "─" * min(len(theme.name), 40)]
        lines += [note_line(note, kinds.get(activity.kind), names) for note in theme.notes]
    return "\n".join(lines)


def make_topics(session, activities, cohort, author, names=False):
    """``(made, existing)`` lists of topics: one per activity, none made twice in a cohort."""
    made, existing = [], []
    for activity in activities:
        topic = existing_topic(activity, cohort)
        if topic is not None:
            existing.append(topic)
            continue
        now = utcnow()
        topic = DiscussionTopic(cohort=cohort, author=author, title=activity.title[:200],
                                body=topic_body(session, activity, names), live_activity_id=activity.id,
                                created_at=now, last_post_at=now)
        db.session.add(topic)
        made.append(topic)
    db.session.commit()
    return made, existing


def form_state(session, values=None):
    """What ``_from_live.html`` shows for ``session`` to the signed-in tutor: the activities (with
    their notes counted and any topic already made), the cohorts, and what was chosen."""
    if not runs(session, current_user):
        return None
    cohorts = cohort_choices(current_user, session)
    values = values or {}
    cohort_id = values.get("cohort") or (cohorts[0].id if cohorts else None)
    cohort = next((c for c in cohorts if c.id == cohort_id), None)
    rows = []
    for activity in text_activities(session):
        count = db.session.scalar(sa.select(sa.func.count(LivePost.id)).where(
            LivePost.activity_id == activity.id, LivePost.hidden.is_(False), LivePost.merged_into_id.is_(None)))
        topic = existing_topic(activity, cohort) if cohort else None
        chosen = activity.id in values["activities"] if "activities" in values else (count > 0 and topic is None)
        rows.append({"activity": activity, "notes": count, "topic": topic, "chosen": chosen})
    return {"rows": rows, "cohorts": cohorts, "cohort_id": cohort_id, "names": bool(values.get("names")),
            "errors": values.get("errors", {})}


def check_form(session, user, form):
    """``(activities, cohort, names, errors)`` from the posted form."""
    errors = {}
    wanted = {int(v) for v in form.getlist("activity") if str(v).isdigit()}
    activities = [a for a in text_activities(session) if a.id in wanted]
    if not activities:
        errors["activity"] = "Choose at least one activity with notes."
    cohort_id = form.get("cohort", type=int)
    cohort = next((c for c in cohort_choices(user, session) if c.id == cohort_id), None)
    if cohort is None:
        errors["cohort"] = "Choose one of the cohorts you teach."
    return activities, cohort, form.get("names") == "1", errors
