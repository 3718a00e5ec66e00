"""Feedback that gives the answer away while the quiz still holds the answers back.

When a quiz's policy lets a student read feedback on a submitted attempt before it shows them
the correct answers (``Policy.feedback_without_answers``: e.g. feedback after each submit, answers
after the last of two attempts), no feedback may state an answer: the student would simply
type it in the next attempt, or pass it on to classmates before the due time.

Each question type says what its secret answers are (``secret_answers(variant)``: accepted
texts, the right options' texts, answer values) and what feedback it shows, to whom
(``feedback_texts(variant)``); this module only compares them. A text is found case-insensitively
on word boundaries; a number in the forms a reader recognises (``1500``, ``1,500``, ``0.6`` as
``60%``, ``60 %`` or ``60 per cent``), within the answer's tolerance. What the question text
itself says is not a secret. Parameterised questions are checked on a few fixed variants.
"""
import random
import re

from .questions import numeric
from .questions.base import QuestionType

VARIANTS = 8  # variants checked per question with variables (fixed seeds: the check is repeatable)
NUMBER = re.compile(r"(?<![\w.,])(?P<number>[-\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?!\w|[.,]\d)"
                    r"(?P<percent>\s?%|\s?per\s?cent\b|\s?percent\b)?", re.IGNORECASE)
SHOWN = {"after_submit": "shown after each submit", "after_due": "shown after the due time"}
HELD = {"after_last_attempt": "held back until after the last attempt",
        "after_due": "held back until the due time", "never": "never shown"}


def check(quiz):
    """``[(line, message)]``: every feedback text of ``quiz`` that states its question's answer
    while the answers are held back."""
    policy = quiz.policy
    if not policy.feedback_without_answers():
        return []
    found = {}  # (question, feedback line, label) -> [answers stated]
    for question in quiz.questions:
        for variant in _variants(question):
            texts = question.feedback_texts(variant)
            if not texts:
                break  # no feedback at all: nothing to compute
            secrets = _secrets(question, variant)
            for text in texts:
                words = _plain(text.text)
                stated = found.setdefault((question, text.line, text.label), [])
                for secret in secrets:
                    if secret not in text.known and secret.text not in stated and states(words, secret):
                        stated.append(secret.text)
    return [(line or question.data.line, _message(question, label, stated, policy))
            for (question, line, label), stated in found.items() if stated]


def _secrets(question, variant):
    """The question's secrets in ``variant`` that its own text does not already say."""
    asked = _plain(question.asked_text(variant))
    return [secret for secret in question.secret_answers(variant) if not states(asked, secret)]


def _message(question, label, stated, policy):
    held = HELD.get(policy.answers, "held back")
    if policy.answers == "after_last_attempt" and policy.due is not None:
        held += " or the due time"
    answers = [f'"{text}"' for text in stated]
    return (f"question '{question.id}': {label} {SHOWN.get(policy.feedback, 'shown')} states the "
            f"answer{'s' if len(answers) > 1 else ''} {_and(answers)}, but answers are {held}; "
            f"reword the feedback (or show answers {policy.feedback})")


def _and(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def states(words, secret):
    """Whether plain text ``words`` says ``secret`` (a ``questions.base.Secret``)."""
    if secret.value is not None:
        return any(_same_number(match, secret) for match in NUMBER.finditer(words))
    wanted = " ".join(secret.text.split()).strip().rstrip(".!?;:,").strip()
    if len(wanted) < 2:  # one letter is found in any sentence
        return False
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, wanted.split())) + r"(?:e?s)?(?!\w)"  # or its plural
    return re.search(pattern, words, re.IGNORECASE) is not None


def _same_number(match, secret):
    number = float(match.group("number").replace("\u2212", "-").replace(",", ""))
    if numeric.within(number, secret.value, secret.tolerance):
        return True
    return bool(match.group("percent")) and numeric.within(number / 100, secret.value, secret.tolerance)


def _variants(question):
    if not question.variables:
        return [question.draw(random.Random(f"leak-check:{question.id}"))]
    return [question.draw(random.Random(f"leak-check:{question.id}:{i}")) for i in range(VARIANTS)]


_plain = QuestionType.plain
