"""The course as loaded from files: programme → levels → modules → units."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One content error, printed as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class ActivityRef:
    """An activity embedded in a unit: its type, optional key, config and source line."""

    type_name: str
    key: str
    config: dict
    line: int
    activity: object = None  # the ActivityType instance, once validated


@dataclass
class Unit:
    uuid: str
    slug: str
    number: int
    title: str
    path: str
    module: "Module" = None
    summary: str = ""
    objectives: list = field(default_factory=list)
    minutes: int = 0
    prerequisite_refs: list = field(default_factory=list)
    prerequisites: list = field(default_factory=list)
    segments: list = field(default_factory=list)  # rendered HTML strings and ActivityRefs
    subtopics: list = field(default_factory=list)  # ids from course/topics.yaml that it teaches
    subtopic_items: list = field(default_factory=list, repr=False)  # the Subtopics themselves, once linked
    tutor_notes_html: str = ""  # NN-slug.tutor.md beside the unit, rendered: for tutors only
    tutor_notes_path: str = ""

    @property
    def url(self):
        return f"/modules/{self.module.slug}/{self.slug}"

    @property
    def ref(self):
        return f"{self.module.slug}/{self.slug}"

    @property
    def activities(self):
        return [s for s in self.segments if isinstance(s, ActivityRef)]


@dataclass
class Module:
    uuid: str
    slug: str
    title: str
    path: str
    level_id: str = ""
    number: int | None = None
    summary: str = ""
    hours: int = 0
    aims: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    assessment_html: str = ""
    overview_html: str = ""
    units: list = field(default_factory=list)
    quizzes: dict = field(default_factory=dict)  # key -> quizzes.quiz_file.Quiz
    deliberations: dict = field(default_factory=dict)  # key -> deliberation.exercise_file.Exercise

    @property
    def url(self):
        return f"/modules/{self.slug}"

    @property
    def code(self):
        return f"Module {self.number}" if self.number is not None else "Executive programme"

    @property
    def minutes(self):
        return sum(u.minutes for u in self.units)


@dataclass
class Level:
    id: str
    title: str
    summary_html: str = ""
    builds_on: str | None = None
    modules: list = field(default_factory=list)


@dataclass
class Course:
    """A whole loaded course. ``problems`` is empty when the course is valid."""

    uuid: str = ""
    title: str = "LeadUP"
    short_title: str = "LeadUP"
    institution: str = ""
    summary_html: str = ""
    levels: list = field(default_factory=list)
    modules: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    root: str = ""
    topics: list = field(default_factory=list)  # content.topics.Topic: the deck's topics and subtopics
    glossary: list = field(default_factory=list)  # content.glossary.Term, alphabetical
    competencies: object = None  # content.competencies.Framework (empty if the course has none)

    def __post_init__(self):
        self._reindex()

    def _reindex(self):
        self.modules_by_slug = {m.slug: m for m in self.modules}
        self.units_by_uuid = {u.uuid: u for m in self.modules for u in m.units}
        self.levels_by_id = {lvl.id: lvl for lvl in self.levels}
        self.quizzes_by_uuid = {q.uuid: q for m in self.modules for q in m.quizzes.values() if q.uuid}
        self.deliberations_by_uuid = {d.uuid: d for m in self.modules for d in m.deliberations.values() if d.uuid}

    def quizzes_for_levels(self, level_ids):
        """Quizzes of the modules open to ``level_ids``, in programme order."""
        return [q for m in self.modules_for_levels(level_ids) for q in m.quizzes.values() if q.uuid]

    def deliberations_for_levels(self, level_ids):
        """Deliberation exercises of the modules open to ``level_ids``, in programme order."""
        return [d for m in self.modules_for_levels(level_ids) for d in m.deliberations.values() if d.uuid]

    @property
    def units(self):
        return [u for m in self.modules for u in m.units]

    def unit(self, module_slug, unit_slug):
        module = self.modules_by_slug.get(module_slug)
        if module is None:
            return None
        return next((u for u in module.units if u.slug == unit_slug), None)

    def level_closure(self, level_ids):
        """The given levels plus every level they build on."""
        seen = set()
        stack = list(level_ids)
        while stack:
            lid = stack.pop()
            if lid in seen or lid not in self.levels_by_id:
                continue
            seen.add(lid)
            if self.levels_by_id[lid].builds_on:
                stack.append(self.levels_by_id[lid].builds_on)
        return seen

    def modules_for_levels(self, level_ids):
        """Modules open to students of ``level_ids`` (including levels they build on)."""
        closure = self.level_closure(level_ids)
        return [m for m in self.modules if m.level_id in closure]

    def neighbours(self, unit):
        """``(previous, next)`` units in programme order, within the unit's module."""
        units = unit.module.units
        i = units.index(unit)
        prev = units[i - 1] if i > 0 else None
        nxt = units[i + 1] if i + 1 < len(units) else None
        return prev, nxt
