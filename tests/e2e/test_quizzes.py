"""Quizzes in the browser: a student takes one on a phone, a tutor grades the essay and exports CSV.

The Module 1 quiz of the real course is used (two attempts, feedback after each, an essay
marked by a tutor). Ben takes it on a phone-sized screen; Amira's attempt gives the pages the
accessibility checks look at.
"""
import csv
import re

import pytest
from playwright.sync_api import expect

from .conftest import AMIRA, BEN, PHONE, RUN_AXE, TUTOR, WCAG_TAGS, _describe, real_course, unit_embedding

pytestmark = pytest.mark.e2e

QUIZ = "#quiz-m1-smart-city-check"
# Where the course embeds the quiz, and where its essay stands in it (both move as the course grows).
QUIZ_UNIT = unit_embedding("quiz", "m1-smart-city-check")
ESSAY_NUMBER = next(n for m in real_course().modules for k, q in m.quizzes.items() if k == "m1-smart-city-check"
                    for n, question in enumerate(q.questions, start=1) if question.id == "initiative-analysis")
ESSAY = " ".join(
    ["The city's open data portal was a government-led project that published datasets but"
     " never asked who would use them, so the knowing side outran the governing side."] * 12
)  # 324 words, inside the 300-500 the question asks for


def _start(page, unit_url):
    page.goto(unit_url)
    card = page.locator(QUIZ)
    expect(card).to_contain_text("2 attempts")
    expect(card.locator(".quiz-question")).to_have_count(0)  # questions only once started
    card.locator("button, a.button").filter(has_text=re.compile("Start the quiz|Start attempt|Continue attempt")).click()
    expect(page.locator("h1")).to_contain_text("Module 1 quiz")
    page.wait_for_load_state()  # the autosave script is listening
    return page.url


def _answer(page):
    """Four automatically marked answers right, and the essay; the rest left blank."""
    page.locator("#question-digital-city").get_by_label(re.compile(r"^A comprehensive, web-based")).check()
    page.locator("#question-pilot-sickness").get_by_label("False").check()
    page.locator("#question-live-and-work-share").get_by_label(re.compile("Your answer")).fill("56.3")
    page.locator("#question-boundary-spanner").get_by_label(re.compile("Your answer")).fill("Boundary spanner")
    page.locator("#question-initiative-analysis").get_by_label("Your answer").fill(ESSAY)


def _no_sideways_scroll(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def _axe(contexts, axe_source, user, url, name):
    page = contexts.new(bypass_csp=True, user=user).new_page()
    assert page.goto(url).status == 200, name
    page.add_script_tag(content=axe_source)
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert result["passes"] > 0, "axe ran no checks"
    assert not result["violations"], f"axe found violations on {name} ({url}):\n" + _describe(result["violations"])


def test_student_on_a_phone_takes_the_quiz_and_a_tutor_grades_and_exports(contexts, urls, screenshot_dir,
                                                                           tmp_path):
    student = contexts.page(user=BEN, viewport=PHONE, is_mobile=True, has_touch=True)
    attempt_url = _start(student, QUIZ_UNIT)
    _no_sideways_scroll(student)
    _answer(student)
    # Answers are saved as the student goes: a reload (or a closed tab) keeps them.
    expect(student.locator("[data-save-status]")).to_contain_text("saved", timeout=10_000)
    student.reload()
    expect(student.locator("#question-live-and-work-share input")).to_have_value("56.3")
    expect(student.locator("#question-pilot-sickness").get_by_label("False")).to_be_checked()
    expect(student.locator("#question-initiative-analysis textarea")).to_have_value(ESSAY)
    expect(student.locator("#question-initiative-analysis [data-word-count]")).to_contain_text("324 words")
    student.screenshot(path=str(screenshot_dir / "quiz-attempt-phone.png"), full_page=True)

    student.get_by_role("button", name="Submit my answers").click()
    expect(student.locator(".flash-success")).to_contain_text("submitted")
    assert student.url.split("#")[0] == attempt_url
    # Feedback is shown after submitting; the correct answers wait for the last attempt.
    expect(student.locator("main")).to_contain_text("Two parts matter")
    expect(student.locator("main")).to_contain_text("waiting for a tutor")
    expect(student.locator(".quiz-correct")).to_have_count(0)
    _no_sideways_scroll(student)
    student.screenshot(path=str(screenshot_dir / "quiz-review-phone.png"), full_page=True)

    # The tutor finds the essay waiting in the gradebook and grades it against the rubric.
    tutor = contexts.page(user=TUTOR)
    tutor.goto(urls.pgcert_gradebook)
    tutor.get_by_role("link", name=re.compile(r"Ben Okafor: Module 1 quiz.*Analysing an initiative")).click()
    grading = tutor.locator(".quiz-grading")
    expect(grading).to_have_count(1)
    for criterion, level in (("Places the initiative", "Wave and definition named"),
                             ("Diagnoses siloedness", "One or two kinds of silo"),
                             ("Distinguishes knowing and governing", "Both sides analysed"),
                             ("Clarity and use", "Clear, with some use")):
        grading.get_by_role("group", name=re.compile(criterion)).get_by_label(re.compile(level)).check()
    grading.get_by_label("Comment for the student").fill("Good diagnosis; name the silos one by one next time.")
    tutor.screenshot(path=str(screenshot_dir / "quiz-tutor-grading-desktop.png"), full_page=True)
    grading.get_by_role("button", name="Save the grade").click()
    # 1 + 1 + 2 + 1 = 5 of 8 rubric points, of a 5-point question.
    expect(tutor.locator(".flash-success")).to_contain_text(f"question {ESSAY_NUMBER} scores 3.125 of 5 points")

    # The student now sees a grade, and the tutor's comment on the attempt.
    student.goto("/grades")
    row = student.locator("tr", has_text="Module 1 quiz")
    grade = row.locator("strong")
    expect(grade).to_have_text(re.compile(r"\d+(\.\d)?%"))
    shown = grade.inner_text()
    student.goto(attempt_url)
    expect(student.locator("main")).to_contain_text("name the silos one by one")

    # The gradebook shows the same grade, and its CSV export carries it.
    tutor.goto(urls.pgcert_gradebook)
    expect(tutor.get_by_role("link", name=re.compile(r"Ben Okafor, Module 1 quiz"))).to_contain_text(shown)
    with tutor.expect_download() as download:
        tutor.get_by_role("link", name="Download CSV").click()
    target = tmp_path / "gradebook.csv"
    download.value.save_as(target)
    with target.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    ben = next(r for r in rows if r["Email"] == "ben@leadup.example")
    quiz_column = next((k for k in ben if k.startswith("Module 1 quiz")), None)
    assert quiz_column, f"no Module 1 quiz column in {list(ben)}"
    assert ben[quiz_column].rstrip("%") == shown.rstrip("%"), (ben, shown)
    tutor.screenshot(path=str(screenshot_dir / "quiz-gradebook-desktop.png"), full_page=True)

    # Analytics: a Bokeh chart of the answers to each question, drawn by the self-hosted BokehJS.
    tutor.get_by_role("link", name=re.compile(r"^Module 1 quiz")).first.click()
    expect(tutor.locator("h1")).to_contain_text("Module 1 quiz")
    expect(tutor.locator(".quiz-chart-plot").first.locator("canvas").first).to_be_attached()
    tutor.screenshot(path=str(screenshot_dir / "quiz-analytics-desktop.png"), full_page=True)
    blocked = [e for e in tutor.context.console_errors if "Content Security Policy" in e]
    assert not blocked, blocked


def test_answers_typed_offline_are_kept_and_saved_when_back_online(contexts, urls):
    context = contexts.new(user=AMIRA, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    _start(page, QUIZ_UNIT)
    box = page.locator("#question-boundary-spanner input")
    context.set_offline(True)
    box.fill("boundary spanner")
    expect(page.locator("[data-save-status]")).to_contain_text("Offline", timeout=10_000)
    kept = page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('leadup-quiz-attempt-'))")
    assert kept, "the answer typed offline is not kept on the device"
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-save-status]")).to_contain_text("All answers saved", timeout=10_000)
    fresh = contexts.new(user=AMIRA).new_page()  # another device: the server has the answer
    fresh.goto(page.url)
    expect(fresh.locator("#question-boundary-spanner input")).to_have_value("boundary spanner")


def test_quiz_pages_pass_axe(contexts, urls, axe_source):
    student = contexts.new(user=AMIRA).new_page()
    attempt_url = _start(student, QUIZ_UNIT)
    _axe(contexts, axe_source, AMIRA, attempt_url, "the attempt page")
    student.locator("#question-pilot-sickness").get_by_label("True").check()
    student.get_by_role("button", name="Submit my answers").click()
    expect(student.locator(".flash-success")).to_contain_text("submitted")
    _axe(contexts, axe_source, AMIRA, attempt_url, "the review page")

    tutor = contexts.new(user=TUTOR).new_page()
    tutor.goto(urls.pgcert_gradebook)
    cell = tutor.get_by_role("link", name=re.compile(r"Amira Khan, Module 1 quiz"))
    student_quiz = cell.get_attribute("href")
    tutor.goto(student_quiz)
    expect(tutor.locator("h1")).to_contain_text("Amira Khan")
    tutor_attempt = tutor.get_by_role("link", name="Attempt 1", exact=True).get_attribute("href")
    analytics = tutor.locator(".eyebrow a").get_attribute("href")
    for url, name in ((student_quiz, "a student's quiz page"), (tutor_attempt, "the tutor's view of an attempt"),
                      (analytics, "the quiz analytics")):
        _axe(contexts, axe_source, TUTOR, url, name)


def test_an_over_long_essay_is_refused_beside_the_box_and_kept_after_a_reload(contexts):
    student = contexts.page(user=BEN, viewport=PHONE, is_mobile=True, has_touch=True)
    _start(student, QUIZ_UNIT)
    question = student.locator("#question-initiative-analysis")
    box, error, status = question.locator("textarea"), question.locator("[data-field-error]"), \
        student.locator("[data-save-status]")
    essay = "The open data portal published datasets that nobody had asked for. " * 400  # 26,800 characters
    box.fill(essay)
    expect(status).to_contain_text("Not saved: one answer is too long", timeout=10_000)
    expect(status).not_to_contain_text("All answers saved")
    expect(error).to_be_visible()
    expect(error).to_contain_text(f"at most 20,000 characters (this has {len(essay.strip()):,})")
    expect(box).to_have_attribute("aria-invalid", "true")
    assert "-error" in box.get_attribute("aria-describedby")
    # Reloading asks "leave the page?" (the text is not on the server); the student says yes.
    student.on("dialog", lambda dialog: dialog.accept())
    student.reload()
    expect(box).to_have_value(essay)  # put back from the device
    expect(error).to_contain_text("at most 20,000 characters")
    expect(status).to_contain_text("Not saved", timeout=10_000)
    # Nothing was cut and stored: another device finds no essay on the server.
    elsewhere = contexts.page(user=BEN)
    elsewhere.goto(student.url)
    expect(elsewhere.locator("#question-initiative-analysis textarea")).to_have_value("")
    # Shortened, it is saved and the message goes.
    box.fill(essay[:5000])
    expect(status).to_contain_text("All answers saved", timeout=10_000)
    expect(error).to_be_hidden()
    expect(box).not_to_have_attribute("aria-invalid", "true")


def test_an_essay_too_large_to_send_is_named_beside_the_box_and_kept_on_the_device(contexts):
    """2.1 MB is over the site's 2 MB request limit: the server cannot read it (413), so the page
    finds the over-long answer itself, says so beside it and keeps it."""
    student = contexts.page(user=BEN)
    _start(student, QUIZ_UNIT)
    question = student.locator("#question-initiative-analysis")
    box, error, status = question.locator("textarea"), question.locator("[data-field-error]"), \
        student.locator("[data-save-status]")
    essay = "word " * 420_000
    box.evaluate("(area, text) => { area.value = text; area.dispatchEvent(new Event('input', {bubbles: true})); }",
                 essay)
    expect(status).to_contain_text("Not saved: one answer is too long", timeout=20_000)
    expect(status).not_to_contain_text("All answers saved")
    expect(error).to_contain_text("at most 20,000 characters (this has 2,099,999)")
    student.on("dialog", lambda dialog: dialog.accept())
    student.reload()
    assert len(box.input_value()) == len(essay)  # put back from the device
