"""YAML that remembers where things are, so every course file's errors name their line: unit
and module front matter, ``programme.yaml``, the bodies of ``:::`` blocks, quizzes, exercises,
workshop plans, topics, the glossary and the competencies all load through here, with one
meaning for ``yes`` (text) and dates (text) everywhere.

``load(text, first_line=1)`` returns ordinary dicts, lists and scalars, except that every mapping is a
``LinedDict``: ``.line`` is the 1-based line where the mapping starts and ``.key_lines`` maps
each key to its line. Raises ``YamlError(line, message)`` on a syntax error.
"""
import re
from pathlib import Path

import yaml


class YamlError(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message


class LinedDict(dict):
    line = 1
    key_lines = None

    def line_of(self, key):
        """The line of ``key`` (or of the mapping when the key is missing)."""
        return (self.key_lines or {}).get(key, self.line)


# libyaml's parser where PyYAML was built with it (several times faster on a whole course);
# front matter and directive bodies use it too.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(SAFE_LOADER):
    line_offset = 0  # lines before the text in its file (front matter, a ``:::`` block)


def _mapping(loader, node):
    loader.flatten_mapping(node)
    result = LinedDict()
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise YamlError(key_node.start_mark.line + 1 + loader.line_offset, "a key must be plain text") from None
        if key in result:
            raise YamlError(key_node.start_mark.line + 1 + loader.line_offset, f"duplicate key {key!r}")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1 + loader.line_offset
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
# Dates stay text ("2026-02-01 17:00"); the quiz loader parses them with clear messages. Only
# true/false are booleans, as in YAML 1.2: an option "Yes", "No", "On" or "Off" stays text.
_TEXT_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def load(text, first_line=1):
    """The YAML ``text`` as data; ``first_line`` is the file line the text starts on, so the
    lines of mappings and errors are the file's (front matter, a directive's body)."""
    loader = _Loader(text)
    loader.line_offset = first_line - 1
    try:
        data = loader.get_single_data()
    except YamlError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 1 if mark is not None else 1) + first_line - 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlError(line, f"bad YAML: {problem}") from None
    finally:
        loader.dispose()
    return LinedDict() if data is None else data


def load_mapping_file(path, what, keys):
    """``(mapping or None, [(line, message)])`` for a course file that is one YAML mapping.

    ``what`` ends the "is a mapping" message (e.g. "a quiz file is a mapping: uuid, title...");
    a top-level key not in ``keys`` is a problem, and ``keys`` is listed in the given order.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [(1, f"not UTF-8 text: {exc.reason}")]
    try:
        data = load(text)
    except YamlError as exc:
        return None, [(exc.line, exc.message)]
    if not isinstance(data, dict):
        return None, [(1, what)]
    problems = [(data.line_of(name), f"unknown setting '{name}' (allowed: {', '.join(keys)})")
                for name in data if name not in keys]
    return data, problems
