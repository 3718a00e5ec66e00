"""Deliberation exercises as files: ``course/modules/<module>/<key>.deliberation.yaml``.

    uuid: 8c1c...          # stable identity: attempts follow it if the file is renamed
    title: Junction sensors for a 2030 transport goal
    mode: group            # solo | group (a tutor may switch per cohort)
    visibility: pseudonymous
    brief: Markdown, the case
    roles: [{name, who, brief}]
    rubric: [{criterion, levels: [{points, description}]}]   # optional
    stages: [{type, id, title, prompt, min_notes, simulation, ...}]

Units embed one with ``::: deliberation <key>``. Every problem is reported with its line.
"""
from dataclasses import dataclass, field

from markupsafe import Markup

from .. import rubric
from ..content import formats, markdown_render, yaml_lines
from ..registry import ConfigError
from .stages import DEFAULT_RUBRIC, STAGE_KEYS, STAGE_TYPES

SUFFIX = ".deliberation.yaml"
KEYS = {"uuid", "title", "summary", "mode", "visibility", "minutes", "brief", "roles", "rubric", "stages"}
MODES = ("solo", "group")
VISIBILITIES = ("named", "pseudonymous", "anonymous")
MAX_STATEMENT = 280


@dataclass
class Role:
    name: str
    who: str = ""
    brief_html: str = ""


@dataclass
class Option:
    title: str
    description: str = ""


@dataclass
class Stage:
    id: str
    type: object  # stages.StageType
    title: str
    number: int
    prompt_html: str = ""
    min_notes: int = 0
    simulation: dict | None = None  # the ``::: simulation`` settings for a model run in this stage
    dots: int = 3
    options: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    allow_statements: bool = True
    line: int = 1

    @property
    def note(self):
        return self.type.note


@dataclass
class Exercise:
    uuid: str
    key: str
    title: str
    path: str
    summary: str = ""
    mode: str = "solo"
    visibility: str = "pseudonymous"
    minutes: int = 0
    brief_html: str = ""
    roles: list = field(default_factory=list)
    rubric: list = field(default_factory=lambda: DEFAULT_RUBRIC)
    stages: list = field(default_factory=list)
    module: object = None
    units: list = field(default_factory=list)  # units that embed it

    def stage(self, stage_id):
        return next((s for s in self.stages if s.id == stage_id), None)

    @property
    def role_names(self):
        return [r.name for r in self.roles]

    @property
    def max_rubric_points(self):
        return rubric.max_points(self.rubric)

    def rubric_score(self, choices):
        """0..1 from ``{criterion index: level index}``; raise ``ValueError`` if incomplete."""
        return rubric.score(self.rubric, choices)

    @property
    def url(self):
        return self.units[0].url + f"#deliberation-{self.key}" if self.units else None


def load(path, rel_path, key):
    """``(exercise or None, [(line, message)])`` for one exercise file."""
    data, problems = yaml_lines.load_mapping_file(
        path, "a deliberation file is a mapping: uuid, title, brief, roles, stages", sorted(KEYS))
    if data is None:
        return None, problems
    exercise = Exercise(uuid=formats.file_uuid(data, problems), key=key, title=_text(data, "title", problems, True),
                        path=rel_path, summary=_text(data, "summary", problems))
    exercise.mode = _choice(data, "mode", MODES, problems)
    exercise.visibility = _choice(data, "visibility", VISIBILITIES, problems)
    minutes = data.get("minutes", 0)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        problems.append((data.line_of("minutes"), "'minutes' must be a whole number"))
    else:
        exercise.minutes = minutes
    brief = _text(data, "brief", problems, True)
    exercise.brief_html = Markup(markdown_render.render(brief)) if brief else Markup("")
    exercise.roles = _roles(data, problems)
    if "rubric" in data:
        try:
            exercise.rubric = rubric.parse_rubric(data)
        except ConfigError as exc:
            problems.append((exc.line or data.line_of("rubric"), exc.message))
    exercise.stages = _stages(data, exercise, problems)
    return exercise, problems


def _text(data, key, problems, required=False):
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append((data.line_of(key), f"missing '{key}'"))
        return ""
    if isinstance(value, (dict, list)):
        problems.append((data.line_of(key), f"'{key}' must be text"))
        return ""
    return str(value).strip()


def _choice(data, key, allowed, problems):
    value = data.get(key, allowed[0] if key == "mode" else "pseudonymous")
    if value not in allowed:
        problems.append((data.line_of(key), f"'{key}' must be one of: {', '.join(allowed)} (got {value!r})"))
        return allowed[0] if key == "mode" else "pseudonymous"
    return value


def _roles(data, problems):
    items = data.get("roles") or []
    if not isinstance(items, list):
        problems.append((data.line_of("roles"), "'roles' must be a list of role cards {name, who, brief}"))
        return []
    roles, seen = [], set()
    for number, item in enumerate(items, start=1):
        at = getattr(item, "line", data.line_of("roles"))
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            problems.append((at, f"role card {number} needs a 'name'"))
            continue
        for key in item:
            if key not in ("name", "who", "brief"):
                problems.append((item.line_of(key), f"role card {number}: unknown setting '{key}' "
                                                    "(allowed: name, who, brief)"))
        name = str(item["name"]).strip()
        if name in seen or name == "other":
            problems.append((item.line_of("name"), f"two role cards are called '{name}'"))
            continue
        seen.add(name)
        brief = str(item.get("brief") or "")
        roles.append(Role(name=name, who=str(item.get("who") or "").strip(),
                          brief_html=Markup(markdown_render.render(brief)) if brief else Markup("")))
    return roles


def _stages(data, exercise, problems):
    items = data.get("stages")
    if not isinstance(items, list) or not items:
        problems.append((data.line_of("stages"), "'stages' must be a list of stages, each with a 'type' "
                                                 f"({', '.join(s.name for s in STAGE_TYPES)})"))
        return []
    stages, seen = [], {}
    for number, item in enumerate(items, start=1):
        at = getattr(item, "line", data.line_of("stages"))
        if not isinstance(item, dict):
            problems.append((at, f"stage {number} must be a mapping with a 'type'"))
            continue
        kind = STAGE_TYPES.get(item.get("type"))
        if kind is None:
            problems.append((item.line_of("type"), f"stage {number}: unknown type {item.get('type')!r} "
                                                   f"(known: {', '.join(s.name for s in STAGE_TYPES)})"))
            continue
        allowed = STAGE_KEYS | kind.settings
        for key in item:
            if key not in allowed:
                problems.append((item.line_of(key), f"stage {number} ({kind.name}): unknown setting '{key}' "
                                                    f"(allowed: {', '.join(sorted(allowed))})"))
        stage_id = str(item.get("id") or kind.name).strip()
        if stage_id in seen:
            problems.append((item.line_of("id"), f"stage {number}: two stages have the id '{stage_id}' "
                                                 f"(also line {seen[stage_id]}); give one an 'id'"))
            continue
        seen[stage_id] = item.line
        prompt = item.get("prompt")
        stage = Stage(id=stage_id, type=kind, title=str(item.get("title") or kind.label), number=len(stages) + 1,
                      prompt_html=Markup(markdown_render.render(str(prompt))) if prompt else Markup(""),
                      min_notes=kind.default_min_notes, line=item.line)
        _stage_settings(stage, item, number, stages, problems)
        stages.append(stage)
    return stages


def _stage_settings(stage, item, number, earlier, problems):
    where = f"stage {number} ({stage.type.name})"
    if "min_notes" in item:
        value = item["min_notes"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 50:
            problems.append((item.line_of("min_notes"), f"{where}: 'min_notes' must be a whole number from 0 to 50"))
        else:
            stage.min_notes = value
    if "simulation" in item:
        settings = item["simulation"]
        if not isinstance(settings, dict) or "scenario" not in settings:
            problems.append((item.line_of("simulation"), f"{where}: 'simulation' needs at least 'scenario' "
                                                         "(commuting, teleworking or ev_charging)"))
        else:
            stage.simulation = dict(settings)
            stage.simulation_line = item.line_of("simulation")
    if stage.type.name == "prioritise":
        dots = item.get("dots", 3)
        if isinstance(dots, bool) or not isinstance(dots, int) or not 1 <= dots <= 20:
            problems.append((item.line_of("dots"), f"{where}: 'dots' must be a whole number from 1 to 20"))
        else:
            stage.dots = dots
        if not any(s.type.name == "consequences" for s in earlier):
            problems.append((item.line, f"{where}: put a 'consequences' stage before it (its notes are "
                                        "what students prioritise)"))
    if stage.type.name == "options":
        stage.options = _options(item, where, problems)
    if stage.type.name == "opinions":
        stage.allow_statements = item.get("allow_statements", True) is True
        statements = item.get("statements") or []
        if not isinstance(statements, list) or not all(isinstance(s, str) and s.strip() for s in statements):
            problems.append((item.line_of("statements"), f"{where}: 'statements' must be a list of sentences"))
            statements = []
        for text in statements:
            if len(text.strip()) > MAX_STATEMENT:
                problems.append((item.line_of("statements"), f"{where}: a statement is longer than "
                                                             f"{MAX_STATEMENT} characters: {text[:40]!r}…"))
        stage.statements = [s.strip() for s in statements]
        if not stage.statements and not stage.allow_statements:
            problems.append((item.line, f"{where}: give 'statements' or allow students to add them"))


def _options(item, where, problems):
    items = item.get("options") or []
    if not isinstance(items, list):
        problems.append((item.line_of("options"), f"{where}: 'options' must be a list of {{title, description}}"))
        return []
    options = []
    for number, option in enumerate(items, start=1):
        if isinstance(option, str):
            option = {"title": option}
        at = getattr(option, "line", item.line_of("options"))
        if not isinstance(option, dict) or not str(option.get("title") or "").strip():
            problems.append((at, f"{where}: option {number} needs a 'title'"))
            continue
        extra = set(option) - {"title", "description"}
        if extra:
            problems.append((at, f"{where}: option {number}: unknown setting '{sorted(extra)[0]}' "
                                 "(allowed: title, description)"))
        options.append(Option(title=str(option["title"]).strip()[:200],
                              description=str(option.get("description") or "").strip()))
    return options


formats.MODULE_FILES.add(formats.ModuleFile("deliberations", SUFFIX, load))
