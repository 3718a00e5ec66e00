"""A deliberation exercise embedded in a unit: ``::: deliberation <key>`` names
``<key>.deliberation.yaml`` in the module.

The unit page shows the exercise's card: the case in brief, its stages, and the reader's attempt
(or their group's) with a button to start or continue.
"""
from flask import render_template
from flask_login import current_user

from .registry import ActivityType, ConfigError, Examples, line_of, register
from .simulation import Simulation

EXAMPLE = """\
uuid: 0b7f1f0e-3c52-4a8e-9d1e-2f6a1c9b7d10
title: Parking sensors
mode: solo
brief: |
  Sensors in every bay.
stages:
  - type: consequences
    min_notes: 1
    simulation:
      scenario: commuting
  - type: decision
"""


@register
class DeliberationActivity(ActivityType):
    name = "deliberation"
    label = "Deliberation exercise"
    allowed_keys = {"deliberation"}

    @classmethod
    def from_config(cls, config, unit, key="", line=1):
        cls.check_keys(config)
        key = str(config.get("deliberation") or key or "").strip()
        if not key:
            raise ConfigError("name the exercise: '::: deliberation <key>' for <key>.deliberation.yaml")
        exercise = unit.module.deliberations.get(key)
        if exercise is None:
            known = ", ".join(sorted(unit.module.deliberations)) or "none"
            raise ConfigError(f"no file {key}.deliberation.yaml in this module (exercises here: {known})",
                              line_of(config, "deliberation"), "deliberation")
        activity = cls(config, unit, key, line)
        activity.exercise = exercise
        if unit not in exercise.units:
            exercise.units.append(unit)
            _prepare_simulations(exercise, unit)
        return activity

    @classmethod
    def examples(cls):
        return Examples(valid={"deliberation": "parking"}, invalid={"deliberation": "nowhere"},
                        problem="no file nowhere.deliberation.yaml", field="deliberation",
                        files={"parking.deliberation.yaml": EXAMPLE})

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
        try:
            stage.simulation_activity = Simulation.from_config(stage.simulation, unit, f"{exercise.key}-{stage.id}",
                                                               stage.simulation_line)
        except ConfigError as exc:  # reported at the ``:::`` line that embeds the exercise
            raise ConfigError(f"stage '{stage.id}': simulation: {exc.message}") from None
