"""A reflection prompt: a question for the learner to think and write about."""
from flask import render_template
from markupsafe import Markup

from ..content import markdown_render
from .registry import ActivityType, ConfigError, Examples, register


@register
class Reflection(ActivityType):
    name = "reflection"
    label = "Reflection"
    allowed_keys = {"prompt", "title"}

    @classmethod
    def from_config(cls, config, unit, key="", line=1):
        cls.check_keys(config)
        prompt = config.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise ConfigError("missing 'prompt' (the question to reflect on)", field="prompt")
        activity = cls(config, unit, key, line)
        activity.prompt_html = Markup(markdown_render.render(prompt))
        activity.title = str(config.get("title") or "Reflect")
        return activity

    @classmethod
    def examples(cls):
        return Examples(valid={"prompt": "Who would **lose** if the sensors went in?", "title": "Who loses?"},
                        invalid={"title": "No prompt"}, problem="missing 'prompt'", field="prompt")

    def render(self, context):
        # The same for every reader, so rendered once per process.
        if getattr(self, "_html", None) is None:
            self._html = Markup(render_template("activities/reflection.html", activity=self))
        return self._html
