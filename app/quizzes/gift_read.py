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
writer is ``gift_write.dump``.
"""
import re
from dataclasses import dataclass

NOTE = "note: "
FORMATS = ("[markdown]", "[html]", "[plain]", "[moodle]")
SPECIAL = "~=#{}:"
ESCAPED = re.compile(r"\\(.)", re.S)
WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
GAP = "gap"
GAP_PATTERN = re.compile(r"\[\[\s*([\w-]+)\s*\]\]")
ESSAY_GUIDANCE = "Imported from GIFT: write the rubric"
ALL_AT_ONCE = 100.0


class GiftError(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message


def is_note(problem):
    return problem[1].startswith(NOTE)


@dataclass
class _Block:
    """One question's text (comment lines blanked) and the file line it starts on."""

    text: str
    first_line: int

    def line_at(self, offset):
        return self.first_line + self.text.count("\n", 0, max(offset, 0))


@dataclass
class _Answer:
    marker: str  # "=" or "~"
    weight: float | None  # the %weight% if given
    text: str
    feedback: str
    offset: int


def parse(text):
    """``(question dicts, [(line, message)])`` for GIFT ``text``."""
    questions, problems, used = [], [], set()
    for block in _blocks(text):
        try:
            question = _question(block, problems)
        except GiftError as error:
            problems.append((error.line, error.message))
            continue
        if question is None:
            continue
        title = question.pop("title", None)
        qid = _unique(_slug(title) if title else "", len(questions) + 1, used)
        head = {"id": qid, "type": question.pop("type")}
        if title and title != qid:
            head["title"] = title
        head["text"] = question.pop("text")
        questions.append({**head, **question})
    return questions, sorted(problems, key=lambda p: p[0])


def _blocks(text):
    """Questions are separated by blank lines; ``//`` lines are comments."""
    lines, first = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if first is not None:
                yield _Block("\n".join(lines), first)
            lines, first = [], None
            continue
        if first is None:
            if line.strip().startswith("//"):
                continue
            first = number
        lines.append("" if line.strip().startswith("//") else line)
    if first is not None:
        yield _Block("\n".join(lines), first)


def _question(block, problems):
    """One question's dict (with ``type`` and maybe ``title``), or None for what is skipped."""
    t = block.text
    pos = len(t) - len(t.lstrip())
    if t.startswith("$CATEGORY:", pos):
        problems.append((block.first_line, NOTE + "$CATEGORY ignored: LeadUP quizzes have no question categories"))
        return None
    title = None
    if t.startswith("::", pos):
        end = _find(t, "::", pos + 2)
        if end < 0:
            raise GiftError(block.line_at(pos), "the title '::' is never closed with '::'")
        title = _unescape(t[pos + 2:end]).strip() or None
        pos = end + 2
    start, close = _find(t, "{", pos), _find(t, "}", pos)
    if 0 <= close and (start < 0 or close < start):
        raise GiftError(block.line_at(close), "'}' without an opening '{' (write \\} for a brace in text)")
    if start < 0:
        problems.append((block.first_line, NOTE + "skipped a description (text with no answers): "
                                                  "LeadUP quizzes have only questions"))
        return None
    close = _find(t, "}", start + 1)
    if close < 0:
        raise GiftError(block.line_at(start), "'{' is never closed with '}'")
    nested = _find(t, "{", start + 1)
    if 0 <= nested < close:
        raise GiftError(block.line_at(nested), "'{' inside an answer block (write \\{ for a brace in text)")
    after = t[close + 1:]
    extra = [i for i in (_find(after, "{"), _find(after, "}")) if i >= 0]
    if extra:
        raise GiftError(block.line_at(close + 1 + min(extra)),
                        "a question has one answer block {...}; write \\{ and \\} for braces in text")
    before = _strip_format(t[pos:start])
    body, offset, general = _general_feedback(t[start + 1:close], start + 1)
    question = {"title": title} if title else {}
    if after.strip():
        gap = _gap(body, offset, block, problems)
        text = _unescape(before) + f"[[{GAP}]]" + _unescape(after)
        question.update(type="cloze", text=text.strip(), gaps={GAP: gap})
    else:
        question.update(_answers_of(body, offset, block, problems))
        question["text"] = _unescape(before).strip()
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
    if _find(body, "~") >= 0:
        return "choice"
    if _find(body, "=") >= 0 and "->" in body:
        return "matching"
    hash_at = _find(stripped, "#")
    if stripped[: hash_at if hash_at >= 0 else None].strip() in TRUE_FALSE:
        return "truefalse"
    return "short"


def _choice(body, offset, block, problems):
    answers = _split_answers(body, offset, "=~", block)
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
    parts = [_unescape(_strip_format(p)).strip() for p in _split_at(body.strip(), "#")]
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
    hash_at = _find(body, "#")
    rest, rest_offset = body[hash_at + 1:], offset + hash_at + 1
    if _find(rest, "=") < 0:
        spec, _, feedback = _partition(rest, "#")
        value, tolerance = _number_spec(spec, block.line_at(rest_offset))
        feedback = _unescape(feedback).strip()
        if feedback:
            return {"type": "numeric", "answers": [_numeric_answer(value, tolerance, 1, feedback)]}
        question = {"type": "numeric", "answer": value}
        if tolerance:
            question["tolerance"] = tolerance
        return question
    answers = []
    for answer in _split_answers(rest, rest_offset, "=", block, unescape=False):
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
    spec = _unescape(spec).strip()
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
    for part, at in _split_raw(body, offset, "=", block):
        part = part[1:]
        if _find(part, "#") >= 0:
            raise GiftError(block.line_at(at), "matching pairs cannot have feedback ('#'); write \\# in text")
        left, arrow, right = part.partition("->")
        if not arrow:
            raise GiftError(block.line_at(at), "each matching pair is '=left -> right'")
        left, right = _unescape(left).strip(), _unescape(right).strip()
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
    for answer in _split_answers(body, offset, "=", block):
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


def _split_answers(body, offset, markers, block, unescape=True):
    """Answers starting with one of ``markers``: marker, %weight%, text and #feedback."""
    answers = []
    for part, at in _split_raw(body, offset, markers, block):
        marker, part = part[0], part[1:]
        weight = None
        if part.lstrip().startswith("%"):
            match = WEIGHT.match(part)
            if not match or not -100 <= float(match.group(1)) <= 100:
                raise GiftError(block.line_at(at), "a weight is written %50% (from -100 to 100)")
            weight, part = float(match.group(1)), part[match.end():]
        text, _, feedback = _partition(part, "#")
        text = _unescape(text).strip() if unescape else text
        answers.append(_Answer(marker, weight, text, _unescape(_strip_format(feedback)).strip(), at))
        if unescape and not text:
            raise GiftError(block.line_at(at), f"an empty answer after '{marker}'")
    return answers


def _split_raw(body, offset, markers, block):
    """``[(part starting with its marker, file offset)]``; only blanks may come before the first."""
    cuts = [i for i in range(len(body)) if body[i] in markers and _unescaped_at(body, i)]
    before = body[: cuts[0]] if cuts else body
    if before.strip() or not cuts:
        raise GiftError(block.line_at(offset), f"unknown answer format {before.strip()!r}: answers start "
                                               f"with {' or '.join(markers)}")
    return [(body[a:b], offset + a) for a, b in zip(cuts, cuts[1:] + [len(body)])]


def _general_feedback(body, offset):
    """``(answers, their offset, general feedback)``: the feedback after the last ``####``."""
    at, found = 0, -1
    while (at := _find(body, "####", at)) >= 0:
        found, at = at, at + 1
    if found < 0:
        return body, offset, ""
    return body[:found], offset, _unescape(_strip_format(body[found + 4:])).strip()


def _strip_format(text):
    """Text without a leading ``[markdown]``, ``[html]``, ``[plain]`` or ``[moodle]`` marker."""
    stripped = text.lstrip()
    for marker in FORMATS:
        if stripped.startswith(marker):
            return stripped[len(marker):]
    return text


def _find(text, target, start=0):
    """Where the first unescaped ``target`` is at or after ``start`` (-1 if nowhere)."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(target, i):
            return i
        else:
            i += 1
    return -1


def _unescaped_at(text, index):
    backslashes = len(text[:index]) - len(text[:index].rstrip("\\"))
    return backslashes % 2 == 0


def _partition(text, separator):
    at = _find(text, separator)
    return (text, "", "") if at < 0 else (text[:at], separator, text[at + len(separator):])


def _split_at(text, separator):
    parts = []
    while (at := _find(text, separator)) >= 0:
        parts.append(text[:at])
        text = text[at + 1:]
    return parts + [text]


def _unescape(text):
    def replace(match):
        char = match.group(1)
        if char == "n":
            return "\n"
        return char if char in SPECIAL or char == "\\" else match.group(0)

    return ESCAPED.sub(replace, text)


def _all_near(values, target):
    return all(abs(v - target) < 0.01 for v in values)


def tidy(number):
    """``2`` for 2.0, ``2.5`` for 2.5 (the writer shares it: a number as GIFT and YAML show it)."""
    number = float(number)
    return int(number) if number.is_integer() else number


def _slug(title):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")


def _unique(slug, number, used):
    base = slug or f"q{number}"
    qid, n = base, 2
    while qid in used:
        qid, n = f"{base}-{n}", n + 1
    used.add(qid)
    return qid
