"""The competency self-assessment: a student rates themselves at the start and at the end and
sees both; bad input names the field and keeps the rest; tutors see only their cohort's means."""
import re

from app.competencies import service
from app.content import current_course
from app.models import CompetencyRating, Role


def ratings(framework, level, skip=()):
    return {f"c-{c.key}": str(level) for c in framework.competencies if c.key not in skip}


def test_a_student_rates_themselves_at_the_start_and_at_the_end(app, make, auth, db):
    framework = current_course().competencies
    assert len(framework.competencies) == 15 and len(framework.dimensions) == 3
    student = make.user(Role.STUDENT, [make.cohort("pgcert")])
    auth.login(student)
    page = auth.client.get("/competencies").get_data(as_text=True)
    assert "Rate yourself at the start" in page and page.count('type="radio"') == 15 * 5
    first = framework.competencies[0]
    response = auth.post("/competencies/start", {**ratings(framework, 2, skip=[first.key]), "next": "/competencies"})
    assert response.status_code == 302 and response.location.endswith("/competencies#competency-profile")
    assert "1 competency is still to rate" in auth.client.get("/competencies").get_data(as_text=True)
    assert service.profile(student)["start"] == {c.key: 2 for c in framework.competencies[1:]}
    auth.post("/competencies/start", {f"c-{first.key}": "4", "next": "/competencies"})
    auth.post("/competencies/end", {**ratings(framework, 3), "next": "/competencies"})
    profile = service.profile(student)
    assert profile["start"][first.key] == 4 and profile["end"] == {c.key: 3 for c in framework.competencies}
    response = auth.client.get("/competencies")
    page = response.get_data(as_text=True)
    assert 'data-bokeh-item="my-profile-chart-data"' in page and "style-src-elem 'self' 'unsafe-inline'" in \
        response.headers["Content-Security-Policy"]
    assert "+1" in page and "-1" in page  # 2 -> 3 and 4 -> 3
    assert db.session.query(CompetencyRating).count() == 30


def test_a_bad_rating_names_the_field_and_keeps_the_rest(app, make, auth):
    framework = current_course().competencies
    auth.login(make.user(Role.STUDENT, [make.cohort("pgcert")]))
    bad = framework.competencies[3]
    form = {**ratings(framework, 2), f"c-{bad.key}": "9", "next": "/competencies"}
    response = auth.post("/competencies/start", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f"{bad.title}: choose a level from 1 to 5." in page
    assert page.count('value="2" checked') == 14  # what they chose is still chosen
    response = auth.post("/competencies/start", {"next": "/competencies"})
    assert response.status_code == 422 and "Rate yourself on at least one competency." in response.get_data(as_text=True)
    assert auth.post("/competencies/middle", {**ratings(framework, 2)}).status_code == 302


def test_next_only_goes_back_to_this_site(app, make, auth):
    framework = current_course().competencies
    auth.login(make.user(Role.STUDENT, [make.cohort("pgcert")]))
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = auth.post("/competencies/start", {**ratings(framework, 2), "next": target})
        assert response.location.startswith("/competencies"), target


def test_tutors_see_their_cohorts_means_and_nobody_elses(app, make, auth):
    framework = current_course().competencies
    cohort = make.cohort("pgcert")
    tutor, other_tutor = make.user(Role.TUTOR, [cohort]), make.user(Role.TUTOR, [make.cohort("pgcert")])
    students = [make.user(Role.STUDENT, [cohort]) for _ in range(3)]
    for level, student in zip((1, 2, 4), students):
        service.save(student, "start", {c.key: level for c in framework.competencies})
    service.save(students[0], "end", {framework.competencies[0].key: 5})
    auth.login(tutor)
    page = auth.client.get(f"/cohorts/{cohort.id}/competencies").get_data(as_text=True)
    assert "3 of 3 students rated themselves at the start; 1 at the end." in page
    assert re.search(r"2\.3 \(3\)</td>\s*<td>5\.0 \(1\)", page)
    assert "cohort-profile-chart-data" in page
    auth.logout()
    auth.login(other_tutor)
    assert auth.client.get(f"/cohorts/{cohort.id}/competencies").status_code == 404
    auth.logout()
    auth.login(students[0])
    assert auth.client.get(f"/cohorts/{cohort.id}/competencies").status_code == 403


def test_the_unit_activity_shows_the_form_then_the_profile(app, make, auth, course_copy):
    from app.content import CourseStore
    from tests.conftest import write

    unit = course_copy / "modules/m1-digital-innovation/01-what-makes-a-city-smart.md"
    unit.write_text(unit.read_text(encoding="utf-8") + "\n::: competency-profile\nround: start\n:::\n", encoding="utf-8")
    write(course_copy / "modules/m1-digital-innovation/02-x.md", "---\nuuid: 6f1b6c2e-0d7b-4a57-8f0e-2d1d7b0c9e11\n"
          "title: X\nminutes: 5\n---\n::: competency-profile\nround: middle\n:::\n")
    store = CourseStore(course_copy, auto_reload=False)
    assert any("competency-profile: 'round' must be start or end, got 'middle'" in str(p) for p in store.course.problems)
    (course_copy / "modules/m1-digital-innovation/02-x.md").unlink()
    app.extensions["leadup_course"] = CourseStore(course_copy, auto_reload=False)
    framework = current_course().competencies
    student = make.user(Role.STUDENT, [make.cohort("pgcert")])
    auth.login(student)
    url = "/modules/m1-digital-innovation/what-makes-a-city-smart"
    page = auth.client.get(url).get_data(as_text=True)
    assert 'id="competency-profile"' in page and "Rate yourself now" in page and "data-bokeh-item" not in page
    response = auth.post("/competencies/start", {**ratings(framework, 3), "next": url + "#competency-profile"})
    assert response.location.endswith(url + "#competency-profile")
    response = auth.client.get(url)
    page = response.get_data(as_text=True)
    assert "competency-profile-chart-data" in page and "Change your ratings (15 of 15 rated)" in page
    assert "'unsafe-inline'" in response.headers["Content-Security-Policy"]
