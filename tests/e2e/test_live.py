"""Live workshops in the browser: a tutor's session, a projector, and phones in the room.

* Projector and several phones, live: the tutor starts a session with three tables and a
  sticky-note board, shows it and opens the projector; four phones (two guests at Table 1, one
  at Table 2, Carla signed in at Table 3) join by code and post notes. Each note reaches the
  projector's column for its table without a reload, in under 3 s (the target is 1 s: the
  figures are printed); a table sees its own notes live and not the others'; text stays text.
* The outbox: a phone offline keeps its note and sends it once when back online; the same key
  posted twice (one after the other, and at once) is stored once.
* Hidden results and moderation: hidden notes reach only their authors (the projector counts
  them), a reveal shows them; a note hidden on the control page leaves the projector and the
  phones live; closing the session ends every phone's page.
* Without EventSource the phone and the projector follow the room by long-polling.
* axe-core finds no WCAG 2.2 AA violations on the live pages.
* A server restart: the projector and the phone reconnect by themselves and miss nothing (a
  second server of its own, on a copy of the session server's database).
* A note written for an activity that closed while the phone was offline is refused, not put on
  the next activity; a stream answered with an HTTP error falls back to polling.

Every test starts its own session, so they do not depend on each other's order. Carla (the
Executive cohort) is the only demo student used here; the other e2e tests use Amira and Ben.
"""
import re
import sqlite3
import time
import uuid

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.helpers import Server, server_env

from .conftest import CARLA, PHONE, TUTOR, Contexts, path_of
from .live_pages import (
    LIMIT_S,
    PHONE_OPTIONS,
    RESTART_S,
    SENT,
    TARGET_S,
    add_board,
    column,
    join,
    loaded_at,
    my_notes,
    no_csp_complaints,
    note_form,
    note_on,
    open_projector,
    post_and_time,
    send_twice,
    start_session,
    unique,
    wait_live,
    write_note,
)

pytestmark = pytest.mark.e2e


# -- 1: the projector and phones, live ---------------------------------------------------------------

def test_notes_from_several_phones_reach_the_projector_live(contexts, screenshot_dir):
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Smart-city futures workshop"), 3, "What would you change first?",
                         "One idea per note, please.")
    projector = open_projector(tutor)
    expect(projector.locator("h1")).to_have_text("What would you change first?")
    expect(projector.get_by_text("One idea per note, please.", exact=True)).to_be_visible()
    expect(projector.locator(".live-code")).to_have_text(live.code)
    for table in ("Table 1", "Table 2", "Table 3"):
        expect(column(projector, table)).to_have_count(0)

    # Four phones, each its own browser: the code is typed in lower case with a hyphen, as people do.
    typed = live.code[:3].lower() + "-" + live.code[3:].lower()
    dana = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", nickname="Dana", typed=typed)
    eli = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 2", nickname="Eli", typed=live.code.lower())
    carla = join(contexts.page(user=CARLA, **PHONE_OPTIONS), live.code, "Table 3")
    expect(carla.locator(".eyebrow")).to_contain_text("Carla Jensen")
    finn = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", nickname="Finn")
    phones = {"Dana": dana, "Eli": eli, "Carla": carla, "Finn": finn}
    projector_loaded = loaded_at(projector)
    phones_loaded = {name: loaded_at(page) for name, page in phones.items()}

    figures = []
    posts = [
        (dana, "Dana", "Table 1", unique("Open the bus data"), "Yellow"),
        (eli, "Eli", "Table 2", unique("Ask residents first"), "Blue"),
        (carla, "Carla", "Table 3", unique("Fund the sensors publicly"), "Green"),
        (finn, "Finn", "Table 1", unique("Cycle lanes before sensors"), "Pink"),
        (dana, "Dana", "Table 1", "<b>bold</b>", "Pink"),
    ]
    for phone, name, table, text, colour in posts:
        browser_ms, wall = post_and_time(phone, projector, table, text, colour)
        figures.append((name, table, browser_ms, wall))
        note = note_on(column(projector, table), text)
        expect(note.locator(".live-note-by")).to_have_text("Carla Jensen" if name == "Carla" else name)
        expect(note).to_have_class(re.compile(rf"live-note-{colour.lower()}"))
        expect(note_on(my_notes(phone), text)).to_have_count(1)  # the author sees it at once too
    print(f"\nlive: click on a phone -> note on the projector (target {TARGET_S:.1f} s, limit {LIMIT_S:.1f} s)")
    for name, table, browser_ms, wall in figures:
        print(f"  {name:6} {table}: {browser_ms:5.0f} ms in the browsers, {wall * 1000:5.0f} ms seen by the test")
    slowest = max(browser_ms for _, _, browser_ms, _ in figures)
    print(f"  slowest {slowest:.0f} ms; mean {sum(f[2] for f in figures) / len(figures):.0f} ms")
    assert slowest < LIMIT_S * 1000, f"a note took {slowest:.0f} ms to reach the projector: {figures}"

    # Each column holds its table's notes, in the order they were posted.
    expect(column(projector, "Table 1").locator(".learner-text")).to_have_text(
        [posts[0][3], posts[3][3], "<b>bold</b>"])
    expect(column(projector, "Table 2").locator(".learner-text")).to_have_text([posts[1][3]])
    expect(column(projector, "Table 3").locator(".learner-text")).to_have_text([posts[2][3]])
    # Text is text: the projector and the phones show the tags, and make no <b>.
    bold = note_on(column(projector, "Table 1"), "<b>bold</b>")
    expect(bold.locator(".learner-text")).to_have_text("<b>bold</b>")
    expect(bold.locator("b")).to_have_count(0)

    # Finn (Table 1) saw Dana's notes arrive without a reload, and nobody else's table.
    expect(my_notes(finn).locator(".learner-text")).to_have_text([posts[0][3], posts[3][3], "<b>bold</b>"])
    expect(my_notes(finn).locator("b")).to_have_count(0)
    expect(my_notes(dana).locator(".learner-text")).to_have_text([posts[0][3], posts[3][3], "<b>bold</b>"])
    expect(my_notes(eli).locator(".learner-text")).to_have_text([posts[1][3]])
    expect(my_notes(carla).locator(".learner-text")).to_have_text([posts[2][3]])
    assert loaded_at(projector) == projector_loaded, "the projector reloaded"
    assert {name: loaded_at(page) for name, page in phones.items()} == phones_loaded, "a phone reloaded"
    # A reload shows the same as the live page.
    finn.reload()
    expect(my_notes(finn).locator(".learner-text")).to_have_text([posts[0][3], posts[3][3], "<b>bold</b>"])
    expect(my_notes(finn).locator("b")).to_have_count(0)

    # The control page lists every note, with its author and table, as text.
    tutor.goto(live.control)
    expect(tutor.locator("main")).to_contain_text("4 participants: Table 1 2, Table 2 1, Table 3 1.")
    expect(tutor.get_by_role("heading", name=re.compile(r"\(5\)$"))).to_be_visible()
    expect(tutor.locator(".live-moderation li", has_text=posts[2][3])).to_contain_text("Carla Jensen, Table 3")
    expect(tutor.locator(".live-moderation li", has_text="<b>bold</b>").locator("b")).to_have_count(0)

    projector.screenshot(path=str(screenshot_dir / "live-projector-desktop.png"), full_page=True)
    dana.screenshot(path=str(screenshot_dir / "live-phone.png"), full_page=True)
    tutor.screenshot(path=str(screenshot_dir / "live-control-desktop.png"), full_page=True)
    for page in phones.values():
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= min(widths[1], PHONE["width"]), f"the phone page scrolls sideways: {widths}"
    no_csp_complaints(tutor.context, *(page.context for page in phones.values()))


# -- 2: the outbox --------------------------------------------------------------------------------------

def test_a_note_written_offline_is_kept_and_sent_once(contexts):
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Outbox workshop"), 2, "Ideas", "")
    projector = open_projector(tutor)
    phone = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 2", nickname="Gus")
    posts_sent = []
    phone.context.on("request", lambda r: posts_sent.append(r) if r.method == "POST" and
                     r.url.endswith(f"/live/{live.code}/posts") else None)

    phone.context.set_offline(True)
    text = unique("Written in the lift")
    write_note(phone, text)
    expect(phone.locator("[data-post-status]")).to_contain_text("kept on this phone")
    outbox = phone.evaluate("(key) => JSON.parse(localStorage.getItem(key) || '[]')", f"leadup-live-outbox-{live.code}")
    texts = [item["text"] if "text" in item else dict(item["entries"])["text"] for item in outbox]
    assert texts == [text], outbox
    assert outbox[0]["key"], "the kept note has no idempotency key"
    expect(note_form(phone).get_by_label("Your note")).to_have_value("")
    phone.wait_for_timeout(1500)
    expect(note_on(column(projector, "Table 2"), text)).to_have_count(0)

    phone.context.set_offline(False)
    expect(note_on(column(projector, "Table 2"), text)).to_have_count(1)
    expect(phone.locator("[data-post-status]")).to_have_text(SENT)
    deadline = time.monotonic() + 10
    while True:
        try:  # the page reloads when the tutor's switch reaches it: read between navigations
            left = phone.evaluate("(key) => localStorage.getItem(key)", f"leadup-live-outbox-{live.code}")
        except PlaywrightError:
            left = "navigating"
        if left in ("[]", None):
            break
        assert time.monotonic() < deadline, "the outbox was not emptied"
        time.sleep(0.1)
    phone.wait_for_timeout(5500)  # one more round of the 5 s resend: nothing left to send
    expect(note_on(column(projector, "Table 2"), text)).to_have_count(1)
    expect(note_on(my_notes(phone), text)).to_have_count(1)
    reached = sum(1 for r in posts_sent if r.failure is None)
    print(f"\nlive outbox: the phone tried {len(posts_sent)} POST(s); {reached} reached the server")
    assert reached == 1, f"the kept note was sent {reached} times"

    # The same key sent twice, one after the other: stored once (201, then 200 "not created").
    again = unique("Sent twice")
    key = str(uuid.uuid4())
    first, second = send_twice(phone, live.code, key, again)
    assert first["status"] == 201 and first["body"]["created"] is True, first
    assert second["status"] == 200 and second["body"]["created"] is False, second
    assert first["body"]["id"] == second["body"]["id"]
    # ...and twice at the same moment (two requests racing on the unique key).
    raced = unique("Sent twice at once")
    answers = send_twice(phone, live.code, str(uuid.uuid4()), raced, together=True)
    assert all(a["status"] in (200, 201) for a in answers), answers
    assert sorted(a["body"]["created"] for a in answers) == [False, True], answers
    assert answers[0]["body"]["id"] == answers[1]["body"]["id"], answers
    for note in (text, again, raced):
        expect(note_on(column(projector, "Table 2"), note)).to_have_count(1)
    phone.wait_for_timeout(500)
    projector.reload()
    for note in (text, again, raced):
        expect(note_on(column(projector, "Table 2"), note)).to_have_count(1)
    expect(column(projector, "Table 2")).to_have_count(3)
    phone.reload()
    expect(my_notes(phone)).to_have_count(3)
    no_csp_complaints(tutor.context, phone.context)


# -- 3: hidden results, moderation, closing -----------------------------------------------------------------

def test_hidden_results_moderation_and_closing(contexts):
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Moderated workshop"), 2, "Worries", "What worries you?")
    board = tutor.locator(".live-activities li", has_text="Worries")
    projector = open_projector(tutor)
    hana = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", nickname="Hana")
    ivo = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", nickname="Ivo")
    jo = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 2", nickname="Jo")

    before = unique("Before hiding")
    write_note(hana, before)
    expect(note_on(my_notes(ivo), before)).to_have_count(1)
    expect(note_on(column(projector, "Table 1"), before)).to_have_count(1)

    # Hidden until revealed: every screen reloads by itself and shows the count or only one's own.
    board.get_by_role("button", name=re.compile("^Hide the notes until revealed")).click()
    expect(board.get_by_role("button", name=re.compile("^Reveal the notes"))).to_be_visible()
    count = projector.locator("[data-count]")
    expect(count).to_have_text("1")
    expect(projector.locator("main")).to_contain_text(re.compile(r"hidden until the tutor reveals them: 1 so far"))
    expect(projector.locator("li.live-note")).to_have_count(0)
    for phone in (hana, ivo, jo):
        expect(phone.locator("main")).to_contain_text(re.compile(r"The tutor will reveal .* later"))
        wait_live(phone)
    expect(note_on(my_notes(ivo), before)).to_have_count(0)  # even the earlier note of the table
    expect(note_on(my_notes(hana), before)).to_have_count(1)  # one's own note stays

    hidden_1 = unique("Hana while hidden")
    write_note(hana, hidden_1)
    expect(note_on(my_notes(hana), hidden_1)).to_have_count(1)
    expect(count).to_have_text("2")
    hidden_2 = unique("Jo while hidden")
    write_note(jo, hidden_2)
    expect(note_on(my_notes(jo), hidden_2)).to_have_count(1)
    expect(count).to_have_text("3")
    own = unique("Ivo while hidden")
    write_note(ivo, own)
    expect(note_on(my_notes(ivo), own)).to_have_count(1)  # Ivo's own note arrives after the others'
    expect(count).to_have_text("4")
    expect(my_notes(ivo).locator(".learner-text")).to_have_text([own])
    expect(my_notes(hana).locator(".learner-text")).to_have_text([before, hidden_1])
    expect(my_notes(jo).locator(".learner-text")).to_have_text([hidden_2])
    ivo.reload()
    expect(my_notes(ivo).locator(".learner-text")).to_have_text([own])

    # Revealed: the phones and the projector reload and show everything of their table.
    board.get_by_role("button", name=re.compile("^Reveal the notes")).click()
    expect(projector.locator("[data-count]")).to_have_count(0)
    expect(column(projector, "Table 1").locator(".learner-text")).to_have_text([before, hidden_1, own])
    expect(column(projector, "Table 2").locator(".learner-text")).to_have_text([hidden_2])
    expect(my_notes(ivo).locator(".learner-text")).to_have_text([before, hidden_1, own])
    ivo.reload()
    expect(my_notes(ivo).locator(".learner-text")).to_have_text([before, hidden_1, own])
    expect(my_notes(jo).locator(".learner-text")).to_have_text([hidden_2])
    for page in (projector, ivo, hana):
        wait_live(page)

    # The tutor hides one note: it leaves the projector and the phones without a reload.
    loaded, ivo_loaded = loaded_at(projector), loaded_at(ivo)
    tutor.goto(live.control)
    item = tutor.locator(".live-moderation li", has_text=hidden_1)
    item.get_by_role("button", name=re.compile("^Hide")).click()
    expect(tutor.locator(".live-moderation li", has_text=hidden_1)).to_contain_text("hidden")
    expect(note_on(column(projector, "Table 1"), hidden_1)).to_have_count(0)
    expect(column(projector, "Table 1").locator(".learner-text")).to_have_text([before, own])
    assert loaded_at(projector) == loaded, "the projector reloaded to hide the note"
    expect(my_notes(ivo).locator(".learner-text")).to_have_text([before, own])  # the phones too, live
    expect(note_on(my_notes(hana), hidden_1)).to_have_count(0)
    assert loaded_at(ivo) == ivo_loaded, "the phone reloaded to hide the note"
    ivo.reload()
    expect(my_notes(ivo).locator(".learner-text")).to_have_text([before, own])
    # Pinning reaches the projector live too.
    tutor.locator(".live-moderation li", has_text=own).get_by_role("button", name=re.compile("^Pin")).click()
    expect(note_on(column(projector, "Table 1"), own)).to_have_class(re.compile("live-pinned"))
    expect(note_on(column(projector, "Table 1"), own).locator(".live-note-by")).to_have_text("Ivo · pinned")
    assert loaded_at(projector) == loaded, "the projector reloaded to pin the note"

    # Closing: every phone says so by itself; nothing more can be posted.
    tutor.get_by_role("button", name="Close the session").click()
    expect(tutor.locator(".live-code-line")).to_contain_text("closed")
    for phone in (hana, ivo, jo):
        expect(phone.locator("main")).to_contain_text("This session has ended")
        expect(phone.get_by_role("button", name="Post the note")).to_have_count(0)
    answer = send_note_after_close(hana, live.code)
    assert answer["status"] == 409 and "ended" in answer["body"]["message"], answer
    late = contexts.page(**PHONE_OPTIONS)
    late.goto(f"/join/{live.code}")
    expect(late.locator("main")).to_contain_text("This session has ended.")
    expect(late.get_by_role("button", name="Join")).to_have_count(0)
    no_csp_complaints(tutor.context, hana.context, ivo.context, jo.context)


def send_note_after_close(page, code):
    return page.evaluate(
        """async (code) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const body = new FormData();
            body.set("csrf_token", token); body.set("key", crypto.randomUUID()); body.set("text", "late");
            const r = await fetch(`/live/${code}/posts`, {method: "POST", body, credentials: "same-origin",
                headers: {Accept: "application/json", "X-CSRFToken": token}});
            return {status: r.status, body: await r.json()};
        }""",
        code,
    )


# -- 4: without EventSource -------------------------------------------------------------------------------

def test_without_eventsource_pages_follow_the_room_by_long_polling(contexts):
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Polling workshop"), 2, "Questions", "")
    tutor.context.add_init_script("delete window.EventSource")
    projector = open_projector(tutor)
    polling = contexts.page(**PHONE_OPTIONS)
    polling.add_init_script("delete window.EventSource")
    join(polling, live.code, "Table 1", nickname="Kai")
    streaming = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", nickname="Lea")
    assert polling.evaluate("() => typeof window.EventSource") == "undefined"
    loaded = loaded_at(polling)

    figures = []
    for phone, text in ((streaming, unique("Lea asks")), (polling, unique("Kai asks"))):
        browser_ms, wall = post_and_time(phone, projector, "Table 1", text)
        figures.append(browser_ms)
        expect(note_on(my_notes(polling), text)).to_have_count(1)
        expect(note_on(my_notes(streaming), text)).to_have_count(1)
    print(f"\nlive long-polling: note on the polling projector after {figures[0]:.0f} ms and {figures[1]:.0f} ms")
    assert max(figures) < LIMIT_S * 1000, figures
    assert loaded_at(polling) == loaded, "the polling page reloaded"
    for context in (polling.context, projector.context):
        urls = [path_of(u) for u in context.requests]
        assert any(u.startswith(f"/live/{live.code}/events") for u in urls), "no long-poll request"
        assert not any(u.startswith(f"/live/{live.code}/stream") for u in urls), "a stream was opened"
    no_csp_complaints(tutor.context, polling.context)


# -- 5: axe-core ---------------------------------------------------------------------------------------------

def test_live_pages_pass_axe(contexts, axe):
    check, scan = axe.check, axe.scan

    tutor = contexts.new(bypass_csp=True, user=TUTOR).new_page()
    check(tutor, "/live", "the tutor's list of sessions (empty form)")
    live = start_session(tutor, unique("Accessible workshop"), 2, "Access board", "Say it plainly.")
    check(tutor, "/live", "the tutor's list of sessions")

    guest = contexts.new(bypass_csp=True, **PHONE_OPTIONS).new_page()
    check(guest, "/join", "the code form")
    check(guest, "/join?code=NOPE99", "the code form with an error", status=404)
    check(guest, f"/join/{live.code}", "the join page of a guest")
    guest.get_by_label("Your name for the room").fill("   ")  # passes `required`, not the server
    guest.get_by_role("button", name="Join").click()
    expect(guest.locator("#nickname-error")).to_be_visible()
    scan(guest, "the join page with an error")
    guest.get_by_label("Your name for the room").fill("Mo")
    guest.get_by_role("button", name="Join").click()
    expect(guest).to_have_url(re.compile(rf"/live/{live.code}$"))
    guest.wait_for_load_state("load")
    scan(guest, "the phone page before choosing a table")
    guest.get_by_label("Table 2", exact=True).check()
    guest.get_by_role("button", name="Sit here").click()
    wait_live(guest)
    write_note(guest, "A note in pink", "Pink")
    expect(note_on(my_notes(guest), "A note in pink")).to_have_count(1)
    write_note(guest, "A note in blue", "Blue")
    expect(note_on(my_notes(guest), "A note in blue")).to_have_count(1)
    write_note(guest, "A note in green", "Green")
    expect(note_on(my_notes(guest), "A note in green")).to_have_count(1)
    scan(guest, "the phone page with notes (added live)")
    check(guest, f"/live/{live.code}", "the phone page with notes")

    student = contexts.new(bypass_csp=True, user=CARLA, **PHONE_OPTIONS).new_page()
    check(student, f"/join/{live.code}", "the join page of a signed-in student")

    tutor.goto(live.control)
    tutor.locator(".live-moderation li", has_text="A note in blue").get_by_role(
        "button", name=re.compile("^Pin")).click()
    tutor.locator(".live-moderation li", has_text="A note in green").get_by_role(
        "button", name=re.compile("^Hide")).click()
    check(tutor, live.control, "the control page with notes")
    check(tutor, f"/live/{live.code}/projector", "the projector with notes")
    tutor.goto(live.control)
    tutor.locator(".live-activities li", has_text="Access board").get_by_role(
        "button", name=re.compile("^Hide the notes")).click()
    check(tutor, f"/live/{live.code}/projector", "the projector with hidden notes")
    check(guest, f"/live/{live.code}", "the phone page with hidden notes")
    tutor.goto(live.control)
    tutor.get_by_role("button", name="Close the session").click()
    expect(tutor.locator(".live-code-line")).to_contain_text("closed")
    scan(tutor, "the control page of a closed session")
    check(guest, f"/live/{live.code}", "the phone page of a closed session")
    axe.assert_clean()


# -- bugs found by these tests, fixed --------------------------------------------------------------------

def test_a_note_kept_offline_does_not_land_on_the_next_activity(contexts):
    """A note carries the activity it was written for: sent after that activity closed, it is
    refused with a message instead of landing on the next one."""
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Switch workshop"), 2, "Board A", "")
    phone = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", nickname="Ola")
    phone.context.set_offline(True)
    text = unique("Written for board A")
    write_note(phone, text)
    expect(phone.locator("[data-post-status]")).to_contain_text("kept on this phone")
    add_board(tutor, "Board B", "")
    tutor.locator(".live-activities li", has_text="Board B").get_by_role("button", name=re.compile("^Show now")).click()
    phone.context.set_offline(False)
    deadline = time.monotonic() + 10
    while True:
        try:  # the page reloads when the tutor's switch reaches it: read between navigations
            left = phone.evaluate("(key) => localStorage.getItem(key)", f"leadup-live-outbox-{live.code}")
        except PlaywrightError:
            left = "navigating"
        if left in ("[]", None):
            break
        assert time.monotonic() < deadline, "the outbox was not emptied"
        time.sleep(0.1)
    tutor.goto(live.control)
    notes = tutor.locator("section", has=tutor.get_by_role("heading", name=re.compile("^Notes on “Board B”")))
    expect(notes).to_be_visible()
    expect(notes.locator(".live-moderation li", has_text=text)).to_have_count(0)


def test_a_stream_refused_by_the_network_falls_back_to_polling(contexts):
    """A stream refused outright (a proxy's 502) closes the EventSource: the page polls instead."""
    tutor = contexts.page(user=TUTOR)
    live = start_session(tutor, unique("Proxy workshop"), 2, "Board", "")
    phone = contexts.page(**PHONE_OPTIONS)
    phone.route("**/stream*", lambda route: route.fulfill(status=502, body="Bad gateway"))  # a proxy says no
    phone.goto(f"/join/{live.code}")
    phone.get_by_label("Your name for the room").fill("Pia")
    phone.get_by_role("button", name="Join").click()
    phone.get_by_label("Table 1", exact=True).check()
    phone.get_by_role("button", name="Sit here").click()
    other = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", nickname="Quin")
    write_note(other, "Through the proxy")
    expect(note_on(my_notes(phone), "Through the proxy")).to_have_count(1, timeout=5000)


# -- 6: a server restart -------------------------------------------------------------------------------------

class OwnServer(Server):
    """A second LeadUP server on a copy of the session server's database, for stopping and starting."""

    def __init__(self, server, tmp_path):
        db = tmp_path / "restart.sqlite"
        with sqlite3.connect(server.log.parent / "e2e.sqlite") as source, sqlite3.connect(db) as target:
            source.backup(target)
        env = server_env(f"sqlite:///{db}", LEADUP_ENV="development", SECRET_KEY="e2e",
                         LOGIN_RATE_LIMIT="1000 per minute")
        super().__init__(env, tmp_path / "restart-server.log")


@pytest.fixture
def own_server(server, tmp_path):
    made = OwnServer(server, tmp_path)
    made.start()
    try:
        yield made
    finally:
        made.stop()


@pytest.mark.serial  # its own server, stopped and started again: its timings want the machine
def test_projector_and_phone_carry_on_after_a_server_restart(own_server, browser):
    contexts = Contexts(browser, own_server)
    try:
        tutor = contexts.page(user=TUTOR)
        live = start_session(tutor, unique("Restart workshop"), 2, "After the restart", "")
        projector = open_projector(tutor)
        phone = join(contexts.page(**PHONE_OPTIONS), live.code, "Table 1", nickname="Nia")
        write_note(phone, "Before the restart")
        expect(note_on(column(projector, "Table 1"), "Before the restart")).to_have_count(1)
        loaded = loaded_at(projector), loaded_at(phone)

        own_server.stop()
        down_at = time.monotonic()
        expect(projector.locator("[data-connection]")).not_to_have_text("Live.")
        expect(phone.locator("[data-connection]")).not_to_have_text("Live.")
        time.sleep(1)  # down for a while: the pages give up on the stream and poll (see the report)
        own_server.start()
        print(f"\nlive restart: the server was down for {time.monotonic() - down_at:.1f} s")
        # Once a page has fallen back to polling it says "Offline" until a long-poll returns (up to
        # 20 s), though it is connected: wait for the note, not for the words.
        started = time.monotonic()
        write_note(phone, "After the restart")
        expect(note_on(column(projector, "Table 1"), "After the restart")).to_have_count(1, timeout=RESTART_S * 1000)
        wall = time.monotonic() - started
        browser_ms = projector.evaluate("(text) => window.__seen[text]", "After the restart") - phone.evaluate(
            "() => window.__submittedAt")
        print(f"live restart: the first note after the start took {browser_ms:.0f} ms to the projector "
              f"({wall:.1f} s seen by the test); projector status then: "
              f"{projector.locator('[data-connection]').inner_text()!r}")
        expect(phone.locator("[data-post-status]")).to_have_text(SENT)
        expect(column(projector, "Table 1").locator(".learner-text")).to_have_text(
            ["Before the restart", "After the restart"])
        expect(my_notes(phone).locator(".learner-text")).to_have_text(["Before the restart", "After the restart"])
        assert (loaded_at(projector), loaded_at(phone)) == loaded, "a page reloaded"
    finally:
        contexts.close()

