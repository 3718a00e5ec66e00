"""The simulation activity in a real unit: Python runs in the browser, BokehJS draws, and the
reader can change assumptions, save, compare, share a link and download the numbers."""
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import (
    AMIRA,
    AXE,
    DESKTOP,
    PHONE,
    RUN_AXE,
    TUTOR,
    WCAG_TAGS,
    _describe,
    assert_csp_blocked_nothing,
    sign_in,
)

pytestmark = pytest.mark.e2e

UNIT = "/modules/m2-responsible-technologies/city-digital-twins"
ROOT = "#activity-simulation-commuting-demand"
BOOT_MS = 90_000  # Pyodide's first start: download, compile, unpack (about 20-40 s on CI)
RUN_MS = 20_000


def open_simulation(page, path=UNIT):
    page.goto(path)
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-state", "ready", timeout=BOOT_MS)
    return root


def figures(page):
    """The headline figures table as {label: value text}."""
    rows = page.locator(f"{ROOT}-figures tbody tr")
    return {rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td").first.inner_text()
            for i in range(rows.count())}


def slider(page, name):
    return page.locator(f'{ROOT} input[type=range][data-param="{name}"]')


def wait_for_run(root, before):
    expect(root).not_to_have_attribute("data-runs", str(before), timeout=RUN_MS)


def save(page, name):
    page.get_by_label("Name for this scenario").fill(name)
    page.get_by_role("button", name="Save scenario").click()
    expect(page.locator(f"{ROOT}-save-result")).to_contain_text("checked on the server", timeout=RUN_MS)
    expect(page.locator(f"{ROOT}-saved")).to_contain_text(name)


def test_simulation_runs_in_the_browser_and_can_be_saved_compared_shared_and_downloaded(warm):
    page = warm(AMIRA).new_page()
    root = open_simulation(page)
    first = figures(page)
    assert any(re.search(r"\d", value) for value in first.values()), first
    assert page.locator(f"{ROOT}-map canvas").count() >= 1, "BokehJS drew no map canvas"
    assert page.locator(f"{ROOT}-charts canvas").count() >= 1, "BokehJS drew no chart"
    expect(page.locator(f"{ROOT}-versions")).to_contain_text("Model: commuting")

    # The keyboard moves a slider; the map and the figures follow.
    digest = page.locator(f"{ROOT}-map").get_attribute("data-result")
    growth = slider(page, "jobs_growth")
    growth.focus()
    runs = int(root.get_attribute("data-runs"))
    page.keyboard.press("ArrowRight")
    wait_for_run(root, runs)
    expect(page.locator(f"{ROOT}-map")).not_to_have_attribute("data-result", digest)
    expect(page.locator(f"{ROOT}-jobs_growth-value")).to_have_value("1.1")
    runs = int(root.get_attribute("data-runs"))
    page.keyboard.press("End")
    wait_for_run(root, runs)
    expect(growth).to_have_value("4")
    assert figures(page) != first, "the headline figures did not change"
    assert int(root.get_attribute("data-last-redraw-ms")) > 0

    # Two saved scenarios, compared side by side.
    tag = uuid.uuid4().hex[:6]
    fast, census = f"Fast jobs growth {tag}", f"Census year {tag}"
    save(page, fast)
    year = slider(page, "year")
    year.focus()
    runs = int(root.get_attribute("data-runs"))
    page.keyboard.press("Home")
    wait_for_run(root, runs)
    expect(year).to_have_value("2011")
    save(page, census)
    page.get_by_label("First scenario").select_option(label=fast)
    page.get_by_label("Second scenario").select_option(label=census)
    page.locator(f"{ROOT}-compare").get_by_role("button", name="Compare").click()
    comparison = page.locator(f"{ROOT}-comparison")
    expect(comparison).to_be_visible(timeout=RUN_MS)
    table = comparison.locator("table")
    expect(table.locator("thead")).to_contain_text(fast)
    expect(table.locator("thead")).to_contain_text(census)
    commuters = table.locator("tbody tr", has_text="Commuters in").first
    cells = commuters.locator("td")
    assert cells.nth(0).inner_text() != cells.nth(1).inner_text(), commuters.inner_text()
    assert comparison.locator("canvas").count() >= 1, "no comparison chart"

    # Loading a saved scenario puts its assumptions back.
    page.locator(f"{ROOT}-saved li", has_text=fast).get_by_role("button", name=re.compile("^Load")).click()
    expect(year).to_have_value("2051", timeout=RUN_MS)
    expect(growth).to_have_value("4")
    year.focus()
    runs = int(root.get_attribute("data-runs"))
    page.keyboard.press("Home")
    wait_for_run(root, runs)

    # The link restores these assumptions in a new page.
    page.get_by_role("button", name="Copy link").click()
    link = page.get_by_label("Link to these assumptions").input_value()
    assert "commuting-demand.year=2011" in link and "commuting-demand.jobs_growth=4" in link, link
    other = page.context.new_page()
    open_simulation(other, link)
    expect(slider(other, "year")).to_have_value("2011")
    expect(slider(other, "jobs_growth")).to_have_value("4")
    expect(other.locator(f"{ROOT}-year-value")).to_have_value("2011")
    other.close()

    # The numbers as CSV, made by Python in the browser.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# "), text[:200]
    assert "Cambridge" in text

    requests = page.context.requests
    hosts = {urlsplit(u).hostname for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, sorted(u for u in requests if urlsplit(u).hostname != "127.0.0.1")
    assert any("/vendor/bokeh/" in u for u in requests), "BokehJS was not loaded from /vendor/bokeh/"
    assert not page.context.console_errors, "\n".join(page.context.console_errors)


def test_invalid_link_values_are_ignored_with_a_note(warm):
    page = warm(AMIRA).new_page()
    page.goto(f"{UNIT}?commuting-demand.year=1900&commuting-demand.jobs_growth=2.5")
    expect(page.locator(ROOT).get_by_role("note")).to_contain_text("Year")
    expect(slider(page, "year")).to_have_value("2051")
    expect(slider(page, "jobs_growth")).to_have_value("2.5")
    assert_csp_blocked_nothing(page.context)


def test_a_browser_that_cannot_start_python_is_told_so(page):
    sign_in(page, AMIRA)
    page.route("**/vendor/pyodide/**", lambda route: route.abort())
    page.goto(UNIT)
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-state", "error", timeout=RUN_MS)
    expect(page.locator(f"{ROOT}-error")).to_be_visible()
    expect(page.locator(f"{ROOT}-error")).to_contain_text("could not start")
    expect(page.locator(f"{ROOT}-status")).to_have_text("The simulation is not available in this browser.")
    expect(page.get_by_role("link", name="How this model works")).to_be_visible()


def test_simulation_has_no_wcag_violations(contexts, storage_states):
    context = contexts.new(bypass_csp=True, storage_state=storage_states(AMIRA))
    page = context.new_page()
    open_simulation(page)
    page.locator(f"{ROOT} details.sim-numbers summary").click()
    tag = uuid.uuid4().hex[:6]  # a comparison on screen too, so its table and chart are checked
    save(page, f"Axe one {tag}")
    save(page, f"Axe two {tag}")
    page.get_by_label("First scenario").select_option(label=f"Axe one {tag}")
    page.get_by_label("Second scenario").select_option(label=f"Axe two {tag}")
    page.locator(f"{ROOT}-compare").get_by_role("button", name="Compare").click()
    expect(page.locator(f"{ROOT}-comparison canvas").first).to_be_visible(timeout=RUN_MS)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert result["passes"] > 0
    assert not result["violations"], "axe found violations on the simulation:\n" + _describe(result["violations"])


@pytest.mark.parametrize("size_name,size", [("desktop", DESKTOP), ("phone", PHONE)])
def test_simulation_screenshots(size_name, size, contexts, storage_states, screenshot_dir):
    phone = size_name == "phone"
    context = contexts.new(viewport=size, storage_state=storage_states(AMIRA), is_mobile=phone, has_touch=phone)
    page = context.new_page()
    root = open_simulation(page)
    # A full-page shot clipped to the activity: the sticky controls stay where a reader first sees them.
    page.evaluate("() => window.scrollTo(0, 0)")
    box = root.bounding_box()
    target = screenshot_dir / f"simulation-{size_name}.png"
    page.screenshot(path=str(target), full_page=True, clip=box)
    assert target.stat().st_size > 10_000, f"{target} looks empty"
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the unit scrolls sideways at {size_name} size: {widths}"
    if phone:  # the controls come first, above the results
        controls = page.locator(f"{ROOT}-form").bounding_box()
        results = page.locator(f"{ROOT} .sim-results").bounding_box()
        assert controls["y"] + controls["height"] <= results["y"] + 1, (controls, results)
    blocked = [e for e in context.console_errors if "Content Security Policy" in e]
    assert not blocked, "\n".join(blocked)


def test_the_server_refusing_a_save_is_explained_in_the_page(warm):
    page = warm(AMIRA).new_page()
    open_simulation(page)
    page.get_by_label("Name for this scenario").fill("\u202e\u2066")  # not empty to the script; nothing to the server
    page.get_by_role("button", name="Save scenario").click()
    expect(page.locator(f"{ROOT}-save-result")).to_have_text("Not saved: Give the scenario a title.", timeout=RUN_MS)
    assert_csp_blocked_nothing(page.context)


BAD_FLOWS = "origin,destination,flow\nLDS,LDS,250000\nBRD,LDS,1e300\nLDS,YRK,9000\n"
BAD_BOUNDARIES = '{"type": "FeatureCollection",\n "features": 5}'


@pytest.mark.parametrize("size_name,size", [("desktop", DESKTOP), ("phone", PHONE)])
def test_a_bad_upload_lists_every_problem_and_stores_nothing(size_name, size, contexts, storage_states,
                                                             screenshot_dir):
    context = contexts.new(bypass_csp=True, viewport=size, storage_state=storage_states(TUTOR))
    page = context.new_page()
    page.goto("/simulations/datasets")
    name = f"Broken city {uuid.uuid4().hex[:6]}"
    page.get_by_label("Name").fill(name)
    for label, filename, text in (("Zones (CSV)", "zones.csv", "zone_id,name,lat,lon\nLDS,Leeds,53.8,west\nBRD,Bradford,53.79,-1.76\n"),
                                  ("Flows (CSV)", "flows.csv", BAD_FLOWS),
                                  ("Boundaries (GeoJSON, optional)", "districts.geojson", BAD_BOUNDARIES)):
        page.get_by_label(label).set_input_files({"name": filename, "mimeType": "text/plain",
                                                   "buffer": text.encode()})
    page.get_by_role("button", name="Upload dataset").click()
    problems = page.locator("#upload-problems")
    expect(problems).to_be_visible()
    expect(problems.get_by_role("heading")).to_have_text("Nothing was saved: please correct these 4 problems")
    expect(problems.locator("li")).to_have_text([
        "zones.csv:2: lon must be a number (got 'west')",
        "flows.csv:3: flow must be at most 1,000,000 people for one pair of zones (got '1e300')",
        "flows.csv:4: destination 'YRK' is not a zone_id in the zones file",
        'districts.geojson:2: "features" must be a list of features, not a number (5)',
    ])
    expect(page.get_by_label("Name")).to_have_value(name)
    expect(page.locator("section[aria-labelledby=list-heading]")).not_to_contain_text(name)
    target = screenshot_dir / f"dataset-upload-problems-{size_name}.png"
    problems.screenshot(path=str(target))
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the upload page scrolls sideways at {size_name} size: {widths}"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert not result["violations"], "axe found violations on the upload page:\n" + _describe(result["violations"])
