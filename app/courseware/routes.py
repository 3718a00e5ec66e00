from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_from_directory
from flask_login import current_user

from ..content import current_course
from ..content.loader import ASSET_SUFFIXES
from ..extensions import db
from ..models import STAFF, UnitCompletion
from ..security import public, roles, signed_in
from . import bp
from .access import can_read_module, current_reader, readable_module_slugs
from .progress import module_progress


@bp.get("/")
@public
def programme():
    course = current_course()
    completed = current_reader().completed
    progress = {m.slug: module_progress(m, completed) for m in course.modules}
    return render_template(
        "courseware/programme.html",
        progress=progress,
        readable=readable_module_slugs(),
    )


@bp.get("/modules/<module_slug>")
@public
def module(module_slug):
    course = current_course()
    module = course.modules_by_slug.get(module_slug) or abort(404)
    completed = current_reader().completed
    return render_template(
        "courseware/module.html",
        module=module,
        level=course.levels_by_id.get(module.level_id),
        completed=completed,
        progress=module_progress(module, completed),
        readable=can_read_module(module),
    )


def _unit_or_404(module_slug, unit_slug):
    unit = current_course().unit(module_slug, unit_slug) or abort(404)
    if not can_read_module(unit.module):
        abort(403)
    return unit


@bp.get("/modules/<module_slug>/<unit_slug>")
@signed_in
def unit(module_slug, unit_slug):
    unit = _unit_or_404(module_slug, unit_slug)
    completed = current_reader().completed
    previous, following = current_course().neighbours(unit)
    return render_template(
        "courseware/unit.html",
        unit=unit,
        module=unit.module,
        completed=completed,
        progress=module_progress(unit.module, completed),
        previous=previous,
        following=following,
        activity_context={"user": current_user, "unit": unit},
    )


@bp.post("/modules/<module_slug>/<unit_slug>/complete")
@signed_in
def mark_complete(module_slug, unit_slug):
    unit = _unit_or_404(module_slug, unit_slug)
    done = request.form.get("done", "1") == "1"
    UnitCompletion.mark(current_user, unit.uuid, done=done)
    db.session.commit()
    if done:
        flash(f"“{unit.title}” marked complete.", "success")
        _, following = current_course().neighbours(unit)
        if following is not None and request.form.get("then") == "next":
            return redirect(following.url)
    else:
        flash(f"“{unit.title}” marked not complete.", "info")
    return redirect(unit.url + "#completion")


@bp.get("/course-files/<path:filename>")
@signed_in
def course_file(filename):
    """Images, PDFs and CSVs that units link to. Never Markdown (tutor notes live there)."""
    if Path(filename).suffix.lower() not in ASSET_SUFFIXES or not filename.startswith("modules/"):
        abort(404)
    module_slug = filename.split("/")[1]
    module = current_course().modules_by_slug.get(module_slug) or abort(404)
    if not can_read_module(module):
        abort(403)
    return send_from_directory(current_app.config["COURSE_DIR"], filename, max_age=3600)


@bp.get("/course/problems")
@roles(*STAFF)
def problems():
    return render_template("courseware/problems.html", problems=current_course().problems)
