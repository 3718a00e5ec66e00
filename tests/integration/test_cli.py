"""``flask course check``, ``flask course new-unit``, ``flask demo seed``."""
from app.content import load_course
from app.models import Cohort, User


def test_check_passes_on_the_real_course(runner):
    result = runner.invoke(args=["course", "check"])
    assert result.exit_code == 0, result.output
    assert "Course OK:" in result.output


def test_check_prints_path_line_message_and_exits_1(runner, course_copy):
    unit = sorted((course_copy / "modules/m1-digital-innovation").glob("01-*.md"))[0]
    text = unit.read_text()
    unit.write_text(text.replace("::: reflection", "::: hologram", 1))
    result = runner.invoke(args=["course", "check", "--path", str(course_copy)])
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(unit.read_text().splitlines(), 1) if text.startswith("::: hologram"))
    assert f"course/modules/m1-digital-innovation/{unit.name}:{line}: unknown activity type 'hologram'" in result.output


def test_new_unit_scaffolds_a_valid_unit(runner, course_copy):
    result = runner.invoke(args=["course", "new-unit", "m1-digital-innovation", "Data: who owns it?", "--path", str(course_copy)])
    assert result.exit_code == 0, result.output
    path = result.output.strip()
    assert path.endswith("-data-who-owns-it.md")
    course = load_course(course_copy)
    assert course.problems == []
    unit = course.modules_by_slug["m1-digital-innovation"].units[-1]
    assert unit.title == "Data: who owns it?" and len(unit.uuid) == 36
    again = runner.invoke(args=["course", "new-unit", "m1-digital-innovation", "Data: who owns it?", "--path", str(course_copy)])
    assert again.output.strip() != path  # numbered after the last one


def test_new_unit_rejects_unknown_module(runner, course_copy):
    result = runner.invoke(args=["course", "new-unit", "nope", "T", "--path", str(course_copy)])
    assert result.exit_code != 0 and "no module folder" in result.output


def test_demo_seed_is_idempotent_and_prints_logins(runner, db):
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == second.exit_code == 0
    assert "tutor@leadup.example" in first.output and "leadup-demo-2026" in first.output
    assert db.session.query(User).count() == 5 and db.session.query(Cohort).count() == 2
    assert len(User.by_email("amira@leadup.example").cohorts()) == 1
