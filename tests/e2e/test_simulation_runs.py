"""Stopping a simulation run: by the reader's Stop button, or by newer values arriving.

Runs of the 15 districts take milliseconds, too quick to stop by hand, so these tests serve the
page a worker whose every model run first spends ``SLOW_S`` seconds in a Python loop (a route
that appends a wrapper to the real ``pyodide-worker.js``); everything else is the real page.
"""
import pytest
from playwright.sync_api import expect

from .conftest import AMIRA, assert_csp_blocked_nothing

pytestmark = pytest.mark.e2e

UNIT = "/modules/m2-responsible-technologies/city-digital-twins"
ROOT = "#activity-simulation-commuting-demand"
BOOT_MS = 90_000
SLOW_S = 3
SLOWER = f"""
const realSimulate = simulate;
simulate = (message) => {{
  pyodide.runPython("import time\\nstart = time.monotonic()\\nwhile time.monotonic() - start < {SLOW_S}:\\n    pass");
  return realSimulate(message);
}};
"""


def slow_worker(route):
    response = route.fetch()
    route.fulfill(response=response, body=response.text() + SLOWER)


@pytest.fixture
def slow_page(contexts):
    """Signed in, with the Python snapshot kept (these tests are about runs, not start-up)."""
    page = contexts.page(user=AMIRA, python_snapshot=True)
    page.route("**/static/js/pyodide-worker.js", slow_worker)
    yield page
    assert_csp_blocked_nothing(page.context)


def test_the_reader_stops_a_long_run_and_the_next_change_runs_again(slow_page):
    page = slow_page
    page.goto(UNIT)
    root = page.locator(ROOT)
    stop = page.get_by_role("button", name="Stop this run")
    expect(stop).to_be_visible(timeout=BOOT_MS)  # the first run is still going after 300 ms
    stop.click()
    expect(root).to_have_attribute("data-interrupted", "1")
    expect(stop).to_be_hidden()
    expect(page.locator(f"{ROOT}-status")).to_have_text("Stopped. Change a value to run the model.")
    assert root.get_attribute("data-runs") == "0", "a stopped run drew nothing"

    page.locator(f'{ROOT} input[type=range][data-param="jobs_growth"]').focus()
    page.keyboard.press("ArrowRight")
    expect(root).to_have_attribute("data-state", "ready", timeout=SLOW_S * 1000 + 15_000)
    assert root.get_attribute("data-runs") == "1"
    expect(page.locator(f"{ROOT}-status")).to_contain_text("Up to date")


def test_newer_values_stop_the_run_in_flight_and_are_answered(slow_page):
    page = slow_page
    page.goto(UNIT)
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-state", "ready", timeout=BOOT_MS)
    growth = page.locator(f'{ROOT} input[type=range][data-param="jobs_growth"]')
    growth.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="Stop this run")).to_be_visible()  # the run is in flight
    page.keyboard.press("ArrowRight")
    expect(root).to_have_attribute("data-interrupted", "1")
    expect(root).to_have_attribute("data-runs", "2", timeout=SLOW_S * 1000 + 15_000)
    # the answer is for the newest value, and came after one slow run, not two
    expect(page.locator(f"{ROOT}-jobs_growth-value")).to_have_value("1.2")
    assert int(root.get_attribute("data-last-redraw-ms")) < 2 * SLOW_S * 1000
