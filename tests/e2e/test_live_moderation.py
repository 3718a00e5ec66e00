"""The tutor's moderation of a board in the browser: two phones post and place dots; the tutor
merges two notes that say the same and the projector drops one and counts it on the other
without a reload; the dots move with it; themes cluster the notes, the projector shows the board
by theme, and a note given a theme later moves column live. axe-core checks the pages."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import TUTOR
from .live_pages import (
    PHONE_OPTIONS,
    column,
    join,
    loaded_at,
    my_notes,
    no_csp_complaints,
    note_on,
    open_projector,
    start_session,
    unique,
    write_note,
)

pytestmark = pytest.mark.e2e


def place_dots(phone, text, count):
    note = note_on(my_notes(phone), text)
    note.get_by_label("Your dots").fill(str(count))
    note.get_by_role("button", name=re.compile("^Place")).click()


def test_merging_and_themes_reach_the_projector_live(contexts, axe, screenshot_dir):
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Merging workshop"), 2, "Transport 2030", "By 2030 transport should…")
    projector = open_projector(tutor)
    lena = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", nickname="Lena")
    omar = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", nickname="Omar")

    buses, again, bikes = unique("More buses to the villages"), unique("Buses to villages hourly"), unique("Safe cycling to school")
    write_note(lena, buses)
    write_note(omar, again)
    write_note(omar, bikes)
    table = column(projector, "Table 1")
    for text in (buses, again, bikes):
        expect(note_on(table, text)).to_have_count(1)
        expect(note_on(my_notes(lena), text)).to_have_count(1)
    place_dots(lena, again, 2)
    expect(lena.locator("main")).to_contain_text("(2 placed)")
    place_dots(omar, buses, 1)
    expect(note_on(table, again).locator(".live-note-by")).to_contain_text("2 dots")
    loaded = loaded_at(projector)

    # The tutor ticks the second bus note and keeps the first one's wording.
    tutor.bring_to_front()
    tutor.goto(live.control)
    moderation = tutor.locator(".live-moderation > li")
    moderation.filter(has_text=again).get_by_role("checkbox").check()
    moderation.filter(has_text=buses).get_by_role("button", name=re.compile("^Merge ticked into this")).click()
    expect(tutor.locator(".flash").first).to_contain_text("Merged 1 note")
    expect(moderation.filter(has_text=buses).first).to_contain_text("1 merged into it")
    expect(tutor.locator(".live-moderation > li", has_text=again).last).to_contain_text("merged into note")

    # The projector drops the merged note and counts it on the kept one, without a reload.
    expect(note_on(table, again)).to_have_count(0)
    expect(note_on(table, buses).locator(".live-note-by")).to_contain_text("+1 merged")
    expect(note_on(table, buses).locator(".live-note-by")).to_contain_text("3 dots")  # Lena's 2 moved over
    expect(note_on(my_notes(omar), again)).to_have_count(0)  # the phones too
    assert loaded_at(projector) == loaded, "the projector reloaded to merge"

    # Themes, then the board by theme: a note themed later moves column live.
    for text, theme in ((buses, "Rural buses"), (bikes, "Active travel")):
        item = tutor.locator(".live-moderation > li", has_text=text).first
        item.get_by_label(re.compile("^Theme of note")).fill(theme)
        item.get_by_role("button", name=re.compile("^Set theme")).click()
        expect(tutor.locator(".live-moderation > li", has_text=text).first).to_contain_text(f"theme: {theme}")
    tutor.locator(".live-activities li", has_text="Transport 2030").get_by_role(
        "button", name=re.compile("^Projector: notes by theme")).click()
    expect(projector.locator("[data-board]")).to_have_attribute("data-group", "theme")
    by_theme = lambda name: projector.locator("section.live-column").filter(  # noqa: E731
        has=projector.get_by_role("heading", name=name, exact=True)).locator("li.live-note")
    expect(note_on(by_theme("Rural buses"), buses)).to_have_count(1)
    expect(note_on(by_theme("Active travel"), bikes)).to_have_count(1)
    late = unique("A tram to the science parks")
    write_note(lena, late)
    expect(note_on(by_theme("No theme yet"), late)).to_have_count(1)
    tutor.goto(live.control)
    item = tutor.locator(".live-moderation > li", has_text=late).first
    item.get_by_label(re.compile("^Theme of note")).fill("Active travel")
    item.get_by_role("button", name=re.compile("^Set theme")).click()
    expect(note_on(by_theme("Active travel"), late)).to_have_count(1)
    expect(note_on(by_theme("No theme yet"), late)).to_have_count(0)
    projector.screenshot(path=str(screenshot_dir / "live-projector-by-theme.png"))

    checker = contexts.new(bypass_csp=True, user=TUTOR).new_page()
    axe.check(checker, live.control, "the control page with merged and themed notes")
    axe.check(checker, f"/live/{live.code}/projector", "the projector by theme")
    axe.assert_clean()
    tutor.goto(live.control)

    # Unmerge puts the note back on every screen with its own dots.
    tutor.locator(".live-moderation > li", has_text=again).last.get_by_role("button", name=re.compile("^Unmerge")).click()
    expect(note_on(by_theme("No theme yet"), again)).to_have_count(1)
    expect(note_on(by_theme("No theme yet"), again).locator(".live-note-by")).to_contain_text("2 dots")
    expect(note_on(by_theme("Rural buses"), buses).locator(".live-note-by")).not_to_contain_text("merged")
    no_csp_complaints(tutor.context, lena.context, omar.context)
