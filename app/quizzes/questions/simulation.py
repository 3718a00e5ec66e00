"""``simulation``: a question about a result of one of the ``sims/`` models, graded by running it.

    - id: telework-trips
      type: simulation
      scenario: teleworking
      params: {teleworkable_share: 40, telework_days: "=days"}   # fixed assumptions (formulas allowed)
      output: focus_reduction          # a key of the run's summary list
      tolerance: 2%                    # absolute, or relative "N%"; default 1%

With ``own_scenario: true`` (and no ``params``) the student picks one of their saved scenarios
of the model, and the answer is that scenario's output, re-run on the server on its dataset.
The response is ``{"scenario_id": int or None, "value": "what the student typed"}``.
"""
import itertools
import math
import re
from functools import lru_cache

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from sims import api
from sims import dataset as sims_dataset
from sims.params import ParamError

from ...extensions import db
from ...models import SavedScenario
from ...simulations import docs, service
from . import variables as variables_mod
from .base import ConfigError, Examples, Grade, QuestionType, Secret, register

DEFAULT_TOLERANCE = "1%"
MAX_CHECKED_VARIANTS = 500  # formula parameters are checked for every variant up to this many


@lru_cache(maxsize=512)
def _summary(scenario, params, dataset):
    """One run's summary by output key; ``params`` a tuple of ``(name, value)`` pairs (read only)."""
    result = api.run(scenario, dict(params), dataset)
    return {item["key"]: item for item in result["summary"]}


def outputs_of(scenario):
    """The model's outputs (``{key: summary item}``), from a run with its default parameters."""
    return _summary(scenario, (), None)


@register
class SimulationQuestion(QuestionType):
    name = "simulation"
    label = "Simulation result"
    allowed_keys = {"scenario", "params", "output", "tolerance", "own_scenario", "dataset", "decimals"}

    @classmethod
    def examples(cls):
        return Examples(valid=cls.sample("With two days a week at home, how many fewer trips come into Cambridge?",
                                   scenario="teleworking", params={"telework_days": 2}, output="focus_reduction"),
                        invalid=cls.sample("How many?", scenario="teleworking", output="sunshine"),
                        problem="unknown output 'sunshine'", field="output")

    def validate(self):
        data = self.data
        self.scenario = data.get("scenario")
        if self.scenario not in api.SCENARIOS:
            problem = "missing 'scenario'" if self.scenario is None else f"unknown scenario {self.scenario!r}"
            raise ConfigError(f"{problem} (known: {', '.join(api.SCENARIOS)})", data.line_of("scenario"))
        self.model = api.scenario(self.scenario)
        self.own_scenario = data.get("own_scenario", False)
        if not isinstance(self.own_scenario, bool):
            raise ConfigError("'own_scenario' must be true or false", data.line_of("own_scenario"))
        for key in ("params", "dataset"):
            if self.own_scenario and key in data:
                raise ConfigError(f"'{key}' cannot be set with own_scenario: true (the student's saved "
                                    "scenario sets them)", data.line_of(key))
        self.params = self._checked_params()
        self.dataset = self._checked_dataset()
        self.output = data.get("output")
        known = outputs_of(self.scenario)
        if self.output not in known:
            problem = "missing 'output'" if self.output is None else f"unknown output {self.output!r}"
            raise ConfigError(f"{problem} for {self.scenario} (known: {', '.join(known)})", data.line_of("output"))
        try:
            self.tolerance = _parse_tolerance(data.get("tolerance", DEFAULT_TOLERANCE))
        except ValueError as error:
            raise ConfigError(f"'tolerance': {error}", data.line_of("tolerance")) from None
        self.decimals = data.get("decimals")
        if self.decimals is not None and (isinstance(self.decimals, bool) or not isinstance(self.decimals, int)
                                          or not 0 <= self.decimals <= 10):
            raise ConfigError("'decimals' must be a whole number from 0 to 10", data.line_of("decimals"))

    def _checked_params(self):
        spec = self.data.get("params")
        if spec is None:
            return {}
        if not isinstance(spec, dict):
            raise ConfigError("'params' must map parameter names to values", self.data.line_of("params"))
        declared = {p.name: p for p in self.model.PARAMS}
        formulas = {}
        for name, value in spec.items():
            line = spec.line_of(name) if hasattr(spec, "line_of") else self.data.line_of("params")
            if name not in declared:
                raise ConfigError(f"params: {self.scenario} has no parameter {name!r} "
                                    f"(known: {', '.join(declared)})", line)
            if variables_mod.is_formula(value):
                try:
                    variables_mod.check_formula(value, self.variables)
                except variables_mod.VariableError as error:
                    raise ConfigError(f"params: {name}: {error.message}", line) from None
                formulas[name] = (value, line)
                continue
            try:
                declared[name].coerce(value)
            except ParamError as error:
                raise ConfigError(f"params: {error}", line) from None
        for variant in _variants(self.variables):
            for name, (formula, line) in formulas.items():
                try:
                    declared[name].coerce(variables_mod.evaluate(formula, variant))
                except (ParamError, variables_mod.VariableError, ArithmeticError, TypeError, ValueError) as error:
                    raise ConfigError(f"params: {name} = {formula!r} when {_describe(variant)}: {error}",
                                        line) from None
        return dict(spec)

    def _checked_dataset(self):
        key = self.data.get("dataset")
        if key is None or key == sims_dataset.CAMBRIDGE:
            return None
        size = sims_dataset.synthetic_size(key) if isinstance(key, str) else None
        if size is None or not 2 <= size <= sims_dataset.MAX_ZONES:
            raise ConfigError(f"'dataset' must be {sims_dataset.CAMBRIDGE} (the default) or synthetic-N with N "
                                f"from 2 to {sims_dataset.MAX_ZONES}, got {key!r}", self.data.line_of("dataset"))
        return key

    # -- the model's answer ------------------------------------------------------------------
    @property
    def needs_saved_scenario(self):
        """True when grading needs the student's saved scenario (``examples`` cannot show one)."""
        return self.own_scenario

    @property
    def model_title(self):
        return self.model.TITLE

    def params_for(self, variant):
        """The fixed assumptions with this variant's values in their formulas."""
        declared = {p.name: p for p in self.model.PARAMS}
        return {name: declared[name].coerce(variables_mod.evaluate(value, variant))
                for name, value in self.params.items()}

    def output_item(self, variant=None):
        """The summary item asked about (key, label, value, unit) for this variant's run."""
        if self.own_scenario:
            return outputs_of(self.scenario)[self.output]
        params = tuple(sorted(self.params_for(variant or {}).items()))
        return _summary(self.scenario, params, self.dataset)[self.output]

    def correct_value(self, variant):
        """The model's value for a fixed-assumptions question."""
        return self.output_item(variant)["value"]

    def saved_value(self, saved):
        """``saved``'s output, re-run on the server now; raises ``ParamError`` if it no longer runs."""
        result = service.run_scenario(saved.scenario, saved.parameters, saved.dataset_key)
        return next(item["value"] for item in result["summary"] if item["key"] == self.output)

    # -- one student's view -------------------------------------------------------------------
    def text_html(self, variant):
        item = self.output_item(variant)
        answer_in = f"Answer in {item['unit']}." if item["unit"] else "Answer with a number."
        return Markup("{}<p class=\"quiz-sim-output\">The model's output: <strong>{}</strong>. {}</p>").format(
            super().text_html(variant), item["label"], answer_in)

    def render(self, variant, response=None, disabled=False, owner=None, error=""):
        """The fields; with ``own_scenario`` a select of ``owner``'s saved scenarios of the model.

        ``owner`` is the student whose attempt this is (default: the signed-in user), so a tutor
        reviewing an attempt sees the student's scenarios."""
        owner = current_user if owner is None else owner
        is_signed_in = getattr(owner, "is_authenticated", False)
        saved = service.scenarios_of(owner, self.scenario) if self.own_scenario and is_signed_in else []
        viewer_is_owner = is_signed_in and getattr(current_user, "id", None) == owner.id
        return Markup(render_template(
            "quizzes/questions/simulation.html", question=self, variant=variant, response=_response(response),
            disabled=disabled, owner=owner, saved=saved, viewer_is_owner=viewer_is_owner,
            output=self.output_item(variant), error=error,
        ))

    def parse(self, form, variant=None):
        raw_id = form.get(f"{self.field}-scenario", "").strip()
        scenario_id = int(raw_id) if self.own_scenario and raw_id.isdigit() and len(raw_id) <= 12 else None
        return {"scenario_id": scenario_id, "value": form.get(f"{self.field}-value", "")}

    def grade(self, response, variant, context=None):
        response = _response(response)
        unit = self.output_item(variant)["unit"]
        typed = _parse_number(response["value"], unit)
        if self.own_scenario:
            saved, problem = self._chosen(response, getattr(context, "user", None))
            if saved is None:
                return Grade(0.0, problem)
            try:
                expected = self.saved_value(saved)
            except ParamError as error:
                return Grade(0.0, self.esc(f"Your saved scenario “{saved.title}” can no longer be run ({error}). "
                                           "Save it again, or choose another, and ask your tutor about this attempt."))
            about = self.esc(f"Graded against your saved scenario “{saved.title}”. ")
        else:
            expected, about = self.correct_value(variant), Markup("")
        if typed is None:
            return Grade(0.0, about + self.esc(f"“{response['value']}” is not a number."))
        if _within(typed, expected, self.tolerance):
            return Grade(1.0, about + Markup("This matches the model’s result."))
        return Grade(0.0, about + Markup("This is not within the tolerance of the model’s result."))

    def _chosen(self, response, user):
        """``(saved scenario, "")`` if the response names one of ``user``'s; else ``(None, why)``."""
        refusal = self.esc(f"Choose one of your saved {self.model_title} scenarios.")
        scenario_id = response["scenario_id"]
        if user is None or not isinstance(scenario_id, int) or isinstance(scenario_id, bool):
            return None, refusal
        saved = db.session.get(SavedScenario, scenario_id)
        if saved is None or saved.user_id != user.id or saved.scenario != self.scenario:
            return None, refusal
        return saved, ""

    def correct_answer_html(self, variant, response=None, owner=None):
        """The model's value; for ``own_scenario``, that of the scenario in ``response`` if ``owner``
        (the student) is given, else how it is computed."""
        item = self.output_item(variant)
        within = self.esc(_tolerance_text(self.tolerance, item["unit"]))
        if self.own_scenario:
            saved, _ = self._chosen(_response(response), owner)
            if saved is not None:
                try:
                    value = self.esc(self.show(self.saved_value(saved), item["unit"]))
                    return Markup("<p><strong>{}</strong> ({}, for the saved scenario “{}”), {}.</p>").format(
                        value, item["label"], saved.title, within)
                except ParamError:
                    pass
            return Markup("<p>The {} of the saved {} scenario chosen, as the server computes it by re-running "
                          "that scenario; answers {} were accepted.</p>").format(
                item["label"].lower(), self.model_title, within)
        params = self.params_for(variant)
        described = {p["name"]: p for p in api.describe(self.scenario)["params"]}
        settings = [f"{described[name]['label'].lower()}: {docs.display(value, described[name]['unit'], described[name])}"
                    for name, value in params.items()]
        assumptions = "; ".join(settings) + ("; other parameters at their defaults" if settings else "")
        dataset = f" on the {service.dataset_label(self.dataset)} data" if self.dataset else ""
        return Markup("<p><strong>{}</strong> ({}), {}.</p><p class=\"small\">Computed by running the {} model{} "
                      "with {}.</p>").format(
            self.show(item["value"], item["unit"]), item["label"], within, self.model_title, dataset,
            assumptions or "its default parameters")

    def show(self, value, unit):
        """A value as the answer shows it: ``decimals`` if set, else as the model pages do."""
        if self.decimals is None:
            return docs.display(value, unit)
        text = f"{value:,.{self.decimals}f}"
        return f"{text}{unit}" if unit.startswith("%") else f"{text} {unit}".strip()

    def responses(self, variant):
        """Right and wrong responses. With ``own_scenario`` these cannot be computed without a
        student's saved scenario (``needs_saved_scenario``): see ``examples_for``."""
        if self.own_scenario:
            blank = {"scenario_id": None, "value": ""}
            return blank, dict(blank)
        return self._example_pair(self.correct_value(variant), None)

    def examples_for(self, saved):
        """Right and wrong responses for the student who owns ``saved``."""
        return self._example_pair(self.saved_value(saved), saved.id)

    def _example_pair(self, value, scenario_id):
        wrong = value * 1.5 + 1
        if _within(wrong, value, self.tolerance):
            wrong = value + 2 * _tolerance_amount(self.tolerance, value) + 1
        return {"scenario_id": scenario_id, "value": repr(value)}, {"scenario_id": scenario_id, "value": repr(wrong)}

    def summarise(self, response):
        return str(_response(response)["value"]).strip()[:200]

    def secret_answers(self, variant):
        """The model's value (none for ``own_scenario``: each student's answer is their own)."""
        if self.own_scenario:
            return []
        item = self.output_item(variant)
        return [Secret(self.show(item["value"], item["unit"]), item["value"], self.tolerance)]

    def is_answered(self, response):
        return bool(str(_response(response)["value"]).strip())


def _response(response):
    """Any stored response as ``{"scenario_id", "value"}`` (a bare string is the value)."""
    if isinstance(response, dict):
        return {"scenario_id": response.get("scenario_id"), "value": str(response.get("value") or "")}
    return {"scenario_id": None, "value": "" if response is None else str(response)}


def _variants(variables):
    """Every combination of the variables' values (only each range's ends when there are too many)."""
    values = {}
    for name, rule in variables.items():
        if "choices" in rule:
            values[name] = list(rule["choices"])
        else:
            count = int(round((rule["max"] - rule["min"]) / rule["step"])) + 1
            values[name] = [_tidy(rule["min"] + i * rule["step"]) for i in range(count)]
    if math.prod(len(v) for v in values.values()) > MAX_CHECKED_VARIANTS:
        values = {name: sorted({v[0], v[-1]}, key=str) for name, v in values.items()}
    for combination in itertools.islice(itertools.product(*values.values()), MAX_CHECKED_VARIANTS):
        yield dict(zip(values, combination))


def _tidy(number):
    number = round(number, 10)
    return int(number) if float(number).is_integer() else number


def _describe(variant):
    return ", ".join(f"{name} = {value}" for name, value in variant.items()) or "no variables"


# -- Private stand-ins for numeric.py's number helpers (parse_number, parse_tolerance, within):
# -- swap these for numeric.py's once it lands. ---------------------------------------------
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def _parse_number(text, unit=""):
    """``"20,758 trips"`` -> 20758.0: optional thousands commas and a trailing ``unit``; else None."""
    text = str(text).strip().replace("\u2212", "-")
    if unit and text.lower().endswith(unit.lower()):
        text = text[: -len(unit)].strip()
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if "_" in text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _parse_tolerance(value):
    """``0.5`` -> ``("absolute", 0.5)``; ``"2%"`` -> ``("relative", 0.02)``; raises ``ValueError``."""
    if isinstance(value, str) and value.strip().endswith("%"):
        number = _parse_number(value.strip()[:-1])
        if number is None or number < 0:
            raise ValueError(f"expected a percentage such as 2%, got {value!r}")
        return "relative", number / 100
    number = None if isinstance(value, bool) else _parse_number(value)
    if number is None or number < 0:
        raise ValueError(f"expected a number of at least 0 or a percentage such as 2%, got {value!r}")
    return "absolute", number


def _tolerance_amount(tolerance, expected):
    kind, amount = tolerance
    return amount * abs(expected) if kind == "relative" else amount


def _within(value, expected, tolerance):
    slack = 1e-9 * max(1.0, abs(expected))  # the last bits of floating point
    return abs(value - expected) <= _tolerance_amount(tolerance, expected) + slack


def _tolerance_text(tolerance, unit):
    kind, amount = tolerance
    if kind == "relative":
        return f"within ±{amount * 100:g}%"
    if amount == 0:
        return "exactly"
    return f"within ±{docs.display(amount, unit)}"
