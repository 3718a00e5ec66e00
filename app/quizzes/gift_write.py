"""Writing GIFT, Moodle's plain-text question format, from LeadUP's quiz YAML (as plain dicts).

``dump(questions)`` writes GIFT for question dicts in the quiz-file format (docs/authoring.md,
"The quiz file"); what GIFT cannot express is kept as ``//`` comments, so nothing is silently
lost. ``flask quiz export-gift`` (``cli.py``) prints it; ``gift_read.parse`` reads it back.
"""
import re

from .gift_read import GAP_PATTERN, SPECIAL, tidy
from .questions import variables as variables_mod


class _NoEquivalent(Exception):
    """A question (or a setting of it) GIFT cannot express."""


#: Settings GIFT carries for every type, and per type; others are listed in a comment unless
#: they have their default value.
CARRIED = {"id", "type", "title", "text", "feedback", "variables"}
CARRIED_BY_TYPE = {
    "single": {"options"}, "multiple": {"options"}, "truefalse": {"answer", "feedback_true", "feedback_false"},
    "numeric": {"answer", "tolerance", "answers"}, "text": {"answers"}, "matching": {"pairs", "distractors"},
    "essay": set(), "cloze": {"gaps"},
}
DEFAULTS = {"points": 1, "shuffle": True, "scoring": "partial", "case_sensitive": False, "whitespace": "normalise"}


def dump(questions):
    """GIFT text for question dicts in the quiz-file format."""
    return "\n\n".join(_dump_question(q) for q in questions) + "\n"


def _dump_question(question):
    kind = question.get("type")
    writer = WRITERS.get(kind)
    if writer is None:
        return _no_equivalent(question)
    variant = _first_variant(question.get("variables"))
    comments = []
    if variant:
        comments.append("// parameterised in LeadUP: exported with one value")
    try:
        gift = writer(question, variant, comments)
    except _NoEquivalent:
        return _no_equivalent(question)
    dropped = sorted(key for key, value in question.items()
                     if key not in CARRIED | CARRIED_BY_TYPE[kind] and DEFAULTS.get(key, object()) != value)
    if dropped:
        comments.append(f"// LeadUP settings not in GIFT: {', '.join(dropped)}")
    name = _escape(str(question.get("title") or question.get("id") or ""))
    return "\n".join(comments + [f"::{name}::{gift}"])


def _no_equivalent(question):
    return f"// LeadUP question '{question.get('id')}' ({question.get('type')}) has no GIFT equivalent"


def _first_variant(spec):
    """The first value of each variable (a range's minimum, the first choice)."""
    if not spec:
        return {}
    return {name: rule["choices"][0] if "choices" in rule else tidy(rule["min"])
            for name, rule in variables_mod.parse(spec).items()}


def _text(question, variant):
    return "[markdown]" + _escape(variables_mod.fill(str(question.get("text") or ""), variant).strip())


def _block(lines, question, variant, opening=""):
    """An answer block: one answer a line, then the general feedback."""
    body = [f"\t{line}" for line in lines]
    if question.get("feedback"):
        body.append(f"\t####{_md(question['feedback'], variant)}")
    return "{" + opening + "\n" + "\n".join(body) + "\n}"


def _md(text, variant):
    return _escape(variables_mod.fill(str(text), variant).strip())


def _with_feedback(text, item, variant):
    return text + (f"#{_md(item['feedback'], variant)}" if item.get("feedback") else "")


def _write_single(question, variant, comments):
    lines = [_with_feedback(("=" if o.get("correct") else "~") + _md(o["text"], variant), o, variant)
             for o in question["options"]]
    return f"{_text(question, variant)} {_block(lines, question, variant)}"


def _write_multiple(question, variant, comments):
    options = question["options"]
    right = sum(1 for o in options if o.get("correct"))
    wrong = len(options) - right
    lines = []
    for option in options:
        weight = 100 / right if option.get("correct") else -100 / wrong
        lines.append(_with_feedback(f"~%{_weight(weight)}%{_md(option['text'], variant)}", option, variant))
    return f"{_text(question, variant)} {_block(lines, question, variant)}"


def _write_true_false(question, variant, comments):
    answer = bool(question["answer"])
    shown_if_true = question.get("feedback_true") or ""
    shown_if_false = question.get("feedback_false") or ""
    wrong, right = (shown_if_false, shown_if_true) if answer else (shown_if_true, shown_if_false)
    parts = ["TRUE" if answer else "FALSE", _md(wrong, variant), _md(right, variant)]
    while parts[-1] == "":
        parts.pop()
    line = "#".join(parts)
    if question.get("feedback"):
        line += f"####{_md(question['feedback'], variant)}"
    return f"{_text(question, variant)} {{{line}}}"


def _write_numeric(question, variant, comments):
    if "answers" in question:
        lines = []
        for item in question["answers"]:
            value = _value(item["value"], variant)
            score = item.get("score", 1)
            weight = "" if score == 1 else f"%{_weight(100 * score)}%"
            lines.append(_with_feedback(f"={weight}{_number_gift(value, item.get('tolerance'))}", item, variant))
        return f"{_text(question, variant)} {_block(lines, question, variant, opening='#')}"
    spec = _number_gift(_value(question["answer"], variant), question.get("tolerance"))
    feedback = f"####{_md(question['feedback'], variant)}" if question.get("feedback") else ""
    return f"{_text(question, variant)} {{#{spec}{feedback}}}"


def _write_text_question(question, variant, comments):
    lines = []
    for item in question["answers"]:
        answer = _text_answer_gift(item, comments)
        if answer is None:
            continue
        score = item.get("score", 1)
        weight = "" if score == 1 else f"%{_weight(100 * score)}%"
        lines.append(_with_feedback(f"={weight}{answer}", item, variant))
    if not lines:
        raise _NoEquivalent
    return f"{_text(question, variant)} {_block(lines, question, variant)}"


def _text_answer_gift(item, comments):
    """A text answer for GIFT: text, a regex that is only a ``*`` wildcard, or None (dropped)."""
    if isinstance(item, str):
        return _escape(item)
    if "text" in item:
        return _escape(str(item["text"]))
    parts = item["regex"].split(".*")
    literal = [re.sub(r"\\(.)", r"\1", part) for part in parts]
    if all(re.escape(text) == part and "*" not in text for text, part in zip(literal, parts)):
        return "*".join(_escape(text) for text in literal)
    comments.append(f"// regex answer {item['regex']!r} dropped: GIFT has no regular expressions")
    return None


def _write_matching(question, variant, comments):
    pairs = [(p["left"], p["right"]) for p in question["pairs"]]
    pairs += [("", d) for d in question.get("distractors") or []]
    if any("->" in str(side) for pair in pairs for side in pair):
        raise _NoEquivalent
    lines = [f"={_md(left, variant)} -> {_md(right, variant)}" for left, right in pairs]
    return f"{_text(question, variant)} {_block(lines, question, variant)}"


def _write_essay(question, variant, comments):
    feedback = f"####{_md(question['feedback'], variant)}" if question.get("feedback") else ""
    return f"{_text(question, variant)} {{{feedback}}}"


def _write_cloze(question, variant, comments):
    """A cloze with one gap is GIFT's missing-word format: text {answers} text."""
    text = variables_mod.fill(str(question.get("text") or ""), variant).strip()
    found = GAP_PATTERN.findall(text)
    if len(found) != 1 or len(question.get("gaps") or {}) != 1:
        raise _NoEquivalent
    gap = question["gaps"][found[0]]
    before, after = GAP_PATTERN.split(text)[0], GAP_PATTERN.split(text)[2]
    if "options" in gap:
        right = str(gap["answer"])
        answers = " ".join(("=" if str(o) == right else "~") + _escape(str(o)) for o in gap["options"])
    elif "answers" in gap:
        kept = [a for a in (_text_answer_gift(item, comments) for item in gap["answers"]) if a is not None]
        if not kept:
            raise _NoEquivalent
        answers = " ".join(f"={a}" for a in kept)
    else:
        answers = "#" + _number_gift(_value(gap["answer"], variant), gap.get("tolerance"))
    if question.get("feedback"):
        answers += f" ####{_md(question['feedback'], variant)}"
    return f"[markdown]{_escape(before)}{{{answers}}}{_escape(after)}"


WRITERS = {"single": _write_single, "multiple": _write_multiple, "truefalse": _write_true_false,
           "numeric": _write_numeric, "text": _write_text_question, "matching": _write_matching,
           "essay": _write_essay, "cloze": _write_cloze}


def _value(value, variant):
    return tidy(variables_mod.evaluate(value, variant)) if variables_mod.is_formula(value) else value


def _number_gift(value, tolerance):
    """``13.56:0.1``; a relative tolerance (``"2%"``) becomes absolute, of ``value``."""
    if isinstance(tolerance, str) and tolerance.strip().endswith("%"):
        tolerance = abs(float(value)) * float(tolerance.strip()[:-1]) / 100
    spec = repr(tidy(value))
    return f"{spec}:{tidy(tolerance)!r}" if tolerance else spec


def _weight(percent):
    return f"{percent:.5f}".rstrip("0").rstrip(".")


def _escape(text):
    text = str(text).replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")
