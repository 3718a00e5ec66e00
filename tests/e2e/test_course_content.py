"""The course as students and tutors meet it in the browser (issue 7):

* every simulation embedded in a unit starts Python and draws its map; every deliberation
  exercise embedded in a unit shows its card and opens for a tutor;
* a student searches the course on a phone and opens a result; the glossary and the course map
  link to the units that teach each term and subtopic;
* a student rates themselves in Module 1's competency self-assessment and sees their profile
  chart; the tutor sees the cohort's averages; tutor notes show to the tutor only;
* axe-core finds no WCAG 2.2 AA violations on the new pages.
"""
import re

import pytest
from playwright.sync_api import expect

from .conftest import AMIRA, PHONE, TUTOR, real_course, sign_in

pytestmark = pytest.mark.e2e

BOOT_MS = 90_000
COURSE = real_course()
SIM_UNITS = sorted({u.url: u for u in COURSE.units for a in u.activities if a.type_name == "simulation"}.items())
DELIB_UNITS = [(u.url, a.key) for u in COURSE.units for a in u.activities if a.type_name == "deliberation"]
COMPETENCY_UNIT = next(u for u in COURSE.units for a in u.activities
                       if a.type_name == "competency-profile" and a.config.get("round", "start") == "start")


def test_every_embedded_simulation_runs_in_the_browser(contexts):
    assert len(SIM_UNITS) >= 10
    page = contexts.page(user=TUTOR, python_snapshot=True)
    for url, unit in SIM_UNITS:
        page.goto(url)
        keys = [a.key for a in unit.activities if a.type_name == "simulation"]
        for key in keys:
            root = page.locator(f"#activity-simulation-{key}")
            expect(root, f"{url}: {key}").to_have_attribute("data-state", "ready", timeout=BOOT_MS)
            expect(root, f"{url}: {key}").to_have_attribute("data-python-start", "snapshot")
            expect(page.locator(f"#activity-simulation-{key}-map canvas").first, f"{url}: {key}").to_be_visible()
    assert not [e for e in page.context.console_errors if "Content Security Policy" in e]


def test_every_embedded_deliberation_shows_and_opens(contexts):
    assert len(DELIB_UNITS) >= 4
    page = contexts.page(user=TUTOR)
    for url, key in DELIB_UNITS:
        exercise = next(d for m in COURSE.modules for k, d in m.deliberations.items() if k == key)
        page.goto(url)
        card = page.locator("section.activity-deliberation", has_text=exercise.title)
        expect(card, url).to_be_visible()
        links = card.locator(".delib-teaching a")
        if links.count():  # the tutor teaches a cohort of this level: the exercise's tutor page opens
            links.first.click()
            expect(page.locator("h1"), url).to_contain_text(exercise.title)


def test_a_student_searches_the_course_on_a_phone(contexts, screenshot_dir):
    page = contexts.page(user=AMIRA, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/")
    page.get_by_role("link", name="Search the course").click()
    page.get_by_label(re.compile("^Words to find")).fill("digital twins")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".search-results li")
    expect(results.first).to_contain_text("digital twin")
    expect(results.first.locator("mark").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "search-phone.png"), full_page=False)
    first_title = results.first.locator("h3").inner_text()
    results.first.locator("h3 a").click()
    expect(page.locator("h1")).to_contain_text(first_title.split(":")[0])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.goto("/search?q=Quayside")  # a PGDip module: not Amira's (PGCert), so not found in its units
    assert "/modules/m5-actors-and-collaboration/" not in page.content()


def test_the_glossary_and_the_course_map_lead_to_units(page):
    term = next(t for t in COURSE.glossary if "twin" in t.term.casefold() and t.unit is not None)
    page.goto("/glossary")
    entry = page.locator(f"#{term.anchor}")
    expect(entry.locator("dt")).to_have_text(term.term)
    entry.get_by_role("link", name=term.unit.title).click()
    expect(page).to_have_url(re.compile(r"/login"))  # units are for signed-in readers
    sign_in(page, AMIRA, goto=False)
    expect(page.locator("h1")).to_have_text(term.unit.title)
    page.goto("/course-map")
    subtopic = page.locator("#t2-cybersecurity")  # taught in Module 4 (PGDip): not Amira's to open
    expect(subtopic).to_contain_text("Cybersecurity in urban systems")
    expect(subtopic.get_by_role("link")).to_have_count(0)
    expect(subtopic.locator("cite.unit-title").first).to_be_visible()
    links = page.locator(".course-map a[href^='/modules/']")
    assert links.count() > 0
    assert all(re.match(r"^/modules/m[123]-", href) for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    page.goto("/glossary")
    hrefs = page.locator(".glossary a[href^='/modules/']").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(re.match(r"^/modules/m[123]-", href) for href in hrefs)


def test_competency_self_assessment_and_tutor_notes(contexts, screenshot_dir):
    page = contexts.page(user=AMIRA)
    page.goto(COMPETENCY_UNIT.url + "#competency-profile")
    activity = page.locator("#competency-profile")
    expect(activity).to_be_visible()
    if activity.locator("summary", has_text="Rate yourself now").count() == 0:  # rated in an earlier run
        activity.locator("summary").first.click()
    for index, fieldset in enumerate(activity.locator("fieldset.competency-field").all()):
        fieldset.get_by_role("radio").nth(index % 5).check()
    activity.get_by_role("button", name="Save my ratings").click()
    expect(page.locator(".flash")).to_contain_text("Your ratings are saved.")
    expect(page.locator("#competency-profile-chart canvas").first).to_be_visible(timeout=20_000)
    expect(page.locator("#competency-profile-chart-table")).to_contain_text("Framing public value")
    page.locator("#competency-profile").screenshot(path=str(screenshot_dir / "competency-profile.png"))
    expect(page.locator(".tutor-notes")).to_have_count(0)

    tutor = contexts.page(user=TUTOR)
    tutor.goto(COMPETENCY_UNIT.url)
    notes = tutor.locator("details.tutor-notes")
    notes.locator("summary").click()
    expect(notes).to_contain_text("Answers to the reflection prompts")
    tutor.screenshot(path=str(screenshot_dir / "unit-tutor-notes.png"))
    tutor.goto("/cohorts")
    tutor.get_by_role("link", name=re.compile("PGCert")).first.click()
    tutor.get_by_role("link", name="Competency profile").click()
    expect(tutor.locator("main")).to_contain_text(re.compile(r"\d+ of \d+ students? rated themselves at the start"))
    expect(tutor.locator("#cohort-profile-chart canvas").first).to_be_visible(timeout=20_000)


def test_the_new_pages_pass_axe(contexts, axe):
    page = contexts.new(bypass_csp=True, user=AMIRA).new_page()
    for path in ("/glossary", "/course-map", "/search?q=public+value", "/search?q=zzxqv", "/competencies",
                 COMPETENCY_UNIT.url):
        axe.check(page, path, path)
    tutor = contexts.new(bypass_csp=True, user=TUTOR).new_page()
    tutor.goto(COMPETENCY_UNIT.url)
    tutor.locator("details.tutor-notes summary").click()
    axe.scan(tutor, "a unit with its tutor notes open")
    axe.assert_clean()
