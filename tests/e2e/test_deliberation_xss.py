"""Cross-site scripting: a corpus of classic payloads through every learner and tutor text field
of the deliberation exercises, and Chromium confirms that nothing runs wherever they are shown.

Every context bypasses the site's Content-Security-Policy, so the CSP cannot hide an escaping
bug: a payload that is not escaped really runs (and sets ``window.__xss`` or opens a dialog).
Two members of a fresh group share an attempt, so one member's payloads also reach the other's
page through the stage page's polling (``/changes``, put into the page by JavaScript).
"""
import re

import pytest
from playwright.sync_api import expect

from app.inputs import clean_text

from .conftest import PHONE, TUTOR, path_of
from .deliberation_pages import (
    EV_CARD,
    EV_UNIT,
    JUNCTION_CARD,
    JUNCTION_UNIT,
    POLL_MS,
    add_note,
    fresh_cohort,
    open_attempt,
    open_stage,
    post,
    stage_url,
)

pytestmark = pytest.mark.e2e

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    "javascript:window.__xss=1//",
    "</textarea><script>window.__xss=1</script>",
    "{{7*7}} ${7*7} {% print 7*7 %}",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "[x](javascript:window.__xss=1) <a href=\"javascript:alert(1)\">link</a>",
    "\u202eevil.exe\u202c \u200bzero-width <b onmouseover=window.__xss=1>\uff1cscript\uff1e</b>",
    "';alert(1);//\"><details open ontoggle=alert(1)>",
]
ALL = " | ".join(PAYLOADS)  # every payload in one long answer (under the 2,000-character limit)
LONG = "x" * 4990 + "<b>end</b>"  # 5,000 characters


def watch(page):
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def assert_inert(page, where, texts=()):
    """Nothing ran on ``page``, no markup from the payloads became elements, and ``texts`` are there as text."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # onerror / onload / ontoggle handlers would have fired by now
    assert page.evaluate("() => window.__xss") is None, f"a payload ran on {where}"
    assert not page.dialogs, f"a payload opened a dialog on {where}: {page.dialogs}"
    made = page.evaluate("""() => Array.from(document.querySelectorAll(
        'main [onerror], main [onload], main [onmouseover], main [ontoggle], main iframe, main svg[onload],'
        + ' main a[href^="javascript:"]')).map(e => e.outerHTML.slice(0, 120))""")
    assert not made, f"payload markup became elements on {where}: {made}"
    shown = page.evaluate("""() => document.body.textContent + '\\n'
        + Array.from(document.querySelectorAll('textarea, input')).map(e => e.value).join('\\n')""")
    missing = [t for t in texts if clean_text(t) not in shown]  # as stored: bidi overrides removed
    assert not missing, f"{where} does not show these as text: {missing}"
    assert not any(ch in shown for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), \
        f"{where} shows a bidirectional override"


def test_no_payload_runs_anywhere_deliberation_text_is_shown(contexts):
    cohort = fresh_cohort(contexts, count=2)
    (_, first), (_, second) = cohort.students
    a = watch(contexts.new(python_snapshot=True, user=first, bypass_csp=True).new_page())
    b = watch(contexts.new(python_snapshot=True, user=second, bypass_csp=True, viewport=PHONE, is_mobile=True, has_touch=True).new_page())
    attempt = open_attempt(a, JUNCTION_UNIT, JUNCTION_CARD)
    assert open_attempt(b, JUNCTION_UNIT, JUNCTION_CARD) == attempt
    attempt_id = attempt.rsplit("/", 1)[-1]

    # B's consequences reach A's open page by polling: rendered on the server, put in by JavaScript.
    open_stage(a, attempt, "consequences")
    open_stage(b, attempt, "consequences")
    consequence_ids = []
    for payload in PAYLOADS:
        reply = post(b, f"{attempt}/stages/consequences/notes",
                     {"text": payload, "affected": payload, "intended": "unintended", "valence": "negative"})
        assert reply.status == 200, reply.text()
        consequence_ids.append(reply.json()["id"])
    typed = "Typed: " + PAYLOADS[1] + PAYLOADS[4]
    add_note(b, {"Consequence": typed, "Who is affected": PAYLOADS[2]}, "Add consequence")  # B's own script renders it
    assert_inert(b, "B's stage page after adding a note", [typed])
    expect(a.locator("[data-notes] > li")).to_have_count(len(PAYLOADS) + 1, timeout=POLL_MS)
    expect(a.locator("[data-live]")).to_contain_text("added")
    assert_inert(a, "A's stage page after polling B's notes", PAYLOADS + [typed])

    # Answers B types reach A's open page (values put into the form by the script).
    open_stage(a, attempt, "purpose")
    open_stage(b, attempt, "purpose")
    reply = post(b, f"{attempt}/stages/purpose/fields", {"goal": ALL, "public_value": ALL, "costs": ALL,
                                                         "success": PAYLOADS[4]})
    assert reply.status == 200, reply.text()
    expect(a.get_by_label(re.compile("^What problem or goal"))).to_have_value(clean_text(ALL), timeout=POLL_MS)
    assert_inert(a, "A's purpose page after polling B's answers", [ALL])

    # 5,000 characters: a clear error, not a crash, and nothing stored.
    too_long = post(b, f"{attempt}/stages/purpose/fields", {"goal": LONG})
    assert too_long.status == 422 and "too long" in too_long.json()["errors"]["goal"], too_long.text()
    too_long = post(b, f"{attempt}/stages/consequences/notes", {"text": LONG})
    assert too_long.status == 422 and "too long" in too_long.json()["errors"]["text"], too_long.text()
    # Typed into the page, the browser stops at the field's limit and the rest is saved.
    b.reload()
    b.get_by_label("How would you know it worked?").fill(LONG)
    expect(b.locator("form[data-fields] [data-save-status]")).to_contain_text("Saved at", timeout=10_000)
    assert len(b.get_by_label("How would you know it worked?").input_value()) <= 2000

    # Every other learner text field of the group exercise.
    open_stage(a, attempt, "stakeholders")
    for payload in PAYLOADS:
        assert post(a, f"{attempt}/stages/stakeholders/notes",
                    {"name": payload, "concern": payload, "power": "2", "interest": "5"}).status == 200
    response_ids = []
    for payload, consequence in zip(PAYLOADS, consequence_ids):
        reply = post(a, f"{attempt}/stages/prioritise/notes",
                     {"consequence": str(consequence), "action": "monitor", "why": payload})
        assert reply.status == 200, reply.text()
        response_ids.append(reply.json()["id"])
    assert post(a, f"{attempt}/stages/prioritise/dots", {f"dots-{consequence_ids[0]}": "3"}).status == 200
    assert post(a, f"{attempt}/stages/governance/fields",
                {"review_date": "2027-03-31", "transparency": "1", "accountability": "2", "fairness": "3",
                 "scores_reason": ALL}).status == 200
    for payload in PAYLOADS:
        assert post(a, f"{attempt}/stages/governance/notes",
                    {"text": payload, "addresses": f"{consequence_ids[0]},{consequence_ids[1]}",
                     "owner": "Resident"}).status == 200
    assert post(a, f"{attempt}/stages/decision/fields",
                {"recommendation": ALL, "dissent": ALL, "stance_change": ALL, "stance_before": "2",
                 "stance_after": "4"}).status == 200
    open_stage(a, attempt, "opinions")
    statement_url = a.locator("form.delib-add-statement").get_attribute("action")
    for page, payloads in ((a, PAYLOADS[:5]), (b, PAYLOADS[5:])):
        if page is b:
            open_stage(b, attempt, "opinions")
        for payload in payloads:
            assert post(page, statement_url, {"text": payload}, json=False).status == 200
    too_long = post(a, statement_url, {"text": LONG})
    assert too_long.status == 409 and "at most 280" in too_long.json()["error"], too_long.text()
    a.reload()
    for index in range(1, 4):  # a few votes, by the buttons
        a.get_by_role("button", name=re.compile(rf"^Agree\W+statement {index}$")).click()

    # The solo exercise has the other note kinds: data sources and options.
    solo = open_attempt(a, EV_UNIT, EV_CARD)
    open_stage(a, solo, "data")
    for payload in PAYLOADS:
        assert post(a, f"{solo}/stages/data/notes", {"name": payload, "source": payload, "owner": payload,
                                                     "limits": payload, "personal": "unsure"}).status == 200
    open_stage(a, solo, "options")
    seeded = a.locator("[data-notes] > li").first.get_attribute("data-note")
    assert post(a, f"{solo}/notes/{seeded}", {"pros": ALL, "cons": ALL, "support": "2"}).status == 200
    for payload in PAYLOADS:
        assert post(a, f"{solo}/stages/options/notes", {"title": payload, "description": payload, "pros": payload,
                                                        "cons": payload, "support": "3"}).status == 200
    assert post(a, f"{solo}/stages/purpose/fields", {"goal": ALL}).status == 200

    # Every student page that shows them.
    for stage in ("data", "options", "purpose"):
        a.goto(stage_url(solo, stage))
        assert_inert(a, f"the solo {stage} stage", PAYLOADS if stage != "purpose" else [ALL])
    a.goto(solo)
    assert_inert(a, "the solo attempt overview")
    for stage, texts in (("purpose", [ALL]), ("stakeholders", PAYLOADS), ("consequences", PAYLOADS + [typed]),
                         ("prioritise", PAYLOADS), ("governance", PAYLOADS + [ALL]), ("opinions", PAYLOADS),
                         ("decision", [ALL])):
        a.goto(stage_url(attempt, stage))
        assert_inert(a, f"the group's {stage} stage", texts)
    a.goto(attempt)
    assert_inert(a, "the group's attempt overview")
    a.goto(statement_url.rsplit("/stages/", 1)[0] + "/opinions")
    assert_inert(a, "the student's opinion map", PAYLOADS)

    a.goto(attempt)
    a.get_by_role("button", name="Submit for the group").click()
    expect(a.locator(".flash-success")).to_contain_text("Submitted")
    # Read-only views show a note by its title, cut at 80 characters (see the report: the rest of
    # a long consequence is not shown), so only the start of the typed note is looked for.
    assert_inert(a, "the submitted attempt", PAYLOADS + [ALL, typed[:70]])
    b.goto(stage_url(attempt, "consequences"))  # B's open page would reload on the submit
    assert_inert(b, "B after the submit")

    # The tutor comments with every payload and grades with them; every tutor page is inert.
    tutor = watch(contexts.new(user=TUTOR, bypass_csp=True).new_page())
    tutor_attempt = f"{cohort.url}/deliberations/attempts/{attempt_id}"
    tutor.goto(tutor_attempt)
    assert_inert(tutor, "the tutor's view of the attempt", PAYLOADS + [ALL, typed[:70]])
    for payload, note in zip(PAYLOADS, consequence_ids):
        assert post(tutor, f"{tutor_attempt}/comments", {"stage_id": "consequences", "text": payload},
                    json=False).status == 200
        assert post(tutor, f"{tutor_attempt}/comments", {"stage_id": "consequences", "note_id": str(note),
                                                         "text": payload}, json=False).status == 200
    assert post(tutor, f"{tutor_attempt}/comments", {"stage_id": "purpose", "text": LONG}, json=False).status == 200
    grade = {f"grade-c{i}": "2" for i in range(5)}
    assert post(tutor, f"{tutor_attempt}/grade", {**grade, "grade-comment": ALL}, json=False).status == 200
    tutor.goto(tutor_attempt)
    assert_inert(tutor, "the tutor's view with comments", PAYLOADS + [ALL, LONG])
    tutor.goto(cohort.url + "/deliberations")
    tutor.get_by_role("link", name=re.compile("^Sensors at every junction")).click()
    overview = path_of(tutor.url)
    for url, name in ((overview, "the tutor's overview"), (overview + "/compare", "the comparison"),
                      (overview + "/opinions", "the tutor's opinion map"), (overview + "/report", "the cohort report"),
                      (f"/deliberations/attempts/{attempt_id}/report", "the attempt's report (tutor)")):
        tutor.goto(url)
        assert_inert(tutor, name, PAYLOADS if "opinions" in url or "compare" in url or "report" in url else ())
    # The solo draft, from the tutor's side.
    tutor.goto(cohort.url + "/deliberations")
    tutor.get_by_role("link", name=re.compile("^Charging Cambridge")).click()
    ev_overview = path_of(tutor.url)
    tutor.locator("table").get_by_role("link", name=re.compile("^Student A")).first.click()
    assert_inert(tutor, "the tutor's view of the solo draft", PAYLOADS + [ALL])
    tutor.goto(ev_overview + "/compare")
    assert_inert(tutor, "the solo comparison", PAYLOADS)

    # The student sees the tutor's comments and grade comment, inert.
    a.goto(attempt)
    assert_inert(a, "the graded attempt with the tutor's comments", PAYLOADS + [ALL, LONG])
    a.goto(f"/deliberations/attempts/{attempt_id}/report")
    assert_inert(a, "the attempt's report (student)", PAYLOADS + [ALL])
    csv = a.request.get(f"/deliberations/attempts/{attempt_id}/report.csv")
    assert csv.status == 200 and "<script>window.__xss=1</script>" in csv.text()
