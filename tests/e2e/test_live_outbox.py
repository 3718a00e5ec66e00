"""The phone's outbox when the server refuses a note, or cannot answer for a while.

* A note written offline for an activity the tutor has since taken off screen is refused (409):
  the phone shows it under "Not sent" with the server's reason and Copy, Edit and Discard
  buttons, keeps it across a reload until its writer discards it, and later notes on the new
  activity are delivered. Edit puts the text back in the note box (sending it takes it off the
  list); Copy puts it on the clipboard. axe-core finds nothing on the page showing it.
* A refused note never holds up the others: a note too large for the server (413) is refused
  while the notes queued after it are delivered; a note the server answers 503 is tried again,
  later, and delivered once.
"""
import re

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, TUTOR
from .live_pages import (
    PHONE_OPTIONS,
    SENT,
    add_board,
    column,
    join,
    my_notes,
    note_form,
    note_on,
    open_projector,
    start_session,
    unique,
    write_note,
)

pytestmark = pytest.mark.e2e


def refused(page):
    return page.locator("[data-refused-list] li")


def refused_store(page, code):
    return page.evaluate("(key) => JSON.parse(localStorage.getItem(key) || '[]')", f"leadup-live-refused-{code}")


def show(tutor, title):
    tutor.locator(".live-activities li", has_text=title).get_by_role("button", name=re.compile("^Show now")).click()
    expect(tutor.locator(".live-activities li", has_text=title)).to_contain_text("on every screen")


def test_a_refused_note_is_kept_with_its_reason_until_discarded(contexts, axe, screenshot_dir):
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Refused workshop"), 2, "Board A", "")
    context = contexts.new(bypass_csp=True, viewport=PHONE, is_mobile=True, has_touch=True)  # for axe
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=contexts.server.url)
    phone = join(context.new_page(), live.code, "Table 1", nickname="Ola")

    phone.context.set_offline(True)
    first, second = unique("Written for board A"), unique("Also for board A")
    for text in (first, second):
        write_note(phone, text)
        expect(phone.locator("[data-post-status]")).to_contain_text("kept on this phone")
    add_board(tutor, "Board B", "")
    show(tutor, "Board B")
    phone.context.set_offline(False)

    # Both notes are refused (Board A has closed) and shown with the reason and the buttons.
    expect(phone.get_by_role("heading", name="Not sent")).to_be_visible()
    expect(refused(phone)).to_have_count(2)
    for number, text in enumerate((first, second)):
        item = refused(phone).nth(number)
        expect(item.locator(".learner-text")).to_have_text(text)
        expect(item).to_contain_text("Why: “Board A” has closed, so this was not added.")
        for name in ("Copy", "Edit", "Discard"):
            expect(item.get_by_role("button", name=re.compile(f"^{name} “"))).to_be_visible()
    assert [entry["text"] for entry in refused_store(phone, live.code)] == [first, second]
    assert phone.evaluate("(key) => localStorage.getItem(key)", f"leadup-live-outbox-{live.code}") in ("[]", None)

    # A later note, on the activity now on screen, is delivered.
    expect(phone.get_by_role("heading", name="Board B", level=2)).to_be_visible()
    expect(phone.locator("[data-connection]")).to_have_text(re.compile(r"^Live\b"))
    later = unique("For board B")
    write_note(phone, later)
    expect(note_on(my_notes(phone), later)).to_have_count(1)
    expect(phone.locator("[data-post-status]")).to_have_text(SENT)

    # Kept across a reload; axe finds nothing on the page showing them.
    phone.reload()
    expect(refused(phone)).to_have_count(2)
    expect(refused(phone).nth(0).locator(".learner-text")).to_have_text(first)
    axe.scan(phone, "the phone page with notes the server refused")
    axe.assert_clean()
    phone.locator("[data-refused-list]").scroll_into_view_if_needed()
    phone.screenshot(path=str(screenshot_dir / "live-refused-notes-phone.png"))

    # Copy puts the text on the clipboard.
    refused(phone).nth(0).get_by_role("button", name=re.compile("^Copy")).click()
    expect(phone.locator("[data-refused-status]")).to_contain_text("Copied")
    assert phone.evaluate("() => navigator.clipboard.readText()") == first

    # Edit puts it back in the note box; sending it delivers it to Board B and takes it off the list.
    refused(phone).nth(0).get_by_role("button", name=re.compile("^Edit")).click()
    box = note_form(phone).get_by_label("Your note")
    expect(box).to_have_value(first)
    expect(box).to_be_focused()
    note_form(phone).get_by_role("button", name="Post the note").click()
    expect(note_on(my_notes(phone), first)).to_have_count(1)
    expect(refused(phone)).to_have_count(1)
    expect(refused(phone).nth(0).locator(".learner-text")).to_have_text(second)

    # Discard removes it, for good.
    refused(phone).nth(0).get_by_role("button", name=re.compile("^Discard")).click()
    expect(refused(phone)).to_have_count(0)
    expect(phone.get_by_role("heading", name="Not sent")).to_be_hidden()
    expect(phone.locator("[data-refused-status]")).to_have_text("Discarded.")
    assert refused_store(phone, live.code) == []
    phone.reload()
    expect(note_on(my_notes(phone), first)).to_have_count(1)
    expect(phone.get_by_role("heading", name="Not sent")).to_be_hidden()

    tutor.goto(live.control)
    notes = tutor.locator("section", has=tutor.get_by_role("heading", name=re.compile("^Notes on “Board B”")))
    expect(notes.locator(".live-moderation li")).to_have_count(2)
    expect(notes.locator(".live-moderation li", has_text=second)).to_have_count(0)


def test_a_refused_note_never_holds_up_the_others(contexts):
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Queue workshop"), 2, "Ideas", "")
    projector = open_projector(tutor)
    phone = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 2", nickname="Uma")
    busy = unique("Answered busy once")
    answered = []

    def server_busy_once(route):  # a proxy in front of a restarting server: 503 for the first try
        body = route.request.post_data_buffer or b""
        if busy.encode() in body and not answered:
            answered.append(503)
            route.fulfill(status=503, headers={"Retry-After": "1", "Content-Type": "text/html"},
                          body="<h1>Service unavailable</h1>")
        else:
            route.continue_()

    phone.route(f"**/live/{live.code}/posts", server_busy_once)
    sent = []
    phone.on("requestfinished", lambda r: sent.append(r) if r.method == "POST" and "/posts" in r.url else None)

    phone.context.set_offline(True)
    huge = "Far too long. " * 155_000  # 2.2 MB, over the server's 2 MB: a phone that ignores maxlength
    note_form(phone).get_by_label("Your note").evaluate("(box, text) => { box.removeAttribute('maxlength'); "
                                                        "box.value = text; }", huge)
    note_form(phone).get_by_role("button", name="Post the note").click()
    after = [unique("Queued after the large one"), busy]
    for text in after:
        write_note(phone, text)
    phone.context.set_offline(False)

    expect(refused(phone)).to_have_count(1)
    expect(refused(phone).nth(0)).to_contain_text("Why: What you sent is too large: 2 MB at most.")
    for text in after:
        expect(note_on(column(projector, "Table 2"), text)).to_have_count(1)
        expect(note_on(my_notes(phone), text)).to_have_count(1)
    assert answered == [503]
    expect(phone.locator("[data-post-status]")).to_have_text(SENT)
    assert phone.evaluate("(key) => localStorage.getItem(key)", f"leadup-live-outbox-{live.code}") == "[]"
    phone.wait_for_timeout(1500)  # nothing is sent again afterwards
    statuses = sorted(r.response().status for r in sent if r.response() is not None)
    assert statuses == [201, 201, 413, 503], statuses
    projector.reload()
    for text in after:
        expect(note_on(column(projector, "Table 2"), text)).to_have_count(1)
