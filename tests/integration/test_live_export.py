"""A live session's record (CSV and report) and its QR code: what they hold, and who gets them."""
import csv
import io
import json
import re

import pytest

from app.live import service
from app.live.qr import join_qr
from app.models import Role
from tests.conftest import csrf_token
from tests.integration.live_rooms import open_room

JSON = {"Accept": "application/json"}


@pytest.fixture
def room(app, make):
    room = open_room(make, title="Day 1: Cambridge")
    session, board = room["session"], room["board"]
    poll = service.add_activity(session, "poll", "Which wave?", "", {"options": "First\nSecond\nThird"})
    sam, _ = service.join(session, None, "Sam <b>")
    kim, _ = service.join(session, None, "Kim")
    service.choose_table(sam, session.tables[0].id)
    bold, _ = service.post_note(sam, board, "<script>alert(1)</script> buses", "pink", "s1")
    formula, _ = service.post_note(kim, board, "=HYPERLINK(\"http://evil\")", "yellow", "k1")
    service.vote(kim, bold, 2)
    service.set_theme(bold, "Buses")
    service.moderate(formula, hidden=True)
    service.go_live(session, poll)
    service.submit(sam, poll, _Form(choice=["1"]), "s2")
    return room | {"poll": poll, "sam": sam, "other_tutor": make.user(Role.TUTOR, [make.cohort("executive")]),
                   "student": make.user(Role.STUDENT, [room["cohort"]])}


class _Form(dict):
    def __init__(self, **lists):
        super().__init__({k: v[0] for k, v in lists.items()})
        self.lists = lists

    def getlist(self, key):
        return self.lists.get(key, [])


def test_the_csv_has_every_post_guarded_with_a_bom(app, auth, room):
    auth.login(room["tutor"])
    response = auth.client.get(f"/live/{room['session'].code}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f'filename="live-{room["session"].code}-day-1-cambridge.csv"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["Activity", "Kind", "Table", "Participant", "Text", "Value (JSON)", "Votes", "Theme",
                       "Hidden", "Pinned", "Time (UTC)", "Post ID", "Merged into (post ID)"]
    board, formula, poll = rows[1:]
    assert board[:5] == ["1. By 2030 transport should…", "board", "Table 1", "Sam <b>",
                         "<script>alert(1)</script> buses"]
    assert board[6:10] == ["2", "Buses", "no", "no"] and json.loads(board[5]) == {}
    assert formula[4] == "'=HYPERLINK(\"http://evil\")" and formula[8] == "yes" and formula[2] == ""
    assert poll[:2] == ["2. Which wave?", "poll"] and poll[4] == "Second" and json.loads(poll[5]) == [1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", poll[10])


def test_the_report_shows_every_activity_and_escapes_learner_text(app, auth, room):
    auth.login(room["tutor"])
    response = auth.client.get(f"/live/{room['session'].code}/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "Sam <b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; buses" in html and "Sam &lt;b&gt;" in html
    assert "1. By 2030 transport should…" in html and "2. Which wave?" in html
    assert "theme: <span class=\"learner-text\">Buses</span>" in html and "2 votes" in html
    assert "hidden from the room" in html  # the moderated note, marked
    assert "1 answer" in html  # the poll's results, from its kind's template
    control = auth.client.get(f"/live/{room['session'].code}/control").get_data(as_text=True)
    assert f"/live/{room['session'].code}/report" in control and f"/live/{room['session'].code}/export.csv" in control


@pytest.mark.parametrize("path", ["export.csv", "report"])
def test_only_the_sessions_tutors_get_its_record(app, auth, room, path):
    url = f"/live/{room['session'].code}/{path}"
    phone = app.test_client()
    token = csrf_token(phone, f"/join/{room['session'].code}")
    phone.post(f"/join/{room['session'].code}", data={"nickname": "Lee", "csrf_token": token})
    assert phone.get(url).status_code in (302, 401, 403)  # a guest in the room: not a tutor
    assert app.test_client().get(url).location.startswith("/login")
    auth.login(room["other_tutor"])
    assert auth.client.get(url).status_code == 404
    auth.logout()
    auth.login(room["student"])
    service.join(room["session"], room["student"])
    assert auth.client.get(url).status_code in (403, 404)
    auth.logout()
    auth.login(room["tutor"])
    assert auth.client.get(url).status_code == 200
    assert app.test_client().get(f"/live/NOPE99/{path}").status_code in (302, 404)


def test_the_qr_code_is_an_inline_svg_without_style(app, auth, room):
    svg = str(join_qr("https://leadup.example/join/ABC234", 5))
    assert svg.startswith("<svg ") and "style=" not in svg and "<script" not in svg
    assert 'role="img" aria-label="QR code to join: https://leadup.example/join/ABC234"' in svg
    assert 'aria-label="QR code to join: x&lt;y"' in str(join_qr("x<y"))
    auth.login(room["tutor"])
    code = room["session"].code
    for path in ("projector", "control"):
        html = auth.client.get(f"/live/{code}/{path}").get_data(as_text=True)
        found = re.search(r"<svg [^>]*aria-label=\"QR code to join: (http[^\"]+)\".*?</svg>", html, re.S)
        assert found and found.group(1) == f"http://localhost/join/{code}", path
        assert "style=" not in found.group(0)
