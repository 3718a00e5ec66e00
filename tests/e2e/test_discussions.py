"""Cohort discussions in the browser.

* Amira, on a phone, finds her cohort's discussions from the programme page and starts a topic;
  a reload before posting keeps what she typed (localStorage), and posting forgets it.
* Ben replies; the tutor pins the topic and hides Ben's reply, which Amira then no longer sees.
* axe-core finds no WCAG 2.2 AA violations on the list, a topic (a student's and a tutor's view),
  the new-topic form with a mistake, and the edit form.
"""
import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import AMIRA, BEN, PGCERT_COHORT, PHONE, TUTOR, path_of

pytestmark = pytest.mark.e2e

PHONE_OPTIONS = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
TOPIC_URL = re.compile(r"/discussions/\d+(#.*)?$")


def unique(text):
    return f"{text} {uuid.uuid4().hex[:6]}"


def no_csp_complaints(*pages):
    for page in pages:
        blocked = [e for e in page.context.console_errors if "Content Security Policy" in e or "Content-Security-Policy" in e]
        assert not blocked, "the Content-Security-Policy blocked something:\n" + "\n".join(blocked)


def no_sideways_scroll(page, name):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= min(widths[1], PHONE["width"]), f"{name} scrolls sideways: {widths}"


def open_discussions(page):
    """From the programme page (students) to the PGCert cohort's discussion list."""
    page.goto("/")
    page.get_by_role("link", name=f"Discussions: {PGCERT_COHORT}").click()
    expect(page.get_by_role("heading", name="Discussions", level=1)).to_be_visible()
    return path_of(page.url)


def start_topic(page, title, body):
    page.get_by_role("link", name="Start a topic").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Message").fill(body)
    page.get_by_role("button", name="Post the topic").click()
    expect(page).to_have_url(TOPIC_URL)
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    return path_of(page.url)


def test_a_student_starts_a_topic_on_a_phone_another_replies_and_the_tutor_moderates(contexts, screenshot_dir):
    title = unique("Night buses")
    amira = contexts.page(user=AMIRA, **PHONE_OPTIONS)
    listing = open_discussions(amira)
    no_sideways_scroll(amira, "the discussion list")

    # a draft survives a reload before it is posted
    amira.get_by_role("link", name="Start a topic").click()
    amira.wait_for_load_state()  # the page's scripts (modules, run before "load") keep drafts from then on
    amira.get_by_label("Title").fill(title)
    amira.get_by_label("Message").fill("Should they run\nall night?")
    amira.wait_for_timeout(100)
    amira.reload()
    expect(amira.get_by_label("Message")).to_have_value("Should they run\nall night?")
    expect(amira.get_by_label("Title")).to_have_value(title)
    expect(amira.get_by_role("status").filter(has_text="unsent text")).to_be_visible()
    amira.get_by_role("button", name="Post the topic").click()
    expect(amira).to_have_url(TOPIC_URL)
    topic = path_of(amira.url)
    expect(amira.locator(".flash-success")).to_contain_text("Your topic is posted")
    expect(amira.locator(".discussion-body")).to_have_text("Should they run\nall night?")
    assert "sent=" not in amira.url  # the script tidies the address once the draft is forgotten
    amira.goto(listing)
    amira.get_by_role("link", name="Start a topic").click()
    expect(amira.get_by_label("Message")).to_have_value("")  # posted: the draft is gone
    no_sideways_scroll(amira, "the new-topic form")

    ben = contexts.page(user=BEN)
    open_discussions(ben)
    ben.get_by_role("link", name=title).click()
    expect(ben).to_have_url(re.compile(re.escape(topic) + "$"))
    ben.get_by_label("Your reply").fill("Yes, <b>at least</b> on Fridays.")
    ben.get_by_role("button", name="Post your reply").click()
    reply = ben.locator("article.discussion-post", has_text="on Fridays")
    expect(reply).to_contain_text("Yes, <b>at least</b> on Fridays.")  # shown as typed, not as HTML
    expect(ben.get_by_role("heading", name="1 reply")).to_be_visible()

    amira.goto(topic)
    expect(amira.locator("article.discussion-post", has_text="on Fridays")).to_be_visible()
    amira.get_by_text("Answer Ben Okafor").click()
    amira.get_by_label("Your answer to Ben Okafor").fill("Thanks, Ben.")
    amira.get_by_role("button", name="Post your answer").click()
    expect(amira.locator(".discussion-answers")).to_contain_text("Thanks, Ben.")
    no_sideways_scroll(amira, "the topic page")
    amira.screenshot(path=str(screenshot_dir / "discussion-topic-phone.png"), full_page=True)

    tutor = contexts.page(user=TUTOR)
    tutor.goto(topic)
    tutor.get_by_role("button", name="Pin to the top").click()
    expect(tutor.locator(".flash-success")).to_contain_text("pinned")
    tutor.locator("article.discussion-post", has_text="on Fridays").get_by_role(
        "button", name=re.compile("^Hide")).click()
    hidden = tutor.locator("article.discussion-post", has_text="on Fridays")
    expect(hidden).to_contain_text("Hidden from students")
    expect(hidden.get_by_role("button", name=re.compile("^Show to students"))).to_be_visible()
    tutor.screenshot(path=str(screenshot_dir / "discussion-topic-tutor-desktop.png"), full_page=True)

    amira.goto(topic)
    expect(amira.locator(".discussion-thread")).not_to_contain_text("on Fridays")
    expect(amira.locator(".discussion-thread")).to_contain_text("Thanks, Ben.")
    expect(amira.locator(".discussion-gone")).to_have_text("A reply hidden by a tutor.")
    amira.goto(listing)
    item = amira.locator(".discussion-item", has_text=title)
    expect(item).to_contain_text("Pinned")
    expect(item).to_contain_text("1 reply")
    no_csp_complaints(amira, ben, tutor)

    tutor.get_by_role("button", name="Unpin").click()  # leave the demo list as it was
    expect(tutor.locator(".flash-success")).to_contain_text("no longer pinned")


def test_discussion_pages_pass_axe(contexts, axe):
    check, scan = axe.check, axe.scan

    student = contexts.new(bypass_csp=True, user=AMIRA, **PHONE_OPTIONS).new_page()
    listing = open_discussions(student)
    scan(student, "the discussion list (phone)")
    student.get_by_role("link", name="Start a topic").click()
    student.get_by_label("Message").fill("Without a title")
    student.get_by_role("button", name="Post the topic").click()
    expect(student.locator("#topic-title-error")).to_be_visible()
    scan(student, "the new-topic form with a mistake")
    student.get_by_label("Title").fill(unique("Accessible topic"))
    student.get_by_role("button", name="Post the topic").click()
    expect(student).to_have_url(TOPIC_URL)
    topic = path_of(student.url)
    student.get_by_label("Your reply").fill("A first reply")
    student.get_by_role("button", name="Post your reply").click()
    expect(student.locator("article.discussion-post", has_text="A first reply")).to_be_visible()
    scan(student, "a topic with a reply (student, phone)")
    student.locator("article.discussion-post", has_text="A first reply").get_by_role("link", name=re.compile("^Edit")).click()
    expect(student.get_by_role("button", name="Save changes")).to_be_visible()
    scan(student, "the edit form")

    tutor = contexts.new(bypass_csp=True, user=TUTOR).new_page()
    check(tutor, listing, "the discussion list (tutor)")
    tutor.goto(topic)
    tutor.locator("article.discussion-post", has_text="A first reply").get_by_role(
        "button", name=re.compile("^Hide")).click()
    tutor.get_by_role("button", name=re.compile("^Lock")).click()
    expect(tutor.locator(".discussion-locked")).to_be_visible()
    scan(tutor, "a locked topic with a hidden reply (tutor)")
    check(student, topic, "a locked topic (student)")
    axe.assert_clean()
