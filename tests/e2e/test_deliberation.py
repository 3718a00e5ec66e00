"""Ethics deliberation exercises in the browser.

* A student works through the solo EV charging exercise (Module 2) on a phone, typing and
  tapping like a person: autosave, a reload before the autosave fires (localStorage puts the
  text back), a model run saved from the embedded simulation and attached, then a submit.
* The tutor comments on a stage and on a note, grades with the rubric; the student sees it all
  and the gradebook shows the grade.
* Two browsers share the Module 3 group attempt: notes, answers and deletions travel by polling.
* axe-core finds no WCAG 2.2 AA violations on the deliberation pages (students' and tutors').

The PGCert demo students (Amira, Ben) are used for the first three; the axe test makes its own
cohort and students (``fresh_cohort``), so the tests do not depend on each other's order.
"""
import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import AMIRA, BEN, PHONE, TUTOR, path_of
from .deliberation_pages import (
    EV_CARD,
    EV_SIM,
    EV_TITLE,
    EV_UNIT,
    JUNCTION_CARD,
    JUNCTION_TITLE,
    JUNCTION_UNIT,
    POLL_MS,
    SIM_BOOT_MS,
    add_note,
    axe_check,
    fields_status,
    fill_group_exercise,
    fresh_cohort,
    no_sideways_scroll,
    open_attempt,
    open_stage,
    stage_url,
)

pytestmark = pytest.mark.e2e


def test_student_works_through_the_solo_exercise_on_a_phone_and_a_tutor_grades_it(
        contexts, urls, screenshot_dir):
    context = contexts.new(python_snapshot=True, user=AMIRA, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(EV_UNIT)
    card = page.locator(EV_CARD)
    expect(card).to_contain_text("On your own")
    expect(card).to_contain_text("6 stages")
    no_sideways_scroll(page, "the unit with the card")
    attempt = open_attempt(page, EV_UNIT, EV_CARD)
    expect(page.locator("h1")).to_have_text(EV_TITLE)
    expect(page.locator(".delib-overview li")).to_have_count(6)
    no_sideways_scroll(page, "the attempt overview")
    page.get_by_role("link", name="Go to the next stage to do").click()

    # Stage 1, purpose: typed answers are autosaved and survive a reload.
    expect(page.locator("h1")).to_have_text("Purpose and public value")
    page.wait_for_load_state("load")
    goal = "A charging strategy every commuter can use, whether or not they have a driveway."
    page.get_by_label("What problem or goal is this for?").fill(goal)
    page.get_by_label("What public value would it create, and for whom?").fill(
        "Cleaner air and fair access to charging for people in terraced streets.")
    page.get_by_label("Who bears the costs or risks?").fill("Bill payers and village networks.")
    expect(fields_status(page)).to_contain_text("Saved at", timeout=10_000)
    no_sideways_scroll(page, "the purpose stage")
    page.reload()
    expect(page.get_by_label("What problem or goal is this for?")).to_have_value(goal)
    # Typed, then reloaded at once (before the 0.8 s autosave): the device kept it and saves it now.
    success = "In 2035, half of the households without off-street parking charge within 300 m of home."
    page.get_by_label("How would you know it worked?").fill(success)
    page.reload()
    expect(page.get_by_label("How would you know it worked?")).to_have_value(success)
    expect(fields_status(page)).to_contain_text("Saved at", timeout=10_000)
    kept = page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('leadup-delib-'))")
    assert not kept, f"the saved answer is still kept on the device: {kept}"
    other = contexts.new(python_snapshot=True, user=AMIRA).new_page()  # another device: the server has it
    other.goto(page.url)
    expect(other.get_by_label("How would you know it worked?")).to_have_value(success)
    other.context.close()
    expect(page.locator(".delib-steps li").first).to_have_class(re.compile("done"))

    # Stage 2, data: two data sources through the add-note form (the stage asks for two).
    page.get_by_role("link", name="Next: Know your data").click()
    expect(page.locator("h1")).to_have_text("Know your data")
    page.wait_for_load_state("load")
    add_note(page, {"Data source": "Smart charger session records", "Where it comes from": "Charge point operators",
                    "Personal data?": ("select", "Personal data"), "Legal basis": ("select", "Public task"),
                    "Owner or steward": "County council", "Gaps, bias and quality": "Misses home chargers."},
             "Add data source")
    add_note(page, {"Data source": "2011 Census commuting flows", "Personal data?": ("select", "Aggregated or anonymised"),
                    "Legal basis": ("select", "None needed: not personal")}, "Add data source")
    expect(page.locator("[data-note-count]")).to_contain_text("(2; at least 2)")
    no_sideways_scroll(page, "the data stage")
    # A note's own form autosaves too.
    first = page.locator("[data-notes] > li").first
    first.get_by_label("Owner or steward").fill("County council, data protection officer")
    expect(first.locator("[data-save-status]")).to_contain_text("Saved at", timeout=10_000)

    # Stage 3, consequences: run the EV model, save the run, attach it, and note four consequences.
    page.get_by_role("link", name="Next: Consequence scan").click()
    expect(page.locator("h1")).to_have_text("Consequence scan")
    sim = page.locator(EV_SIM)
    expect(sim).to_have_attribute("data-state", "ready", timeout=SIM_BOOT_MS)
    run_name = f"All at home {uuid.uuid4().hex[:6]}"
    page.get_by_label("Name for this scenario").fill(run_name)
    page.get_by_role("button", name="Save scenario").click()
    expect(page.locator(f"{EV_SIM}-save-result")).to_contain_text("checked on the server", timeout=20_000)
    # The page fetches the fresh list of saved runs by itself.
    expect(page.locator("#scenario-id")).to_contain_text(run_name, timeout=15_000)
    page.locator("#scenario-id").select_option(
        page.locator("#scenario-id option", has_text=run_name).get_attribute("value"))
    page.locator("#model-run").get_by_role("button", name="Attach").click()
    expect(page.locator(".flash-success")).to_contain_text("model run is attached")
    expect(page.locator("#model-run")).to_contain_text(f"Attached run: {run_name}")
    page.wait_for_load_state("load")
    consequences = [
        ("Village substations need reinforcing before 2035", "Intended", "Negative", "Villagers on one feeder"),
        ("Cleaner air on Cambridge's radial roads", "Intended", "Positive", "People who walk to school"),
        ("Households without driveways pay more per kWh at public chargers", "Unintended", "Negative",
         "Renters in terraced streets"),
        ("Charging records reveal when people are at home", "Unintended", "Negative", "Every driver"),
    ]
    for text, intended, valence, affected in consequences:
        add_note(page, {"Consequence": text, "Intended?": ("select", intended),
                        "Positive or negative?": ("select", valence), "Who is affected": affected,
                        "Likelihood": ("select", "High")}, "Add consequence")
    expect(page.locator("[data-visual]")).to_contain_text("Your scan so far")
    no_sideways_scroll(page, "the consequence stage")
    page.reload()  # the notes are on the server, with the scan's counts
    expect(page.locator("[data-notes] > li")).to_have_count(4)
    expect(page.locator(".delib-count-table tbody tr").nth(1).locator("td").nth(1)).to_have_text("2")
    page.screenshot(path=str(screenshot_dir / "deliberation-stage-phone.png"), full_page=True)

    # Stage 4, options: the exercise's three options, each placed on the scales; one of her own.
    page.get_by_role("link", name="Next: Weigh the options").click()
    expect(page.locator("h1")).to_have_text("Weigh the options")
    page.wait_for_load_state("load")
    options = page.locator("[data-notes] > li")
    expect(options).to_have_count(3)
    for index, (support, value, intrusion) in enumerate(((3, 3, 2), (2, 2, 2), (5, 4, 3))):
        option = options.nth(index)
        option.get_by_role("group", name=re.compile("^Support")).get_by_role(
            "radio", name=re.compile(rf"^{support}\b")).check()
        option.get_by_role("group", name=re.compile("^Public value")).get_by_role(
            "radio", name=re.compile(rf"^{value}\b")).check()
        option.get_by_role("group", name=re.compile("^Intrusion")).get_by_role(
            "radio", name=re.compile(rf"^{intrusion}\b")).check()
        option.get_by_label("For", exact=True).fill(f"Reason {index + 1} for it.")
        expect(option.locator("[data-save-status]")).to_contain_text("Saved at", timeout=10_000)
    add_note(page, {"Option": "Smart charging with price signals", "Support": ("scale", 4),
                    "What it means": "Cheaper off-peak electricity shifts charging to quiet hours."}, "Add option")
    no_sideways_scroll(page, "the options stage")
    page.reload()
    expect(options.nth(2).get_by_role("radio", name=re.compile(r"^5\b")).first).to_be_checked()

    # Stage 5, governance: dates, the three scores, and two mitigations linked to consequences.
    page.get_by_role("link", name="Next: Mitigations and governance").click()
    expect(page.locator("h1")).to_have_text("Mitigations and governance")
    page.wait_for_load_state("load")
    page.get_by_label("Review date").fill("2027-03-31")
    for name, score in (("Transparency", 3), ("Accountability", 2), ("Fairness", 4)):
        page.locator("form[data-fields]").get_by_role("group", name=re.compile("^" + name)).get_by_role(
            "radio", name=re.compile(rf"^{score}\b")).check()
    page.get_by_label("Why these scores?").fill("Accountability is lowest: the operator's role is unclear.")
    expect(fields_status(page)).to_contain_text("Saved at", timeout=10_000)
    add_note(page, {"Mitigation": "Publish charger data only aggregated to 15-minute, street-level counts.",
                    "a": ("check", "Charging records reveal when people are at home"),
                    "Accountable role": ("select", "Champion"), "Done by": "2027-06-30"}, "Add mitigation")
    add_note(page, {"Mitigation": "Fund kerbside chargers priced at home rates in terraced streets.",
                    "a": ("check", "Households without driveways pay more per kWh at public chargers"),
                    "b": ("check", "Village substations need reinforcing before 2035"),
                    "Accountable role": ("select", "Implementer")}, "Add mitigation")
    no_sideways_scroll(page, "the governance stage")
    page.reload()
    second = page.locator("[data-notes] > li").nth(1)
    expect(second.get_by_label("Village substations need reinforcing before 2035")).to_be_checked()
    expect(second.get_by_label("Charging records reveal when people are at home")).not_to_be_checked()

    # Stage 6, decision.
    page.get_by_role("link", name="Next: Decision and reflection").click()
    expect(page.locator("h1")).to_have_text("Decision and reflection")
    page.wait_for_load_state("load")
    page.get_by_label("Your recommendation").fill("Plan for public kerbside hubs first, with smart charging.")
    page.get_by_label(re.compile("^Dissent")).fill("The Employer: workplace charging is what staff want.")
    page.get_by_role("group", name=re.compile("^Before the exercise")).get_by_role(
        "radio", name=re.compile(r"^4\b")).check()
    page.get_by_role("group", name=re.compile("^And now")).get_by_role("radio", name=re.compile(r"^3\b")).check()
    page.get_by_label("How and why did your view move (or not)?").fill("The data question made me more cautious.")
    expect(fields_status(page)).to_contain_text("Saved at", timeout=10_000)
    no_sideways_scroll(page, "the decision stage")

    # Submit from the attempt page.
    page.get_by_role("link", name="Review and submit").click()
    expect(page.locator(".delib-overview .badge-ok")).to_have_count(6)
    page.locator("form", has=page.get_by_role("button", name="Submit")).get_by_role("button", name="Submit").click()
    expect(page.locator(".flash-success")).to_contain_text("Submitted")
    expect(page.locator("#result-heading")).to_have_text("Submitted")
    main = page.locator("main")
    expect(main).to_contain_text("Your tutor has not graded it yet.")
    expect(main).to_contain_text(goal)
    expect(main).to_contain_text("Households without driveways pay more per kWh")
    expect(main).to_contain_text(f"Model run: {run_name}")
    no_sideways_scroll(page, "the submitted attempt")
    page.screenshot(path=str(screenshot_dir / "deliberation-submitted-phone.png"), full_page=True)
    # A submitted attempt's stage pages lead back to it; the card says it is waiting.
    page.goto(stage_url(attempt, "purpose"))
    expect(page).to_have_url(re.compile(r"/deliberations/attempts/\d+#stage-purpose$"))
    page.goto(EV_UNIT)
    expect(page.locator(EV_CARD)).to_contain_text("waiting for your tutor")

    # The tutor finds the attempt from the cohort page, comments and grades.
    tutor = contexts.page(user=TUTOR)
    tutor.goto(urls.pgcert_cohort)
    tutor.get_by_role("link", name="Deliberation exercises").click()
    row = tutor.locator("tr", has=tutor.get_by_role("link", name=EV_TITLE))
    expect(row.locator("td").nth(3)).to_have_text(re.compile(r"[1-9]"))  # waiting for grading
    tutor.get_by_role("link", name=EV_TITLE).click()
    tutor.locator("table").get_by_role("link", name="Amira Khan").click()
    expect(tutor.locator("h1")).to_have_text("Amira Khan")
    stage1 = tutor.locator("#stage-1")
    stage1.locator("summary", has_text="Comment on this stage").click()
    stage1.get_by_label("Comment on this stage").fill("A clear goal; say who measures the 300 m.")
    stage1.get_by_role("button", name="Save the comment").click()
    expect(tutor.locator(".flash-success")).to_contain_text("comment is saved")
    note = tutor.locator("#stage-2 li[id^='note-']").first
    note.locator("summary", has_text="Comment on this data source").click()
    note.get_by_label("Comment on this data source").fill("Who may see these records, and for how long?")
    note.get_by_role("button", name="Save the comment").click()
    expect(tutor.locator(".flash-success")).to_contain_text("comment is saved")
    expect(tutor.locator("#stage-2 li[id^='note-']").first).to_contain_text("Who may see these records")

    grading = tutor.locator(".delib-grading")
    levels = (("Breadth of consequences", "Sound:"), ("Understanding of the data", "Excellent:"),
              ("Quality of trade-off reasoning", "Sound:"), ("Concrete mitigations", "Excellent:"),
              ("Reflection", "Partial:"))
    for criterion, level in levels:
        grading.get_by_role("group", name=re.compile("^" + criterion)).get_by_label(re.compile("^" + level)).check()
    grading.get_by_label(re.compile("^Overall comment")).fill("Careful work on the data; widen the options.")
    tutor.screenshot(path=str(screenshot_dir / "deliberation-tutor-grading-desktop.png"), full_page=True)
    grading.get_by_role("button", name="Save the grade").click()
    # 2 + 3 + 2 + 3 + 1 = 11 of 15 points.
    expect(tutor.locator(".flash-success")).to_contain_text("Amira Khan scores 73.3")

    # Amira sees the grade, the rubric levels and every comment.
    page.goto(attempt)
    expect(page.locator("#result-heading")).to_have_text("Grade: 73.3%")
    rubric = page.locator("table", has=page.locator("caption", has_text="Your tutor's rubric"))
    expect(rubric.locator("tbody tr")).to_have_count(5)
    expect(rubric.locator("tbody tr").nth(1)).to_contain_text("Excellent: limits and bias shape the reasoning")
    expect(rubric.locator("tbody tr").nth(1)).to_contain_text("3 of 3")
    expect(rubric.locator("tbody tr").nth(4)).to_contain_text("Partial: states a view")
    expect(main).to_contain_text("Careful work on the data; widen the options.")
    expect(page.locator("#stage-purpose")).to_contain_text("A clear goal; say who measures the 300 m.")
    expect(page.locator("#stage-data")).to_contain_text("Who may see these records, and for how long?")
    no_sideways_scroll(page, "the graded attempt")
    page.goto(EV_UNIT)
    expect(page.locator(EV_CARD)).to_contain_text("Graded: 73.3%")

    # The gradebook shows it.
    tutor.goto(urls.pgcert_gradebook)
    expect(tutor.get_by_role("link", name=re.compile(r"Amira Khan, Charging Cambridge"))).to_contain_text("73.3%")
    blocked = [e for c in (context, tutor.context) for e in c.console_errors if "Content Security Policy" in e]
    assert not blocked, blocked
    errors = [e for e in context.console_errors if e.startswith("page error")]
    assert not errors, errors


# -- 3: two browsers, one group attempt ---------------------------------------------------------

def test_group_members_see_each_others_changes_without_reloading(contexts):
    amira = contexts.new(python_snapshot=True, user=AMIRA, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    ben = contexts.new(python_snapshot=True, user=BEN).new_page()
    attempt = open_attempt(amira, JUNCTION_UNIT, JUNCTION_CARD)
    assert open_attempt(ben, JUNCTION_UNIT, JUNCTION_CARD) == attempt, "Amira and Ben should share one attempt"
    expect(amira.locator("main")).to_contain_text("Your group:")
    tag = uuid.uuid4().hex[:6]

    # A note Amira adds appears on Ben's page, announced in the live region.
    open_stage(amira, attempt, "consequences")
    open_stage(ben, attempt, "consequences")
    mine = f"Side streets take the displaced traffic ({tag})"
    add_note(amira, {"Consequence": mine, "Intended?": ("select", "Unintended"),
                     "Positive or negative?": ("select", "Negative")}, "Add consequence")
    arrived = ben.locator("[data-notes] > li", has=ben.locator("textarea", has_text=mine))
    expect(arrived).to_have_count(1, timeout=POLL_MS)
    expect(ben.locator("[data-live]")).to_contain_text("added a note")
    assert "Amira" not in ben.locator("[data-live]").inner_text(), "the group is pseudonymous"
    expect(arrived.locator("select[name=intended]")).to_have_value("unintended")

    # Ben adds two more; Amira sees them.
    others = [f"Wheelchair users are miscounted ({tag})", f"Counts drift into enforcement ({tag})"]
    for text in others:
        add_note(ben, {"Consequence": text}, "Add consequence")
    for text in others:
        expect(amira.locator("[data-notes] textarea", has_text=text)).to_have_count(1, timeout=POLL_MS)

    # Ben deletes Amira's note: it leaves Amira's page.
    ben.locator("[data-notes] > li", has=ben.locator("textarea", has_text=mine)).get_by_role(
        "button", name=re.compile("^Delete")).click()
    expect(ben.locator("[data-notes] textarea", has_text=mine)).to_have_count(0)
    expect(amira.locator("[data-notes] textarea", has_text=mine)).to_have_count(0, timeout=POLL_MS)

    # Ben edits the group's goal; Amira's page follows.
    open_stage(amira, attempt, "purpose")
    open_stage(ben, attempt, "purpose")
    goal = f"Measure whether new trips into the city shift to foot, bike and bus ({tag})."
    ben.get_by_label("What problem or goal is this for?").fill(goal)
    expect(fields_status(ben)).to_contain_text("Saved at", timeout=10_000)
    expect(amira.get_by_label("What problem or goal is this for?")).to_have_value(goal, timeout=POLL_MS)

    # Both place dots in the prioritise stage; the ranking follows without a reload.
    open_stage(amira, attempt, "prioritise")
    open_stage(ben, attempt, "prioritise")
    first, second = others
    amira.get_by_label(first).fill("1")
    amira.get_by_label(second).fill("2")
    expect(amira.locator("[data-dots-left]")).to_have_text("0 left to place.")
    amira.get_by_role("button", name="Place my dots").click()
    expect(amira.locator(".flash-success")).to_contain_text("dots are placed")
    ranking = amira.locator(".delib-ranking li")
    expect(ranking.first).to_contain_text(second)
    amira.wait_for_load_state("load")
    ben.get_by_label(first).fill("3")
    ben.get_by_role("button", name="Place my dots").click()
    expect(ben.locator(".flash-success")).to_contain_text("dots are placed")
    expect(ben.locator(".delib-ranking li").first).to_contain_text(first)
    expect(ben.locator(".delib-ranking li").first).to_contain_text("4 dots")
    # Amira's page learns of Ben's dots by polling.
    expect(ranking.first).to_contain_text(first, timeout=POLL_MS)
    expect(ranking.first).to_contain_text("4 dots")
    expect(ranking.nth(1)).to_contain_text("2 dots")
    expect(amira.get_by_label(second)).to_have_value("2")  # her own dots are untouched
    no_sideways_scroll(amira, "the prioritise stage")
    for page in (amira, ben):
        errors = [e for e in page.context.console_errors if e.startswith("page error") or "Content Security" in e]
        assert not errors, errors


# -- 4: axe-core on the deliberation pages ------------------------------------------------------

def test_deliberation_pages_pass_axe(contexts, axe_source):
    cohort = fresh_cohort(contexts, count=2)
    (_, first_email), (_, second_email) = cohort.students
    student = contexts.new(python_snapshot=True, user=first_email, bypass_csp=True).new_page()
    student.axe_source = axe_source
    found = []
    attempt = open_attempt(student, JUNCTION_UNIT, JUNCTION_CARD)
    axe_check(student, JUNCTION_UNIT, "the unit with the exercise card", found)
    axe_check(student, attempt, "the attempt overview", found)
    fill_group_exercise(student, attempt)
    # Votes and a statement on the opinion map, by both members.
    open_stage(student, attempt, "opinions")
    second = contexts.new(python_snapshot=True, user=second_email).new_page()
    open_attempt(second, JUNCTION_UNIT, JUNCTION_CARD)
    open_stage(second, attempt, "opinions")
    for page, votes in ((student, ("Agree", "Disagree", "Pass")), (second, ("Agree", "Agree", "Disagree"))):
        for index, vote in enumerate(votes, start=1):
            button = page.get_by_role("button", name=re.compile(rf"^{vote}\W+statement {index}$"))
            button.click()
            expect(button).to_have_attribute("aria-pressed", "true")
    student.get_by_label("Add a statement for others to vote on").fill("Sensors should be switched off at night.")
    student.get_by_role("button", name="Add statement").click()
    expect(student.locator(".flash-success")).to_contain_text("statement is added")
    axe_check(student, stage_url(attempt, "consequences"), "a stage page with notes", found)
    axe_check(student, stage_url(attempt, "prioritise"), "the prioritise stage", found)
    axe_check(student, stage_url(attempt, "opinions"), "the opinions stage", found)
    axe_check(student, stage_url(attempt, "governance"), "the governance stage (links, dates, scales)", found)
    student.goto(attempt)
    student.get_by_role("button", name="Submit for the group").click()
    expect(student.locator(".flash-success")).to_contain_text("Submitted")
    axe_check(student, attempt, "the submitted attempt", found)

    tutor = contexts.new(user=TUTOR, bypass_csp=True).new_page()
    tutor.axe_source = axe_source
    tutor.goto(cohort.url + "/deliberations")
    axe_check(tutor, cohort.url + "/deliberations", "the tutor's list of exercises", found)
    tutor.get_by_role("link", name=JUNCTION_TITLE).click()
    overview = path_of(tutor.url)
    axe_check(tutor, overview, "the tutor's exercise overview", found)
    tutor_attempt = tutor.locator("table").get_by_role("link", name="Table 1").first.get_attribute("href")
    axe_check(tutor, tutor_attempt, "the tutor's view of an attempt", found)
    axe_check(tutor, overview + "/compare", "the comparison", found)
    axe_check(tutor, overview + "/opinions", "the opinion map", found)
    axe_check(tutor, overview + "/report", "the cohort report", found)
    assert not found, "axe found violations:\n" + "\n".join(found)
