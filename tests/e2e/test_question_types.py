"""axe-core on every registered question type, rendered once from its own ``examples()`` as the
attempt page shows it (in the site's page and styles), so a new type is checked as soon as it
is registered, whether or not the course uses it yet."""
import random

import pytest
import yaml

from app import create_app
from app.config import TestingConfig
from app.content import yaml_lines
from app.quizzes.questions import base as questions

from .conftest import AMIRA

pytestmark = pytest.mark.e2e


def rendered_questions():
    """``[(type name, HTML of its example as the attempt page lists it)]``."""
    app = create_app(TestingConfig)
    shown = []
    with app.test_request_context():
        for number, question_type in enumerate(questions.TYPES, start=1):
            data = yaml_lines.load(yaml.safe_dump(question_type.examples().valid, sort_keys=False))
            question = question_type.from_config(data, "x.quiz.yaml")
            variant = dict(question.draw(random.Random(3)), _key="k" * 16)
            shown.append((question_type.name, (
                f'<li class="quiz-question" id="question-{question.id}"><div class="quiz-question-head">'
                f'<h2 class="quiz-question-title">Question {number}: {question_type.label}</h2></div>'
                f"{question.text_html(variant)}{question.render(variant)}</li>")))
    return shown


def test_every_question_type_passes_axe(contexts, axe):
    page = contexts.new(bypass_csp=True, user=AMIRA).new_page()
    page.goto("/account")  # the site's page: its header, styles and landmarks
    for name, html in rendered_questions():
        page.evaluate("""(html) => { document.querySelector("main").innerHTML =
            `<h1>A ${"question"}</h1><form class="quiz-form"><ol class="quiz-questions"></ol></form>`;
            document.querySelector(".quiz-questions").innerHTML = html; }""", html)
        assert page.locator(".quiz-question").count() == 1, name
        axe.scan(page, f"the {name} question")
    axe.assert_clean()
