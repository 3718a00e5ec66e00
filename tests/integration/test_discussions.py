"""Cohort discussions: who reads and writes where, moderation, editing, resent replies, what
people type (validation, escaping), and a live session's notes carried into a cohort."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.discussions import service
from app.live import service as live_service
from app.models import DiscussionPost, DiscussionTopic, Role
from app.models.user import utcnow


@pytest.fixture
def world(make):
    cohort_a, cohort_b = make.cohort("pgcert", "PGCert A"), make.cohort("executive", "Exec B")
    return {
        "a": cohort_a, "b": cohort_b,
        "amira": make.user(Role.STUDENT, [cohort_a], name="Amira"),
        "ben": make.user(Role.STUDENT, [cohort_a], name="Ben"),
        "carla": make.user(Role.STUDENT, [cohort_b], name="Carla"),
        "tutor": make.user(Role.TUTOR, [cohort_a], name="Tara"),
        "other_tutor": make.user(Role.TUTOR, [cohort_b], name="Olu"),
        "admin": make.user(Role.ADMIN, name="Alex"),
    }


def start(world, person="amira", title="Bus lanes", body="Should the city\nadd more?"):
    return service.start_topic(world["a"], world[person], title, body)


def page(auth, path, status=200):
    response = auth.client.get(path)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


# -- who reaches what ---------------------------------------------------------------------------

@pytest.mark.parametrize("person,status", [("amira", 200), ("tutor", 200), ("admin", 200),
                                           ("carla", 404), ("other_tutor", 404)])
def test_a_cohorts_discussions_are_for_its_members_and_admins(world, as_, person, status):
    topic = start(world)
    auth = as_(person)
    assert auth.client.get(f"/cohorts/{world['a'].id}/discussions").status_code == status
    assert auth.client.get(f"/discussions/{topic.id}").status_code == status
    assert auth.post(f"/discussions/{topic.id}/replies", {"body": "Me too", "key": "k" * 16}).status_code in (
        (303,) if status == 200 else (404,))
    response = auth.post(f"/cohorts/{world['a'].id}/discussions", {"title": "Mine", "body": "Text"})
    assert response.status_code == (303 if status == 200 else 404)


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(f"/cohorts/{world['a'].id}/discussions")
    assert response.status_code == 302 and "/login" in response.location


def test_students_and_tutors_find_the_discussions_where_they_look(world, as_):
    assert f"/cohorts/{world['a'].id}/discussions" in page(as_("amira"), "/")
    assert f"/cohorts/{world['a'].id}/discussions" in page(as_("tutor"), f"/cohorts/{world['a'].id}")


# -- topics and replies ---------------------------------------------------------------------------

def test_a_student_starts_a_topic_and_another_replies_in_threads(world, as_, db):
    amira, ben = as_("amira"), as_("ben")
    response = amira.post(f"/cohorts/{world['a'].id}/discussions",
                          {"title": "  Bus\nlanes  ", "body": "Should we?\r\n\r\nThoughts", "key": "t" * 16})
    assert response.status_code == 303
    topic = db.session.scalar(sa.select(DiscussionTopic))
    assert (topic.title, topic.body, topic.author_id) == ("Bus lanes", "Should we?\n\nThoughts", world["amira"].id)
    assert "sent=" + "t" * 16 in response.location  # the page's script forgets the draft
    first = ben.post(f"/discussions/{topic.id}/replies", {"body": "Yes", "key": "b" * 16})
    reply = db.session.scalar(sa.select(DiscussionPost))
    assert first.location.endswith(f"#post-{reply.id}")
    amira.post(f"/discussions/{topic.id}/replies", {"body": "Why?", "key": "a" * 16, "parent": reply.id})
    answer = db.session.scalar(sa.select(DiscussionPost).where(DiscussionPost.body == "Why?"))
    ben.post(f"/discussions/{topic.id}/replies", {"body": "Fewer cars", "key": "c" * 16, "parent": answer.id})
    deeper = db.session.scalar(sa.select(DiscussionPost).where(DiscussionPost.body == "Fewer cars"))
    assert answer.parent_id == reply.id and deeper.parent_id == reply.id  # one level of threading
    html = page(ben, f"/discussions/{topic.id}")
    assert "3 replies" in html and html.index("Why?") < html.index("Fewer cars")
    listing = page(ben, f"/cohorts/{world['a'].id}/discussions")
    assert "Bus lanes" in listing and "3 replies" in listing and "Started by Amira" in listing


def test_the_same_reply_sent_twice_is_stored_once(world, as_, db):
    topic, ben = start(world), as_("ben")
    for _ in range(2):
        response = ben.post(f"/discussions/{topic.id}/replies", {"body": "Only once", "key": "same-key-123"})
        assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(DiscussionPost.id))) == 1
    # the same key from someone else is their own reply
    as_("amira").post(f"/discussions/{topic.id}/replies", {"body": "Mine", "key": "same-key-123"})
    assert db.session.scalar(sa.select(sa.func.count(DiscussionPost.id))) == 2


def test_a_topic_sent_twice_is_stored_once(world, as_, db):
    amira = as_("amira")
    for _ in range(2):
        assert amira.post(f"/cohorts/{world['a'].id}/discussions", {"title": "Twice", "body": "Same"}).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(DiscussionTopic.id))) == 1


def test_pinned_topics_come_first_then_the_latest_conversation(world, as_):
    old, pinned, busy = start(world, title="Old"), start(world, title="Pinned"), start(world, title="Busy")
    service.moderate_topic(pinned, "pin")
    service.reply(old, world["ben"], "bump", key="bump-key-1")
    html = page(as_("amira"), f"/cohorts/{world['a'].id}/discussions")
    assert html.index("Pinned") < html.index("Old") < html.index("Busy") and busy


# -- what people type -----------------------------------------------------------------------------

def test_a_form_with_a_mistake_names_the_field_and_keeps_the_text(world, as_, db):
    amira = as_("amira")
    response = amira.post(f"/cohorts/{world['a'].id}/discussions", {"title": "", "body": "My long thoughts"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="topic-title-error">Give your topic a title\.', html)
    assert 'aria-invalid="true"' in html and ">My long thoughts</textarea>" in html
    response = amira.post(f"/cohorts/{world['a'].id}/discussions", {"title": "x" * 201, "body": "b"})
    assert response.status_code == 422 and "At most 200 characters" in response.get_data(as_text=True)
    topic = start(world)
    response = amira.post(f"/discussions/{topic.id}/replies", {"body": "y" * 10_001, "key": "long-key-12"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="reply-body-topic-error">At most 10,000 characters' in html
    assert "y" * 10_001 + "</textarea>" in html
    assert db.session.scalar(sa.select(sa.func.count(DiscussionPost.id))) == 0


def test_learner_text_is_plain_text_always_escaped(world, as_, db):
    amira = as_("amira")
    amira.post(f"/cohorts/{world['a'].id}/discussions",
               {"title": "<b>Bold</b>", "body": "<script>alert(1)</script>\x00\x1b **not bold**\u202e"})
    topic = db.session.scalar(sa.select(DiscussionTopic))
    assert topic.body == "<script>alert(1)</script> **not bold**"  # control characters removed
    service.reply(topic, world["ben"], "<img src=x onerror=alert(2)>", key="xss-key-123")
    for path in (f"/discussions/{topic.id}", f"/cohorts/{world['a'].id}/discussions"):
        html = page(amira, path)
        assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>Bold" not in html
    html = page(amira, f"/discussions/{topic.id}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "**not bold**" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


# -- moderation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["pin", "lock", "hide"])
def test_students_cannot_moderate_and_other_tutors_find_nothing(world, as_, db, action):
    topic = start(world)
    reply, _ = service.reply(topic, world["ben"], "Reply", key="reply-key-1")
    amira, other = as_("amira"), as_("other_tutor")
    assert amira.post(f"/discussions/{topic.id}/moderate", {"action": action}).status_code == 403
    assert amira.post(f"/discussions/replies/{reply.id}/moderate", {"action": "hide"}).status_code == 403
    assert other.post(f"/discussions/{topic.id}/moderate", {"action": action}).status_code == 404
    db.session.refresh(topic)
    assert not (topic.pinned or topic.locked or topic.hidden)
    assert as_("tutor").post(f"/discussions/{topic.id}/moderate", {"action": action}).status_code == 303
    db.session.refresh(topic)
    assert getattr(topic, {"pin": "pinned", "lock": "locked", "hide": "hidden"}[action])


def test_hidden_replies_and_topics_are_never_shown_to_students(world, as_):
    topic = start(world)
    reply, _ = service.reply(topic, world["ben"], "Something rude", key="rude-key-12")
    kept, _ = service.reply(topic, world["amira"], "An answer to it", parent_id=reply.id, key="kept-key-12")
    tutor, amira, ben = as_("tutor"), as_("amira"), as_("ben")
    assert tutor.post(f"/discussions/replies/{reply.id}/moderate", {"action": "hide"}).status_code == 303
    for student in (amira, ben):  # the author too
        html = page(student, f"/discussions/{topic.id}")
        assert "Something rude" not in html and "An answer to it" in html and "hidden by a tutor" in html
        assert "1 reply" in page(student, f"/cohorts/{world['a'].id}/discussions")
        assert student.client.get(f"/discussions/replies/{reply.id}/edit").status_code == 404
    html = page(tutor, f"/discussions/{topic.id}")
    assert "Something rude" in html and "Hidden from students" in html and "Show to students" in html
    # a student cannot answer a hidden reply either
    response = amira.post(f"/discussions/{topic.id}/replies", {"body": "Hi", "key": "hid-key-123", "parent": reply.id})
    assert response.status_code == 422 and ">Hi</textarea>" in response.get_data(as_text=True)  # kept
    tutor.post(f"/discussions/{topic.id}/moderate", {"action": "hide"})
    assert "Bus lanes" not in page(amira, f"/cohorts/{world['a'].id}/discussions")
    assert amira.client.get(f"/discussions/{topic.id}").status_code == 404
    assert "Bus lanes" in page(tutor, f"/cohorts/{world['a'].id}/discussions")
    tutor.post(f"/discussions/{topic.id}/moderate", {"action": "unhide"})
    assert amira.client.get(f"/discussions/{topic.id}").status_code == 200


def test_a_locked_topic_refuses_replies_and_keeps_the_text(world, as_, db):
    topic = start(world)
    service.moderate_topic(topic, "lock")
    response = as_("ben").post(f"/discussions/{topic.id}/replies", {"body": "Late thought", "key": "late-key-12"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "This topic is locked" in html and ">Late thought</textarea>" in html
    assert db.session.scalar(sa.select(sa.func.count(DiscussionPost.id))) == 0
    assert "Lock" in page(as_("tutor"), f"/discussions/{topic.id}")
    as_("tutor").post(f"/discussions/{topic.id}/moderate", {"action": "unlock"})
    assert as_("ben").post(f"/discussions/{topic.id}/replies", {"body": "Now", "key": "now-key-123"}).status_code == 303


def test_unknown_moderation_is_refused(world, as_):
    topic = start(world)
    assert as_("tutor").post(f"/discussions/{topic.id}/moderate", {"action": "delete"}).status_code == 400


# -- editing --------------------------------------------------------------------------------------

def test_authors_edit_their_own_posts_for_thirty_minutes(world, as_, db):
    topic = start(world)
    reply, _ = service.reply(topic, world["ben"], "Typo hre", key="typo-key-12")
    ben, amira = as_("ben"), as_("amira")
    assert amira.client.get(f"/discussions/replies/{reply.id}/edit").status_code == 403
    assert amira.post(f"/discussions/replies/{reply.id}/edit", {"body": "Hacked"}).status_code == 403
    assert ">Typo hre</textarea>" in page(ben, f"/discussions/replies/{reply.id}/edit")
    response = ben.post(f"/discussions/replies/{reply.id}/edit", {"body": ""})
    assert response.status_code == 422 and 'id="edit-body-error"' in response.get_data(as_text=True)
    assert ben.post(f"/discussions/replies/{reply.id}/edit", {"body": "Typo here"}).status_code == 303
    db.session.refresh(reply)
    assert reply.body == "Typo here" and reply.edited_at is not None
    assert "edited" in page(amira, f"/discussions/{topic.id}")
    assert amira.post(f"/discussions/{topic.id}/edit", {"title": "Trams", "body": "Or trams?"}).status_code == 303
    db.session.refresh(topic)
    assert (topic.title, topic.body) == ("Trams", "Or trams?")

    reply.created_at = topic.created_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    response = ben.post(f"/discussions/replies/{reply.id}/edit", {"body": "Too late"})
    assert response.status_code == 303
    assert "30 minutes" in page(ben, response.location)
    assert ben.client.get(f"/discussions/replies/{reply.id}/edit").status_code == 303
    assert amira.post(f"/discussions/{topic.id}/edit", {"title": "Late", "body": "Late"}).status_code == 303
    db.session.refresh(reply)
    db.session.refresh(topic)
    assert reply.body == "Typo here" and topic.title == "Trams"
    assert f"/discussions/replies/{reply.id}/edit" not in page(ben, f"/discussions/{topic.id}")


# -- from a live session --------------------------------------------------------------------------

@pytest.fixture
def board(world, db):
    """A run board in cohort A: themes, dots, a hidden note, a note merged into another, and a poll."""
    session = live_service.create_session(world["tutor"], "Workshop day", world["a"], tables=2)
    activity = live_service.add_activity(session, "board", "By 2030 the city should", "What would you change?",
                                         form={"dots": 5})
    poll = live_service.add_activity(session, "poll", "Quick poll", form={"options": "Yes\nNo"})
    live_service.go_live(session, activity)
    people = []
    for index, nickname in enumerate(["Zebra", "Yak", "Xenops"]):
        person, _ = live_service.join(session, None, nickname)
        live_service.choose_table(person, session.tables[index % 2].id)
        people.append(person)
    notes = {}
    for person, text in zip(people * 2, ["Fewer cars", "More trees", "Open data", "Quiet streets", "Rude", "Car free"]):
        notes[text], _ = live_service.post_note(person, activity, text, "yellow", f"key-{text}")
    for text, theme in [("Fewer cars", "Transport"), ("Car free", "Transport"), ("More trees", "Nature")]:
        live_service.set_theme(notes[text], theme)
    live_service.vote(people[1], notes["Fewer cars"], 2)
    live_service.vote(people[2], notes["Car free"], 3)
    live_service.vote(people[0], notes["More trees"], 1)
    live_service.moderate(notes["Rude"], hidden=True)
    notes["Quiet streets"].merged_into_id = notes["Open data"].id  # what the tutor's merge leaves
    notes["Quiet streets"].hidden = True
    db.session.commit()
    return {"session": session, "activity": activity, "poll": poll, "notes": notes}


def to_discussion(auth, board, **form):
    data = {"activity": board["activity"].id, "cohort": board["session"].cohort_id, **form}
    return auth.post(f"/live/{board['session'].code}/to-discussion", data)


def test_a_boards_notes_become_one_topic_grouped_by_theme(world, as_, board, db):
    tutor = as_("tutor")
    form = page(tutor, f"/live/{board['session'].code}/report")
    assert "Continue in the cohort's discussions" in form and "Quick poll" not in form.split("Continue in")[1]
    response = to_discussion(tutor, board)
    assert response.status_code == 303 and response.location.endswith(f"/cohorts/{world['a'].id}/discussions")
    topic = db.session.scalar(sa.select(DiscussionTopic))
    assert topic.live_activity_id == board["activity"].id and topic.title == "By 2030 the city should"
    listing = page(tutor, response.location)
    assert "Made 1 discussion topic in PGCert A: “By 2030 the city should”." in listing
    assert "From the live session “Workshop day”" in listing
    body = topic.body
    assert body.startswith("What would you change?\n")
    order = [body.index(s) for s in ("Transport\n", "Car free", "Fewer cars", "Nature\n", "More trees",
                                     "Not yet themed\n", "Open data")]
    assert order == sorted(order)  # themes by their dots, then the unthemed; most dots first within
    assert "Car free\n  (Table 1 · 3 dots)" in body and "(Table 2 · 1 dot)" in body
    assert "(Table 1 · 0 dots · 1 similar note merged in)" in body
    assert "Rude" not in body and "Quiet streets" not in body
    assert not any(name in body for name in ("Zebra", "Yak", "Xenops"))
    assert "Open data" in page(as_("amira"), f"/discussions/{topic.id}")


def test_authors_are_named_only_when_the_tutor_asks(world, as_, board, db):
    assert to_discussion(as_("tutor"), board, names="1").status_code == 303
    body = db.session.scalar(sa.select(DiscussionTopic)).body
    assert "(Xenops, Table 1 · 0 dots · 1 similar note merged in)" in body and "Yak, Table 2" in body


def test_the_same_activity_is_not_made_into_a_topic_twice(world, as_, board, db):
    tutor = as_("tutor")
    assert to_discussion(tutor, board).status_code == 303
    topic = db.session.scalar(sa.select(DiscussionTopic))
    response = to_discussion(tutor, board)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "already a topic" in html
    assert f'href="/discussions/{topic.id}"' in html
    assert db.session.scalar(sa.select(sa.func.count(DiscussionTopic.id))) == 1
    # in another cohort it is a new topic: the admin may carry it anywhere
    assert to_discussion(as_("admin"), board, cohort=world["b"].id).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(DiscussionTopic.id))) == 2


def test_only_the_sessions_tutors_choose_only_their_cohorts(world, as_, board, db):
    tutor = as_("tutor")
    response = to_discussion(tutor, board, cohort=world["b"].id)
    assert response.status_code == 422 and "Choose one of the cohorts you teach." in response.get_data(as_text=True)
    response = to_discussion(tutor, board, activity=board["poll"].id)
    assert response.status_code == 422 and "Choose at least one activity with notes." in response.get_data(as_text=True)
    assert to_discussion(as_("other_tutor"), board, cohort=world["b"].id).status_code == 404
    assert to_discussion(as_("amira"), board).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(DiscussionTopic.id))) == 0
    html = page(tutor, f"/live/{board['session'].code}/to-discussion")
    assert "PGCert A" in html and "Exec B" not in html
