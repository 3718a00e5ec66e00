"""A deliberation exercise embedded in a unit: ``::: deliberation <key>`` names
``<key>.deliberation.yaml`` in the module.

The unit page shows the exercise's card: the case in brief, its stages, and the reader's attempt
(or their group's) with a button to start or continue.
"""
from flask import render_template
from flask_login import current_user

from .registry import ActivityConfigError, ActivityType, register
from .simulation import Simulation


class _SimulationRef:
    """What ``Simulation.from_config`` reads of an embedded block, for a stage's model run."""

    def __init__(self, key, config, line):
        self.type_name, self.key, self.config, self.line, self.activity = "simulation", key, config, line, None


@register
class DeliberationActivity(ActivityType):
    name = "deliberation"
    label = "Deliberation exercise"
    allowed_keys = {"deliberation"}

    @classmethod
    def from_config(cls, ref, unit):
        cls.check_keys(ref)
        key = str(ref.config.get("deliberation") or ref.key or "").strip()
        if not key:
            raise ActivityConfigError("name the exercise: '::: deliberation <key>' for <key>.deliberation.yaml")
        exercise = unit.module.deliberations.get(key)
        if exercise is None:
            known = ", ".join(sorted(unit.module.deliberations)) or "none"
            raise ActivityConfigError(f"no file {key}.deliberation.yaml in this module (exercises here: {known})")
        activity = cls(ref, unit)
        activity.exercise = exercise
        if unit not in exercise.units:
            exercise.units.append(unit)
            _prepare_simulations(exercise, unit)
        return activity

    @property
    def dom_id(self):
        return f"deliberation-{self.exercise.key}"

    def render(self, context):
        from ..deliberation import service

        user = context.get("user") or current_user
        return render_template("activities/deliberation.html", activity=self, exercise=self.exercise,
                               place=service.place_of(user, self.exercise))


def _prepare_simulations(exercise, unit):
    """Build each stage's model run as a simulation activity, once, from the first embedding unit."""
    for stage in exercise.stages:
        if stage.simulation is None or getattr(stage, "simulation_activity", None) is not None:
            continue
        ref = _SimulationRef(f"{exercise.key}-{stage.id}", stage.simulation, getattr(stage, "simulation_line", 1))
        try:
            stage.simulation_activity = Simulation.from_config(ref, unit)
        except ActivityConfigError as exc:
            raise ActivityConfigError(f"stage '{stage.id}': simulation: {exc.message}") from None
