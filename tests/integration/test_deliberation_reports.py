"""Reports of deliberation attempts: the printable page and the CSV, for students and tutors."""
import csv
import io

from app.deliberation import service
from app.extensions import db
from app.models import Role, SavedScenario
from tests.integration import deliberation_world
from tests.integration.deliberation_world import EXERCISE_UUID, exercise, stage, work

# The shared course (app_config) and cohort (world) fixtures: pytest finds fixtures among a module's names.
app_config, world = deliberation_world.app_config, deliberation_world.world

SCRIPT = "<script>alert(1)</script>"


def report(attempt):
    return f"/deliberations/attempts/{attempt.id}/report"


def rows_of(response):
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # the BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_html_report_escapes_learner_text_and_shows_the_grade(client, auth, world):
    attempt = work(world["amira"], consequence=SCRIPT)
    note = service.load_state(attempt).notes_of("consequences")[0]
    service.add_comment(attempt, exercise(), "consequences", note.id, "Name the <i>road</i>", world["tutor"])
    service.grade(attempt, exercise(), {0: 1, 1: 0}, "Line one\nLine two", world["tutor"])
    auth.login(world["amira"])
    response = client.get(report(attempt))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and SCRIPT not in html
    assert "Name the &lt;i&gt;road&lt;/i&gt;" in html and "Tess Tutor" in html
    assert "<strong>sensors</strong>" in html  # the brief is the course's Markdown
    assert "Wide and specific" in html and "2 of 2" in html and "Line one\nLine two" in html
    assert "Track the 2030 goal" in html and "Stage 5: Decision and reflection" in html


def test_csv_report_guards_formulas_and_has_a_bom(client, auth, world):
    attempt = work(world["amira"], consequence="=cmd|' /C calc'!A0")
    service.grade(attempt, exercise(), {0: 1, 1: 2}, "=HYPERLINK(1)", world["tutor"])
    auth.login(world["amira"])
    response = client.get(f"{report(attempt)}.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0][:3] == ["Attempt", "Owner", "Members"] and rows[0][-1] == "Time (UTC)"
    values = [row[7] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in values and "'=HYPERLINK(1)" in values
    kinds = {row[5] for row in rows[1:]}
    assert {"field", "note", "dot", "grade"} <= kinds
    assert all(row[0] == str(attempt.id) for row in rows[1:])


def test_students_read_their_own_report_only(client, auth, world):
    mine = work(world["amira"])
    theirs = work(world["tom"])
    auth.login(world["amira"])
    assert client.get(report(mine)).status_code == 200
    assert client.get(report(theirs)).status_code == 404
    assert client.get(f"{report(theirs)}.csv").status_code == 404
    assert client.get(f"/cohorts/{world['cohort'].id}/deliberations/{EXERCISE_UUID}/report").status_code == 403
    auth.logout()
    auth.login(world["other_tutor"])
    assert client.get(report(mine)).status_code == 404
    auth.logout()
    auth.login(world["tutor"])
    assert client.get(report(mine)).status_code == 200


def test_group_members_see_peers_as_the_visibility_says(client, auth, world):
    cohort = world["cohort"]
    service.save_settings(exercise(), cohort, "group", "pseudonymous", False)
    group = service.add_group(exercise(), cohort, "Table 1")
    service.place_in_group(world["amira"], group)
    service.place_in_group(world["tom"], group)
    attempt = work(world["tom"])
    auth.login(world["amira"])
    rows = rows_of(client.get(f"{report(attempt)}.csv"))
    authors = {row[8] for row in rows[1:] if row[5] == "note"}
    assert authors == {service.pseudonym(world["tom"].id, EXERCISE_UUID)}
    assert "Tom Ellis" not in client.get(report(attempt)).get_data(as_text=True)
    auth.logout()
    auth.login(world["tutor"])
    rows = rows_of(client.get(f"/cohorts/{cohort.id}/deliberations/{EXERCISE_UUID}/report.csv"))
    assert {row[8] for row in rows[1:] if row[5] == "note"} == {"Tom Ellis"}
    html = client.get(f"/cohorts/{cohort.id}/deliberations/{EXERCISE_UUID}/report").get_data(as_text=True)
    assert "Table 1" in html and "Tom Ellis" in html


def test_a_student_of_another_cohort_gets_404(client, auth, world, make):
    attempt = work(world["amira"])
    auth.login(make.user(Role.STUDENT, [world["other"]]))
    assert client.get(report(attempt)).status_code == 404


def test_the_attached_model_run_is_in_both_reports(client, auth, world):
    amira = world["amira"]
    attempt = work(amira, submit=False)
    saved = SavedScenario(user_id=amira.id, scenario="commuting", title="Fewer cars <b>plan</b>",
                          params={"year": 2030}, dataset_key="cambridge-2011", model_version="1",
                          data_version="1", summary=[{"key": "trips", "label": "Car trips", "value": 741724, "unit": "trips",
                                                     "baseline": 800000}])
    db.session.add(saved)
    db.session.commit()
    service.attach_scenario(attempt, stage("purpose"), saved, amira)
    auth.login(amira)
    html = client.get(report(attempt)).get_data(as_text=True)
    assert "Model run: <span class=\"learner-text\">Fewer cars &lt;b&gt;plan&lt;/b&gt;</span>" in html
    assert "Car trips" in html and "741,724 trips" in html
    rows = rows_of(client.get(f"{report(attempt)}.csv"))
    run = next(row for row in rows if row[6] == "Model run")
    assert run[7] == "Fewer cars <b>plan</b> (Car trips: 741724 trips)"
