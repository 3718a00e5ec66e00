"""The ``simulation`` question with fixed assumptions: config checks, the model's answer, grading."""
import pytest
from werkzeug.datastructures import MultiDict

from app.content import yaml_lines
from app.quizzes.questions import simulation
from app.quizzes.questions.base import ConfigError
from sims import api

TELEWORK = """\
id: telework
type: simulation
scenario: teleworking
params:
  teleworkable_share: 40
  telework_days: 2
output: focus_reduction
tolerance: 2%
text: By how many trips a day do commutes into Cambridge fall?
"""


def build(text):
    return simulation.SimulationQuestion.from_config(yaml_lines.load(text), "quiz.yaml")


def error_of(text):
    with pytest.raises(ConfigError) as caught:
        build(text)
    return caught.value


def value_of(scenario, output, params=None, dataset=None):
    summary = api.run(scenario, params or {}, dataset)["summary"]
    return next(item["value"] for item in summary if item["key"] == output)


def test_correct_value_is_a_direct_run_of_the_model():
    question = build(TELEWORK)
    expected = value_of("teleworking", "focus_reduction", {"teleworkable_share": 40, "telework_days": 2})
    assert question.correct_value({}) == expected
    assert expected != value_of("teleworking", "focus_reduction")  # the params were applied


def test_runs_are_cached_per_scenario_and_params():
    question = build(TELEWORK)
    question.correct_value({})
    hits = simulation._summary.cache_info().hits
    build(TELEWORK).correct_value({})
    assert simulation._summary.cache_info().hits > hits


def test_examples_grade_right_and_wrong():
    question = build(TELEWORK)
    right, wrong = question.responses({})
    assert question.grade(right, {}).score == 1.0
    assert question.grade(wrong, {}).score == 0.0
    assert float(right["value"]) == question.correct_value({})


def test_relative_tolerance():
    question = build(TELEWORK)
    value = question.correct_value({})
    assert question.grade({"scenario_id": None, "value": str(value * 1.019)}, {}).score == 1.0
    assert question.grade({"scenario_id": None, "value": str(value * 0.981)}, {}).score == 1.0
    assert question.grade({"scenario_id": None, "value": str(value * 1.021)}, {}).score == 0.0


def test_default_tolerance_is_one_percent():
    question = build(TELEWORK.replace("tolerance: 2%\n", ""))
    value = question.correct_value({})
    assert question.grade({"value": str(value * 1.009)}, {}).score == 1.0
    assert question.grade({"value": str(value * 1.011)}, {}).score == 0.0


def test_absolute_tolerance():
    question = build(TELEWORK.replace("output: focus_reduction", "output: reduction_pct").replace("2%", "0.5"))
    value = question.correct_value({})
    assert value == value_of("teleworking", "reduction_pct", {"teleworkable_share": 40, "telework_days": 2})
    assert question.grade({"value": f"{value + 0.49}"}, {}).score == 1.0
    assert question.grade({"value": f"{value - 0.51}"}, {}).score == 0.0
    assert question.grade({"value": f"{value}%"}, {}).score == 1.0  # the output's unit may be typed


def test_typed_answers_with_commas_and_units():
    question = build(TELEWORK)
    value = question.correct_value({})
    assert question.grade({"value": f"{value:,.0f} trips"}, {}).score == 1.0
    assert question.grade({"value": f"{value:.3e}"}, {}).score == 1.0
    not_a_number = question.grade({"value": "lots"}, {})
    assert not_a_number.score == 0.0 and "not a number" in not_a_number.feedback


def test_formula_params_use_the_students_variables():
    question = build("""\
id: telework
type: simulation
scenario: teleworking
variables:
  share: {min: 20, max: 60, step: 20}
  days: {choices: [1, 3]}
params: {teleworkable_share: "=share", telework_days: "=days", car_share: "=100 - share"}
output: car_trips
text: With {{share}}% teleworkable for {{days}} days, how many car trips?
""")
    for variant in ({"share": 20, "days": 1}, {"share": 60, "days": 3}):
        expected = value_of("teleworking", "car_trips", {
            "teleworkable_share": variant["share"], "telework_days": variant["days"], "car_share": 100 - variant["share"]})
        assert question.correct_value(variant) == expected
        right, wrong = question.responses(variant)
        assert question.grade(right, variant).score == 1.0 and question.grade(wrong, variant).score == 0.0
    assert question.correct_value({"share": 20, "days": 1}) != question.correct_value({"share": 60, "days": 3})


def test_a_synthetic_dataset():
    question = build(TELEWORK + "dataset: synthetic-30\n")
    params = {"teleworkable_share": 40, "telework_days": 2}
    assert question.correct_value({}) == value_of("teleworking", "focus_reduction", params, "synthetic-30")


def test_text_names_the_output_and_its_unit_and_hides_the_answer():
    question = build(TELEWORK)
    html = question.text_html({})
    assert "Fewer trips into Cambridge per day" in html and "Answer in trips." in html
    value = question.correct_value({})
    assert f"{value:,.0f}" not in html and str(int(value)) not in html


def test_correct_answer_shows_value_unit_and_the_parameters_used():
    question = build(TELEWORK)
    html = question.correct_answer_html({})
    assert f"{question.correct_value({}):,.0f} trips" in html
    assert "Impacts of teleworking" in html and "jobs that can be done from home: 40%" in html
    assert "within ±2%" in html


def test_decimals_set_how_the_answer_is_shown():
    question = build(TELEWORK.replace("focus_reduction", "reduction_pct") + "decimals: 2\n")
    assert f"{question.correct_value({}):.2f}%" in question.correct_answer_html({})


def test_parse_reads_the_value_and_ignores_a_scenario_for_fixed_questions():
    question = build(TELEWORK)
    form = MultiDict({"q-telework-value": " 12,000 ", "q-telework-scenario": "7"})
    assert question.parse(form) == {"scenario_id": None, "value": " 12,000 "}
    assert question.summarise(question.parse(form)) == "12,000"
    assert not question.is_answered(question.parse(MultiDict()))


def test_own_scenario_examples_need_a_saved_scenario():
    question = build("""\
id: mine
type: simulation
scenario: ev_charging
own_scenario: true
output: work_mwh
text: Pick your saved scenario.
""")
    assert question.needs_saved_scenario and not build(TELEWORK).needs_saved_scenario
    assert question.responses({})[0] == {"scenario_id": None, "value": ""}
    assert question.parse(MultiDict({"q-mine-scenario": "12", "q-mine-value": "3"})) == {"scenario_id": 12, "value": "3"}
    assert question.parse(MultiDict({"q-mine-scenario": "x"}))["scenario_id"] is None
    assert question.grade({"scenario_id": None, "value": "3"}, {}).score == 0.0  # no student: refused


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("change, needle, message", [
    (("scenario: teleworking", "scenario: flying"), "scenario:", "unknown scenario 'flying'"),
    (("  telework_days: 2", "  telework_dayz: 2"), "telework_dayz", "teleworking has no parameter 'telework_dayz'"),
    (("teleworkable_share: 40", "teleworkable_share: 140"), "teleworkable_share", "must be at most 100"),
    (("telework_days: 2", "telework_days: lots"), "telework_days", "must be a number"),
    (("output: focus_reduction", "output: happiness"), "output:", "unknown output 'happiness'"),
    (("tolerance: 2%", "tolerance: about 2"), "tolerance:", "'tolerance'"),
    (("tolerance: 2%", "tolerance: -1"), "tolerance:", "'tolerance'"),
])
def test_bad_config_names_the_line(change, needle, message):
    text = TELEWORK.replace(*change)
    error = error_of(text)
    assert message in error.message
    assert error.line == line_of(text, needle)


def test_unknown_output_lists_the_known_ones():
    assert "focus_reduction" in error_of(TELEWORK.replace("output: focus_reduction", "output: x")).message


def test_formula_param_out_of_range_for_some_variant():
    text = TELEWORK.replace("teleworkable_share: 40", 'teleworkable_share: "=share * 2"') + \
        "variables:\n  share: {min: 30, max: 60, step: 10}\n"
    error = error_of(text)
    assert "share = 60" in error.message and "at most 100" in error.message
    assert error.line == line_of(text, "teleworkable_share")


def test_formula_param_with_an_unknown_variable():
    text = TELEWORK.replace("telework_days: 2", 'telework_days: "=dayz"')
    error = error_of(text)
    assert "dayz" in error.message and error.line == line_of(text, "telework_days")


def test_params_and_dataset_are_refused_with_own_scenario():
    text = TELEWORK + "own_scenario: true\n"
    assert error_of(text).line == line_of(text, "params:")
    mine = "id: m\ntype: simulation\nscenario: commuting\nown_scenario: true\noutput: mean_km\ntext: T\ndataset: synthetic-30\n"
    assert error_of(mine).line == 7


@pytest.mark.parametrize("extra, needle", [
    ("own_scenario: yes please\n", "own_scenario"),
    ("dataset: city:4\n", "dataset"),
    ("decimals: -1\n", "decimals"),
    ("decimal: 1\n", "decimal:"),
])
def test_more_bad_settings(extra, needle):
    text = TELEWORK + extra
    assert error_of(text).line == line_of(text, needle)
