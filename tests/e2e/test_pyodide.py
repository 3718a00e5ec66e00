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
    assert any(url.endswith("/sims.zip") for url in requests), "the sims package was not fetched"
