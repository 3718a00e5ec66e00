"""The ``simulation`` question about a student's own saved scenario: graded by re-running it."""
import pytest
from flask_login import login_user

from app.content import yaml_lines
from app.models import Role
from app.quizzes.questions.base import GradeContext
from app.quizzes.questions.simulation import SimulationQuestion
from app.simulations import service
from sims import api

MINE = """\
id: my-ev
type: simulation
scenario: ev_charging
own_scenario: true
output: home_mwh
tolerance: 1%
text: Pick your saved scenario. How much energy would be charged at home in it?
"""
FIXED = """\
id: telework
type: simulation
scenario: teleworking
params: {teleworkable_share: 40}
output: focus_reduction
text: How many fewer trips?
"""


@pytest.fixture
def question():
    return SimulationQuestion.from_config(yaml_lines.load(MINE), "quiz.yaml")


def save(user, scenario="ev_charging", params=None, title="Half at home"):
    saved, errors = service.save_scenario(user, {"scenario": scenario, "title": title,
                                                 "params": {"home_share": 50, "ev_share": 60} if params is None else params})
    assert not errors, errors
    return saved


def cpython_value(saved, output="home_mwh"):
    summary = api.run(saved.scenario, saved.parameters)["summary"]
    return next(item["value"] for item in summary if item["key"] == output)


def answer(saved, value):
    return {"scenario_id": saved.id if saved else None, "value": str(value)}


def test_grades_against_the_students_saved_scenario(question, make):
    student = make.user()
    saved = save(student)
    value = cpython_value(saved)
    assert value != cpython_value(save(student, params={}, title="Defaults"))  # the saved params matter
    context = GradeContext(user=student)
    right = question.grade(answer(saved, value), {}, context)
    assert right.score == 1.0 and "Half at home" in right.feedback
    assert question.grade(answer(saved, value * 1.009), {}, context).score == 1.0
    assert question.grade(answer(saved, value * 1.02), {}, context).score == 0.0
    correct, incorrect = question.examples_for(saved)
    assert question.grade(correct, {}, context).score == 1.0
    assert question.grade(incorrect, {}, context).score == 0.0


def test_another_users_scenario_is_refused(question, make):
    student, other = make.user(), make.user()
    theirs = save(other)
    grade = question.grade(answer(theirs, cpython_value(theirs)), {}, GradeContext(user=student))
    assert grade.score == 0.0 and "Choose one of your saved EV charging demand scenarios" in grade.feedback


def test_a_scenario_of_another_model_is_refused(question, make):
    student = make.user()
    telework = save(student, "teleworking", {"telework_days": 3}, "Three days")
    grade = question.grade(answer(telework, 1), {}, GradeContext(user=student))
    assert grade.score == 0.0 and "Choose one of your saved" in grade.feedback


def test_no_scenario_chosen_or_a_deleted_one(question, make, db):
    student = make.user()
    assert question.grade(answer(None, 5), {}, GradeContext(user=student)).score == 0.0
    assert question.grade({"scenario_id": 987654, "value": "5"}, {}, GradeContext(user=student)).score == 0.0


def test_a_scenario_that_no_longer_runs_scores_zero_with_a_reason(question, make, db):
    student = make.user()
    saved = save(student)
    saved.dataset_key = "city:4242"  # its city dataset was deleted
    db.session.commit()
    grade = question.grade(answer(saved, 1), {}, GradeContext(user=student))
    assert grade.score == 0.0 and "can no longer be run" in grade.feedback and "city:4242" in grade.feedback


def test_render_lists_the_owners_scenarios_for_a_tutor(app, question, make):
    cohort = make.cohort()
    student, tutor = make.user(cohorts=[cohort]), make.user(Role.TUTOR, cohorts=[cohort])
    saved = save(student, title="Student's <own> run")
    save(student, "teleworking", {"telework_days": 3}, "Not this model")
    save(tutor, title="Tutor's run")
    with app.test_request_context():
        login_user(tutor)
        html = question.render({}, answer(saved, 12), disabled=True, owner=student)
    assert "Student&#39;s &lt;own&gt; run" in html and f'value="{saved.id}" selected' in html
    assert "Not this model" not in html and "Tutor&#39;s run" not in html
    assert f"{student.name}’s saved EV charging demand scenario" in html and " disabled" in html
    assert str(cpython_value(saved)) not in html


def test_render_defaults_to_the_signed_in_student(app, question, make):
    student = make.user()
    saved = save(student)
    with app.test_request_context():
        login_user(student)
        html = question.render({})
    assert f'<option value="{saved.id}">' in html and "Your saved EV charging demand scenario" in html
    assert 'name="q-my-ev-value"' in html and "Charged at home per day (MWh)" in html


def test_render_without_saved_scenarios_says_how_to_make_one(app, question, make):
    student = make.user()
    with app.test_request_context():
        login_user(student)
        html = question.render({})
    assert "You have no saved EV charging demand scenarios yet" in html
    assert 'href="/scenarios"' in html
    assert "<select" not in html and 'name="q-my-ev-value"' not in html


def test_correct_answer_for_the_chosen_scenario(question, make):
    student, other = make.user(), make.user()
    saved = save(student)
    shown = question.correct_answer_html({}, answer(saved, 0), owner=student)
    assert "Half at home" in shown and "MWh" in shown
    generic = question.correct_answer_html({}, answer(saved, 0), owner=other)
    assert "Half at home" not in generic and "re-running" in generic


def test_fixed_question_renders_no_answer(app, make):
    question = SimulationQuestion.from_config(yaml_lines.load(FIXED), "quiz.yaml")
    with app.test_request_context():
        login_user(make.user())
        html = question.render({})
    value = question.correct_value({})
    assert "<select" not in html and "Fewer trips into Cambridge per day (trips)" in html
    assert str(int(value)) not in html and f"{value:,.0f}" not in html
