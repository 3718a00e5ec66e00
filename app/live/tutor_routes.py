"""The tutor's live pages: sessions, the control page, the projector, plans, timer, seating,
moderation and export."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..csv_export import attachment
from ..extensions import db
from ..models import STAFF, Cohort
from ..models.live import LiveActivity, LiveParticipant, LivePost, LiveSession
from ..security import allow_plot_styles, roles, taught_cohorts
from . import bp, charts, events, export, kinds, plans, service
from .access import run_or_404, runs
from .errors import LiveError
from .qr import join_qr

# -- the tutor ------------------------------------------------------------------------------------

@bp.get("/live")
@roles(*STAFF)
def index():
    sessions = db.session.scalars(db.select(LiveSession).order_by(LiveSession.id.desc())).all()
    mine = [s for s in sessions if runs(s, current_user)]
    return render_template("live/index.html", sessions=mine, cohorts=taught_cohorts(current_user), errors={}, sent={})


def _chosen_cohort():
    """The form's ``cohort_id`` if the tutor teaches that cohort, else None (no cohort)."""
    cohort = db.session.get(Cohort, request.form.get("cohort_id", type=int) or 0)
    return cohort if cohort is not None and current_user.teaches(cohort) else None


@bp.post("/live")
@roles(*STAFF)
def create():
    cohort = _chosen_cohort()
    errors = {}
    try:
        session = service.create_session(current_user, request.form.get("title", ""), cohort,
                                         request.form.get("tables"),
                                         names_required=bool(request.form.get("names_required")),
                                         tables_chosen=request.form.get("tables_chosen", "1") == "1")
    except LiveError as error:
        errors[error.field or "title"] = error.message  # the form again, with what the tutor typed
        return render_template("live/index.html", sessions=[], cohorts=taught_cohorts(current_user), errors=errors,
                               sent=request.form), 400
    return redirect(url_for("live.control", code=session.code))


@bp.get("/live/<code>/control")
@roles(*STAFF)
def control(code):
    session = run_or_404(code)
    activity = service.live_activity(session)
    results = service.results(activity, include_hidden=True) if activity else None
    allow_plot_styles()  # the results' charts
    return render_template("live/control.html", session=session, live=activity,
                           posts=service.posts_of(activity, include_hidden=True) if activity else [],
                           results=results, charts=charts.chart_for(activity, results) if activity else [],
                           merged_into=service.merged_into(activity) if activity else {},
                           participants=_participants(session), kinds=kinds.choices(), kind_types=kinds.registered(),
                           cohorts=taught_cohorts(current_user),
                           join_url=url_for("live.join_page", code=session.code, _external=True))


def _participants(session):
    return db.session.scalars(db.select(LiveParticipant).where(
        LiveParticipant.session_id == session.id).order_by(LiveParticipant.id)).all()


def _back(session, anchor=""):
    return redirect(url_for("live.control", code=session.code) + anchor)


@bp.post("/live/<code>/activities")
@roles(*STAFF)
def add_activity(code):
    session = run_or_404(code)
    try:
        service.add_activity(session, request.form.get("kind", ""), request.form.get("title", ""),
                             request.form.get("prompt", ""), request.form)
    except LiveError as error:
        flash(error.message, "error")
    return _back(session, "#activities")


def _of_session(model, row_id, session):
    """The ``model`` row ``row_id`` if it belongs to ``session``; 404 otherwise."""
    row = db.session.get(model, row_id)
    if row is None or row.session_id != session.id:
        abort(404)
    return row


def _activity(session, activity_id):
    return _of_session(LiveActivity, activity_id, session)


def _post(session, post_id):
    """The post ``post_id`` if it belongs to an activity of ``session``; 404 otherwise."""
    post = db.session.get(LivePost, post_id)
    if post is None:
        abort(404)
    _activity(session, post.activity_id)
    return post


@bp.post("/live/<code>/activities/<int:activity_id>/live")
@roles(*STAFF)
def go_live(code, activity_id):
    session = run_or_404(code)
    service.go_live(session, _activity(session, activity_id) if activity_id else None)
    return _back(session)


@bp.post("/live/<code>/activities/<int:activity_id>/results")
@roles(*STAFF)
def results(code, activity_id):
    session = run_or_404(code)
    service.set_results_hidden(_activity(session, activity_id), request.form.get("hidden") == "1")
    return _back(session)


@bp.post("/live/<code>/activities/<int:activity_id>/group")
@roles(*STAFF)
def group_board(code, activity_id):
    session = run_or_404(code)
    try:
        service.group_board(_activity(session, activity_id), request.form.get("by", ""))
    except LiveError as error:
        flash(error.message, "error")
    return _back(session)


@bp.post("/live/<code>/posts/<int:post_id>/moderate")
@roles(*STAFF)
def moderate(code, post_id):
    session = run_or_404(code)
    post = _post(session, post_id)
    flags = {key: request.form.get(key) == "1" for key in ("hidden", "pinned") if key in request.form}
    try:
        if "theme" in request.form:
            service.set_theme(post, request.form["theme"])
        if request.form.get("unmerge") == "1":
            service.unmerge(post)
        if flags:
            service.moderate(post, **flags)
    except LiveError as error:
        flash(error.message, "error")
    return _back(session, f"#post-{post.id}")


@bp.post("/live/<code>/merge")
@roles(*STAFF)
def merge(code):
    """Fold the ticked notes (``post``) into the note whose button was pressed (``into``)."""
    session = run_or_404(code)
    if not request.form.get("into"):
        flash("Press “Merge ticked into this” on the note to keep.", "error")
        return _back(session)
    target = _post(session, request.form.get("into", type=int) or 0)
    ids = {int(i) for i in request.form.getlist("post") if i.isdigit()}
    sources = db.session.scalars(db.select(LivePost).where(LivePost.id.in_(ids))).all() if ids else []
    try:
        service.merge(target, sources)
        flash(f"Merged {len(sources) - (target in sources)} note(s) into “{target.text[:60]}”.", "success")
    except LiveError as error:
        flash(error.message, "error")
    return _back(session, f"#post-{target.id}")


@bp.post("/live/<code>/close")
@roles(*STAFF)
def close(code):
    session = run_or_404(code)
    service.close(session)
    flash("The session is closed: nobody can post any more. Its notes are kept.", "info")
    return _back(session)


@bp.get("/live/<code>/projector")
@roles(*STAFF)
def projector(code):
    session = run_or_404(code)
    activity = service.live_activity(session)
    results = service.results(activity) if activity else None
    allow_plot_styles()  # charts now, or later in the results fragment it swaps in
    return render_template("live/projector.html", session=session, live=activity,
                           posts=service.posts_of(activity) if activity else [],
                           results=results, mine=None, my_votes={},
                           charts=charts.chart_for(activity, results, projector=True) if activity else [],
                           join_url=url_for("live.join_page", code=session.code, _external=True),
                           last_event=events.last_id(session.id))


# -- plans, timer, seating, export ----------------------------------------------------------------


@bp.app_template_global("workshop_plans")
def workshop_plans():
    """The course's workshop plans without problems, for the "Start from a plan" form."""
    return sorted(plans.load_plans(current_app.config["COURSE_DIR"]).values(), key=lambda p: p.title)


@bp.app_template_global("join_qr")
def join_qr_svg(url, scale=6):
    return join_qr(url, scale)


@bp.app_template_global("live_timer")
def live_timer(activity):
    """``(ends at ISO, seconds left)`` of the activity's timer, or ``(None, None)``."""
    return service.timer_iso(activity), service.timer_seconds_left(activity)


@bp.post("/live/plans/start")
@roles(*STAFF)
def start_plan():
    plan = plans.load_plans(current_app.config["COURSE_DIR"]).get(request.form.get("plan", ""))
    if plan is None:
        flash("Choose one of the workshop plans.", "error")
        return redirect(url_for("live.index"))
    cohort = _chosen_cohort()
    session = plans.start(current_user, plan, cohort)
    flash(f"Started from the plan “{plan.title}”: {len(plan.activities)} activities, none on screen yet.", "success")
    return redirect(url_for("live.control", code=session.code))


@bp.get("/live/<code>/plan.yaml")
@roles(*STAFF)
def plan_file(code):
    """The session's tables and activities as a workshop plan file, to keep for next year."""
    session = run_or_404(code)
    name = export.slug(session) + plans.SUFFIX
    return Response(plans.to_yaml(plans.from_session(session)), mimetype="application/x-yaml",
                    headers={"Content-Disposition": attachment(name)})


@bp.post("/live/<code>/again")
@roles(*STAFF)
def run_again(code):
    """A new session with this one's tables and activities (none of its notes), for another cohort."""
    session = run_or_404(code)
    cohort = _chosen_cohort()
    again = plans.start(current_user, plans.from_session(session), cohort)
    flash(f"A new session of “{session.title}” with its {len(again.activities)} activities, none on screen yet.",
          "success")
    return redirect(url_for("live.control", code=again.code))


@bp.post("/live/<code>/activities/<int:activity_id>/timer")
@roles(*STAFF)
def timer(code, activity_id):
    session = run_or_404(code)
    activity = _activity(session, activity_id)
    try:
        service.set_timer(activity, request.form.get("minutes"))
    except LiveError as error:
        flash(error.message, "error")
    return _back(session, "#timer")


def _participant_of(session, participant_id):
    return _of_session(LiveParticipant, participant_id, session)


@bp.post("/live/<code>/participants/<int:participant_id>/table")
@roles(*STAFF)
def assign_table(code, participant_id):
    session = run_or_404(code)
    participant = _participant_of(session, participant_id)
    try:
        service.assign_table(participant, request.form.get("table_id"))
    except LiveError as error:
        flash(error.message, "error")
    return _back(session, "#participants")


@bp.post("/live/<code>/participants/<int:participant_id>/remove")
@roles(*STAFF)
def remove_participant(code, participant_id):
    session = run_or_404(code)
    participant = _participant_of(session, participant_id)
    service.remove_participant(participant, hide_posts=request.form.get("hide_posts") == "1")
    flash(f"{participant.nickname} is out of the session.", "info")
    return _back(session, "#participants")


@bp.post("/live/<code>/tables")
@roles(*STAFF)
def add_table(code):
    session = run_or_404(code)
    try:
        service.add_table(session)
    except LiveError as error:
        flash(error.message, "error")
    return _back(session, "#participants")


@bp.get("/live/<code>/export.csv")
@roles(*STAFF)
def export_csv(code):
    return export.csv_download(run_or_404(code))


@bp.get("/live/<code>/report")
@roles(*STAFF)
def report(code):
    session = run_or_404(code)
    sections = export.report(session)
    allow_plot_styles()  # each activity's charts
    return render_template("live/report.html", session=session, sections=sections,
                           participants=_participants(session), kinds=kinds.choices(),
                           cohorts=taught_cohorts(current_user),
                           report_charts={s["activity"].id: charts.chart_for(s["activity"], s["results"])
                                          for s in sections if s["all_posts"]})
