"""The real course in course/: valid, complete in structure, and every page renders."""
import re

import pytest

from app.config import ROOT
from app.content import shared_course
from app.models import Role


@pytest.fixture(scope="module")
def course():
    return shared_course(ROOT / "course")


def test_course_has_no_problems(course):
    assert [str(p) for p in course.problems] == []


def test_programme_levels_and_modules(course):
    assert [lvl.id for lvl in course.levels] == ["pgcert", "pgdip", "mst", "executive"]
    numbered = {m.number: m for m in course.modules if m.number is not None}
    assert sorted(numbered) == [1, 2, 3, 4, 5, 6, 7]
    assert {numbered[n].level_id for n in (1, 2, 3)} == {"pgcert"}
    assert {numbered[n].level_id for n in (4, 5, 6)} == {"pgdip"}
    assert numbered[7].level_id == "mst"
    assert [m.slug for m in course.levels_by_id["executive"].modules] == ["executive-programme"]


def test_every_module_has_an_overview_and_units(course):
    for module in course.modules:
        assert module.title and module.summary and module.outcomes, module.slug
        assert len(module.overview_html) > 500, module.slug
        assert module.units, module.slug
        for unit in module.units:
            assert unit.objectives and unit.minutes > 0, unit.ref


def test_uuids_are_unique(course):
    uuids = [course.uuid] + [m.uuid for m in course.modules] + [u.uuid for u in course.units]
    assert len(uuids) == len(set(uuids))


def test_every_unit_and_module_page_renders(client, auth, make):
    auth.login(make.user(Role.TUTOR))
    course = shared_course(ROOT / "course")
    for module in course.modules:
        assert client.get(module.url).status_code == 200
        for unit in module.units:
            html = client.get(unit.url).get_data(as_text=True)
            assert unit.title in html.replace("&#39;", "'").replace("&amp;", "&"), unit.ref
            assert len(unit.activities) == html.count('class="activity '), unit.ref
            assert not re.search(r"LEADUPACTIVITY\d", html), unit.ref
