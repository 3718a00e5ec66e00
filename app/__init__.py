"""LeadUP: the Flask application factory."""
from pathlib import Path

from flask import Flask

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

    # Bokeh documents must keep their key order (see docs/assets.md).
    app.json.sort_keys = False
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}

    from . import (activities, assets, auth, competencies, content, courseware, deliberation, demo, live, main, manage,
                   models, quizzes, security, simulations)
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
    from . import discussions  # cohort discussions (after live: it reads live sessions)
    discussions.init_app(app)
    demo.init_app(app)
    return app


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
