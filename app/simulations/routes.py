"""The model pages: the list of models, each model's documentation, and the Python it runs."""
from flask import abort, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from sims import api

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
    """JSON callers get JSON; forms get the site's error page."""
    if request.path.startswith("/api/"):
        return jsonify(errors={"csrf": "Missing or expired security token: reload the page and try again."}), 400
    return render_template("main/error.html", code=400, title="Bad request",
                           message="Your form expired or was sent from another site. Go back, reload the page "
                                   "and send it again."), 400


@bp.errorhandler(413)
def too_large(_error):
    return render_template("main/error.html", code=413, title="Too large",
                           message="The files you sent are too large (5 MB at most in all)."), 413
