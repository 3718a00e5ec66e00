"""Role × route matrix: every route is reachable by exactly the roles and cohorts it should be,
and every state-changing route refuses a request without a CSRF token.

Adding a route fails ``test_every_route_is_in_the_matrix`` until it is listed here.
"""
import pytest
import sqlalchemy as sa

from app.content import current_course
from app.deliberation import service as delib_service
from app.live import service as live_service
from app.models import CityDataset, Invitation, Membership, Role, SavedScenario
from app.quizzes import service as quiz_service
from app.simulations import service
from tests.conftest import PASSWORD, csrf_token

# tutor_c teaches no cohort at all: a tutor account, and nothing more.
PEOPLE = ["anon", "student_a", "student_b", "tutor_a", "tutor_b", "tutor_c", "admin"]
EVERYONE = set(PEOPLE)
SIGNED_IN = EVERYONE - {"anon"}
TUTORS = {"tutor_a", "tutor_b", "tutor_c", "admin"}
TUTORS_OF_A = {"tutor_a", "admin"}
# Who may see student_a's saved scenario: its owner, a tutor of the owner's cohort, an admin.
SEES_SCENARIO = {"student_a", "tutor_a", "admin"}
# Who may use tutor_a's city dataset for cohort A.
USES_CITY = {"student_a", "tutor_a", "admin"}

# endpoint: (method, who may reach it). Cohort A studies the PGCert, cohort B Executive Education;
# URLs below point at cohort A, its first PGCert unit and a student of cohort A. student_a has an
# invitation to a third cohort (accept/decline); the outsider one to cohort A (withdraw).
MATRIX = {
    "static": ("GET", EVERYONE),
    "main.healthz": ("GET", EVERYONE),
    "auth.login": ("GET", EVERYONE),
    "auth.logout": ("POST", EVERYONE),
    "auth.reset_password": ("GET", EVERYONE),
    "auth.account": ("GET", SIGNED_IN),
    "auth.accept_invitation": ("POST", {"student_a"}),
    "auth.decline_invitation": ("POST", {"student_a"}),
    "courseware.programme": ("GET", EVERYONE),
    "courseware.module": ("GET", EVERYONE),
    "courseware.unit": ("GET", SIGNED_IN - {"student_b"}),
    "courseware.mark_complete": ("POST", SIGNED_IN - {"student_b"}),
    "courseware.course_file": ("GET", SIGNED_IN - {"student_b"}),
    "courseware.problems": ("GET", TUTORS),
    "courseware.glossary": ("GET", EVERYONE),
    "courseware.course_map": ("GET", EVERYONE),
    "courseware.search_page": ("GET", SIGNED_IN),
    "competencies.mine": ("GET", SIGNED_IN),
    "competencies.save": ("POST", SIGNED_IN),
    "competencies.cohort": ("GET", TUTORS_OF_A),
    "manage.cohorts": ("GET", TUTORS),
    "manage.new_cohort": ("GET", TUTORS),
    "manage.cohort": ("GET", TUTORS_OF_A),
    "manage.enrol": ("POST", TUTORS_OF_A),
    "manage.add_tutor": ("POST", {"admin"}),
    "manage.remove_member": ("POST", TUTORS_OF_A),
    "manage.cohort_progress": ("GET", TUTORS_OF_A),
    "manage.reset_link": ("POST", TUTORS_OF_A),
    "manage.withdraw_invitation": ("POST", TUTORS_OF_A),
    "manage.users": ("GET", {"admin"}),
    "manage.create_user": ("POST", {"admin"}),
    "assets.vendored": ("GET", EVERYONE),
    "assets.sims_file": ("GET", EVERYONE),
    "assets.pyodide_smoke": ("GET", SIGNED_IN),
    "assets.service_worker": ("GET", EVERYONE),
    "simulations.index": ("GET", SIGNED_IN),
    "simulations.model": ("GET", SIGNED_IN),
    "simulations.source": ("GET", SIGNED_IN),
    "simulations.api_list": ("GET", SIGNED_IN),
    "simulations.api_save": ("POST", SIGNED_IN),
    "simulations.api_get": ("GET", SEES_SCENARIO),
    "simulations.api_delete": ("DELETE", {"student_a"}),
    "simulations.my_scenarios": ("GET", SIGNED_IN),
    "simulations.scenario": ("GET", SEES_SCENARIO),
    "simulations.compare": ("GET", SEES_SCENARIO),
    "simulations.verify": ("POST", SEES_SCENARIO),
    "simulations.delete_scenario": ("POST", {"student_a"}),
    "simulations.cohort_scenarios": ("GET", TUTORS_OF_A),
    "simulations.datasets": ("GET", TUTORS),
    "simulations.upload_dataset": ("POST", TUTORS),
    "simulations.delete_dataset": ("POST", TUTORS_OF_A),
    "simulations.dataset_json": ("GET", USES_CITY),
    "quizzes.start": ("POST", SIGNED_IN - {"student_b"}),
    "quizzes.attempt": ("GET", {"student_a"}),
    "quizzes.save": ("POST", {"student_a"}),
    "quizzes.submit": ("POST", {"student_a"}),
    "gradebook.mine": ("GET", SIGNED_IN),
    "gradebook.cohort": ("GET", TUTORS_OF_A),
    "gradebook.cohort_csv": ("GET", TUTORS_OF_A),
    "quizzes.student_quiz": ("GET", TUTORS_OF_A),
    "quizzes.override_grade": ("POST", TUTORS_OF_A),
    "quizzes.delete_override": ("POST", TUTORS_OF_A),
    "quizzes.extend_due": ("POST", TUTORS_OF_A),
    "quizzes.delete_extension": ("POST", TUTORS_OF_A),
    "quizzes.tutor_attempt": ("GET", TUTORS_OF_A),
    "quizzes.grade_answer": ("POST", TUTORS_OF_A),
    "quizzes.analytics_page": ("GET", TUTORS_OF_A),
    "deliberation.start": ("POST", SIGNED_IN - {"student_b"}),
    "deliberation.join": ("POST", SIGNED_IN - {"student_b"}),
    "deliberation.start_page": ("GET", SIGNED_IN - {"student_b"}),
    "deliberation.attempt": ("GET", {"student_a"}),
    "deliberation.stage": ("GET", {"student_a"}),
    "deliberation.save_fields": ("POST", {"student_a"}),
    "deliberation.add_note": ("POST", {"student_a"}),
    "deliberation.update_note": ("POST", {"student_a"}),
    "deliberation.delete_note": ("POST", {"student_a"}),
    "deliberation.set_dots": ("POST", {"student_a"}),
    "deliberation.attach_scenario": ("POST", {"student_a"}),
    "deliberation.changes": ("GET", {"student_a"}),
    "deliberation.submit": ("POST", {"student_a"}),
    "deliberation.vote": ("POST", {"student_a"}),
    "deliberation.add_statement": ("POST", {"student_a"}),
    "deliberation.opinions": ("GET", {"student_a"}),
    "deliberation.attempt_report": ("GET", {"student_a"} | TUTORS_OF_A),
    "deliberation.attempt_report_csv": ("GET", {"student_a"} | TUTORS_OF_A),
    "deliberation.cohort_report": ("GET", TUTORS_OF_A),
    "deliberation.cohort_report_csv": ("GET", TUTORS_OF_A),
    "deliberation.tutor_exercises": ("GET", TUTORS_OF_A),
    "deliberation.tutor_overview": ("GET", TUTORS_OF_A),
    "deliberation.tutor_settings": ("POST", TUTORS_OF_A),
    "deliberation.tutor_add_group": ("POST", TUTORS_OF_A),
    "deliberation.tutor_auto_groups": ("POST", TUTORS_OF_A),
    "deliberation.tutor_move_member": ("POST", TUTORS_OF_A),
    "deliberation.tutor_delete_group": ("POST", TUTORS_OF_A),
    "deliberation.tutor_attempt": ("GET", TUTORS_OF_A),
    "deliberation.tutor_comment": ("POST", TUTORS_OF_A),
    "deliberation.tutor_grade": ("POST", TUTORS_OF_A),
    "deliberation.tutor_reopen": ("POST", TUTORS_OF_A),
    "deliberation.tutor_compare": ("GET", TUTORS_OF_A),
    "deliberation.tutor_opinions": ("GET", TUTORS_OF_A),
    "deliberation.tutor_hide_statement": ("POST", TUTORS_OF_A),
    "live.index": ("GET", TUTORS),
    "live.create": ("POST", TUTORS),
    "live.control": ("GET", TUTORS_OF_A),
    "live.add_activity": ("POST", TUTORS_OF_A),
    "live.go_live": ("POST", TUTORS_OF_A),
    "live.results": ("POST", TUTORS_OF_A),
    "live.moderate": ("POST", TUTORS_OF_A),
    "live.merge": ("POST", TUTORS_OF_A),
    "live.group_board": ("POST", TUTORS_OF_A),
    "live.plan_file": ("GET", TUTORS_OF_A),
    "live.run_again": ("POST", TUTORS_OF_A),
    "live.close": ("POST", TUTORS_OF_A),
    "live.projector": ("GET", TUTORS_OF_A),
    "live.join_form": ("GET", EVERYONE),
    "live.join_page": ("GET", EVERYONE),
    "live.join": ("POST", EVERYONE),
    "live.room": ("GET", EVERYONE),  # anyone not in the room is sent to the join page
    "live.choose_table": ("POST", {"student_a"}),
    "live.post": ("POST", {"student_a"}),
    "live.vote": ("POST", {"student_a"}),
    "live.results_fragment": ("GET", {"student_a"} | TUTORS_OF_A),
    "live.poll": ("GET", {"student_a"} | TUTORS_OF_A),
    "live.stream": ("GET", {"student_a"} | TUTORS_OF_A),
    "live.start_plan": ("POST", TUTORS),
    "live.timer": ("POST", TUTORS_OF_A),
    "live.assign_table": ("POST", TUTORS_OF_A),
    "live.remove_participant": ("POST", TUTORS_OF_A),
    "live.add_table": ("POST", TUTORS_OF_A),
    "live.export_csv": ("GET", TUTORS_OF_A),
    "live.report": ("GET", TUTORS_OF_A),
    # cohort discussions: cohort A's members and admins; its tutors moderate; authors edit their own
    "discussions.index": ("GET", {"student_a"} | TUTORS_OF_A),
    "discussions.new_topic": ("GET", {"student_a"} | TUTORS_OF_A),
    "discussions.create_topic": ("POST", {"student_a"} | TUTORS_OF_A),
    "discussions.topic": ("GET", {"student_a"} | TUTORS_OF_A),
    "discussions.reply": ("POST", {"student_a"} | TUTORS_OF_A),
    "discussions.edit_topic_form": ("GET", {"student_a"}),
    "discussions.edit_topic": ("POST", {"student_a"}),
    "discussions.edit_reply_form": ("GET", {"student_a"}),
    "discussions.edit_reply": ("POST", {"student_a"}),
    "discussions.moderate_topic": ("POST", TUTORS_OF_A),
    "discussions.moderate_reply": ("POST", TUTORS_OF_A),
    "discussions.live_notes_form": ("GET", TUTORS_OF_A),
    "discussions.live_notes_to_topics": ("POST", TUTORS_OF_A),
}
DELIBERATION_404 = {endpoint for endpoint in MATRIX if endpoint.startswith("deliberation.")}
LIVE_404 = {"live.control", "live.add_activity", "live.go_live", "live.results", "live.moderate", "live.close",
            "live.projector", "live.choose_table", "live.poll", "live.stream", "live.vote", "live.results_fragment",
            "live.timer", "live.assign_table", "live.remove_participant", "live.add_table", "live.export_csv",
            "live.report", "live.merge", "live.group_board",
            "live.plan_file", "live.run_again"}

# These answer 404 to whoever may not see the thing, so as not to reveal that it exists.
REFUSED_AS_404 = {
    "simulations.api_get", "simulations.api_delete", "simulations.scenario", "simulations.compare",
    "simulations.verify", "simulations.delete_scenario", "simulations.dataset_json",
    "quizzes.start", "quizzes.attempt", "quizzes.save", "quizzes.submit",
    "gradebook.cohort", "gradebook.cohort_csv", "quizzes.student_quiz", "quizzes.override_grade",
    "quizzes.delete_override", "quizzes.extend_due", "quizzes.delete_extension", "quizzes.tutor_attempt",
    "quizzes.grade_answer", "quizzes.analytics_page", "competencies.cohort",
    "auth.accept_invitation", "auth.decline_invitation",
} | DELIBERATION_404 | LIVE_404 | {endpoint for endpoint in MATRIX if endpoint.startswith("discussions.")}
# Requests to these delete their target: each request gets a fresh one (``world["restore"]``).
DESTRUCTIVE = {"simulations.api_delete", "simulations.delete_scenario", "simulations.delete_dataset",
               "auth.accept_invitation", "auth.decline_invitation", "manage.withdraw_invitation"}


@pytest.fixture
def world(app, make, db):
    cohort_a, cohort_b = make.cohort("pgcert", "A"), make.cohort("executive", "B")
    users = {
        "student_a": make.user(Role.STUDENT, [cohort_a]),
        "student_b": make.user(Role.STUDENT, [cohort_b]),
        "tutor_a": make.user(Role.TUTOR, [cohort_a]),
        "tutor_b": make.user(Role.TUTOR, [cohort_b]),
        "tutor_c": make.user(Role.TUTOR),
        "admin": make.user(Role.ADMIN),
    }
    outsider = make.user(Role.STUDENT)  # in no cohort: removal targets give 404 after the check
    # Invitations: student_a's to a cohort of its own (accepting it changes no other route), and
    # the outsider's to cohort A, which cohort A's tutors may withdraw.
    cohort_c = make.cohort("executive", "C")
    invitations = {"accept": cohort_c.invite(users["student_a"], users["admin"])[0],
                   "withdraw": cohort_a.invite(outsider, users["tutor_a"])[0]}
    db.session.commit()
    unit = current_course().modules_for_levels(["pgcert"])[0].units[0]
    kept, _ = service.save_scenario(users["student_a"], {"scenario": "teleworking", "title": "Kept"})
    city, _ = service.import_dataset(users["tutor_a"], "Town", cohort_a, ZONES, FLOWS, "", None)
    doomed = {"scenario": _copy(kept, id=kept.id + 1000), "dataset": _copy(city, id=city.id + 1000),
              **{name: _copy(invitation) for name, invitation in invitations.items()}}

    def restore():
        """Put back the targets of the deleting routes (same ids), so every request meets one, and
        take student_a out of cohort C again (accepting its invitation put them in)."""
        for row in doomed.values():
            if db.session.get(type(row), row.id) is None:
                db.session.add(_copy(row))
        db.session.execute(sa.delete(Membership).where(Membership.cohort_id == cohort_c.id))
        db.session.commit()

    restore()
    quiz = next(q for q in current_course().quizzes_for_levels(["pgcert"]) if any(x.manual for x in q.questions))
    attempt, _ = quiz_service.start(users["student_a"], quiz)
    essay = next(q for q in quiz.questions if q.manual)
    quiz_service.submit(attempt, quiz, {essay.id: "Sensors, with a public register of what they collect."})
    answer = next(a for a in attempt.answers if a.question_id == essay.id)
    delib = _deliberation_world(users["student_a"], cohort_a)
    live = _live_world(users["tutor_a"], users["student_a"], cohort_a)
    discussion = _discussion_world(users["student_a"], cohort_a)
    args = {
        "module_slug": unit.module.slug,
        "unit_slug": unit.slug,
        "cohort_id": cohort_a.id,
        "filename": f"modules/{unit.module.slug}/missing.png",
        "token": "not-a-token",
        "name": "teleworking",
        "scenario_id": kept.id,
        "dataset_id": city.id,
        "quiz_uuid": quiz.uuid,
        "attempt_id": attempt.id,
        "answer_id": answer.id,
        "round_": "start",
        **live,
        **discussion,
    }
    return {"users": users, "args": args, "delib": delib, "student_a": users["student_a"], "outsider": outsider,
            "doomed": {"scenario_id": doomed["scenario"].id, "dataset_id": doomed["dataset"].id},
            "invitations": {name: invitation.id for name, invitation in invitations.items()}, "restore": restore}


def _live_world(tutor, student, cohort):
    """A live session of cohort A's tutor with a board on screen and student_a in the room."""
    session = live_service.create_session(tutor, "Day 1", cohort, tables=2)
    activity = live_service.add_activity(session, "board", "By 2030...")
    live_service.go_live(session, activity)
    participant, _ = live_service.join(session, student)
    live_service.choose_table(participant, session.tables[0].id)
    post, _ = live_service.post_note(participant, activity, "Fewer cars", "yellow", "key-1")
    # Joining makes anyone a participant: the join route is tried on another session, so the
    # matrix shows who reaches the first one without having joined it.
    other = live_service.create_session(tutor, "Day 2", cohort, tables=0)
    guest, _ = live_service.join(session, None, "Guest")  # the tutor's table and remove routes act on a guest
    return {"code": session.code, "activity_id": activity.id, "post_id": post.id, "join_code": other.code,
            "participant_id": guest.id}


def _discussion_world(student, cohort):
    """A topic of student_a's in cohort A with a reply of theirs (both still editable)."""
    from app.discussions import service as discussion_service

    topic = discussion_service.start_topic(cohort, student, "Sensors", "Who owns the data?")
    reply, _ = discussion_service.reply(topic, student, "The council, I think.", key="matrix-key-1")
    return {"topic_id": topic.id, "reply_id": reply.id}


def _deliberation_world(student, cohort):
    """A group attempt of student_a's (with a note, a statement and an empty group) for the routes."""
    exercise = next(e for e in current_course().deliberations_for_levels(["pgcert"])
                    if any(s.type.name == "opinions" for s in e.stages))
    group, spare = delib_service.add_group(exercise, cohort, "Table A"), delib_service.add_group(exercise, cohort, "B")
    delib_service.save_settings(exercise, cohort, "group", "pseudonymous", False)
    delib_service.place_in_group(student, group)
    attempt = delib_service.start(student, exercise)
    stage = next(s for s in exercise.stages if s.note is not None)
    values = {spec.name: "A note" for spec in stage.note.fields if spec.required}
    note, _ = delib_service.add_note(attempt, exercise, stage, values, student)
    opinions = next(s for s in exercise.stages if s.type.name == "opinions")
    statement = delib_service.statements(exercise, opinions, cohort)[0]
    count = iter(range(1000))

    def new_group():
        """An empty group for each request that deletes one."""
        return delib_service.add_group(exercise, cohort, f"Spare {next(count)}").id

    return {"args": {"exercise_uuid": exercise.uuid, "attempt_id": attempt.id, "stage_id": stage.id,
                     "note_id": note.id, "statement_id": statement.id, "group_id": spare.id},
            "opinions_stage": opinions.id, "new_group": new_group}


ZONES = "zone_id,name,lat,lon\nA,Alpha,52.2,0.1\nB,Beta,52.3,0.2\n"
FLOWS = "origin,destination,flow\nA,A,100\nA,B,50\nB,A,20\nB,B,80\n"


def _copy(row, **changes):
    """A detached copy of a saved scenario or city dataset row."""
    columns = {c.key: getattr(row, c.key) for c in row.__table__.columns}
    return type(row)(**{**columns, **changes})


def url_for_rule(rule, world):
    args = dict(world["args"])
    if rule.endpoint == "static":
        args["filename"] = "css/site.css"
    if rule.endpoint == "assets.vendored":
        args["filename"] = "nothing/here.js"
    if rule.endpoint == "assets.sims_file":
        from app.assets import sims_package

        args.update(digest=sims_package.current_hash(), filename="pyodide-lock.json")
    if "user_id" in rule.arguments:
        removing = rule.endpoint == "manage.remove_member"
        args["user_id"] = (world["outsider"] if removing else world["student_a"]).id
    if rule.endpoint in DESTRUCTIVE:
        args.update(world["doomed"])
    if "invitation_id" in rule.arguments:
        args["invitation_id"] = world["invitations"]["withdraw" if rule.endpoint.startswith("manage.") else "accept"]
    if rule.endpoint.startswith("deliberation."):
        args.update(world["delib"]["args"])
    if rule.endpoint == "live.join":
        args["code"] = args["join_code"]
    if rule.endpoint == "deliberation.add_statement":
        args["stage_id"] = world["delib"]["opinions_stage"]
    if rule.endpoint == "deliberation.tutor_delete_group":
        args["group_id"] = world["delib"]["new_group"]()
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(args[name])).replace(f"<path:{name}>", str(args[name])).replace(f"<{name}>", str(args[name]))
    if rule.endpoint == "simulations.compare":
        path += f"?a={args['scenario_id']}&b={args['scenario_id']}"
    return path


def send(client, method, url, token=None):
    """A request as the matrix sends it: the CSRF token in the form, or in a header for DELETE."""
    if method == "GET":
        return client.get(url)
    if method == "DELETE":
        return client.delete(url, headers={"X-CSRFToken": token} if token else {})
    return client.post(url, data={"csrf_token": token} if token else {})


def client_for(app, person, user):
    client = app.test_client()
    if user is not None:
        token = csrf_token(client)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, f"{person} could not sign in"
    return client


def reached(response, endpoint=None):
    """True unless the response refused access (sign-in redirect, 401 or 403; 404 where that refuses)."""
    if response.status_code in (401, 403) or (response.status_code == 404 and endpoint in REFUSED_AS_404):
        return False
    return not (response.status_code == 302 and "/login" in response.location and "next=" in response.location)


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(MATRIX) == set(), "add new routes to MATRIX"
    assert set(MATRIX) - endpoints == set(), "MATRIX lists routes that no longer exist"


def test_every_view_declares_its_access(app):
    undeclared = [
        endpoint for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, "access", None)
    ]
    assert undeclared == [], "decorate these views with @public, @signed_in or @roles(...)"


def test_role_and_cohort_matrix(app, world):
    rules = [r for r in app.url_map.iter_rules()]
    failures = []
    for person in PEOPLE:
        client = client_for(app, person, world["users"].get(person))
        token = csrf_token(client, "/account" if person != "anon" else "/login")
        for rule in rules:
            method, allowed = MATRIX[rule.endpoint]
            url = url_for_rule(rule, world)
            if rule.endpoint in DESTRUCTIVE:
                world["restore"]()
            response = send(client, method, url, token)
            response.close()  # file responses hold the file open until closed
            if rule.endpoint in DESTRUCTIVE:
                world["restore"]()
            expected = person in allowed
            if reached(response, rule.endpoint) != expected:
                failures.append(f"{person} {method} {url}: got {response.status_code}, expected {'access' if expected else 'refusal'}")
            if person != "anon" and rule.endpoint == "auth.logout":
                client = client_for(app, person, world["users"][person])
                token = csrf_token(client, "/account")
    assert failures == [], "\n".join(failures)


def test_every_post_route_requires_csrf(app, world, db):
    client = client_for(app, "admin", world["users"]["admin"])
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in sorted({"POST", "DELETE"} & rule.methods):
            response = send(client, method, url_for_rule(rule, world))
            assert response.status_code == 400, f"{rule.rule} accepted a {method} without a CSRF token"
            checked += 1
    assert checked >= 14
    # and the refused requests deleted nothing
    assert db.session.get(SavedScenario, world["doomed"]["scenario_id"]) is not None
    assert db.session.get(CityDataset, world["doomed"]["dataset_id"]) is not None
    assert all(db.session.get(Invitation, i) is not None for i in world["invitations"].values())


def test_no_route_changes_state_on_get(app):
    for rule in app.url_map.iter_rules():
        method, _ = MATRIX[rule.endpoint]
        if method in ("POST", "DELETE"):
            assert "GET" not in rule.methods, f"{rule.rule} accepts GET"
