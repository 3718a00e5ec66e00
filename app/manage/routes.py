import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..content import current_course
from ..extensions import db
from ..main.routes import error_response
from ..models import STAFF, Cohort, Invitation, Membership, Role, UnitCompletion, User
from ..security import roles, taught_cohort, taught_cohorts
from . import bp
from .accounts import enrol_class_list, issue_reset_link, summarise
from .forms import AddTutorForm, CohortForm, EnrolForm, UserForm
from .roster import parse_roster

NOT_YOURS = ("Only an admin can make a password link for this account. A tutor can make one for a student "
             "only if they teach every cohort the student is in, or made the account and nobody has signed "
             "in with it yet.")


def _cohort(cohort_id):
    """The cohort in the address for its tutors; another tutor's cohort is refused (403)."""
    return taught_cohort(cohort_id, refuse=403)


def _level_choices():
    return [SelectChoice(lvl.id, lvl.title) for lvl in current_course().levels]


@bp.get("/cohorts")
@roles(*STAFF)
def cohorts():
    return render_template("manage/cohorts.html", cohorts=taught_cohorts(current_user))


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles(*STAFF)
def new_cohort():
    form = CohortForm()
    form.level_id.choices = _level_choices()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.session.scalar(sa.select(Cohort).where(Cohort.name == name)):
            form.name.errors.append("A cohort with this name exists already.")
        else:
            cohort = Cohort(name=name, level_id=form.level_id.data)
            cohort.enrol(current_user, Role.TUTOR.value)
            db.session.add(cohort)
            db.session.commit()
            flash(f"Cohort “{cohort.name}” created. Enrol students by uploading a class list.", "success")
            return redirect(url_for("manage.cohort", cohort_id=cohort.id))
    return render_template("manage/cohort_new.html", form=form)


@bp.get("/cohorts/<int:cohort_id>")
@roles(*STAFF)
def cohort(cohort_id):
    cohort = _cohort(cohort_id)
    return render_template(
        "manage/cohort.html",
        cohort=cohort,
        level=current_course().levels_by_id.get(cohort.level_id),
        enrol_form=EnrolForm(),
        tutor_form=AddTutorForm(),
    )


@bp.post("/cohorts/<int:cohort_id>/enrol")
@roles(*STAFF)
def enrol(cohort_id):
    cohort = _cohort(cohort_id)
    form = EnrolForm()
    if not form.validate_on_submit():
        for error in form.roster.errors:
            flash(f"Class list: {error}", "error")
        return redirect(url_for("manage.cohort", cohort_id=cohort.id))
    rows, errors = parse_roster(form.roster.data.read())
    for row in rows:
        existing = User.by_email(row.email)
        if existing is not None and existing.role != Role.STUDENT.value:
            errors.append(f"line {row.line}: {row.email} is a {existing.role} account, not a student")
    if errors:
        return render_template("manage/enrol_result.html", cohort=cohort, errors=errors, results=[]), 400
    results = enrol_class_list(cohort, rows, current_user._get_current_object())
    db.session.commit()
    return render_template("manage/enrol_result.html", cohort=cohort, errors=[], results=results,
                           counts=summarise(results))


@bp.post("/cohorts/<int:cohort_id>/invitations/<int:invitation_id>/withdraw")
@roles(*STAFF)
def withdraw_invitation(cohort_id, invitation_id):
    cohort = _cohort(cohort_id)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.cohort_id != cohort.id:
        abort(404)
    name, email = invitation.user.name, invitation.user.email
    db.session.delete(invitation)
    db.session.commit()
    current_app.logger.warning("invitation for %s to join %s withdrawn by %s", email, cohort.name, current_user.email)
    flash(f"The invitation to {name} is withdrawn: they can no longer join {cohort.name} with it.", "info")
    return redirect(url_for("manage.cohort", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/tutors")
@roles(Role.ADMIN.value)
def add_tutor(cohort_id):
    cohort = _cohort(cohort_id)
    form = AddTutorForm()
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if user is None or not user.is_tutor:
            flash(f"Tutor's email: no tutor account has the email {form.email.data}.", "error")
        elif cohort.enrol(user, Role.TUTOR.value):
            db.session.commit()
            flash(f"{user.name} now tutors {cohort.name}.", "success")
        else:
            flash(f"{user.name} is already a member of {cohort.name}.", "info")
    else:
        for error in form.email.errors:
            flash(f"Tutor's email: {error}", "error")
    return redirect(url_for("manage.cohort", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/members/<int:user_id>/remove")
@roles(*STAFF)
def remove_member(cohort_id, user_id):
    cohort = _cohort(cohort_id)
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.cohort_id == cohort.id, Membership.user_id == user_id)
    ) or abort(404)
    if membership.role == Role.TUTOR.value and not current_user.is_admin:
        abort(403)
    name = membership.user.name
    db.session.delete(membership)
    db.session.commit()
    flash(f"{name} removed from {cohort.name}. Their progress is kept.", "info")
    return redirect(url_for("manage.cohort", cohort_id=cohort.id))


@bp.get("/cohorts/<int:cohort_id>/progress")
@roles(*STAFF)
def cohort_progress(cohort_id):
    cohort = _cohort(cohort_id)
    modules = current_course().modules_for_levels([cohort.level_id])
    students = cohort.students
    completed = UnitCompletion.completed_uuids([s.id for s in students])
    return render_template(
        "manage/progress.html", cohort=cohort, modules=modules, students=students, completed=completed
    )


@bp.post("/users/<int:user_id>/reset-link")
@roles(*STAFF)
def reset_link(user_id):
    user = db.session.get(User, user_id) or abort(404)
    if not current_user.can_manage_user(user):
        return error_response(403, NOT_YOURS)
    url = issue_reset_link(user, current_user)
    db.session.commit()
    return render_template("manage/reset_link.html", user=user, url=url,
                           hours=current_app.config["PASSWORD_RESET_HOURS"])


@bp.get("/users")
@roles(Role.ADMIN.value)
def users():
    listing = db.session.scalars(sa.select(User).order_by(User.role, User.name)).all()
    return render_template("manage/users.html", users=listing, form=UserForm())


@bp.post("/users")
@roles(Role.ADMIN.value)
def create_user():
    form = UserForm()
    if form.validate_on_submit():
        email = User.normalise_email(form.email.data)
        if User.by_email(email):
            form.email.errors.append("An account with this email exists already.")
        else:
            user = User(name=form.name.data.strip(), email=email, role=form.role.data, created_by_id=current_user.id)
            db.session.add(user)
            db.session.flush()
            url = issue_reset_link(user, current_user)
            db.session.commit()
            return render_template("manage/reset_link.html", user=user, url=url, created=True,
                                   hours=current_app.config["PASSWORD_RESET_HOURS"])
    listing = db.session.scalars(sa.select(User).order_by(User.role, User.name)).all()
    return render_template("manage/users.html", users=listing, form=form), 400
