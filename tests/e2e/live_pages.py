"""What the live-workshop browser tests share: a tutor starting a session and a board, the projector,
phones joining and posting, and the timings the tests hold them to."""
import re
import time
import uuid
from dataclasses import dataclass

from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, path_of

LIMIT_S = 3.0  # what the tests assert: a note on the projector within 3 s of the click
RESTART_S = 10.0  # after a server restart: the pages may be between two reconnection attempts
TARGET_S = 1.0  # what the feature aims for (printed, not asserted: the tests must not be flaky)
LIVE = re.compile(r"^Live\b")  # "Live." (streaming, or polling once answered) or "Live (through updates...)"
SENT = re.compile(r"^(Posted|Sent)\.$")  # the phone's word for a note the server has
PHONE_OPTIONS = {"viewport": PHONE, "is_mobile": True, "has_touch": True}

# On the projector: when each note's text first appeared in the page, and when the page loaded
# (a reload would change it). Init scripts survive reloads, so the observer is always there.
WATCH_NOTES = """
window.__loadedAt = Date.now();
window.__seen = {};
new MutationObserver((mutations) => {
  for (const m of mutations) for (const node of m.addedNodes) {
    if (node.nodeType !== 1) continue;
    const notes = node.matches("li.live-note") ? [node] : [...node.querySelectorAll("li.live-note")];
    for (const note of notes) {
      const text = note.querySelector(".learner-text");
      if (text && !(text.textContent in window.__seen)) window.__seen[text.textContent] = Date.now();
    }
  }
}).observe(document, {childList: true, subtree: true});
"""
# On a phone: when the note form was last submitted (the moment of the click), and page loads.
WATCH_SUBMIT = """
window.__loadedAt = Date.now();
document.addEventListener("submit", () => { window.__submittedAt = Date.now(); }, true);
"""


def unique(text):
    return f"{text} {uuid.uuid4().hex[:6]}"


# -- the tutor ------------------------------------------------------------------------------------

@dataclass
class Live:
    code: str
    control: str  # path of the control page


def start_session(tutor, title, tables, board_title, prompt):
    """From the nav: start a session, add a sticky-note board and show it; returns its code."""
    tutor.goto("/")
    tutor.get_by_role("navigation", name="Main").get_by_role("link", name="Live", exact=True).click()
    expect(tutor.get_by_role("heading", name="Live sessions", level=1)).to_be_visible()
    form = tutor.locator("form", has=tutor.get_by_role("button", name="Start the session"))
    form.get_by_label("Title").fill(title)
    form.get_by_label("Tables").fill(str(tables))
    form.get_by_role("button", name="Start the session").click()
    expect(tutor).to_have_url(re.compile(r"/live/[A-Z0-9]{6}/control$"))
    code = tutor.locator(".live-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code), code
    assert path_of(tutor.url) == f"/live/{code}/control"
    expect(tutor.get_by_role("heading", name=title, level=1)).to_be_visible()

    add_board(tutor, board_title, prompt)
    activity = tutor.locator(".live-activities li", has_text=board_title)
    expect(activity).to_contain_text("Sticky-note board")
    activity.get_by_role("button", name=re.compile("^Show now")).click()
    expect(tutor.locator(".live-activities li", has_text=board_title)).to_contain_text("on every screen")
    return Live(code, f"/live/{code}/control")


def add_board(tutor, title, prompt):
    """Add a sticky-note board: one disclosure per activity type, or one form with a type list."""
    kind = tutor.locator("details", has=tutor.locator("summary", has_text=re.compile("^Sticky-note board$")))
    if kind.count():
        kind.locator("summary").click()
        form = kind.locator("form")
    else:
        form = tutor.locator("form", has=tutor.get_by_label("Type"))
        form.get_by_label("Type").select_option(label="Sticky-note board")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Prompt for the room (optional)").fill(prompt)
    form.get_by_role("button", name=re.compile("^Add")).click()


def open_projector(tutor):
    """The projector, opened from the control page's link (a new tab), with the note watcher."""
    tutor.context.add_init_script(WATCH_NOTES)
    with tutor.expect_popup() as popup:
        tutor.get_by_role("link", name="Open the projector view").click()
    projector = popup.value
    projector.set_viewport_size(DESKTOP)
    expect(projector).to_have_url(re.compile(r"/live/[A-Z0-9]{6}/projector$"))
    wait_live(projector)
    return projector


def column(page, table):
    """A table's column of notes on the projector."""
    return page.locator("section.live-column").filter(
        has=page.get_by_role("heading", name=table, exact=True)).locator("li.live-note")


# -- participants ---------------------------------------------------------------------------------

def join(page, code, table, nickname=None, typed=None):
    """Join from /join like a person: type the code (as ``typed``), a nickname (guests), sit down."""
    page.add_init_script(WATCH_SUBMIT)
    page.goto("/join")
    expect(page.get_by_role("heading", name="Join a live session")).to_be_visible()
    page.get_by_label("The code on the screen").fill(typed or code)
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(re.compile(rf"/join/{code}$"))
    if nickname is None:
        expect(page.locator("main")).to_contain_text("You join as")
    else:
        page.get_by_label("Your name for the room").fill(nickname)
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(re.compile(rf"/live/{code}$"))
    page.get_by_role("group", name="Which table are you at?").get_by_label(table, exact=True).check()
    page.get_by_role("button", name="Sit here").click()
    expect(page.locator(".eyebrow")).to_contain_text(f"· {table}")
    expect(page.get_by_role("heading", name=table, level=3)).to_be_visible()
    wait_live(page)
    return page


def wait_live(page):
    """live.js has loaded and follows the room (SSE open, or a poll answered)."""
    page.wait_for_load_state("load")
    expect(page.locator("[data-connection]")).to_have_text(LIVE)


def note_form(page):
    return page.locator("form", has=page.get_by_role("button", name="Post the note"))


def write_note(page, text, colour="Yellow"):
    form = note_form(page)
    form.get_by_label("Your note").fill(text)
    form.get_by_role("group", name="Colour").get_by_label(colour, exact=True).check()
    form.get_by_role("button", name="Post the note").click()


def my_notes(page):
    return page.locator("[data-my-notes] li.live-note")


def note_on(locator, text):
    return locator.filter(has=locator.page.locator(".learner-text", has_text=re.compile("^" + re.escape(text) + "$")))


def post_and_time(phone, projector, table, text, colour="Yellow"):
    """Post ``text`` and wait for it in ``table``'s projector column: (browser ms, wall s)."""
    started = time.monotonic()
    write_note(phone, text, colour)
    expect(note_on(column(projector, table), text)).to_have_count(1, timeout=LIMIT_S * 1000 + 2000)
    wall = time.monotonic() - started
    expect(phone.locator("[data-post-status]")).to_have_text(SENT)
    seen = projector.evaluate("(text) => window.__seen[text]", text)
    clicked = phone.evaluate("() => window.__submittedAt")
    return seen - clicked, wall


def no_csp_complaints(*contexts_):
    blocked = [e for c in contexts_ for e in c.console_errors if "Content Security Policy" in e]
    assert not blocked, "the Content-Security-Policy blocked something:\n" + "\n".join(blocked)


def loaded_at(page):
    return page.evaluate("() => window.__loadedAt")


def send_twice(page, code, key, text, together=False):
    """POST the same note (same idempotency key) twice, as live.js does; returns the answers."""
    return page.evaluate(
        """async ([code, key, text, together]) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const once = async () => {
                const body = new FormData();
                body.set("csrf_token", token); body.set("key", key); body.set("text", text);
                body.set("colour", "pink");
                const r = await fetch(`/live/${code}/posts`, {method: "POST", body,
                    credentials: "same-origin", headers: {Accept: "application/json", "X-CSRFToken": token}});
                return {status: r.status, body: await r.json()};
            };
            if (together) return await Promise.all([once(), once()]);
            const first = await once();
            return [first, await once()];
        }""",
        [code, key, text, together],
    )
