"""``flask quiz import-gift`` and ``flask quiz export-gift`` on a copy of the course."""
import pytest

from app.content import load_course, yaml_lines
from tests.conftest import write

MODULE = "m1-digital-innovation"

BANK = r"""// A small Moodle bank.
::Waves::Which wave of smart cities is led by citizens? {
    =The third wave#Yes.
    ~The first wave#No\: it was technology-led.
}

::Twin::A digital twin represents one real place.{T}

::Families::Which are families of challenge? {
    ~%50%Siloedness
    ~%50%Skills
    ~%-100%Too much funding
}

::Mean trip::Mean commuting distance, in km? {#13.56:0.1}

::Method::Name the balancing method. {=Furness =%50%Furness method#Half marks.}

::Roles::Match each role. {
    =Sponsor -> Gives the mandate
    =Champion -> Argues for it
}

::Reflect::Argue for one initiative's public value. {}

Grant is buried {=in a tomb ~at sea} in New York City.
"""


@pytest.fixture
def app_config(course_copy):
    return {"COURSE_DIR": str(course_copy)}


def import_gift(runner, path, key, *extra):
    return runner.invoke(args=["quiz", "import-gift", str(path), "--module", MODULE, "--key", key, *extra])


def questions_in(path):
    return yaml_lines.load(path.read_text(encoding="utf-8"))["questions"]


def test_import_writes_a_quiz_the_course_loads(runner, course_copy, tmp_path):
    bank = write(tmp_path / "smart_city-bank.txt", BANK)
    result = import_gift(runner, bank, "m1-bank")
    assert result.exit_code == 0, result.output
    target = course_copy / "modules" / MODULE / "m1-bank.quiz.yaml"
    assert f"{target}: 8 question(s)" in result.output and "::: quiz m1-bank" in result.output
    course = load_course(course_copy)
    assert [str(p) for p in course.problems] == []
    quiz = course.modules_by_slug[MODULE].quizzes["m1-bank"]
    assert quiz.title == "Smart city bank" and len(quiz.uuid) == 36
    assert [q.name for q in quiz.questions] == ["single", "truefalse", "multiple", "numeric", "text", "matching",
                                                "essay", "cloze"]


def test_import_takes_a_title(runner, course_copy, tmp_path):
    bank = write(tmp_path / "bank.txt", BANK)
    assert import_gift(runner, bank, "m1-bank", "--title", "Practice questions").exit_code == 0
    data = yaml_lines.load((course_copy / "modules" / MODULE / "m1-bank.quiz.yaml").read_text())
    assert data["title"] == "Practice questions"


def test_import_refuses_an_existing_key(runner, course_copy, tmp_path):
    existing = course_copy / "modules" / MODULE / "m1-smart-city-check.quiz.yaml"
    before = existing.read_text()
    result = import_gift(runner, write(tmp_path / "bank.txt", BANK), "m1-smart-city-check")
    assert result.exit_code != 0 and "already exists" in result.output
    assert existing.read_text() == before


def test_import_refuses_a_file_with_errors_and_writes_nothing(runner, course_copy, tmp_path):
    bank = write(tmp_path / "bad.txt", "Good {=a ~b}\n\n// then\nUnclosed {\n  =a\n")
    result = import_gift(runner, bank, "m1-bad")
    assert result.exit_code == 1
    assert f"{bank}:4: " in result.stderr and "'{' is never closed" in result.stderr
    assert "nothing written" in result.output
    assert not (course_copy / "modules" / MODULE / "m1-bad.quiz.yaml").exists()


def test_import_refuses_an_unknown_module_or_a_bad_key(runner, tmp_path):
    bank = write(tmp_path / "bank.txt", BANK)
    unknown = runner.invoke(args=["quiz", "import-gift", str(bank), "--module", "m9-nope", "--key", "k"])
    assert unknown.exit_code != 0 and "no module folder" in unknown.output
    bad_key = import_gift(runner, bank, "../escape")
    assert bad_key.exit_code != 0 and "use letters, digits, - and _" in bad_key.output


def test_export_prints_gift_that_reimports_to_the_same_questions(runner, course_copy, tmp_path):
    assert import_gift(runner, write(tmp_path / "bank.txt", BANK), "m1-bank").exit_code == 0
    exported = runner.invoke(args=["quiz", "export-gift", "m1-bank"])
    assert exported.exit_code == 0, exported.output
    assert exported.output.startswith("// Bank\n// Exported from LeadUP quiz ")
    again = import_gift(runner, write(tmp_path / "again.txt", exported.output), "m1-again")
    assert again.exit_code == 0, again.output
    folder = course_copy / "modules" / MODULE
    assert questions_in(folder / "m1-again.quiz.yaml") == questions_in(folder / "m1-bank.quiz.yaml")


def test_export_by_uuid_to_a_file(runner, course_copy, tmp_path):
    quiz_path = course_copy / "modules" / MODULE / "m1-smart-city-check.quiz.yaml"
    quiz_uuid = yaml_lines.load(quiz_path.read_text())["uuid"]
    out = tmp_path / "check.gift.txt"
    result = runner.invoke(args=["quiz", "export-gift", quiz_uuid, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{out}: ")
    assert f"// Exported from LeadUP quiz {quiz_uuid} (m1-smart-city-check.quiz.yaml)" in out.read_text()


def test_export_of_an_unknown_quiz_fails(runner):
    result = runner.invoke(args=["quiz", "export-gift", "no-such-quiz"])
    assert result.exit_code != 0 and "no quiz has the key or uuid 'no-such-quiz'" in result.output


def test_a_course_quiz_exports_and_reimports_what_gift_can_say(runner, course_copy, tmp_path):
    exported = runner.invoke(args=["quiz", "export-gift", "m1-smart-city-check"])
    assert exported.exit_code == 0, exported.output
    assert "// LeadUP question 'population-order' (ordering) has no GIFT equivalent" in exported.output
    again = import_gift(runner, write(tmp_path / "m1.txt", exported.output), "m1-reimport")
    assert again.exit_code == 0, again.output
    assert load_course(course_copy).problems == []
    folder = course_copy / "modules" / MODULE
    original = {q["id"]: q for q in questions_in(folder / "m1-smart-city-check.quiz.yaml")}
    reimported = {q["id"]: q for q in questions_in(folder / "m1-reimport.quiz.yaml")}
    assert len(reimported) == len(original) - exported.output.count("has no GIFT equivalent")
    first = reimported["the-digital-city"]
    assert first["type"] == "single"
    assert [(o["text"], o.get("correct", False)) for o in first["options"]] == [
        (o["text"], o.get("correct", False)) for o in original["digital-city"]["options"]]
