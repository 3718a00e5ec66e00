"""Form errors are shown next to the field they concern, and named in a summary."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import AMIRA, TUTOR, sign_in

pytestmark = pytest.mark.e2e


def test_wrong_password_shows_the_field_error(page):
    sign_in(page, AMIRA, password="not the password", expect_success=False)
    expect(page).to_have_url(re.compile(r"/login$"))
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    error = page.locator("#password-error")
    expect(error).to_have_text("Email or password is wrong.")
    expect(password).to_have_attribute("aria-describedby", re.compile(r"\bpassword-error\b"))
    expect(page.get_by_role("alert")).to_contain_text("Password: Email or password is wrong.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    # The email is kept, the password is not.
    expect(page.get_by_label("Email")).to_have_value(AMIRA)
    expect(password).to_have_value("")


def test_empty_cohort_name_names_the_field(page):
    sign_in(page, TUTOR)
    page.goto("/cohorts/new")
    page.get_by_role("button", name="Create cohort").click()
    expect(page).to_have_url(re.compile(r"/cohorts/new$"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Cohort name:")
    link = summary.get_by_role("link", name=re.compile(r"^Cohort name: "))
    expect(link).to_have_attribute("href", "#name")
    name = page.get_by_label("Cohort name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#name-error")).not_to_be_empty()
    # Following the summary link moves focus to the field.
    link.click()
    expect(name).to_be_focused()
