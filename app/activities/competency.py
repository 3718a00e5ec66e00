"""The competency self-assessment in a unit: rate yourself against the course's competency
framework (``course/competencies.yaml``), see your profile, and compare it with your other round.

    ::: competency-profile
    round: start        # start (the first module) or end (the last)
    :::
"""
from flask import render_template, request
from markupsafe import Markup

from ..security import allow_plot_styles
from .registry import ActivityType, ConfigError, Examples, line_of, register

ROUNDS = ("start", "end")


@register
class CompetencyProfile(ActivityType):
    name = "competency-profile"
    label = "Competency self-assessment"
    allowed_keys = {"round", "title"}

    @classmethod
    def from_config(cls, config, unit, key="", line=1):
        cls.check_keys(config)
        round_ = config.get("round", "start")
        if round_ not in ROUNDS:
            raise ConfigError(f"'round' must be start or end, got {round_!r}", line_of(config, "round"), "round")
        activity = cls(config, unit, key, line)
        activity.round = round_
        activity.title = str(config.get("title") or ("Your competency profile" if round_ == "start"
                                                          else "Your competency profile, again"))
        return activity

    @classmethod
    def examples(cls):
        return Examples(valid={"round": "end"}, invalid={"round": "middle"}, problem="'round' must be start or end",
                        field="round")

    @property
    def dom_id(self):
        return "competency-profile"

    def render(self, context):
        from ..competencies import charts, service
        from ..content import current_course

        framework = current_course().competencies
        user = context["user"]
        profile = service.profile(user) if user.is_authenticated else {r: {} for r in ROUNDS}
        chart = None
        if framework and any(profile.values()):
            allow_plot_styles()
            chart = charts.profile_chart(framework, profile, f"{self.dom_id}-chart")
        return Markup(render_template("activities/competency.html", activity=self, framework=framework,
                                      profile=profile, chart=chart, back=request.path))
