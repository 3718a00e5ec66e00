"""A tutor's work: cohorts, class lists, password links and the progress table."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from .cohort_pages import create_cohort, upload_class_list
from .conftest import AMIRA, PGCERT_COHORT, TUTOR, sign_in

pytestmark = pytest.mark.e2e


def test_tutor_enrols_a_class_list_and_a_student_sets_a_password(page, contexts, tmp_path):
    tag = uuid.uuid4().hex[:6]
    name = f"E2E cohort {tag}"
    students = [(f"Dana Ode {tag}", f"dana.{tag}@example.org"), (f"Eli Park {tag}", f"eli.{tag}@example.org")]
    csv_path = tmp_path / "class-list.csv"
    csv_path.write_text("name,email\n" + "".join(f"{n},{e}\n" for n, e in students), encoding="utf-8")

    sign_in(page, TUTOR)
    cohort_path = create_cohort(page, name)
    expect(page.get_by_role("heading", name="Students (0)")).to_be_visible()

    response = upload_class_list(page, csv_path)
    assert response.status == 200
    expect(page.locator("h1")).to_have_text(f"Enrolment in {name}")
    expect(page.locator(".lead")).to_contain_text("2 enrolled, 0 already in the cohort")
    rows = page.locator("table.data-table tbody tr")
    expect(rows).to_have_count(2)
    links = []
    for (student, email), row in zip(students, rows.all()):
        expect(row.locator("th")).to_have_text(student)
        expect(row).to_contain_text(email)
        expect(row).to_contain_text("new account")
        link = row.locator("code.link-code").inner_text().strip()
        assert re.fullmatch(re.escape(contexts.server.url) + r"/reset/[\w\-]+", link), link
        links.append(link)
    assert len(set(links)) == 2, "each student needs their own password link"

    # The cohort page lists them now, each with a "Password link" button.
    page.goto(cohort_path)
    expect(page.get_by_role("heading", name="Students (2)")).to_be_visible()
    for student, _ in students:
        expect(page.get_by_role("button", name=f"Password link for {student}")).to_be_visible()

    # The first student opens their link in their own browser and sets a password.
    student_page = contexts.page()
    student_page.goto(links[0])
    expect(student_page.locator("h1")).to_have_text("Set your password")
    expect(student_page.get_by_text(students[0][1])).to_be_visible()
    new_password = f"tall green ladder {tag}"
    student_page.get_by_label("New password", exact=True).fill(new_password)
    student_page.get_by_label("Repeat the new password").fill(new_password)
    student_page.get_by_role("button", name="Set password").click()
    expect(student_page).to_have_url(re.compile(r"/login$"))
    expect(student_page.get_by_text("Your password is set.")).to_be_visible()
    sign_in(student_page, students[0][1], new_password, goto=False)
    expect(student_page.get_by_text(f"Welcome, {students[0][0]}.")).to_be_visible()
    student_page.goto("/account")
    expect(student_page.locator("main")).to_contain_text(name)

    # The link worked once only.
    student_page.goto(links[0])
    expect(student_page.locator("h1")).to_have_text("This link no longer works")


def test_a_class_list_with_a_bad_line_enrols_nobody(page, tmp_path):
    tag = uuid.uuid4().hex[:6]
    name = f"E2E bad list {tag}"
    csv_path = tmp_path / "bad-list.csv"
    csv_path.write_text(
        f"name,email\nGood Person,good.{tag}@example.org\nBad Person,not-an-email\n", encoding="utf-8"
    )
    sign_in(page, TUTOR)
    cohort_path = create_cohort(page, name)
    response = upload_class_list(page, csv_path)
    assert response.status == 400
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nobody was enrolled")
    expect(summary).to_contain_text("line 3: 'not-an-email' is not a valid email address")
    expect(page.get_by_text(f"good.{tag}@example.org")).to_have_count(0)
    page.goto(cohort_path)
    expect(page.get_by_role("heading", name="Students (0)")).to_be_visible()
    expect(page.get_by_text("No students yet.")).to_be_visible()


def test_progress_table_shows_a_completed_unit(contexts, urls):
    # Amira completes the second unit of module 1 through the site.
    student = contexts.page(user=AMIRA)
    student.goto(urls.unit2)
    student.get_by_role("button", name="Mark as complete", exact=True).click()
    expect(student.get_by_text("You have completed this unit.")).to_be_visible()

    tutor = contexts.page(user=TUTOR)
    tutor.goto("/cohorts")
    tutor.get_by_role("link", name=f"Progress of {PGCERT_COHORT}").click()
    expect(tutor.locator("h1")).to_have_text(f"Progress in {PGCERT_COHORT}")
    headers = tutor.locator("table.progress-table thead tr").nth(1).locator("th")
    hrefs = [h.locator("a").get_attribute("href") if h.locator("a").count() else None for h in headers.all()]
    assert urls.unit2 in hrefs, f"no column for {urls.unit2} in {hrefs}"
    column = hrefs.index(urls.unit2)

    def cell(student_name):
        row = tutor.locator("table.progress-table tbody tr", has=tutor.locator("th", has_text=student_name))
        expect(row).to_have_count(1)
        return row.locator("th, td").nth(column)

    expect(cell("Amira Khan")).to_contain_text("✓")
    expect(cell("Amira Khan").locator(".visually-hidden")).to_have_text("completed")
    expect(cell("Ben Okafor")).not_to_contain_text("✓")
    expect(cell("Ben Okafor").locator(".visually-hidden")).to_have_text("not completed")
