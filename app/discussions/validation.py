"""What people type into a discussion, cleaned and checked. Pure functions, no Flask.

Text is kept as plain text: control characters (other than line breaks) and the invisible
bidirectional overrides that can disguise text are removed; nothing else is changed, because
pages always show it escaped. Each check returns ``(values, errors)`` with ``errors`` as
``{field name: message}``, so a form can show each message next to its field.
"""
import re

MAX_TITLE = 200
MAX_BODY = 10_000
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(text, one_line=False):
    """``text`` without control characters; ``one_line`` also folds every run of white space."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = "".join(ch for ch in text if (ch == "\n" or ch >= " ") and ch != "\x7f" and ch not in BIDI_CONTROLS)
    if one_line:
        return " ".join(text.split())
    return text.strip()


def _check_length(errors, field, text, limit, missing):
    if not text:
        errors[field] = missing
    elif len(text) > limit:
        errors[field] = f"At most {limit:,} characters (you wrote {len(text):,})."


def check_topic(form):
    """A new topic or an edited one: ``title`` and ``body``."""
    values = {"title": clean_text(form.get("title"), one_line=True), "body": clean_text(form.get("body"))}
    errors = {}
    _check_length(errors, "title", values["title"], MAX_TITLE, "Give your topic a title.")
    _check_length(errors, "body", values["body"], MAX_BODY, "Write the opening message.")
    return values, errors


def check_body(form):
    """A reply, or an edited one: ``body``."""
    values = {"body": clean_text(form.get("body"))}
    errors = {}
    _check_length(errors, "body", values["body"], MAX_BODY, "Write your reply first.")
    return values, errors


def check_reply(form):
    """A reply: ``body``, the ``parent`` it answers (optional) and the form's idempotency ``key``."""
    values, errors = check_body(form)
    parent = str(form.get("parent") or "").strip()
    values["parent"] = int(parent) if parent.isdigit() else None
    key = str(form.get("key") or "").strip()
    values["key"] = key if KEY.match(key) else None
    return values, errors
