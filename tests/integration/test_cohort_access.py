"""The one cohort check (``security.taught_cohort``) and list (``taught_cohorts``) every tutor page uses."""
from contextlib import contextmanager

import pytest
from flask_login import login_user
from werkzeug.exceptions import Forbidden, NotFound

from app.models import ROLES, STAFF, Role
from app.security import taught_cohort, taught_cohorts


@pytest.fixture
def people(make):
    mine, theirs = make.cohort(name="b mine"), make.cohort(name="a theirs")
    return {"mine": mine, "theirs": theirs, "tutor": make.user(Role.TUTOR, [mine]),
            "student": make.user(Role.STUDENT, [mine]), "admin": make.user(Role.ADMIN)}


@contextmanager
def signed_in_as(app, user):
    with app.test_request_context():
        login_user(user)
        yield


def test_a_tutor_gets_their_cohort_and_is_refused_another_as_the_page_chooses(app, people):
    with signed_in_as(app, people["tutor"]):
        assert taught_cohort(people["mine"].id) is people["mine"]
        with pytest.raises(NotFound):
            taught_cohort(people["theirs"].id)
        with pytest.raises(Forbidden):
            taught_cohort(people["theirs"].id, refuse=403)
        with pytest.raises(NotFound):  # no such cohort: 404 whatever the page chooses
            taught_cohort(2**31 - 1, refuse=403)


def test_admins_get_every_cohort_and_students_none(app, people):
    with signed_in_as(app, people["admin"]):
        assert taught_cohort(people["theirs"].id) is people["theirs"]
    with signed_in_as(app, people["student"]):
        with pytest.raises(NotFound):
            taught_cohort(people["mine"].id)


def test_taught_cohorts_lists_by_name(people):
    assert taught_cohorts(people["admin"]) == [people["theirs"], people["mine"]]
    assert taught_cohorts(people["tutor"]) == [people["mine"]]
    assert taught_cohorts(people["student"]) == []


def test_the_role_names():
    assert ROLES == ("student", "tutor", "admin") and STAFF == ("tutor", "admin")
