"""Every registered type of every family (``app.registry``), walked from its own ``examples()``:
question types configured, rendered, answered and graded; live activity types configured,
answered (and refused) on a phone, with their results and charts drawn; stage types loaded in an
exercise (activity types: ``test_activity_types.py``). An invalid example is refused with its
message at the file line of the setting at fault. A type is walked as soon as it is registered."""

import random

import pytest
import yaml
from werkzeug.datastructures import MultiDict

from app.content import yaml_lines
from app.deliberation import exercise_file
from app.deliberation.stages import STAGE_TYPES
from app.extensions import db as _db
from app.live import charts, kinds, service
from app.models import LiveActivity
from app.quizzes.questions import base as questions
from app.registry import ConfigError, Registry
from tests.conftest import csrf_token
from tests.helpers import yaml_block_line
from tests.integration.live_rooms import JSON, guest, open_room


def dump(mapping):
    return yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True) if mapping else ""


@pytest.mark.parametrize("name", questions.TYPES.names())
def test_every_question_type_loads_renders_and_grades_its_examples(name, app):
    question_type = questions.TYPES[name]
    examples = question_type.examples()
    data = yaml_lines.load(dump(examples.valid))
    question = question_type.from_config(data, "x.quiz.yaml")
    variant = dict(question.draw(random.Random(7)), _key="k" * 16)
    with app.test_request_context():
        html = str(question.render(variant))
    assert question.field in html
    right, wrong = question.responses(variant)
    if question.manual:  # a tutor grades it against the rubric
        assert question.grade_rubric(right["rubric"]).score == 1.0
        assert question.grade_rubric(wrong["rubric"]).score < 1.0
    else:
        assert question.grade(right, variant).score == pytest.approx(1.0), right
        assert question.grade(wrong, variant).score < 1.0, wrong
        assert question.correct_answer_html(variant)

    text = dump(examples.invalid)
    with pytest.raises(ConfigError) as refused:
        question_type.from_config(yaml_lines.load(text), "x.quiz.yaml")
    assert examples.problem in refused.value.message
    key_line = yaml_block_line("::: q\n" + text, 1, examples.field) - 1
    assert refused.value.line is not None and refused.value.line >= key_line, (refused.value.line, key_line)


@pytest.fixture
def room(app, make):
    return open_room(make, board=False)


@pytest.mark.parametrize("name", sorted(kind.name for kind in kinds.registered()))
def test_every_live_activity_type_takes_an_answer_refuses_a_bad_one_and_shows_results(name, app, room, auth):
    kind = kinds.get(name)
    examples = kind.examples()
    settings = kind.from_config(examples.valid)
    session = room["session"]
    activity = LiveActivity(session=session, kind=kind.name, title=f"A {kind.label}", position=1,
                            config=dict(settings, prompt=""))
    _db.session.add(activity)
    _db.session.commit()
    service.go_live(session, activity)
    phone = guest(app, session)
    token = csrf_token(phone, "/login")
    sent = phone.post(f"/live/{session.code}/posts", data=dict(examples.right, key="r1", csrf_token=token),
                      headers=JSON)
    assert sent.status_code == 201, sent.get_data(as_text=True)
    refused = phone.post(f"/live/{session.code}/posts", data=dict(examples.wrong, key="w1", csrf_token=token),
                         headers=JSON)
    assert refused.status_code == 400 and refused.json["message"], refused.get_data(as_text=True)
    results = service.results(activity)
    out = charts.Charts(activity, projector=False)
    kind.charts(out, activity, results)
    auth.login(room["tutor"])
    assert auth.client.get(f"/live/{session.code}/results").status_code == 200
    assert auth.client.get(f"/live/{session.code}/projector").status_code == 200

    refusals = kind.unknown_settings(examples.invalid)
    if not refusals:
        with pytest.raises(ConfigError) as bad:
            kind.from_config(examples.invalid)
        refusals = [bad.value]
    assert examples.problem in refusals[0].message and refusals[0].field == examples.field
    # the tutor's form gives the same settings through the same validator
    form = MultiDict({name: "\n".join(map(str, value)) if isinstance(value, list) else
                      ("1" if value is True else str(value)) for name, value in examples.valid.items()})
    assert kind.from_config(kind.form_data(form)) == settings


EXERCISE = """\
uuid: 0b7f1f0e-3c52-4a8e-9d1e-2f6a1c9b7d10
title: Parking sensors
mode: solo
brief: Sensors in every bay.
stages:
{stage}"""


@pytest.mark.parametrize("name", STAGE_TYPES.names())
def test_every_stage_type_loads_in_an_exercise_and_refuses_an_unknown_setting(name, tmp_path):
    stage = STAGE_TYPES[name]
    extra = {"options": {"options": ["Sensors everywhere", "Pay by phone"]},
             "opinions": {"statements": ["Parking data should be open."]}}.get(name, {})
    before = [{"type": "consequences"}] if name == "prioritise" else []  # it ranks that stage's notes
    path = tmp_path / f"x{exercise_file.SUFFIX}"
    path.write_text(EXERCISE.format(stage=dump([*before, {"type": name, **extra}])), encoding="utf-8")
    exercise, problems = exercise_file.load(path, "x.deliberation.yaml", "x")
    assert problems == [] and exercise.stages[-1].type is stage
    path.write_text(EXERCISE.format(stage=dump([*before, {"type": name, **extra, "colour": "red"}])),
                    encoding="utf-8")
    _, problems = exercise_file.load(path, "x.deliberation.yaml", "x")
    lines = path.read_text().split("\n")
    assert [line for line, message in problems if "colour" in message] == [lines.index("  colour: red") + 1]


def test_a_registry_refuses_an_unknown_name_and_a_second_type_of_the_same_name():
    family = Registry("widget")

    @family.register
    class Dial:
        name = "dial"

    assert family["dial"] is Dial and family.names() == ["dial"] and "dial" in family
    with pytest.raises(ConfigError, match=r"unknown widget 'knob' \(known: dial\)"):
        family["knob"]

    class Other:
        name = "dial"

    with pytest.raises(ValueError, match="two widgets are called 'dial'"):
        family.register(Other)
