"""Workshop plans as files, reused each year: ``course/workshops/<key>.workshop.yaml``.

    title: Executive programme, Day 1
    summary: One line for the tutor choosing a plan      # optional
    tables: 6                                            # 0 to 30
    names_required: false                                # true: participants sign in
    activities:                                          # in the order they are run
      - kind: board                                      # any registered live kind
        title: Greater Cambridge 2030
        prompt: By 2030 transport in Greater Cambridge should…
        minutes: 10                                      # the planned time (the timer's default)
        dots: 3                                          # the kind's own settings
      - kind: poll
        title: Which wave is your organisation in?
        options: [First wave, Second wave, Third wave]   # a YAML list: one option per line
        multiple: false

A kind's settings are checked by the kind itself, with the same ``from_config(data)`` that
checks the tutor's add form (a YAML list where the form has one item a line, true or false
where it has a checkbox). Every problem names the file and line; a plan with problems cannot be
started. ``flask course check`` reports them.
"""
from dataclasses import dataclass, field
from pathlib import Path

from ..content import yaml_lines
from ..content.model import Problem
from ..extensions import db
from ..inputs import InputError, clean_text, read_int
from ..models.live import LiveActivity
from ..registry import ConfigError
from . import events, kinds, service

SUFFIX = ".workshop.yaml"
FOLDER = "workshops"
KEYS = ("title", "summary", "tables", "names_required", "tables_chosen", "activities")
ACTIVITY_KEYS = ("kind", "title", "prompt", "minutes")
MAX_TABLES = 30
MAX_MINUTES = 240


@dataclass
class PlanActivity:
    kind: str
    title: str
    prompt: str = ""
    minutes: int = 0
    settings: dict = field(default_factory=dict)  # what the kind's ``settings`` made of the file's values
    line: int = 1


@dataclass
class Plan:
    key: str
    title: str
    path: str
    summary: str = ""
    tables: int = 4
    names_required: bool = False
    tables_chosen: bool = True
    activities: list = field(default_factory=list)

    @property
    def minutes(self):
        return sum(a.minutes for a in self.activities)


class Plans(dict):
    """``{key: Plan}`` of the plans without problems; ``.problems`` lists every problem found."""

    def __init__(self):
        super().__init__()
        self.problems = []


def load_plans(course_dir):
    """Every plan in ``<course_dir>/workshops``, by key (the file name without ``.workshop.yaml``)."""
    plans = Plans()
    folder = Path(course_dir) / FOLDER
    if not folder.is_dir():
        return plans
    for path in sorted(folder.glob("*" + SUFFIX)):
        key = path.name[: -len(SUFFIX)]
        rel_path = f"{FOLDER}/{path.name}"
        plan, problems = load(path, rel_path, key)
        plans.problems += [Problem(rel_path, line, message) for line, message in problems]
        if plan is not None and not problems:
            plans[key] = plan
    return plans


def load(path, rel_path, key):
    """``(plan or None, [(line, message)])`` for one plan file."""
    data, problems = yaml_lines.load_mapping_file(
        path, "a workshop plan is a mapping: title, tables, names_required, activities", KEYS)
    if data is None:
        return None, problems
    plan = Plan(key=key, path=rel_path, title=_text(data, "title", problems, required=True, limit=160),
                summary=_text(data, "summary", problems))
    plan.tables = _number(data, "tables", 4, MAX_TABLES, problems)
    plan.names_required = _flag(data, "names_required", False, problems)
    plan.tables_chosen = _flag(data, "tables_chosen", True, problems)
    plan.activities = _activities(data, problems)
    return plan, problems


def _text(data, key, problems, required=False, limit=None):
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append((data.line_of(key), f"missing '{key}'"))
        return ""
    if isinstance(value, (dict, list)):
        problems.append((data.line_of(key), f"'{key}' must be text"))
        return ""
    text = clean_text(value, one_line=key == "title")
    if limit and len(text) > limit:
        problems.append((data.line_of(key), f"'{key}' has at most {limit} characters (this has {len(text)}): "
                                            "shorten it"))
    return text


def _number(data, key, default, maximum, problems):
    try:
        return read_int(data.get(key), key, 0, maximum, default=default)
    except InputError:
        problems.append((data.line_of(key), f"'{key}' must be a whole number from 0 to {maximum}"))
        return default


def _flag(data, key, default, problems):
    value = data.get(key, default)
    if not isinstance(value, bool):
        problems.append((data.line_of(key), f"'{key}' must be true or false"))
        return default
    return value


def _activities(data, problems):
    items = data.get("activities")
    if not isinstance(items, list) or not items:
        problems.append((data.line_of("activities"), "'activities' must be a list of activities, each with a "
                                                     f"'kind' ({', '.join(kinds.choices())}) and a 'title'"))
        return []
    activities = []
    for number, item in enumerate(items, start=1):
        at = getattr(item, "line", data.line_of("activities"))
        if not isinstance(item, dict):
            problems.append((at, f"activity {number} must be a mapping with 'kind' and 'title'"))
            continue
        kind = kinds.get(item.get("kind")) if isinstance(item.get("kind"), str) else None
        if kind is None:
            problems.append((item.line_of("kind"), f"activity {number}: 'kind' must be one of: "
                                                   f"{', '.join(kinds.choices())} (got {item.get('kind')!r})"))
            continue
        title = _text(item, "title", problems, required=True, limit=200)
        prompt = _text(item, "prompt", problems, limit=1000)
        minutes = _number(item, "minutes", 0, MAX_MINUTES, problems)
        extra = yaml_lines.LinedDict({key: value for key, value in item.items() if key not in ACTIVITY_KEYS})
        extra.line, extra.key_lines = item.line, item.key_lines
        try:
            settings = kind.from_config(extra)
        except ConfigError as error:
            settings = {}
            problems.append((error.line or item.line, f"activity {number} ({kind.name}): {error.message}"))
        else:
            problems += [(unknown.line, f"activity {number}: {unknown.message}")
                         for unknown in kind.unknown_settings(extra, settings)]
        activities.append(PlanActivity(kind=kind.name, title=title, prompt=prompt, minutes=minutes,
                                       settings=settings, line=at))
    return activities


def start(owner, plan, cohort=None):
    """A new session from ``plan``: its tables, and its activities in order (none on screen yet)."""
    session = service.create_session(owner, plan.title, cohort, plan.tables, names_required=plan.names_required,
                                     tables_chosen=plan.tables_chosen)
    for position, item in enumerate(plan.activities, start=1):
        # the plan's texts were cleaned and checked when it was read (``load``) or stored (a session)
        settings = dict(item.settings, prompt=item.prompt, minutes=item.minutes)
        activity = LiveActivity(session=session, kind=item.kind, title=item.title, position=position,
                                config=settings)
        db.session.add(activity)
        db.session.flush()
        events.record(session.id, "activity-added", {"id": activity.id})
    events.record(session.id, "plan", {"plan": plan.key})
    db.session.commit()
    events.announce(session.id)
    return session


# -- a session as a plan: run it again, or keep it as a file for next year --------------------------

NOT_PLANNED = ("prompt", "minutes", "group_by")  # a session's own state, not the kind's settings


def from_session(session):
    """A ``Plan`` of ``session``'s tables and activities, as they stand (notes are not copied)."""
    plan = Plan(key="", path="", title=session.title, tables=len(session.tables),
                names_required=session.names_required, tables_chosen=session.tables_chosen)
    for activity in session.activities:
        settings = {k: v for k, v in activity.settings.items() if k not in NOT_PLANNED}
        plan.activities.append(PlanActivity(kind=activity.kind, title=activity.title,
                                            prompt=activity.settings.get("prompt", ""),
                                            minutes=int(activity.settings.get("minutes") or 0), settings=settings))
    return plan


def to_yaml(plan):
    """The plan as a ``.workshop.yaml`` file that ``load`` reads back to the same plan."""
    import yaml

    items = []
    for activity in plan.activities:
        item = {"kind": activity.kind, "title": activity.title}
        if activity.prompt:
            item["prompt"] = activity.prompt
        if activity.minutes:
            item["minutes"] = activity.minutes
        item.update(activity.settings)
        items.append(item)
    data = {"title": plan.title, "tables": plan.tables, "names_required": plan.names_required,
            "tables_chosen": plan.tables_chosen, "activities": items}
    head = (f"# A LeadUP workshop plan. Save it as course/workshops/<name>{SUFFIX} to offer it on the\n"
            "# Live sessions page; `flask course check` checks it (docs/authoring.md#live-workshop-plans).\n")
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

