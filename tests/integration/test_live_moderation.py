"""The tutor's moderation of a live board and Q&A: themes, the projector's board by theme,
merging notes that say the same (votes follow, unmerge restores), and which screens get dots."""
import csv
import io

import pytest

from app.extensions import db as _db
from app.live import service
from app.models import LivePost, Role
from tests.conftest import csrf_token
from tests.integration.live_rooms import JSON, events_of, guest, open_room, post


@pytest.fixture
def room(app, make):
    return open_room(make) | {"other_tutor": make.user(Role.TUTOR, [make.cohort("executive")])}


def vote(client, session, post_id, count=1):
    return client.post(f"/live/{session.code}/posts/{post_id}/vote",
                       data={"count": count, "csrf_token": csrf_token(client, "/login")}, headers=JSON)


def notes(app, room):
    """Sam and Kim at table 1 post three notes, two of which say the same; Lee at table 2 votes."""
    session = room["session"]
    sam, kim = guest(app, session, "Sam"), guest(app, session, "Kim")
    buses = post(sam, session, "More buses to the villages", "a").json["id"]
    again = post(kim, session, "Buses to villages, every 20 minutes", "b").json["id"]
    bikes = post(kim, session, "Safe cycle routes to school", "c").json["id"]
    assert vote(sam, session, again, 2).status_code == 200 and vote(sam, session, bikes, 1).status_code == 200
    assert vote(kim, session, buses, 1).status_code == 200 and vote(kim, session, again, 1).status_code == 200
    return {"sam": sam, "kim": kim, "buses": buses, "again": again, "bikes": bikes}


def merge(auth, session, into, *ids):
    return auth.post(f"/live/{session.code}/merge", {"into": str(into), "post": [str(i) for i in ids]})


def test_merging_folds_notes_and_their_dots_and_unmerge_puts_them_back(app, room, auth):
    session, board = room["session"], room["board"]
    n = notes(app, room)
    assert service.votes_of(board) == {n["buses"]: 1, n["again"]: 3, n["bikes"]: 1}
    auth.login(room["tutor"])
    response = merge(auth, session, n["buses"], n["again"], n["buses"])
    assert response.status_code == 302 and response.location.endswith(f"#post-{n['buses']}")
    again = _db.session.get(LivePost, n["again"])
    assert again.merged_into_id == n["buses"] and again.hidden
    # the dots follow the note they were merged into; nobody's budget changed
    assert service.votes_of(board) == {n["buses"]: 4, n["bikes"]: 1}
    assert vote(n["sam"], session, n["bikes"], 2).status_code == 409  # Sam's 3 dots are all still placed
    # the room's screens drop the merged note and show the count on the one kept
    seen = events_of(n["sam"], session)
    assert {"id": n["again"], "activity": board.id, "hidden": True} in [e["data"] for e in seen if e["type"] == "post"]
    kept = [e["data"] for e in seen if e["type"] == "post" and e["data"]["id"] == n["buses"]][-1]
    assert kept["merged"] == 1
    page = auth.client.get(f"/live/{session.code}/control").get_data(as_text=True)
    assert "1 merged into it" in page and f"merged into note #{n['buses']}" in page and "Unmerge" in page
    projector = auth.client.get(f"/live/{session.code}/projector").get_data(as_text=True)
    assert "Buses to villages, every 20 minutes" not in projector and "+1 merged" in projector
    # the export keeps the merged note and says where it went
    rows = list(csv.DictReader(io.StringIO(auth.client.get(f"/live/{session.code}/export.csv")
                                           .get_data(as_text=True)[1:])))
    merged_row = next(r for r in rows if r["Post ID"] == str(n["again"]))
    assert merged_row["Merged into (post ID)"] == str(n["buses"]) and merged_row["Hidden"] == "yes"
    # showing a merged note on its own is refused; unmerge puts it back with its own dots
    auth.post(f"/live/{session.code}/posts/{n['again']}/moderate", {"hidden": "0"})
    assert _db.session.get(LivePost, n["again"]).hidden
    auth.post(f"/live/{session.code}/posts/{n['again']}/moderate", {"unmerge": "1"})
    again = _db.session.get(LivePost, n["again"])
    assert again.merged_into_id is None and not again.hidden
    assert service.votes_of(board) == {n["buses"]: 1, n["again"]: 3, n["bikes"]: 1}


def test_merging_into_a_merged_note_or_across_activities_is_refused(app, room, auth):
    session = room["session"]
    n = notes(app, room)
    auth.login(room["tutor"])
    merge(auth, session, n["buses"], n["again"])
    response = merge(auth, session, n["again"], n["bikes"])
    assert "Merge into a note the room can see" in auth.client.get(response.location).get_data(as_text=True)
    nothing = merge(auth, session, n["bikes"])
    assert "Tick at least one other note" in auth.client.get(nothing.location).get_data(as_text=True)
    # a chain folds to one level: notes merged into a note that is merged on move with it
    merge(auth, session, n["bikes"], n["buses"])
    assert {p.id: p.merged_into_id for p in service.posts_of(room["board"], include_hidden=True)} == {
        n["buses"]: n["bikes"], n["again"]: n["bikes"], n["bikes"]: None}
    assert service.votes_of(room["board"]) == {n["bikes"]: 5}
    poll = service.add_activity(session, "poll", "Which first?", form={"options": "Buses\nBikes"})
    other = service.add_activity(session, "board", "Second board")
    service.go_live(session, other)
    elsewhere = post(n["sam"], session, "On another board", "d").json["id"]
    response = merge(auth, session, elsewhere, n["bikes"])
    assert "within one activity" in auth.client.get(response.location).get_data(as_text=True)
    assert poll.kind == "poll"


def test_upvotes_on_merged_questions_count_each_person_once(app, room, auth):
    session = room["session"]
    qa = service.add_activity(session, "questions", "Ask the panel")
    service.go_live(session, qa)
    sam, kim, lee = guest(app, session, "Sam"), guest(app, session, "Kim"), guest(app, session, "Lee", table=1)
    first = post(sam, session, "Who pays for the twin?", "q1").json["id"]
    second = post(kim, session, "Who funds the digital twin?", "q2").json["id"]
    for client, ids in ((sam, [second]), (kim, [first]), (lee, [first, second])):
        for post_id in ids:
            assert vote(client, session, post_id).status_code == 200
    assert service.votes_of(qa) == {first: 2, second: 2}
    auth.login(room["tutor"])
    merge(auth, session, first, second)
    assert service.votes_of(qa) == {first: 3}  # Sam, Kim and Lee: Lee's two upvotes count once


def test_only_boards_and_questions_merge_and_only_the_sessions_tutor(app, room, auth):
    session = room["session"]
    n = notes(app, room)
    poll = service.add_activity(session, "poll", "Which first?", form={"options": "Buses\nBikes"})
    service.go_live(session, poll)
    sam = n["sam"]
    token = csrf_token(sam, "/login")
    one = sam.post(f"/live/{session.code}/posts", data={"choice": "0", "key": "p1", "csrf_token": token},
                   headers=JSON)
    assert one.status_code == 201
    auth.login(room["other_tutor"])
    assert merge(auth, session, n["buses"], n["again"]).status_code == 404
    auth.logout()
    auth.login(room["tutor"])
    assert merge(auth, session, 999999, n["again"]).status_code == 404
    response = merge(auth, session, one.json["id"], n["buses"])
    assert "Only sticky notes and questions" in auth.client.get(response.location).get_data(as_text=True)
    # a participant cannot call the tutor's routes
    refused = sam.post(f"/live/{session.code}/merge", data={"into": n["buses"], "post": n["again"], "csrf_token": token})
    assert refused.status_code in (302, 403, 404) and _db.session.get(LivePost, n["again"]).merged_into_id is None


def test_themes_cluster_notes_and_the_projector_can_show_the_board_by_theme(app, room, auth):
    session, board = room["session"], room["board"]
    n = notes(app, room)
    auth.login(room["tutor"])
    control = auth.client.get(f"/live/{session.code}/control").get_data(as_text=True)
    assert 'name="theme"' in control and "Projector: notes by theme" in control
    for post_id, theme in ((n["buses"], "Rural buses"), (n["again"], "Rural buses"), (n["bikes"], "<b>Active travel</b>")):
        auth.post(f"/live/{session.code}/posts/{post_id}/moderate", {"theme": theme})
    assert _db.session.get(LivePost, n["bikes"]).theme == "<b>Active travel</b>"
    control = auth.client.get(f"/live/{session.code}/control").get_data(as_text=True)
    assert '<option value="Rural buses">' in control and "&lt;b&gt;Active travel&lt;/b&gt;" in control
    by_table = auth.client.get(f"/live/{session.code}/projector").get_data(as_text=True)
    assert 'data-group="table"' in by_table
    auth.post(f"/live/{session.code}/activities/{board.id}/group", {"by": "theme"})
    projector = auth.client.get(f"/live/{session.code}/projector").get_data(as_text=True)
    assert 'data-group="theme"' in projector and 'data-theme-notes="Rural buses"' in projector
    assert "&lt;b&gt;Active travel&lt;/b&gt;" in projector and "<b>Active travel</b>" not in projector
    # the screens reload for the new layout; a bad value is refused
    assert events_of(auth.client, session)[-1]["type"] == "results"
    response = auth.post(f"/live/{session.code}/activities/{board.id}/group", {"by": "colour"})
    assert "Group a board by table or by theme" in auth.client.get(response.location).get_data(as_text=True)
    auth.post(f"/live/{session.code}/activities/{board.id}/group", {"by": "table"})
    assert 'data-group="table"' in auth.client.get(f"/live/{session.code}/projector").get_data(as_text=True)


def test_dots_on_a_board_go_to_the_tutors_screens_not_to_every_phone(app, room, auth):
    session = room["session"]
    n = notes(app, room)
    phone_types = [e["type"] for e in events_of(n["kim"], session)]
    assert "vote" not in phone_types and phone_types.count("post") == 3
    auth.login(room["tutor"])
    tutor_votes = [e["data"] for e in events_of(auth.client, session) if e["type"] == "vote"]
    assert len(tutor_votes) == 4 and tutor_votes[-1]["votes"] == 3
    projector = auth.client.get(f"/live/{session.code}/projector").get_data(as_text=True)
    assert "3 dots" in projector


def test_the_report_says_where_a_merged_note_went(app, room, auth):
    n = notes(app, room)
    auth.login(room["tutor"])
    merge(auth, room["session"], n["buses"], n["again"])
    report = auth.client.get(f"/live/{room['session'].code}/report").get_data(as_text=True)
    assert "1 merged into it" in report and "merged into another note (“More buses to the villages”)" in report
