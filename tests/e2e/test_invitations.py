"""A tutor's class list names a student of another cohort: the student is invited, sees the
invitation on their programme page and accepts it; the tutor still cannot make them a password link."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from .cohort_pages import create_cohort, upload_class_list
from .conftest import ADMIN, DESKTOP, PHONE, TUTOR, path_of, sign_in

pytestmark = pytest.mark.e2e


def _set_password(page, link, password):
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("Repeat the new password").fill(password)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password is set.")).to_be_visible()


def test_a_student_accepts_a_tutors_invitation_on_their_programme_page(contexts, axe, tmp_path, screenshot_dir):
    tag = uuid.uuid4().hex[:6]
    name, email, password = f"Ines Vale {tag}", f"ines.{tag}@example.org", f"quiet blue harbour {tag}"
    class_list = tmp_path / "class-list.csv"
    class_list.write_text(f"name,email\n{name},{email}\n", encoding="utf-8")

    # An admin enrols Ines in a cohort of the admin's own; she sets her password.
    admin = contexts.page(user=ADMIN)
    create_cohort(admin, f"E2E home cohort {tag}")
    assert upload_class_list(admin, class_list).status == 200
    link = admin.locator("code.link-code").inner_text().strip()
    student = contexts.page()
    _set_password(student, link, password)

    # The demo tutor (who does not teach that cohort) lists her for a new cohort: she is invited.
    tutor = contexts.page(user=TUTOR)
    cohort_name = f"E2E invited cohort {tag}"
    cohort_path = create_cohort(tutor, cohort_name)
    assert upload_class_list(tutor, class_list).status == 200
    expect(tutor.locator(".lead")).to_contain_text("0 enrolled, 0 already in the cohort, 1 invited")
    row = tutor.locator("table.data-table tbody tr", has=tutor.locator("th", has_text=name))
    expect(row).to_contain_text("invited (waiting for them to accept)")
    expect(row.locator("code.link-code")).to_have_count(0)
    tutor.goto(cohort_path)
    expect(tutor.get_by_role("heading", name="Students (0)")).to_be_visible()
    expect(tutor.get_by_role("heading", name="Invited, waiting for them to accept (1)")).to_be_visible()
    expect(tutor.get_by_role("button", name=f"Withdraw the invitation to {name}")).to_be_visible()

    # Ines signs in: her programme page shows the invitation, which passes axe at both sizes.
    sign_in(student, email, password)
    student.goto("/")
    invitation = student.locator("section.invitations")
    expect(invitation.get_by_role("heading", name="You are invited to join a cohort")).to_be_visible()
    expect(invitation).to_contain_text(cohort_name)
    expect(invitation).to_contain_text("invited by Dr Tara Tutor")
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        student.set_viewport_size(size)
        student.screenshot(path=str(screenshot_dir / f"programme-invitation-{size_name}.png"), full_page=True)
    student.set_viewport_size(DESKTOP)
    scanner = contexts.new(bypass_csp=True, storage_state=student.context.storage_state()).new_page()
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        scanner.set_viewport_size(size)
        axe.check(scanner, "/", f"programme page with an invitation ({size_name})")
        axe.check(scanner, "/account", f"account page with an invitation ({size_name})")
    axe.assert_clean()

    # She accepts it: she is in the cohort, and the invitation is gone from both pages.
    invitation.get_by_role("button", name=f"Accept the invitation to {cohort_name}").click()
    expect(student.locator(".flash-success")).to_contain_text(f"You joined {cohort_name}.")
    assert path_of(student.url) == "/"
    expect(student.locator("section.invitations")).to_have_count(0)
    student.goto("/account")
    expect(student.locator("section.invitations")).to_have_count(0)
    expect(student.locator("main")).to_contain_text(cohort_name)

    # The tutor now sees her as a student, but cannot make her a password link: she is also in
    # a cohort the tutor does not teach.
    tutor.goto(cohort_path)
    expect(tutor.get_by_role("heading", name="Students (1)")).to_be_visible()
    expect(tutor.get_by_role("heading", name=re.compile("Invited, waiting"))).to_have_count(0)
    expect(tutor.get_by_role("button", name=f"Password link for {name}")).to_have_count(0)
    expect(tutor.locator("table.data-table tbody tr", has=tutor.locator("th", has_text=name))).to_contain_text(
        "Password link: ask an admin")
