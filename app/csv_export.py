"""CSV downloads: every export (gradebook, deliberation reports, a live session's posts) is
written here, so each one is safe to open in a spreadsheet.

- A cell starting with ``= + - @`` (or a tab or carriage return) gets a leading ``'``:
  spreadsheets would run it as a formula, and what learners write is never a formula.
- The text starts with a UTF-8 byte-order mark, or Excel reads it in the computer's code page.
- The response is ``text/csv; charset=utf-8``, an attachment whose file name is quoted (with an
  RFC 6266 ``filename*`` when it is not ASCII), and ``no-store``: exports hold grades and
  learners' words, so no cache keeps a copy. ``attachment`` serves any other download too.
"""
import csv
import io
import re
import unicodedata
from urllib.parse import quote

from flask import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# What a quoted file name cannot hold, or should not (a folder): controls, quotes, slashes.
_NOT_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/]')


def cell(value):
    """``value`` as a cell's text; text a spreadsheet would run as a formula starts with ``'``."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(header, rows):
    """The CSV of ``header`` and ``rows`` (any iterable of lists), every cell guarded, with the BOM."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(value) for value in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return BOM + out.getvalue()


def attachment(filename):
    """A ``Content-Disposition`` value that downloads as ``filename``."""
    name = _NOT_IN_NAME.sub("_", filename)
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    value = f'attachment; filename="{plain}"'
    if plain != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def csv_response(filename, header, rows):
    """The download of ``csv_text(header, rows)`` as ``filename``."""
    return Response(csv_text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": attachment(filename), "Cache-Control": "no-store"})
