"""The tutor's side of deliberation exercises: settings, groups, grading, comments, compare,
the opinion map and the gradebook columns."""
import csv
import io

import pytest
import sqlalchemy as sa

from app.deliberation import service
from app.extensions import db
from app.models import DeliberationAttempt, DeliberationGroup, DeliberationStatement, Role
from tests.integration import deliberation_world
from tests.integration.deliberation_world import EXERCISE_UUID, exercise, stage, work

# The shared course (app_config) and cohort (world) fixtures: pytest finds fixtures among a module's names.
app_config, world = deliberation_world.app_config, deliberation_world.world


def base(world):
    return f"/cohorts/{world['cohort'].id}/deliberations"


def overview(world):
    return f"{base(world)}/{EXERCISE_UUID}"


def rows_of(response):
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


# -- access ----------------------------------------------------------------------------------

def every_route(world, attempt):
    ex = overview(world)
    return [
        ("GET", base(world)),
        ("GET", ex),
        ("POST", f"{ex}/settings"),
        ("POST", f"{ex}/groups"),
        ("POST", f"{ex}/groups/auto"),
        ("POST", f"{ex}/groups/members"),
        ("GET", f"{base(world)}/attempts/{attempt.id}"),
        ("POST", f"{base(world)}/attempts/{attempt.id}/comments"),
        ("POST", f"{base(world)}/attempts/{attempt.id}/grade"),
        ("POST", f"{base(world)}/attempts/{attempt.id}/reopen"),
        ("GET", f"{ex}/compare"),
        ("GET", f"{ex}/opinions"),
        ("GET", f"{ex}/report"),
        ("GET", f"{ex}/report.csv"),
    ]


def test_tutors_of_other_cohorts_get_404_and_students_403(client, auth, world):
    attempt = work(world["amira"])
    routes = every_route(world, attempt)
    for who, status in (("other_tutor", 404), ("amira", 403)):
        auth.login(world[who])
        for method, url in routes:
            response = client.get(url) if method == "GET" else auth.post(url, {})
            assert response.status_code == status, (who, method, url)
        auth.logout()
    for method, url in routes:
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code in (302, 400), (method, url)
    auth.login(world["admin"])
    for method, url in routes:
        if method == "GET":
            assert client.get(url).status_code == 200, url


def test_things_outside_the_cohort_are_404(client, auth, world, make):
    theirs = work(world["stranger"])
    auth.login(world["tutor"])
    assert client.get(f"{base(world)}/attempts/{theirs.id}").status_code == 404
    assert client.get(f"{base(world)}/not-an-exercise").status_code == 404
    statement = service.statements(exercise(), stage("opinions"), world["other"])[0]
    assert auth.post(f"{overview(world)}/statements/{statement.id}/hide").status_code == 404
    moved = auth.post(f"{overview(world)}/groups/members", {"user_id": world["stranger"].id}, follow_redirects=True)
    assert "Choose a student of this cohort" in moved.get_data(as_text=True)
    auth.logout()
    executive = make.cohort("executive", "Exec")
    auth.login(make.user(Role.TUTOR, [executive]))
    assert client.get(f"/cohorts/{executive.id}/deliberations/{EXERCISE_UUID}").status_code == 404


# -- the list and the settings ---------------------------------------------------------------

def test_exercise_list_counts_attempts(client, auth, world):
    work(world["amira"])
    work(world["tom"], submit=False)
    auth.login(world["tutor"])
    assert f'href="{base(world)}"' in client.get(f"/cohorts/{world['cohort'].id}").get_data(as_text=True)
    html = client.get(base(world)).get_data(as_text=True)
    assert "Test deliberation" in html and f'href="{overview(world)}"' in html
    row = html[html.index("Test deliberation"):].split("</tr>")[0]
    assert '<td data-label="Drafts">1</td>' in row and '<td data-label="Waiting for grading">1</td>' in row


def test_settings_change_and_the_mode_locks_once_started(client, auth, world):
    auth.login(world["tutor"])
    data = {"settings-mode": "group", "settings-visibility": "anonymous", "settings-self_select": "y"}
    assert auth.post(f"{overview(world)}/settings", data).status_code == 302
    settings = service.settings_for(exercise(), world["cohort"])
    assert (settings.mode, settings.visibility, settings.self_select) == ("group", "anonymous", True)
    response = auth.post(f"{overview(world)}/settings", {"settings-mode": "pairs", "settings-visibility": "named"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    group = service.add_group(exercise(), world["cohort"], "Table 1")
    service.place_in_group(world["amira"], group)
    work(world["amira"], submit=False)
    response = auth.post(f"{overview(world)}/settings", {"settings-mode": "solo", "settings-visibility": "named"})
    assert response.status_code == 400
    assert "The mode cannot change once students have started." in response.get_data(as_text=True)
    assert service.settings_for(exercise(), world["cohort"]).mode == "group"
    # The visibility may still change.
    assert auth.post(f"{overview(world)}/settings",
                     {"settings-mode": "group", "settings-visibility": "named"}).status_code == 302
    assert service.settings_for(exercise(), world["cohort"]).visibility == "named"


# -- groups ----------------------------------------------------------------------------------

def test_groups_add_auto_move_and_delete(client, auth, world, make):
    cohort = world["cohort"]
    for _ in range(3):
        make.user(Role.STUDENT, [cohort], password=None)
    service.save_settings(exercise(), cohort, "group", "named", False)
    auth.login(world["tutor"])
    url = overview(world)
    assert auth.post(f"{url}/groups", {"group-name": "Red table"}).status_code == 302
    response = auth.post(f"{url}/groups", {"group-name": "Red table"})
    assert response.status_code == 400 and "There is already a group called" in response.get_data(as_text=True)
    red = db.session.scalar(sa.select(DeliberationGroup).where(DeliberationGroup.name == "Red table"))
    assert auth.post(f"{url}/groups/members", {"user_id": world["amira"].id, "group_id": red.id}).status_code == 302
    assert service.group_of(world["amira"].id, exercise(), cohort) == red
    assert auth.post(f"{url}/groups/auto", {"auto-size": "2"}).status_code == 302
    groups = service.groups_of(exercise(), cohort)
    placed = {m.user_id for g in groups for m in g.members}
    assert placed == {s.id for s in cohort.students} and len(groups) == 3  # red + two tables of two
    assert auth.post(f"{url}/groups/auto", {"auto-size": "1"}).status_code == 400
    html = client.get(url).get_data(as_text=True)
    assert "Red table" in html and "Table 2" in html and "Who is in which group" in html
    # Moving to no group, then deleting: a group with an attempt stays.
    assert auth.post(f"{url}/groups/members", {"user_id": world["amira"].id, "group_id": ""}).status_code == 302
    assert service.group_of(world["amira"].id, exercise(), cohort) is None
    assert auth.post(f"{url}/groups/{red.id}/delete").status_code == 302
    assert db.session.get(DeliberationGroup, red.id) is None
    table = service.group_of(world["tom"].id, exercise(), cohort)
    work(world["tom"], submit=False)
    response = auth.post(f"{url}/groups/{table.id}/delete", follow_redirects=True)
    assert "has started the exercise, so it cannot be deleted" in response.get_data(as_text=True)
    assert db.session.get(DeliberationGroup, table.id) is not None


# -- one attempt: grade, comments, reopen ----------------------------------------------------

def test_grading_stores_the_score_and_fills_the_gradebook(client, auth, world):
    attempt = work(world["amira"])
    draft = work(world["tom"], submit=False)
    auth.login(world["tutor"])
    url = f"{base(world)}/attempts/{attempt.id}"
    page = client.get(url).get_data(as_text=True)
    assert "<legend>Breadth</legend>" in page and "Wide and specific (2 points)" in page
    assert "Fewer cars on Mill Road" in page and "Track the 2030 goal" in page
    assert "Amira Khan" in page and "4 of 5" in page and "High" in page  # scale and choice labels
    gradebook = client.get(f"/cohorts/{world['cohort'].id}/gradebook").get_data(as_text=True)
    assert "Deliberation attempts waiting for grading (1)" in gradebook and "Deliberation exercises" in gradebook
    response = auth.post(f"{url}/grade", {"grade-c0": "1", "grade-comment": "Good"})
    assert response.status_code == 400 and "Choose a level for “Reflection”." in response.get_data(as_text=True)
    response = auth.post(f"{url}/grade", {"grade-c0": "1", "grade-c1": "1", "grade-comment": "Good <b>work</b>"})
    assert response.status_code == 302
    db.session.refresh(attempt)
    assert attempt.score == pytest.approx(3 / 4) and attempt.graded_by_id == world["tutor"].id
    assert attempt.rubric_choices == {0: 1, 1: 1} and attempt.comment == "Good <b>work</b>"
    assert auth.post(f"{base(world)}/attempts/{draft.id}/grade",
                     {"grade-c0": "1", "grade-c1": "1"}).status_code == 400  # a draft waits
    gradebook = client.get(f"/cohorts/{world['cohort'].id}/gradebook").get_data(as_text=True)
    assert "<strong>75%</strong>" in gradebook and f"/deliberations/attempts/{attempt.id}" in gradebook
    assert "Deliberation attempts waiting for grading (0)" in gradebook
    rows = rows_of(client.get(f"/cohorts/{world['cohort'].id}/gradebook.csv"))
    column = rows[0].index("Module 1: Test deliberation (%)")
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["amira@example.org"][column] == "75.0" and by_email["tom@example.org"][column] == "draft"
    assert rows[0][-1] == "Overrides"


def test_a_group_grade_counts_for_every_member(client, auth, world):
    cohort = world["cohort"]
    service.save_settings(exercise(), cohort, "group", "pseudonymous", False)
    group = service.add_group(exercise(), cohort, "Table 1")
    service.place_in_group(world["amira"], group)
    service.place_in_group(world["tom"], group)
    attempt = work(world["amira"])
    service.grade(attempt, exercise(), {0: 1, 1: 2}, "", world["tutor"])
    auth.login(world["tutor"])
    rows = rows_of(client.get(f"/cohorts/{cohort.id}/gradebook.csv"))
    column = rows[0].index("Module 1: Test deliberation (%)")
    assert sorted(row[column] for row in rows[1:]) == ["100.0", "100.0"]
    assert client.get(f"/cohorts/{cohort.id}/gradebook").get_data(as_text=True).count("<strong>100%</strong>") >= 2


def test_comments_on_stage_and_note_show_and_reopen(client, auth, world):
    attempt = work(world["amira"])
    note = service.load_state(attempt).notes_of("consequences")[0]
    auth.login(world["tutor"])
    url = f"{base(world)}/attempts/{attempt.id}"
    response = auth.post(f"{url}/comments", {"stage_id": "purpose", "text": "Say who <b>pays</b>."})
    assert response.status_code == 302 and response.location.endswith("#stage-1")
    response = auth.post(f"{url}/comments", {"stage_id": "consequences", "note_id": note.id, "text": "Which road?"})
    assert response.location.endswith(f"#note-{note.id}")
    response = auth.post(f"{url}/comments", {"stage_id": "consequences", "text": "  "}, follow_redirects=True)
    assert "Write the comment first." in response.get_data(as_text=True)
    response = auth.post(f"{url}/comments", {"stage_id": "nope", "text": "x"}, follow_redirects=True)
    assert "Say which stage the comment is on." in response.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "Say who &lt;b&gt;pays&lt;/b&gt;." in page and "Which road?" in page and "Tess Tutor" in page
    assert "Comment on this stage" in page and "Comment on this consequence" in page
    state = service.load_state(attempt)
    assert [c.text for c in state.comments[("consequences", note.id)]] == ["Which road?"]
    assert auth.post(f"{url}/reopen").status_code == 302
    db.session.refresh(attempt)
    assert attempt.is_draft
    assert "You can grade the attempt once it is submitted." in client.get(url).get_data(as_text=True)


def test_compare_shows_every_attempt(client, auth, world):
    first = work(world["amira"], consequence="Traffic moves to side streets")
    second = work(world["tom"], consequence="Buses get more green time", submit=False)
    auth.login(world["tutor"])
    url = f"{overview(world)}/compare"
    html = client.get(url).get_data(as_text=True)
    assert "Traffic moves to side streets" in html and "Buses get more green time" in html
    assert "Amira Khan" in html and "Tom Ellis" in html
    html = client.get(f"{url}?attempt={second.id}").get_data(as_text=True)
    assert "Buses get more green time" in html and "Traffic moves to side streets" not in html
    assert f'value="{first.id}"' in html  # still offered in the chooser


# -- opinion map -----------------------------------------------------------------------------

def test_opinion_map_not_ready_then_ready_and_hiding(client, auth, world, make):
    cohort = world["cohort"]
    rows = service.statements(exercise(), stage("opinions"), cohort)
    auth.login(world["tutor"])
    url = f"{overview(world)}/opinions"
    html = client.get(url).get_data(as_text=True)
    assert "The map appears once 7 people" in html and "Sensors are worth the money." in html
    mine = service.add_statement(exercise(), stage("opinions"), cohort, "Ask <residents> first", world["amira"])
    people = [make.user(Role.STUDENT, [cohort], password=None) for _ in range(8)]
    for index, person in enumerate(people):
        side = 1 if index % 2 else -1
        for statement in rows:
            service.vote(statement, person, side if statement is not rows[2] else 1)
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert "style-src-elem 'self' 'unsafe-inline'" in response.headers["Content-Security-Policy"]
    assert 'id="opinion-map-data"' in html and "bokeh.min.js" in html
    assert "Group A" in html and "Group B" in html and people[0].name in html
    assert "Ask &lt;residents&gt; first" in html and "Amira Khan" in html  # tutors see authors
    response = auth.post(f"{overview(world)}/statements/{mine.id}/hide", {"hidden": "1"})
    assert response.status_code == 302
    assert db.session.get(DeliberationStatement, mine.id).hidden
    assert mine.id not in {s.id for s in service.statements(exercise(), stage("opinions"), cohort)}
    assert "Show again" in client.get(url).get_data(as_text=True)
    auth.post(f"{overview(world)}/statements/{mine.id}/hide", {"hidden": "0"})
    assert not db.session.get(DeliberationStatement, mine.id).hidden


def test_overview_lists_attempts_and_students_without_one(client, auth, world):
    attempt = work(world["amira"])
    auth.login(world["tutor"])
    html = client.get(overview(world)).get_data(as_text=True)
    assert f"/deliberations/attempts/{attempt.id}" in html and "waiting for grading" in html
    without = html[html.index("Students with no attempt"):]
    assert "Tom Ellis" in without and "Amira Khan" not in without
    assert f"{overview(world)}/compare" in html and f"{overview(world)}/opinions" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeliberationAttempt)) == 1
