"""Live sessions: creating, joining by code, posting once per idempotency key, who sees which
events, the event stream, and nothing lost across a restart."""
import json
import re

import pytest

from app import create_app
from app.extensions import db as _db
from app.live import events, service
from app.live.errors import LiveError
from app.models import LiveEvent, LivePost, Role
from tests.conftest import csrf_token
from tests.integration.live_rooms import JSON, events_of, guest, open_room, post, post_form


@pytest.fixture
def room(app, make):
    room = open_room(make)
    return room | {"other_tutor": make.user(Role.TUTOR, [make.cohort("executive")]),
                   "student": make.user(Role.STUDENT, [room["cohort"]])}


# -- sessions and joining -----------------------------------------------------------------------------

def test_a_tutor_starts_a_session_and_a_bad_form_names_the_field(app, auth, room):
    auth.login(room["tutor"])
    response = auth.post("/live", {"title": "  ", "tables": "3"})
    assert response.status_code == 400 and "Give the session a title." in response.get_data(as_text=True)
    response = auth.post("/live", {"title": "Day 2", "tables": "99"})
    assert response.status_code == 400 and "from 0 to 30" in response.get_data(as_text=True)
    response = auth.post("/live", {"title": "Day 2", "tables": "3", "tables_chosen": "1"})
    code = re.search(r"/live/([A-Z0-9]+)/control", response.location).group(1)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code)
    page = auth.client.get(f"/live/{code}/control").get_data(as_text=True)
    assert code in page and "Add an activity" in page


def test_codes_are_found_whatever_the_case_and_spaces(app, room):
    code = room["session"].code
    assert service.by_code(f" {code[:3].lower()} {code[3:]} ").id == room["session"].id
    client = app.test_client()
    assert client.get(f"/join?code={code.lower()}").location.endswith(f"/join/{code}")
    missing = client.get("/join?code=ZZZZZZ")
    assert missing.status_code == 404 and "No session has that code" in missing.get_data(as_text=True)


def test_joining_as_a_guest_or_with_an_account(app, room, auth):
    session = room["session"]
    client = app.test_client()
    token = csrf_token(client, f"/join/{session.code}")
    refused = client.post(f"/join/{session.code}", data={"nickname": " ", "csrf_token": token})
    assert refused.status_code == 400 and "Choose a nickname" in refused.get_data(as_text=True)
    joined = client.post(f"/join/{session.code}", data={"nickname": "Priya", "csrf_token": token})
    assert f"leadup_live_{session.id}=" in joined.headers["Set-Cookie"] and "HttpOnly" in joined.headers["Set-Cookie"]
    assert "Priya" in client.get(f"/live/{session.code}").get_data(as_text=True)
    auth.login(room["student"])
    first, _ = service.join(session, room["student"])
    again = auth.post(f"/join/{session.code}")
    assert again.status_code == 302 and service.join(session, room["student"])[0].id == first.id
    session.names_required = True
    _db.session.commit()
    other = app.test_client()
    response = other.post(f"/join/{session.code}", data={"nickname": "Guest",
                                                         "csrf_token": csrf_token(other, "/login")})
    assert response.status_code == 400 and "Sign in to join" in response.get_data(as_text=True)


def test_someone_not_in_the_room_is_sent_to_join(app, room):
    client = app.test_client()
    assert client.get(f"/live/{room['session'].code}").location.endswith(f"/join/{room['session'].code}")
    assert client.get(f"/live/{room['session'].code}/events").status_code == 404
    assert client.get(f"/live/{room['session'].code}/stream").status_code == 404


# -- posting ---------------------------------------------------------------------------------------------

def test_a_note_is_stored_once_per_key(app, room):
    session = room["session"]
    phone = guest(app, session)
    first = post(phone, session, "Zero-emission buses", "key-1")
    assert first.status_code == 201 and first.json["created"]
    again = post(phone, session, "Zero-emission buses", "key-1")
    assert again.status_code == 200 and not again.json["created"] and again.json["id"] == first.json["id"]
    assert _db.session.query(LivePost).count() == 1
    assert [e["type"] for e in events_of(phone, session)].count("post") == 1


@pytest.mark.parametrize("text, status, message", [
    ("   ", 400, "Write something"), ("x" * 281, 400, "Your note is too long: at most 280 characters (this has 281)")])
def test_a_bad_note_is_refused_with_a_reason(app, room, text, status, message):
    response = post(guest(app, room["session"]), room["session"], text, "k")
    assert response.status_code == status and message in response.json["message"]


def test_nothing_is_posted_to_a_closed_session(app, room):
    session = room["session"]
    phone = guest(app, session)
    service.close(session)
    response = post(phone, session, "Too late", "late-1")
    assert response.status_code == 409 and "ended" in response.json["message"]
    assert "This session has ended" in phone.get(f"/live/{session.code}").get_data(as_text=True)


# -- who sees what -----------------------------------------------------------------------------------------

def test_each_screen_sees_what_it_should(app, room, auth):
    session = room["session"]
    sam, kim, lee = guest(app, session, "Sam", 0), guest(app, session, "Kim", 0), guest(app, session, "Lee", 1)
    post(sam, session, "Table one's idea", "s1")
    post(lee, session, "Table two's idea", "l1")
    texts = lambda client: [e["data"]["text"] for e in events_of(client, session) if e["type"] == "post"]  # noqa: E731
    assert texts(kim) == ["Table one's idea"]  # their table's notes only
    assert texts(lee) == ["Table two's idea"]
    auth.login(room["tutor"])
    assert texts(auth.client) == ["Table one's idea", "Table two's idea"]  # the projector sees every table
    assert any(e["type"] == "joined" for e in events_of(auth.client, session))
    assert not any(e["type"] == "joined" for e in events_of(kim, session))
    service.set_results_hidden(room["board"], True)
    post(sam, session, "Hidden until revealed", "s2")
    assert "Hidden until revealed" not in texts(kim) and "Hidden until revealed" in texts(sam)
    note = _db.session.query(LivePost).filter_by(text="Table one's idea").one()
    service.moderate(note, hidden=True)
    last = [e for e in events_of(kim, session) if e["type"] == "post"][-1]
    assert last["data"] == {"id": note.id, "activity": room["board"].id, "hidden": True}  # the page removes it
    room_page = kim.get(f"/live/{session.code}").get_data(as_text=True)
    assert "Table one&#39;s idea" not in room_page


def test_other_tutors_cannot_run_the_session(app, room, auth):
    auth.login(room["other_tutor"])
    code = room["session"].code
    assert auth.client.get(f"/live/{code}/control").status_code == 404
    assert auth.client.get(f"/live/{code}/projector").status_code == 404
    assert auth.post(f"/live/{code}/close").status_code == 404
    assert room["session"].is_open


def test_the_projector_page_escapes_notes(app, room, auth):
    phone = guest(app, room["session"])
    post(phone, room["session"], "<script>alert(1)</script>", "x1")
    auth.login(room["tutor"])
    page = auth.client.get(f"/live/{room['session'].code}/projector").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


# -- the stream, and nothing lost -----------------------------------------------------------------------------

def test_the_stream_sends_each_event_once_from_where_it_left_off(app, room):
    session = room["session"]
    phone = guest(app, session)
    post(phone, session, "First", "a")
    post(phone, session, "Second", "b")
    all_events = events_of(phone, session)
    middle = [e for e in all_events if e["type"] == "post"][0]["id"]
    response = phone.get(f"/live/{session.code}/stream", headers={"Last-Event-ID": str(middle)}, buffered=False)
    assert response.mimetype == "text/event-stream"
    chunks = response.response
    received = ""
    for chunk in chunks:
        received += chunk.decode() if isinstance(chunk, bytes) else chunk
        if "Second" in received:
            break
    response.close()
    messages = [json.loads(line[len("data: "):]) for line in received.splitlines() if line.startswith("data: ")]
    assert [m["data"]["text"] for m in messages if m["type"] == "post"] == ["Second"]
    assert f"id: {messages[-1]['id']}" in received


def test_a_long_poll_waits_then_answers_empty(app, room):
    phone = guest(app, room["session"])
    latest = events.last_id(room["session"].id)
    response = phone.get(f"/live/{room['session'].code}/events?after={latest}&wait=0.3")
    assert response.status_code == 200 and response.json["events"] == []


def test_a_restart_loses_nothing(tmp_path, app_config, make):
    """A second app on the same database (a restarted server) replays every event."""
    config = {**app_config, "TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.sqlite'}"}
    first = create_app(config)
    with first.app_context():
        _db.create_all()
        from app.models import User
        tutor = User(name="Tess", email="tess@example.org", role="tutor")
        _db.session.add(tutor)
        _db.session.commit()
        session = service.create_session(tutor, "Day 1", None, tables=1)
        board = service.add_activity(session, "board", "Ideas")
        service.go_live(session, board)
        participant, _ = service.join(session, None, "Sam")
        service.post_note(participant, board, "Kept across a restart", "k1", "blue")
        session_id = session.id
        before = [e.id for e in _db.session.query(LiveEvent).filter_by(session_id=session_id)]
        _db.session.remove()
        _db.engine.dispose()
    second = create_app(config)
    with second.app_context():
        found = events.events_after(session_id, 0)
        assert [e.id for e in found] == before
        assert found[-1].data["text"] == "Kept across a restart"
        _db.session.remove()
        _db.engine.dispose()



# -- other activity types ----------------------------------------------------------------------------------

def test_a_poll_keeps_one_answer_each_and_counts_them(app, room, auth):
    session = room["session"]
    poll = service.add_activity(session, "poll", "Which first?", "", _form(options="Buses\nBikes\nTrains"))
    service.go_live(session, poll)
    sam, kim = guest(app, session, "Sam"), guest(app, session, "Kim")
    assert post_form(sam, session, {"choice": "0", "key": "a"}).status_code == 201
    assert post_form(sam, session, {"choice": "2", "key": "b"}).status_code == 201  # a changed mind
    assert post_form(kim, session, {"choice": "2", "key": "c"}).status_code == 201
    refused = post_form(kim, session, {"choice": ["0", "1"], "key": "d"})
    assert refused.status_code == 400 and "Choose one option" in refused.json["message"]
    assert service.results(poll)["counts"] == [0, 0, 2]
    fragment = sam.get(f"/live/{session.code}/results").get_data(as_text=True)
    assert "Trains" in fragment and "2 answers" in fragment
    with pytest.raises(LiveError, match="at least two options"):
        service.add_activity(session, "poll", "Bad", "", _form(options="Only one"))


def test_dots_on_notes_keep_to_the_budget(app, room):
    session = room["session"]
    sam = guest(app, session, "Sam")
    first = post(sam, session, "Idea one", "n1").json["id"]
    second = post(sam, session, "Idea two", "n2").json["id"]
    token = csrf_token(sam, "/login")
    vote = lambda post_id, count: sam.post(f"/live/{session.code}/posts/{post_id}/vote",  # noqa: E731
                                           data={"count": count, "csrf_token": token}, headers=JSON)
    assert vote(first, 2).status_code == 200 and vote(second, 1).status_code == 200
    refused = vote(second, 2)
    assert refused.status_code == 409 and "You have 3 dots" in refused.json["message"]
    assert service.votes_of(room["board"]) == {first: 2, second: 1}


def _form(**values):
    from werkzeug.datastructures import MultiDict
    return MultiDict(values)


def test_a_simulation_round_runs_each_tables_settings_on_the_server(app, room, auth):
    session = room["session"]
    round_ = service.add_activity(session, "simulation", "Charging in 2051", "",
                                  _form(scenario="ev_charging", show="home_share ev_share"))
    service.go_live(session, round_)
    one, two = guest(app, session, "Sam", 0), guest(app, session, "Kim", 1)
    colleague = guest(app, session, "Lee", 0)
    assert post_form(one, session, {"home_share": "100", "key": "r1"}).status_code == 201
    assert post_form(two, session, {"home_share": "0", "key": "r2"}).status_code == 201
    bad = post_form(colleague, session, {"home_share": "150", "key": "r3"})
    assert bad.status_code == 400 and "Charging done at home" in bad.json["message"]
    assert post_form(colleague, session, {"home_share": "70", "key": "r4"}).status_code == 201  # replaces table 1's
    runs = service.results(round_)["runs"]
    assert sorted(r.answer["params"]["home_share"] for r in runs) == [0, 70]
    from sims import api
    expected = api.run("ev_charging", {"home_share": 70})["summary"][0]["value"]
    table_one = next(r for r in runs if r.table_id == session.tables[0].id)
    assert table_one.answer["summary"][0]["value"] == expected  # the server's own run
    auth.login(room["tutor"])
    page = auth.client.get(f"/live/{session.code}/projector").get_data(as_text=True)
    assert "Table 1" in page and "Table 2" in page and "computed on the server" in page, page[page.find("<main"):][:3000]
    with pytest.raises(LiveError, match="not a setting of this model"):
        service.add_activity(session, "simulation", "Bad", "", _form(scenario="ev_charging", show="speed"))


def test_a_deliberation_stage_at_the_tables(app, room, auth):
    from app.content import current_course
    exercise = next(e for e in current_course().deliberations_by_uuid.values()
                    if any(s.type.name == "consequences" for s in e.stages))
    session = room["session"]
    stage = service.add_activity(session, "deliberation", "Consequence scan", "",
                                 _form(stage=f"{exercise.uuid}:consequences"))
    service.go_live(session, stage)
    sam = guest(app, session, "Sam")
    missing = post_form(sam, session, {"text": " ", "key": "d1"})
    assert missing.status_code == 400 and "Fill in “Consequence”" in missing.json["message"]
    bad = post_form(sam, session, {"text": "Cyclists feel watched", "intended": "maybe", "key": "d2"})
    assert bad.status_code == 400 and "Intended" in bad.json["message"]
    ok = post_form(sam, session, {"text": "Cyclists feel <watched>", "intended": "unintended", "key": "d3"})
    assert ok.status_code == 201
    auth.login(room["tutor"])
    page = auth.client.get(f"/live/{session.code}/projector").get_data(as_text=True)
    assert "Cyclists feel &lt;watched&gt;" in page and "Intended?: Unintended" in page
    with pytest.raises(LiveError, match="Choose a stage"):
        service.add_activity(session, "deliberation", "Bad", "", _form(stage="nope:consequences"))
