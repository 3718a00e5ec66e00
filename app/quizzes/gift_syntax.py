"""GIFT's syntax, for the reader (``gift_read``): escapes, questions as blocks of lines, answers.

A backslash escapes GIFT's special characters (``~=#{}:``) and ``\\n`` is a new line, so every
search here skips escaped characters (``find``). The question builders in ``gift_read`` work on
the answer block ``{...}`` through ``split_answers``; errors are ``GiftError(line, message)``.
"""
import re
from dataclasses import dataclass

FORMATS = ("[markdown]", "[html]", "[plain]", "[moodle]")
SPECIAL = "~=#{}:"
ESCAPED = re.compile(r"\\(.)", re.S)
WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")


class GiftError(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message



@dataclass
class Block:
    """One question's text (comment lines blanked) and the file line it starts on."""

    text: str
    first_line: int

    def line_at(self, offset):
        return self.first_line + self.text.count("\n", 0, max(offset, 0))


@dataclass
class Answer:
    marker: str  # "=" or "~"
    weight: float | None  # the %weight% if given
    text: str
    feedback: str
    offset: int



def blocks(text):
    """Questions are separated by blank lines; ``//`` lines are comments."""
    lines, first = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if first is not None:
                yield Block("\n".join(lines), first)
            lines, first = [], None
            continue
        if first is None:
            if line.strip().startswith("//"):
                continue
            first = number
        lines.append("" if line.strip().startswith("//") else line)
    if first is not None:
        yield Block("\n".join(lines), first)


def split_answers(body, offset, markers, block, unescape_text=True):
    """Answers starting with one of ``markers``: marker, %weight%, text and #feedback."""
    answers = []
    for part, at in split_raw(body, offset, markers, block):
        marker, part = part[0], part[1:]
        weight = None
        if part.lstrip().startswith("%"):
            match = WEIGHT.match(part)
            if not match or not -100 <= float(match.group(1)) <= 100:
                raise GiftError(block.line_at(at), "a weight is written %50% (from -100 to 100)")
            weight, part = float(match.group(1)), part[match.end():]
        text, _, feedback = partition(part, "#")
        text = unescape(text).strip() if unescape_text else text
        answers.append(Answer(marker, weight, text, unescape(strip_format(feedback)).strip(), at))
        if unescape_text and not text:
            raise GiftError(block.line_at(at), f"an empty answer after '{marker}'")
    return answers


def split_raw(body, offset, markers, block):
    """``[(part starting with its marker, file offset)]``; only blanks may come before the first."""
    cuts = [i for i in range(len(body)) if body[i] in markers and unescaped_at(body, i)]
    before = body[: cuts[0]] if cuts else body
    if before.strip() or not cuts:
        raise GiftError(block.line_at(offset), f"unknown answer format {before.strip()!r}: answers start "
                                               f"with {' or '.join(markers)}")
    return [(body[a:b], offset + a) for a, b in zip(cuts, cuts[1:] + [len(body)])]


def general_feedback(body, offset):
    """``(answers, their offset, general feedback)``: the feedback after the last ``####``."""
    at, found = 0, -1
    while (at := find(body, "####", at)) >= 0:
        found, at = at, at + 1
    if found < 0:
        return body, offset, ""
    return body[:found], offset, unescape(strip_format(body[found + 4:])).strip()


def strip_format(text):
    """Text without a leading ``[markdown]``, ``[html]``, ``[plain]`` or ``[moodle]`` marker."""
    stripped = text.lstrip()
    for marker in FORMATS:
        if stripped.startswith(marker):
            return stripped[len(marker):]
    return text


def find(text, target, start=0):
    """Where the first unescaped ``target`` is at or after ``start`` (-1 if nowhere)."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(target, i):
            return i
        else:
            i += 1
    return -1


def unescaped_at(text, index):
    backslashes = len(text[:index]) - len(text[:index].rstrip("\\"))
    return backslashes % 2 == 0


def partition(text, separator):
    at = find(text, separator)
    return (text, "", "") if at < 0 else (text[:at], separator, text[at + len(separator):])


def split_at(text, separator):
    parts = []
    while (at := find(text, separator)) >= 0:
        parts.append(text[:at])
        text = text[at + 1:]
    return parts + [text]


def unescape(text):
    def replace(match):
        char = match.group(1)
        if char == "n":
            return "\n"
        return char if char in SPECIAL or char == "\\" else match.group(0)

    return ESCAPED.sub(replace, text)


def tidy(number):
    """``2`` for 2.0, ``2.5`` for 2.5 (the writer shares it: a number as GIFT and YAML show it)."""
    number = float(number)
    return int(number) if number.is_integer() else number
