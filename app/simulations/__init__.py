"""Simulations on the server: model pages, saved scenarios, tutors' own cities, ``flask sims``.

The models themselves live in the standard-library package ``sims/``; ``service`` is the only
module here that runs them, the route modules only translate between HTTP and ``service``.
"""
from flask import Blueprint, request

bp = Blueprint("simulations", __name__)

from . import cli, dataset_pages, routes, scenario_api, scenario_pages  # noqa: E402,F401

UPLOAD_LIMIT = 5 * 1024 * 1024  # a 500-zone city with its distances fits comfortably


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(cli.sims_cli)

    def allow_city_uploads():
        # Runs before CSRFProtect reads the form, which is when the size limit applies.
        if request.endpoint == "simulations.upload_dataset":
            request.max_content_length = UPLOAD_LIMIT

    app.before_request_funcs.setdefault(None, []).insert(0, allow_city_uploads)
