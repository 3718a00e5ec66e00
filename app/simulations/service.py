"""Simulations on the server: run, save and re-verify scenarios; tutors' own cities.

The browser runs the models (Pyodide) for speed; the server runs the same ``sims`` code in
CPython whenever a figure is kept, so what is stored, compared or graded is always the server's
own recomputation. No Flask request code here: callers pass the user.
"""
import codecs
import re

import sqlalchemy as sa
from sqlalchemy.orm import aliased, defer, joinedload

from sims import api, city_files
from sims import dataset as sims_dataset
from sims.params import ParamError, resolve
from sims.results import ModelError

from ..extensions import db
from ..inputs import clean_text, finite, read_uuid
from ..models import CityDataset, Membership, Role, SavedScenario

BUILT_IN = sims_dataset.CAMBRIDGE
MAX_SYNTHETIC = sims_dataset.MAX_ZONES
MAX_SAVED = 200
MAX_TITLE = 120
MAX_DATASET_NAME = 120
MAX_FOCUS = city_files.MAX_ID_CHARS
MAX_FIGURES = 50
CITY = re.compile(r"city:(\d{1,12})")


MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL


def get_row(model, row_id, **options):
    """``db.session.get`` for an id someone sent: an id beyond any table's range is simply not
    found (None), where PostgreSQL would refuse the query (a 500)."""
    return db.session.get(model, row_id, **options) if 0 < row_id <= MAX_ID else None


class DatasetUnavailable(ParamError):
    """A dataset key that names nothing, or a dataset this user may not use."""


# -- datasets ------------------------------------------------------------------------------

def _usable_by(user):
    """SQL condition: ``CityDataset`` rows ``user`` may run models on."""
    if not getattr(user, "is_authenticated", False):
        return sa.false()
    if user.is_admin:
        return sa.true()
    my_cohorts = sa.select(Membership.cohort_id).where(Membership.user_id == user.id)
    owner = aliased(Membership)
    owner_tutors_one_of_mine = sa.exists().where(
        owner.user_id == CityDataset.owner_id, owner.role == Role.TUTOR.value, owner.cohort_id.in_(my_cohorts)
    )
    return sa.or_(
        CityDataset.owner_id == user.id,
        CityDataset.cohort_id.in_(my_cohorts),
        sa.and_(CityDataset.cohort_id.is_(None), owner_tutors_one_of_mine),
    )


def datasets_for(user):
    """City datasets ``user`` may use: students those of their cohorts; tutors also their own;
    admins all. A dataset without a cohort belongs to every cohort its owner tutors."""
    query = (sa.select(CityDataset).where(_usable_by(user)).options(defer(CityDataset.payload))
             .order_by(CityDataset.name, CityDataset.id))
    return list(db.session.scalars(query))


def may_use(user, city):
    return db.session.scalar(sa.select(CityDataset.id).where(CityDataset.id == city.id, _usable_by(user))) is not None


def may_delete(user, city):
    return user.is_admin or city.owner_id == user.id


def dataset_spec(key, user=None):
    """What ``sims.api.run`` takes for a dataset key, or ``DatasetUnavailable``.

    ``user=None`` means a trusted caller on the server (the CLI, re-verifying a saved run),
    which may use any city dataset; requests always pass the signed-in user.
    """
    if key in (None, "", BUILT_IN):
        return None
    if not isinstance(key, str):
        raise DatasetUnavailable(f"unknown dataset {key!r}")
    if (size := sims_dataset.synthetic_size(key)) is not None:
        if not 2 <= size <= MAX_SYNTHETIC:
            raise DatasetUnavailable(f"a synthetic city has 2 to {MAX_SYNTHETIC} zones")
        return key
    if match := CITY.fullmatch(key):
        city = get_row(CityDataset, int(match.group(1)))
        if city is None or (user is not None and not may_use(user, city)):
            raise DatasetUnavailable(f"there is no dataset {key} that you may use")
        return city.data
    raise DatasetUnavailable(f"unknown dataset {key!r} (use {BUILT_IN}, synthetic-N or city:ID)")


def dataset_label(key):
    """A readable name for a dataset key (for tables)."""
    if key in (None, "", BUILT_IN):
        return sims_dataset.cambridge().name
    if (size := sims_dataset.synthetic_size(key)) is not None:
        return sims_dataset.synthetic_name(size)
    if match := CITY.fullmatch(key):
        city = get_row(CityDataset, int(match.group(1)), options=[defer(CityDataset.payload)])
        return city.name if city else f"{key} (deleted)"
    return key


# -- running and saving --------------------------------------------------------------------

def run_scenario(name, params, dataset_key, user=None):
    """Run model ``name`` on the server; raises ``ParamError`` (unknown model, bad value,
    unavailable dataset). ``user=None`` is a trusted server-side caller (see ``dataset_spec``)."""
    return api.run(name, params or {}, dataset_spec(dataset_key, user))


def save_scenario(user, payload):
    """Check a scenario sent by the browser, re-run it here and keep the server's figures.

    Returns ``(saved, {})`` or ``(None, {field: message})``. ``verified`` records whether the
    browser's figures (``browser_summary``) agree with this recomputation.
    """
    if not isinstance(payload, dict):
        return None, {"request": "Send the scenario as a JSON object."}
    errors = {}
    name = payload.get("scenario")
    module = api.SCENARIOS.get(name) if isinstance(name, str) else None
    if module is None:
        errors["scenario"] = f"Unknown model {name!r} (known: {', '.join(api.SCENARIOS)})."
    title = payload.get("title")
    title = clean_text(title, one_line=True) if isinstance(title, str) else ""
    if not title:
        errors["title"] = "Give the scenario a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = (f"The title is too long: at most {MAX_TITLE} characters (this one has {len(title):,}). "
                           "Shorten it and save again.")
    params = payload.get("params") or {}
    if not isinstance(params, dict):
        errors["params"] = "Send the parameters as an object of name: value pairs."
    elif module is not None:
        try:
            params = resolve(module.PARAMS, params)
        except ParamError as error:
            errors["params"] = str(error)
    dataset_key = payload.get("dataset") or BUILT_IN
    spec = None
    try:
        spec = dataset_spec(dataset_key, user)
    except DatasetUnavailable as error:
        errors["dataset"] = str(error)
    unit = payload.get("unit") or None
    if unit is not None:
        unit = read_uuid(unit) if isinstance(unit, str) else None
        if unit is None:
            errors["unit"] = "The unit must be a unit's uuid."
    browser, problem = _browser_report(payload.get("browser_summary"))
    if problem:
        errors["browser_summary"] = problem
    if not errors and SavedScenario.count_for(user) >= MAX_SAVED:
        errors["saved"] = (f"You have {MAX_SAVED} saved scenarios, the most one person can keep. "
                           "Delete some on the My scenarios page first.")
    if errors:
        return None, errors
    try:
        result = api.run(name, params, spec)
    except ModelError as error:  # NaN or infinite figures: never stored, never sent
        return None, {"result": f"Not saved: {error}"}
    except ParamError as error:
        return None, {"params": str(error)}
    if browser is not None:
        browser.setdefault("model_version", result["model_version"])
        browser.setdefault("data_version", result["data_version"])
    saved = SavedScenario(
        user_id=user.id, scenario=name, title=title, params=result["params"], dataset_key=dataset_key,
        unit_uuid=unit, model_version=result["model_version"], data_version=result["data_version"],
        summary=result["summary"], browser_summary=browser,
        verified=browser is not None and api.same_result(result, browser),
    )
    db.session.add(saved)
    db.session.commit()
    return saved, {}


def verify_saved(saved):
    """Re-run a saved scenario on the server: ``(ok, server_result)``.

    ``ok`` is True when the figures the browser reported still agree with a fresh run of the
    same model version on the same data. ``server_result`` is None when the scenario can no
    longer run (its city dataset was deleted, or the model no longer accepts its parameters).
    """
    try:
        result = run_scenario(saved.scenario, saved.parameters, saved.dataset_key)
    except ParamError:
        return False, None
    report = saved.browser_report
    return report is not None and api.same_result(result, report), result


def scenarios_of(user, scenario=None):
    query = sa.select(SavedScenario).where(SavedScenario.user_id == user.id)
    if scenario:
        query = query.where(SavedScenario.scenario == scenario)
    return list(db.session.scalars(query.order_by(SavedScenario.created_at.desc(), SavedScenario.id.desc())))


def scenarios_of_cohort(cohort):
    """The cohort's students' saved scenarios, by student name, newest first."""
    query = (
        sa.select(SavedScenario)
        .join(Membership, Membership.user_id == SavedScenario.user_id)
        .where(Membership.cohort_id == cohort.id, Membership.role == Role.STUDENT.value)
        .options(joinedload(SavedScenario.user))
        .order_by(SavedScenario.created_at.desc(), SavedScenario.id.desc())
    )
    return sorted(db.session.scalars(query), key=lambda s: s.user.name.lower())


def may_view(user, saved):
    """The owner, a tutor of a cohort the owner studies in, or an admin."""
    if saved.user_id == user.id:
        return True
    return user.tutors_student(saved.user)


def _browser_report(value):
    """``(report, problem)``: the browser's figures as ``{summary, model_version?, data_version?}``.

    Accepts the summary list alone or an object with ``summary`` (a whole result is fine).
    """
    if value is None:
        return None, None
    versions = {}
    if isinstance(value, dict):
        for key in ("model_version", "data_version"):
            if isinstance(value.get(key), str):
                versions[key] = clean_text(value[key], one_line=True)[:200]
        value = value.get("summary")
    if not isinstance(value, list) or len(value) > MAX_FIGURES:
        return None, f"Send the browser's figures as a list of at most {MAX_FIGURES} {{key, value}} objects."
    figures = []
    for item in value:
        number = item.get("value") if isinstance(item, dict) else None
        if not (isinstance(item, dict) and isinstance(item.get("key"), str) and finite(number)):
            return None, "Each of the browser's figures needs a text key and a numeric value."
        figures.append({"key": clean_text(item["key"], one_line=True)[:80], "value": number})
    return {**versions, "summary": figures}, None


# -- bring your own city -------------------------------------------------------------------

def decode_upload(data, filename, problems):
    """An uploaded file's text (UTF-8, with or without a byte-order mark), or "" after a problem
    naming the file and line: empty, a spreadsheet, UTF-16 or another encoding."""
    save_as = "save it as UTF-8 text" if filename.lower().endswith(("json", "geojson")) else \
        "in a spreadsheet, save it as “CSV UTF-8”"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problems.append(f"{filename}:1: this file is UTF-16 text (“Unicode text”); {save_as}")
        return ""
    if data.startswith(b"PK\x03\x04"):
        problems.append(f"{filename}:1: this is a spreadsheet or a zip file, not text; {save_as}")
        return ""
    if data.count(b"\x00") > max(8, len(data) // 100):  # a stray NUL in a text file is only cleaned away
        line = data[:data.find(b"\x00")].count(b"\n") + 1
        problems.append(f"{filename}:{line}: this is not a text file (it holds NUL bytes); {save_as}")
        return ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        problems.append(f"{filename}:{line}: not UTF-8 text ({save_as})")
        return ""
    if not text.strip():
        problems.append(f"{filename}:1: the file is empty")
        return ""
    return text


def _cell(text):
    return clean_text(text, one_line=True)


def check_files(zones_text, flows_text, boundaries_text, focus, zones_file="zones.csv", flows_file="flows.csv",
                boundaries_file="boundaries.geojson"):
    """A tutor's files checked: ``(dataset dict, [])`` or ``(None, ["file:line: message", ...])``.

    Zones and flows CSVs make a new city (boundaries optional). A boundaries file alone is
    attached to the built-in Cambridge data, its features matched to zones by ``zone_id``.
    """
    problems = []
    focus = _cell(focus) or None
    if focus is not None and len(focus) > MAX_FOCUS:
        problems.append(f"focus: the focus zone is too long: at most {MAX_FOCUS} characters (a zone_id)")
        focus = None
    zones_text, flows_text, boundaries_text = (t if (t or "").strip() else "" for t in
                                               (zones_text, flows_text, boundaries_text))
    data = None
    if not zones_text and not flows_text:
        if not boundaries_text:
            problems.append("Upload a zones CSV and a flows CSV, or only a boundaries GeoJSON file "
                            "to draw the built-in Cambridge data.")
            return None, problems
        data = _cambridge_with_boundaries(boundaries_text, boundaries_file, focus, problems)
    elif not zones_text or not flows_text:
        missing, given = ("zones", flows_file) if not zones_text else ("flows", zones_file)
        problems.append(f"Upload a {missing} CSV too: a city needs both a zones and a flows file "
                        f"(only {given} was sent).")
    else:
        try:
            data = sims_dataset.from_csv(
                zones_text, flows_text, id="city", focus=focus, boundaries_text=boundaries_text or None,
                zones_file=zones_file, flows_file=flows_file, boundaries_file=boundaries_file, clean=_cell,
            ).to_dict()
        except sims_dataset.DatasetError as error:
            problems.extend(error.problems)
    if problems:
        return None, [clean_text(p) for p in problems]  # they quote the files, which may hold anything
    return data, []


def import_dataset(owner, name, cohort, zones_text, flows_text, boundaries_text, focus,
                   zones_file="zones.csv", flows_file="flows.csv", boundaries_file="boundaries.geojson"):
    """Check and store a tutor's city: ``(CityDataset, [])`` or ``(None, ["file:line: message", ...])``;
    nothing is stored unless every check passes."""
    problems = []
    name = _cell(name)
    if not name:
        problems.append("name: give the dataset a name")
    elif len(name) > MAX_DATASET_NAME:
        problems.append(f"name: the name is too long: at most {MAX_DATASET_NAME} characters (this one has "
                        f"{len(name):,})")
    if cohort is not None and not owner.teaches(cohort):
        problems.append(f"cohort: you do not tutor {cohort.name}")
    data, file_problems = check_files(zones_text, flows_text, boundaries_text, focus, zones_file, flows_file,
                                      boundaries_file)
    problems.extend(file_problems)
    if problems:
        return None, problems
    city = CityDataset(name=name, owner_id=owner.id, cohort_id=cohort.id if cohort else None, payload={},
                       version="", zone_count=len(data["zones"]))
    db.session.add(city)
    db.session.flush()
    data.update(id=f"city-{city.id}", name=name)
    dataset = sims_dataset.Dataset.from_dict(data)
    # to_dict() carries the version, by which sims.api.load_dataset caches datasets (in the
    # browser and here), so that cache can never hand out another city's data.
    city.payload = dataset.to_dict()
    city.version = dataset.version
    db.session.commit()
    return city, []


def _cambridge_with_boundaries(text, filename, focus, problems):
    base = sims_dataset.cambridge()
    found = []
    boundaries = sims_dataset.read_boundaries(text, base.index, filename, found)
    problems.extend(found)
    if focus is not None and focus not in base.index:
        problems.append(f"focus: {focus!r} is not a Cambridge zone_id ({', '.join(base.index)})")
    data = dict(base.to_dict(), boundaries=boundaries, id="city")
    data["attribution"] = f"{base.attribution} Boundaries uploaded by a tutor."
    if focus is not None:
        data["focus"] = focus
    return data
