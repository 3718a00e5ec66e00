"""The deck's topics mapped to units, tutor notes, the glossary: what `flask course check`
reports (file and line) and what each reader sees."""
import re

import pytest

from app.content import shared_course
from app.content.loader import load_course
from app.models import Role
from tests.conftest import ROOT, write

M1 = "modules/m1-digital-innovation"
UNIT = f"{M1}/01-what-makes-a-city-smart.md"


def problems(course_dir):
    return [str(p) for p in load_course(course_dir).problems]


def add_front_matter(path, line):
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nminutes:", f"\n{line}\nminutes:", 1), encoding="utf-8")


# -- topics --------------------------------------------------------------------------------------

def test_every_subtopic_of_the_deck_is_taught_by_a_unit_of_its_module():
    course = shared_course(ROOT / "course")
    assert sum(len(t.subtopics) for t in course.topics) == 42  # as many as the deck lists under Topics 1-5
    missing = [(s.id, m) for t in course.topics for s in t.subtopics for m in s.modules
               if not any(u.module.slug == m for u in s.units)]
    assert missing == [], f"subtopics no unit of their module teaches: {missing}"
    assert all(s.modules for t in course.topics for s in t.subtopics)


def test_the_deck_subtopics_are_all_in_topics_yaml():
    """Each subtopic of the course deck (copied from ../shared/seeds into deck_subtopics.txt) is in
    course/topics.yaml, word for word apart from case: none can be dropped from the map."""
    deck = (ROOT / "tests" / "content" / "deck_subtopics.txt").read_text(encoding="utf-8").splitlines()
    lines = [line for line in deck if line and not line.startswith(("#", "Topic "))]
    titles = {s.title.casefold() for t in shared_course(ROOT / "course").topics for s in t.subtopics}
    absent = [line for line in lines if line.casefold() not in titles]
    assert absent == [] and len(lines) == 42


def test_an_unknown_subtopic_and_an_uncovered_one_are_reported(course_copy):
    unit = course_copy / UNIT
    text = unit.read_text(encoding="utf-8")
    text = re.sub(r"\nsubtopics:.*", "", text)
    unit.write_text(text, encoding="utf-8")
    add_front_matter(unit, "subtopics: [t1-no-such-thing]")
    line = unit.read_text(encoding="utf-8").splitlines().index("subtopics: [t1-no-such-thing]") + 1
    found = problems(course_copy)
    assert f"course/{UNIT}:{line}: unknown subtopic 't1-no-such-thing' (the ids are in course/topics.yaml)" in found
    for path in (course_copy / "modules").rglob("*.md"):  # nobody teaches anything now
        path.write_text(re.sub(r"\nsubtopics:.*", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    topics_line = next(n for n, line in enumerate((course_copy / "topics.yaml").read_text().splitlines(), 1)
                       if "t2-cybersecurity" in line)
    assert any(p.startswith(f"course/topics.yaml:{topics_line}: subtopic 't2-cybersecurity'") and
               "taught by no unit of m4-data-leadership-governance" in p for p in problems(course_copy))


def test_the_course_map_shows_topics_and_the_units_that_teach_them(client):
    page = client.get("/course-map").get_data(as_text=True)
    assert "Topic 5: Ethical and responsible digital innovation" in page
    assert 'id="t5-anticipating-deliberating"' in page and "/modules/m3-sociotechnical-implications/" in page


@pytest.mark.parametrize("path", ["/glossary", "/course-map"])
def test_a_student_is_linked_only_to_units_they_may_open(client, auth, make, path):
    pgcert = make.cohort("pgcert")
    student, tutor = make.user(Role.STUDENT, [pgcert]), make.user(Role.TUTOR, [pgcert])
    unit_links = re.compile(r'href="(/modules/[^/"]+)/[^"]+"')
    every = set(unit_links.findall(client.get(path).get_data(as_text=True)))  # a visitor: sign-in comes first
    assert any(m.startswith("/modules/m4-") for m in every)
    auth.login(student)
    page = client.get(path).get_data(as_text=True)
    linked = set(unit_links.findall(page))
    assert linked and all(re.match(r"/modules/m[123]-", m) for m in linked), sorted(linked)
    for module in linked:
        assert client.get(next(re.finditer(f'href="({re.escape(module)}/[^"]+)"', page)).group(1)).status_code == 200
    assert "Cybersecurity in urban systems" in page  # an m4 unit is still named, as plain text
    auth.logout()
    auth.login(tutor)
    assert set(unit_links.findall(client.get(path).get_data(as_text=True))) == every


# -- tutor notes ---------------------------------------------------------------------------------

def test_tutor_notes_are_shown_to_tutors_and_never_to_students(app, make, auth, course_copy):
    notes = write(course_copy / f"{M1}/01-what-makes-a-city-smart.tutor.md",
                  "## Answers to the reflection prompts\n\nA SECRET-ANSWER about the three waves.\n")
    assert notes.is_file()
    app.config["COURSE_DIR"] = str(course_copy)
    from app.content import CourseStore
    app.extensions["leadup_course"] = CourseStore(course_copy, auto_reload=False)
    cohort = make.cohort("pgcert")
    student, tutor = make.user(Role.STUDENT, [cohort]), make.user(Role.TUTOR, [cohort])
    url = "/modules/m1-digital-innovation/what-makes-a-city-smart"
    auth.login(student)
    page = auth.client.get(url).get_data(as_text=True)
    assert "SECRET-ANSWER" not in page and "Tutor notes" not in page
    auth.logout()
    auth.login(tutor)
    page = auth.client.get(url).get_data(as_text=True)
    assert "SECRET-ANSWER" in page and 'class="tutor-notes"' in page


def test_tutor_notes_without_a_unit_are_reported(course_copy):
    write(course_copy / f"{M1}/09-no-such-unit.tutor.md", "Notes.\n")
    assert (f"course/{M1}/09-no-such-unit.tutor.md:1: tutor notes for no unit: there is no 09-no-such-unit.md "
            "beside it") in problems(course_copy)


def test_every_unit_has_tutor_notes():
    course = shared_course(ROOT / "course")
    without = [u.ref for u in course.units if not u.tutor_notes_html]
    assert without == []


# -- glossary ------------------------------------------------------------------------------------

GLOSSARY = """\
- term: Pilot sickness
  definition: Pilots that never become services.
  unit: 01-what-makes-a-city-smart
  see: [Digital city]
- term: Digital city
  definition: A representation of a real city, open to non-experts.
- term: digital city
  definition: Twice.
- term: Regime
  definition: Established rules.
  unit: 07-missing
  see: [Nothing here]
  colour: red
- definition: No term.
"""


def test_glossary_problems_name_their_line(course_copy):
    path = write(course_copy / f"{M1}/glossary.yaml", GLOSSARY)
    found = [p for p in problems(course_copy) if p.startswith(f"course/{M1}/glossary.yaml")]
    rel = f"course/{M1}/glossary.yaml"
    assert f"{rel}:5: 'Digital city' is also defined in {rel}:1" not in found  # the first one is kept
    assert f"{rel}:7: 'digital city' is also defined in {rel}:5" in found
    assert f"{rel}:11: 'Regime': no unit '07-missing' in this module" in found
    assert f"{rel}:13: unknown setting 'colour' (allowed: term, definition, unit, see)" in found
    assert f"{rel}:9: 'Regime': 'see' names 'Nothing here', which no glossary defines" in found
    assert f"{rel}:14: missing 'term'" in found
    assert path.is_file()


def test_the_glossary_page_lists_terms_alphabetically_with_links(app, course_copy, client):
    for path in (course_copy / "modules").glob("*/glossary.yaml"):
        path.unlink()
    write(course_copy / f"{M1}/glossary.yaml", "\n".join(GLOSSARY.splitlines()[:6]) + "\n- term: <b>Odd</b>\n  definition: Escaped <script>x</script>.\n")
    from app.content import CourseStore
    app.extensions["leadup_course"] = CourseStore(course_copy, auto_reload=False)
    page = client.get("/glossary").get_data(as_text=True)
    assert page.index("Digital city") < page.index("Pilot sickness")
    assert 'id="term-pilot-sickness"' in page and 'href="#term-digital-city"' in page
    assert "/modules/m1-digital-innovation/what-makes-a-city-smart" in page
    assert "&lt;b&gt;Odd&lt;/b&gt;" in page and "<script>x</script>" not in page


def test_the_real_glossary_is_substantial_and_every_term_is_taught():
    course = shared_course(ROOT / "course")
    assert len(course.glossary) >= 60
    assert all(t.unit is not None for t in course.glossary)
