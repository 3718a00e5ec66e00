"""Every question type but ``simulation`` (see test_simulation_question.py), built from small YAML."""
import random

import pytest
from werkzeug.datastructures import MultiDict

from app.content import yaml_lines
from app.quizzes.questions import ConfigError, get
from app.quizzes.questions.base import KEY, attempt_key, token

SINGLE = """\
id: twin
type: single
text: What makes a model a digital twin?
feedback: GENERAL-FEEDBACK
options:
  - text: It is drawn in 3D.
    feedback: Many twins are not 3D at all.
  - text: It is kept up to date with data from its city.
    correct: true
  - text: It is built by a company.
"""

MULTIPLE = """\
id: challenges
type: multiple
text: Which challenges does the module name?
options:
  - {text: Siloed data, correct: true}
  - {text: Skills, correct: true}
  - {text: Too much money}
  - {text: No urban data, feedback: Cities hold a great deal of data.}
"""

TRUEFALSE = """\
id: realtime
type: truefalse
text: A digital twin must be updated in real time.
answer: false
feedback_true: Many useful twins are updated yearly.
feedback_false: Right, yearly can be enough.
"""

NUMERIC = """\
id: mean-trip
type: numeric
text: How far is the average commute?
answer: 13.56
tolerance: 0.1
unit: km
units: {km: 1, m: 0.001, miles: 1.609344}
"""

TEXT = """\
id: balancing
type: text
text: Name the method that balances a gravity model.
answers:
  - Furness
  - {regex: "(the )?furness (method|procedure)"}
  - {text: Newton, score: 0.5, feedback: Newton solves equations; half marks.}
"""

ORDERING = """\
id: process
type: ordering
text: Put the steps in order.
items: [Agree the value, Find the data, Pilot, Evaluate]
"""

MATCHING = """\
id: roles
type: matching
text: Match each role to what it does.
pairs:
  - {left: Sponsor, right: Gives the mandate}
  - {left: Champion, right: Argues for it}
  - {left: Catalyst, right: Connects people}
  - {left: Implementer, right: Delivers the change}
distractors: [Audits the accounts]
"""

CLOZE = """\
id: gravity
type: cloze
text: Trips out add up to the [[workers]], trips in to the [[jobs]]; the mean trip is [[mean]] km.
gaps:
  workers: {answers: [working residents, workers]}
  jobs: {options: [jobs, homes, roads], answer: jobs, points: 2}
  mean: {answer: 13.56, tolerance: 0.1}
"""

ESSAY = """\
id: public-value
type: essay
text: Does a sensor network create public value?
min_words: 3
max_words: 10
guidance: TUTOR-GUIDANCE
rubric:
  - criterion: Uses public value
    levels:
      - {points: 0, description: Not used}
      - {points: 4, description: Applied}
  - criterion: Evidence
    levels:
      - {points: 0, description: None}
      - {points: 3, description: Some}
      - {points: 6, description: Strong}
"""

PARAMETERISED = """\
id: car-km
type: numeric
variables:
  commuters: {min: 2000, max: 6000, step: 500}
  distance: {choices: [8, 12, 15]}
text: "{{commuters}} people drive {{distance}} km each way. How many car-km a day?"
answer: "=commuters * distance * 2"
tolerance: 1%
"""

EVERY_TYPE = {"single": SINGLE, "multiple": MULTIPLE, "truefalse": TRUEFALSE, "numeric": NUMERIC, "text": TEXT,
              "ordering": ORDERING, "matching": MATCHING, "cloze": CLOZE, "parameterised": PARAMETERISED}


def build(text):
    data = yaml_lines.load(text)
    return get(data["type"]).from_config(data, "quiz.yaml")


def score(question, response, variant=None):
    return question.grade(response, variant or {}).score


def error_of(text):
    with pytest.raises(ConfigError) as caught:
        build(text)
    return caught.value


def tokens(question):
    return [option["token"] for option in question.options]


def drawn(question, seed):
    """The question's variant for an attempt with ``seed``, with its token key as Quiz.variant adds it."""
    variant = question.draw(random.Random(seed))
    variant[KEY] = attempt_key("unit-test-secret", "quiz-uuid", seed, question.id)
    return variant


# -- every type's own examples ---------------------------------------------------------------

@pytest.mark.parametrize("name", EVERY_TYPE)
def test_examples_grade_right_as_full_marks_and_wrong_as_less(name):
    question = build(EVERY_TYPE[name])
    for seed in range(5):
        variant = question.draw(random.Random(seed))
        right, wrong = question.responses(variant)
        assert score(question, right, variant) == pytest.approx(1.0), (seed, right)
        assert score(question, wrong, variant) < 1.0, (seed, wrong)


def test_essay_examples_are_top_and_bottom_rubric_levels():
    question = build(ESSAY)
    right, wrong = question.responses({})
    assert question.grade_rubric(right["rubric"]).score == 1.0
    assert question.grade_rubric(wrong["rubric"]).score == 0.0


# -- single, multiple, true/false ------------------------------------------------------------

def test_single_right_wrong_and_the_chosen_options_feedback():
    question = build(SINGLE)
    drawn_3d, kept_up, company = tokens(question)
    assert score(question, kept_up) == 1.0
    wrong = question.grade(drawn_3d, {})
    assert wrong.score == 0.0 and "Many twins are not 3D at all." in wrong.feedback
    assert "Many twins" not in question.grade(company, {}).feedback


def test_single_unanswered_or_unknown_token_scores_zero_with_a_note():
    question = build(SINGLE)
    assert question.grade("", {}).feedback == "<p>No answer.</p>"
    assert question.grade("c000000000000", {}).feedback == "<p>Not one of the options.</p>"


def test_single_parse_reads_the_posted_token():
    question = build(SINGLE)
    assert question.parse(MultiDict({"q-twin": tokens(question)[1]})) == tokens(question)[1]


def test_multiple_gives_partial_credit_and_takes_off_for_wrong_ticks():
    question = build(MULTIPLE)
    siloed, skills, money, no_data = tokens(question)
    assert score(question, [siloed, skills]) == 1.0
    assert score(question, [siloed]) == 0.5
    assert score(question, [siloed, skills, money]) == 0.5
    assert score(question, [siloed, money, no_data]) == 0.0  # never below zero
    assert "Cities hold a great deal of data." in question.grade([siloed, no_data], {}).feedback


def test_multiple_ticking_every_box_does_not_score_full_marks():
    question = build(MULTIPLE)
    assert score(question, tokens(question)) < 1.0


def test_multiple_all_or_nothing():
    question = build(MULTIPLE + "scoring: all_or_nothing\n")
    siloed, skills, _, _ = tokens(question)
    assert score(question, [siloed]) == 0.0
    assert score(question, [siloed, skills]) == 1.0


def test_multiple_parse_reads_every_ticked_box():
    question = build(MULTIPLE)
    form = MultiDict([("q-challenges", tokens(question)[0]), ("q-challenges", tokens(question)[2])])
    assert question.parse(form) == [tokens(question)[0], tokens(question)[2]]


def test_shuffled_options_keep_their_tokens():
    question = build(SINGLE)
    orders = {tuple(question.draw(random.Random(seed))["_order"]) for seed in range(20)}
    assert len(orders) > 1
    assert not build(SINGLE + "shuffle: false\n").draw(random.Random(1)).get("_order")


def test_truefalse_grades_and_gives_the_feedback_for_what_was_said():
    question = build(TRUEFALSE)
    right, wrong = question.grade("false", {}), question.grade("true", {})
    assert right.score == 1.0 and "yearly can be enough" in right.feedback
    assert wrong.score == 0.0 and "updated yearly" in wrong.feedback
    assert question.grade("maybe", {}).score == 0.0


# -- numeric -----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("13.56", 1.0), ("13.65", 1.0), ("13.67", 0.0), ("13.44", 0.0),
    ("13.6 km", 1.0), ("13.6 KM", 1.0), ("13,600 m", 1.0), ("8.45 miles", 1.0), ("8.45 km", 0.0),
])
def test_numeric_absolute_tolerance_and_units(typed, expected):
    assert score(build(NUMERIC), typed) == expected


def test_numeric_relative_tolerance():
    question = build(NUMERIC.replace("tolerance: 0.1", "tolerance: 2%"))
    assert score(question, "13.83") == 1.0  # 13.56 * 1.02 = 13.831
    assert score(question, "13.30") == 1.0
    assert score(question, "13.85") == 0.0


def test_numeric_without_tolerance_is_exact():
    question = build("id: n\ntype: numeric\ntext: Two and two?\nanswer: 4\n")
    assert score(question, "4") == 1.0 and score(question, "4.01") == 0.0


@pytest.mark.parametrize("typed, message", [
    ("thirteen", "Not a number."),
    ("13,6", "write decimals with a point"),
    ("13.6 ft", "The unit &#39;ft&#39; is not accepted here: use km, m or miles."),
    ("", "No answer."),
])
def test_numeric_rejects_what_is_not_a_number_with_a_message(typed, message):
    result = build(NUMERIC).grade(typed, {})
    assert result.score == 0.0 and message in result.feedback


def test_numeric_several_answers_give_feedback_on_a_common_slip():
    question = build("""\
id: d
type: numeric
text: How far?
answers:
  - {value: 13.56, tolerance: 0.1}
  - {value: 27.12, tolerance: 0.2, score: 0.25, feedback: That is the return journey.}
""")
    slip = question.grade("27.1", {})
    assert slip.score == 0.25 and "return journey" in slip.feedback
    assert score(question, "13.5") == 1.0


def test_numeric_parse_strips_the_box():
    assert build(NUMERIC).parse(MultiDict({"q-mean-trip": " 13.6 km "})) == "13.6 km"


# -- text --------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("Furness", 1.0), ("  fURNESS ", 1.0), ("the  Furness\tmethod", 1.0), ("Furness procedure", 1.0),
    ("Furness methodology", 0.0), ("Furnace", 0.0), ("", 0.0),
])
def test_text_ignores_case_and_spaces_and_matches_whole_regexes(typed, expected):
    assert score(build(TEXT), typed) == expected


def test_text_partial_answer_has_its_score_and_feedback():
    result = build(TEXT).grade("newton", {})
    assert result.score == 0.5 and "half marks" in result.feedback


def test_text_case_sensitive_and_exact_whitespace():
    question = build("id: t\ntype: text\ntext: Symbol?\nanswers: [NaCl]\ncase_sensitive: true\nwhitespace: exact\n")
    assert score(question, "NaCl") == 1.0
    assert score(question, "nacl") == 0.0
    assert score(question, " NaCl") == 0.0


def test_text_regex_respects_case_sensitive():
    question = build("id: t\ntype: text\ntext: Code?\ncase_sensitive: true\n"
                     "answers: [AB1, {regex: 'AB[0-9]'}]\n")
    assert score(question, "AB7") == 1.0 and score(question, "ab7") == 0.0


# -- ordering ----------------------------------------------------------------------------------

def positions(question, *numbers):
    return {t: str(n) for t, n in zip(question.tokens, numbers)}


@pytest.mark.parametrize("scoring, given, expected", [
    ("relative", (1, 2, 3, 4), 1.0),
    ("relative", (2, 1, 3, 4), 2 / 3),  # one of three neighbouring pairs out of order
    ("relative", (4, 3, 2, 1), 0.0),
    ("absolute", (2, 1, 3, 4), 0.5),
    ("absolute", (4, 3, 2, 1), 0.0),
    ("all_or_nothing", (2, 1, 3, 4), 0.0),
    ("all_or_nothing", (1, 2, 3, 4), 1.0),
])
def test_ordering_scoring_rules(scoring, given, expected):
    question = build(ORDERING + f"scoring: {scoring}\n")
    assert score(question, positions(question, *given)) == pytest.approx(expected)


def test_ordering_shared_and_missing_positions_count_as_not_placed():
    question = build(ORDERING)
    shared = question.grade(positions(question, 1, 1, 3, 4), {})
    assert shared.score == pytest.approx(1 / 3) and "Position 1 given to more than one item." in shared.feedback
    missing = question.grade(positions(question, 1, 2, 3, ""), {})
    assert missing.score == pytest.approx(2 / 3) and "1 item has no position." in missing.feedback
    assert score(question, positions(question, "", "", "", "")) == 0.0


def test_ordering_is_never_shown_in_the_right_order():
    question = build(ORDERING)
    for seed in range(20):
        assert question.draw(random.Random(seed))["_order"] != [0, 1, 2, 3]


# -- matching ----------------------------------------------------------------------------------

def test_matching_scores_the_share_of_rows_right():
    question = build(MATCHING)
    right = dict(zip(question.left_tokens, question.answer_tokens))
    assert score(question, right) == 1.0
    half = {**right, question.left_tokens[0]: question.answer_tokens[1],
            question.left_tokens[1]: token("Audits the accounts")}
    result = question.grade(half, {})
    assert result.score == 0.5 and "2 of 4 rows correct." in result.feedback
    assert [part["correct"] for part in result.parts] == [False, False, True, True]


def test_matching_lists_distractors_among_the_choices():
    assert build(MATCHING).choices[-1] == "Audits the accounts"


# -- cloze -------------------------------------------------------------------------------------

def test_cloze_scores_gap_by_gap_weighted_by_points():
    question = build(CLOZE)
    all_right = {"workers": "Working  Residents", "jobs": token("jobs"), "mean": "13.6"}
    assert score(question, all_right) == 1.0
    wrong_choice = question.grade({**all_right, "jobs": token("homes")}, {})
    assert wrong_choice.score == 0.5  # the choice gap is worth 2 of 4 points
    assert [part["correct"] for part in wrong_choice.parts] == [True, False, True]
    assert score(question, {**all_right, "workers": "bosses"}) == 0.75
    assert score(question, {**all_right, "mean": "14.6"}) == 0.75


def test_cloze_number_gap_explains_what_is_not_a_number():
    result = build(CLOZE).grade({"workers": "workers", "jobs": token("jobs"), "mean": "lots"}, {})
    assert result.score == 0.75 and "Gap 3: Not a number." in result.feedback


def test_cloze_gaps_are_posted_by_number_not_name():
    form = MultiDict({"q-gravity-g1": " workers ", "q-gravity-g2": token("jobs"), "q-gravity-g3": "13.56"})
    assert build(CLOZE).parse(form) == {"workers": "workers", "jobs": token("jobs"), "mean": "13.56"}


# -- essay -------------------------------------------------------------------------------------

def test_essay_waits_for_a_tutor():
    question = build(ESSAY)
    assert question.manual
    result = question.grade("Sensors help some people and watch others.", {})
    assert result.score is None and result.needs_grading
    assert question.grade("  ", {}).score == 0.0


def test_essay_warns_about_length():
    question = build(ESSAY)
    assert "fewer than the 3" in question.grade("Too short", {}).feedback
    assert "more than the 10" in question.grade(" ".join(["word"] * 12), {}).feedback


def test_essay_rubric_scores_chosen_points_over_the_most_possible():
    question = build(ESSAY)
    result = question.grade_rubric({"0": "1", "1": "1"})
    assert result.score == pytest.approx(7 / 10)
    assert "Applied (4 of 4 points)" in result.feedback and "Some (3 of 6 points)" in result.feedback


@pytest.mark.parametrize("choices, message", [
    ({0: 1}, "choose a level for 'Evidence'"),
    ({0: 1, 1: 3}, "'Evidence' has no level 3"),
    ({0: 1, 1: 1, 2: 0}, "a criterion this question does not have"),
])
def test_essay_rubric_refuses_incomplete_or_unknown_choices(choices, message):
    with pytest.raises(ValueError, match=message):
        build(ESSAY).grade_rubric(choices)


# -- parameterised questions -------------------------------------------------------------------

def test_the_same_seed_draws_the_same_variant_and_others_differ():
    question = build(PARAMETERISED)
    assert question.draw(random.Random(7)) == question.draw(random.Random(7))
    variants = [question.draw(random.Random(seed)) for seed in range(10)]
    assert len({tuple(v.items()) for v in variants}) > 1
    for variant in variants:
        assert 2000 <= variant["commuters"] <= 6000 and variant["commuters"] % 500 == 0
        assert variant["distance"] in (8, 12, 15)


def test_a_formula_answer_is_graded_against_the_drawn_values():
    question = build(PARAMETERISED)
    variant = {"commuters": 3000, "distance": 12}
    assert score(question, "72000", variant) == 1.0
    assert score(question, "72500", variant) == 1.0  # within 1%
    assert score(question, "72000", {"commuters": 4000, "distance": 12}) == 0.0
    assert "3000 people drive 12 km" in question.text_html(variant)
    assert "72000" in question.correct_answer_html(variant)


def test_text_answers_may_use_variables():
    question = build("id: t\ntype: text\nvariables: {mode: {choices: [bus, tram]}}\n"
                     "text: Which mode is {{mode}}?\nanswers: ['{{mode}}']\n")
    assert score(question, "tram", {"mode": "tram"}) == 1.0
    assert score(question, "bus", {"mode": "tram"}) == 0.0


# -- validation --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, words", [
    (SINGLE.replace("    correct: true\n", ""), 5, "exactly one option must have 'correct: true' (found 0)"),
    (SINGLE.replace("  - text: It is built", "  - correct: true\n    text: It is built"), 5, "(found 2)"),
    (MULTIPLE.replace(", correct: true", ""), 4, "at least one option must have 'correct: true'"),
    ("id: n\ntype: numeric\ntext: How far?\ntolerance: 0.1\n", 1, "missing 'answer'"),
    (NUMERIC + "colour: red\n", 8, "unknown setting 'colour' for a numeric question"),
    (NUMERIC.replace("tolerance: 0.1", "tolerance: lots"), 5, "'tolerance': expected a number"),
    (NUMERIC.replace("answer: 13.56", "answer: '=distance * 2'"), 4, "'distance', which is not a variable"),
    (NUMERIC.replace("m: 0.001", "m: -1"), 7, "the factor must be a positive number"),
    (TRUEFALSE.replace("answer: false", "answer: maybe"), 4, "'answer' must be true or false"),
    (TEXT.replace('regex: "(the )', 'regex: "(the '), 6, "not a valid regular expression"),
    ("id: t\ntype: text\ntext: T?\nanswers: [{regex: a.*}]\n", 4, "at least one answer must be a plain 'text'"),
    (ORDERING.replace(", Pilot, Evaluate", ""), 4, "at least three items"),
    (MATCHING.replace("distractors: [Audits the accounts]", "distractors: [Argues for it]"), 9,
     "the distractor 'Argues for it' is already a choice"),
    (CLOZE.replace("  mean: {answer: 13.56, tolerance: 0.1}\n", ""), 4, "the gap [[mean]] has no entry in 'gaps'"),
    (CLOZE + "  other: {answer: 1}\n", 8, "gaps: 'other' is not a [[gap]] in the text"),
    (CLOZE.replace("answer: jobs,", "answer: cars,"), 6, "gaps: jobs: 'answer' must be one of the options"),
    (ESSAY.replace("min_words: 3", "min_words: 30"), 4, "'min_words' is more than 'max_words'"),
    (ESSAY.replace("{points: 4, description: Applied}", "{points: -4}"), 11, "'points' must be a number of at least 0"),
    (PARAMETERISED.replace("step: 500", "step: 0"), 4, "need min <= max and step > 0"),
    ("id: x\ntype: single\noptions: []\n", 1, "missing 'text'"),
    (SINGLE.replace("text: What makes", "points: 0\ntext: What makes"), 3, "'points' must be a positive number"),
])
def test_bad_settings_raise_a_question_error_with_line_and_message(text, line, words):
    error = error_of(text)
    assert words in error.message
    assert error.line == line, error.message


# -- rendering ---------------------------------------------------------------------------------

SECRETS = {
    "single": ["correct", "Many twins are not 3D", "GENERAL-FEEDBACK"],
    "multiple": ["correct", "Cities hold a great deal"],
    "truefalse": ["updated yearly", "yearly can be enough"],
    "numeric": ["13.56", "0.1", "13.6"],
    "text": ["Furness", "furness", "Newton", "half marks"],
    "matching": ["correct"],
    "cloze": ["working residents", "13.56", "0.1"],
    "essay": ["TUTOR-GUIDANCE"],
    "ordering": ["correct"],
}


@pytest.mark.parametrize("name", SECRETS)
def test_a_rendered_question_gives_nothing_away(name, app):
    question = build({**EVERY_TYPE, "essay": ESSAY}[name])
    variant = drawn(question, 3)
    with app.test_request_context():
        html = str(question.render(variant))
    assert question.field in html
    for secret in SECRETS[name]:
        assert secret not in html, secret


def test_rendered_ordering_lists_items_in_the_shuffled_order(app):
    question = build(ORDERING)
    variant = drawn(question, 3)
    with app.test_request_context():
        html = str(question.render(variant))
    shown = sorted(question.items, key=html.index)
    assert shown == [question.items[i] for i in variant["_order"]] != question.items


def test_the_text_shows_a_drawn_value_exactly_as_the_formula_uses_it():
    question = build("id: p\ntype: numeric\nvariables: {price: {min: 12345.25, max: 12345.25}}\n"
                     "text: A ticket costs {{price}}. What do two cost?\nanswer: '=2 * price'\n")
    variant = question.draw(random.Random(1))
    assert "12345.25" in question.text_html(variant)
    assert score(question, "24690.5", variant) == 1.0


def test_yes_and_no_stay_text_only_true_and_false_are_booleans():
    question = build("""
id: vote
type: single
text: Would you vote for the sensor scheme?
options:
  - {text: Yes, correct: true}
  - {text: No}
  - {text: on}
""")
    assert [option["text"] for option in question.data["options"]] == ["Yes", "No", "on"]
    assert question.data["options"][0]["correct"] is True


# -- option tokens: per attempt on the page, stable in stored answers --------------------------

def _page_form(question, variant, stored_response):
    """The form a browser sends for ``stored_response``, with this attempt's tokens (as the page has them)."""
    from app.quizzes.questions.base import Tokens

    if question.name in ("single", "multiple"):
        tokens = question.tokens(variant)
        chosen = [stored_response] if isinstance(stored_response, str) else stored_response
        return MultiDict([(question.field, tokens.sent(tokens.index(t))) for t in chosen])
    if question.name == "matching":
        lefts, choices = Tokens([left for left, _ in question.pairs], variant), Tokens(question.choices, variant)
        return MultiDict({f"{question.field}-{lefts.sent(lefts.index(k))}": choices.sent(choices.index(v))
                          for k, v in stored_response.items()})
    if question.name == "ordering":
        items = Tokens(question.items, variant)
        return MultiDict({f"{question.field}-{items.sent(items.index(k))}": v for k, v in stored_response.items()})
    form = MultiDict()
    for gap in question.gaps:  # cloze
        value = stored_response[gap.name]
        if gap.kind == "choice":
            tokens = Tokens(gap.rule, variant)
            value = tokens.sent(tokens.index(value))
        form[question.gap_field(gap)] = value
    return form


def _legacy_form(question, stored_response):
    """The form a page from before per-attempt tokens sent: stable tokens everywhere."""
    if question.name in ("single", "multiple"):
        chosen = [stored_response] if isinstance(stored_response, str) else stored_response
        return MultiDict([(question.field, t) for t in chosen])
    if question.name in ("matching", "ordering"):
        return MultiDict({f"{question.field}-{k}": v for k, v in stored_response.items()})
    return MultiDict({question.gap_field(gap): stored_response[gap.name] for gap in question.gaps})


TOKENED = ["single", "multiple", "matching", "ordering", "cloze"]


@pytest.mark.parametrize("name", TOKENED)
def test_the_page_tokens_are_read_back_as_stored_tokens_and_grade_right(name):
    question = build(EVERY_TYPE[name])
    variant = drawn(question, 5)
    right, _ = question.responses(variant)
    form = _page_form(question, variant, right)
    sent = set(form.values()) | {key.rsplit("-", 1)[-1] for key in form}
    stable = set(right if isinstance(right, list) else [right]) if not isinstance(right, dict) \
        else set(right) | set(right.values())
    assert not sent & {t for t in stable if t.startswith("c")}, "the page form carries a stored token"
    parsed = question.parse(form, variant)
    assert parsed == right
    assert score(question, parsed, variant) == 1.0
    # A response still in the page's tokens (never stored so, but graded the same).
    assert score(question, _raw(question, form), variant) == 1.0


def _raw(question, form):
    """What ``form`` holds, as a response, without turning the page's tokens into stored ones."""
    if question.name == "single":
        return form[question.field]
    if question.name == "multiple":
        return form.getlist(question.field)
    if question.name in ("matching", "ordering"):
        return {key[len(question.field) + 1:]: value for key, value in form.items()}
    return {gap.name: form[question.gap_field(gap)] for gap in question.gaps}


@pytest.mark.parametrize("name", TOKENED)
def test_a_stored_legacy_token_still_decodes_and_a_page_from_before_is_understood(name):
    question = build(EVERY_TYPE[name])
    variant = drawn(question, 2)
    right, _ = question.responses(variant)  # examples are stored responses: stable tokens
    assert score(question, right, variant) == 1.0
    assert question.parse(_legacy_form(question, right), variant) == right


def test_tokens_differ_between_attempts_and_cannot_be_made_from_the_text_alone():
    question = build(SINGLE)
    first, second = drawn(question, 1), drawn(question, 2)
    page_1 = [question.tokens(first).sent(i) for i in range(3)]
    page_2 = [question.tokens(second).sent(i) for i in range(3)]
    assert not set(page_1) & set(page_2)
    assert not set(page_1) & set(tokens(question))  # never the stable hash of the option's text
    other_secret = question.draw(random.Random(1))
    other_secret[KEY] = attempt_key("another-secret", "quiz-uuid", 1, question.id)
    assert not set(page_1) & {question.tokens(other_secret).sent(i) for i in range(3)}
    assert page_1 == [question.tokens(drawn(question, 1)).sent(i) for i in range(3)]  # stable on reload


def test_a_question_without_its_attempt_key_is_not_rendered_with_guessable_tokens(app):
    question = build(SINGLE)
    with app.test_request_context(), pytest.raises(RuntimeError, match="Quiz.variant"):
        question.render(question.draw(random.Random(1)))
