"""A simulation from ``sims/`` that the reader runs in their own browser (Pyodide + BokehJS).

    ::: simulation commuting-demand
    scenario: commuting
    title: Try the commuting model
    params:
      year: 2031
    show: [year, jobs_growth]
    lock: [year]
    :::

Everything that can be wrong with the block is found when the course loads, so
``flask course check`` names the file and line. The page is rendered on the server with every
control and its starting value (``?<key>.<param>=<value>`` in the address overrides them), and
``static/js/simulation.js`` runs the model and draws the results.
"""

from flask import g, render_template, request, url_for
from markupsafe import Markup
from werkzeug.routing import BuildError

from sims import api
from sims import dataset as sims_dataset
from sims.params import ParamError

from ..content import markdown_render
from ..security import allow_plot_styles
from .registry import ActivityType, ConfigError, Examples, line_of, register

BUILT_IN = sims_dataset.CAMBRIDGE
CITY = "city"  # the permalink name of the city selector: ?<key>.city=<dataset>


@register
class Simulation(ActivityType):
    name = "simulation"
    label = "Simulation"
    allowed_keys = {"scenario", "title", "intro", "params", "show", "lock", "dataset"}

    @classmethod
    def from_config(cls, config, unit, key="", line=1):
        cls.check_keys(config)
        scenario = config.get("scenario")
        if scenario not in api.SCENARIOS:
            known = ", ".join(api.SCENARIOS)
            problem = "missing 'scenario'" if scenario is None else f"unknown scenario {scenario!r}"
            raise ConfigError(f"{problem} (known: {known})", None if scenario is None else line_of(config, "scenario"),
                              "scenario")
        activity = cls(config, unit, key, line)
        activity.scenario = scenario
        activity.description = api.describe(scenario)
        declared = {p.name: p for p in api.scenario(scenario).PARAMS}
        activity.declared = declared
        activity.start = {name: p.default for name, p in declared.items()}
        activity.start.update(_checked_params(config, declared))
        shown = _names(config, "show", declared) if "show" in config else list(declared)
        locked = _names(config, "lock", declared) if "lock" in config else []
        activity.locked = set(locked)
        activity.shown = [n for n in declared if n in shown or n in activity.locked]
        activity.dataset = _checked_dataset(config)
        activity.title = str(config.get("title") or activity.description["title"])
        intro = config.get("intro")
        if intro is not None and not isinstance(intro, str):
            raise ConfigError("'intro' must be text (Markdown)", line_of(config, "intro"), "intro")
        activity.intro_html = Markup(markdown_render.render(intro)) if intro else Markup("")
        activity.key = key or scenario
        return activity

    @classmethod
    def examples(cls):
        return Examples(valid={"scenario": "ev_charging", "params": {"year": 2041}, "show": ["year", "home_share"]},
                        invalid={"scenario": "commuting", "params": {"year": 1900}},
                        problem="params: year: must be at least 2011", field="year")

    @property
    def groups(self):
        """Shown parameters as ``[(group, [param description, ...]), ...]`` in declaration order."""
        groups = {}
        for param in self.description["params"]:
            if param["name"] in self.shown:
                groups.setdefault(param["group"] or "Settings", []).append(param)
        return list(groups.items())

    def initial_values(self, args):
        """Starting values: the directive's, then valid ``<key>.<param>`` query values; and notes."""
        values = dict(self.start)
        notes = []
        prefix = f"{self.key}."
        for arg, text in args.items():
            if not arg.startswith(prefix) or arg == prefix + CITY:
                continue
            name = arg[len(prefix):]
            param = self.declared.get(name)
            if param is None or name not in self.shown:
                notes.append(f"The link set “{name}”, which this simulation does not have; it was ignored.")
            elif name in self.locked:
                notes.append(f"The link set “{param.label}”, which is fixed in this activity; it was ignored.")
            else:
                try:
                    values[name] = param.coerce(text)
                except ParamError as error:
                    notes.append(f"The link's value for “{param.label}” was ignored: {_reason(error)}.")
        return values, notes

    def cities(self, user):
        """``[(value, label, json_url or None)]``: the built-in city, the activity's, the user's."""
        options = [(BUILT_IN, "Cambridge, 2011 Census (built in)", None)]
        if self.dataset and self.dataset != BUILT_IN:
            options.append((self.dataset, sims_dataset.synthetic_name(sims_dataset.synthetic_size(self.dataset)), None))
        for row in _datasets_for(user):
            url = _url("simulations.dataset_json", dataset_id=row.id)
            if url:
                options.append((f"city:{row.id}", f"{row.name} ({row.zone_count} zones)", url))
        return options

    def render(self, context):
        user = context.get("user")
        values, notes = self.initial_values(request.args)
        cities = self.cities(user)
        city = self.dataset or BUILT_IN
        wanted = request.args.get(f"{self.key}.{CITY}")
        if wanted:
            if any(value == wanted for value, _, _ in cities):
                city = wanted
            else:
                notes.append("The link named a city data set you cannot use here; the default city is shown.")
        first_on_page = not g.get("simulation_on_page")
        if first_on_page:
            g.simulation_on_page = True
            allow_plot_styles()
        unit = context.get("unit") or self.unit
        page = {
            "scenario": self.scenario,
            "key": self.key,
            "unit": getattr(unit, "uuid", None),
            "params": values,
            "describe": self.description["params"],
            "shown": self.shown,
            "locked": sorted(self.locked),
            "city": city,
            "cities": [{"value": v, "label": label, "url": url} for v, label, url in cities],
            "urls": {
                "api": _url("simulations.api_list") or "/api/scenarios",
                "compare": _url("simulations.compare"),
                "my_scenarios": _url("simulations.my_scenarios"),
            },
        }
        return render_template(
            "activities/simulation.html",
            activity=self,
            values=values,
            notes=notes,
            cities=cities,
            city=city,
            page=page,
            model_url=_url("simulations.model", name=self.scenario),
            source_url=_url("simulations.source", name=self.scenario),
            my_scenarios_url=page["urls"]["my_scenarios"],
            first_on_page=first_on_page,
            text=number_text,
        )


def number_text(value):
    """A number as a form field shows it: ``2051``, ``1.1``, ``100`` (not ``100.0``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _checked_params(config, declared):
    params = config.get("params")
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ConfigError("'params' must be 'name: value' lines", line_of(config, "params"), "params")
    checked = {}
    for name, value in params.items():
        param = declared.get(name)
        where = line_of(params, name)
        if param is None:
            raise ConfigError(f"params: unknown parameter {name!r} (known: {', '.join(declared)})", where, name)
        try:
            checked[name] = param.coerce(value)
        except ParamError as error:
            raise ConfigError(f"params: {error}", where, name) from None
    return checked


def _names(config, key, declared):
    names = config.get(key)
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"'{key}' must be a list of parameter names", line_of(config, key), key)
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise ConfigError(f"{key}: unknown parameter {', '.join(map(repr, unknown))} "
                          f"(known: {', '.join(declared)})", line_of(config, key), key)
    return names


def _checked_dataset(config):
    spec = config.get("dataset")
    if spec is None or spec == BUILT_IN:
        return None
    size = sims_dataset.synthetic_size(str(spec))
    if size is None or not 2 <= size <= sims_dataset.MAX_ZONES:
        raise ConfigError(f"unknown dataset {spec!r} (use {BUILT_IN!r} or 'synthetic-N' with N from 2 "
                          f"to {sims_dataset.MAX_ZONES})", line_of(config, "dataset"), "dataset")
    return str(spec)


def _reason(error):
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text


def _url(endpoint, **values):
    """``url_for`` or None while the simulations blueprint is not there (e.g. in a bare test app)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _datasets_for(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    try:
        from ..simulations.service import datasets_for
    except ImportError:
        return []
    return list(datasets_for(user))

