"""Search across the course: titles, text and the glossary; only modules the reader may open;
words found by their stem; snippets escaped, with the words marked."""
from types import SimpleNamespace

import pytest

from app.courseware import search
from app.models import Role


def test_search_finds_units_by_title_and_text_with_marked_snippets(app, make, auth):
    cohort = make.cohort("pgcert")
    auth.login(make.user(Role.STUDENT, [cohort]))
    page = auth.client.get("/search?q=digital+twins").get_data(as_text=True)
    assert "City-level digital twins" in page
    assert "<mark>digital</mark> <mark>twin</mark>" in page  # "twins" found "twin"
    first = page.index("City-level digital twins")
    assert first < page.index("Module overview") if "Module overview" in page else True


def test_a_student_finds_only_the_modules_of_their_level(app, make, auth):
    cohort = make.cohort("pgcert")
    auth.login(make.user(Role.STUDENT, [cohort]))
    page = auth.client.get("/search?q=Quayside").get_data(as_text=True)
    assert "/modules/m5-actors-and-collaboration" not in page  # a PGDip module
    auth.logout()
    auth.login(make.user(Role.TUTOR, [cohort]))
    page = auth.client.get("/search?q=Quayside").get_data(as_text=True)
    assert "/modules/m5-actors-and-collaboration" in page


def test_the_query_is_escaped_and_small_words_alone_find_nothing(app, make, auth):
    auth.login(make.user(Role.STUDENT, [make.cohort("pgcert")]))
    page = auth.client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page = auth.client.get("/search?q=the+and+of").get_data(as_text=True)
    assert "Type at least one word" in page
    page = auth.client.get("/search?q=zzxqv").get_data(as_text=True)
    assert "Nothing found for “zzxqv”" in page


def test_search_needs_an_account(client):
    response = client.get("/search?q=twin")
    assert response.status_code == 302 and "/login" in response.location


def test_stems_match_plurals_and_verb_forms():
    assert search.stem("twins") == search.stem("twin")
    assert search.stem("charging") == search.stem("charge") == search.stem("charged")
    assert search.stem("cities") == search.stem("city")
    assert search.stem("Amira’s") == search.stem("amira's") == search.stem("amira")
    assert search.query_stems("the Digital twins of a city") == [search.stem(w) for w in ("digital", "twin", "city")]


def test_stems_match_across_word_families_and_keep_words_apart():
    assert search.stem("governing") == search.stem("governance") == search.stem("governed")
    assert search.stem("transparency") == search.stem("transparent")
    assert search.stem("news") != search.stem("new")


def _course(*units):
    """A one-module course whose units have these ``(title, text)``: enough for ``search.search``."""
    module = SimpleNamespace(code="M0", title="Test module", slug="m0-test", url="/modules/m0-test",
                             overview_html="<p>An overview.</p>", summary="", aims=[], outcomes=[], units=[])
    module.units = [SimpleNamespace(title=title, url=f"/modules/m0-test/u{n}", segments=[f"<p>{text}</p>"],
                                    summary="", objectives=[]) for n, (title, text) in enumerate(units, 1)]
    return SimpleNamespace(modules=[module], glossary=[])


@pytest.mark.parametrize(("query", "found"), [
    ("governing", "Who decides"),  # the unit says only "governance"
    ("transparency", "Open by default"),  # only "transparent"
    ("news", "Local press"),  # not "Fresh starts", which says "new"
])
def test_a_query_finds_the_other_forms_of_its_word_and_only_them(query, found):
    course = _course(("Who decides", "Data governance boards meet monthly."),
                     ("Open by default", "A transparent council publishes its contracts."),
                     ("Local press", "The news reached every ward."),
                     ("Fresh starts", "A new mayor took office."),
                     ("Budgets", "Money for the year."))
    assert [hit.document.title for hit in search.search(course, query)] == [found]


def test_every_query_word_must_appear_and_titles_count_most(app):
    from app.content import current_course

    course = current_course()
    hits = search.search(course, "teleworking")
    assert hits and all("telework" in (h.document.title + h.document.text).casefold() for h in hits)
    assert search.search(course, "teleworking zzxqv") == []
    both = search.search(course, "sociotechnical")
    titled = [h for h in both if "sociotechnical" in h.document.title.casefold()]
    assert titled and both[0] in titled
