"""Invitations: a tutor's class list invites existing accounts, which join only when they accept."""
import io

from app.models import Invitation, Role
from tests.conftest import PASSWORD, Auth

INVITED = "invited (waiting for them to accept)"


def _as(app, user):
    helper = Auth(app.test_client())
    assert helper.login(user, PASSWORD).status_code == 302
    return helper


def _upload(helper, cohort, text):
    return helper.post(f"/cohorts/{cohort.id}/enrol", {"roster": (io.BytesIO(text.encode()), "class.csv")},
                       content_type="multipart/form-data")


def _world(make, db):
    """Tutor T of cohort "New cohort", and student S of another cohort whom T's list names."""
    tutor = make.user(Role.TUTOR, name="Tess Tutor")
    cohort = make.cohort(name="New cohort")
    cohort.enrol(tutor, Role.TUTOR.value)
    student = make.user(cohorts=[make.cohort(name="Old cohort")], name="Sam Student", email="sam@example.org")
    db.session.commit()
    return tutor, cohort, student


def test_the_invited_student_sees_the_invitation_and_accepts_it(app, make, db, caplog):
    tutor, cohort, student = _world(make, db)
    as_tutor = _as(app, tutor)
    html = _upload(as_tutor, cohort, "name,email\nSam Student,sam@example.org\n").get_data(as_text=True)
    assert INVITED in html and "0 enrolled, 0 already in the cohort, 1 invited" in html
    assert "invitation for sam@example.org to join New cohort from" in caplog.text  # no email yet: logged
    page = as_tutor.client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Invited, waiting for them to accept (1)" in page and "Withdraw<span" in page
    db.session.expire_all()
    assert cohort.students == [] and len(cohort.invitations) == 1

    as_student = _as(app, student)
    for path in ("/", "/account"):
        shown = as_student.client.get(path).get_data(as_text=True)
        assert "You are invited to join a cohort" in shown and "New cohort" in shown, path
        assert "Accept<span class=\"visually-hidden\"> the invitation to New cohort" in shown
        assert "Decline<span class=\"visually-hidden\"> the invitation to New cohort" in shown
    invitation = cohort.invitations[0]
    response = as_student.post(f"/invitations/{invitation.id}/accept", {"next": "/"})
    assert response.status_code == 302 and response.location == "/"
    assert "You joined New cohort." in as_student.client.get("/").get_data(as_text=True)
    assert "You are invited" not in as_student.client.get("/account").get_data(as_text=True)
    db.session.expire_all()
    assert cohort.students == [student] and cohort.invitations == []
    assert "Invited, waiting" not in as_tutor.client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def test_declining_leaves_the_student_out(app, make, db):
    tutor, cohort, student = _world(make, db)
    _upload(_as(app, tutor), cohort, "name,email\nSam Student,sam@example.org\n")
    as_student = _as(app, student)
    invitation = db.session.scalar(db.select(Invitation))
    response = as_student.post(f"/invitations/{invitation.id}/decline", {"next": "https://evil.example/"})
    assert response.location == "/account"  # only local addresses
    assert "You declined the invitation to New cohort" in as_student.client.get("/account").get_data(as_text=True)
    db.session.expire_all()
    assert cohort.students == [] and cohort.invitations == []


def test_uploading_again_invites_nobody_twice(app, make, db):
    tutor, cohort, student = _world(make, db)
    as_tutor = _as(app, tutor)
    _upload(as_tutor, cohort, "name,email\nSam Student,sam@example.org\n")
    html = _upload(as_tutor, cohort, "name,email\nSam Student,sam@example.org\n").get_data(as_text=True)
    assert "already invited (waiting for them to accept)" in html
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 1


def test_a_tutor_withdraws_an_invitation(app, make, db):
    tutor, cohort, student = _world(make, db)
    as_tutor = _as(app, tutor)
    _upload(as_tutor, cohort, "name,email\nSam Student,sam@example.org\n")
    invitation = db.session.scalar(db.select(Invitation))
    response = as_tutor.post(f"/cohorts/{cohort.id}/invitations/{invitation.id}/withdraw")
    assert response.location == f"/cohorts/{cohort.id}"
    assert "The invitation to Sam Student is withdrawn" in as_tutor.client.get(response.location).get_data(as_text=True)
    as_student = _as(app, student)
    assert "You are invited" not in as_student.client.get("/").get_data(as_text=True)
    assert as_student.post(f"/invitations/{invitation.id}/accept").status_code == 404
    db.session.expire_all()
    assert cohort.students == []


def test_only_the_invited_person_answers_and_only_the_cohorts_tutors_withdraw(app, make, db):
    tutor, cohort, student = _world(make, db)
    _upload(_as(app, tutor), cohort, "name,email\nSam Student,sam@example.org\n")
    invitation = db.session.scalar(db.select(Invitation))
    classmate = make.user(cohorts=[cohort])
    someone_else = _as(app, classmate)
    assert someone_else.post(f"/invitations/{invitation.id}/accept").status_code == 404
    assert someone_else.post(f"/invitations/{invitation.id}/decline").status_code == 404
    assert someone_else.post(f"/cohorts/{cohort.id}/invitations/{invitation.id}/withdraw").status_code == 403
    other_tutor = make.user(Role.TUTOR)
    theirs = make.cohort()
    theirs.enrol(other_tutor, Role.TUTOR.value)
    db.session.commit()
    as_other_tutor = _as(app, other_tutor)
    assert as_other_tutor.post(f"/cohorts/{cohort.id}/invitations/{invitation.id}/withdraw").status_code == 403
    # the right tutor, but the address names another cohort
    assert as_other_tutor.post(f"/cohorts/{theirs.id}/invitations/{invitation.id}/withdraw").status_code == 404
    # without a CSRF token the invited person's own answer is refused too
    as_student = _as(app, student)
    assert as_student.client.post(f"/invitations/{invitation.id}/accept").status_code == 400
    db.session.expire_all()
    assert cohort.students == [classmate] and len(cohort.invitations) == 1
