"""Deliberation exercise files: what loads, and every mistake reported on its own line."""
import re

import pytest

from app.config import ROOT
from app.deliberation import exercise_file
from app.deliberation.stages import STAGE_TYPES, clean_value
from app.inputs import clean_text

GOOD = """\
uuid: 0b7f1f0e-3c52-4a8e-9d1e-2f6a1c9b7d10
title: Parking sensors
mode: group
visibility: anonymous
minutes: 45
brief: |
  Sensors in every bay.
roles:
  - name: Sponsor
    who: Head of parking
    brief: Wants income.
stages:
  - type: consequences
    min_notes: 2
  - type: prioritise
    dots: 5
  - type: options
    options:
      - title: Sensors everywhere
        description: All bays.
      - Pay by phone only
  - type: opinions
    statements: [Parking data should be open.]
  - type: decision
    id: final
    title: Your call
"""


def load(tmp_path, text):
    path = tmp_path / f"x{exercise_file.SUFFIX}"
    path.write_text(text, encoding="utf-8")
    return exercise_file.load(path, "x.deliberation.yaml", "x")


def test_a_good_file_loads(tmp_path):
    exercise, problems = load(tmp_path, GOOD)
    assert problems == []
    assert (exercise.mode, exercise.visibility, exercise.minutes) == ("group", "anonymous", 45)
    assert [s.id for s in exercise.stages] == ["consequences", "prioritise", "options", "opinions", "final"]
    assert exercise.stage("final").title == "Your call" and exercise.stage("final").number == 5
    assert exercise.stage("consequences").min_notes == 2 and exercise.stage("prioritise").dots == 5
    assert [o.title for o in exercise.stage("options").options] == ["Sensors everywhere", "Pay by phone only"]
    assert exercise.stage("opinions").statements == ["Parking data should be open."]
    assert exercise.roles[0].who == "Head of parking" and "Wants income." in exercise.roles[0].brief_html
    assert len(exercise.rubric) == 5 and exercise.max_rubric_points == 15


@pytest.mark.parametrize("change, line, message", [
    (("mode: group", "mode: teams"), 3, "'mode' must be one of: solo, group"),
    (("minutes: 45", "minutes: soon"), 5, "'minutes' must be a whole number"),
    (("title: Parking sensors\n", ""), 1, "missing 'title'"),
    (("uuid: 0b7f1f0e-3c52-4a8e-9d1e-2f6a1c9b7d10", "uuid: nope"), 1, "'uuid' is not a valid UUID"),
    (("    who: Head of parking", "    job: Head of parking"), 10, "role card 1: unknown setting 'job'"),
    (("  - type: consequences", "  - type: brainstorm"), 13, "stage 1: unknown type 'brainstorm'"),
    (("    min_notes: 2", "    min_notes: many"), 14, "'min_notes' must be a whole number from 0 to 50"),
    (("    dots: 5", "    dots: 0"), 16, "'dots' must be a whole number from 1 to 20"),
    (("    dots: 5", "    dots: 5\n    statements: [x]"), 17, "stage 2 (prioritise): unknown setting 'statements'"),
    (("  - type: consequences\n    min_notes: 2\n", ""), 13, "put a 'consequences' stage before it"),
    (("    id: final\n", ""), 25, "two stages have the id"),
    (("      - Pay by phone only", "      - {description: no title}"), 21, "option 2 needs a 'title'"),
    (("brief: |\n  Sensors in every bay.\n", ""), 1, "missing 'brief'"),
])
def test_mistakes_are_reported_with_their_line(tmp_path, change, line, message):
    old, new = change
    text = GOOD.replace(old, new) if old != "    id: final\n" else GOOD.replace(old, "").replace(
        "  - type: decision", "  - type: decision\n  - type: decision")
    assert old in GOOD
    _, problems = load(tmp_path, text)
    matching = [(at, text) for at, text in problems if message in text]
    assert matching, problems
    assert matching[0][0] == line, problems


def test_a_rubric_of_its_own_is_checked(tmp_path):
    rubric = "rubric:\n  - criterion: Evidence\n    levels:\n      - {points: 0, description: None}\n"
    _, problems = load(tmp_path, GOOD + rubric)
    assert any("at least two levels" in message for _, message in problems), problems
    good = rubric + "      - {points: 4, description: Strong}\n"
    exercise, problems = load(tmp_path, GOOD + good)
    assert problems == [] and exercise.rubric_score({0: 1}) == 1.0
    with pytest.raises(ValueError):
        exercise.rubric_score({})


def test_a_yaml_error_names_its_line(tmp_path):
    _, problems = load(tmp_path, GOOD.replace("    dots: 5", "    dots: [5"))
    assert problems and problems[0][0] >= 17


def test_every_stage_type_declares_what_it_needs():
    for stage in STAGE_TYPES:
        assert stage.label and stage.summary
        names = [f.name for f in stage.fields] + ([f.name for f in stage.note.fields] if stage.note else [])
        assert all(re.fullmatch(r"[a-z_]+", n) for n in names), stage.name
        if stage.note:
            assert stage.note.title_field in {f.name for f in stage.note.fields}


def test_learner_text_is_cleaned_and_limited():
    assert clean_text("  a\x00b\x1bc\r\nd  ") == "abc\nd"
    spec = STAGE_TYPES["purpose"].field("goal")
    with pytest.raises(ValueError, match="too long"):
        clean_value(spec, "x" * 2001)
    assert clean_value(spec, "<script>alert(1)</script>") == "<script>alert(1)</script>"  # kept; shown escaped
    scale = STAGE_TYPES["governance"].field("fairness")
    assert clean_value(scale, "0") == 0 and clean_value(scale, "") == ""
    with pytest.raises(ValueError, match="from 0 to 5"):
        clean_value(scale, "6")
    role = STAGE_TYPES["stakeholders"].note.fields[1]
    assert clean_value(role, "Sponsor", roles=["Sponsor"]) == "Sponsor" and clean_value(role, "other") == "other"
    links = STAGE_TYPES["governance"].note.fields[1]
    assert clean_value(links, "3, 4", note_ids={3, 4}) == "3,4"
    with pytest.raises(ValueError, match="not in this attempt"):
        clean_value(links, "3,5", note_ids={3, 4})


DOC = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
SECTION = DOC[DOC.index("## Deliberation exercises"):]


def test_the_documented_example_loads(tmp_path):
    """A tutor who copies the example file from docs/authoring.md gets no error."""
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", SECTION, re.S) if b.startswith("uuid:")]
    assert blocks
    for block in blocks:
        _, problems = load(tmp_path, block)
        assert problems == []
