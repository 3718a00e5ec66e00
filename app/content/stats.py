"""Word counts of the course, as authors and reviewers count them: the prose of each unit,
without its front matter, activity blocks (``::: ... :::``), further-reading list or footnotes."""
import re
from pathlib import Path

from . import frontmatter, markdown_render

WORD = re.compile(r"[A-Za-z0-9’'’-]*[A-Za-z0-9]")
READING = re.compile(r"^##\s+(Further reading|Reading list|References)\b", re.IGNORECASE)
FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:")


def prose(path):
    """The unit's teaching prose as plain Markdown text."""
    text = Path(path).read_text(encoding="utf-8")
    _, body, first_line, _ = frontmatter.split(text)
    body, _, _ = markdown_render.extract_activities(body, first_line, str(path))
    kept, skipping = [], False
    for line in body.splitlines():
        if READING.match(line):
            skipping = True
        elif skipping and line.startswith("## "):
            skipping = False
        if skipping or FOOTNOTE.match(line):
            continue
        kept.append(line)
    return "\n".join(kept)


def words(path):
    return len(WORD.findall(re.sub(r"\[\^[^\]]+\]", "", prose(path))))


def module_counts(course):
    """``[(module, [(unit, words)], total)]`` in programme order."""
    result = []
    for module in course.modules:
        units = [(unit, words(unit.path)) for unit in module.units]
        result.append((module, units, sum(n for _, n in units)))
    return result
