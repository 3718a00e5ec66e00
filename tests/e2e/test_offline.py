"""Offline after first load: the service worker keeps Pyodide, the sims and the page itself."""
import time

import pytest
from playwright.sync_api import expect

from .conftest import AMIRA

pytestmark = pytest.mark.e2e

FINISHED = ",".join(f'#pyodide-smoke[data-state="{s}"]' for s in ("ok", "mismatch", "error"))


def wait_until(check, message, timeout=30):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(message)
        time.sleep(0.2)


def run_check(page):
    page.locator("#smoke-run").click()
    page.wait_for_selector(FINISHED, timeout=90_000)
    status = page.locator("#smoke-status").inner_text()
    assert page.locator("#pyodide-smoke").get_attribute("data-state") == "ok", status


def cached(page):
    """Whether the page, its worker script, the sims lockfile and the Pyodide runtime are in Cache Storage."""
    return page.evaluate(
        """async () => {
            const root = document.getElementById("pyodide-smoke").dataset;
            const urls = [location.href, root.workerUrl, root.lockfileUrl, root.indexUrl + "pyodide.asm.wasm"];
            return (await Promise.all(urls.map((url) => caches.match(url)))).every(Boolean);
        }"""
    )


def requests_logged(server):
    return sum(1 for line in server.log.read_text(errors="replace").splitlines() if '"GET ' in line or '"POST ' in line)


def test_simulation_page_runs_offline_after_one_visit(contexts, server):
    context = contexts.new(user=AMIRA, service_workers="allow")
    page = context.new_page()
    page.goto("/smoke/pyodide")
    wait_until(lambda: page.evaluate("() => !!navigator.serviceWorker.controller"),
               "the service worker never took control of the page")
    run_check(page)
    wait_until(lambda: cached(page), "the page, the sims or Pyodide did not reach the offline cache")

    context.set_offline(True)
    seen = requests_logged(server)
    response = page.reload()
    assert response is not None and response.ok and response.from_service_worker, "the page did not come from the cache"
    expect(page.locator("#pyodide-smoke")).to_have_attribute("data-state", "idle")
    run_check(page)
    assert requests_logged(server) == seen, "requests reached the server while the browser was offline"

    blocked = [e for e in context.console_errors if "Content Security Policy" in e]
    assert not blocked, "the Content-Security-Policy blocked something:\n" + "\n".join(blocked)
