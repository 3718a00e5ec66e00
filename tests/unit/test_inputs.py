"""The one cleaning of written text and the one reading of numbers (``app.inputs``)."""
import pytest

from app.inputs import (
    InputError,
    check_length,
    clean_secret,
    clean_text,
    finite,
    read_int,
    read_number,
    read_text,
    read_uuid,
)


@pytest.mark.parametrize("raw,cleaned", [
    ("plain words", "plain words"),
    ("  trimmed  ", "trimmed"),
    ("nul\x00byte", "nulbyte"),
    ("bell\x07 esc\x1b del\x7f", "bell esc del"),
    ("c1\x80\x9b\x9fcontrols", "c1controls"),
    ("bidi \u202eevil\u202c and \u2066isolate\u2069", "bidi evil and isolate"),
    ("lone \ud800 surrogate \udfff", "lone  surrogate"),
    ("non\ufffe\uffffchars", "nonchars"),
    ("windows\r\nmac\rline\u2028para\u2029next\x85end", "windows\nmac\nline\npara\nnext\nend"),
    ("tab\tkept in text", "tab\tkept in text"),
    ("e\u0301", "\u00e9"),  # NFC: one character
    ("emoji 👩‍💻 and שלום and 中文", "emoji 👩‍💻 and שלום and 中文"),
    (None, ""),
    (42, "42"),
])
def test_clean_text_removes_what_cannot_be_stored_or_misleads(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_one_line_folds_every_run_of_white_space():
    assert clean_text("  a \n\t b\u2028c  ", one_line=True) == "a b c"


def test_a_password_is_kept_as_typed_but_made_encodable():
    assert clean_secret(" pass\x00 word ") == " pass\x00 word "
    assert clean_secret("x\ud800y") == "x\ufffdy"
    clean_secret("x\ud800y").encode("utf-8")


def test_over_long_text_is_refused_naming_the_limit_never_cut():
    assert check_length("a" * 10, 10, "title") == "a" * 10
    with pytest.raises(InputError) as error:
        read_text("a" * 20_001, "q-essay", 20_000, label="Your answer")
    assert error.value.field == "q-essay"
    assert "at most 20,000 characters" in error.value.message and "20,001" in error.value.message
    with pytest.raises(InputError, match="empty"):
        read_text(" \x00 ", "title", 10, required=True)


@pytest.mark.parametrize("raw,expected", [("3", 3), (" 2 ", 2), (5, 5), (0, 0), ("1,000", None), ("", 0), (None, 0)])
def test_read_int_takes_whole_numbers_in_range(raw, expected):
    if expected is None:  # 1,000 is out of the range 0..5
        with pytest.raises(InputError):
            read_int(raw, "dots", 0, 5, default=0)
    else:
        assert read_int(raw, "dots", 0, 5, default=0) == expected


@pytest.mark.parametrize("raw", ["-5", "abc", "2.5", "1e400", "nan", "inf", "-inf", True, [], {}, 6, 2.5,
                                 float("nan"), float("inf"), "9" * 500])
def test_read_int_refuses_anything_else_naming_the_field(raw):
    with pytest.raises(InputError) as error:
        read_int(raw, "dots-7", 0, 5, default=0, label="Dots")
    assert error.value.field == "dots-7" and "Dots" in error.value.message
    assert error.value.as_dict() == {"field": "dots-7", "message": error.value.message}


def test_a_missing_number_without_a_default_is_refused():
    with pytest.raises(InputError, match="missing"):
        read_number("", "flow")
    assert read_number("", "flow", default=None) is None


def test_read_number_takes_finite_decimals_only():
    assert read_number("0.25", "share", 0, 1) == 0.25
    assert read_number(1e300, "flow") == 1e300  # finite: ranges are the caller's to set
    for bad in ("1e400", float("nan"), "Infinity"):
        with pytest.raises(InputError, match="finite"):
            read_number(bad, "flow")
    with pytest.raises(InputError, match="from 0 to 1"):
        read_number("1.5", "share", 0, 1)


def test_finite():
    assert finite(1) and finite(0.5) and not finite(float("nan")) and not finite(True) and not finite("1")


@pytest.mark.parametrize("value,expected", [
    ("5b0f3c2e-8d7a-4e1b-9c3d-2a1b0c9d8e7f", "5b0f3c2e-8d7a-4e1b-9c3d-2a1b0c9d8e7f"),
    ("5B0F3C2E-8D7A-4E1B-9C3D-2A1B0C9D8E7F", "5b0f3c2e-8d7a-4e1b-9c3d-2a1b0c9d8e7f"),
    ("{5b0f3c2e8d7a4e1b9c3d2a1b0c9d8e7f}", "5b0f3c2e-8d7a-4e1b-9c3d-2a1b0c9d8e7f"),
    ("5b0f3c2e-8d7a-4e1b-9c3d", None), ("0b6f-unit", None), ("<script>", None), ("", None), (None, None),
    (12, None),
])
def test_read_uuid_gives_the_canonical_form_or_none(value, expected):
    assert read_uuid(value) == expected
