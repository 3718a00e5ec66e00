"""Every written field is stored cleaned, on SQLite and on PostgreSQL (which refuses NUL in text).

Each step sends ``NASTY`` (NUL, other C0 and C1 controls, bidi overrides and isolates, a
decomposed accent) through the real routes a person uses, as the person who may use them; the
request must succeed, and afterwards no text column of any table holds a character that
``app.inputs.clean_text`` removes.
"""
import io
import re

import pytest
import sqlalchemy as sa

from app.content import current_course
from app.extensions import db as _db
from app.models import Role

NASTY = "Tab\u202eoverride\u2066isolate\u2069 nul\x00 esc\x1b c1\x85\x9b Cafe\u0301"
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# The same characters as JSON escapes, for text that holds JSON.
FORBIDDEN_ESCAPED = re.compile(r"(?<!\\)\\(u(00[01][0-9a-f]|007f|00[89][0-9a-f]|202[a-e]|206[6-9]|d[89a-f][0-9a-f]{2})|[bf])",
                               re.IGNORECASE)
JSON = {"Accept": "application/json"}


@pytest.fixture
def app_config(backend_config):
    return backend_config


@pytest.fixture
def world(make):
    cohort = make.cohort("pgcert", "PGCert")
    return {"cohort": cohort, "student": make.user(Role.STUDENT, [cohort], name="Sam"),
            "tutor": make.user(Role.TUTOR, [cohort], name="Tara"), "admin": make.user(Role.ADMIN, name="Alex")}


def texts_in(value):
    """Every string in a JSON column's value, its objects' keys too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from texts_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts_in(item)


def dirty_cells():
    """``[(table.column, value)]`` of every text cell, and every string in a JSON cell, holding a
    character cleaning removes."""
    found = []
    for table in _db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        if not columns:
            continue
        for row in _db.session.execute(sa.select(*columns)):
            for column, value in zip(columns, row):
                if isinstance(column.type, sa.JSON):
                    found.extend((f"{table.name}.{column.name}", text[:80]) for text in texts_in(value)
                                 if FORBIDDEN.search(text))
                elif isinstance(value, str) and (FORBIDDEN.search(value) or FORBIDDEN_ESCAPED.search(value)):
                    found.append((f"{table.name}.{column.name}", value[:80]))
    return found


def test_every_written_field_is_stored_clean(world, as_):
    tutor, student = as_("tutor"), as_("student")
    cohort = world["cohort"]

    # A cohort's name (tutor).
    made = tutor.post("/cohorts/new", {"name": "Cohort " + NASTY, "level_id": "pgcert"})
    assert made.status_code == 302, made.get_data(as_text=True)[:300]

    # A discussion topic and a reply (student), edited (student).
    topic = student.post(f"/cohorts/{cohort.id}/discussions", {"title": NASTY, "body": NASTY + "\nline two"})
    assert topic.status_code in (302, 303)
    topic_id = int(re.search(r"/discussions/(\d+)", topic.location).group(1))
    assert student.post(f"/discussions/{topic_id}/replies", {"body": NASTY, "key": "k" * 16}).status_code == 303

    # A deliberation note and a stage's fields (student), a tutor's comment.
    exercise = next(e for m in current_course().modules for e in m.deliberations.values()
                    if any(s.note for s in e.stages))
    started = student.post(f"/deliberations/{exercise.uuid}/start")
    assert started.status_code == 302
    attempt_id = int(started.location.rsplit("/", 1)[1])
    stage = next(s for s in exercise.stages if s.note)
    note = {f.name: NASTY for f in stage.note.fields if f.kind in ("text", "textarea")}
    added = student.post(f"/deliberations/attempts/{attempt_id}/stages/{stage.id}/notes", note, headers=JSON)
    assert added.status_code == 200, added.get_data(as_text=True)[:300]
    text_stage = next(s for s in exercise.stages if any(f.kind in ("text", "textarea") for f in s.type.fields))
    fields = {f.name: NASTY for f in text_stage.type.fields if f.kind in ("text", "textarea")}
    saved = student.post(f"/deliberations/attempts/{attempt_id}/stages/{text_stage.id}/fields", fields, headers=JSON)
    assert saved.status_code == 200, saved.get_data(as_text=True)[:300]

    # A grade override's reason (tutor).
    quiz = next(q for m in current_course().modules for q in m.quizzes.values() if m.level_id == "pgcert")
    override = tutor.post(f"/cohorts/{cohort.id}/quizzes/{quiz.uuid}/students/{world['student'].id}/override",
                          {"override-score": "80", "override-reason": NASTY})
    assert override.status_code in (302, 303), override.get_data(as_text=True)[:300]

    # A class list's names (tutor), uploaded as a file.
    roster = io.BytesIO(("name,email\n" + NASTY.replace(",", " ") + ",new.person@example.org\n").encode())
    enrolled = tutor.post(f"/cohorts/{cohort.id}/enrol", {"roster": (roster, "class.csv")},
                          content_type="multipart/form-data")
    assert enrolled.status_code == 200, enrolled.get_data(as_text=True)[:300]

    # An essay answer, autosaved and submitted (student).
    essay_quiz = current_course().quizzes_by_uuid[next(
        q.uuid for m in current_course().modules if m.level_id == "pgcert" for q in m.quizzes.values()
        if any(question.name == "essay" for question in q.questions))]
    essay = next(question for question in essay_quiz.questions if question.name == "essay")
    begun = student.post(f"/quizzes/{essay_quiz.uuid}/start")
    assert begun.status_code == 302
    assert student.post(begun.location + "/save", {essay.field: NASTY}, headers=JSON).status_code == 200
    assert student.post(begun.location + "/submit", {essay.field: NASTY}).status_code in (302, 303)

    _db.session.expire_all()
    assert dirty_cells() == []
    titles = _db.session.scalars(sa.text("SELECT title FROM discussion_topics")).all()
    assert titles == ["Taboverrideisolate nul esc c1 Caf\u00e9"]  # cleaned, NFC, nothing else changed
