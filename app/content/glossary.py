"""The course glossary: each module's ``glossary.yaml``, merged into one list of terms.

    - term: Digital twin
      definition: One to three sentences, for a non-specialist.
      unit: 01-city-digital-twins     # optional: the unit (file name without .md) that teaches it
      see: [Digital city]             # optional: related terms, of any module

The check reports a missing term or definition, an unknown setting, a unit that is not in the
module, a term defined twice (in any module, whatever its case) and a ``see`` to no term.
"""
from dataclasses import dataclass, field
from pathlib import Path

from ..text import slug
from . import yaml_lines

FILE = "glossary.yaml"
KEYS = ("term", "definition", "unit", "see")


@dataclass
class Term:
    term: str
    definition: str
    module: object = field(repr=False)
    path: str = ""
    line: int = 1
    unit: object = field(default=None, repr=False)
    unit_ref: str = ""
    see: list = field(default_factory=list)  # the related terms' names

    @property
    def anchor(self):
        return "term-" + slug(self.term, default="term")


def load_module(folder, module, rel_path):
    """``([Term], [(line, message)])`` of one module's glossary file (none if it has none)."""

    path = Path(folder) / FILE
    if not path.is_file():
        return [], []
    try:
        data = yaml_lines.load(path.read_text(encoding="utf-8"))
    except yaml_lines.YamlError as exc:
        return [], [(exc.line, exc.message)]
    except UnicodeDecodeError as exc:
        return [], [(1, f"not UTF-8 text: {exc.reason}")]
    if not isinstance(data, list):
        return [], [(1, "a glossary is a list of terms, each with 'term' and 'definition'")]
    terms, problems = [], []
    for entry in data:
        line = getattr(entry, "line", 1)
        if not isinstance(entry, dict):
            problems.append((line, "each glossary entry is a mapping with 'term' and 'definition'"))
            continue
        problems += [(entry.line_of(k), f"unknown setting '{k}' (allowed: {', '.join(KEYS)})") for k in entry if k not in KEYS]
        term, definition = entry.get("term"), entry.get("definition")
        if not isinstance(term, str) or not term.strip():
            problems.append((line, "missing 'term'"))
            continue
        if not isinstance(definition, str) or not definition.strip():
            problems.append((entry.line_of("definition"), f"'{term}': missing 'definition'"))
            continue
        see = entry.get("see") or []
        if isinstance(see, str):
            see = [see]
        if not isinstance(see, list) or not all(isinstance(s, str) for s in see):
            problems.append((entry.line_of("see"), f"'{term}': 'see' must be a list of terms"))
            see = []
        unit_ref = str(entry.get("unit") or "").removesuffix(".md")
        unit = None
        if unit_ref:
            unit = next((u for u in module.units if u.slug == unit_ref or f"{u.number:02d}-{u.slug}" == unit_ref), None)
            if unit is None:
                problems.append((entry.line_of("unit"), f"'{term}': no unit '{unit_ref}' in this module"))
        terms.append(Term(term=" ".join(term.split()), definition=" ".join(definition.split()), module=module,
                          path=rel_path, line=line, unit=unit, unit_ref=unit_ref, see=[" ".join(s.split()) for s in see]))
    return terms, problems


def check_all(terms):
    """``[(term, message)]``: terms defined twice, and ``see`` entries that name no term."""
    problems, first = [], {}
    for term in terms:
        key = term.term.casefold()
        if key in first:
            other = first[key]
            problems.append((term, f"'{term.term}' is also defined in {other.path}:{other.line}"))
        else:
            first[key] = term
    for term in terms:
        for name in term.see:
            if name.casefold() not in first:
                problems.append((term, f"'{term.term}': 'see' names '{name}', which no glossary defines"))
    return problems


def sorted_terms(terms):
    """Alphabetical, ignoring case; the first of two definitions of a term only."""
    seen, result = set(), []
    for term in sorted(terms, key=lambda t: t.term.casefold()):
        if term.term.casefold() not in seen:
            seen.add(term.term.casefold())
            result.append(term)
    return result
