"""Accessibility: axe-core finds no WCAG 2.2 AA violations on any page type; phone and keyboard use."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import AMIRA, PAGE_TYPES, PHONE, RUN_AXE, TUTOR, WCAG_TAGS, _describe, resolve

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name,user,path,status", PAGE_TYPES, ids=[p[0] for p in PAGE_TYPES])
def test_axe_finds_no_wcag_violations(name, user, path, status, contexts, urls, axe_source):
    # axe must be injected, which the site's CSP forbids: this context alone bypasses the CSP.
    context = contexts.new(bypass_csp=True, user=user)
    page = context.new_page()
    response = page.goto(resolve(path, urls))
    assert response.status == status, f"{name}: expected {status}, got {response.status}"
    page.wait_for_load_state("load")
    page.add_script_tag(content=axe_source)
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert result["passes"] > 0, "axe ran no checks"
    assert not result["violations"], f"axe found violations on {name} ({page.url}):\n" + _describe(result["violations"])


@pytest.mark.parametrize("path", ["unit1", "pgcert_progress", "/"])
def test_phone_has_no_horizontal_scroll_and_a_reachable_nav(path, contexts, urls):
    user = TUTOR if path == "pgcert_progress" else AMIRA
    context = contexts.new(viewport=PHONE, user=user, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(resolve(path, urls))
    expect(page.locator("h1")).to_be_visible()
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"the page scrolls sideways on a phone: {widths}"
    h1 = page.locator("h1").bounding_box()
    assert h1["x"] >= 0 and h1["x"] + h1["width"] <= PHONE["width"] + 1, f"the heading overflows: {h1}"

    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    for item in nav.locator("a, button").all():
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, f"nav item off screen: {box}"
        assert box["height"] >= 24 or box["width"] >= 24, f"nav target too small: {box}"
    nav.get_by_role("link", name="Programme").tap()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out")).to_be_in_viewport()


@pytest.mark.parametrize("user", [None, AMIRA], ids=["anonymous", "student"])
def test_first_tab_focuses_skip_link(user, contexts, urls):
    page = contexts.new(user=user).new_page()
    page.goto(urls.unit1 if user else "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes into the content, not back to the header.
    page.keyboard.press("Tab")
    focused_in_main = page.locator("main :focus")
    expect(focused_in_main).to_have_count(1)
