"""The quiz examples in docs/authoring.md are valid: a tutor who copies one gets no error."""
import re

import pytest

from app.config import ROOT
from app.content import yaml_lines
from app.quizzes import quiz_file
from app.quizzes.questions import get

DOC = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
START = DOC.index("## Quizzes")
BLOCKS = [(DOC[:START + m.start()].count("\n") + 2, m.group(1))
          for m in re.finditer(r"```yaml\n(.*?)```", DOC[START:], re.S)]


def _questions(data):
    if isinstance(data, list):
        return data
    if "questions" in data:
        return data["questions"]
    return [data] if "type" in data else []


@pytest.mark.parametrize("line, block", BLOCKS, ids=[f"line-{line}" for line, _ in BLOCKS])
def test_every_quiz_example_loads(line, block):
    try:
        data = yaml_lines.load(block)
    except yaml_lines.YamlError as error:
        pytest.fail(f"docs/authoring.md:{line + error.line - 1}: {error.message}")
    for question in _questions(data):
        if isinstance(question, dict) and "id" in question and "type" in question:
            get(question["type"]).from_config(question, f"docs/authoring.md:{line}")


def test_the_full_quiz_example_loads_as_a_quiz_file(tmp_path):
    line, block = next((line, block) for line, block in BLOCKS if block.startswith("uuid:"))
    path = tmp_path / f"example{quiz_file.SUFFIX}"
    path.write_text(block, encoding="utf-8")
    quiz, problems = quiz_file.load(path, "example.quiz.yaml", "example")
    assert problems == [], f"docs/authoring.md:{line}: {problems}"
    assert quiz.questions
