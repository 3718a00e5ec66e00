"""Self-hosted browser assets: Pyodide, BokehJS, the ``sims`` package for the browser.

``flask assets fetch`` downloads and verifies them into ``static/vendor/``; the routes here
serve them with long cache lifetimes and ahead-of-time compression. Nothing loads from a CDN.
"""
from flask import Blueprint

bp = Blueprint("assets", __name__)

from . import routes, vendor  # noqa: E402


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(vendor.assets_cli)
    app.config.setdefault("PYODIDE_VERSION", vendor.PYODIDE_VERSION)
    app.config.setdefault("BOKEH_VERSION", vendor.bokeh_version())
    app.jinja_env.globals["vendor_url"] = routes.vendor_url
    app.jinja_env.globals["python_runtime"] = routes.python_runtime
