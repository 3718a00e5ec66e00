"""Live results as Bokeh charts on the projector, in a real browser.

* A tutor runs a board, a poll and a simulation round at three tables; phones (guests) post,
  place dots, vote and send their table's settings. The projector (1920×1080) draws each as a
  Bokeh canvas; after a new vote the poll's chart is drawn again, with the new count, and the
  old one stays until the new one is there. The round shows one map per table and the bars of
  the headline figures; the table stays. Screenshots: screenshots/live-charts-*.png.
* Without BokehJS the chart's figure is hidden and the table shows.
* The phones get no Bokeh. axe-core finds no WCAG 2.2 AA violations on the projector's charts.
"""
import re

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, TUTOR
from .live_pages import (
    PHONE_OPTIONS,
    column,
    join,
    my_notes,
    no_csp_complaints,
    note_on,
    open_projector,
    start_session,
    unique,
    wait_live,
    write_note,
)

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1920, "height": 1080}
DRAWN = "[data-bokeh-item][data-chart-drawn]"

# The numbers a drawn chart holds, read from BokehJS's own models (not from the page's JSON).
BARS_OF = """(id) => {
  const target = document.getElementById(id);
  for (const view of window.Bokeh.index) {
    if (!target || !(target === view.el || target.contains(view.el))) continue;
    for (const r of view.model.renderers) if (r.data_source && 'value' in r.data_source.data)
      return {label: [...r.data_source.data.label], value: [...r.data_source.data.value]};
  }
  return null;
}"""


def add_activity(tutor, kind_label, title, fill):
    """Add an activity of ``kind_label`` on the control page and show it now."""
    kind = tutor.locator("details", has=tutor.locator("summary", has_text=re.compile(f"^{re.escape(kind_label)}$")))
    kind.locator("summary").click()
    form = kind.locator("form")
    form.get_by_label("Title").fill(title)
    fill(form)
    form.get_by_role("button", name=re.compile("^Add")).click()
    item = tutor.locator(".live-activities li", has_text=title)
    item.get_by_role("button", name=re.compile("^Show now")).click()
    expect(tutor.locator(".live-activities li", has_text=title)).to_contain_text("on every screen")


def showing(page, title):
    """The page reloaded itself onto the activity ``title`` and follows the room again."""
    expect(page.locator("h1, #activity-title").filter(has_text=title)).to_have_count(1)
    wait_live(page)


def answer_poll(phone, option):
    form = phone.locator("form[data-answer-form]")
    form.get_by_label(option, exact=True).check()
    form.get_by_role("button", name=re.compile("^(Send|Change my answer)$")).click()
    expect(phone.locator("[data-post-status]")).to_have_text(re.compile(r"^(Sent|Posted)\.$|You answered"))


def join_now(page, code, table, nickname):
    """Join while a poll is on (``live_pages.join`` expects a board): code, name, table."""
    page.goto(f"/join/{code}")
    page.get_by_label("Your name for the room").fill(nickname)
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(re.compile(rf"/live/{code}$"))
    page.get_by_role("group", name="Which table are you at?").get_by_label(table, exact=True).check()
    page.get_by_role("button", name="Sit here").click()
    expect(page.locator(".eyebrow")).to_contain_text(f"· {table}")
    wait_live(page)
    return page


def bars_of(page, chart_id):
    return page.evaluate(BARS_OF, chart_id)


def side_by_side(maps, count, seconds=10):
    """The maps' boxes once all are laid out (a live update may be redrawing one just now)."""
    for _ in range(seconds * 10):
        boxes = [maps.nth(i).bounding_box() for i in range(count)]
        if all(boxes):
            return boxes
        maps.page.wait_for_timeout(100)
    raise AssertionError(f"the {count} maps were not all shown: {boxes}")


def test_the_projector_charts_a_board_a_poll_and_a_simulation_round(contexts, screenshot_dir):
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Charts workshop"), 3, "What would you change first?", "One idea per note.")
    projector = open_projector(tutor)
    projector.set_viewport_size(PROJECTOR)
    phones = [join(contexts.page(**PHONE_OPTIONS), live.code, f"Table {n}", nickname=name)
              for n, name in ((1, "Ana"), (2, "Bo"), (3, "Cy"))]

    # -- the board: notes, then dots; the most dotted notes as bars over the columns
    notes = ["Open the bus timetables as data anyone can reuse", "Ask residents before any sensor goes up",
             "Cycle lanes first", "Fund the pilots publicly"]
    for phone, text in zip(phones + phones[:1], notes):
        write_note(phone, text)
    for table, text in ((1, notes[0]), (2, notes[1]), (3, notes[2]), (1, notes[3])):
        expect(note_on(column(projector, f"Table {table}"), text)).to_have_count(1)
    ana, bo, cy = phones
    for phone, text, dots in ((ana, notes[0], 2), (bo, notes[1], 3), (cy, notes[2], 1), (ana, notes[3], 1)):
        note = note_on(my_notes(phone), text)
        note.get_by_label("Your dots").fill(str(dots))
        note.get_by_role("button", name=re.compile("^Place")).click()
        expect(note_on(my_notes(phone), text).get_by_label("Your dots")).to_have_value(str(dots))
    dots = projector.locator(f"{DRAWN}[id$='-dots']")
    expect(dots).to_have_count(1)
    chart_id = dots.get_attribute("id")
    _wait_for(lambda: (bars_of(projector, chart_id) or {}).get("value") == [3, 2, 1, 1], projector)
    labels = bars_of(projector, chart_id)["label"]
    assert labels[0] == "Ask residents before any… · Table 2", labels
    expect(projector.locator("[data-chart-table]")).to_have_class(re.compile("live-behind-chart"))
    projector.screenshot(path=str(screenshot_dir / "live-charts-board.png"))

    # -- a poll: the bars follow the votes; the old chart stays until the new one is drawn
    add_activity(tutor, "Poll", "How do you come in?", lambda form: form.get_by_label("Options, one per line").fill(
        "Bus\nBike\nCar\nWalk"))
    for page in (projector, *phones):
        showing(page, "How do you come in?")
    for phone, option in zip(phones, ("Bus", "Bike", "Bus")):
        answer_poll(phone, option)
    poll = projector.locator(f"{DRAWN}[id$='-poll']")
    expect(poll).to_have_count(1)
    poll_id = poll.get_attribute("id")
    _wait_for(lambda: (bars_of(projector, poll_id) or {}).get("value") == [2, 1, 0, 0], projector)
    assert bars_of(projector, poll_id)["label"] == ["Bus", "Bike", "Car", "Walk"]
    expect(projector.locator(f"#{poll_id}").locator("canvas").first).to_be_attached()
    projector.evaluate("(id) => { window.__firstPlot = document.getElementById(id); window.__seenTwo = false;"
                       " new MutationObserver(() => { if (document.querySelectorAll('.live-chart-plot').length > 1)"
                       " window.__seenTwo = true; }).observe(document.body, {childList: true, subtree: true}); }",
                       poll_id)
    late = join_now(contexts.page(**PHONE_OPTIONS), live.code, "Table 3", "Di")
    answer_poll(late, "Walk")
    _wait_for(lambda: (bars_of(projector, poll_id) or {}).get("value") == [2, 1, 0, 1], projector)
    assert projector.evaluate("(id) => document.getElementById(id) !== window.__firstPlot"
                              " && document.getElementById(id).hasAttribute('data-chart-drawn')", poll_id)
    assert projector.evaluate("() => window.__seenTwo"), "the old chart was not kept while the new one rendered"
    expect(projector.locator(".live-chart-plot")).to_have_count(1)  # and let go afterwards
    assert projector.evaluate("() => window.Bokeh.documents.length") == 1, "old charts' documents are kept"
    expect(projector.locator("[data-chart-table]")).to_have_class(re.compile("live-behind-chart"))
    expect(projector.get_by_role("img", name="Answers per option")).to_be_visible()
    projector.screenshot(path=str(screenshot_dir / "live-charts-poll.png"))
    for phone in (*phones, late):  # the phones keep their light tables
        assert phone.locator("[data-bokeh-item], script[src*='bokeh']").count() == 0

    # -- a simulation round: one map per table, the same classes, and the figures as bars
    def sim_settings(form):
        form.get_by_label("Model").select_option("ev_charging")
        form.get_by_label("Settings the tables choose (optional)").fill("home_share ev_share")
    add_activity(tutor, "Simulation round", "Charging in 2051", sim_settings)
    for page in (projector, *phones):
        showing(page, "Charging in 2051")
    for phone, home, ev in zip(phones, ("100", "50", "0"), ("80", "40", "20")):
        form = phone.locator("form[data-answer-form]")
        form.get_by_label(re.compile("^Charging done at home")).fill(home)
        form.get_by_label(re.compile("^Of those cars, electric")).fill(ev)
        form.get_by_role("button", name=re.compile("^Run it for")).click()
        expect(phone.locator("[data-post-status]")).to_have_text(re.compile(r"^(Sent|Posted)\.$"))
    maps = projector.locator(f".live-chart-maps {DRAWN}")
    expect(maps).to_have_count(3)
    expect(projector.locator(f"{DRAWN}[id$='-figures']")).to_have_count(1)
    for n in (1, 2, 3):
        expect(projector.get_by_role("img", name=re.compile(f"^Table {n}: "))).to_be_visible()
    legend = projector.locator(".live-map-legend li")
    expect(legend.first).to_contain_text("MWh")
    # Each table's map draws the 15 districts as their shapes, the attribution under the maps.
    shapes = projector.evaluate("""() => window.Bokeh.documents.flatMap((doc) => [...doc.all_models])
      .filter((m) => m.type === "GlyphRenderer" && m.glyph.type === "MultiPolygons")
      .map((r) => r.data_source.get_length())""")
    assert shapes == [15, 15, 15], (shapes, projector.evaluate("() => window.Bokeh.documents.length"))
    expect(projector.locator(".live-map-credit")).to_be_visible()
    expect(projector.locator(".live-map-credit")).to_contain_text("Contains Ordnance Survey, Office of National Statistics")
    expect(projector.locator(".live-sim-compare")).to_be_visible()  # the settings stay in sight
    boxes = side_by_side(maps, 3)
    assert len({round(b["y"]) for b in boxes}) == 1, f"the maps are not side by side: {boxes}"
    assert len({round(b["width"]) for b in boxes}) == 1, boxes
    projector.screenshot(path=str(screenshot_dir / "live-charts-simulation.png"))
    projector.screenshot(path=str(screenshot_dir / "live-charts-simulation-full.png"), full_page=True)
    no_csp_complaints(tutor.context, *(phone.context for phone in phones))

    # -- the control page and the report chart it too
    tutor.goto(live.control)
    expect(tutor.locator(f".live-chart-maps {DRAWN}")).to_have_count(3)
    expect(tutor.locator(".live-map-credit")).to_contain_text("Contains Ordnance Survey")
    tutor.goto(f"/live/{live.code}/report")
    expect(tutor.locator(DRAWN)).to_have_count(1 + 1 + 3 + 1)  # dots, poll, three maps, figures
    expect(tutor.locator(".live-map-credit")).to_contain_text("Contains Ordnance Survey")
    tutor.screenshot(path=str(screenshot_dir / "live-charts-report.png"), full_page=True)
    no_csp_complaints(tutor.context)


def _wait_for(condition, page, timeout_ms=15_000):
    waited = 0
    while not condition():
        assert waited < timeout_ms, "the chart did not show the expected numbers"
        page.wait_for_timeout(100)
        waited += 100


def test_without_bokehjs_the_projector_shows_the_table(contexts):
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("No BokehJS"), 2, "Ideas", "")
    add_activity(tutor, "Poll", "Which?", lambda form: form.get_by_label("Options, one per line").fill("Yes\nNo"))
    phone = join_now(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", "Eve")
    answer_poll(phone, "Yes")
    tutor.context.route(re.compile(r".*/bokeh\.min\.js.*"), lambda route: route.abort())
    projector = open_projector(tutor)
    figure = projector.locator("figure.live-chart")
    expect(figure).to_be_hidden()
    table = projector.locator(".live-bars")
    expect(table).to_be_visible()
    expect(projector.locator("[data-chart-table]")).not_to_have_class(re.compile("live-behind-chart"))
    answer_poll(phone, "No")  # a refresh without BokehJS: still the table
    expect(table.locator("tbody tr").first.locator("td").first).to_have_text("0")
    expect(projector.locator(".live-bars")).to_be_visible()
    expect(projector.locator("figure.live-chart")).to_be_hidden()


def test_the_projectors_charts_pass_axe(contexts, axe):
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Accessible charts"), 2, "Ideas", "")
    add_activity(tutor, "Poll", "Which?", lambda form: form.get_by_label("Options, one per line").fill("Yes\nNo"))
    phone = join_now(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", "Flo")
    answer_poll(phone, "Yes")
    checker = contexts.new(bypass_csp=True, user=TUTOR, viewport=PROJECTOR).new_page()
    for name, path in (("the projector with a poll chart", "projector"), ("the control page with a chart", "control")):
        checker.goto(f"/live/{live.code}/{path}")
        expect(checker.locator(DRAWN)).to_have_count(1)
        axe.scan(checker, name)
    checker.set_viewport_size(PHONE)  # a narrow window: the chart and its hidden table shrink with it
    checker.goto(f"/live/{live.code}/projector")
    expect(checker.locator(DRAWN)).to_have_count(1)
    rights = checker.evaluate("() => [...document.querySelectorAll('figure.live-chart, [data-chart-table]')]"
                              ".map((e) => e.getBoundingClientRect().right)")
    assert rights and max(rights) <= PHONE["width"], rights
    axe.assert_clean()
