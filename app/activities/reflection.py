"""A reflection prompt: a question for the learner to think and write about."""
from flask import render_template
from markupsafe import Markup

from ..content import markdown_render
from .registry import ActivityConfigError, ActivityType, register


@register
class Reflection(ActivityType):
    name = "reflection"
    label = "Reflection"
    allowed_keys = {"prompt", "title"}

    @classmethod
    def from_config(cls, ref, unit):
        cls.check_keys(ref)
        prompt = ref.config.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise ActivityConfigError("missing 'prompt' (the question to reflect on)")
        activity = cls(ref, unit)
        activity.prompt_html = Markup(markdown_render.render(prompt))
        activity.title = str(ref.config.get("title") or "Reflect")
        return activity

    def render(self, context):
        # The same for every reader, so rendered once per process.
        if getattr(self, "_html", None) is None:
            self._html = Markup(render_template("activities/reflection.html", activity=self))
        return self._html
