"""Role × route matrix: every route is reachable by exactly the roles and cohorts it should be,
and every state-changing route refuses a request without a CSRF token.

Adding a route fails ``test_every_route_is_in_the_matrix`` until it is listed here.
"""
import pytest

from app.content import current_course
from app.models import Role
from tests.conftest import PASSWORD, csrf_token

PEOPLE = ["anon", "student_a", "student_b", "tutor_a", "tutor_b", "admin"]
EVERYONE = set(PEOPLE)
SIGNED_IN = EVERYONE - {"anon"}
TUTORS = {"tutor_a", "tutor_b", "admin"}
TUTORS_OF_A = {"tutor_a", "admin"}

# endpoint: (method, who may reach it). Cohort A studies the PGCert, cohort B Executive Education;
# URLs below point at cohort A, its first PGCert unit and a student of cohort A.
MATRIX = {
    "static": ("GET", EVERYONE),
    "main.healthz": ("GET", EVERYONE),
    "auth.login": ("GET", EVERYONE),
    "auth.logout": ("POST", EVERYONE),
    "auth.reset_password": ("GET", EVERYONE),
    "auth.account": ("GET", SIGNED_IN),
    "courseware.programme": ("GET", EVERYONE),
    "courseware.module": ("GET", EVERYONE),
    "courseware.unit": ("GET", SIGNED_IN - {"student_b"}),
    "courseware.mark_complete": ("POST", SIGNED_IN - {"student_b"}),
    "courseware.course_file": ("GET", SIGNED_IN - {"student_b"}),
    "courseware.problems": ("GET", TUTORS),
    "manage.cohorts": ("GET", TUTORS),
    "manage.new_cohort": ("GET", TUTORS),
    "manage.cohort": ("GET", TUTORS_OF_A),
    "manage.enrol": ("POST", TUTORS_OF_A),
    "manage.add_tutor": ("POST", {"admin"}),
    "manage.remove_member": ("POST", TUTORS_OF_A),
    "manage.cohort_progress": ("GET", TUTORS_OF_A),
    "manage.reset_link": ("POST", TUTORS_OF_A),
    "manage.users": ("GET", {"admin"}),
    "manage.create_user": ("POST", {"admin"}),
    "assets.vendored": ("GET", EVERYONE),
    "assets.sims_zip": ("GET", EVERYONE),
    "assets.pyodide_smoke": ("GET", SIGNED_IN),
}


@pytest.fixture
def world(app, make, db):
    cohort_a, cohort_b = make.cohort("pgcert", "A"), make.cohort("executive", "B")
    users = {
        "student_a": make.user(Role.STUDENT, [cohort_a]),
        "student_b": make.user(Role.STUDENT, [cohort_b]),
        "tutor_a": make.user(Role.TUTOR, [cohort_a]),
        "tutor_b": make.user(Role.TUTOR, [cohort_b]),
        "admin": make.user(Role.ADMIN),
    }
    outsider = make.user(Role.STUDENT)  # in no cohort: removal targets give 404 after the check
    unit = current_course().modules_for_levels(["pgcert"])[0].units[0]
    args = {
        "module_slug": unit.module.slug,
        "unit_slug": unit.slug,
        "cohort_id": cohort_a.id,
        "filename": f"modules/{unit.module.slug}/missing.png",
        "token": "not-a-token",
    }
    return {"users": users, "args": args, "student_a": users["student_a"], "outsider": outsider}


def url_for_rule(rule, world):
    args = dict(world["args"])
    if rule.endpoint == "static":
        args["filename"] = "css/site.css"
    if rule.endpoint == "assets.vendored":
        args["filename"] = "nothing/here.js"
    if "user_id" in rule.arguments:
        removing = rule.endpoint == "manage.remove_member"
        args["user_id"] = (world["outsider"] if removing else world["student_a"]).id
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(args[name])).replace(f"<path:{name}>", str(args[name])).replace(f"<{name}>", str(args[name]))
    return path


def client_for(app, person, user):
    client = app.test_client()
    if user is not None:
        token = csrf_token(client)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, f"{person} could not sign in"
    return client


def reached(response):
    """True unless the response refused access (sign-in redirect, 401 or 403)."""
    if response.status_code in (401, 403):
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
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token})
            response.close()  # file responses hold the file open until closed
            expected = person in allowed
            if reached(response) != expected:
                failures.append(f"{person} {method} {url}: got {response.status_code}, expected {'access' if expected else 'refusal'}")
            if person != "anon" and rule.endpoint == "auth.logout":
                client = client_for(app, person, world["users"][person])
                token = csrf_token(client, "/account")
    assert failures == []


def test_every_post_route_requires_csrf(app, world):
    client = client_for(app, "admin", world["users"]["admin"])
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        response = client.post(url_for_rule(rule, world), data={})
        assert response.status_code == 400, f"{rule.rule} accepted a POST without a CSRF token"
        checked += 1
    assert checked >= 8


def test_no_route_changes_state_on_get(app):
    for rule in app.url_map.iter_rules():
        method, _ = MATRIX[rule.endpoint]
        if method == "POST":
            assert "GET" not in rule.methods, f"{rule.rule} accepts GET"
