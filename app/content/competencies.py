"""The competency framework students rate themselves against: ``course/competencies.yaml``.

    title: LeadUP competency framework
    levels: [Aware of it, Understands it, ...]        # five labels, 1 to 5
    dimensions:
      - id: governance
        title: Governance and management
        competencies:
          - {id: public-value, title: Framing public value, description: ...}

A competency's key is ``<dimension>.<competency>``: ratings are stored under it, so renaming an
id starts that competency afresh (its old ratings stay in the database, unshown).
"""
from dataclasses import dataclass, field
from pathlib import Path

from . import yaml_lines

FILE = "competencies.yaml"
LEVELS = 5


@dataclass
class Competency:
    key: str
    title: str
    description: str
    dimension: "Dimension" = field(default=None, repr=False)


@dataclass
class Dimension:
    id: str
    title: str
    competencies: list = field(default_factory=list)


@dataclass
class Framework:
    title: str = ""
    levels: list = field(default_factory=list)
    dimensions: list = field(default_factory=list)

    @property
    def competencies(self):
        return [c for d in self.dimensions for c in d.competencies]

    def __bool__(self):
        return bool(self.dimensions)


def load(root):
    """``(Framework, [(line, message)])``; an empty framework if the file is absent."""

    path = Path(root) / FILE
    if not path.is_file():
        return Framework(), []
    data, problems = yaml_lines.load_mapping_file(
        path, "competencies.yaml is a mapping: title, levels, dimensions", ("title", "levels", "dimensions"))
    if data is None:
        return Framework(), problems
    framework = Framework(title=str(data.get("title") or "Competency framework"))
    levels = data.get("levels")
    if not isinstance(levels, list) or len(levels) != LEVELS or not all(isinstance(x, str) and x.strip() for x in levels):
        problems.append((data.line_of("levels"), f"'levels' must be a list of {LEVELS} labels, from 1 to {LEVELS}"))
        levels = [str(n) for n in range(1, LEVELS + 1)]
    framework.levels = [x.strip() for x in levels]
    seen = set()
    for item in data.get("dimensions") or []:
        if not isinstance(item, dict) or not item.get("id") or not item.get("title"):
            problems.append((getattr(item, "line", data.line_of("dimensions")), "each dimension needs an 'id', a 'title' and 'competencies'"))
            continue
        dimension = Dimension(id=str(item["id"]), title=str(item["title"]))
        for comp in item.get("competencies") or []:
            line = getattr(comp, "line", item.line)
            if not isinstance(comp, dict) or not comp.get("id") or not comp.get("title") or not comp.get("description"):
                problems.append((line, "each competency needs an 'id', a 'title' and a 'description'"))
                continue
            key = f"{dimension.id}.{comp['id']}"
            if key in seen:
                problems.append((line, f"duplicate competency '{key}'"))
                continue
            seen.add(key)
            dimension.competencies.append(Competency(key=key, title=" ".join(str(comp["title"]).split()),
                                                     description=" ".join(str(comp["description"]).split()),
                                                     dimension=dimension))
        if not dimension.competencies:
            problems.append((item.line, f"dimension '{dimension.id}' has no competencies"))
        framework.dimensions.append(dimension)
    if not framework.dimensions:
        problems.append((data.line_of("dimensions"), "'dimensions' must be a list with at least one dimension"))
    return framework, problems
