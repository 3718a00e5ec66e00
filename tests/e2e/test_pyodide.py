"""Python runs in the browser (Pyodide in a Web Worker), served only by this site."""
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import AMIRA, sign_in

pytestmark = pytest.mark.e2e

FINISHED = ",".join(f'#pyodide-smoke[data-state="{s}"]' for s in ("ok", "mismatch", "error"))


def test_pyodide_smoke_page_runs_python_from_this_site_only(page):
    sign_in(page, AMIRA)
    page.goto("/smoke/pyodide")
    smoke = page.locator("#pyodide-smoke")
    expect(smoke).to_have_attribute("data-state", "idle")
    page.locator("#smoke-run").click()
    page.wait_for_selector(FINISHED, timeout=90_000)
    status = page.locator("#smoke-status").inner_text()
    assert smoke.get_attribute("data-state") == "ok", f"Pyodide check did not pass: {status}"
    expect(page.locator("#smoke-output")).not_to_have_text("—")
    assert "matches the server" in status, status

    requests = page.context.requests
    hosts = {urlsplit(url).hostname for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, f"requests left this site: {sorted(u for u in requests if urlsplit(u).hostname != '127.0.0.1')}"
    assert any("/vendor/pyodide/" in url for url in requests), "Pyodide was not fetched from /vendor/pyodide/"
    assert any(url.endswith("/pyodide-lock.json") and "/sims/" in url for url in requests), "no sims lockfile"
    assert any(url.endswith("-py3-none-any.whl") and "/sims/" in url for url in requests), "no sims wheel"


def test_a_sims_wheel_changed_in_transit_is_refused(page):
    """The browser checks the wheel against the sha256 in the lockfile before Python sees it."""
    def tamper(route):
        body = route.fetch().body()
        route.fulfill(body=body[:-1] + bytes([body[-1] ^ 1]), content_type="application/zip")

    page.route("**/sims/*/*.whl", tamper)
    sign_in(page, AMIRA)
    page.goto("/smoke/pyodide")
    page.locator("#smoke-run").click()
    page.wait_for_selector(FINISHED, timeout=90_000)
    assert page.locator("#pyodide-smoke").get_attribute("data-state") == "error"
    expect(page.locator("#smoke-status")).to_contain_text("could not load the simulations")


SNAPSHOTS = "python-snapshot"


@pytest.fixture(scope="module")
def snapshot_built():
    """The snapshot of the models as they are now (``make test`` builds it at ``flask assets
    fetch``; this rebuilds it when ``sims/`` changed since, as while editing a model)."""
    from app import create_app
    from app.assets import snapshot, vendor
    from app.config import TestingConfig

    with create_app(TestingConfig).app_context():
        snapshot.ensure(vendor.pyodide_dir())


def run_check(page, url="/smoke/pyodide"):
    page.goto(url)
    page.locator("#smoke-run").click()
    page.wait_for_selector(FINISHED, timeout=90_000)
    smoke = page.locator("#pyodide-smoke")
    assert smoke.get_attribute("data-state") == "ok", page.locator("#smoke-status").inner_text()
    return smoke.get_attribute("data-python-start")


def saved_snapshots(page):
    return page.evaluate(f"caches.open('{SNAPSHOTS}').then((c) => c.keys()).then((k) => k.map((r) => r.url))")


def wait_for_saved(page, url, seconds=60):
    """Until the worker has kept the whole snapshot under ``url``."""
    size = f"async (url) => {{ const r = await (await caches.open('{SNAPSHOTS}')).match(url); return r ? (await r.arrayBuffer()).byteLength : 0; }}"
    for _ in range(seconds * 2):
        if page.evaluate(size, url) > 1e6:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"the snapshot was not kept in {seconds} s")


def test_a_return_visit_restores_python_from_the_snapshot_kept_after_the_first(page, snapshot_built):
    sign_in(page, AMIRA)
    assert run_check(page) == "fresh"
    snapshot = page.locator("#pyodide-smoke").get_attribute("data-snapshot-url")
    assert snapshot.endswith(".snapshot"), "no snapshot is offered: 'flask assets fetch' builds it"
    url = page.evaluate("(path) => new URL(path, location.href).href", snapshot)
    wait_for_saved(page, url)
    logs = []
    page.on("console", lambda m: logs.append(m.text))
    start = run_check(page)
    assert start == "snapshot", f"the second visit did not restore the snapshot: {logs}"
    assert saved_snapshots(page) == [url]


def test_a_stale_or_broken_snapshot_is_never_restored_and_python_still_starts(page, snapshot_built):
    sign_in(page, AMIRA)
    page.goto("/smoke/pyodide")
    snapshot = page.locator("#pyodide-smoke").get_attribute("data-snapshot-url")
    url = page.evaluate("(path) => new URL(path, location.href).href", snapshot)
    stale = url.rsplit("/", 1)[0] + "/0123456789abcdef.snapshot"  # other models' snapshot
    page.evaluate(f"""async ([url, stale]) => {{
        const cache = await caches.open('{SNAPSHOTS}');
        await cache.put(stale, new Response(new Uint8Array(1000)));
        await cache.put(url, new Response(new Uint8Array(1000)));  // not a snapshot at all
    }}""", [url, stale])
    assert run_check(page) == "fresh"
    wait_for_saved(page, url)  # the broken entry replaced by the real snapshot
    assert saved_snapshots(page) == [url], "the stale entry was not deleted"


def test_the_stock_start_offers_no_snapshot_and_runs(page):
    sign_in(page, AMIRA)
    assert run_check(page, "/smoke/pyodide?start=stock") == "fresh"
    smoke = page.locator("#pyodide-smoke")
    assert smoke.get_attribute("data-snapshot-url") == "" and smoke.get_attribute("data-stdlib-url") == ""


INTERRUPT = """async () => {
  const { PythonRunner } = await import("/static/js/python-runner.js");
  const runner = PythonRunner.fromElement(document.getElementById("pyodide-smoke"));
  await runner.start();
  const other = runner.run("1");
  await other;
  const endless = runner.run("while True:\\n    pass");
  await new Promise((resolve) => setTimeout(resolve, 300));
  const wrong = runner.interrupt(other);  // a finished request: nothing to stop
  const sent = runner.interrupt(endless);
  const error = await endless.then(() => null, (e) => e);
  const after = await runner.run("6 * 7");
  return { isolated: crossOriginIsolated, wrong, sent, interrupted: Boolean(error && error.interrupted),
           after: after.result };
}"""


def test_an_endless_run_is_interrupted_and_python_keeps_working(page):
    """The site is cross-origin isolated, so the page shares an interrupt buffer with the
    worker: a run that would never end stops, and the same Python answers the next one."""
    sign_in(page, AMIRA)
    page.goto("/smoke/pyodide")
    result = page.evaluate(INTERRUPT)
    assert result == {"isolated": True, "wrong": False, "sent": True, "interrupted": True, "after": 42}
