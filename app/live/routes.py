"""Live workshop pages: the tutor's control page and projector, joining by code, a participant's
phone page, and the event stream every screen follows (server-sent events, or polling where a
network blocks them)."""
import json
import time
from dataclasses import dataclass

from flask import (Response, abort, flash, jsonify, redirect, render_template, request, stream_with_context,
                   url_for)
from flask_login import current_user

from ..extensions import db
from ..models import Cohort
from ..models.live import LiveActivity, LivePost, LiveSession
from ..security import public, roles
from . import bp, events, kinds, service
from .errors import LiveError
from .kinds.board import COLOURS

TUTORS = ("tutor", "admin")
STREAM_SECONDS = 300  # a stream ends after this; the browser reconnects with Last-Event-ID
KEEPALIVE_SECONDS = 20


def cookie_name(session):
    return f"leadup_live_{session.id}"


def _session(code):
    session = service.by_code(code)
    if session is None:
        abort(404)
    return session


def runs(session, user):
    """True if ``user`` may run ``session``: its owner, a tutor of its cohort, or an admin."""
    if not user.is_authenticated or not user.is_tutor:
        return False
    return user.is_admin or session.owner_id == user.id or (session.cohort is not None and user.teaches(session.cohort))


def _run(code):
    session = _session(code)
    if not runs(session, current_user):
        abort(404)
    return session


def _participant(session):
    return service.participant_for(session, current_user, request.cookies.get(cookie_name(session)))


# -- the tutor ------------------------------------------------------------------------------------

@bp.get("/live")
@roles(*TUTORS)
def index():
    sessions = db.session.scalars(db.select(LiveSession).order_by(LiveSession.id.desc())).all()
    mine = [s for s in sessions if runs(s, current_user)]
    cohorts = [c for c in db.session.scalars(db.select(Cohort).order_by(Cohort.name)) if current_user.teaches(c)]
    return render_template("live/index.html", sessions=mine, cohorts=cohorts, errors={})


@bp.post("/live")
@roles(*TUTORS)
def create():
    cohort = db.session.get(Cohort, request.form.get("cohort_id", type=int) or 0)
    if cohort is not None and not current_user.teaches(cohort):
        cohort = None
    tables = request.form.get("tables", type=int)
    errors = {}
    if tables is None or not 0 <= tables <= 30:
        errors["tables"] = "Give a number of tables from 0 to 30."
    try:
        if errors:
            raise LiveError(errors["tables"], "tables")
        session = service.create_session(current_user, request.form.get("title", ""), cohort, tables,
                                         names_required=bool(request.form.get("names_required")),
                                         tables_chosen=request.form.get("tables_chosen", "1") == "1")
    except LiveError as error:
        errors[error.field or "title"] = error.message
        cohorts = [c for c in db.session.scalars(db.select(Cohort)) if current_user.teaches(c)]
        return render_template("live/index.html", sessions=[], cohorts=cohorts, errors=errors), 400
    return redirect(url_for("live.control", code=session.code))


@bp.get("/live/<code>/control")
@roles(*TUTORS)
def control(code):
    session = _run(code)
    activity = service.live_activity(session)
    return render_template("live/control.html", session=session, live=activity,
                           posts=service.posts_of(activity, include_hidden=True) if activity else [],
                           results=service.results(activity, include_hidden=True) if activity else None,
                           participants=_participants(session), kinds=kinds.choices(),
                           join_url=url_for("live.join_page", code=session.code, _external=True))


def _participants(session):
    from ..models.live import LiveParticipant
    return db.session.scalars(db.select(LiveParticipant).where(
        LiveParticipant.session_id == session.id).order_by(LiveParticipant.id)).all()


def _back(session, anchor=""):
    return redirect(url_for("live.control", code=session.code) + anchor)


@bp.post("/live/<code>/activities")
@roles(*TUTORS)
def add_activity(code):
    session = _run(code)
    try:
        service.add_activity(session, request.form.get("kind", ""), request.form.get("title", ""),
                             request.form.get("prompt", ""), request.form)
    except LiveError as error:
        flash(error.message, "error")
    return _back(session, "#activities")


def _activity(session, activity_id):
    activity = db.session.get(LiveActivity, activity_id)
    if activity is None or activity.session_id != session.id:
        abort(404)
    return activity


@bp.post("/live/<code>/activities/<int:activity_id>/live")
@roles(*TUTORS)
def go_live(code, activity_id):
    session = _run(code)
    service.go_live(session, _activity(session, activity_id) if activity_id else None)
    return _back(session)


@bp.post("/live/<code>/activities/<int:activity_id>/results")
@roles(*TUTORS)
def results(code, activity_id):
    session = _run(code)
    service.set_results_hidden(_activity(session, activity_id), request.form.get("hidden") == "1")
    return _back(session)


@bp.post("/live/<code>/posts/<int:post_id>/moderate")
@roles(*TUTORS)
def moderate(code, post_id):
    session = _run(code)
    post = db.session.get(LivePost, post_id)
    if post is None or _activity(session, post.activity_id) is None:
        abort(404)
    flags = {key: request.form.get(key) == "1" for key in ("hidden", "pinned") if key in request.form}
    if "theme" in request.form:
        service.set_theme(post, request.form["theme"])
    if flags:
        service.moderate(post, **flags)
    return _back(session, f"#post-{post.id}")


@bp.post("/live/<code>/close")
@roles(*TUTORS)
def close(code):
    session = _run(code)
    service.close(session)
    flash("The session is closed: nobody can post any more. Its notes are kept.", "info")
    return _back(session)


@bp.get("/live/<code>/projector")
@roles(*TUTORS)
def projector(code):
    session = _run(code)
    activity = service.live_activity(session)
    return render_template("live/projector.html", session=session, live=activity,
                           posts=service.posts_of(activity) if activity else [],
                           results=service.results(activity) if activity else None, mine=None, my_votes={},
                           join_url=url_for("live.join_page", code=session.code, _external=True),
                           last_event=events.last_id(session.id))


# -- joining and taking part -----------------------------------------------------------------------

@bp.get("/join")
@public
def join_form():
    code = request.args.get("code", "")
    if code:
        session = service.by_code(code)
        if session is not None:
            return redirect(url_for("live.join_page", code=session.code))
        return render_template("live/join_code.html", code=code, error="No session has that code. Check it on the "
                               "screen and try again."), 404
    return render_template("live/join_code.html", code="", error="")


@bp.get("/join/<code>")
@public
def join_page(code):
    session = _session(code)
    if _participant(session) is not None:
        return redirect(url_for("live.room", code=session.code))
    return render_template("live/join.html", session=session, error="")


@bp.post("/join/<code>")
@public
def join(code):
    session = _session(code)
    try:
        participant, token = service.join(session, current_user, request.form.get("nickname", ""))
    except LiveError as error:
        return render_template("live/join.html", session=session, error=error.message), 400
    response = redirect(url_for("live.room", code=session.code))
    if token:
        response.set_cookie(cookie_name(session), token, max_age=60 * 60 * 24 * 3, httponly=True, samesite="Lax",
                            secure=request.is_secure, path="/")
    return response


@bp.get("/live/<code>")
@public
def room(code):
    session = _session(code)
    participant = _participant(session)
    if participant is None:
        return redirect(url_for("live.join_page", code=session.code))
    activity = service.live_activity(session)
    return render_template("live/room.html", session=session, me=participant, live=activity,
                           colours=COLOURS, last_event=events.last_id(session.id),
                           **_room_view(activity, participant))


def _room_view(activity, participant):
    """What a participant's page shows of the live activity: their posts and answer, and the
    room's results when the tutor has not hidden them."""
    if activity is None:
        return {"posts": [], "results": None, "mine": None, "my_votes": {}}
    posts = [p for p in service.posts_of(activity) if _visible_to(p.table_id, p.participant_id, activity, participant)]
    mine = next((p for p in posts if p.participant_id == participant.id), None)
    results = None if activity.results_hidden else service.results(activity)
    return {"posts": posts, "results": results, "mine": mine, "my_votes": service.my_votes(participant, activity)}


@bp.post("/live/<code>/table")
@public
def choose_table(code):
    session = _session(code)
    participant = _participant(session)
    if participant is None:
        abort(404)
    try:
        service.choose_table(participant, request.form.get("table_id", type=int))
    except LiveError as error:
        flash(error.message, "error")
    return redirect(url_for("live.room", code=session.code))


@bp.post("/live/<code>/posts")
@public
def post(code):
    session = _session(code)
    participant = _participant(session)
    if participant is None:
        return jsonify(ok=False, error="Join the session first."), 403
    activity = service.live_activity(session)
    sent_for = request.form.get("activity", type=int)
    if sent_for is not None and (activity is None or activity.id != sent_for):
        # written for an activity that has closed since (a phone that was offline, say)
        activity = db.session.get(LiveActivity, sent_for)
        if activity is None or activity.session_id != session.id:
            activity = None
    try:
        if activity is None:
            raise LiveError("Nothing is open for notes right now.")
        saved, created = service.submit(participant, activity, request.form, request.form.get("key", ""))
    except LiveError as error:
        if request.accept_mimetypes.best == "application/json":
            return jsonify(ok=False, error=error.message, field=error.field), 409 if not error.field else 422
        flash(error.message, "error")
        return redirect(url_for("live.room", code=session.code))
    if request.accept_mimetypes.best == "application/json":
        return jsonify(ok=True, id=saved.id, created=created), 201 if created else 200
    flash("Sent.", "success")
    return redirect(url_for("live.room", code=session.code))


@bp.post("/live/<code>/posts/<int:post_id>/vote")
@public
def vote(code, post_id):
    session = _session(code)
    participant = _participant(session)
    target = db.session.get(LivePost, post_id)
    if participant is None or target is None:
        abort(404)
    try:
        service.vote(participant, target, request.form.get("count", type=int) or 0)
    except LiveError as error:
        if request.accept_mimetypes.best == "application/json":
            return jsonify(ok=False, error=error.message), 409
        flash(error.message, "error")
        return redirect(url_for("live.room", code=session.code))
    if request.accept_mimetypes.best == "application/json":
        return jsonify(ok=True)
    return redirect(url_for("live.room", code=session.code))


@bp.get("/live/<code>/results")
@public
def results_fragment(code):
    """The live activity's results as an HTML fragment, for a screen to swap in after an event."""
    session = _session(code)
    role, participant = _viewer(session)
    activity = service.live_activity(session)
    if activity is None:
        return ""
    if role == "tutor":
        view = {"results": service.results(activity), "posts": service.posts_of(activity), "mine": None,
                "my_votes": {}}
    else:
        view = _room_view(activity, participant)
    return render_template("live/_results.html", session=session, live=activity, role=role, me=participant, **view)


# -- the event stream ---------------------------------------------------------------------------------

@dataclass
class Viewer:
    """Who follows a stream, as plain values: a stream outlives the request's database objects."""

    id: int
    table_id: int | None


def _viewer(session):
    """``("tutor", None)``, ``("participant", Viewer)``, or a 404 for anyone else."""
    if runs(session, current_user):
        return "tutor", None
    participant = _participant(session)
    if participant is None:
        abort(404)
    return "participant", Viewer(participant.id, participant.table_id)


def _visible_to(table_id, author_id, activity, participant):
    """A participant sees their own notes, and their table's once results are shown."""
    if author_id == participant.id:
        return True
    if activity is not None and activity.results_hidden:
        return False
    return participant.table_id is None or table_id == participant.table_id


def _shown(event, session, role, participant):
    """The event as this viewer may see it, or None."""
    data = event.data
    if event.type == "post":
        if role == "tutor":
            return data
        if data.get("hidden"):  # moderated away: the page removes it, if it shows it
            return {"id": data["id"], "activity": data["activity"], "hidden": True}
        activity = db.session.get(LiveActivity, data["activity"])
        if not _visible_to(data.get("table"), data.get("participant"), activity, participant):
            return None
        return {key: value for key, value in data.items() if key != "participant"} | {
            "mine": data.get("participant") == participant.id}
    if event.type == "table" and role != "tutor":
        if data.get("participant") != participant.id:
            return None
        participant.table_id = data.get("table")  # seated by the tutor: their page follows
        return data
    if event.type == "joined" and role != "tutor":
        return None
    return data


def _encode(events_, session, role, participant):
    out = []
    for event in events_:
        shown = _shown(event, session, role, participant)
        out.append({"id": event.id, "type": event.type, "data": shown} if shown is not None else
                   {"id": event.id, "type": "skip", "data": {}})
    return out


@bp.get("/live/<code>/events")
@public
def poll(code):
    """Events after ``after`` as JSON, waiting up to ``wait`` seconds for one this viewer may see
    (the fallback to streaming); ``last`` is the id to ask after next time."""
    session = _session(code)
    role, participant = _viewer(session)
    after = request.args.get("after", type=int, default=0)
    wait = min(max(request.args.get("wait", type=float, default=0), 0), 25)
    deadline = time.monotonic() + wait
    while True:
        found = events.wait_for(session.id, after, max(0.0, deadline - time.monotonic())) if wait else \
            events.events_after(session.id, after)
        shown = [item for item in _encode(found, session, role, participant) if item["type"] != "skip"]
        after = found[-1].id if found else after
        if shown or not found or time.monotonic() >= deadline:
            return jsonify(events=shown, last=after)


@bp.get("/live/<code>/stream")
@public
def stream(code):
    """Server-sent events: each event once, in order, from after ``Last-Event-ID``."""
    session = _session(code)
    role, participant = _viewer(session)
    after = request.headers.get("Last-Event-ID", type=int) or request.args.get("after", type=int, default=0)
    session_id = session.id

    def generate():
        nonlocal after
        started = time.monotonic()
        yield "retry: 1000\n\n"
        while time.monotonic() - started < STREAM_SECONDS:
            found = events.wait_for(session_id, after, KEEPALIVE_SECONDS)
            if not found:
                yield ": keep-alive\n\n"
                continue
            for item in _encode(found, session, role, participant):
                after = item["id"]
                yield f"id: {item['id']}\ndata: {json.dumps(item, ensure_ascii=False)}\n\n"
            db.session.close()  # no connection held between events
        db.session.remove()

    response = Response(stream_with_context(generate()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass events on at once
    return response


# -- added: plans, timer, tables, export ---------------------------------------------------------
from flask import current_app  # noqa: E402

from ..models.live import LiveParticipant  # noqa: E402
from . import export, plans  # noqa: E402
from .qr import join_qr  # noqa: E402


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
@roles(*TUTORS)
def start_plan():
    plan = plans.load_plans(current_app.config["COURSE_DIR"]).get(request.form.get("plan", ""))
    if plan is None:
        flash("Choose one of the workshop plans.", "error")
        return redirect(url_for("live.index"))
    cohort = db.session.get(Cohort, request.form.get("cohort_id", type=int) or 0)
    if cohort is not None and not current_user.teaches(cohort):
        cohort = None
    session = plans.start(current_user, plan, cohort)
    flash(f"Started from the plan “{plan.title}”: {len(plan.activities)} activities, none on screen yet.", "success")
    return redirect(url_for("live.control", code=session.code))


@bp.post("/live/<code>/activities/<int:activity_id>/timer")
@roles(*TUTORS)
def timer(code, activity_id):
    session = _run(code)
    activity = _activity(session, activity_id)
    try:
        service.set_timer(activity, request.form.get("minutes", "0").strip() or "0")
    except LiveError as error:
        flash(error.message, "error")
    return _back(session, "#timer")


def _participant_of(session, participant_id):
    participant = db.session.get(LiveParticipant, participant_id)
    if participant is None or participant.session_id != session.id:
        abort(404)
    return participant


@bp.post("/live/<code>/participants/<int:participant_id>/table")
@roles(*TUTORS)
def assign_table(code, participant_id):
    session = _run(code)
    participant = _participant_of(session, participant_id)
    try:
        service.assign_table(participant, request.form.get("table_id", type=int))
    except LiveError as error:
        flash(error.message, "error")
    return _back(session, "#participants")


@bp.post("/live/<code>/participants/<int:participant_id>/remove")
@roles(*TUTORS)
def remove_participant(code, participant_id):
    session = _run(code)
    participant = _participant_of(session, participant_id)
    service.remove_participant(participant, hide_posts=request.form.get("hide_posts") == "1")
    flash(f"{participant.nickname} is out of the session.", "info")
    return _back(session, "#participants")


@bp.post("/live/<code>/tables")
@roles(*TUTORS)
def add_table(code):
    session = _run(code)
    try:
        service.add_table(session)
    except LiveError as error:
        flash(error.message, "error")
    return _back(session, "#participants")


@bp.get("/live/<code>/export.csv")
@roles(*TUTORS)
def export_csv(code):
    session = _run(code)
    response = Response(export.csv_text(session), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename(session, "csv")}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/live/<code>/report")
@roles(*TUTORS)
def report(code):
    session = _run(code)
    return render_template("live/report.html", session=session, sections=export.report(session),
                           participants=_participants(session), kinds=kinds.choices())


@bp.before_request
def _removed_page():
    """Someone the tutor took out of a session sees that, rather than the join form again."""
    if request.endpoint not in ("live.room", "live.join_page", "live.join"):
        return None
    session = service.by_code((request.view_args or {}).get("code"))
    if session is None or _participant(session) is not None:
        return None
    removed = service.removed_participant(session, current_user, request.cookies.get(cookie_name(session)))
    if removed is None:
        return None
    return render_template("live/room.html", session=session, me=removed, removed=True, live=None)
