"""Bring your own city: tutors upload zones and flows (or boundaries for Cambridge) for their cohorts."""
import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from sims import dataset as sims_dataset

from ..extensions import db
from ..inputs import clean_text
from ..models import STAFF, CityDataset, Cohort
from ..security import roles, signed_in, taught_cohorts
from . import bp, service
from .forms import ALL_MY_COHORTS, DatasetForm


def _form():
    form = DatasetForm()
    form.cohort.choices = [SelectChoice(ALL_MY_COHORTS, "All the cohorts I tutor")] + [
        SelectChoice(str(c.id), c.name) for c in taught_cohorts(current_user)
    ]
    return form


def _page(form, problems=(), status=200):
    return render_template("simulations/datasets.html", form=form, problems=list(problems),
                           datasets=service.datasets_for(current_user), may_delete=service.may_delete,
                           cambridge_zones=list(sims_dataset.cambridge().index)), status


def _basename(filename, default):
    """The name the tutor's file had (problems name it), without any folder."""
    name = clean_text((filename or "").replace("\\", "/").rsplit("/", 1)[-1], one_line=True)
    return name[:100] or default


FILES = (("zones", "zones.csv"), ("flows", "flows.csv"), ("boundaries", "boundaries.geojson"))


@bp.get("/simulations/datasets")
@roles(*STAFF)
def datasets():
    return _page(_form())


@bp.post("/simulations/datasets")
@roles(*STAFF)
def upload_dataset():
    """Check everything at once (the form's fields and every line of the files); store only if all is well."""
    form = _form()
    form_ok = form.validate_on_submit()
    problems = []
    texts, names = {}, {}
    for key, default in FILES:
        upload = form[key].data if not form[key].errors else None  # a wrong file type is a form error
        names[key] = _basename(upload.filename, default) if upload else default
        texts[key] = service.decode_upload(upload.read(), names[key], problems) if upload else ""
    files = {"zones_file": names["zones"], "flows_file": names["flows"], "boundaries_file": names["boundaries"]}
    # A file that cannot be read as text is reported alone: checking the others against it would mislead.
    if not problems and not form_ok:
        _, problems = service.check_files(texts["zones"], texts["flows"], texts["boundaries"], form.focus.data,
                                          **files)
    elif not problems:
        cohort = db.session.get(Cohort, int(form.cohort.data)) if form.cohort.data else None
        city, problems = service.import_dataset(current_user, form.name.data, cohort, texts["zones"],
                                                texts["flows"], texts["boundaries"], form.focus.data, **files)
    if problems or not form_ok:
        return _page(form, problems, status=400)
    flash(f"Dataset “{city.name}” uploaded: {city.zone_count} zones. Students choose it in the simulations.",
          "success")
    return redirect(url_for("simulations.datasets"))


@bp.post("/simulations/datasets/<int:dataset_id>/delete")
@roles(*STAFF)
def delete_dataset(dataset_id):
    city = service.get_row(CityDataset, dataset_id) or abort(404)
    if not service.may_delete(current_user, city):
        abort(403)
    name = city.name
    db.session.delete(city)
    db.session.commit()
    flash(f"Dataset “{name}” deleted. Scenarios saved with it keep their figures but can no longer be re-run.",
          "info")
    return redirect(url_for("simulations.datasets"))


@bp.get("/simulations/datasets/<int:dataset_id>.json")
@signed_in
def dataset_json(dataset_id):
    """The dataset as ``sims.api.load_dataset`` takes it, for the browser's Python."""
    city = service.get_row(CityDataset, dataset_id)
    if city is None or not service.may_use(current_user, city):
        abort(404)
    response = Response(json.dumps(city.payload, ensure_ascii=False, separators=(",", ":")),
                        mimetype="application/json")
    # The version covers the data the models use; the upload time also tells boundaries apart.
    response.set_etag(f"{city.version}.{int(city.created_at.timestamp())}")
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)
