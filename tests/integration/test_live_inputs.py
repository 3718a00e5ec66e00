"""What the live pages take from people: text cleaned the one way (``app.inputs.clean_text``) and
refused over its limit, never cut; numbers read with ``read_int`` / ``read_number``, refused
naming the field, never taken as 0; and every refusal a JSON caller gets (the phones' outbox,
the projector's long poll) in the site's JSON error shape:
``{"error", "message", "errors": {field: message}, "field"}``."""
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.extensions import db as _db
from app.live import service
from app.live.errors import LiveError
from app.models import LiveEvent, LiveParticipant, LivePost
from tests.conftest import csrf_token
from tests.integration.live_rooms import JSON, events_of, guest, open_room, post, post_form

BIDI_AND_CONTROLS = "\u202e\u2066\x00\x80\x9b\x07\u202a\u2069\x9f"  # NUL, C0, C1, bidi


@pytest.fixture
def app_config():
    return {"PROPAGATE_EXCEPTIONS": False}  # a server error is answered as in production, not raised in the test


@pytest.fixture
def room(app, make):
    return open_room(make)


def vote(client, session, post_id, count):
    return client.post(f"/live/{session.code}/posts/{post_id}/vote",
                       data={"count": count, "csrf_token": csrf_token(client, "/login")}, headers=JSON)


def json_error(response, status, field=None):
    """The site's JSON error: its message (and its field's, when one is named)."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:500]
    body = response.json
    assert set(body) == ({"error", "message", "errors", "field"} if field else {"error", "message", "errors"})
    assert body["error"] and body["message"]
    assert body["errors"] == {field or "request": body["message"]}
    if field:
        assert body["field"] == field
    return body["message"]


# -- JSON errors for the phones and the projector ---------------------------------------------------

def test_a_bad_field_is_a_json_400_naming_it(app, room):
    session = room["session"]
    phone = guest(app, session)
    message = json_error(post(phone, session, "x" * 281, "long"), 400, "text")
    assert message == ("Your note is too long: at most 280 characters (this has 281). Nothing was cut; "
                       "shorten it and send it again.")
    assert json_error(post(phone, session, "  ", "empty"), 400, "text") == "Write something on the note first."
    assert _db.session.query(LivePost).count() == 0


def test_a_note_for_an_activity_taken_off_screen_is_a_json_409(app, room):
    session, board = room["session"], room["board"]
    phone = guest(app, session)
    token = csrf_token(phone, f"/live/{session.code}")
    other = service.add_activity(session, "board", "Board B")
    service.go_live(session, other)
    response = phone.post(f"/live/{session.code}/posts", headers=JSON, data={
        "text": "Written offline", "key": "k1", "activity": str(board.id), "csrf_token": token})
    assert json_error(response, 409) == f"“{board.title}” has closed, so this was not added."
    assert json_error(phone.post(f"/live/{session.code}/posts", headers=JSON, data={
        "text": "x", "key": "k2", "activity": "abc", "csrf_token": token}), 400, "activity")
    assert _db.session.query(LivePost).count() == 0


def test_too_large_an_answer_is_a_json_413(app, room):
    session = room["session"]
    phone = guest(app, session)
    token = csrf_token(phone, f"/live/{session.code}")
    response = phone.post(f"/live/{session.code}/posts", headers=JSON, data={
        "text": "x" * (3 * 1024 * 1024), "key": "big", "csrf_token": token})
    assert json_error(response, 413) == "What you sent is too large: 2 MB at most."


def test_an_expired_form_and_a_removed_participant_get_json(app, room):
    session = room["session"]
    phone = guest(app, session)
    message = json_error(phone.post(f"/live/{session.code}/posts", headers=JSON,
                                    data={"text": "no token", "key": "t1"}), 400)
    assert "reload the page" in message
    participant = _db.session.scalar(sa.select(LiveParticipant).where(LiveParticipant.nickname == "Sam"))
    service.remove_participant(participant)
    assert "join it again" in json_error(post(phone, session, "After removal", "t2"), 403)


def test_a_server_error_is_json_too_and_rolls_back(app, room):
    session = room["session"]
    phone = guest(app, session)
    _db.session.execute(sa.text("DROP TABLE live_events"))  # a database that fails mid-request
    _db.session.commit()
    response = post(phone, session, "Lost to the broken table", "e1")
    assert "try again" in json_error(response, 500)
    assert _db.session.query(LivePost).count() == 0  # the post went with its failed event


def test_the_long_poll_refuses_bad_numbers_in_json(app, room):
    session = room["session"]
    phone = guest(app, session)
    assert "“after”" in json_error(phone.get(f"/live/{session.code}/events?after=abc", headers=JSON), 400, "after")
    assert json_error(phone.get(f"/live/{session.code}/events?after=-5", headers=JSON), 400, "after")
    for wait in ("nan", "inf", "26", "-1"):
        json_error(phone.get(f"/live/{session.code}/events?wait={wait}", headers=JSON), 400, "wait")
    assert phone.get(f"/live/{session.code}/events?after=0&wait=0").status_code == 200
    assert json_error(app.test_client().get(f"/live/{session.code}/events", headers=JSON), 404)


# -- text: cleaned one way, refused over its limit --------------------------------------------------

def test_bidi_overrides_and_controls_are_removed_from_nicknames_and_notes(app, room):
    session = room["session"]
    phone = guest(app, session, f"Sa{BIDI_AND_CONTROLS}m")
    participant = _db.session.scalar(sa.select(LiveParticipant).where(LiveParticipant.session_id == session.id))
    assert participant.nickname == "Sam"
    note = post(phone, session, f"Buses{BIDI_AND_CONTROLS} first\r\nthen\u2028trams", "n1")
    assert note.status_code == 201
    stored = _db.session.get(LivePost, note.json["id"])
    assert stored.text == "Buses first\nthen\ntrams"
    shown = [e["data"] for e in events_of(phone, session) if e["type"] == "post"][-1]
    assert shown["text"] == "Buses first\nthen\ntrams" and shown["by"] == "Sam"
    joined = _db.session.scalar(sa.select(LiveEvent).where(LiveEvent.type == "joined"))
    assert joined.data["nickname"] == "Sam"


def test_a_nickname_over_its_limit_is_refused_naming_it_and_kept_in_the_form(app, room):
    session = room["session"]
    client = app.test_client()
    token = csrf_token(client, f"/join/{session.code}")
    response = client.post(f"/join/{session.code}", data={"nickname": "N" * 41, "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "at most 40 characters (this has 41)" in page
    assert f'value="{"N" * 41}"' in page  # what they typed, to shorten
    assert _db.session.query(LiveParticipant).count() == 0
    only_controls = client.post(f"/join/{session.code}", data={"nickname": BIDI_AND_CONTROLS, "csrf_token": token})
    assert only_controls.status_code == 400 and "Choose a nickname" in only_controls.get_data(as_text=True)


def test_words_questions_themes_and_the_tutors_texts_are_cleaned(app, room):
    session, board = room["session"], room["board"]
    phone = guest(app, session)
    note = _db.session.get(LivePost, post(phone, session, "A note", "n1").json["id"])
    service.set_theme(note, f"  Trans{BIDI_AND_CONTROLS}port\n  links ")
    assert note.theme == "Transport links"
    with pytest.raises(LiveError, match="at most 80 characters") as refused:
        service.set_theme(note, "t" * 81)
    assert refused.value.field == "theme"
    titled = service.create_session(room["tutor"], f"Day{BIDI_AND_CONTROLS} 2\n", tables=1)
    assert titled.title == "Day 2"
    with pytest.raises(LiveError, match="at most 160 characters"):
        service.create_session(room["tutor"], "T" * 161, tables=1)
    cloud = service.add_activity(session, "wordcloud", f"One{BIDI_AND_CONTROLS} word", "Say\u202e it\x00")
    assert cloud.title == "One word" and cloud.settings["prompt"] == "Say it"
    with pytest.raises(LiveError, match="at most 1,000 characters") as refused:
        service.add_activity(session, "board", "Long prompt", "p" * 1001)
    assert refused.value.field == "prompt"
    service.go_live(session, cloud)
    sent = post_form(phone, session, {"text": f"  open{BIDI_AND_CONTROLS}   data ", "key": "w1"})
    assert sent.status_code == 201 and _db.session.get(LivePost, sent.json["id"]).text == "open data"
    qa = service.add_activity(session, "questions", "Ask")
    service.go_live(session, qa)
    asked = post_form(phone, session, {"text": "Who\u2067 pays?\x9b", "key": "q1"})
    assert _db.session.get(LivePost, asked.json["id"]).text == "Who pays?"
    poll = service.add_activity(session, "poll", "Which?", "", MultiDict(
        {"options": f"Bus{BIDI_AND_CONTROLS}es\n\n  Bikes  \n"}))
    assert poll.settings["options"] == ["Buses", "Bikes"]
    assert board.title  # the room's first board is untouched


def test_the_tutors_lists_are_refused_over_their_limits_not_cut(room):
    session = room["session"]
    with pytest.raises(LiveError, match=r"Line 2 is too long: at most 120 characters \(it has 121\)") as refused:
        service.add_activity(session, "poll", "Which?", "", MultiDict({"options": "Buses\n" + "o" * 121}))
    assert refused.value.field == "options"
    with pytest.raises(LiveError, match=r"at most 12 options, one per line \(there are 13\)"):
        service.add_activity(session, "poll", "Which?", "", MultiDict({"options": "\n".join(map(str, range(13)))}))
    with pytest.raises(LiveError, match="at most 200 characters"):
        service.add_activity(session, "scale", "Rate", "", MultiDict({"statements": "s" * 201}))
    with pytest.raises(LiveError, match="at most 120 characters"):
        service.add_activity(session, "ranking", "Rank", "", MultiDict({"items": "A\nB\n" + "c" * 121}))


# -- numbers: range-checked, never taken as 0 -----------------------------------------------------

@pytest.mark.parametrize("count", ["-5", "abc", "4", "1.5", "nan", ""])
def test_a_bad_dot_vote_is_refused_and_counts_nothing(app, room, count):
    session, board = room["session"], room["board"]
    sam = guest(app, session, "Sam")
    note = post(sam, session, "Idea", "n1").json["id"]
    assert vote(sam, session, note, "2").status_code == 200
    message = json_error(vote(sam, session, note, count), 400, "count")
    assert "“Your dots”" in message and "from 0 to 3" in message
    assert service.votes_of(board) == {note: 2}  # the 2 dots placed stay; nothing was taken as 0
    assert vote(sam, session, note, "0").status_code == 200 and service.votes_of(board) == {}


def test_a_bad_upvote_is_refused(app, room):
    session = room["session"]
    qa = service.add_activity(session, "questions", "Ask")
    service.go_live(session, qa)
    sam = guest(app, session, "Sam")
    asked = post_form(sam, session, {"text": "Why?", "key": "q"}).json["id"]
    for count in ("-5", "abc"):
        json_error(vote(sam, session, asked, count), 400, "count")
    assert service.votes_of(qa) == {}


@pytest.mark.parametrize("kind, form, data, field", [
    ("poll", {"options": "Buses\nBikes"}, {"choice": ["0", "-5"]}, "choice"),
    ("poll", {"options": "Buses\nBikes"}, {"choice": ["abc"]}, "choice"),
    ("scale", {"statements": "Safe\nQuick"}, {"rating-0": "3", "rating-1": "-5"}, "rating-1"),
    ("scale", {"statements": "Safe\nQuick"}, {"rating-0": "abc", "rating-1": "2"}, "rating-0"),
    ("ranking", {"items": "A\nB\nC"}, {"place-1": "-5", "place-2": "1", "place-3": "2"}, "place-1"),
])
def test_bad_choices_points_and_places_are_refused_and_store_nothing(app, room, kind, form, data, field):
    session = room["session"]
    activity = service.add_activity(session, kind, "Answer", "", MultiDict(form))
    service.go_live(session, activity)
    response = post_form(guest(app, session), session, data | {"key": "a"})
    json_error(response, 400, field)
    assert _db.session.query(LivePost).filter_by(activity_id=activity.id).count() == 0


@pytest.mark.parametrize("minutes", ["nan", "inf", "-inf", "1e400", "abc", "-5"])
def test_a_timer_of_no_real_minutes_is_refused(room, minutes):
    with pytest.raises(LiveError) as refused:
        service.set_timer(room["board"], minutes)
    assert refused.value.field == "minutes" and room["board"].timer_ends_at is None


def test_half_a_minute_is_a_timer(room):
    service.set_timer(room["board"], "0.5")
    assert 0 < service.timer_seconds_left(room["board"]) <= 30


@pytest.mark.parametrize("tables", ["abc", "-5", "31", "2.5", ""])
def test_a_bad_number_of_tables_is_refused_naming_it(app, room, auth, tables):
    auth.login(room["tutor"])
    response = auth.post("/live", {"title": "Day 3", "tables": tables})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="tables-error"' in page and "“Tables”" in page
    assert 'value="Day 3"' in page  # the title typed stays in the form


def test_a_bad_table_is_refused_not_taken_as_none(app, room, auth):
    session = room["session"]
    guest(app, session, "Sam", table=1)
    participant = _db.session.scalar(sa.select(LiveParticipant).where(LiveParticipant.nickname == "Sam"))
    seated = participant.table_id
    for table_id in ("abc", "-5"):
        with pytest.raises(LiveError):
            service.assign_table(participant, table_id)
        with pytest.raises(LiveError):
            service.choose_table(participant, table_id)
    assert participant.table_id == seated
