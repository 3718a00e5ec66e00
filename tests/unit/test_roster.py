from app.manage.roster import parse_roster


def test_header_in_any_order_and_bom():
    rows, errors = parse_roster("\ufeffEmail,Name\nA@Example.org , Ann Lee\nb@example.org,Bo\n".encode())
    assert errors == []
    assert [(r.line, r.name, r.email) for r in rows] == [(2, "Ann Lee", "a@example.org"), (3, "Bo", "b@example.org")]


def test_no_header_means_name_then_email():
    rows, errors = parse_roster("Ann Lee,ann@example.org\n\nBo,bo@example.org")
    assert errors == [] and [r.line for r in rows] == [1, 3]


def test_errors_name_the_line():
    rows, errors = parse_roster("name,email\nAnn,ann@\n,bo@example.org\nCy,cy@example.org\nDi,cy@example.org\nEd\n")
    assert errors == [
        "line 2: 'ann@' is not a valid email address",
        "line 3: the name is empty",
        "line 5: cy@example.org is already on line 4",
        "line 6: expected a name and an email, found 1 column(s)",
    ]


def test_empty_and_binary_files():
    assert parse_roster(b"")[1] == ["the file has no students in it (expected columns: name, email)"]
    assert "not UTF-8" in parse_roster(b"\xff\xfe\x00bad")[1][0]
    assert parse_roster("email\nx@example.org")[1] == ["line 1: the header has an 'email' column but no 'name' column"]


def test_names_and_emails_are_cleaned_before_they_are_checked():
    # NUL, a right-to-left override and other controls are removed; the length is checked afterwards.
    long_name = "A" * 120
    text = (f"name,email\nAnn\x00 \u202eLee\u202c,ann@example.org\n{long_name}\u2066\u2069\x07,long@example.org\n"
            "\u202e\x00,empty@example.org\nBo,\u202ebo@example.org\n")
    rows, errors = parse_roster(text)
    assert errors == ["line 4: the name is empty"]
    assert [(r.name, r.email) for r in rows] == [
        ("Ann Lee", "ann@example.org"), (long_name, "long@example.org"), ("Bo", "bo@example.org")]
