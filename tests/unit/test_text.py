"""The one slug (``app.text.slug``), with each caller's length and name for an empty result."""
import pytest

from app.text import slug


@pytest.mark.parametrize("text,args,expected", [
    ("Day 1: Cambridge", (), "day-1-cambridge"),
    ("  --Digital Twin--  ", (), "digital-twin"),
    ("PGCert 2026–27", (60, "unit"), "pgcert-2026-27"),
    ("Café au lait", (), "caf-au-lait"),  # ASCII only: names stay the same as they always were
    ("中文", (), ""),
    ("中文", (40,), ""),
    ("中文", (None, "term"), "term"),
    ("a" * 39 + " b", (40,), "a" * 39),  # cut, and never ending in "-"
    ("x" * 70, (60, "unit"), "x" * 60),
])
def test_slug(text, args, expected):
    assert slug(text, *args) == expected
