"""What the deliberation browser tests share: the course's exercises and their pages, and the
steps a student takes on them (open an attempt, a stage, add a note), and a fresh cohort."""
import re
import uuid
from dataclasses import dataclass

from playwright.sync_api import expect

from .conftest import PASSWORD, RUN_AXE, TUTOR, WCAG_TAGS, _describe, path_of, unit_embedding

EV_UNIT = unit_embedding("deliberation", "ev-charging-deliberation")
EV_CARD = "#deliberation-ev-charging-deliberation"
EV_TITLE = "Charging Cambridge's electric commuters in 2051"
EV_SIM = "#activity-simulation-ev-charging-deliberation-consequences"
JUNCTION_UNIT = unit_embedding("deliberation", "junction-sensors")
JUNCTION_CARD = "#deliberation-junction-sensors"
JUNCTION_TITLE = "Sensors at every junction? Feeding the transport twin for 2030"
SIM_BOOT_MS = 60_000  # Pyodide's first start in this session
POLL_MS = 10_000  # group pages poll every 3 s
START = re.compile(r"Start the exercise|Continue the exercise|Open your group's exercise")


# -- helpers -----------------------------------------------------------------------------------

def no_sideways_scroll(page, name):
    """Nothing wider than the phone: on a mobile viewport Chromium widens the layout viewport
    (innerWidth) to fit overflowing content, so compare with the device width too."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    width = page.viewport_size["width"]
    assert widths[0] <= min(widths[1], width), f"{name} scrolls sideways: scrollWidth {widths[0]}, width {width}"


def open_attempt(page, unit, card):
    """From the unit's exercise card to the attempt page (starting it if needed)."""
    page.goto(unit)
    page.locator(card).get_by_role("button", name=START).or_(
        page.locator(card).get_by_role("link", name=START)).click()
    expect(page).to_have_url(re.compile(r"/deliberations/attempts/\d+$"))
    return path_of(page.url)


def stage_url(attempt_url, stage_id):
    return f"{attempt_url}/stages/{stage_id}"


def open_stage(page, attempt_url, stage_id):
    page.goto(stage_url(attempt_url, stage_id))
    expect(page.locator("#delib-stage")).to_be_attached()
    page.wait_for_load_state("load")  # deliberation.js (deferred) is listening


def fields_status(page):
    return page.locator("form[data-fields] [data-save-status]")


def label_re(label):
    """A field's accessible name: required fields end in a visually hidden " (required)"."""
    return re.compile("^" + re.escape(label) + r"( \(required\))?$")


def add_note(page, values, button):
    """Fill the add-note form like a person ({label: text | ("select", option) | ("check", label)})."""
    form = page.locator("#add-note")
    before = page.locator("[data-notes] > li").count()
    for label, value in values.items():
        if isinstance(value, tuple) and value[0] == "select":
            form.get_by_label(label_re(label)).select_option(label=value[1])
        elif isinstance(value, tuple) and value[0] == "scale":
            form.get_by_role("group", name=re.compile("^" + re.escape(label))).get_by_role(
                "radio", name=re.compile(rf"^{value[1]}\b")).check()
        elif isinstance(value, tuple) and value[0] == "check":
            form.get_by_label(value[1]).check()
        else:
            form.get_by_label(label_re(label)).fill(value)
    form.get_by_role("button", name=button).click()
    expect(page.locator("[data-notes] > li")).to_have_count(before + 1)
    expect(form.locator("[data-save-status]")).to_have_text("Added.")


def csrf(page):
    return page.locator('input[name="csrf_token"]').first.get_attribute("value")


def post(page, path, data, json=True):
    """A form post from the page's signed-in context (what the page's script sends)."""
    headers = {"X-CSRFToken": csrf(page)}
    if json:
        headers["Accept"] = "application/json"
    response = page.request.post(path, form={"csrf_token": csrf(page), **data}, headers=headers)
    assert response.status < 500, f"{path} answered {response.status}: {response.text()[:500]}"
    return response


def axe_check(page, url, name, found):
    """Run axe on ``url`` in ``page`` (a CSP-bypassing context); violations are collected in ``found``."""
    response = page.goto(url)
    assert response.status == 200, f"{name}: {response.status}"
    page.wait_for_load_state("load")
    page.add_script_tag(content=page.axe_source)
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert result["passes"] > 0, f"axe ran no checks on {name}"
    if result["violations"]:
        found.append(f"{name} ({url}):\n" + _describe(result["violations"]))


# -- a cohort of fresh students, made through the site as a tutor would -------------------------

@dataclass
class FreshCohort:
    url: str
    id: int
    students: list  # [(name, email)]


def fresh_cohort(contexts, count=2, make_groups=True):
    """A new PGCert cohort with ``count`` new students (password ``PASSWORD``), enrolled from a
    class list; with ``make_groups`` the tutor puts them in groups for the group exercise."""
    tag = uuid.uuid4().hex[:8]
    tutor = contexts.page(user=TUTOR)
    tutor.goto("/cohorts/new")
    tutor.get_by_label("Cohort name").fill(f"Deliberation check {tag}")
    tutor.get_by_label("Programme level").select_option("pgcert")
    tutor.get_by_role("button", name="Create cohort").click()
    expect(tutor.locator(".flash-success")).to_contain_text("created")
    cohort_url = path_of(tutor.url)
    students = [(f"Student {chr(65 + i)} {tag}", f"delib-{tag}-{i}@example.org") for i in range(count)]
    roster = "name,email\n" + "".join(f"{name},{email}\n" for name, email in students)
    tutor.get_by_label("Class list (CSV)").set_input_files(
        files=[{"name": "class.csv", "mimeType": "text/csv", "buffer": roster.encode()}])
    tutor.get_by_role("button", name="Enrol students").click()
    links = tutor.locator("code.link-code").all_inner_texts()
    assert len(links) == count, tutor.locator("main").inner_text()
    for link in links:
        page = contexts.page()
        page.goto(link)
        page.get_by_label("New password", exact=True).fill(PASSWORD)
        page.get_by_label("Repeat the new password").fill(PASSWORD)
        page.get_by_role("button", name="Set password").click()
        expect(page.locator(".flash-success")).to_contain_text("password is set")
        page.context.close()
    if make_groups:
        tutor.goto(cohort_url + "/deliberations")
        tutor.get_by_role("link", name=JUNCTION_TITLE).click()
        tutor.get_by_role("button", name="Make the groups").click()
        expect(tutor.locator(".flash-success")).to_contain_text("Table 1")
    tutor.context.close()
    return FreshCohort(cohort_url, int(cohort_url.rstrip("/").split("/")[-1]), students)


def fill_group_exercise(page, attempt_url, text="A"):
    """Complete every stage of the junction-sensors group attempt through the JSON endpoints."""
    open_stage(page, attempt_url, "purpose")
    base = attempt_url
    post(page, f"{base}/stages/purpose/fields", {"goal": f"{text} goal", "public_value": f"{text} value"})
    for name in ("Residents", "Bus operators"):
        post(page, f"{base}/stages/stakeholders/notes", {"name": f"{text} {name}", "power": "2", "interest": "4"})
    ids = []
    for i, (intended, valence) in enumerate((("intended", "positive"), ("unintended", "negative"),
                                             ("unintended", "negative"), ("intended", "negative"))):
        reply = post(page, f"{base}/stages/consequences/notes",
                     {"text": f"{text} consequence {i + 1}", "intended": intended, "valence": valence}).json()
        ids.append(reply["id"])
    post(page, f"{base}/stages/prioritise/notes", {"consequence": str(ids[1]), "action": "act", "why": "Ours."})
    post(page, f"{base}/stages/prioritise/dots", {f"dots-{ids[1]}": "2", f"dots-{ids[2]}": "1"})
    post(page, f"{base}/stages/governance/fields",
         {"review_date": "2027-03-31", "transparency": "3", "accountability": "2", "fairness": "4"})
    post(page, f"{base}/stages/governance/notes",
         {"text": f"{text} mitigation", "addresses": f"{ids[1]},{ids[2]}", "owner": "Sponsor"})
    post(page, f"{base}/stages/decision/fields",
         {"recommendation": "Pilot first.", "stance_before": "3", "stance_after": "2", "stance_change": "Privacy."})
    return ids


# -- 1 and 2: the solo exercise on a phone, then the tutor grades it ------------------------------
