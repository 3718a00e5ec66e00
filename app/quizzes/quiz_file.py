"""Quizzes as files: ``course/modules/<module>/<key>.quiz.yaml``, loaded with file:line errors.

    uuid: 3d6f...                 # stable identity: grades follow it if the file is renamed
    title: Check your understanding
    intro: Markdown shown above the questions.
    policy: {attempts: 2, ...}    # see policy.py
    shuffle: false                # present the questions in a per-student random order
    questions:
      - id: definition            # unique in the quiz; answers are stored under it
        type: single              # questions.names(); each type in docs/authoring.md, "Question types"
        text: Markdown ...
        ...

Units embed one with ``::: quiz <key>``.
"""
import random
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup

from ..content import formats, markdown_render, yaml_lines
from . import leak_check
from . import policy as policy_mod
from .questions import base

SUFFIX = ".quiz.yaml"
KEYS = {"uuid", "title", "intro", "policy", "questions", "shuffle"}


@dataclass
class Quiz:
    uuid: str
    key: str
    title: str
    path: str  # relative to the course's parent, as problems print it
    intro_html: str = ""
    policy: policy_mod.Policy = field(default_factory=policy_mod.Policy)
    questions: list = field(default_factory=list)
    shuffle: bool = False
    module: object = None
    units: list = field(default_factory=list)  # units that embed it

    @property
    def points(self):
        return sum(q.points for q in self.questions)

    def question(self, question_id):
        return next((q for q in self.questions if q.id == question_id), None)

    def variant(self, seed, secret=None):
        """``(ordered questions, {question id: variables})`` for an attempt's ``seed``.

        Each question's variables also hold its option-token key for this attempt
        (``base.KEY``), made with ``secret`` (default: the app's ``SECRET_KEY``); it is drawn
        from no random numbers, so the order and values stay those of the seed."""
        secret = current_app.secret_key if secret is None else secret
        if not secret:
            raise RuntimeError("SECRET_KEY is not set: quiz option tokens are made with it")
        rng = random.Random(f"{self.uuid}:{seed}")
        order = list(self.questions)
        if self.shuffle:
            rng.shuffle(order)
        variants = {}
        for question in self.questions:  # file order, so adding shuffle keeps the values
            variant = question.draw(random.Random(f"{self.uuid}:{seed}:{question.id}"))
            variant[base.KEY] = base.attempt_key(secret, self.uuid, seed, question.id)
            variants[question.id] = variant
        return order, variants

    @property
    def url(self):
        return self.units[0].url + f"#quiz-{self.key}" if self.units else None


def load(path, rel_path, key):
    """``(quiz or None, [(line, message)])`` for one quiz file."""
    data, problems = yaml_lines.load_mapping_file(
        path, "a quiz file is a mapping: uuid, title, policy, questions", sorted(KEYS))
    if data is None:
        return None, problems
    quiz_uuid = formats.file_uuid(data, problems)
    title = str(data.get("title") or "").strip()
    if not title:
        problems.append((data.line_of("title"), "missing 'title'"))
    try:
        policy = policy_mod.parse(data.get("policy"))
    except policy_mod.PolicyError as exc:
        block = data.get("policy")
        line = block.line_of(exc.key) if hasattr(block, "line_of") and exc.key else data.line_of("policy")
        problems.append((line, f"policy: {exc.message}"))
        policy = policy_mod.Policy()
    intro = data.get("intro")
    quiz = Quiz(uuid=quiz_uuid, key=key, title=title, path=rel_path, policy=policy,
                intro_html=Markup(markdown_render.render(str(intro))) if intro else Markup(""),
                shuffle=bool(data.get("shuffle", False)))
    quiz.questions = _questions(data, rel_path, problems)
    if not quiz.questions and not any("questions" in m for _, m in problems):
        problems.append((data.line_of("questions"), "a quiz needs at least one question"))
    problems.extend(leak_check.check(quiz))
    return quiz, problems


def _questions(data, rel_path, problems):
    items = data.get("questions")
    if not isinstance(items, list):
        problems.append((data.line_of("questions"), "'questions' must be a list of questions"))
        return []
    questions, seen = [], {}
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append((data.line_of("questions"), f"question {index} must be a mapping (id, type, text, ...)"))
            continue
        qid = item.get("id")
        if not isinstance(qid, (str, int)) or isinstance(qid, bool) or not str(qid).strip():
            problems.append((item.line, f"question {index}: missing 'id' (a short name, unique in this quiz)"))
            continue
        qid = str(qid)
        if qid in seen:
            problems.append((item.line_of("id"), f"duplicate question id '{qid}' (also on line {seen[qid]})"))
            continue
        seen[qid] = item.line_of("id")
        kind = base.get(item.get("type"))
        if kind is None:
            problems.append((item.line_of("type"), f"question '{qid}': unknown type {item.get('type')!r} "
                                                   f"(known: {', '.join(base.names())})"))
            continue
        try:
            questions.append(kind.from_config(item, rel_path))
        except base.ConfigError as exc:
            problems.append((exc.line or item.line, f"question '{qid}': {exc.message}"))
    return questions


formats.MODULE_FILES.add(formats.ModuleFile("quizzes", SUFFIX, load))
