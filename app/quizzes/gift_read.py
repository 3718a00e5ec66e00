"""Reading GIFT, Moodle's plain-text question format, into LeadUP's quiz YAML (as plain dicts).

    // a comment
    ::Waves::[markdown]Which wave of smart cities is led by citizens? {
        =The third wave#Yes.
        ~The first wave#No: it was technology-led.
        ####The deck adapts the three waves from Future Cities Catapult.
    }

``parse(text)`` returns ``(questions, problems)``: question dicts in the quiz-file format
(docs/authoring.md, "The quiz file") and ``[(line, message)]``. A problem whose message starts
with ``NOTE`` is information (something ignored or approximated); any other is an error, and the
question it is in is left out. ``flask quiz import-gift`` (``cli.py``) reads files with it; the
writer is ``gift_write.dump``. The syntax (escapes, blocks, answers) is in ``gift_syntax``; this
module builds the questions.
"""
import re

from ..text import slug
from .gift_syntax import (
    SPECIAL,  # noqa: F401  (the writer takes it, and tidy, from here)
    GiftError,
    blocks,
    find,
    general_feedback,
    partition,
    split_answers,
    split_at,
    split_raw,
    strip_format,
    tidy,
    unescape,
)

NOTE = "note: "
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
GAP = "gap"
GAP_PATTERN = re.compile(r"\[\[\s*([\w-]+)\s*\]\]")
ESSAY_GUIDANCE = "Imported from GIFT: write the rubric"
ALL_AT_ONCE = 100.0


def is_note(problem):
    return problem[1].startswith(NOTE)


def parse(text):
    """``(question dicts, [(line, message)])`` for GIFT ``text``."""
    questions, problems, used = [], [], set()
    for block in blocks(text):
        try:
            question = _question(block, problems)
        except GiftError as error:
            problems.append((error.line, error.message))
            continue
        if question is None:
            continue
        title = question.pop("title", None)
        qid = _unique(slug(title, 40) if title else "", len(questions) + 1, used)
        head = {"id": qid, "type": question.pop("type")}
        if title and title != qid:
            head["title"] = title
        head["text"] = question.pop("text")
        questions.append({**head, **question})
    return questions, sorted(problems, key=lambda p: p[0])


def _question(block, problems):
    """One question's dict (with ``type`` and maybe ``title``), or None for what is skipped."""
    t = block.text
    pos = len(t) - len(t.lstrip())
    if t.startswith("$CATEGORY:", pos):
        problems.append((block.first_line, NOTE + "$CATEGORY ignored: LeadUP quizzes have no question categories"))
        return None
    title = None
    if t.startswith("::", pos):
        end = find(t, "::", pos + 2)
        if end < 0:
            raise GiftError(block.line_at(pos), "the title '::' is never closed with '::'")
        title = unescape(t[pos + 2:end]).strip() or None
        pos = end + 2
    start, close = find(t, "{", pos), find(t, "}", pos)
    if 0 <= close and (start < 0 or close < start):
        raise GiftError(block.line_at(close), "'}' without an opening '{' (write \\} for a brace in text)")
    if start < 0:
        problems.append((block.first_line, NOTE + "skipped a description (text with no answers): "
                                                  "LeadUP quizzes have only questions"))
        return None
    close = find(t, "}", start + 1)
    if close < 0:
        raise GiftError(block.line_at(start), "'{' is never closed with '}'")
    nested = find(t, "{", start + 1)
    if 0 <= nested < close:
        raise GiftError(block.line_at(nested), "'{' inside an answer block (write \\{ for a brace in text)")
    after = t[close + 1:]
    extra = [i for i in (find(after, "{"), find(after, "}")) if i >= 0]
    if extra:
        raise GiftError(block.line_at(close + 1 + min(extra)),
                        "a question has one answer block {...}; write \\{ and \\} for braces in text")
    before = strip_format(t[pos:start])
    body, offset, general = general_feedback(t[start + 1:close], start + 1)
    question = {"title": title} if title else {}
    if after.strip():
        gap = _gap(body, offset, block, problems)
        text = unescape(before) + f"[[{GAP}]]" + unescape(after)
        question.update(type="cloze", text=text.strip(), gaps={GAP: gap})
    else:
        question.update(_answers_of(body, offset, block, problems))
        question["text"] = unescape(before).strip()
        if not question["text"]:
            raise GiftError(block.first_line, "the question has no text before its answers")
    if general:
        question["feedback"] = general
    return question


def _answers_of(body, offset, block, problems):
    """``type`` and the type's settings from an answer block, the way Moodle tells them apart."""
    kind = _kind(body)
    if kind == "essay":
        return {"type": "essay", "rubric": [{"criterion": "Overall quality", "levels": [
            {"points": 0, "description": "Placeholder: what earns no points"},
            {"points": 1, "description": "Placeholder: what earns full marks"},
        ]}], "guidance": ESSAY_GUIDANCE}
    if kind == "numeric":
        return _numeric(body, offset, block)
    if kind == "choice":
        return _choice(body, offset, block, problems)
    if kind == "matching":
        return _matching(body, offset, block)
    if kind == "truefalse":
        return _true_false(body)
    return _short_answer(body, offset, block)


def _kind(body):
    stripped = body.strip()
    if not stripped:
        return "essay"
    if stripped.startswith("#"):
        return "numeric"
    if find(body, "~") >= 0:
        return "choice"
    if find(body, "=") >= 0 and "->" in body:
        return "matching"
    hash_at = find(stripped, "#")
    if stripped[: hash_at if hash_at >= 0 else None].strip() in TRUE_FALSE:
        return "truefalse"
    return "short"


def _choice(body, offset, block, problems):
    answers = split_answers(body, offset, "=~", block)
    rights = [a for a in answers if a.marker == "="]
    if len(answers) < 2:
        raise GiftError(block.line_at(offset), "a multiple-choice question needs at least two answers")
    if len(rights) == 1 and rights[0].weight in (None, ALL_AT_ONCE) and all(
            (a.weight or 0) <= 0 for a in answers if a.marker == "~"):
        return {"type": "single", "options": [_option(a, a is rights[0]) for a in answers]}
    weights = [ALL_AT_ONCE if a.marker == "=" and a.weight is None else (a.weight or 0.0) for a in answers]
    positive = [w for w in weights if w > 0]
    if not positive:
        raise GiftError(block.line_at(offset), "no answer is right: mark one with = or give it a positive %weight%")
    negative = [w for w in weights if w < 0]
    if not (_all_near(positive, 100 / len(positive)) and _all_near(negative, -100 / max(len(negative), 1))):
        problems.append((block.line_at(offset), NOTE + "answer weights other than an equal split became right "
                                                       "(positive) and wrong answers; LeadUP gives partial credit "
                                                       "its own way"))
    return {"type": "multiple", "options": [_option(a, w > 0) for a, w in zip(answers, weights)]}


def _option(answer, correct):
    option = {"text": answer.text}
    if correct:
        option["correct"] = True
    if answer.feedback:
        option["feedback"] = answer.feedback
    return option


def _true_false(body):
    parts = [unescape(strip_format(p)).strip() for p in split_at(body.strip(), "#")]
    answer = TRUE_FALSE[parts[0]]
    wrong, right = (parts + ["", ""])[1:3]
    question = {"type": "truefalse", "answer": answer}
    shown_if_true, shown_if_false = (right, wrong) if answer else (wrong, right)
    if shown_if_true:
        question["feedback_true"] = shown_if_true
    if shown_if_false:
        question["feedback_false"] = shown_if_false
    return question


def _numeric(body, offset, block):
    hash_at = find(body, "#")
    rest, rest_offset = body[hash_at + 1:], offset + hash_at + 1
    if find(rest, "=") < 0:
        spec, _, feedback = partition(rest, "#")
        value, tolerance = _number_spec(spec, block.line_at(rest_offset))
        feedback = unescape(feedback).strip()
        if feedback:
            return {"type": "numeric", "answers": [_numeric_answer(value, tolerance, 1, feedback)]}
        question = {"type": "numeric", "answer": value}
        if tolerance:
            question["tolerance"] = tolerance
        return question
    answers = []
    for answer in split_answers(rest, rest_offset, "=", block, unescape_text=False):
        value, tolerance = _number_spec(answer.text, block.line_at(answer.offset))
        score = 1 if answer.weight is None else tidy(answer.weight / 100)
        answers.append(_numeric_answer(value, tolerance, score, answer.feedback))
    return {"type": "numeric", "answers": answers}


def _numeric_answer(value, tolerance, score, feedback):
    answer = {"value": value}
    if tolerance:
        answer["tolerance"] = tolerance
    answer["score"] = score
    if feedback:
        answer["feedback"] = feedback
    return answer


def _number_spec(spec, line):
    """``13.56:0.1``, ``1..5`` or ``13.56`` -> ``(value, absolute tolerance)``."""
    spec = unescape(spec).strip()
    if ".." in spec:
        low, high = (_number(part, line) for part in spec.split("..", 1))
        return tidy((low + high) / 2), tidy(abs(high - low) / 2)
    value, _, tolerance = spec.partition(":")
    return _number(value, line), _number(tolerance, line) if tolerance.strip() else 0


def _number(text, line):
    try:
        return tidy(float(text.strip()))
    except ValueError:
        raise GiftError(line, f"{text.strip()!r} is not a number (numeric answers are like 13.56:0.1 "
                              "or 1..5)") from None


def _matching(body, offset, block):
    pairs, distractors = [], []
    for part, at in split_raw(body, offset, "=", block):
        part = part[1:]
        if find(part, "#") >= 0:
            raise GiftError(block.line_at(at), "matching pairs cannot have feedback ('#'); write \\# in text")
        left, arrow, right = part.partition("->")
        if not arrow:
            raise GiftError(block.line_at(at), "each matching pair is '=left -> right'")
        left, right = unescape(left).strip(), unescape(right).strip()
        if not right:
            raise GiftError(block.line_at(at), "a matching pair has nothing after '->'")
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    if len(pairs) < 2:
        raise GiftError(block.line_at(offset), "a matching question needs at least two pairs")
    question = {"type": "matching", "pairs": pairs}
    if distractors:
        question["distractors"] = distractors
    return question


def _short_answer(body, offset, block):
    answers = []
    for answer in split_answers(body, offset, "=", block):
        item = _text_answer(answer.text)
        item["score"] = 1 if answer.weight is None else tidy(answer.weight / 100)
        if answer.feedback:
            item["feedback"] = answer.feedback
        answers.append(item)
    return {"type": "text", "answers": answers}


def _text_answer(text):
    """Moodle's ``*`` wildcard becomes a regular expression."""
    if "*" in text:
        return {"regex": ".*".join(re.escape(part) for part in text.split("*"))}
    return {"text": text}


def _gap(body, offset, block, problems):
    """The one gap of a missing-word question."""
    kind = _kind(body)
    if kind in ("essay", "matching", "truefalse"):
        raise GiftError(block.line_at(offset), f"a {kind} answer cannot be a gap in the middle of text")
    if kind == "numeric":
        found = _numeric(body, offset, block)
        if "answer" in found:
            return {key: found[key] for key in ("answer", "tolerance") if key in found}
        best = next((a for a in found["answers"] if a["score"] == 1), found["answers"][0])
        if len(found["answers"]) > 1 or "feedback" in best:
            problems.append((block.line_at(offset), NOTE + "a gap keeps one numeric answer, without feedback"))
        return {"answer": best["value"], **({"tolerance": best["tolerance"]} if "tolerance" in best else {})}
    if kind == "choice":
        found = _choice(body, offset, block, problems)
        if found["type"] != "single":
            raise GiftError(block.line_at(offset), "a gap can have only one right choice (mark it with =)")
        if any("feedback" in o for o in found["options"]):
            problems.append((block.line_at(offset), NOTE + "answer feedback in a gap was left out"))
        return {"options": [o["text"] for o in found["options"]],
                "answer": next(o["text"] for o in found["options"] if o.get("correct"))}
    found = _short_answer(body, offset, block)["answers"]
    kept = [a.get("text") or {"regex": a["regex"]} for a in found if a["score"] == 1]
    if not kept:
        raise GiftError(block.line_at(offset), "a gap needs at least one answer worth full marks")
    if len(kept) < len(found) or any("feedback" in a for a in found):
        problems.append((block.line_at(offset), NOTE + "a gap keeps only its full-mark answers, without feedback"))
    return {"answers": kept}


def _all_near(values, target):
    return all(abs(v - target) < 0.01 for v in values)



def _unique(name, number, used):
    base = name or f"q{number}"
    qid, n = base, 2
    while qid in used:
        qid, n = f"{base}-{n}", n + 1
    used.add(qid)
    return qid
