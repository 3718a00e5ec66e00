"""The model pages: the list of models, each model's documentation, and the Python it runs."""
from flask import abort, render_template, request
from flask_wtf.csrf import CSRFError

from sims import api

from ..main.routes import error_response, wants_json
from ..security import signed_in
from . import bp, docs

bp.add_app_template_filter(docs.display, "sim_display")


def describe_or_404(name):
    if name not in api.SCENARIOS:
        abort(404)
    return api.describe(name)


@bp.get("/simulations")
@signed_in
def index():
    return render_template("simulations/index.html", models=api.describe_all())


@bp.get("/simulations/<name>")
@signed_in
def model(name):
    info = describe_or_404(name)
    return render_template(
        "simulations/model.html", info=info, params=docs.parameter_rows(info),
        write_up=docs.model_write_up(name), sources=docs.data_sources(),
    )


@bp.get("/simulations/<name>/source")
@signed_in
def source(name):
    info = describe_or_404(name)
    return render_template("simulations/source.html", info=info, files=docs.source_files(name))


@bp.errorhandler(CSRFError)
def csrf_refused(error):
    """JSON callers get JSON (the script shows ``errors``); forms get the site's error page."""
    if wants_json():
        return error_response(400, "Missing or expired security token: reload the page and try again.", "csrf")
    return error_response(400, "Your form expired or was sent from another site. Go back, reload the page "
                               "and send it again.")


@bp.errorhandler(413)
def too_large(_error):
    limit = (request.max_content_length or 0) / 1024 / 1024
    what = "The files you sent are" if request.endpoint == "simulations.upload_dataset" else "What you sent is"
    return error_response(413, f"{what} too large ({limit:.0f} MB at most in all). Nothing was saved.")
