"""Deliberation exercises from the student's side: every stage type, drafts, groups, opinions,
submitting, and who may see what."""
import re

import pytest

from app import create_app
from app.deliberation import service
from app.extensions import db as _db
from app.models import DeliberationAttempt, DeliberationNote
from app.simulations import service as sim_service
from tests.conftest import csrf_token

UUID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
UNIT = "/modules/m1-digital-innovation/what-makes-a-city-smart"
JSON = {"Accept": "application/json"}
EXERCISE = """\
uuid: aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee
title: Sensors at the junction
summary: Decide whether to install junction sensors.
mode: {mode}
visibility: {visibility}
brief: |
  The county wants to count cyclists at twelve junctions.
roles:
  - name: Sponsor
    brief: Owns the budget.
  - name: Resident
    brief: Lives by the junction.
stages:
  - type: purpose
  - type: data
    min_notes: 1
  - type: stakeholders
    min_notes: 1
  - type: consequences
    min_notes: 1
    simulation:
      scenario: teleworking
  - type: prioritise
    dots: 3
  - type: options
    options:
      - title: Install video sensors
      - title: Manual counts
  - type: governance
  - type: opinions
    statements:
      - Counts should be published weekly.
      - Video should never be stored.
  - type: decision
"""


@pytest.fixture
def app_config(course_with, request):
    mode, visibility = getattr(request, "param", ("solo", "pseudonymous"))
    course = course_with(files={"modules/m1-digital-innovation/sensors.deliberation.yaml": EXERCISE.format(mode=mode, visibility=visibility)},
                         appends={"modules/m1-digital-innovation/01-what-makes-a-city-smart.md": "\n::: deliberation sensors\n:::\n"})
    return {"COURSE_DIR": str(course)}


GROUP = pytest.mark.parametrize("app_config", [("group", "pseudonymous")], indirect=True)


@pytest.fixture
def people(make):
    cohort = make.cohort("pgcert")
    return {"student": make.user("student", cohorts=[cohort], name="Sam Student"),
            "classmate": make.user("student", cohorts=[cohort], name="Cleo Classmate"),
            "outsider": make.user("student", cohorts=[make.cohort("executive")]),
            "tutor": make.user("tutor", cohorts=[cohort]), "cohort": cohort}


def exercise():
    return service.exercise_or_none(UUID)


def start(auth, user):
    auth.login(user)
    response = auth.post(f"/deliberations/{UUID}/start")
    assert response.status_code == 302
    match = re.search(r"/deliberations/attempts/(\d+)$", response.location)
    assert match, response.location
    return int(match.group(1))


def post_json(auth, path, data):
    return auth.post(path, data=data, headers=JSON)


# -- the exercise file ---------------------------------------------------------------------------

def test_the_file_loads_with_every_stage_type(app):
    found = exercise()
    assert [s.id for s in found.stages] == ["purpose", "data", "stakeholders", "consequences", "prioritise",
                                           "options", "governance", "opinions", "decision"]
    assert found.role_names == ["Sponsor", "Resident"]
    assert found.stage("consequences").simulation_activity.scenario == "teleworking"
    assert len(found.rubric) == 5  # the default rubric
    assert found.units[0].url == UNIT


# -- stage types: fields and notes ----------------------------------------------------------------

def test_fields_save_and_name_a_bad_field(auth, people):
    attempt_id = start(auth, people["student"])
    base = f"/deliberations/attempts/{attempt_id}/stages"
    response = post_json(auth, f"{base}/purpose/fields", {"goal": "Safer junctions", "public_value": "Fewer injuries"})
    assert response.status_code == 200 and response.json["ok"]
    response = post_json(auth, f"{base}/governance/fields", {"review_date": "31/03/2027", "fairness": "9",
                                                            "transparency": "4"})
    assert response.status_code == 422
    assert "date like 2027-03-31" in response.json["errors"]["review_date"]
    assert "from 0 to 5" in response.json["errors"]["fairness"]
    response = post_json(auth, f"{base}/decision/fields", {"recommendation": "x" * 2001})
    assert "too long" in response.json["errors"]["recommendation"]
    state = service.load_state(_db.session.get(DeliberationAttempt, attempt_id))
    assert state.field("purpose", "goal") == "Safer junctions"
    assert state.field("governance", "transparency") == 4  # the good value in a bad post is kept
    assert state.field("governance", "review_date") == ""
    page = auth.client.get(f"{base}/purpose").get_data(as_text=True)
    assert ">Safer junctions</textarea>" in page


@pytest.mark.parametrize("stage_id, values, bad, message", [
    ("data", {"name": "Sensor counts", "personal": "aggregated", "legal_basis": "public-task"},
     {"personal": "maybe"}, "Choose one of the options"),
    ("stakeholders", {"name": "Cyclists", "role": "Resident", "power": "2", "interest": "5"},
     {"role": "Mayor"}, "Choose a role"),
    ("consequences", {"text": "Cyclists feel watched", "intended": "unintended", "valence": "negative",
                      "horizon": "short", "likelihood": "medium", "severity": "high"},
     {"severity": "extreme"}, "Choose one of the options"),
    ("options", {"title": "Radar sensors", "support": "4", "public_value": "4", "intrusion": "2", "pros": "No video"},
     {"support": "6"}, "from 1 to 5"),
])
def test_note_stages_add_update_and_delete(auth, people, stage_id, values, bad, message):
    attempt_id = start(auth, people["student"])
    response = post_json(auth, f"/deliberations/attempts/{attempt_id}/stages/{stage_id}/notes", values)
    assert response.status_code == 200, response.json
    note_id = response.json["id"]
    assert f'id="note-{note_id}"' in response.json["html"]
    note = _db.session.get(DeliberationNote, note_id)
    assert note.author_id == people["student"].id and note.stage_id == stage_id
    response = post_json(auth, f"/deliberations/attempts/{attempt_id}/notes/{note_id}", bad)
    assert response.status_code == 422 and message in next(iter(response.json["errors"].values()))
    title_field = exercise().stage(stage_id).note.title_field
    response = post_json(auth, f"/deliberations/attempts/{attempt_id}/notes/{note_id}", {title_field: "Changed"})
    assert response.status_code == 200
    _db.session.expire_all()
    assert _db.session.get(DeliberationNote, note_id).data[title_field] == "Changed"
    response = post_json(auth, f"/deliberations/attempts/{attempt_id}/notes/{note_id}/delete", {})
    assert response.status_code == 200
    _db.session.expire_all()
    assert _db.session.get(DeliberationNote, note_id).deleted


def test_a_note_needs_its_required_value(auth, people):
    attempt_id = start(auth, people["student"])
    response = post_json(auth, f"/deliberations/attempts/{attempt_id}/stages/consequences/notes", {"text": "  "})
    assert response.status_code == 422 and response.json["errors"] == {"text": "Fill in “Consequence”."}
    response = auth.post(f"/deliberations/attempts/{attempt_id}/stages/consequences/notes", {"text": ""})
    assert response.status_code == 302  # without JavaScript: back to the page with the message
    assert "Fill in “Consequence”." in auth.client.get(response.location).get_data(as_text=True)


def test_options_start_with_the_exercise_options(auth, people):
    attempt_id = start(auth, people["student"])
    state = service.load_state(_db.session.get(DeliberationAttempt, attempt_id))
    assert [n.data["title"] for n in state.notes_of("options")] == ["Install video sensors", "Manual counts"]


def _consequence(auth, attempt_id, text="Cyclists feel watched"):
    response = post_json(auth, f"/deliberations/attempts/{attempt_id}/stages/consequences/notes", {"text": text})
    return response.json["id"]


def test_links_name_only_this_attempts_consequences(auth, people, client, app):
    attempt_id = start(auth, people["student"])
    mine = _consequence(auth, attempt_id)
    other_client = app.test_client()
    from tests.conftest import Auth
    other = Auth(other_client)
    theirs = _consequence(other, start(other, people["classmate"]))
    base = f"/deliberations/attempts/{attempt_id}/stages"
    ok = post_json(auth, f"{base}/governance/notes", {"text": "Blur faces", "addresses": [str(mine)], "owner": "Sponsor",
                                                      "due": "2027-01-31"})
    assert ok.status_code == 200
    refused = post_json(auth, f"{base}/governance/notes", {"text": "Blur", "addresses": [str(mine), str(theirs)]})
    assert refused.status_code == 422 and "not in this attempt" in refused.json["errors"]["addresses"]
    response = post_json(auth, f"{base}/prioritise/notes", {"consequence": str(mine), "action": "act",
                                                            "owner": "Sponsor", "why": "Ours to fix"})
    assert response.status_code == 200
    page = auth.client.get(f"{base}/governance").get_data(as_text=True)
    assert "Cyclists feel watched" in page  # the link shows the consequence's text


def test_dots_keep_to_the_budget(auth, people):
    attempt_id = start(auth, people["student"])
    first, second = _consequence(auth, attempt_id, "One"), _consequence(auth, attempt_id, "Two")
    path = f"/deliberations/attempts/{attempt_id}/stages/prioritise/dots"
    assert post_json(auth, path, {f"dots-{first}": "2", f"dots-{second}": "1"}).status_code == 200
    refused = post_json(auth, path, {f"dots-{first}": "3", f"dots-{second}": "1"})
    assert refused.status_code == 409 and "3 dots" in refused.json["error"]
    state = service.load_state(_db.session.get(DeliberationAttempt, attempt_id), people["student"].id)
    assert state.dots == {first: 2, second: 1} and state.my_dots == {first: 2, second: 1}


@pytest.mark.parametrize("bad", ["-3", "abc", "1.5", "1e400", "nan"])
def test_dots_that_are_not_a_count_are_refused_and_change_nothing(auth, people, bad):
    attempt_id = start(auth, people["student"])
    first, second = _consequence(auth, attempt_id, "One"), _consequence(auth, attempt_id, "Two")
    path = f"/deliberations/attempts/{attempt_id}/stages/prioritise/dots"
    assert post_json(auth, path, {f"dots-{first}": "2", f"dots-{second}": "1"}).status_code == 200
    refused = post_json(auth, path, {f"dots-{first}": bad, f"dots-{second}": "0"})
    assert refused.status_code == 409 and refused.json["errors"] == {f"dots-{first}": refused.json["error"]}
    assert "whole number from 0 to 3" in refused.json["error"]
    state = service.load_state(_db.session.get(DeliberationAttempt, attempt_id), people["student"].id)
    assert state.my_dots == {first: 2, second: 1}  # not cleared


def test_a_saved_model_run_is_kept_with_the_attempt(auth, people):
    attempt_id = start(auth, people["student"])
    run, errors = sim_service.save_scenario(people["student"], {"scenario": "teleworking", "title": "Three days",
                                                                 "params": {"telework_days": 3}})
    assert errors == {}
    response = auth.post(f"/deliberations/attempts/{attempt_id}/stages/consequences/scenario",
                         {"scenario_id": str(run.id)})
    assert response.status_code == 302
    stored = service.load_state(_db.session.get(DeliberationAttempt, attempt_id)).scenario("consequences")
    assert stored["title"] == "Three days" and stored["params"]["telework_days"] == 3
    assert stored["figures"] == run.figures
    theirs, _ = sim_service.save_scenario(people["classmate"], {"scenario": "teleworking", "title": "Theirs"})
    auth.post(f"/deliberations/attempts/{attempt_id}/stages/consequences/scenario", {"scenario_id": str(theirs.id)})
    assert service.load_state(_db.session.get(DeliberationAttempt, attempt_id)).scenario("consequences")["title"] \
        == "Three days"


# -- submitting ---------------------------------------------------------------------------------------

def complete(auth, attempt_id):
    base = f"/deliberations/attempts/{attempt_id}/stages"
    answers = {
        "purpose": {"goal": "Safer junctions", "public_value": "Fewer injuries"},
        "governance": {"review_date": "2027-03-31", "transparency": "3", "accountability": "4", "fairness": "2"},
        "decision": {"recommendation": "Pilot radar sensors", "stance_before": "4", "stance_after": "2",
                     "stance_change": "Less sure after the scan"},
    }
    for stage_id, values in answers.items():
        assert post_json(auth, f"{base}/{stage_id}/fields", values).json["ok"]
    consequence = _consequence(auth, attempt_id)
    notes = {
        "data": {"name": "Counts"}, "stakeholders": {"name": "Cyclists"},
        "prioritise": {"consequence": str(consequence), "action": "monitor"},
        "governance": {"text": "Publish a register", "addresses": [str(consequence)]},
    }
    for stage_id, values in notes.items():
        assert post_json(auth, f"{base}/{stage_id}/notes", values).status_code == 200
    attempt = _db.session.get(DeliberationAttempt, attempt_id)
    for note in service.load_state(attempt).notes_of("options"):
        assert post_json(auth, f"/deliberations/attempts/{attempt_id}/notes/{note.id}", {"support": "3"}).json["ok"]


def test_submit_waits_for_every_stage_then_happens_once(auth, people):
    attempt_id = start(auth, people["student"])
    response = auth.post(f"/deliberations/attempts/{attempt_id}/submit")
    page = auth.client.get(response.location).get_data(as_text=True)
    assert "Not yet: stage 1, Purpose and public value, needs" in page
    complete(auth, attempt_id)
    long_text = "A long consequence, " + "word " * 300 + "and its end."
    _consequence(auth, attempt_id, long_text)
    auth.post(f"/deliberations/attempts/{attempt_id}/submit")
    attempt = _db.session.get(DeliberationAttempt, attempt_id)
    assert attempt.status == "submitted" and attempt.submitted_by_id == people["student"].id
    first = attempt.submitted_at
    auth.post(f"/deliberations/attempts/{attempt_id}/submit")
    _db.session.refresh(attempt)
    assert attempt.submitted_at == first
    refused = post_json(auth, f"/deliberations/attempts/{attempt_id}/stages/purpose/fields", {"goal": "Changed"})
    assert refused.status_code == 409 and "submitted" in refused.json["error"]
    page = auth.client.get(f"/deliberations/attempts/{attempt_id}").get_data(as_text=True)
    assert "Submitted" in page and "Pilot radar sensors" in page
    assert long_text.strip() in page  # a note is shown whole, not cut to its title


def test_drafts_survive_a_server_restart(tmp_path, app_config, people, auth):
    """A second app on the same database file (a restarted server) shows everything saved."""
    database = f"sqlite:///{tmp_path / 'restart.sqlite'}"
    config = {**app_config, "TESTING": True, "SQLALCHEMY_DATABASE_URI": database}
    first = create_app(config)
    with first.app_context():
        _db.create_all()
        cohort = _make_cohort_with(people)
    with first.app_context():
        client = first.test_client()
        _login(client, "sam@example.org")
        attempt_id = int(client.post(f"/deliberations/{UUID}/start",
                                     data={"csrf_token": csrf_token(client, "/account")}).location.rsplit("/", 1)[1])
        token = csrf_token(client, "/account")
        base = f"/deliberations/attempts/{attempt_id}/stages"
        client.post(f"{base}/purpose/fields", data={"goal": "Kept across restarts", "csrf_token": token}, headers=JSON)
        client.post(f"{base}/consequences/notes", data={"text": "A note kept too", "csrf_token": token}, headers=JSON)
        _db.session.remove()
        _db.engine.dispose()
    assert cohort
    second = create_app(config)
    with second.app_context():
        client = second.test_client()
        _login(client, "sam@example.org")
        page = client.get(f"{base}/purpose").get_data(as_text=True)
        assert ">Kept across restarts</textarea>" in page
        assert "A note kept too" in client.get(f"{base}/consequences").get_data(as_text=True)
        _db.session.remove()
        _db.engine.dispose()


def _make_cohort_with(people):
    from app.models import Cohort, User
    cohort = Cohort(name="Restart cohort", level_id="pgcert")
    user = User(name="Sam", email="sam@example.org", role="student")
    user.set_password("correct horse battery staple")
    _db.session.add_all([cohort, user])
    _db.session.flush()
    cohort.enrol(user)
    _db.session.commit()
    return cohort.id


def _login(client, email):
    response = client.post("/login", data={"email": email, "password": "correct horse battery staple",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302


# -- who may see what ---------------------------------------------------------------------------------

def test_nobody_else_reaches_a_solo_attempt(auth, people, app):
    attempt_id = start(auth, people["student"])
    note_id = _consequence(auth, attempt_id)
    auth.logout()
    for person in ("classmate", "outsider", "tutor"):
        auth.login(people[person])
        for path in (f"/deliberations/attempts/{attempt_id}", f"/deliberations/attempts/{attempt_id}/stages/purpose",
                     f"/deliberations/attempts/{attempt_id}/stages/consequences/changes?since=0"):
            assert auth.client.get(path).status_code == 404, (person, path)
        for path in (f"/deliberations/attempts/{attempt_id}/stages/purpose/fields",
                     f"/deliberations/attempts/{attempt_id}/notes/{note_id}",
                     f"/deliberations/attempts/{attempt_id}/notes/{note_id}/delete",
                     f"/deliberations/attempts/{attempt_id}/submit"):
            assert auth.post(path, {"goal": "x", "text": "x"}).status_code == 404, (person, path)
        auth.logout()
    assert not _db.session.get(DeliberationNote, note_id).deleted


def test_the_card_tells_each_reader_where_they_stand(auth, people):
    auth.login(people["outsider"])
    assert auth.client.get(UNIT).status_code == 403  # the module is not in their programme
    auth.logout()
    auth.login(people["tutor"])
    page = auth.client.get(UNIT).get_data(as_text=True)
    assert "Tutors set the exercise up" in page
    assert f'/cohorts/{people["cohort"].id}/deliberations/{UUID}"' in page  # straight to their cohort's page
    auth.logout()
    auth.login(people["student"])
    page = auth.client.get(UNIT).get_data(as_text=True)
    assert "Start the exercise" in page and "On your own" in page


@GROUP
def test_a_group_shares_one_attempt_and_sees_each_others_notes(app, auth, people):
    ex, cohort = exercise(), people["cohort"]
    auth.login(people["student"])
    assert "Your tutor has not put you in a group yet." in auth.client.get(UNIT).get_data(as_text=True)
    auth.logout()
    group = service.add_group(ex, cohort, "Table 1")
    service.place_in_group(people["student"], group)
    service.place_in_group(people["classmate"], group)
    attempt_id = start(auth, people["student"])
    _consequence(auth, attempt_id, "Written by Sam")
    since = _db.session.get(DeliberationAttempt, attempt_id).revision
    auth.logout()
    assert start(auth, people["classmate"]) == attempt_id
    reply = auth.client.get(f"/deliberations/attempts/{attempt_id}/stages/consequences/changes?since=0").json
    note = next(n for n in reply["notes"] if "Written by Sam" in n["html"])
    pseudonym = service.pseudonym(people["student"].id, UUID)
    assert note["by"] == pseudonym and pseudonym in note["html"] and "Sam Student" not in note["html"]
    _consequence(auth, attempt_id, "Written by Cleo")
    later = auth.client.get(f"/deliberations/attempts/{attempt_id}/stages/consequences/changes?since={since}").json
    assert [">Written by Cleo</textarea>" in n["html"] for n in later["notes"]] == [True]
    assert later["revision"] > since and "visual" in later
    nothing = auth.client.get(f"/deliberations/attempts/{attempt_id}/stages/consequences/changes"
                              f"?since={later['revision']}").json
    assert nothing["notes"] == [] and nothing["revision"] == later["revision"]
    auth.logout()
    auth.login(people["outsider"])
    assert auth.client.get(f"/deliberations/attempts/{attempt_id}").status_code == 404


@pytest.mark.parametrize("app_config", [("group", "anonymous"), ("group", "named")], indirect=True)
def test_visibility_decides_how_peers_are_named(app, app_config, auth, people):
    group = service.add_group(exercise(), people["cohort"], "Table 1")
    service.place_in_group(people["student"], group)
    service.place_in_group(people["classmate"], group)
    attempt_id = start(auth, people["student"])
    _consequence(auth, attempt_id)
    auth.logout()
    auth.login(people["classmate"])
    page = auth.client.get(f"/deliberations/attempts/{attempt_id}/stages/consequences").get_data(as_text=True)
    if exercise().visibility == "named":
        assert "Sam Student" in page
    else:
        assert "Sam Student" not in page and "A participant" in page


@GROUP
def test_students_choose_a_group_where_the_tutor_allows(app, auth, people):
    ex, cohort = exercise(), people["cohort"]
    service.save_settings(ex, cohort, "group", "named", True)
    group = service.add_group(ex, cohort, "Table A")
    auth.login(people["student"])
    page = auth.client.get(UNIT).get_data(as_text=True)
    assert "Choose your group" in page and "Table A" in page
    auth.post(f"/deliberations/{UUID}/join", {"group_id": str(group.id)})
    assert service.group_of(people["student"].id, ex, cohort).id == group.id
    auth.post(f"/deliberations/{UUID}/join", {"group_id": "99999"})  # not a group of theirs: nothing changes
    assert service.group_of(people["student"].id, ex, cohort).id == group.id


# -- the opinion map ------------------------------------------------------------------------------------

def test_statements_votes_and_the_map(auth, people, make):
    attempt_id = start(auth, people["student"])
    page = auth.client.get(f"/deliberations/attempts/{attempt_id}/stages/opinions").get_data(as_text=True)
    assert "Counts should be published weekly." in page and "The map appears once 7 people" in page
    ex, cohort = exercise(), people["cohort"]
    stage = ex.stage("opinions")
    seeded = service.statements(ex, stage, cohort)
    auth.post(f"/deliberations/statements/{seeded[0].id}/vote", {"vote": "agree"})
    auth.post(f"/deliberations/statements/{seeded[0].id}/vote", {"vote": "disagree"})  # a changed mind
    assert service.my_votes(ex, cohort, people["student"]) == {seeded[0].id: -1}
    auth.post(f"/deliberations/{UUID}/stages/opinions/statements", {"text": "Residents should see the raw video"})
    texts = [s.text for s in service.statements(ex, stage, cohort)]
    assert texts[-1] == "Residents should see the raw video"
    auth.logout()
    auth.login(people["outsider"])
    assert auth.post(f"/deliberations/statements/{seeded[0].id}/vote", {"vote": "agree"}).status_code == 404
    # Enough voters for a map: two camps.
    statements = service.statements(ex, stage, cohort)
    for index in range(8):
        voter = make.user("student", cohorts=[cohort])
        for number, statement in enumerate(statements):
            service.vote(statement, voter, 1 if (number + index) % 2 else -1)
    auth.logout()
    auth.login(people["student"])
    page = auth.client.get(f"/deliberations/{UUID}/opinions").get_data(as_text=True)
    assert "opinion groups" in page and "Group A" in page
    main = page.split('id="main"', 1)[1]
    assert "Student " not in main  # no voter is named, not even the reader


def test_my_grades_lists_the_exercise(auth, people):
    attempt_id = start(auth, people["student"])
    page = auth.client.get("/grades").get_data(as_text=True)
    assert "Deliberation exercises" in page and "Sensors at the junction" in page and "In progress" in page
    attempt = _db.session.get(DeliberationAttempt, attempt_id)
    attempt.status, attempt.score = "submitted", 0.8
    _db.session.commit()
    assert "80%" in auth.client.get("/grades").get_data(as_text=True)
