"""The course deck's topics and subtopics (``course/topics.yaml``), and which units teach them.

    topics:
      - id: t1
        title: "Topic 1: ..."
        subtopics:
          - {id: t1-sociotechnical-innovation, modules: [m3-...], title: "Sociotechnical innovation"}

A unit names what it teaches in its front matter (``subtopics: [t1-..., ...]``). The check
reports an unknown id in a unit, and a subtopic that no unit of its ``modules`` teaches, so no
subtopic of the deck is left out of the course.
"""
from dataclasses import dataclass, field
from pathlib import Path

from . import yaml_lines

FILE = "topics.yaml"


@dataclass
class Subtopic:
    id: str
    title: str
    topic: "Topic" = field(repr=False)
    modules: list = field(default_factory=list)  # module folder names expected to teach it
    line: int = 1
    units: list = field(default_factory=list, repr=False)  # the units that say they teach it


@dataclass
class Topic:
    id: str
    title: str
    subtopics: list = field(default_factory=list)


def load(root):
    """``([Topic], [(line, message)])`` from ``<root>/topics.yaml`` (none if the file is absent)."""

    path = Path(root) / FILE
    if not path.is_file():
        return [], []
    data, problems = yaml_lines.load_mapping_file(path, "topics.yaml is a mapping with 'topics'", ("topics",))
    if data is None:
        return [], problems
    items = data.get("topics")
    if not isinstance(items, list):
        return [], problems + [(data.line_of("topics"), "'topics' must be a list of topics")]
    topics, seen = [], set()
    for item in items:
        if not isinstance(item, dict) or not item.get("id") or not item.get("title"):
            problems.append((getattr(item, "line", 1), "each topic needs an 'id', a 'title' and 'subtopics'"))
            continue
        topic = Topic(id=str(item["id"]), title=str(item["title"]))
        for sub in item.get("subtopics") or []:
            line = getattr(sub, "line", item.line)
            if not isinstance(sub, dict) or not sub.get("id") or not sub.get("title"):
                problems.append((line, "each subtopic needs an 'id' and a 'title'"))
                continue
            if sub["id"] in seen:
                problems.append((line, f"duplicate subtopic id '{sub['id']}'"))
                continue
            seen.add(sub["id"])
            modules = sub.get("modules") or []
            if not isinstance(modules, list):
                problems.append((line, f"subtopic '{sub['id']}': 'modules' must be a list of module folders"))
                modules = []
            topic.subtopics.append(Subtopic(id=str(sub["id"]), title=str(sub["title"]), topic=topic,
                                            modules=[str(m) for m in modules], line=line))
        topics.append(topic)
    return topics, problems


def link_units(topics, course):
    """Attach each unit to the subtopics it names; ``[(unit, message)]`` for unknown ids, and
    ``[(subtopic, message)]`` for subtopics that none of their modules' units teaches."""
    by_id = {s.id: s for t in topics for s in t.subtopics}
    unknown, uncovered = [], []
    for unit in course.units:
        unit.subtopic_items = []
        for sid in unit.subtopics:
            subtopic = by_id.get(sid)
            if subtopic is None:
                unknown.append((unit, f"unknown subtopic '{sid}' (the ids are in course/{FILE})"))
                continue
            subtopic.units.append(unit)
            unit.subtopic_items.append(subtopic)
    if not topics:
        return unknown, uncovered
    for subtopic in by_id.values():
        for slug in subtopic.modules:
            module = course.modules_by_slug.get(slug)
            if module is None:
                uncovered.append((subtopic, f"subtopic '{subtopic.id}' names module '{slug}', which is not in the course"))
            elif not any(u.module is module for u in subtopic.units):
                uncovered.append((subtopic, f"subtopic '{subtopic.id}' (“{subtopic.title}”) is taught by no unit of "
                                            f"{slug}: add it to the 'subtopics' of the unit that teaches it"))
    return unknown, uncovered
