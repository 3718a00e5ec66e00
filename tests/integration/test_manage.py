"""Tutors manage cohorts: create, enrol by CSV, progress table, password links; admins accounts."""
import io
import re

from app.content import current_course
from app.models import Cohort, PasswordReset, Role, UnitCompletion, User


def upload(auth, cohort, text, filename="class.csv"):
    return auth.post(
        f"/cohorts/{cohort.id}/enrol",
        {"roster": (io.BytesIO(text.encode()), filename)},
        content_type="multipart/form-data",
    )


def test_tutor_creates_cohort_and_becomes_its_tutor(client, auth, make, db):
    tutor = make.user(Role.TUTOR)
    auth.login(tutor)
    response = auth.post("/cohorts/new", {"name": "PGCert 2027–28", "level_id": "pgcert"})
    cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == "PGCert 2027–28"))
    assert response.location == f"/cohorts/{cohort.id}"
    assert tutor.teaches(cohort) and cohort.tutors == [tutor]
    assert "PGCert 2027–28" in client.get("/cohorts").get_data(as_text=True)


def test_cohort_form_errors_name_the_field(client, auth, make):
    auth.login(make.user(Role.TUTOR))
    html = auth.post("/cohorts/new", {"name": "", "level_id": "pgcert"}).get_data(as_text=True)
    assert "Cohort name: This field is required." in html
    make.cohort(name="Taken")
    html = auth.post("/cohorts/new", {"name": "Taken", "level_id": "pgcert"}).get_data(as_text=True)
    assert "A cohort with this name exists already." in html
    html = auth.post("/cohorts/new", {"name": "X", "level_id": "nonsense"}).get_data(as_text=True)
    assert "Programme level: Not a valid choice" in html


def test_enrol_by_csv_creates_accounts_with_links(client, auth, make, db):
    tutor = make.user(Role.TUTOR)
    cohort = make.cohort()
    cohort.enrol(tutor, Role.TUTOR.value)
    existing = make.user(email="old@example.org")
    db.session.commit()
    auth.login(tutor)
    response = upload(auth, cohort, "name,email\nAmira Khan,amira@example.org\nOld Student,OLD@example.org\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "new account" in html and "existing account" in html
    links = re.findall(r"http://localhost/reset/[\w-]+", html)
    assert len(links) == 1
    amira = User.by_email("amira@example.org")
    assert amira.role == "student" and amira.password_hash is None
    assert {u.email for u in cohort.students} == {"amira@example.org", existing.email}
    # The link lets the new student set a password.
    token = links[0].rsplit("/", 1)[1]
    assert PasswordReset.find_valid(token).user == amira
    # Uploading again enrols nobody twice.
    html = upload(auth, cohort, "name,email\nAmira Khan,amira@example.org\n").get_data(as_text=True)
    assert "already enrolled" in html and len(cohort.students) == 2


def test_bad_csv_enrols_nobody_and_names_lines(client, auth, make, db):
    tutor = make.user(Role.TUTOR)
    cohort = make.cohort()
    cohort.enrol(tutor, Role.TUTOR.value)
    make.user(Role.TUTOR, email="tutor@example.org")
    db.session.commit()
    auth.login(tutor)
    response = upload(auth, cohort, "name,email\nGood,good@example.org\nBad,bad@\nT,tutor@example.org\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "line 3: &#39;bad@&#39; is not a valid email address" in html
    assert "line 4: tutor@example.org is a tutor account, not a student" in html
    assert User.by_email("good@example.org") is None and cohort.students == []


def test_enrol_requires_a_csv_file(client, auth, make, db):
    tutor = make.user(Role.TUTOR)
    cohort = make.cohort()
    cohort.enrol(tutor, Role.TUTOR.value)
    db.session.commit()
    auth.login(tutor)
    upload(auth, cohort, "x", filename="class.xlsx")
    assert "Class list: The class list must be a .csv file." in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def test_tutor_cannot_touch_other_cohorts(client, auth, make, db):
    tutor = make.user(Role.TUTOR)
    mine, theirs = make.cohort(), make.cohort()
    mine.enrol(tutor, Role.TUTOR.value)
    student = make.user(cohorts=[theirs])
    db.session.commit()
    auth.login(tutor)
    assert client.get(f"/cohorts/{mine.id}").status_code == 200
    assert client.get(f"/cohorts/{theirs.id}").status_code == 403
    assert client.get(f"/cohorts/{theirs.id}/progress").status_code == 403
    assert upload(auth, theirs, "name,email\nA,a@example.org\n").status_code == 403
    assert auth.post(f"/users/{student.id}/reset-link").status_code == 403
    assert auth.post(f"/cohorts/{theirs.id}/members/{student.id}/remove").status_code == 403
    assert theirs.name not in client.get("/cohorts").get_data(as_text=True)


def test_progress_table_shows_completions(client, auth, make, db):
    tutor = make.user(Role.TUTOR)
    cohort = make.cohort("pgcert")
    cohort.enrol(tutor, Role.TUTOR.value)
    amira = make.user(cohorts=[cohort], name="Amira Khan")
    make.user(cohorts=[cohort], name="Ben Okafor")
    unit = current_course().modules_for_levels(["pgcert"])[0].units[0]
    UnitCompletion.mark(amira, unit.uuid)
    db.session.commit()
    auth.login(tutor)
    html = client.get(f"/cohorts/{cohort.id}/progress").get_data(as_text=True)
    rows = {name: row for name, row in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', html, re.S)}
    total = len(unit.module.units)
    assert f">1/{total}<" in rows["Amira Khan"] and f">0/{total}<" in rows["Ben Okafor"]
    assert rows["Amira Khan"].count("✓") == 1 and "✓" not in rows["Ben Okafor"]


def test_reset_link_for_a_student(client, auth, make, db, caplog):
    tutor = make.user(Role.TUTOR)
    cohort = make.cohort()
    cohort.enrol(tutor, Role.TUTOR.value)
    student = make.user(cohorts=[cohort])
    db.session.commit()
    auth.login(tutor)
    html = auth.post(f"/users/{student.id}/reset-link").get_data(as_text=True)
    link = re.search(r'value="(http://localhost/reset/[\w-]+)"', html).group(1)
    assert f"password link for {student.email}: {link}" in caplog.text  # no email server: the log has it


def test_tutor_cannot_reset_another_tutor(client, auth, make, db):
    tutor, other = make.user(Role.TUTOR), make.user(Role.TUTOR)
    auth.login(tutor)
    assert auth.post(f"/users/{other.id}/reset-link").status_code == 403


def test_remove_member_keeps_progress(client, auth, make, db):
    tutor = make.user(Role.TUTOR)
    cohort = make.cohort()
    cohort.enrol(tutor, Role.TUTOR.value)
    student = make.user(cohorts=[cohort])
    UnitCompletion.mark(student, "x-uuid")
    db.session.commit()
    auth.login(tutor)
    auth.post(f"/cohorts/{cohort.id}/members/{student.id}/remove")
    assert cohort.students == []
    assert UnitCompletion.completed_uuids([student.id])[student.id] == {"x-uuid"}


def test_admin_creates_accounts_and_assigns_tutors(client, auth, make, db):
    admin = make.user(Role.ADMIN)
    cohort = make.cohort()
    auth.login(admin)
    html = auth.post("/users", {"name": "New Tutor", "email": "nt@example.org", "role": "tutor"}).get_data(as_text=True)
    assert "Account created for New Tutor" in html and "/reset/" in html
    html = auth.post("/users", {"name": "Dup", "email": "NT@example.org", "role": "student"}).get_data(as_text=True)
    assert "An account with this email exists already." in html
    auth.post(f"/cohorts/{cohort.id}/tutors", {"email": "nt@example.org"})
    assert [t.email for t in cohort.tutors] == ["nt@example.org"]
    auth.post(f"/cohorts/{cohort.id}/tutors", {"email": "nobody@example.org"})
    assert "no tutor account has the email nobody@example.org" in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
