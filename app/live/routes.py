"""Live pages for the people in the room: joining by code, the phone page, posts and votes, and
the event stream every screen follows (server-sent events, or long polling where a network
blocks them). The tutor's pages are in ``tutor_routes``."""
import json
import time
from dataclasses import dataclass

from flask import Response, abort, flash, jsonify, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from ..extensions import db
from ..inputs import read_int, read_number
from ..main.routes import error_response, wants_json
from ..models.live import LiveActivity, LivePost
from ..security import allow_plot_styles, public
from . import bp, charts, events, service
from .access import cookie_name, participant_here, runs, session_or_404
from .errors import LiveError, read, refusal
from .kinds.base import COLOURS

STREAM_SECONDS = 300  # a stream ends after this; the browser reconnects with Last-Event-ID
KEEPALIVE_SECONDS = 20


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
    session = session_or_404(code)
    if participant_here(session) is not None:
        return redirect(url_for("live.room", code=session.code))
    return render_template("live/join.html", session=session, error="")


@bp.post("/join/<code>")
@public
def join(code):
    session = session_or_404(code)
    nickname = request.form.get("nickname", "")
    try:
        participant, token = service.join(session, current_user, nickname)
    except LiveError as error:  # the form again, with what they typed
        return render_template("live/join.html", session=session, error=error.message, nickname=nickname), 400
    response = redirect(url_for("live.room", code=session.code))
    if token:
        response.set_cookie(cookie_name(session), token, max_age=60 * 60 * 24 * 3, httponly=True, samesite="Lax",
                            secure=request.is_secure, path="/")
    return response


@bp.get("/live/<code>")
@public
def room(code):
    session = session_or_404(code)
    participant = participant_here(session)
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
    posts = [p for p in service.posts_of(activity) if _visible_to(p.table_id, p.participant_id, activity.results_hidden,
                                                                  participant)]
    mine = next((p for p in posts if p.participant_id == participant.id), None)
    results = None if activity.results_hidden else service.results(activity)
    return {"posts": posts, "results": results, "mine": mine, "my_votes": service.my_votes(participant, activity)}


@bp.post("/live/<code>/table")
@public
def choose_table(code):
    session = session_or_404(code)
    participant = participant_here(session)
    if participant is None:
        abort(404)
    try:
        service.choose_table(participant, request.form.get("table_id"))
    except LiveError as error:
        flash(error.message, "error")
    return redirect(url_for("live.room", code=session.code))


@bp.post("/live/<code>/posts")
@public
def post(code):
    """A phone's answer. JSON callers (``live.js``'s outbox) get ``{ok, id, created}``, or the
    site's JSON error: 400 naming a field that cannot be taken, 409 when the room refuses it
    (the activity has closed), 403 for someone not (or no longer) in the session."""
    session = session_or_404(code)
    participant = participant_here(session)
    if participant is None:
        return error_response(403, "You are not in this session (any more): join it again to send notes.")
    try:
        activity = _activity_sent_for(session)
        saved, created = service.submit(participant, activity, request.form, request.form.get("key", ""))
    except LiveError as error:
        if wants_json():
            return refusal(error)
        flash(error.message, "error")
        return redirect(url_for("live.room", code=session.code))
    if wants_json():
        return jsonify(ok=True, id=saved.id, created=created), 201 if created else 200
    flash("Sent.", "success")
    return redirect(url_for("live.room", code=session.code))


def _activity_sent_for(session):
    """The activity an answer was written for (its form's ``activity``), else the live one.

    A phone that was offline may send a note for an activity that has closed since: it is
    refused (``submit``) rather than put on the activity now on screen."""
    live = service.live_activity(session)
    sent_for = read(read_int, request.form.get("activity"), "activity", 1, default=None, label="Activity")
    if sent_for is not None and (live is None or live.id != sent_for):
        activity = db.session.get(LiveActivity, sent_for)
        live = activity if activity is not None and activity.session_id == session.id else None
    if live is None:
        raise LiveError("Nothing is open for notes right now, so this was not added.")
    return live


@bp.post("/live/<code>/posts/<int:post_id>/vote")
@public
def vote(code, post_id):
    session = session_or_404(code)
    participant = participant_here(session)
    target = db.session.get(LivePost, post_id)
    if participant is None or target is None:
        abort(404)
    try:
        service.vote(participant, target, request.form.get("count"))
    except LiveError as error:
        if wants_json():
            return refusal(error)
        flash(error.message, "error")
        return redirect(url_for("live.room", code=session.code))
    if wants_json():
        return jsonify(ok=True)
    return redirect(url_for("live.room", code=session.code))


@bp.get("/live/<code>/results")
@public
def results_fragment(code):
    """The live activity's results as an HTML fragment, for a screen to swap in after an event."""
    session = session_or_404(code)
    role, participant = _viewer(session)
    activity = service.live_activity(session)
    if activity is None:
        return ""
    if role == "tutor":  # the projector: its results come with charts (the phones' stay light)
        results = service.results(activity)
        view = {"results": results, "posts": service.posts_of(activity), "mine": None, "my_votes": {},
                "charts": charts.chart_for(activity, results, projector=True)}
        allow_plot_styles()
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
    participant = participant_here(session)
    if participant is None:
        abort(404)
    return "participant", Viewer(participant.id, participant.table_id)


def _visible_to(table_id, author_id, results_hidden, participant):
    """A participant sees their own notes, and their table's once results are shown."""
    if author_id == participant.id:
        return True
    if results_hidden:
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
        # the event says whether results are hidden: no query per stream and event
        if not _visible_to(data.get("table"), data.get("participant"), data.get("results_hidden", False), participant):
            return None
        return {key: value for key, value in data.items() if key != "participant"} | {
            "mine": data.get("participant") == participant.id}
    if event.type == "table" and role != "tutor":
        if data.get("participant") != participant.id:
            return None
        participant.table_id = data.get("table")  # seated by the tutor: their page follows
        return data
    if role != "tutor" and (event.type == "joined" or (event.type == "vote" and data.get("board"))):
        return None  # who joined, and dots on a board, are for the tutor's screens
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
    session = session_or_404(code)
    role, participant = _viewer(session)
    # a bad number is the site's JSON 400 naming it (never NaN seconds, never "from event 0")
    after = read_int(request.args.get("after"), "after", 0, default=0)
    wait = read_number(request.args.get("wait"), "wait", 0, 25, default=0)
    deadline, session_id = time.monotonic() + wait, session.id
    while True:
        found = events.wait_for(session_id, after, max(0.0, deadline - time.monotonic())) if wait else \
            events.recent_after(session_id, after)
        shown = [item for item in _encode(found, session, role, participant) if item["type"] != "skip"]
        after = found[-1].id if found else after
        if shown or not found or time.monotonic() >= deadline:
            return jsonify(events=shown, last=after)


@bp.get("/live/<code>/stream")
@public
def stream(code):
    """Server-sent events: each event once, in order, from after ``Last-Event-ID``."""
    session = session_or_404(code)
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
            db.session.rollback()  # no connection held between events
        db.session.remove()

    response = Response(stream_with_context(generate()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass events on at once
    return response


@bp.before_request
def _removed_page():
    """Someone the tutor took out of a session sees that, rather than the join form again."""
    if request.endpoint not in ("live.room", "live.join_page", "live.join"):
        return None
    session = service.by_code((request.view_args or {}).get("code"))
    if session is None or participant_here(session) is not None:
        return None
    removed = service.removed_participant(session, current_user, request.cookies.get(cookie_name(session)))
    if removed is None:
        return None
    return render_template("live/room.html", session=session, me=removed, removed=True, live=None)
