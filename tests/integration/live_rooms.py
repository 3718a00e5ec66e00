"""What the live-session tests share: a room (a cohort, its tutor and a session with two
tables, optionally a board on screen) and guests who join it from their own browsers."""
from app.live import service
from app.models import Role
from tests.conftest import csrf_token

BOARD_TITLE = "By 2030 transport should…"


def open_room(make, board=True, title="Day 1"):
    """``{"session", "tutor", "cohort"}``, with ``"board"`` live on every screen if ``board``."""
    cohort = make.cohort("executive")
    tutor = make.user(Role.TUTOR, [cohort], name="Tess Tutor")
    session = service.create_session(tutor, title, cohort, tables=2)
    room = {"session": session, "tutor": tutor, "cohort": cohort}
    if board:
        room["board"] = service.add_activity(session, "board", BOARD_TITLE, "One idea per note")
        service.go_live(session, room["board"])
    return room


def guest(app, session, nickname="Sam", table=0):
    """A new browser that joined ``session`` as a guest and sat at table ``table``."""
    client = app.test_client()
    token = csrf_token(client, f"/join/{session.code}")
    response = client.post(f"/join/{session.code}", data={"nickname": nickname, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post(f"/live/{session.code}/table", data={"table_id": session.tables[table].id,
                                                     "csrf_token": csrf_token(client, f"/live/{session.code}")})
    return client


JSON = {"Accept": "application/json"}


def post(client, session, text, key, colour="yellow"):
    """``client`` sends a note to the activity on screen, as the phone's script does (JSON)."""
    token = csrf_token(client, "/login")  # any page with a form carries the session's token
    return client.post(f"/live/{session.code}/posts", data={"text": text, "key": key, "colour": colour,
                                                            "csrf_token": token}, headers=JSON)


def post_form(client, session, data):
    """``client`` sends an answer with the fields ``data`` (JSON answer)."""
    data = dict(data, csrf_token=csrf_token(client, "/login"))
    return client.post(f"/live/{session.code}/posts", data=data, headers=JSON)


def events_of(client, session, after=0):
    """The room's events after ``after``, as ``client`` reads them."""
    response = client.get(f"/live/{session.code}/events?after={after}")
    assert response.status_code == 200
    return response.json["events"]
