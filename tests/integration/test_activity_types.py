"""Every registered activity type, walked from its own ``examples()``: a unit that embeds each
valid example loads without a problem and shows each activity to a student; a unit that embeds
each invalid example gets each refusal at the file line of the setting at fault."""
import pytest
import yaml

from app.activities import TYPES as ACTIVITY_TYPES
from app.content.loader import load_course
from tests.helpers import make_course, yaml_block_line

VALID_UNIT, INVALID_UNIT = "modules/m1/01-first.md", "modules/m1/02-second.md"


def block(name, key, config):
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True) if config else ""
    return f"::: {name} {key}\n{body}:::\n"


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """A course whose first unit embeds every type's valid example and whose second embeds every
    invalid one: ``(loaded course, its folder)``."""
    valid, invalid, files = [], [], {}
    for number, activity_type in enumerate(ACTIVITY_TYPES, start=1):
        examples = activity_type.examples()
        valid.append(block(activity_type.name, f"k{number}", examples.valid))
        invalid.append(block(activity_type.name, f"bad{number}", examples.invalid))
        files.update({f"modules/m1/{name}": text for name, text in examples.files.items()})
    units = {"01-first.md": ("33333333-3333-4333-8333-333333333301", "First", "[]", "\n".join(valid)),
             "02-second.md": ("33333333-3333-4333-8333-333333333302", "Second", "[]", "\n".join(invalid))}
    root = make_course(tmp_path_factory.mktemp("walk") / "course", m1_units=units, extra=files)
    return load_course(root), root


@pytest.fixture
def app_config(walked):
    return {"COURSE_DIR": str(walked[1])}


@pytest.mark.parametrize("name", ACTIVITY_TYPES.names())
def test_every_activity_type_embeds_renders_and_refuses_its_invalid_example(name, walked, app, client, auth, make):
    course, root = walked
    examples = ACTIVITY_TYPES[name].examples()
    assert not [p for p in course.problems if p.path.endswith(VALID_UNIT)], course.problems
    first = next(u for u in course.units if u.path.endswith(VALID_UNIT))
    activity = next(a.activity for a in first.activities if a.type_name == name)
    assert activity is not None

    text = (root / INVALID_UNIT).read_text(encoding="utf-8")
    start = text.split("\n").index(next(line for line in text.split("\n") if line.startswith(f"::: {name} bad")))
    expected = yaml_block_line(text, start + 1, examples.field) if examples.field else start + 1
    found = [p for p in course.problems if p.path.endswith(INVALID_UNIT) and f"{name}: " in p.message
             and examples.problem in p.message]
    assert found and found[0].line == expected, (expected, [str(p) for p in course.problems])

    auth.login(make.user(cohorts=[make.cohort("pgcert")]))
    response = client.get(first.url)
    assert response.status_code == 200
    assert f'id="{activity.dom_id}"' in response.get_data(as_text=True)


