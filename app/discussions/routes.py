"""Discussion pages: a cohort's topics, a topic with its replies, the forms to start, answer and
edit, the tutors' moderation, and carrying a live session's notes into a cohort.

A cohort's discussions are for its members and admins; anyone else gets 404, as if they did not
exist (like ``security.taught_cohort``). Students who try to moderate get 403. Every form works
without JavaScript: a post, then a redirect; a form with mistakes comes back (422) with each
message next to its field and the text as typed.
"""
import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..live.access import run_or_404
from ..models import STAFF, Cohort, DiscussionPost, DiscussionTopic
from ..security import roles, signed_in
from . import bp, from_live, service, validation
from .service import DiscussionError


def new_key():
    """An idempotency key for a form, made when the page is drawn."""
    return secrets.token_hex(16)


def _key(form):
    key = str(form.get("key") or "")
    return key if validation.KEY.match(key) else None


# -- what the reader may see ------------------------------------------------------------------

def member_cohort(cohort_id):
    """The cohort if the reader studies or teaches in it (or is an admin); else 404."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not service.is_member(current_user, cohort):
        abort(404)
    return cohort


def readable_topic(topic_id):
    topic = db.session.get(DiscussionTopic, topic_id)
    if topic is None or not service.can_read_topic(current_user, topic):
        abort(404)
    return topic


def readable_reply(reply_id):
    post = db.session.get(DiscussionPost, reply_id)
    if post is None:
        abort(404)
    topic = readable_topic(post.topic_id)
    if post.hidden and not service.moderates(current_user, topic.cohort):
        abort(404)
    return post, topic


def require_moderator(cohort):
    if not service.moderates(current_user, cohort):
        abort(403)


def topic_url(topic, anchor="", sent=None):
    """The topic page; ``sent`` (the form's key) tells the page's script to drop that draft."""
    return url_for("discussions.topic", topic_id=topic.id, sent=sent) + anchor


# -- the list and a new topic -----------------------------------------------------------------

@bp.get("/cohorts/<int:cohort_id>/discussions")
@signed_in
def index(cohort_id):
    cohort = member_cohort(cohort_id)
    topics = service.topics_for(cohort, current_user)
    return render_template("discussions/index.html", cohort=cohort, topics=topics,
                           sources=service.live_sources([t for t, _ in topics]),
                           moderator=service.moderates(current_user, cohort))


@bp.get("/cohorts/<int:cohort_id>/discussions/new")
@signed_in
def new_topic(cohort_id):
    cohort = member_cohort(cohort_id)
    return render_template("discussions/new.html", cohort=cohort, values={}, errors={}, new_key=new_key)


@bp.post("/cohorts/<int:cohort_id>/discussions")
@signed_in
def create_topic(cohort_id):
    cohort = member_cohort(cohort_id)
    values, errors = validation.check_topic(request.form)
    if errors:
        return render_template("discussions/new.html", cohort=cohort, values=request.form, errors=errors,
                               new_key=new_key), 422
    topic = service.start_topic(cohort, current_user, values["title"], values["body"])
    flash("Your topic is posted.", "success")
    return redirect(topic_url(topic, sent=_key(request.form)), 303)


# -- a topic and its replies ------------------------------------------------------------------

def render_topic(topic, status=200, reply_state=None):
    """The topic page; ``reply_state`` (parent id or None, values, errors) re-opens a form with mistakes."""
    moderator = service.moderates(current_user, topic.cohort)
    source = service.live_sources([topic]).get(topic.live_activity_id)
    threads = service.thread(topic, current_user)
    parent, typed, errors = reply_state or (None, {}, {})
    if parent not in {post.id for post, _ in threads if post is not None}:
        parent = None  # its reply is gone from the page: the main form keeps the text
    return render_template("discussions/topic.html", topic=topic, cohort=topic.cohort, moderator=moderator,
                           threads=threads, source=source, reply_state=(parent, typed, errors), new_key=new_key,
                           can_edit=lambda post: service.can_edit(current_user, post)), status


@bp.get("/discussions/<int:topic_id>")
@signed_in
def topic(topic_id):
    return render_topic(readable_topic(topic_id))


@bp.post("/discussions/<int:topic_id>/replies")
@signed_in
def reply(topic_id):
    topic = readable_topic(topic_id)
    values, errors = validation.check_reply(request.form)
    form = request.form.to_dict()
    form["key"] = values["key"] or new_key()
    if values["key"] is None:
        errors.setdefault("body", "This form was incomplete. Please send it again.")
    if not errors:
        try:
            post, created = service.reply(topic, current_user, values["body"], values["parent"], values["key"])
        except DiscussionError as error:
            errors[error.field or "body"] = error.message
        else:
            flash("Your reply is posted." if created else "Your reply was already posted.", "success")
            return redirect(topic_url(topic, f"#post-{post.id}", sent=values["key"]), 303)
    return render_topic(topic, 422, (values["parent"], form, errors))


@bp.get("/discussions/<int:topic_id>/edit")
@signed_in
def edit_topic_form(topic_id):
    topic = readable_topic(topic_id)
    return _edit_page(topic, topic, {"title": topic.title, "body": topic.body}, {})


@bp.post("/discussions/<int:topic_id>/edit")
@signed_in
def edit_topic(topic_id):
    topic = readable_topic(topic_id)
    _require_author(topic)
    values, errors = validation.check_topic(request.form)
    if errors:
        return _edit_page(topic, topic, request.form, errors, 422)
    return _save_edit(topic, lambda: service.edit_topic(topic, current_user, values["title"], values["body"]), "")


@bp.get("/discussions/replies/<int:reply_id>/edit")
@signed_in
def edit_reply_form(reply_id):
    post, topic = readable_reply(reply_id)
    return _edit_page(topic, post, {"body": post.body}, {})


@bp.post("/discussions/replies/<int:reply_id>/edit")
@signed_in
def edit_reply(reply_id):
    post, topic = readable_reply(reply_id)
    _require_author(post)
    values, errors = validation.check_body(request.form)
    if errors:
        return _edit_page(topic, post, request.form, errors, 422)
    return _save_edit(topic, lambda: service.edit_reply(post, current_user, values["body"]), f"#post-{post.id}")


def _require_author(post):
    if post.author_id != current_user.id:
        abort(403)  # they can read it, so it exists: refuse rather than hide


def _edit_page(topic, post, values, errors, status=200):
    if post.author_id != current_user.id:
        abort(403)
    if not service.can_edit(current_user, post):
        flash(f"A post can be edited for {service.EDIT_MINUTES} minutes after it is sent.", "error")
        return redirect(topic_url(topic), 303)
    return render_template("discussions/edit.html", topic=topic, cohort=topic.cohort, post=post,
                           is_topic=post is topic, values=values, errors=errors), status


def _save_edit(topic, change, anchor):
    try:
        change()
    except DiscussionError as error:
        flash(error.message, "error")
        return redirect(topic_url(topic), 303)
    flash("Your changes are saved.", "success")
    return redirect(topic_url(topic, anchor), 303)


# -- moderation -------------------------------------------------------------------------------

@bp.post("/discussions/<int:topic_id>/moderate")
@signed_in
def moderate_topic(topic_id):
    topic = readable_topic(topic_id)
    require_moderator(topic.cohort)
    action = request.form.get("action", "")
    try:
        service.moderate_topic(topic, action)
    except DiscussionError as error:
        abort(400, error.message)
    flash(MODERATED[action].format(what="The topic"), "success")
    return redirect(topic_url(topic), 303)


@bp.post("/discussions/replies/<int:reply_id>/moderate")
@signed_in
def moderate_reply(reply_id):
    post, topic = readable_reply(reply_id)
    require_moderator(topic.cohort)
    action = request.form.get("action", "")
    try:
        service.moderate_reply(post, action)
    except DiscussionError as error:
        abort(400, error.message)
    flash(MODERATED[action].format(what="The reply"), "success")
    return redirect(topic_url(topic, f"#post-{post.id}"), 303)


MODERATED = {"pin": "{what} is pinned to the top of the list.", "unpin": "{what} is no longer pinned.",
             "lock": "{what} is locked: no new replies.", "unlock": "{what} is open to replies again.",
             "hide": "{what} is hidden from students.", "unhide": "{what} is shown to students again."}


# -- from a live session ----------------------------------------------------------------------

@bp.get("/live/<code>/to-discussion")
@roles(*STAFF)
def live_notes_form(code):
    session = run_or_404(code)
    return render_template("discussions/from_live.html", session=session, form_values=None, existing=[])


@bp.post("/live/<code>/to-discussion")
@roles(*STAFF)
def live_notes_to_topics(code):
    session = run_or_404(code)
    activities, cohort, names, errors = from_live.check_form(session, current_user, request.form)
    if errors:
        chosen = {"activities": {a.id for a in activities}, "cohort": request.form.get("cohort", type=int),
                  "names": names, "errors": errors}
        return render_template("discussions/from_live.html", session=session, form_values=chosen, existing=[]), 422
    made, existing = from_live.make_topics(session, activities, cohort, current_user, names)
    if not made:
        return render_template("discussions/from_live.html", session=session, form_values=None, existing=existing,
                               cohort=cohort)
    message = f"Made {len(made)} discussion topic{'s' if len(made) != 1 else ''} in {cohort.name}: "
    message += ", ".join(f"“{t.title}”" for t in made) + "."
    if existing:
        message += " Already discussed, so not made again: " + ", ".join(f"“{t.title}”" for t in existing) + "."
    flash(message, "success")
    return redirect(url_for("discussions.index", cohort_id=cohort.id), 303)
