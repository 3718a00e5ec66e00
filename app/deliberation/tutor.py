"""The tutors' side of deliberation exercises: a cohort's exercises, one exercise's settings,
groups and attempts, one attempt to comment on and grade, a side-by-side comparison and the
cohort's opinion map.

Every view is for the tutors of the cohort in the address (and admins): another cohort, an
exercise its level does not study or an attempt from elsewhere is a 404, as on the quiz pages.
"""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..content import current_course
from ..extensions import db
from ..forms import rubric_choices
from ..models import STAFF, DeliberationAttempt, DeliberationGroup, DeliberationStatement, User
from ..models.deliberation import SUBMITTED
from ..security import allow_plot_styles, roles, taught_cohort
from . import bp, opinion_map, service
from .forms import AutoGroupsForm, GroupForm, SettingsForm, grade_form

# One colour and one marker per opinion group, so the map never relies on colour alone; each
# colour is at least 3:1 against white.
GROUP_STYLES = (("#0f5c63", "circle"), ("#c25700", "square"), ("#6b3fa0", "triangle"),
                ("#2a6f2a", "diamond"), ("#9b1c31", "inverted_triangle"))


# -- what the tutor may see -----------------------------------------------------------------

def cohort_exercises(cohort):
    return current_course().deliberations_for_levels([cohort.level_id])


def cohort_exercise(cohort, exercise_uuid):
    exercise = service.exercise_or_none(exercise_uuid)
    if exercise is None or exercise.uuid not in {e.uuid for e in cohort_exercises(cohort)}:
        abort(404)
    return exercise


def cohort_attempt(cohort, attempt_id):
    attempt = db.session.get(DeliberationAttempt, attempt_id)
    if attempt is None or attempt.cohort_id != cohort.id:
        abort(404)
    return attempt, cohort_exercise(cohort, attempt.exercise_uuid)


def real_name(user):
    """Tutors see everyone's real name."""
    return user.name if user is not None else "From the exercise"


def exercise_args(cohort_id, exercise_uuid):
    cohort = taught_cohort(cohort_id)
    return cohort, cohort_exercise(cohort, exercise_uuid)


def _to_overview(cohort, exercise, anchor=""):
    url = url_for("deliberation.tutor_overview", cohort_id=cohort.id, exercise_uuid=exercise.uuid)
    return redirect(url + anchor)


# -- the cohort's exercises -----------------------------------------------------------------

@bp.get("/cohorts/<int:cohort_id>/deliberations")
@roles(*STAFF)
def tutor_exercises(cohort_id):
    cohort = taught_cohort(cohort_id)
    rows = []
    for exercise in cohort_exercises(cohort):
        attempts = service.attempts_in(exercise, cohort)
        rows.append((exercise, service.settings_for(exercise, cohort), {
            "draft": sum(1 for a in attempts if a.is_draft),
            "submitted": sum(1 for a in attempts if not a.is_draft and a.score is None),
            "graded": sum(1 for a in attempts if not a.is_draft and a.score is not None)}))
    return render_template("deliberation/tutor_exercises.html", cohort=cohort, rows=rows)


# -- one exercise: settings, groups, attempts -----------------------------------------------

def _overview(cohort, exercise, settings_form=None, group_form=None, auto_form=None, status=200):
    settings = service.settings_for(exercise, cohort)
    attempts = service.attempts_in(exercise, cohort)
    groups = service.groups_of(exercise, cohort)
    if settings_form is None:
        settings_form = SettingsForm(formdata=None, data={
            "mode": settings.mode, "visibility": settings.visibility, "self_select": settings.self_select})
    owned = service.grades_in(cohort, [exercise])
    return render_template(
        "deliberation/tutor_overview.html", cohort=cohort, exercise=exercise, settings=settings,
        attempts=attempts, groups=groups, students=cohort.students,
        group_of={m.user_id: g for g in groups for m in g.members},
        group_attempts={a.group_id: a for a in attempts if a.group_id is not None},
        without=[s for s in cohort.students if (s.id, exercise.uuid) not in owned],
        has_opinions=any(s.type.name == "opinions" for s in exercise.stages),
        settings_form=settings_form, group_form=group_form or GroupForm(formdata=None),
        auto_form=auto_form or AutoGroupsForm(formdata=None),
    ), status


@bp.get("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>")
@roles(*STAFF)
def tutor_overview(cohort_id, exercise_uuid):
    return _overview(*exercise_args(cohort_id, exercise_uuid))


@bp.post("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>/settings")
@roles(*STAFF)
def tutor_settings(cohort_id, exercise_uuid):
    cohort, exercise = exercise_args(cohort_id, exercise_uuid)
    form = SettingsForm()
    if form.validate():
        try:
            service.save_settings(exercise, cohort, form.mode.data, form.visibility.data, form.self_select.data)
        except service.DeliberationError as error:
            form.mode.errors = [error.message]
        else:
            flash("The settings are saved.", "success")
            return _to_overview(cohort, exercise)
    return _overview(cohort, exercise, settings_form=form, status=400)


@bp.post("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>/groups")
@roles(*STAFF)
def tutor_add_group(cohort_id, exercise_uuid):
    cohort, exercise = exercise_args(cohort_id, exercise_uuid)
    form = GroupForm()
    if form.validate():
        try:
            group = service.add_group(exercise, cohort, form.name.data)
        except service.DeliberationError as error:
            form.name.errors = [error.message]
        else:
            flash(f"Group “{group.name}” added.", "success")
            return _to_overview(cohort, exercise, "#groups-heading")
    return _overview(cohort, exercise, group_form=form, status=400)


@bp.post("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>/groups/auto")
@roles(*STAFF)
def tutor_auto_groups(cohort_id, exercise_uuid):
    cohort, exercise = exercise_args(cohort_id, exercise_uuid)
    form = AutoGroupsForm()
    if not form.validate():
        return _overview(cohort, exercise, auto_form=form, status=400)
    made = service.make_groups(exercise, cohort, form.size.data)
    if made:
        flash(f"{len(made)} new group{'s' if len(made) != 1 else ''}: {', '.join(g.name for g in made)}.", "success")
    else:
        flash("Every student is already in a group.", "info")
    return _to_overview(cohort, exercise, "#groups-heading")


@bp.post("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>/groups/members")
@roles(*STAFF)
def tutor_move_member(cohort_id, exercise_uuid):
    cohort, exercise = exercise_args(cohort_id, exercise_uuid)
    student = db.session.get(User, request.form.get("user_id", type=int) or 0)
    if student is None or student not in cohort.students:
        flash("Choose a student of this cohort to move.", "error")
        return _to_overview(cohort, exercise, "#groups-heading")
    group_id = request.form.get("group_id", "")
    if group_id:
        group = _group(cohort, exercise, int(group_id) if group_id.isdigit() else 0)
        service.place_in_group(student, group)
        flash(f"{student.name} is now in “{group.name}”.", "success")
    else:
        service.remove_from_groups(student, exercise, cohort)
        flash(f"{student.name} is in no group now.", "info")
    return _to_overview(cohort, exercise, "#groups-heading")


def _group(cohort, exercise, group_id):
    group = db.session.get(DeliberationGroup, group_id)
    if group is None or group.cohort_id != cohort.id or group.exercise_uuid != exercise.uuid:
        abort(404)
    return group


@bp.post("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>/groups/<int:group_id>/delete")
@roles(*STAFF)
def tutor_delete_group(cohort_id, exercise_uuid, group_id):
    cohort, exercise = exercise_args(cohort_id, exercise_uuid)
    group = _group(cohort, exercise, group_id)
    name = group.name
    try:
        service.delete_group(group)
    except service.DeliberationError as error:
        flash(error.message, "error")
    else:
        flash(f"Group “{name}” deleted.", "info")
    return _to_overview(cohort, exercise, "#groups-heading")


# -- one attempt: comments, grade, reopen ---------------------------------------------------

def _neighbours(cohort, exercise, attempt):
    """The submitted attempts before and after ``attempt``, in the order they were submitted."""
    done = sorted((a for a in service.attempts_in(exercise, cohort) if a.status == SUBMITTED),
                  key=lambda a: (a.submitted_at, a.id))
    if attempt not in done:
        return None, None
    index = done.index(attempt)
    return (done[index - 1] if index > 0 else None), (done[index + 1] if index + 1 < len(done) else None)


def _attempt_page(cohort, attempt, exercise, form=None, status=200):
    previous, following = _neighbours(cohort, exercise, attempt)
    state = service.load_state(attempt, current_user.id)
    return render_template(
        "deliberation/tutor_attempt.html", cohort=cohort, exercise=exercise, attempt=attempt, state=state,
        name_of=real_name, form=form or grade_form(exercise, attempt), previous=previous, following=following,
        missing=[(s, why) for s, why in service.completeness(exercise, state) if why],
    ), status


def _to_attempt(cohort, attempt, anchor=""):
    return redirect(url_for("deliberation.tutor_attempt", cohort_id=cohort.id, attempt_id=attempt.id) + anchor)


@bp.get("/cohorts/<int:cohort_id>/deliberations/attempts/<int:attempt_id>")
@roles(*STAFF)
def tutor_attempt(cohort_id, attempt_id):
    cohort = taught_cohort(cohort_id)
    return _attempt_page(cohort, *cohort_attempt(cohort, attempt_id))


@bp.post("/cohorts/<int:cohort_id>/deliberations/attempts/<int:attempt_id>/comments")
@roles(*STAFF)
def tutor_comment(cohort_id, attempt_id):
    cohort = taught_cohort(cohort_id)
    attempt, exercise = cohort_attempt(cohort, attempt_id)
    stage = exercise.stage(request.form.get("stage_id", ""))
    if stage is None:
        flash("Say which stage the comment is on.", "error")
        return _to_attempt(cohort, attempt)
    note_id = request.form.get("note_id", type=int)
    anchor = f"#note-{note_id}" if note_id else f"#stage-{stage.number}"
    try:
        service.add_comment(attempt, exercise, stage.id, note_id, request.form.get("text", ""), current_user)
    except service.DeliberationError as error:
        flash(error.message, "error")
    else:
        flash("Your comment is saved: the student(s) see it with their work.", "success")
    return _to_attempt(cohort, attempt, anchor)


@bp.post("/cohorts/<int:cohort_id>/deliberations/attempts/<int:attempt_id>/grade")
@roles(*STAFF)
def tutor_grade(cohort_id, attempt_id):
    cohort = taught_cohort(cohort_id)
    attempt, exercise = cohort_attempt(cohort, attempt_id)
    form = grade_form(exercise, attempt, formdata=request.form)
    if attempt.is_draft:
        form.form_errors.append("Only a submitted attempt can be graded.")
    elif form.validate():
        service.grade(attempt, exercise, rubric_choices(form), form.comment.data or "", current_user)
        waiting = [a for a in service.attempts_in(exercise, cohort)
                   if a.status == SUBMITTED and a.score is None]
        if waiting:
            flash(f"Saved: {attempt.owner_label} scores {100 * attempt.score:g}%. "
                  "Here is the next attempt waiting for grading.", "success")
            return _to_attempt(cohort, waiting[0])
        flash(f"Saved: {attempt.owner_label} scores {100 * attempt.score:g}%. "
              "No more attempts of this exercise are waiting for grading.", "success")
        return _to_attempt(cohort, attempt, "#grade-heading")
    return _attempt_page(cohort, attempt, exercise, form=form, status=400)


@bp.post("/cohorts/<int:cohort_id>/deliberations/attempts/<int:attempt_id>/reopen")
@roles(*STAFF)
def tutor_reopen(cohort_id, attempt_id):
    cohort = taught_cohort(cohort_id)
    attempt, _ = cohort_attempt(cohort, attempt_id)
    if attempt.is_draft:
        flash("This attempt is already a draft the students can change.", "info")
    else:
        service.reopen(attempt)
        flash(f"{attempt.owner_label} can revise the attempt and submit it again.", "success")
    return _to_attempt(cohort, attempt)


# -- comparison -----------------------------------------------------------------------------

@bp.get("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>/compare")
@roles(*STAFF)
def tutor_compare(cohort_id, exercise_uuid):
    cohort, exercise = exercise_args(cohort_id, exercise_uuid)
    attempts = service.attempts_in(exercise, cohort)
    chosen = set(request.args.getlist("attempt", type=int))
    shown = [a for a in attempts if a.id in chosen] or attempts
    return render_template(
        "deliberation/tutor_compare.html", cohort=cohort, exercise=exercise, attempts=attempts, shown=shown,
        chosen=chosen, states={a.id: service.load_state(a) for a in shown}, name_of=real_name)


# -- opinion map ----------------------------------------------------------------------------

def _opinion_stages(exercise):
    stages = [s for s in exercise.stages if s.type.name == "opinions"]
    if not stages:
        abort(404)
    return stages


@bp.get("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>/opinions")
@roles(*STAFF)
def tutor_opinions(cohort_id, exercise_uuid):
    cohort, exercise = exercise_args(cohort_id, exercise_uuid)
    rows = [s for stage in _opinion_stages(exercise) for s in service.statements(exercise, stage, cohort, True)]
    votes = service.vote_table(exercise, cohort)
    result = opinion_map.build(votes)
    names = {u.id: u.name for u in db.session.scalars(sa.select(User).where(User.id.in_(list(votes))))}
    chart = None
    if result.ready:
        allow_plot_styles()
        chart = opinion_chart(result, names, "opinion-map")
    return render_template(
        "deliberation/tutor_opinions.html", cohort=cohort, exercise=exercise, map=result, chart=chart,
        statements=rows, by_id={s.id: s for s in rows}, names=names, voters=len(votes),
        group_of={p: g for g in result.groups for p in g.members}, styles=GROUP_STYLES)


@bp.post("/cohorts/<int:cohort_id>/deliberations/<exercise_uuid>/statements/<int:statement_id>/hide")
@roles(*STAFF)
def tutor_hide_statement(cohort_id, exercise_uuid, statement_id):
    cohort, exercise = exercise_args(cohort_id, exercise_uuid)
    statement = db.session.get(DeliberationStatement, statement_id)
    if statement is None or statement.cohort_id != cohort.id or statement.exercise_uuid != exercise.uuid:
        abort(404)
    hide = request.form.get("hidden", "1") == "1"
    service.set_statement_hidden(statement, hide)
    flash("The statement is hidden: students no longer see it and its votes leave the map." if hide
          else "The statement is shown again.", "success")
    return redirect(url_for("deliberation.tutor_opinions", cohort_id=cohort.id, exercise_uuid=exercise.uuid)
                    + f"#statement-{statement.id}")


def opinion_chart(result, names, target_id):
    """The participants on the map as a Bokeh ``json_item``: one colour and marker per group."""
    from bokeh.embed import json_item  # bokeh takes a second to import: only pages with a map pay
    from bokeh.models import HoverTool
    from bokeh.plotting import figure

    plot = figure(height=420, sizing_mode="stretch_width", toolbar_location=None, tools="",
                  x_axis_label="First axis of disagreement", y_axis_label="Second axis")
    renderers = []
    for group in result.groups:
        colour, marker = GROUP_STYLES[group.index % len(GROUP_STYLES)]
        points = [result.points[p] for p in group.members]
        data = {"x": [x for x, _ in points], "y": [y for _, y in points],
                "name": [names.get(p, "A participant") for p in group.members],
                "group": [f"Group {group.label}"] * len(points)}
        renderers.append(plot.scatter(x="x", y="y", source=data, marker=marker, size=13, fill_color=colour,
                                      line_color=colour, fill_alpha=0.8,
                                      legend_label=f"Group {group.label} ({len(group.members)})"))
    plot.add_tools(HoverTool(renderers=renderers, tooltips=[("Student", "@name"), ("Opinion group", "@group")]))
    plot.legend.orientation = "horizontal"
    plot.legend.label_text_font_size = "12px"
    plot.add_layout(plot.legend[0], "above")
    return json_item(plot, target_id)
