"""Screenshots of every page type at desktop and phone size, saved in screenshots/ for people to look at.

They are not compared with anything; the test checks that each page renders (status, a heading,
no CSP complaints, no sideways scrolling at either size) and that every file is written.
"""
import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PAGE_TYPES, PHONE, resolve

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name,user,path,status", PAGE_TYPES, ids=[p[0] for p in PAGE_TYPES])
def test_screenshot(name, user, path, status, contexts, urls, screenshot_dir):
    context = contexts.new(user=user)
    page = context.new_page()
    response = page.goto(resolve(path, urls))
    assert response.status == status
    expect(page.locator("h1")).to_be_visible()
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        target = screenshot_dir / f"{name}-{size_name}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 1000, f"{target} looks empty"
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"{name} scrolls sideways at {size_name} size: scrollWidth {widths[0]} > {widths[1]}"
    blocked = [e for e in context.console_errors if "Content Security Policy" in e]
    assert not blocked, f"{name}: the CSP blocked something:\n" + "\n".join(blocked)
