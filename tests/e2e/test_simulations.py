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
    unit_embedding,
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


def test_simulation_has_no_wcag_violations(contexts):
    context = contexts.new(bypass_csp=True, user=AMIRA)
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
def test_simulation_screenshots(size_name, size, contexts, screenshot_dir):
    phone = size_name == "phone"
    context = contexts.new(viewport=size, user=AMIRA, is_mobile=phone, has_touch=phone)
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
def test_a_bad_upload_lists_every_problem_and_stores_nothing(size_name, size, contexts,
                                                             screenshot_dir):
    context = contexts.new(bypass_csp=True, viewport=size, user=TUTOR)
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


def test_the_simulation_opens_full_width_and_back_keeping_its_state(contexts, screenshot_dir):
    context = contexts.new(bypass_csp=True, viewport=DESKTOP, user=AMIRA)  # bypass: axe
    page = context.new_page()
    root = open_simulation(page)
    growth = slider(page, "jobs_growth")
    growth.focus()
    runs = int(root.get_attribute("data-runs"))
    page.keyboard.press("End")
    wait_for_run(root, runs)
    runs, before = root.get_attribute("data-runs"), figures(page)
    narrow = page.locator(f"{ROOT}-map canvas").first.bounding_box()["width"]

    # The keyboard opens the stage; the focus stays on its button, the page behind is inert.
    page.get_by_role("button", name="Open full width").focus()
    page.keyboard.press("Enter")
    expect(root).to_have_attribute("data-stage", "wide")
    expect(page.get_by_role("region", name=re.compile("Commuting.*full width"))).to_be_visible()
    expect(page.get_by_role("button", name="Back to the unit")).to_be_focused()
    assert page.url.endswith(f"{ROOT}-wide"), page.url
    assert page.evaluate("() => getComputedStyle(document.documentElement).overflow") == "hidden"
    assert page.locator("header.site-header").evaluate("e => e.closest('[inert]') !== null")
    page.wait_for_function("([sel, w]) => document.querySelector(sel).getBoundingClientRect().width > 1.3 * w",
                           arg=[f"{ROOT}-map", narrow])
    assert page.locator(f"{ROOT}-map canvas").first.bounding_box()["width"] > 1.3 * narrow, "the map did not widen"
    expect(growth).to_have_value("4")
    assert root.get_attribute("data-runs") == runs and figures(page) == before, "the stage lost or re-ran the results"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert not result["violations"], "axe found violations on the wide stage:\n" + _describe(result["violations"])
    page.screenshot(path=str(screenshot_dir / "simulation-stage-desktop.png"))
    page.locator(f"{ROOT}-map").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "simulation-stage-desktop-map.png"))

    # On a phone the controls come first, above the map, and nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    page.wait_for_function(f"() => document.querySelector('{ROOT}-map').getBoundingClientRect().width < 390")
    controls, chart = page.locator(f"{ROOT}-form").bounding_box(), page.locator(f"{ROOT}-map").bounding_box()
    assert controls["y"] + controls["height"] <= chart["y"], (controls, chart)
    assert root.evaluate("e => e.scrollWidth <= e.clientWidth"), "the stage scrolls sideways on a phone"
    page.screenshot(path=str(screenshot_dir / "simulation-stage-phone.png"))
    page.set_viewport_size(DESKTOP)

    # Escape goes back into the unit with the same values; so does the browser's Back button.
    growth.focus()
    page.keyboard.press("Escape")
    expect(root).to_have_attribute("data-stage", "unit")
    expect(page.get_by_role("button", name="Open full width")).to_be_focused()
    assert not page.url.endswith("-wide"), page.url
    expect(growth).to_have_value("4")
    assert root.get_attribute("data-runs") == runs and figures(page) == before
    page.get_by_role("button", name="Open full width").click()
    expect(root).to_have_attribute("data-stage", "wide")
    page.go_back()
    expect(root).to_have_attribute("data-stage", "unit")
    expect(page).to_have_url(re.compile(f"{UNIT}$"))
    assert_csp_blocked_nothing(context)
    assert not context.console_errors, "\n".join(context.console_errors)


EV = "#activity-simulation-ev-charging-2051"
# The shapes the EV map's Bokeh document really draws: per MultiPolygons renderer, its patches'
# district names and fill colours (found from the map's element, not from what the page says).
DRAWN_SHAPES = """(selector) => {
  const element = document.querySelector(selector);
  const plots = window.Bokeh.index.roots.filter((view) => element.contains(view.el)).map((view) => view.model)
    .filter((model) => model.type === "Plot");
  return plots.flatMap((plot) => plot.renderers.filter((r) => r.glyph && r.glyph.type === "MultiPolygons"))
    .map((r) => ({ count: r.data_source.get_length(), names: r.data_source.data.name, colors: r.data_source.data.color }));
}"""
DECK_CLASSES = ["0–10 MWh", "10–30 MWh", "30–50 MWh", "50–70 MWh", "> 70 MWh"]
BOUNDARIES_CREDIT = "Contains Ordnance Survey, Office of National Statistics, National Records Scotland"


def test_the_ev_map_draws_the_15_districts_in_the_decks_classes_with_their_attribution(contexts,
                                                                                       screenshot_dir):
    from sims.results import PALETTE

    context = contexts.new(bypass_csp=True, viewport=DESKTOP, user=AMIRA)  # bypass: axe
    page = context.new_page()
    page.goto(unit_embedding("simulation", "ev-charging-2051"))
    root = page.locator(EV)
    expect(root).to_have_attribute("data-state", "ready", timeout=BOOT_MS)

    # One filled shape per district, coloured with the deck's classes; the legend lists those classes.
    shapes = page.evaluate(DRAWN_SHAPES, f"{EV}-map")
    assert len(shapes) == 1 and shapes[0]["count"] == 15, shapes
    assert len(set(shapes[0]["names"])) == 15 and "Cambridge" in shapes[0]["names"]
    assert set(shapes[0]["colors"]) <= set(PALETTE) and len(set(shapes[0]["colors"])) >= 2, shapes[0]["colors"]
    expect(page.locator(f"{EV}-legend li")).to_have_text(DECK_CLASSES)
    expect(page.locator(f"{EV}-map-credit")).to_be_visible()
    expect(page.locator(f"{EV}-map-credit")).to_contain_text(BOUNDARIES_CREDIT)
    expect(page.locator(f"{EV}-map-credit")).to_contain_text("Any further sub-licences must retain this attribution.")
    assert page.locator(f"{EV}-map canvas").count() >= 1

    page.locator(f"{EV}-map").scroll_into_view_if_needed()
    page.locator(f"{EV} .sim-figure").first.screenshot(path=str(screenshot_dir / "simulation-ev-map.png"))

    # The keyboard reaches the same read-outs as the tooltips: the map as a table, a row a district.
    summary = page.locator(f"{EV}-map-details summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator(f"{EV}-map-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(15)
    cambridge = table.locator("tbody tr", has=page.locator("th", has_text="Cambridge")).first
    expect(cambridge.locator("td").last).to_have_text(re.compile(r"^(> 70|\d+–\d+) MWh$"))
    expect(page.locator(f"{EV}-map-flows tbody tr").first).to_be_visible()

    # Charging everything at work moves the energy into Cambridge: the shapes' colours follow.
    home = page.locator(f'{EV} input[type=range][data-param="home_share"]')
    home.focus()
    runs = int(root.get_attribute("data-runs"))
    page.keyboard.press("Home")
    wait_for_run(root, runs)
    after = page.evaluate(DRAWN_SHAPES, f"{EV}-map")[0]
    assert after["count"] == 15 and after["colors"] != shapes[0]["colors"]
    assert after["colors"][after["names"].index("Cambridge")] == PALETTE[-1]
    expect(cambridge.locator("td").last).to_have_text("> 70 MWh")

    page.locator(f"{EV}-map").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "simulation-ev-map-at-work.png"))
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert not result["violations"], "axe found violations on the EV map:\n" + _describe(result["violations"])
    assert not context.console_errors, "\n".join(context.console_errors)


def square(lon, lat, size=0.05):
    ring = [[lon - size, lat - size], [lon + size, lat - size], [lon + size, lat + size], [lon - size, lat + size],
            [lon - size, lat - size]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_a_tutors_city_with_boundaries_is_drawn_as_its_shapes(contexts):
    import json

    context = contexts.new(viewport=DESKTOP, user=TUTOR)
    page = context.new_page()
    page.goto("/simulations/datasets")
    name = f"Shaped city {uuid.uuid4().hex[:6]}"
    places = [("LDS", "Leeds", 53.80, -1.55), ("BRD", "Bradford", 53.79, -1.75), ("WKF", "Wakefield", 53.68, -1.50)]
    zones = "zone_id,name,lat,lon\n" + "".join(f"{z},{n},{lat},{lon}\n" for z, n, lat, lon in places)
    flows = "origin,destination,flow\nLDS,LDS,250000\nBRD,LDS,30000\nWKF,LDS,20000\nBRD,BRD,90000\nWKF,WKF,60000\n"
    shapes = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"zone_id": z}, "geometry": square(lon, lat)} for z, _, lat, lon in places]}
    page.get_by_label("Name").fill(name)
    for label, filename, text in (("Zones (CSV)", "zones.csv", zones), ("Flows (CSV)", "flows.csv", flows),
                                  ("Boundaries (GeoJSON, optional)", "districts.geojson", json.dumps(shapes))):
        page.get_by_label(label).set_input_files({"name": filename, "mimeType": "text/plain", "buffer": text.encode()})
    page.get_by_role("button", name="Upload dataset").click()
    expect(page.locator("section[aria-labelledby=list-heading]")).to_contain_text(name)

    root = open_simulation(page)
    runs = int(root.get_attribute("data-runs"))
    page.get_by_label("City data").select_option(label=f"{name} (3 zones)")
    wait_for_run(root, runs)
    expect(page.locator(f"{ROOT}-map")).to_have_attribute("data-shapes", "3")
    drawn = page.evaluate(DRAWN_SHAPES, f"{ROOT}-map")
    assert [d["count"] for d in drawn] == [3] and sorted(drawn[0]["names"]) == ["Bradford", "Leeds", "Wakefield"]
    expect(page.locator(f"{ROOT}-map-credit")).to_have_text("Boundaries: uploaded by a tutor (no attribution given).")
    expect(page.locator(f"{ROOT}-legend li").first).to_contain_text("people")
    # Back to the built-in city: its own shapes and attribution again.
    runs = int(root.get_attribute("data-runs"))
    page.get_by_label("City data").select_option("cambridge-2011")
    wait_for_run(root, runs)
    expect(page.locator(f"{ROOT}-map")).to_have_attribute("data-shapes", "15")
    expect(page.locator(f"{ROOT}-map-credit")).to_contain_text(BOUNDARIES_CREDIT)
    assert not context.console_errors, "\n".join(context.console_errors)
