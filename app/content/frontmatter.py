"""Split a Markdown file into YAML front matter and body, keeping line numbers."""
import re

import yaml

from .yaml_lines import SAFE_LOADER

FENCE = "---"


class FrontMatterError(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message


def split(text):
    """Return ``(meta, body, body_first_line, meta_lines)``.

    ``meta_lines`` maps each top-level key to its 1-based line in the file, so
    errors about a key can point at it. Raises ``FrontMatterError``.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise FrontMatterError(1, "file must start with '---' and YAML front matter")
    for end in range(1, len(lines)):
        if lines[end].strip() == FENCE:
            break
    else:
        raise FrontMatterError(1, "front matter is not closed by a '---' line")
    raw = "\n".join(lines[1:end])
    try:
        meta = yaml.load(raw, Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError(line, f"bad YAML in front matter: {problem}") from None
    if not isinstance(meta, dict):
        raise FrontMatterError(2, "front matter must be a mapping of keys to values")
    meta_lines = {}
    for i, line in enumerate(lines[1:end], start=2):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            meta_lines.setdefault(match.group(1), i)
    body = "\n".join(lines[end + 1:])
    return meta, body, end + 2, meta_lines


def load_yaml_file(text):
    """Parse a YAML file, raising ``FrontMatterError`` with a 1-based line on failure."""
    try:
        return yaml.load(text, Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError(line, f"bad YAML: {problem}") from None
