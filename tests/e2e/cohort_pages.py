"""What the browser tests of cohorts share: making a cohort, uploading a class list."""
import re

from playwright.sync_api import expect

from .conftest import path_of


def create_cohort(page, name):
    """Make a PGCert cohort called ``name`` through the form; its address."""
    page.goto("/cohorts")
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Cohort name").fill(name)
    page.get_by_label("Programme level").select_option(label="Postgraduate Certificate (PGCert)")
    page.get_by_role("button", name="Create cohort").click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".flash-success")).to_contain_text("created")
    assert re.fullmatch(r"/cohorts/\d+", path_of(page.url)), page.url
    return path_of(page.url)


def upload_class_list(page, csv_path):
    """Upload the class list at ``csv_path`` on the cohort page open in ``page``; the answer."""
    page.get_by_label("Class list (CSV)").set_input_files(str(csv_path))
    with page.expect_response(lambda r: r.url.endswith("/enrol") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Enrol students").click()
    page.wait_for_load_state()
    return answer.value
