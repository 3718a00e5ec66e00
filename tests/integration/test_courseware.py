"""Programme, module and unit pages; progress; course files; course problems for tutors."""
from app.content import current_course
from app.models import Role, UnitCompletion


def first_unit(level="pgcert"):
    course = current_course()
    return course.modules_for_levels([level])[0].units[0]


def test_programme_lists_levels_and_modules(client):
    html = client.get("/").get_data(as_text=True)
    course = current_course()
    for level in course.levels:
        assert level.title in html
    for module in course.modules:
        assert module.title in html


def test_module_page_is_public_but_units_need_sign_in(client):
    unit = first_unit()
    html = client.get(unit.module.url).get_data(as_text=True)
    assert unit.module.title in html and unit.title in html
    response = client.get(unit.url)
    assert response.status_code == 302 and "/login?next=" in response.location


def test_student_reads_units_of_their_level_only(client, auth, make):
    cohort = make.cohort("pgcert")
    student = make.user(cohorts=[cohort])
    auth.login(student)
    unit = first_unit("pgcert")
    page = client.get(unit.url)
    assert page.status_code == 200 and unit.title in page.get_data(as_text=True)
    other = next(m for m in current_course().modules if m.level_id == "pgdip").units[0]
    assert client.get(other.url).status_code == 403
    assert "Not part of your cohort" in client.get("/").get_data(as_text=True)


def test_diploma_students_also_read_certificate_modules(client, auth, make):
    student = make.user(cohorts=[make.cohort("pgdip")])
    auth.login(student)
    assert client.get(first_unit("pgcert").url).status_code == 200


def test_tutor_reads_every_unit(client, auth, make):
    auth.login(make.user(Role.TUTOR))
    for module in current_course().modules:
        for unit in module.units:
            assert client.get(unit.url).status_code == 200, unit.url


def test_mark_complete_updates_progress(client, auth, make, db):
    student = make.user(cohorts=[make.cohort("pgcert")])
    auth.login(student)
    unit = first_unit()
    assert client.get("/").get_data(as_text=True).count("0 of") >= 1
    response = auth.post(f"{unit.url}/complete", {"done": "1"})
    assert response.status_code == 302
    assert UnitCompletion.completed_uuids([student.id])[student.id] == {unit.uuid}
    html = client.get(unit.url).get_data(as_text=True)
    assert "You have completed this unit." in html
    assert f"1 of {len(unit.module.units)} units done" in client.get("/").get_data(as_text=True)
    auth.post(f"{unit.url}/complete", {"done": "1"})  # idempotent
    assert len(UnitCompletion.completed_uuids([student.id])[student.id]) == 1
    auth.post(f"{unit.url}/complete", {"done": "0"})
    assert UnitCompletion.completed_uuids([student.id])[student.id] == set()


def test_mark_complete_then_next(client, auth, make):
    auth.login(make.user(cohorts=[make.cohort("pgcert")]))
    unit = first_unit()
    _, following = current_course().neighbours(unit)
    response = auth.post(f"{unit.url}/complete", {"done": "1", "then": "next"})
    assert response.location == following.url


def test_mark_complete_needs_csrf(client, auth, make):
    auth.login(make.user(cohorts=[make.cohort("pgcert")]))
    assert client.post(f"{first_unit().url}/complete", data={"done": "1"}).status_code == 400


def test_unit_page_has_navigation_and_activity(client, auth, make):
    auth.login(make.user(Role.TUTOR))
    unit = first_unit()
    html = client.get(unit.url).get_data(as_text=True)
    _, following = current_course().neighbours(unit)
    assert f'href="{following.url}" rel="next"' in html
    assert 'class="activity activity-reflection"' in html
    assert 'aria-current="page"' in html


def test_unknown_pages_are_404(client, auth, make):
    auth.login(make.user(Role.TUTOR))
    assert client.get("/modules/nope").status_code == 404
    assert client.get("/modules/m1-digital-innovation/nope").status_code == 404


def test_course_files_never_serve_markdown(client, auth, make):
    auth.login(make.user(Role.TUTOR))
    unit = first_unit()
    assert client.get(f"/course-files/modules/{unit.module.slug}/module.md").status_code == 404
    assert client.get("/course-files/programme.yaml").status_code == 404
    assert client.get("/course-files/modules/../../app/config.py").status_code == 404


def test_rendered_units_are_cached_not_rebuilt(app, client, auth, make, monkeypatch):
    from app.content import markdown_render

    auth.login(make.user(Role.TUTOR))
    calls = []
    monkeypatch.setattr(markdown_render, "render", lambda *a, **k: calls.append(1) or "")
    for _ in range(3):
        assert client.get(first_unit().url).status_code == 200
    assert calls == []
