"""Read a class list (CSV of names and emails) for enrolment, reporting errors by line."""
import csv
import io
import re
from dataclasses import dataclass

from ..inputs import clean_text

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class RosterRow:
    line: int
    name: str
    email: str


def parse_roster(data):
    """Parse CSV bytes or text into ``(rows, errors)``.

    Accepts a header row naming ``name`` and ``email`` columns in any order (also
    "full name", "e-mail"), or no header with name then email. Names and emails go through
    ``inputs.clean_text`` first. Errors are strings like
    ``"line 4: 'bob@' is not a valid email address"``.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], ["the file is not UTF-8 text; save it as 'CSV UTF-8' and upload again"]
    try:
        records = list(csv.reader(io.StringIO(data)))
    except csv.Error as exc:
        return [], [f"the file is not valid CSV: {exc}"]
    rows, errors, seen = [], [], {}
    name_col, email_col, start = 0, 1, 0
    if records:
        header = [h.strip().lower().replace("-", "").replace("_", " ") for h in records[0]]
        emails = [i for i, h in enumerate(header) if h in ("email", "email address")]
        names = [i for i, h in enumerate(header) if h in ("name", "full name")]
        if emails:
            if not names:
                errors.append("line 1: the header has an 'email' column but no 'name' column")
                return [], errors
            name_col, email_col, start = names[0], emails[0], 1
    for index, record in enumerate(records[start:], start=start + 1):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) <= max(name_col, email_col):
            errors.append(f"line {index}: expected a name and an email, found {len(record)} column(s)")
            continue
        # Cleaned before any check: NUL, bidi overrides and other controls never reach a name.
        name = clean_text(record[name_col], one_line=True)
        email = clean_text(record[email_col], one_line=True).lower()
        if not name:
            errors.append(f"line {index}: the name is empty")
        elif len(name) > 120:
            errors.append(f"line {index}: the name is longer than 120 characters")
        if not EMAIL.match(email) or len(email) > 254:
            errors.append(f"line {index}: '{email}' is not a valid email address")
        elif email in seen:
            errors.append(f"line {index}: {email} is already on line {seen[email]}")
        else:
            seen[email] = index
            if name and len(name) <= 120:
                rows.append(RosterRow(index, name, email))
    if not rows and not errors:
        errors.append("the file has no students in it (expected columns: name, email)")
    return rows, errors
