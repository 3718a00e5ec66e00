"""Browser tests: one real LeadUP server for the session, headless Chromium, fresh contexts per test.

The server runs in a subprocess (``python -m flask run``) on a free port of 127.0.0.1, with its
SQLite database in a temporary directory, migrated with ``flask db upgrade`` and filled with
``flask demo seed``. Contexts enforce the site's Content-Security-Policy; only the axe-core
checks use a separate context with ``bypass_csp=True`` so the script can be injected.

Playwright never downloads a browser here: Debian's ``/usr/bin/chromium`` is used.
"""
import functools
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import Server, ServerError, prepare_database, server_env

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def real_course():
    """The course the e2e server serves (course/), loaded once for the tests that look into it."""
    from app.content import shared_course

    return shared_course(ROOT / "course")


def unit_embedding(type_name, key):
    """The address of the unit that embeds ``::: <type_name> <key>``: tests follow the course as
    its authors move activities between units."""
    return next(u.url for u in real_course().units for a in u.activities if a.type_name == type_name and a.key == key)
AXE = ROOT / "tests" / ".vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("LEADUP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "leadup-demo-2026"
ADMIN = "admin@leadup.example"
TUTOR = "tutor@leadup.example"
AMIRA = "amira@leadup.example"
BEN = "ben@leadup.example"
CARLA = "carla@leadup.example"
PGCERT_COHORT = "PGCert 2026–27"
M1 = "/modules/m1-digital-innovation"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A real LeadUP server on 127.0.0.1 with the demo accounts, shared by every e2e test
    (``tests.helpers.Server``: ``url``, and ``log`` beside the database ``e2e.sqlite``)."""
    data = tmp_path_factory.mktemp("e2e-server")
    env = server_env(f"sqlite:///{data / 'e2e.sqlite'}", LEADUP_ENV="development", SECRET_KEY="e2e",
                     LOGIN_RATE_LIMIT="1000 per minute")
    srv = Server(env, data / "server.log")
    try:
        prepare_database(env)
        srv.start(timeout=30)
    except ServerError as exc:
        pytest.fail(str(exc))
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file() and not shutil.which(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM} (make chromium installs Debian's)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


SIGNED_IN = {}  # (server address, e-mail) -> the cookies of a sign-in, for later contexts of that user


class Contexts:
    """Makes browser contexts for one test and closes them afterwards.

    Every context records its console errors and its requests, so tests can assert that the
    CSP blocked nothing and that no request left 127.0.0.1.
    """

    def __init__(self, browser, server):
        self.browser = browser
        self.server = server
        self.opened = []

    def new(self, user=None, bypass_csp=False, viewport=None, service_workers="block", python_snapshot=False, **options):
        """A new context; ``service_workers="allow"`` lets pages register service workers;
        ``python_snapshot``: the Python snapshot is already kept, as after a first visit, so its
        simulation pages start Python in about a second (``keep_python_snapshot``)."""
        context = self.browser.new_context(
            base_url=self.server.url,
            bypass_csp=bypass_csp,
            viewport=viewport or DESKTOP,
            locale="en-GB",
            service_workers=service_workers,
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.opened.append(context)
        if python_snapshot:
            keep_python_snapshot(context)  # before the watching starts: it is not the test's page
        context.requests = []
        context.console_errors = []
        context.on("request", lambda request: context.requests.append(request.url))
        context.on("page", lambda page: self._watch(context, page))
        if user:
            self._sign_in(context, user)
        return context

    def _sign_in(self, context, user):
        """Sign ``user`` in through the form once per server, and give later contexts the cookies
        that sign-in left (``SIGNED_IN``): a context's sign-in is not its test's subject (the tests
        of signing in use ``sign_in`` on their own page)."""
        key = (self.server.url, user)
        if key in SIGNED_IN:
            context.add_cookies(SIGNED_IN[key])
            return
        page = context.new_page()
        sign_in(page, user)
        page.close()
        SIGNED_IN[key] = context.cookies()

    def page(self, user=None, **options):
        context = self.new(user=user, **options)
        page = context.new_page()
        return page

    @staticmethod
    def _watch(context, page):
        page.on("console", lambda msg: context.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: context.console_errors.append(f"page error: {error}"))

    def close(self):
        for context in self.opened:
            try:
                context.close()
            except Exception:  # the browser may already be gone at the end of the session
                pass


@functools.cache
def python_snapshot_url():
    """The address of the Python snapshot pages are offered (as the server's pages give it)."""
    from app import create_app
    from app.assets.routes import python_runtime
    from app.config import TestingConfig

    app = create_app(TestingConfig)
    with app.test_request_context():
        url = python_runtime()["data-snapshot-url"]
    assert url, "no Python snapshot was built: run 'flask assets fetch'"
    return url


KEEP_SNAPSHOT = """async (url) => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the snapshot answered ${response.status}`);
  await (await caches.open("python-snapshot")).put(new URL(url, location.href).href, response);
}"""


def keep_python_snapshot(context):
    """Put the Python snapshot in the context's Cache Storage, where the worker keeps it after a
    first visit (static/js/python-snapshot.js): the tests whose subject is not Python's start
    do not each pay for a fresh one. Tests of the first visit and of caching do not use it."""
    page = context.new_page()
    page.goto("/healthz")
    page.evaluate(KEEP_SNAPSHOT, python_snapshot_url())
    page.close()


@pytest.fixture
def contexts(browser, server):
    made = Contexts(browser, server)
    yield made
    made.close()


@pytest.fixture
def page(contexts):
    """A page in a fresh context (CSP enforced); fails the test if the CSP blocked anything."""
    page = contexts.page()
    yield page
    assert_csp_blocked_nothing(page.context)


def assert_csp_blocked_nothing(context):
    blocked = [e for e in context.console_errors if "Content Security Policy" in e or "Content-Security-Policy" in e]
    assert not blocked, "the Content-Security-Policy blocked something:\n" + "\n".join(blocked)


def sign_in(page, email, password=PASSWORD, goto=True, expect_success=True):
    """Sign in through the form. With ``goto=False`` the page must already show the form."""
    from playwright.sync_api import expect

    if goto:
        page.goto("/login")
    form = page.locator("main form")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name="Sign in").click()
    if expect_success:
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        assert "/login" not in page.url, f"still on the sign-in page after signing in as {email}"
    return page


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


@dataclass
class Urls:
    """Addresses that depend on the data: discovered once through the site itself."""
    unit1: str
    unit2: str
    unit1_title: str
    unit2_title: str
    module_units: int
    pgcert_cohort: str
    pgcert_progress: str
    reset: str

    @property
    def pgcert_gradebook(self):
        return self.pgcert_cohort + "/gradebook"


@pytest.fixture(scope="session")
def urls(browser, server):
    made = Contexts(browser, server)
    try:
        page = made.page(user=TUTOR)
        page.goto(M1)
        links = page.locator("ol.unit-list a")
        count = links.count()
        assert count >= 2, f"module 1 should have at least two units, found {count}"
        unit1, unit2 = (links.nth(i).get_attribute("href") for i in (0, 1))
        titles = [links.nth(i).inner_text().strip() for i in (0, 1)]
        page.goto("/cohorts")
        cohort = page.get_by_role("link", name=PGCERT_COHORT, exact=True).get_attribute("href")
        progress = page.get_by_role("link", name=f"Progress of {PGCERT_COHORT}").get_attribute("href")
        # A valid, unused password link for a throwaway account, made by the admin.
        admin = made.page(user=ADMIN)
        admin.goto("/users")
        form = admin.locator("form", has=admin.get_by_role("button", name="Create account"))
        form.get_by_label("Full name").fill("Reset Page Viewer")
        form.get_by_label("Email").fill("reset-viewer@example.org")
        form.get_by_label("Role").select_option("student")
        form.get_by_role("button", name="Create account").click()
        reset = admin.locator("#reset-url").input_value()
        assert "/reset/" in reset, reset
        return Urls(unit1, unit2, titles[0], titles[1], count, cohort, progress,
                    reset[len(server.url):] if reset.startswith(server.url) else reset)
    finally:
        made.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def path_of(url):
    """The path part of a page URL, for comparisons."""
    return re.sub(r"^https?://[^/]+", "", url).split("#")[0]


# Every page type, for the accessibility checks and the screenshots:
# (name, who is signed in, path or the name of a ``Urls`` attribute, expected status).
PAGE_TYPES = [
    ("programme-anonymous", None, "/", 200),
    ("programme-student", AMIRA, "/", 200),
    ("module", AMIRA, M1, 200),
    ("module-anonymous", None, M1, 200),
    ("unit", AMIRA, "unit1", 200),
    ("login", None, "/login", 200),
    ("account", AMIRA, "/account", 200),
    ("cohorts", TUTOR, "/cohorts", 200),
    ("cohort-new", TUTOR, "/cohorts/new", 200),
    ("cohort", TUTOR, "pgcert_cohort", 200),
    ("progress", TUTOR, "pgcert_progress", 200),
    ("gradebook", TUTOR, "pgcert_gradebook", 200),
    ("my-grades", AMIRA, "/grades", 200),
    ("users", ADMIN, "/users", 200),
    ("problems", TUTOR, "/course/problems", 200),
    ("smoke", AMIRA, "/smoke/pyodide", 200),
    ("error-404", None, "/no-such-page", 404),
    ("error-403", CARLA, "unit1", 403),
    ("reset-password", None, "reset", 200),
]


def resolve(path, urls):
    return path if path.startswith("/") else getattr(urls, path)


@pytest.fixture(scope="module")
def warm(browser, server):
    """``warm(user)``: one signed-in context per test module and user, kept for the module, so the
    Pyodide pages of a module share its cache (Pyodide, its library, BokehJS, the kept Python
    snapshot) and sign-in. Tests
    about sign-in, caching, failures or the CSP keep fresh contexts (``contexts``)."""
    made = Contexts(browser, server)
    by_user = {}

    def context(user):
        if user not in by_user:
            by_user[user] = made.new(user=user, python_snapshot=True)
        return by_user[user]

    yield context
    made.close()


# axe-core: the `axe` fixture scans pages and reports every violation at once; `axe_source` is
# the script, read once.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = (
    "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
    " return {violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
    " targets: v.nodes.map(n => n.target.join(' '))})), passes: r.passes.length}; }"
)


def _describe(violations):
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["targets"][:10]) for v in violations
    )


class AxeScans:
    """Scans pages with axe-core and keeps every violation, so a test reports them all at once."""

    def __init__(self, source):
        self.source = source
        self.found = []

    def scan(self, page, name):
        page.wait_for_load_state("load")  # a click may have started a navigation
        page.add_script_tag(content=self.source)  # the page's context must bypass the CSP
        result = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert result["passes"] > 0, f"axe ran no checks on {name}"
        if result["violations"]:
            self.found.append(f"{name} ({page.url}):\n" + _describe(result["violations"]))

    def check(self, page, url, name, status=200):
        """Open ``url`` (expecting ``status``) and scan it."""
        response = page.goto(url)
        assert response.status == status, f"{name}: {response.status}"
        page.wait_for_load_state("load")
        self.scan(page, name)

    def assert_clean(self):
        assert not self.found, "axe found violations:\n" + "\n".join(self.found)


@pytest.fixture
def axe(axe_source):
    return AxeScans(axe_source)


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make axe`")
    return AXE.read_text(encoding="utf-8")
