"""No page trips the Content-Security-Policy: a crawl of the site as each kind of user.

Each role starts from its own pages and follows the site's own links (GET only, no downloads,
no sign-out), breadth first, up to ``LIMIT`` pages, in one context that enforces the CSP. Every
console message about the policy is collected, so one run lists every page that trips it.
"""
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import ADMIN, AMIRA, TUTOR

pytestmark = pytest.mark.e2e

LIMIT = 70
SEEDS = {
    None: ["/", "/glossary", "/course-map", "/login"],
    AMIRA: ["/", "/competencies", "/glossary", "/course-map", "/search?q=public+value", "/scenarios",
            "/simulations", "/grades", "/account", "/discussions"],
    TUTOR: ["/cohorts", "/competencies", "/live", "/simulations/datasets", "/course/problems"],
    ADMIN: ["/users", "/cohorts"],
}
SKIP = re.compile(r"^/(vendor|static|sims\.zip|sw\.js|logout)|\.(csv|json|zip|html?|txt|py|png|svg)$|/export|/report\.|"
                  r"/download|/source$|/smoke/")
CSP = re.compile("Content Security Policy|Content-Security-Policy")


def _crawl(page, base, seeds):
    seen, queue, visited = set(seeds), deque(seeds), []
    while queue and len(visited) < LIMIT:
        path = queue.popleft()
        response = page.goto(base + path, wait_until="load")
        visited.append(path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urlsplit(urljoin(base + path, href))
            if url.netloc != urlsplit(base).netloc:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen and not SKIP.search(url.path):
                seen.add(target)
                queue.append(target)
    return visited


@pytest.mark.parametrize("user", list(SEEDS), ids=["visitor", "student", "tutor", "admin"])
def test_no_page_trips_the_content_security_policy(user, contexts, server):
    context = contexts.new(user=user)
    page = context.new_page()
    blocked = []

    def watch(message):
        if CSP.search(message.text):
            blocked.append(f"{page.url}: {message.text[:160]}")

    page.on("console", watch)
    visited = _crawl(page, server.url, SEEDS[user])
    assert len(visited) >= len(SEEDS[user])
    assert not blocked, f"the CSP blocked something on {len(blocked)} occasion(s):\n" + "\n".join(blocked)
