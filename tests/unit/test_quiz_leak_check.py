"""The course check flags feedback that states an answer while the quiz still holds answers back.

Small quiz files, loaded as the course loader loads them (``quiz_file.load``), and once through
``load_course`` for the ``path:line: message`` a tutor reads from ``flask course check``.
"""
import textwrap
from datetime import datetime

import pytest

from app.content import load_course
from app.quizzes import policy as policy_mod
from app.quizzes import quiz_file
from tests.conftest import write
from tests.helpers import make_course

HEAD = """\
uuid: 44444444-4444-4444-8444-444444444444
title: Check
policy:
  attempts: 2
  feedback: after_submit
  answers: after_last_attempt
questions:
"""


def problems_of(tmp_path, questions, head=HEAD):
    path = write(tmp_path / "check.quiz.yaml", head + textwrap.indent(textwrap.dedent(questions), "  "))
    quiz, problems = quiz_file.load(path, "course/modules/m1/check.quiz.yaml", "check")
    assert quiz is not None
    return problems


def messages(tmp_path, questions, head=HEAD):
    return [message for _, message in problems_of(tmp_path, questions, head)]


TEXT = """\
- id: criterion
  type: text
  text: What is a stated test that a model must pass before it is relied on called?
  answers:
    - acceptance criterion
    - {text: requirement, score: 0.5, feedback: FEEDBACK-ON-PARTIAL}
  feedback: GENERAL
"""


def text_question(general="An acceptance criterion makes the test explicit.", partial="Close."):
    return TEXT.replace("GENERAL", general).replace("FEEDBACK-ON-PARTIAL", partial)


# -- each kind of feedback -----------------------------------------------------------------------

def test_general_feedback_stating_a_text_answer_is_flagged_with_its_line(tmp_path):
    problems = problems_of(tmp_path, text_question())
    assert problems == [(14, "question 'criterion': feedback shown after each submit states the answer "
                             "\"acceptance criterion\", but answers are held back until after the last attempt; "
                             "reword the feedback (or show answers after_submit)")]


@pytest.mark.parametrize("general", [
    "**Acceptance Criterion**: the test made explicit.",  # case and Markdown do not hide it
    "Acceptance\n    criterion, in the unit's words.",  # nor a line break
])
def test_the_answer_is_found_whatever_its_case_emphasis_or_line_breaks(tmp_path, general):
    assert len(messages(tmp_path, text_question(general="|\n    " + general))) == 1


def test_the_plural_of_the_answer_is_flagged(tmp_path):
    question = TEXT.replace("acceptance criterion", "stock").replace("GENERAL", "Stocks change slowly.")
    assert len(messages(tmp_path, question)) == 1


def test_words_that_only_contain_the_answer_are_not_flagged(tmp_path):
    question = TEXT.replace("acceptance criterion", "stock").replace("GENERAL", "Stocktaking and restocking differ.")
    assert messages(tmp_path, question) == []


def test_feedback_on_a_partly_right_answer_that_gives_the_full_one_is_flagged(tmp_path):
    found = messages(tmp_path, text_question(general="Tests matter.", partial="Say acceptance criterion instead."))
    assert found == [found[0]] and found[0].startswith("question 'criterion': answer 2's feedback shown after each")


def test_what_the_question_text_already_says_is_not_flagged(tmp_path):
    question = text_question().replace("before it is relied on called?",
                                       "before it is relied on (an acceptance criterion) called in the unit?")
    assert messages(tmp_path, question) == []


CHOICE = """\
- id: role
  type: single
  text: Who creates productive disruption in a data initiative?
  options:
    - {text: Catalyst, correct: true, feedback: Yes. A Catalyst questions habits.}
    - {text: Sponsor, feedback: "WRONG-OPTION-FEEDBACK"}
  feedback: GENERAL
"""


def test_a_wrong_options_feedback_naming_the_right_option_is_flagged_but_the_right_ones_own_is_not(tmp_path):
    question = CHOICE.replace("WRONG-OPTION-FEEDBACK", "No, that is the Catalyst.").replace("GENERAL", "Roles differ.")
    assert messages(tmp_path, question) == [
        "question 'role': option 2's feedback shown after each submit states the answer \"Catalyst\", but answers "
        "are held back until after the last attempt; reword the feedback (or show answers after_submit)"]


def test_general_feedback_naming_a_right_option_is_flagged(tmp_path):
    question = CHOICE.replace("WRONG-OPTION-FEEDBACK", "No.").replace("GENERAL", "Without a catalyst, silos stay.")
    assert len(messages(tmp_path, question)) == 1


def test_multiple_choice_feedback_naming_the_other_right_options(tmp_path):
    question = """\
    - id: principles
      type: multiple
      text: Which are among the five principles?
      options:
        - {text: Beneficence, correct: true, feedback: "Yes; so is justice."}
        - {text: Justice, correct: true, feedback: "Yes, justice is one."}
        - {text: Efficiency}
    """
    assert messages(tmp_path, question) == [
        "question 'principles': option 1's feedback shown after each submit states the answer \"Justice\", but "
        "answers are held back until after the last attempt; reword the feedback (or show answers after_submit)"]


NUMERIC = """\
- id: share
  type: numeric
  text: What share of the workforce commuted in? Give a fraction.
  answer: VALUE
  tolerance: TOLERANCE
  feedback: GENERAL
"""


@pytest.mark.parametrize("value, tolerance, general", [
    (0.6, 0, "About 60% of them."),
    (0.6, 0, "About 60 % of them."),
    (0.6, 0, "About 60 per cent of them."),
    (0.6, 0, "The share is 0.6."),
    (1500, 0, "Some 1,500 people."),
    (1500, 0, "Some 1500 people."),
    (13.56, 0.1, "About 13.6 km."),  # within the tolerance
    (0.603, "1%", "51,299 ÷ 85,003 = 0.60."),
])
def test_numeric_answers_are_found_in_the_forms_a_reader_recognises(tmp_path, value, tolerance, general):
    question = NUMERIC.replace("VALUE", str(value)).replace("TOLERANCE", str(tolerance)).replace("GENERAL", general)
    assert len(messages(tmp_path, question)) == 1, general


@pytest.mark.parametrize("value, tolerance, general", [
    (0.6, 0, "Divide the in-commuters by the workforce."),
    (13.56, 0.1, "About 14 km, and 13.4 or 136 are other numbers."),  # outside the tolerance
    (1500, 0, "Flows of 15,000 and 150."),
])
def test_other_numbers_are_not_flagged(tmp_path, value, tolerance, general):
    question = NUMERIC.replace("VALUE", str(value)).replace("TOLERANCE", str(tolerance)).replace("GENERAL", general)
    assert messages(tmp_path, question) == []


def test_numeric_feedback_on_a_common_slip_that_gives_the_right_value(tmp_path):
    question = """\
    - id: trip
      type: numeric
      text: How far is the mean commute, one way?
      answers:
        - {value: 13.56, tolerance: 0.1}
        - {value: 27.12, tolerance: 0.2, score: 0, feedback: That is the return trip; halve it to 13.56.}
    """
    assert [m.split(" shown")[0] for m in messages(tmp_path, question)] == ["question 'trip': answer 2's feedback"]


def test_parameterised_answers_are_checked_on_their_variants(tmp_path):
    question = """\
    - id: km
      type: numeric
      variables: {people: {min: 100, max: 200, step: 100}}
      text: "{{people}} people drive 10 km. How many car-km?"
      answer: "=people * 10"
      feedback: "That is {{people}} × 10 = {{people}}0 km."
    """
    assert len(messages(tmp_path, question)) == 1


def test_cloze_gaps_general_and_per_gap_feedback(tmp_path):
    question = """\
    - id: gaps
      type: cloze
      text: The project should [[displaced]] on diversions and count [[share]] of the trips as [[word]].
      gaps:
        displaced: {options: [act, influence, monitor], answer: act}
        share: {answer: 0.25}
        word:
          answers:
            - {text: displaced, score: 1}
            - {text: moved, score: 0.5, feedback: The unit's word is displaced.}
      feedback: Act where the project controls the design; a quarter is 25%.
    """
    found = messages(tmp_path, question)
    assert [m.split(" shown")[0] for m in found] == ["question 'gaps': feedback", "question 'gaps': gap 'word', answer 2's feedback"]
    assert '"act" and "0.25"' in found[0]


def test_truefalse_feedback_is_declared_and_nothing_in_it_is_a_secret(tmp_path):
    question = """\
    - id: tf
      type: truefalse
      text: A twin must be updated in real time.
      answer: false
      feedback_true: It is false; yearly can be enough.
      feedback_false: Right, false.
    """
    assert messages(tmp_path, question) == []  # with two answers, the score alone tells which is right
    quiz, _ = quiz_file.load(write(tmp_path / "tf.quiz.yaml", HEAD + textwrap.indent(textwrap.dedent(question), "  ")),
                             "tf.quiz.yaml", "tf")
    assert [t.label for t in quiz.questions[0].feedback_texts({})] == ["feedback_true", "feedback_false"]


def test_a_simulation_result_stated_in_its_feedback_is_flagged(tmp_path):
    from app.quizzes.questions.simulation import outputs_of  # noqa: F401 (the model runs in CPython)

    question = """\
    - id: telework
      type: simulation
      scenario: teleworking
      params: {teleworkable_share: 40, telework_days: 2}
      output: focus_reduction
      tolerance: 2%
      text: By how many trips a day do commutes into Cambridge fall?
      feedback: About 22,400 fewer trips into Cambridge.
    """
    found = messages(tmp_path, question)
    assert len(found) == 1 and "states the answer \"22,441 trips\"" in found[0], found


# -- when feedback may show while answers are held back -----------------------------------------

@pytest.mark.parametrize("settings, leaks", [
    ("attempts: 2\n  feedback: after_submit\n  answers: after_last_attempt", True),
    ("attempts: 0\n  feedback: after_submit\n  answers: after_last_attempt", True),  # no limit: never last
    ("attempts: 1\n  feedback: after_submit\n  answers: after_last_attempt", False),  # shown together
    ("attempts: 3\n  feedback: after_submit\n  answers: after_submit", False),
    ("attempts: 3\n  feedback: never\n  answers: never", False),
    ("attempts: 1\n  due: 2026-11-30 17:00\n  feedback: after_submit\n  answers: after_due", True),
    ("attempts: 1\n  feedback: after_submit\n  answers: never", True),
    ("attempts: 2\n  due: 2026-11-30 17:00\n  feedback: after_due\n  answers: after_last_attempt", False),
    ("attempts: 2\n  due: 2026-11-30 17:00\n  feedback: after_due\n  answers: after_due", False),
    ("attempts: 2\n  due: 2026-11-30 17:00\n  feedback: after_due\n  answers: never", True),
])
def test_the_check_runs_exactly_when_feedback_can_show_before_the_answers(tmp_path, settings, leaks):
    head = HEAD.replace("attempts: 2\n  feedback: after_submit\n  answers: after_last_attempt", settings)
    assert bool(messages(tmp_path, text_question(), head)) is leaks
    import yaml

    policy = policy_mod.parse(yaml.safe_load("x:\n  " + settings)["x"])
    assert policy.feedback_without_answers() is leaks


def test_the_message_says_when_feedback_shows_and_what_would_fix_it(tmp_path):
    head = HEAD.replace("attempts: 2\n  feedback: after_submit\n  answers: after_last_attempt",
                        "due: 2026-11-30 17:00\n  feedback: after_due\n  answers: never")
    assert messages(tmp_path, text_question(), head) == [
        "question 'criterion': feedback shown after the due time states the answer \"acceptance criterion\", "
        "but answers are never shown; reword the feedback (or show answers after_due)"]


def test_the_policy_rule_follows_what_students_are_shown():
    """The check's rule and the review page's visibility are the same functions: spot-check one case."""
    policy = policy_mod.Policy(attempts=2)
    now = datetime(2026, 1, 1)
    assert policy.shows_feedback(now, None) and not policy.shows_answers(now, None, 1)
    assert policy.feedback_without_answers()


# -- as flask course check prints it -------------------------------------------------------------

def test_course_check_names_the_quiz_file_and_line(tmp_path):
    quiz = HEAD + textwrap.indent(text_question(), "  ")
    root = make_course(tmp_path / "course", extra={"modules/m1/check.quiz.yaml": quiz})
    course = load_course(root)
    found = [str(p) for p in course.problems if "states the answer" in str(p)]
    assert found == ["course/modules/m1/check.quiz.yaml:14: question 'criterion': feedback shown after each submit "
                     "states the answer \"acceptance criterion\", but answers are held back until after the last "
                     "attempt; reword the feedback (or show answers after_submit)"]
