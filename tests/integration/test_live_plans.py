"""Live workshops from plan files, the countdown timer, and the tutor's tables and removals."""
import re
from datetime import timedelta

import pytest

from app.extensions import db as _db
from app.live import events, plans, service
from app.live.errors import LiveError
from app.models import LiveEvent, LivePost, Role
from app.models.live import LiveParticipant, LiveSession
from app.models.user import utcnow
from tests.conftest import ROOT, csrf_token, write
from tests.integration.live_rooms import guest, open_room

JSON = {"Accept": "application/json"}


@pytest.fixture
def room(app, make):
    return open_room(make)


def participant(session, nickname):
    return _db.session.scalar(_db.select(LiveParticipant).where(LiveParticipant.session_id == session.id,
                                                                LiveParticipant.nickname == nickname))


def last_event(session):
    return _db.session.scalar(_db.select(LiveEvent).where(LiveEvent.session_id == session.id)
                              .order_by(LiveEvent.id.desc()))


# -- plan files ---------------------------------------------------------------------------------

def test_the_real_plans_load_without_problems(app):
    found = plans.load_plans(ROOT / "course")
    assert found.problems == []
    assert {"exec-day-1", "exec-day-2"} <= set(found)
    day1 = found["exec-day-1"]
    board = next(a for a in day1.activities if a.kind == "board")
    assert board.title.endswith("What do we want to achieve in Greater Cambridge by 2030?")
    assert board.prompt.startswith("By 2030 transport in Greater Cambridge should")
    assert {"board", "poll"} <= {a.kind for a in day1.activities}
    assert {"wordcloud", "scale"} & {a.kind for a in day1.activities}
    assert all(a.minutes > 0 for p in found.values() for a in p.activities)


GOOD = """\
title: A plan
tables: 3
names_required: true
activities:
  - kind: poll
    title: Which?
    prompt: Pick one
    minutes: 4
    options:
      - Buses
      - Bikes
    multiple: true
  - kind: board
    title: Ideas
    dots: 2
"""


def test_a_plan_becomes_settings_as_the_kinds_read_them(tmp_path):
    write(tmp_path / "workshops/good.workshop.yaml", GOOD)
    found = plans.load_plans(tmp_path)
    assert found.problems == []
    plan = found["good"]
    assert (plan.title, plan.tables, plan.names_required, plan.minutes) == ("A plan", 3, True, 4)
    poll, board = plan.activities
    assert poll.settings == {"options": ["Buses", "Bikes"], "multiple": True} and poll.prompt == "Pick one"
    assert board.settings == {"dots": 2} and board.minutes == 0


@pytest.mark.parametrize("text, line, message", [
    ("title: [\n", 2, "bad YAML"),
    ("- a list\n", 1, "a workshop plan is a mapping"),
    (GOOD.replace("title: A plan\n", ""), 1, "missing 'title'"),
    (GOOD.replace("tables: 3", "tables: 99"), 2, "'tables' must be a whole number from 0 to 30"),
    (GOOD.replace("names_required: true", "names_required: maybe"), 3, "'names_required' must be true or false"),
    (GOOD + "colour: red\n", 16, "unknown setting 'colour'"),
    (GOOD.replace("kind: board", "kind: hologram"), 13, "activity 2: 'kind' must be one of"),
    (GOOD.replace("    minutes: 4", "    minutes: soon"), 8, "'minutes' must be a whole number"),
    (GOOD.replace("      - Bikes\n", ""), 9, "activity 1 (poll): Give at least two options"),
    (GOOD.replace("    dots: 2", "    dots: 20"), 15, "activity 2 (board): Dots are a whole number"),
    (GOOD.replace("    dots: 2", "    dots: 2\n    colours: 4"), 16, "activity 2: unknown setting 'colours' for a board"),
    (GOOD.replace("activities:", "activities: none\nx_activities:"), 4, "'activities' must be a list"),
    (GOOD.replace("  - kind: board\n    title: Ideas\n", "  - just text\n  - kind: board\n    title: Ideas\n"),
     4, "activity 2 must be a mapping"),
])
def test_each_problem_names_its_line(tmp_path, text, line, message):
    write(tmp_path / "workshops/bad.workshop.yaml", text)
    found = plans.load_plans(tmp_path)
    assert "bad" not in found  # a plan with problems cannot be started
    shown = [str(p) for p in found.problems]
    assert any(s.startswith(f"workshops/bad.workshop.yaml:{line}: ") and message in s for s in shown), shown


def test_every_unknown_setting_of_an_activity_is_reported_on_its_line(tmp_path):
    write(tmp_path / "workshops/bad.workshop.yaml", GOOD.replace("    dots: 2", "    dots: 2\n    colours: 4\n    size: big"))
    shown = [str(p) for p in plans.load_plans(tmp_path).problems]
    assert shown == ["workshops/bad.workshop.yaml:16: activity 2: unknown setting 'colours' for a board (it has: dots)",
                     "workshops/bad.workshop.yaml:17: activity 2: unknown setting 'size' for a board (it has: dots)"]


def test_course_check_reports_plan_problems(runner, course_copy):
    write(course_copy / "workshops/broken.workshop.yaml", GOOD.replace("kind: board", "kind: hologram"))
    result = runner.invoke(args=["course", "check", "--path", str(course_copy)])
    assert result.exit_code == 1
    assert "workshops/broken.workshop.yaml:13: activity 2: 'kind' must be one of" in result.output
    ok = runner.invoke(args=["course", "check"])
    assert ok.exit_code == 0, ok.output


def test_a_tutor_starts_a_session_from_a_plan(app, auth, room):
    auth.login(room["tutor"])
    page = auth.client.get("/live").get_data(as_text=True)
    assert "Start from a plan" in page and 'value="exec-day-1"' in page
    response = auth.post("/live/plans/start", {"plan": "exec-day-1", "cohort_id": str(room["cohort"].id)})
    code = re.search(r"/live/([A-Z0-9]+)/control", response.location).group(1)
    session = service.by_code(code)
    plan = plans.load_plans(ROOT / "course")["exec-day-1"]
    assert session.title == plan.title and session.cohort_id == room["cohort"].id
    assert len(session.tables) == plan.tables and session.names_required == plan.names_required
    assert [(a.position, a.kind, a.title) for a in session.activities] == [
        (n, a.kind, a.title) for n, a in enumerate(plan.activities, start=1)]
    for activity, planned in zip(session.activities, plan.activities):
        assert activity.settings == dict(planned.settings, prompt=planned.prompt, minutes=planned.minutes)
    assert session.live_activity_id is None
    types = [e.type for e in events.events_after(session.id, 0)]
    assert types.count("activity-added") == len(plan.activities) and types[-1] == "plan"
    control = auth.client.get(f"/live/{code}/control").get_data(as_text=True)
    assert f"{plan.activities[0].minutes} min planned" in control


def test_an_unknown_plan_starts_nothing(app, auth, room):
    auth.login(room["tutor"])
    before = _db.session.query(LiveSession).count()
    response = auth.post("/live/plans/start", {"plan": "../secrets"}, follow_redirects=True)
    assert "Choose one of the workshop plans." in response.get_data(as_text=True)
    assert _db.session.query(LiveSession).count() == before


# -- the timer ----------------------------------------------------------------------------------

def test_the_tutor_sets_and_clears_the_timer_and_every_screen_shows_it(app, auth, room):
    session, board = room["session"], room["board"]
    phone = guest(app, session)
    auth.login(room["tutor"])
    response = auth.post(f"/live/{session.code}/activities/{board.id}/timer", {"minutes": "10"})
    assert response.status_code == 302 and response.location.endswith("#timer")
    _db.session.refresh(board)
    assert timedelta(minutes=9) < board.timer_ends_at - utcnow() <= timedelta(minutes=10)
    event = last_event(session)
    assert event.type == "timer" and event.data == {"activity": board.id, "ends_at": service.timer_iso(board)}
    assert event.data["ends_at"].endswith("Z")
    assert "timer" in [e["type"] for e in phone.get(f"/live/{session.code}/events").json["events"]]
    for page in (phone.get(f"/live/{session.code}"), auth.client.get(f"/live/{session.code}/projector"),
                 auth.client.get(f"/live/{session.code}/control")):
        html = page.get_data(as_text=True)
        assert f'data-ends-at="{service.timer_iso(board)}"' in html and 'role="timer"' in html
        assert re.search(r'data-timer-clock>(9:5\d|10:00)<', html)
        assert 'aria-live="polite" data-timer-done' in html
    auth.post(f"/live/{session.code}/activities/{board.id}/timer", {"minutes": "0"})
    _db.session.refresh(board)
    assert board.timer_ends_at is None and last_event(session).data == {"activity": board.id, "ends_at": None}
    html = phone.get(f"/live/{session.code}").get_data(as_text=True)
    assert 'data-ends-at="" hidden' in html


def test_a_timer_that_ran_out_says_so(app, auth, room):
    board = room["board"]
    board.timer_ends_at = utcnow() - timedelta(seconds=5)
    _db.session.commit()
    auth.login(room["tutor"])
    assert "data-timer-clock>Time is up<" in auth.client.get(f"/live/{room['session'].code}/projector").get_data(as_text=True)


@pytest.mark.parametrize("minutes", ["-1", "241", "soon"])
def test_a_bad_timer_is_refused(app, room, minutes):
    with pytest.raises(LiveError):
        service.set_timer(room["board"], minutes)
    assert room["board"].timer_ends_at is None


# -- tables and removing someone ---------------------------------------------------------------------

def test_the_tutor_seats_participants(app, auth, room, make):
    session = room["session"]
    guest(app, session, "Sam", 0)
    sam = participant(session, "Sam")
    auth.login(room["tutor"])
    response = auth.post(f"/live/{session.code}/participants/{sam.id}/table", {"table_id": str(session.tables[1].id)})
    assert response.status_code == 302 and response.location.endswith("#participants")
    _db.session.refresh(sam)
    assert sam.table_id == session.tables[1].id
    assert last_event(session).type == "table" and last_event(session).data == {"participant": sam.id,
                                                                                 "table": session.tables[1].id}
    auth.post(f"/live/{session.code}/participants/{sam.id}/table", {"table_id": ""})
    _db.session.refresh(sam)
    assert sam.table_id is None
    other = service.create_session(room["tutor"], "Elsewhere", tables=1)
    page = auth.post(f"/live/{session.code}/participants/{sam.id}/table", {"table_id": str(other.tables[0].id)},
                     follow_redirects=True)
    assert "Choose one of the tables." in page.get_data(as_text=True)
    stranger, _ = service.join(other, None, "Stranger")
    assert auth.post(f"/live/{session.code}/participants/{stranger.id}/table",
                     {"table_id": str(session.tables[0].id)}).status_code == 404
    auth.post(f"/live/{session.code}/tables")
    _db.session.refresh(session)
    assert [t.name for t in session.tables] == ["Table 1", "Table 2", "Table 3"]
    assert last_event(session).type == "tables"


def test_a_removed_participant_can_send_nothing_and_is_told(app, auth, room):
    session = room["session"]
    phone = guest(app, session, "Sam", 0)
    token = csrf_token(phone, f"/live/{session.code}")
    sent = phone.post(f"/live/{session.code}/posts", data={"text": "Before", "key": "k1", "csrf_token": token},
                      headers=JSON)
    assert sent.status_code == 201
    sam = participant(session, "Sam")
    auth.login(room["tutor"])
    control = auth.client.get(f"/live/{session.code}/control").get_data(as_text=True)
    assert f"/live/{session.code}/participants/{sam.id}/remove" in control
    auth.post(f"/live/{session.code}/participants/{sam.id}/remove")
    _db.session.refresh(sam)
    assert sam.removed and last_event(session).type == "removed"
    assert last_event(session).data == {"participant": sam.id}
    refused = phone.post(f"/live/{session.code}/posts", data={"text": "After", "key": "k2", "csrf_token": token},
                         headers=JSON)
    assert refused.status_code == 403
    assert [p.text for p in _db.session.scalars(_db.select(LivePost))] == ["Before"]  # their posts stay
    for path in (f"/live/{session.code}", f"/join/{session.code}"):
        page = phone.get(path)
        assert page.status_code == 200 and "The tutor has taken you out of this session" in page.get_data(as_text=True)
    rejoin = phone.post(f"/join/{session.code}", data={"nickname": "Sam again", "csrf_token": token})
    assert "taken you out" in rejoin.get_data(as_text=True) and participant(session, "Sam again") is None
    assert "(taken out)" in auth.client.get(f"/live/{session.code}/control").get_data(as_text=True)


def test_removing_can_hide_their_posts(app, auth, room):
    session = room["session"]
    phone = guest(app, session, "Sam", 0)
    token = csrf_token(phone, f"/live/{session.code}")
    phone.post(f"/live/{session.code}/posts", data={"text": "Rude", "key": "k1", "csrf_token": token}, headers=JSON)
    sam = participant(session, "Sam")
    auth.login(room["tutor"])
    auth.post(f"/live/{session.code}/participants/{sam.id}/remove", {"hide_posts": "1"})
    post = _db.session.scalar(_db.select(LivePost))
    assert post.hidden and [e.type for e in events.events_after(session.id, 0)][-2:] == ["post", "removed"]
    assert "Rude" not in auth.client.get(f"/live/{session.code}/projector").get_data(as_text=True)


def test_a_removed_account_holder_is_told_too(app, auth, room, make):
    student = make.user(Role.STUDENT, [room["cohort"]])
    me, _ = service.join(room["session"], student)
    service.remove_participant(me)
    auth.login(student)
    page = auth.client.get(f"/live/{room['session'].code}")
    assert page.status_code == 200 and "taken you out" in page.get_data(as_text=True)


def test_a_session_becomes_a_plan_file_that_loads_back_and_runs_again(app, auth, room, make, tmp_path):
    session, board = room["session"], room["board"]
    service.add_activity(session, "poll", "Which first?", "Pick", {"options": "Buses\nBikes: “safe”", "multiple": "1"})
    service.add_activity(session, "scale", "How ready?", form={"statements": "Data\nSkills", "scale": "agree"})
    service.add_activity(session, "ranking", "Rank", form={"items": "A\nB\nC"})
    service.add_activity(session, "simulation", "EV round", form={"scenario": "ev_charging"})
    service.add_activity(session, "wordcloud", "One word")
    service.add_activity(session, "questions", "Ask")
    service.set_timer(board, 10)
    service.group_board(board, "theme")
    sam = guest(app, session)
    sam.post(f"/live/{session.code}/posts", data={"text": "A note", "key": "k1", "colour": "yellow",
                                                  "csrf_token": csrf_token(sam, "/login")}, headers=JSON)
    auth.login(room["tutor"])
    response = auth.client.get(f"/live/{session.code}/plan.yaml")
    assert response.status_code == 200 and response.mimetype == "application/x-yaml"
    assert 'filename="day-1.workshop.yaml"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert "group_by" not in text and "A note" not in text
    path = tmp_path / "again.workshop.yaml"
    path.write_text(text, encoding="utf-8")
    plan, problems = plans.load(path, "workshops/again.workshop.yaml", "again")
    assert problems == []
    assert plan.title == "Day 1" and plan.tables == 2
    assert [(a.kind, a.title, a.prompt) for a in plan.activities] == [
        (a.kind, a.title, a.settings.get("prompt", "")) for a in session.activities]
    for activity, planned in zip(session.activities, plan.activities):
        mine = {k: v for k, v in activity.settings.items() if k not in ("prompt", "minutes", "group_by")}
        assert planned.settings == mine, activity.kind
    # run again, for another cohort the tutor teaches (one they do not teach is ignored)
    other = make.cohort("executive")
    room["tutor"].memberships.append(type(room["tutor"].memberships[0])(cohort=other, role="tutor"))
    _db.session.commit()
    control = auth.client.get(f"/live/{session.code}/control").get_data(as_text=True)
    assert "Start a new session like this one" in control and f'value="{other.id}"' in control
    response = auth.post(f"/live/{session.code}/again", {"cohort_id": str(other.id)})
    again = service.by_code(re.search(r"/live/([A-Z0-9]+)/control", response.location).group(1))
    assert again.id != session.id and again.cohort_id == other.id and again.title == session.title
    assert [(a.kind, a.title) for a in again.activities] == [(a.kind, a.title) for a in session.activities]
    assert service.posts_of(again.activities[0]) == [] and again.live_activity_id is None
    stranger = make.cohort("executive")
    response = auth.post(f"/live/{session.code}/again", {"cohort_id": str(stranger.id)})
    assert service.by_code(re.search(r"/live/([A-Z0-9]+)/control", response.location).group(1)).cohort_id is None
