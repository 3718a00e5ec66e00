"""The offline cache: ``/sw.js`` is served right, and the worker caches only what it should.

The worker's rules run in Node (the project already needs it for ``flask assets fetch``) with
fake ``caches`` and ``fetch``: each test sends a list of steps and checks what was answered and
what was stored. ``tests/e2e/test_offline.py`` checks the whole thing in Chromium.
"""
import json
import os
import shutil
import subprocess

import pytest

from app.config import ROOT

WORKER = ROOT / "static" / "js" / "service-worker.js"

# Steps in: {"fetch": url, "method", "mode", "net": {status, headers, redirected, offline, hang}},
# {"message": data, "net": ...}, {"activate": true}, {"open": cache name}, {"caches": true}.
# Results out, one per step: fetch -> {handled, status, body, error, network}; caches -> {name: [paths]}.
HARNESS = r"""
const fs = require("node:fs"), vm = require("node:vm");
const ORIGIN = "http://127.0.0.1:5000";
const steps = JSON.parse(fs.readFileSync(0, "utf8"));

function decorate(response, type, redirected) {
  Object.defineProperties(response, { type: { value: type }, redirected: { value: redirected } });
  const clone = response.clone.bind(response);
  response.clone = () => decorate(clone(), type, redirected);
  return response;
}
const keyOf = (request) => new URL(typeof request === "string" ? request : request.url, ORIGIN).href;

class FakeCache {
  constructor() { this.entries = new Map(); }
  async put(request, response) {
    this.entries.set(keyOf(request), { body: await response.text(), status: response.status, headers: [...response.headers] });
  }
  async match(request) {
    const e = this.entries.get(keyOf(request));
    return e && decorate(new Response(e.body, { status: e.status, headers: e.headers }), "basic", false);
  }
}
const storage = new Map();
const caches = {
  async open(name) { if (!storage.has(name)) storage.set(name, new FakeCache()); return storage.get(name); },
  async match(request, { cacheName } = {}) {
    for (const name of cacheName ? [cacheName] : [...storage.keys()]) {
      const hit = storage.has(name) && await storage.get(name).match(request);
      if (hit) return hit;
    }
  },
  async delete(name) { return storage.delete(name); },
  async keys() { return [...storage.keys()]; },
};

let net = {}, calls = 0;
function fakeFetch(request) {
  if (net.offline) return Promise.reject(new TypeError("Failed to fetch"));
  if (net.hang) return new Promise(() => {});
  calls += 1;
  const { status = 200, headers = {}, redirected = false } = net;
  return Promise.resolve(decorate(new Response(`network ${calls}`, { status, headers }), "basic", redirected));
}

const listeners = {};
const sandbox = {
  caches, fetch: fakeFetch, console, URL, Response, Headers, Promise,
  setTimeout: (fn, ms, ...args) => setTimeout(fn, ms / 1000, ...args),  // 1000 times faster
  location: new URL(ORIGIN + "/sw.js"),
  addEventListener: (type, fn) => { listeners[type] = fn; },
  skipWaiting: () => Promise.resolve(),
  clients: { claim: () => Promise.resolve() },
};
sandbox.self = sandbox;
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(process.env.SW_PATH, "utf8"), sandbox);

async function dispatch(type, fields) {
  const waits = [];
  let answer = null;
  listeners[type]({ ...fields, waitUntil: (p) => waits.push(p), respondWith: (p) => { answer = Promise.resolve(p); } });
  const out = { handled: answer !== null };
  if (answer) {
    try { const r = await answer; out.status = r.status; out.body = await r.text(); }
    catch (error) { out.error = String(error); }
  }
  // Let the worker finish storing; a fetch that hangs on purpose never finishes.
  const settle = (p) => new Promise((resolve) => {
    const timer = setTimeout(resolve, 200);
    p.finally(() => { clearTimeout(timer); resolve(); }).catch(() => {});
  });
  for (let done = 0; done < waits.length; done++) await settle(waits[done]);
  return out;
}

(async () => {
  const results = [];
  for (const step of steps) {
    net = step.net || {};
    const before = calls;
    if (step.fetch) {
      const request = { url: new URL(step.fetch, ORIGIN).href, method: step.method || "GET", mode: step.mode || "cors" };
      results.push({ ...await dispatch("fetch", { request }), network: calls - before });
    } else if (step.message) {
      results.push(await dispatch("message", { data: step.message }));
    } else if (step.activate) {
      results.push(await dispatch("activate", {}));
    } else if (step.open) {
      await caches.open(step.open);
      results.push(null);
    } else if (step.caches) {
      const snapshot = {};
      for (const [name, cache] of storage) snapshot[name] = [...cache.entries.keys()].map((u) => u.replace(ORIGIN, ""));
      results.push(snapshot);
    }
  }
  process.stdout.write(JSON.stringify(results));
})().catch((error) => { console.error(error); process.exit(1); });
"""

OFFLINE = {"offline": True}
VENDOR_URL = "/vendor/pyodide/314.0.7/pyodide.asm.wasm"
SIMS_URL = "/sims/0123456789abcdef/leadup_sims-0.2.0+0123456789abcdef-py3-none-any.whl"


def run_worker(*steps):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (it also fetches Pyodide): install nodejs")
    result = subprocess.run(
        [node, "-e", HARNESS], input=json.dumps(steps), capture_output=True, text=True, timeout=60,
        env={**os.environ, "SW_PATH": str(WORKER)},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def page(url, **net):
    return {"fetch": url, "mode": "navigate", "net": net}


# --- the route ------------------------------------------------------------------------------

def test_worker_is_served_from_the_root_without_signing_in(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.get_data() == WORKER.read_bytes()
    assert "Content-Security-Policy" in response.headers
    response.close()


def test_worker_update_checks_are_cheap(client):
    response = client.get("/sw.js")
    again = client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"].strip('"')})
    assert again.status_code == 304
    response.close()
    again.close()


def test_worker_route_is_public(app):
    assert app.view_functions["assets.service_worker"].access == "public"


# --- the caching rules ----------------------------------------------------------------------

@pytest.mark.parametrize("url", [VENDOR_URL, SIMS_URL])
def test_vendor_files_and_the_sims_wheel_are_cache_first(url):
    first, second, offline, stored = run_worker(
        {"fetch": url}, {"fetch": url}, {"fetch": url, "net": OFFLINE}, {"caches": True}
    )
    assert first == {"handled": True, "status": 200, "body": "network 1", "network": 1}
    assert second["body"] == "network 1" and second["network"] == 0
    assert offline["body"] == "network 1"
    assert stored == {"leadup-vendor-v1": [url]}


@pytest.mark.parametrize("url", ["/static/js/pyodide-worker.js", "/simulations/datasets/cambridge.json"])
def test_assets_are_stale_while_revalidate(url):
    first, second, third, offline = run_worker(
        {"fetch": url}, {"fetch": url}, {"fetch": url}, {"fetch": url, "net": OFFLINE}
    )
    assert first["body"] == "network 1"
    assert second["body"] == "network 1" and second["network"] == 1, "answer from the cache, refresh it"
    assert third["body"] == "network 2"
    assert offline["body"] == "network 3"


@pytest.mark.parametrize("url", ["/modules/m1-digital-innovation/u01-intro", "/modules/m1-digital-innovation", "/smoke/pyodide"])
def test_pages_are_network_first_with_the_last_copy_offline(url):
    no_store = {"headers": {"Cache-Control": "no-store"}}  # every signed-in page is sent so
    first, second, offline, slow = run_worker(
        page(url, **no_store), page(url, **no_store), page(url, offline=True), page(url, hang=True)
    )
    assert first["body"] == "network 1" and second["body"] == "network 2"
    assert offline["body"] == "network 2"
    assert slow["body"] == "network 2", "a hanging network falls back to the cached copy"


def test_a_page_never_visited_fails_offline_as_usual():
    (result,) = run_worker(page("/modules/m1-digital-innovation", offline=True))
    assert result["handled"] and "Failed to fetch" in result["error"]


@pytest.mark.parametrize(
    "step",
    [
        page("/login"), page("/account"), page("/cohorts"), page("/cohorts/1/progress"), page("/manage/x"),
        page("/auth/x"), page("/users"), page("/reset/token"), page("/"), page("/course/problems"),
        {"fetch": "/modules/m1-digital-innovation/u01-intro"},  # not a navigation: a script's fetch
        {"fetch": "/modules/m1/u1/complete", "method": "POST", "mode": "navigate"},
        {"fetch": SIMS_URL, "method": "POST"},
        {"fetch": "/vendor/pyodide/314.0.7/snapshot-0123456789abcdef.snapshot"},  # the worker keeps these
        {"fetch": "https://cdn.example.org/vendor/bokeh/3.10.2/bokeh.min.js"},
        {"fetch": "/simulations/datasets/notes.txt"},
    ],
)
def test_everything_else_goes_to_the_network_untouched(step):
    result, stored = run_worker(step, {"caches": True})
    assert result["handled"] is False
    assert stored == {}


@pytest.mark.parametrize(
    "net",
    [
        {"status": 500},
        {"status": 404},
        {"status": 206},
        {"redirected": True},
        {"headers": {"Cache-Control": "no-store"}},
    ],
)
def test_failures_redirects_and_no_store_assets_are_not_stored(net):
    result, stored = run_worker({"fetch": "/static/js/app.js", "net": net}, {"caches": True})
    assert result["handled"] and result["status"] == net.get("status", 200)
    assert stored == {}


@pytest.mark.parametrize("net", [{"status": 500}, {"redirected": True}])
def test_failed_or_redirected_pages_are_not_stored(net):
    _, stored = run_worker(page("/modules/m1/u1", **net), {"caches": True})
    assert stored == {}


@pytest.mark.parametrize("url", ["/logout", "/login"])
def test_signing_in_or_out_forgets_the_cached_pages(url):
    *_, stored = run_worker(
        page("/modules/m1/u1"), {"fetch": VENDOR_URL}, {"fetch": url, "method": "POST", "mode": "navigate"},
        {"caches": True},
    )
    assert stored == {"leadup-vendor-v1": [VENDOR_URL]}


def test_activation_removes_only_this_sites_old_caches():
    *_, stored = run_worker(
        {"open": "leadup-vendor-v0"}, {"open": "leadup-pages-v0"}, {"open": "someone-else"}, {"fetch": VENDOR_URL},
        {"activate": True}, {"caches": True},
    )
    assert sorted(stored) == ["leadup-vendor-v1", "someone-else"]


def test_a_page_can_ask_for_what_it_loaded_before_the_worker_took_over():
    origin = "http://127.0.0.1:5000"
    message = {
        "type": "cache-urls",
        "page": f"{origin}/smoke/pyodide",
        "urls": [f"{origin}/smoke/pyodide", f"{origin}/static/css/site.css", f"{origin}{VENDOR_URL}",
                 f"{origin}/login", f"{origin}/healthz", "https://cdn.example.org/x.js"],
    }
    _, stored = run_worker({"message": message}, {"caches": True})
    assert stored == {
        "leadup-pages-v1": ["/smoke/pyodide"],
        "leadup-assets-v1": ["/static/css/site.css"],
        "leadup-vendor-v1": [VENDOR_URL],
    }
