"""Split a Markdown file into YAML front matter and body, keeping line numbers."""
from . import yaml_lines

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
        meta = yaml_lines.load(raw, first_line=2) if raw.strip() else yaml_lines.LinedDict()
    except yaml_lines.YamlError as exc:
        raise FrontMatterError(exc.line, f"bad YAML in front matter: {exc.message.removeprefix('bad YAML: ')}") from None
    if not isinstance(meta, dict):
        raise FrontMatterError(2, "front matter must be a mapping of keys to values")
    meta_lines = dict(meta.key_lines or {})
    body = "\n".join(lines[end + 1:])
    return meta, body, end + 2, meta_lines


def load_yaml_file(text):
    """Parse a YAML file (a ``LinedDict`` for a mapping), raising ``FrontMatterError`` with a
    1-based line on failure."""
    try:
        return yaml_lines.load(text)
    except yaml_lines.YamlError as exc:
        raise FrontMatterError(exc.line, exc.message) from None
