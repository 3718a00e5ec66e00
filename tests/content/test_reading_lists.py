"""Every unit's reading list: present, without duplicates, well formed, and every entry copied
from the verified bibliography (docs/references.md), so no citation is invented or altered."""
import re
from pathlib import Path

import pytest

from app.config import ROOT
from app.content import shared_course

COURSE = shared_course(ROOT / "course")
UNITS = {u.ref: u for u in COURSE.units}
LIST = re.compile(r"^## Further reading\s*\n(.*?)(?=^## |\Z)", re.S | re.M)
ENTRY = re.compile(r"^[^*]+? \((\d{4}[a-z]?|n\.d\.)\) .+")


def normal(text):
    """The same citation however its URL is written (``<https://...>`` or bare)."""
    return re.sub(r"<(https?://[^>]+)>", r"\1", text).strip().rstrip(".")


def verified():
    entries = []
    for line in (ROOT / "docs" / "references.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^- (.+?)(?: \\)?$", line)
        if match and ENTRY.match(match.group(1)):
            entries.append(normal(match.group(1)))
    return entries


VERIFIED = verified()


def reading_list(unit):
    text = Path(unit.path).read_text(encoding="utf-8")
    match = LIST.search(text)
    return [line[2:].strip() for line in match.group(1).splitlines() if line.startswith("- ")] if match else None


def test_the_bibliography_is_there():
    assert len(VERIFIED) >= 80


@pytest.mark.parametrize("ref", UNITS)
def test_a_units_reading_list_is_verified_and_has_no_duplicates(ref):
    unit = UNITS[ref]
    items = reading_list(unit)
    assert items is not None, f"{unit.path} has no '## Further reading' list"
    assert len(items) >= 3, f"{unit.path}: {len(items)} works; give at least 3"
    assert len({normal(i) for i in items}) == len(items), f"{unit.path}: a work is listed twice"
    for item in items:
        assert ENTRY.match(item), f"{unit.path}: not 'Author (Year) Title...': {item}"
        # an entry may leave off a trailing remark of the bibliography's, never change a word
        assert any(v == normal(item) or v.startswith(normal(item) + ". (") for v in VERIFIED), \
            f"{unit.path}: not in docs/references.md as written: {item}"
