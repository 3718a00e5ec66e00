"""Every CSV download (``app.csv_export``): no cell runs as a formula, Excel reads it as UTF-8,
and it downloads under a file name that cannot break its header."""
import csv
import io

import pytest

from app.csv_export import attachment, cell, csv_response, csv_text


@pytest.mark.parametrize("value,shown", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+1", "'+1"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a = b", "a = b"), ("Module 1: =x", "Module 1: =x"), ("", ""), (None, ""), (80.5, "80.5"), (3, "3"),
])
def test_a_cell_that_would_run_as_a_formula_starts_with_a_quote(value, shown):
    assert cell(value) == shown


def test_the_text_has_the_bom_the_header_and_every_cell_guarded():
    text = csv_text(["Name", "=Total"], iter([["Ann, Lee", "=1+1"], ["Bo", None]]))
    assert text.startswith("\ufeff") and text.count("\ufeff") == 1
    assert list(csv.reader(io.StringIO(text[1:]))) == [["Name", "'=Total"], ["Ann, Lee", "'=1+1"], ["Bo", ""]]


def test_the_response_is_a_utf8_csv_attachment_that_no_cache_keeps():
    response = csv_response("gradebook-pgcert.csv", ["Name"], [["Zoë"]])
    assert response.content_type == "text/csv; charset=utf-8" and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="gradebook-pgcert.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data().decode("utf-8") == "\ufeffName\r\nZoë\r\n"


def test_a_file_name_cannot_break_the_header():
    assert attachment('a"b\\c/d\r\ne;f.csv') == 'attachment; filename="a_b_c_d__e;f.csv"'
    assert attachment("café.csv") == "attachment; filename=\"cafe.csv\"; filename*=UTF-8''caf%C3%A9.csv"
