"""Tutors manage cohorts: create, enrol by CSV, progress table, password links; admins accounts."""
import io
import re

from app.content import current_course
from app.models import Cohort, PasswordReset, Role, UnitCompletion, User
from tests.conftest import PASSWORD, Auth, csrf_token


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
    # An existing account is invited, never enrolled by a tutor's list (issue 14).
    assert "new account" in html and "invited (waiting for them to accept)" in html
    links = re.findall(r"http://localhost/reset/[\w-]+", html)
    assert len(links) == 1
    amira = User.by_email("amira@example.org")
    assert amira.role == "student" and amira.password_hash is None
    assert amira.created_by_id == tutor.id
    assert {u.email for u in cohort.students} == {"amira@example.org"}
    assert [i.user for i in cohort.invitations] == [existing]
    # The link lets the new student set a password.
    token = links[0].rsplit("/", 1)[1]
    assert PasswordReset.find_valid(token).user == amira
    # Uploading again enrols nobody twice.
    html = upload(auth, cohort, "name,email\nAmira Khan,amira@example.org\n").get_data(as_text=True)
    assert "already enrolled" in html and len(cohort.students) == 1


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


def _sign_in_as(app, user, password=PASSWORD):
    """A client of its own signed in as ``user``, so that several people act in one test."""
    helper = Auth(app.test_client())
    assert helper.login(user, password).status_code == 302, f"{user} could not sign in"
    return helper


def test_a_tutor_cannot_take_over_another_cohorts_student(app, make, db):
    """Issue 14: tutor B lists cohort A's student in their own class list, then asks for a
    password link. The student is only invited, and the link is refused, even once accepted."""
    tutor_a, tutor_b, admin = make.user(Role.TUTOR), make.user(Role.TUTOR), make.user(Role.ADMIN)
    cohort_a = make.cohort(name="Cohort A")
    cohort_a.enrol(tutor_a, Role.TUTOR.value)
    student = make.user(cohorts=[cohort_a], email="sam@example.org", name="Sam Student")
    db.session.commit()
    as_b = _sign_in_as(app, tutor_b)
    as_b.post("/cohorts/new", {"name": "Cohort B", "level_id": "pgcert"})
    cohort_b = db.session.scalar(db.select(Cohort).where(Cohort.name == "Cohort B"))
    html = upload(as_b, cohort_b, "name,email\nSam Student,sam@example.org\n").get_data(as_text=True)
    assert "invited (waiting for them to accept)" in html and "/reset/" not in html
    db.session.expire_all()
    assert cohort_b.students == [] and student.cohorts() == [cohort_a]

    assert as_b.post(f"/users/{student.id}/reset-link").status_code == 403
    as_a = _sign_in_as(app, tutor_a)
    assert "/reset/" in as_a.post(f"/users/{student.id}/reset-link").get_data(as_text=True)

    # The student accepts B's invitation: now in both cohorts, so tutor B (who does not teach
    # cohort A) still cannot make a link, and neither can tutor A (who does not teach B).
    as_student = _sign_in_as(app, student)
    invitation = cohort_b.invitations[0]
    assert as_student.post(f"/invitations/{invitation.id}/accept").status_code == 302
    db.session.expire_all()
    assert {c.name for c in student.cohorts()} == {"Cohort A", "Cohort B"}
    refused = as_b.post(f"/users/{student.id}/reset-link")
    assert refused.status_code == 403 and "Only an admin can make a password link" in refused.get_data(as_text=True)
    assert as_a.post(f"/users/{student.id}/reset-link").status_code == 403
    page = as_b.client.get(f"/cohorts/{cohort_b.id}").get_data(as_text=True)
    assert "Password link: ask an admin" in page and "Password link<span" not in page
    assert "/reset/" in _sign_in_as(app, admin).post(f"/users/{student.id}/reset-link").get_data(as_text=True)
    # and the student's own password still works
    assert _sign_in_as(app, student)


def test_a_tutor_manages_accounts_they_made_until_first_sign_in(app, make, db):
    creator, other = make.user(Role.TUTOR), make.user(Role.TUTOR)
    mine, elsewhere = make.cohort(), make.cohort()
    mine.enrol(creator, Role.TUTOR.value)
    elsewhere.enrol(other, Role.TUTOR.value)
    db.session.commit()
    as_creator = _sign_in_as(app, creator)
    html = upload(as_creator, mine, "name,email\nNia New,nia@example.org\n").get_data(as_text=True)
    link = re.search(r"http://localhost/reset/[\w-]+", html).group(0)
    nia = User.by_email("nia@example.org")
    assert nia.created_by_id == creator.id and nia.last_login_at is None

    # Removed from every cohort, the account is still its creator's while nobody has used it...
    as_creator.post(f"/cohorts/{mine.id}/members/{nia.id}/remove")
    assert as_creator.post(f"/users/{nia.id}/reset-link").status_code == 200
    as_other = _sign_in_as(app, other)
    assert as_other.post(f"/users/{nia.id}/reset-link").status_code == 403  # a student in no cohort: not theirs
    # ...even when an admin has put it in a cohort the creator does not teach.
    elsewhere.enrol(nia)
    db.session.commit()
    assert as_creator.post(f"/users/{nia.id}/reset-link").status_code == 200

    # Once Nia has set her password and signed in, the account is no longer the creator's...
    browser = app.test_client()
    token = link.rsplit("/", 1)[1]
    form = {"password": "nia's own password", "confirm": "nia's own password",
            "csrf_token": csrf_token(browser, f"/reset/{token}")}
    assert browser.post(f"/reset/{token}", data=form).status_code == 302
    _sign_in_as(app, nia, "nia's own password")
    db.session.expire_all()
    assert nia.last_login_at is not None
    assert as_creator.post(f"/users/{nia.id}/reset-link").status_code == 403
    # ...but the tutor of every cohort she is in manages it.
    assert as_other.post(f"/users/{nia.id}/reset-link").status_code == 200
    elsewhere.memberships.remove(elsewhere.membership_of(nia))
    db.session.commit()
    assert as_other.post(f"/users/{nia.id}/reset-link").status_code == 403  # in no cohort: admins only


def test_admin_class_list_enrols_existing_accounts_directly(client, auth, make, db):
    admin = make.user(Role.ADMIN)
    tutor = make.user(Role.TUTOR)
    cohort = make.cohort()
    cohort.enrol(tutor, Role.TUTOR.value)
    existing = make.user(email="old@example.org")
    cohort.invite(existing, tutor)
    db.session.commit()
    auth.login(admin)
    html = upload(auth, cohort, "name,email\nOld Student,old@example.org\nNew One,new@example.org\n").get_data(as_text=True)
    assert "existing account" in html and "new account" in html and "invited" not in html.split("<table")[1]
    db.session.expire_all()
    assert {u.email for u in cohort.students} == {"old@example.org", "new@example.org"}
    assert cohort.invitations == []  # the waiting invitation is used up
    assert User.by_email("new@example.org").created_by_id == admin.id


def test_admin_form_records_the_creator(client, auth, make, db):
    admin = make.user(Role.ADMIN)
    auth.login(admin)
    auth.post("/users", {"name": "Made By Admin", "email": "made@example.org", "role": "student"})
    assert User.by_email("made@example.org").created_by_id == admin.id
