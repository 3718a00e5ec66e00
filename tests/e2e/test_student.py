"""A student's path through the site, and who may open which unit."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import BEN, CARLA, M1, path_of, sign_in, sign_out

pytestmark = pytest.mark.e2e


def _m1_card(page):
    return page.locator("li.card", has=page.locator(f'a[href="{M1}"]'))


def test_student_studies_a_unit_and_progress_updates(page, urls):
    sign_in(page, BEN)
    expect(page.get_by_text("Welcome, Ben Okafor.")).to_be_visible()
    assert path_of(page.url) == "/"

    # The programme shows a progress bar for each module of the student's level.
    card = _m1_card(page)
    expect(card.locator("progress")).to_have_count(1)
    expect(card.locator(".progress-text")).to_have_text(re.compile(r"^0 of \d+ units done$"))
    total = int(re.match(r"0 of (\d+)", card.locator(".progress-text").inner_text()).group(1))
    assert total == urls.module_units
    assert page.locator("progress").count() >= 3, "PGCert students should see a bar for each PGCert module"

    # Module 1, then its first unit.
    card.locator(f'a[href="{M1}"]').click()
    expect(page).to_have_url(re.compile(re.escape(M1) + "$"))
    expect(page.locator("h1")).to_be_visible()
    page.locator("ol.unit-list a").first.click()
    expect(page).to_have_url(re.compile(re.escape(urls.unit1) + "$"))
    expect(page.locator("h1")).to_have_text(urls.unit1_title)

    # Mark it complete.
    page.get_by_role("button", name="Mark as complete", exact=True).click()
    expect(page.get_by_text("You have completed this unit.")).to_be_visible()
    expect(page.locator(".flash-success")).to_contain_text("marked complete")
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    expect(page.locator(".unit-sidebar .progress-text")).to_have_text(f"1 of {total} units done")

    # Next and previous.
    page.locator("a[rel=next]").click()
    expect(page).to_have_url(re.compile(re.escape(urls.unit2) + "$"))
    expect(page.locator("h1")).to_have_text(urls.unit2_title)
    expect(page.get_by_role("button", name="Mark as complete", exact=True)).to_be_visible()
    page.locator("a[rel=prev]").click()
    expect(page).to_have_url(re.compile(re.escape(urls.unit1) + "$"))
    expect(page.get_by_text("You have completed this unit.")).to_be_visible()

    # The programme page counts it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programme").click()
    expect(_m1_card(page).locator(".progress-text")).to_have_text(f"1 of {total} units done")

    # Sign out: back to the sign-in page, and units need signing in again.
    sign_out(page)
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto(urls.unit1)
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_student_cannot_open_a_unit_outside_their_level(page, urls):
    sign_in(page, CARLA)
    response = page.goto(urls.unit1)
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")
    expect(page.get_by_text("You have completed this unit.")).to_have_count(0)
    # The module overview stays public, without links into the units.
    page.goto(M1)
    expect(page.get_by_text("This module is not part of your cohort's programme.")).to_be_visible()
    expect(page.locator("ol.unit-list a")).to_have_count(0)


def test_anonymous_visitor_signs_in_and_returns_to_the_unit(page, urls):
    page.goto(urls.unit1)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_text("Please sign in to see this page.")).to_be_visible()
    sign_in(page, BEN, goto=False)
    expect(page).to_have_url(re.compile(re.escape(urls.unit1) + "$"))
    expect(page.locator("h1")).to_have_text(urls.unit1_title)


def test_unit_prints_as_a_clean_handout(page, urls):
    sign_in(page, BEN)
    page.goto(urls.unit1)
    page.emulate_media(media="print")
    for hidden in [".site-header", ".unit-sidebar", ".completion", ".pager", ".site-footer"]:
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator("h1")).to_have_text(urls.unit1_title)
    expect(page.locator(".activity").first).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
