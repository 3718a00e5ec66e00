"""Helpers shared by the tests (import them from here; no test module imports another)."""
import shutil
from pathlib import Path

from app.config import ROOT

_COPIES = {}


def course_with(base, files=None, appends=None):
    """The real course with ``files`` ({path in the course: text}) written and ``appends``
    ({path: text}) added at the end of existing files, as a folder under ``base``.

    One folder per distinct change in each test process: every test asking for the same change
    gets the same unchanged folder, so its loaded course is loaded once and shared
    (``app.content.loaded``). Tests must not write into it; one that breaks the course on
    purpose uses the ``course_copy`` fixture, a copy of its own."""
    key = (tuple(sorted((files or {}).items())), tuple(sorted((appends or {}).items())))
    if key not in _COPIES:
        target = base / f"course-{len(_COPIES)}" / "course"
        shutil.copytree(ROOT / "course", target)
        for path, text in (files or {}).items():
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            (target / path).write_text(text, encoding="utf-8")
        for path, text in (appends or {}).items():
            existing = (target / path).read_text(encoding="utf-8")
            (target / path).write_text(existing + text, encoding="utf-8")
        _COPIES[key] = target
    return _COPIES[key]


def two_cohorts(make, tom="Tom Ellis"):
    """A PGCert cohort with students Amira and Tom (named ``tom``) and tutor Tess; another cohort
    with its own student and tutor; and an admin."""
    from app.models import Role

    cohort = make.cohort("pgcert", "PGCert 2026–27")
    other = make.cohort("pgcert", "Other cohort")
    return {
        "cohort": cohort,
        "other": other,
        "amira": make.user(Role.STUDENT, [cohort], name="Amira Khan", email="amira@example.org"),
        "tom": make.user(Role.STUDENT, [cohort], name=tom, email="tom@example.org"),
        "stranger": make.user(Role.STUDENT, [other], name="Sam Other"),
        "tutor": make.user(Role.TUTOR, [cohort], name="Tess Tutor"),
        "other_tutor": make.user(Role.TUTOR, [other]),
        "admin": make.user(Role.ADMIN),
    }


def write(path: Path, text: str):
    """Write ``text`` to ``path`` (UTF-8), making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- a small course of two modules, for tests of the loader and of single activities ----------------

PROGRAMME = """\
uuid: 11111111-1111-4111-8111-111111111111
title: Test Programme
short_title: TP
levels:
  - id: pgcert
    title: Certificate
    modules: [m1]
  - id: pgdip
    title: Diploma
    builds_on: pgcert
    modules: [m2]
"""

MODULE = """\
---
uuid: {uuid}
number: {number}
title: Module {number}
level: {level}
summary: A module.
hours: 10
aims: [Learn things]
outcomes: [Explain things]
assessment: |
  A **quiz**.
---
## Overview

See [the first unit](01-first.md).
"""

UNIT = """\
---
uuid: {uuid}
title: {title}
objectives: [Do a thing]
minutes: 20
prerequisites: {prereqs}
---
{body}
"""


def make_course(root, m1_units=None, extra=None):
    """A small valid course under ``root``: m1 with ``m1_units`` (two by default), m2 with one;
    ``extra`` files ({path: text}) are added."""
    write(root / "programme.yaml", PROGRAMME)
    write(root / "modules/m1/module.md", MODULE.format(uuid="22222222-2222-4222-8222-222222222201", number=1, level="pgcert"))
    write(root / "modules/m2/module.md", MODULE.format(uuid="22222222-2222-4222-8222-222222222202", number=2, level="pgdip").replace("01-first.md", "01-only.md"))
    units = m1_units or {
        "01-first.md": ("33333333-3333-4333-8333-333333333301", "First", "[]", "## Hello\n\nSee [the second](02-second.md#part) and [m2](../m2/01-only.md)."),
        "02-second.md": ("33333333-3333-4333-8333-333333333302", "Second", "[first]", "Body with a footnote.[^1]\n\n[^1]: The note."),
    }
    for name, (uuid, title, prereqs, body) in units.items():
        write(root / "modules/m1" / name, UNIT.format(uuid=uuid, title=title, prereqs=prereqs, body=body))
    write(root / "modules/m2/01-only.md", UNIT.format(uuid="33333333-3333-4333-8333-333333333399", title="Only", prereqs="[m1/second]", body="Text."))
    for path, text in (extra or {}).items():
        write(root / path, text)
    return root


def course_with_one_unit(tmp_path, body):
    """A course whose module m1 has one unit with ``body`` (and m2 one unrelated unit)."""
    units = {"01-first.md": ("33333333-3333-4333-8333-333333333301", "First", "[]", body)}
    root = make_course(tmp_path / "course", m1_units=units)
    (root / "modules/m2/01-only.md").write_text(UNIT.format(uuid="33333333-3333-4333-8333-333333333399", title="Only", prereqs="[]", body="x"))
    return root


def messages(course):
    """The course's problems as ``path:line: message`` lines."""
    return [str(p) for p in course.problems]
