"""Names made from text: the one slug for file names, anchors and question ids.

A slug keeps ASCII letters and digits, lower case, and joins the runs between them with ``-``.
Callers choose the longest they take and the name for text that leaves nothing (a title in
another script): "" lets them choose later (``q3``), a word keeps a file name readable.
"""
import re

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text, max_length=None, default=""):
    """``"Day 1: Cambridge"`` -> ``"day-1-cambridge"``, cut to ``max_length`` at most (never
    ending in ``-``), or ``default`` when no letter or digit is left."""
    result = _NOT_SLUG.sub("-", text.lower()).strip("-")
    if max_length is not None:
        result = result[:max_length].rstrip("-")
    return result or default
