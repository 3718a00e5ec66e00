"""The model pages (write-up, parameter table, data sources, Python source) and the saved-scenario
pages (list, one scenario, compare, re-run, a cohort's scenarios)."""
import re
import shutil

import pytest

from app.config import ROOT
from app.models import Role, SavedScenario
from app.simulations import service
from sims import api
from tests.conftest import Auth, write


@pytest.fixture
def sims_dir(tmp_path):
    target = tmp_path / "sims"
    shutil.copytree(ROOT / "sims", target, ignore=shutil.ignore_patterns("__pycache__", "docs"))
    return target


@pytest.fixture
def app_config(sims_dir):
    return {"SIMS_DIR": str(sims_dir)}


@pytest.fixture
def student(make, auth):
    user = make.user()
    auth.login(user)
    return user


def saved(user, title="Home two days", days=2, **extra):
    scenario, errors = service.save_scenario(user, {
        "scenario": "teleworking", "title": title, "params": {"telework_days": days},
        "browser_summary": api.run("teleworking", {"telework_days": days})["summary"], **extra,
    })
    assert errors == {}
    return scenario


def main_html(response):
    return response.get_data(as_text=True).split('<main id="main"', 1)[1]


def test_models_index_links_to_every_model(client, student):
    html = main_html(client.get("/simulations"))
    for name, module in api.SCENARIOS.items():
        assert module.TITLE in html and f'href="/simulations/{name}"' in html and f'href="/simulations/{name}/source"' in html
    assert "How it works" in html and "Read the Python" in html


def test_nav_shows_simulations_only_when_signed_in(client, make, auth):
    assert 'href="/simulations"' not in client.get("/").get_data(as_text=True)
    auth.login(make.user())
    page = client.get("/").get_data(as_text=True)
    assert '>Simulations</a>' in page and '>My scenarios</a>' in page


def test_model_page_generates_parameters_outputs_version_and_sources(client, student):
    response = client.get("/simulations/teleworking")
    html = main_html(response)
    assert response.status_code == 200
    info = api.describe("teleworking")
    assert info["model_version"] in html
    row = re.search(r"<th scope=\"row\">Jobs that can be done from home.*?</tr>", html, re.S).group(0)
    assert "<code>teleworkable_share</code>" in row and "0 to 100, in steps of 1" in row and '<td data-label="Default">37%</td>' in row
    assert "Dingel and Neiman (2020)" in row
    for key, label, _ in info["outputs"]:
        assert label in html and f"<code>{key}</code>" in html
    assert "Where the data come from" in html and "Attribution and licence" in html  # SOURCES.md rendered
    assert '<h3 id="sources-' in html  # its headings nest under the page's
    assert "The model explained" not in html  # no write-up in this copy of sims/


def test_model_page_renders_the_write_up_with_nested_headings(client, student, sims_dir):
    write(sims_dir / "docs" / "teleworking.md",
          "# Teleworking\n\n## The idea\n\nSee the [commuting model](commuting.md#the-gravity-model) first.\n\n"
          "| a | b |\n|---|---|\n| 1 | 2 |\n")
    html = main_html(client.get("/simulations/teleworking"))
    assert "The model explained" in html
    assert '<h2 id="doc-teleworking">Teleworking</h2>' in html and '<h3 id="doc-the-idea">The idea</h3>' in html
    assert 'href="/simulations/commuting#doc-the-gravity-model"' in html
    assert '<table tabindex="0" class="content-table">' in html  # reachable by keyboard when it scrolls


def test_unknown_models_are_404(client, student):
    assert client.get("/simulations/teleporting").status_code == 404
    assert client.get("/simulations/teleporting/source").status_code == 404


def test_model_pages_need_sign_in(client):
    response = client.get("/simulations/teleworking")
    assert response.status_code == 302 and "/login" in response.location


def test_source_page_shows_every_file_numbered_with_contents(client, student, sims_dir):
    html = main_html(client.get("/simulations/ev_charging/source"))
    files = ["ev_charging.py", "gravity.py", "growth.py", "params.py", "results.py", "dataset.py", "api.py"]
    headings = re.findall(r'<h2 id="file-([\w-]+)"><code>sims/([\w.]+)</code></h2>', html)
    assert [name for _, name in headings] == files
    for anchor, name in headings:
        assert f'<a href="#file-{anchor}"><code>sims/{name}</code></a>' in html  # table of contents
        lines = (sims_dir / name).read_text().splitlines()
        assert f'id="file-{anchor}-L{len(lines)}"' in html and f'id="file-{anchor}-L{len(lines) + 1}"' not in html
    assert '<span class="line-number" aria-hidden="true">1</span>&#34;&#34;&#34;' in html  # the docstring's quotes
    assert "&lt;" in html or "&gt;" in html  # code is escaped, not interpreted
    assert "<script" not in html


def test_my_scenarios_lists_with_status_and_key_figures(client, student, make):
    first, second = saved(student, "Two days"), saved(student, "Four days", 4)
    first.verified = False
    service.save_scenario(make.user(), {"scenario": "teleworking", "title": "Not mine"})
    html = main_html(client.get("/scenarios"))
    assert html.index("Four days") < html.index("Two days") and "Not mine" not in html
    assert "✓ Verified" in html and "✗ Differs from the server" in html
    assert "Commuting trips to work per working day: <strong>" in html
    assert '<select id="compare-a" name="a">' in html and '<label for="compare-b">' in html
    assert f'href="/scenarios/{second.id}"' in html


def test_compare_marks_differences_in_words(client, student):
    two, four = saved(student, "Two days", 2), saved(student, "Four days", 4)
    html = main_html(client.get(f"/scenarios/compare?a={two.id}&b={four.id}"))
    days = re.search(r"Days a week those workers stay home</th>(.*?)</tr>", html, re.S).group(1)
    assert "2 days" in days and "4 days" in days and "<strong>Different</strong>" in days
    share = re.search(r"Jobs that can be done from home</th>(.*?)</tr>", html, re.S).group(1)
    assert "Same" in share and "Different" not in share
    a, b = two.figures[0]["value"], four.figures[0]["value"]
    assert f"{b - a:,.0f} trips" in html  # the difference B − A
    assert client.get(f"/scenarios/compare?a={two.id}").status_code == 302


def test_scenario_page_and_rerun_on_the_server(client, student, auth, db):
    scenario = saved(student, unit="00000000-0000-4000-8000-000000000000")  # a uuid of no unit
    html = main_html(client.get(f"/scenarios/{scenario.id}"))
    assert "Home two days" in html and "✓ Verified" in html and scenario.model_version in html
    assert "Re-run on the server" in html and "Your browser showed" in html
    scenario.verified = False
    db.session.commit()
    page = auth.post(f"/scenarios/{scenario.id}/verify", follow_redirects=True).get_data(as_text=True)
    assert "its figures match the ones the browser computed" in page
    assert db.session.get(SavedScenario, scenario.id).verified is True


def test_rerun_reports_a_mismatch(client, student, auth, db):
    scenario = saved(student)
    report = scenario.browser_summary
    first = report["summary"][0]
    changed = {**first, "value": first["value"] + 1 + abs(first["value"])}  # a new value, not a change in place
    scenario.browser_summary = {**report, "summary": [changed, *report["summary"][1:]]}
    db.session.commit()
    page = auth.post(f"/scenarios/{scenario.id}/verify", follow_redirects=True).get_data(as_text=True)
    assert "Not verified: the figures sent by the browser differ" in page
    assert db.session.get(SavedScenario, scenario.id).verified is False


def test_delete_from_the_page_only_by_the_owner(app, client, student, auth, make, db):
    mine = saved(student)
    theirs = saved(make.user())
    assert auth.post(f"/scenarios/{theirs.id}/delete").status_code == 404
    assert auth.post(f"/scenarios/{mine.id}/delete").status_code == 302
    assert db.session.query(SavedScenario).count() == 1


def test_cohort_scenarios_for_its_tutors(app, make):
    cohort, other = make.cohort("pgcert", "A"), make.cohort("pgcert", "B")
    student, outsider = make.user(Role.STUDENT, [cohort]), make.user(Role.STUDENT, [other])
    mine, theirs = saved(student, "Student A plan"), saved(outsider, "Student B plan")
    tutor, other_tutor = make.user(Role.TUTOR, [cohort]), make.user(Role.TUTOR, [other])
    client = app.test_client()
    Auth(client).login(tutor)
    html = main_html(client.get(f"/cohorts/{cohort.id}/scenarios"))
    assert "Student A plan" in html and "Student B plan" not in html and student.name in html
    assert f'href="/scenarios/{mine.id}"' in html
    assert client.get(f"/scenarios/{mine.id}").status_code == 200
    assert client.get(f"/scenarios/{theirs.id}").status_code == 404
    assert f'href="/cohorts/{cohort.id}/scenarios"' in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    other_client = app.test_client()
    Auth(other_client).login(other_tutor)
    assert other_client.get(f"/cohorts/{cohort.id}/scenarios").status_code == 403
