"""Saving one's ratings, one's own profile, and a cohort's profile for its tutors."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..content import current_course
from ..models import STAFF
from ..models.competency import ROUNDS
from ..security import allow_plot_styles, roles, signed_in, taught_cohort
from . import bp, charts, service


def _safe_next(target):
    """Only a path on this site (never another host) to go back to."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("competencies.mine")


@bp.post("/competencies/<round_>")
@signed_in
def save(round_):
    framework = current_course().competencies
    back = _safe_next(request.form.get("next"))
    if round_ not in ROUNDS or not framework:
        flash("There is no such self-assessment.", "error")
        return redirect(back)
    try:
        levels = service.parse(framework, request.form)
    except service.RatingError as error:
        return render_template("competencies/mine.html", framework=framework, profile=service.profile(current_user),
                               errors=error.errors, submitted=request.form, round_=round_, back=back,
                               chart=None), 422
    service.save(current_user, round_, levels)
    missing = len(framework.competencies) - len(levels)
    flash("Your ratings are saved." + (f" {missing} competenc{'ies are' if missing != 1 else 'y is'} still to rate."
                                       if missing else ""), "success")
    return redirect(back + ("#competency-profile" if "#" not in back else ""))


@bp.get("/competencies")
@signed_in
def mine():
    framework = current_course().competencies
    profile = service.profile(current_user)
    chart = None
    if framework and any(profile.values()):
        allow_plot_styles()
        chart = charts.profile_chart(framework, profile, "my-profile-chart")
    return render_template("competencies/mine.html", framework=framework, profile=profile, errors={},
                           submitted=None, round_=_round_shown(profile),
                           back=url_for("competencies.mine"), chart=chart)


@bp.get("/cohorts/<int:cohort_id>/competencies")
@roles(*STAFF)
def cohort(cohort_id):
    cohort = taught_cohort(cohort_id)
    framework = current_course().competencies
    table, raters = service.cohort_profile(framework, cohort.students)
    chart = None
    if framework and any(raters.values()):
        allow_plot_styles()
        means = {r: {k: v[r]["mean"] for k, v in table.items()} for r in ROUNDS}
        chart = charts.profile_chart(framework, means, "cohort-profile-chart", title="Mean level (1 to 5)")
    return render_template("competencies/cohort.html", cohort=cohort, framework=framework, table=table,
                           raters=raters, chart=chart, students=len(cohort.students))


def _round_shown(profile):
    """The round to rate on the page: the one asked for, else the start until it is done."""
    asked = request.args.get("round")
    if asked in ROUNDS:
        return asked
    return "start" if not profile["start"] else "end"
