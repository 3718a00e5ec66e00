"""What people type into a discussion, cleaned and checked. Pure functions, no Flask.

Text is cleaned as every learner-written field is (``app.inputs.clean_text``: control
characters, bidirectional overrides, lone surrogates); nothing else is changed, because pages
always show it escaped. Each check returns ``(values, errors)`` with ``errors`` as
``{field name: message}``, so a form can show each message next to its field.
"""
import re

from ..inputs import clean_text

MAX_TITLE = 200
MAX_BODY = 10_000
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


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
