"""LeadUP: the Flask application factory, ``create_app``, and what every app gets from it: row ids
in URLs that fit the database (``RowIdConverter``) and JSON without NaN (``StrictJSONProvider``).

It sits on top of the app's layers and imports every package (docs/architecture.md, "Layers").
"""
from pathlib import Path

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from .config import ROOT, config_from_env


def create_app(config=None):
    """Build the app. ``config`` is a config class or a mapping of overrides."""
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    base = config_from_env()
    if isinstance(config, type):
        base = config
    app.config.from_object(base)
    if isinstance(config, dict):
        app.config.update(config)
    _finish_config(app)

    app.json = StrictJSONProvider(app)
    app.url_map.converters["int"] = RowIdConverter
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}

    from . import assets, auth, competencies, content, courseware, demo, main, manage, models, security, simulations
    from .extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    models.init_app(app)
    security.init_app(app)
    activities.init_app(app)
    content.init_app(app)
    for blueprint_module in (main, auth, courseware, manage, assets, simulations, quizzes, deliberation, live,
                             competencies):
        blueprint_module.init_app(app)
    from . import course_cli, gradebook  # above the features: the gradebook reads quizzes and deliberation
    gradebook.init_app(app)
    course_cli.init_app(app)  # flask course check | stats | new-unit (also checks live's workshop plans)
    from . import discussions  # cohort discussions, registered after live: from_live reads its sessions
    discussions.init_app(app)
    demo.init_app(app)
    return app


MAX_ROW_ID = 2**31 - 1  # the largest id a PostgreSQL ``integer`` holds


def digits_at_most(limit):
    """A regular expression for the whole numbers from 0 to ``limit`` written in digits."""
    text = str(limit)
    parts = [rf"\d{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for place, digit in enumerate(text):
        lowest = 1 if place == 0 and len(text) > 1 else 0
        if int(digit) > lowest:
            parts.append(rf"{text[:place]}[{lowest}-{int(digit) - 1}]\d{{{len(text) - place - 1}}}")
    return "|".join(parts + [text])


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in every route: at most ``MAX_ROW_ID``, so ``/scenarios/99999999999`` is
    not found (404) instead of a database error (500). The limit is in the pattern, not only in
    the conversion: werkzeug answers 405 when a larger number fails the conversion of the rule
    for one method but fits the pattern of another method's rule on the same path."""

    regex = f"(?:{digits_at_most(MAX_ROW_ID)})"

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ROW_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class StrictJSONProvider(DefaultJSONProvider):
    """JSON as the standard has it, both ways: ``NaN`` and ``Infinity`` are neither sent (an
    error, never a body browsers cannot parse) nor accepted (a 400). Keys keep their order:
    Bokeh documents need it."""

    sort_keys = False

    def dumps(self, obj, **kwargs):
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_constant", _refuse_constant)
        return super().loads(s, **kwargs)


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _finish_config(app):
    """Fill derived settings and refuse unsafe production settings."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'leadup.sqlite'}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):  # Heroku-style URLs
        uri = "postgresql://" + uri[len("postgres://"):]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if not uri.startswith("sqlite"):  # a database server's connections can go stale
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    if app.config["ENV_NAME"] == "production" and not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in production (LEADUP_ENV=production)")


# Every feature registers its course file formats and typed things (``app.registry``) as its
# package is imported; importing them with this package means any code of the app finds them all.
from . import activities, deliberation, live, quizzes  # noqa: E402
