"""A graded quiz embedded in a unit: ``::: quiz <key>`` names ``<key>.quiz.yaml`` in the module.

The unit page shows the quiz's card (rules, the reader's attempts and grade, a start button);
the questions themselves are only on the attempt page, so nothing about them reaches a page
before the student starts.
"""
from flask import render_template
from flask_login import current_user

from .registry import ActivityType, ConfigError, Examples, line_of, register

NO_UUID = ("This quiz cannot be taken yet: its file has a problem that the course check reports "
           "(it has no valid uuid).")


@register
class QuizActivity(ActivityType):
    name = "quiz"
    label = "Quiz"
    allowed_keys = {"quiz"}

    @classmethod
    def from_config(cls, config, unit, key="", line=1):
        cls.check_keys(config)
        key = str(config.get("quiz") or key or "").strip()
        if not key:
            raise ConfigError("name the quiz: '::: quiz <key>' for the file <key>.quiz.yaml in this module")
        quiz = unit.module.quizzes.get(key)
        if quiz is None:
            known = ", ".join(sorted(unit.module.quizzes)) or "none"
            raise ConfigError(f"no quiz file {key}.quiz.yaml in this module (quizzes here: {known})",
                              line_of(config, "quiz"), "quiz")
        activity = cls(config, unit, key, line)
        activity.quiz = quiz
        if unit not in quiz.units:
            quiz.units.append(unit)
        return activity

    @classmethod
    def examples(cls):
        quiz = ("uuid: 5f0c1d2e-8a4b-4c6d-9e7f-1a2b3c4d5e6f\ntitle: Check your understanding\nquestions:\n"
                "  - id: twin\n    type: truefalse\n    text: A digital twin is updated from the city it models.\n"
                "    answer: true\n")
        return Examples(valid={"quiz": "check"}, invalid={"quiz": "missing"}, problem="no quiz file missing.quiz.yaml",
                        field="quiz", files={"check.quiz.yaml": quiz})

    @property
    def dom_id(self):
        return f"quiz-{self.quiz.key}"

    def render(self, context):
        from ..quizzes import service

        quiz = self.quiz
        user = context.get("user") or current_user
        if quiz.uuid:
            attempts = service.attempts_of(user.id, quiz)
            grade, due = service.grade_of(user.id, quiz, attempts), service.due_for(user.id, quiz)
            allowed, why = quiz.policy.may_start(service.utcnow(), due, len(attempts))
        else:  # attempts are recorded under the uuid: without one nobody can start
            attempts, grade, due, allowed, why = [], None, None, False, NO_UUID
        return render_template("activities/quiz.html", activity=self, quiz=quiz, attempts=attempts,
                               grade=grade, due=due, may_start=allowed, why_not=why,
                               current=service.open_attempt(attempts))
