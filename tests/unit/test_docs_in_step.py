"""The docs keep up with the code: every registered type has its entry in docs/authoring.md,
and every file and command the docs name exists.

**Types.** Each kind of type is documented in one section of docs/authoring.md, and each type
there has an entry that starts with its name in backticks: a heading (``#### `single`: one
right option``) or a table row whose first cell names it (``| `board` | ...``). Registering a
type without writing its entry fails here.

**Files.** A name in backticks that starts with one of the repo's folders (``app/``, ``course/``,
``tests/``...) is a path from the top of the repo and must exist; ``<placeholder>`` and
``UPPERCASE`` parts match anything (``course/modules/<module>/<key>.quiz.yaml``). A bare source
file name (``routes.py``, ``live.js``) must be some file of the repo. Paths on a developer's
machine (``/work/...``) mean nothing to a reader.

**Commands.** ``flask ...`` and ``make ...`` in backticks, or at the start of a line of a shell
block: a make target must be in the Makefile, a flask command (and its subcommand) must be one
``flask --help`` lists for the app.
"""
import re
import shlex

import click
import pytest
from flask.cli import FlaskGroup, ScriptInfo

from app import activities
from app.config import ROOT
from app.deliberation.stages import STAGE_TYPES
from app.live import kinds
from app.quizzes import questions

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "bench" / "README.md"]
AUTHORING = ROOT / "docs" / "authoring.md"
TOP_FOLDERS = ("app", "bench", "course", "docs", "sims", "static", "tests")
GENERATED = ("static/vendor/", "tests/.vendor/", "bench/results/", "instance/")  # made by make, not in git
SOURCE = re.compile(r"^[\w.-][\w./-]*\.(py|js|mjs|html|css)$")  # not "/sw.js": an address
# Files of a package the docs describe, not of this repo (BokehJS's bundles).
ELSEWHERE = {"bokeh.min.js", "bokeh-api.min.js", "bokeh-widgets.min.js"}
OFF_REPO = ("/work/", "/home/", "/root/", "/tmp/")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def _registered():
    """``{kind of type: (section heading in docs/authoring.md, [names])}``."""
    return {
        "activity type": ("## Activities", activities.names()),
        "question type": ("### Question types", questions.names()),
        "deliberation stage type": ("### Stages", [stage.name for stage in STAGE_TYPES]),
        "live activity type": ("## Live workshop plans", list(kinds.choices())),
    }


def section(text, heading):
    """The lines of ``text`` under ``heading``, up to the next heading of its level or higher."""
    lines = text.splitlines()
    start = lines.index(heading)
    level = len(heading) - len(heading.lstrip("#"))
    for end in range(start + 1, len(lines)):
        if re.match(rf"#{{1,{level}}} ", lines[end]) and not _in_fence(lines, end):
            return lines[start + 1:end]
    return lines[start + 1:]


def _in_fence(lines, at):
    return sum(line.startswith("```") for line in lines[:at]) % 2 == 1


def entry_names(lines):
    """The names in backticks that start an entry: a heading's first words, a table row's first cell."""
    found = set()
    for at, line in enumerate(lines):
        if _in_fence(lines, at):
            continue
        if line.startswith("#"):
            lead = re.match(r"#+\s+((?:`[^`]+`(?:,\s*|\s+and\s+)?)+)", line)
            found.update(re.findall(r"`([^`]+)`", lead.group(1)) if lead else ())
        elif line.startswith("|") and not re.match(r"\|[\s:-]+\|", line):
            found.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return found


@pytest.mark.parametrize("kind", ["activity type", "question type", "deliberation stage type", "live activity type"])
def test_every_registered_type_has_its_entry_in_the_authoring_guide(kind):
    heading, names = _registered()[kind]
    documented = entry_names(section(AUTHORING.read_text(encoding="utf-8"), heading))
    missing = [name for name in names if name not in documented]
    assert names and not missing, (
        f"docs/authoring.md, {heading!r}: no entry for the {kind}s {missing}: add a heading or a table row "
        "that starts with the name in backticks, written for tutors")


def _outside_fences(text):
    """``text`` with fenced blocks blanked out (line numbers kept)."""
    return FENCE.sub(lambda m: "\n" * m.group().count("\n"), text)


def _where(path, text, at):
    return f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, at) + 1}"


def _repo_files():
    """Every file of the checkout, as paths from its top, leaving out hidden and installed folders."""
    skip = {"node_modules", "__pycache__", "instance", "screenshots"}
    return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
            if p.is_file() and not any(part.startswith(".") or part in skip or part.endswith(".egg-info")
                                       for part in p.relative_to(ROOT).parts)]


def _exists(name):
    if name.startswith(GENERATED) or (ROOT / name).exists():
        return True
    pattern = re.sub(r"<[^>]*>|\b[A-Z]{2,}\b", "*", name.rstrip("/"))
    return pattern != name.rstrip("/") and any(ROOT.glob(pattern))


def test_every_file_the_docs_name_exists():
    files = _repo_files()
    wrong = []
    for path in DOCS:
        text = _outside_fences(path.read_text(encoding="utf-8"))
        for m in re.finditer(r"`([^`\n]+)`", text):
            name = m.group(1).strip()
            if " " in name or "://" in name or "*" in name:
                continue
            if name.startswith(OFF_REPO):
                wrong.append(f"{_where(path, text, m.start())}: `{name}` is a path on someone's machine")
            elif name.split("/")[0] in TOP_FOLDERS and "/" in name:
                if not _exists(name):
                    wrong.append(f"{_where(path, text, m.start())}: `{name}` does not exist")
            elif SOURCE.match(name) and name not in ELSEWHERE:
                if not any(f == name or f.endswith("/" + name) for f in files):
                    wrong.append(f"{_where(path, text, m.start())}: no file of the repo is `{name}`")
    assert not wrong, "the docs name files that are not there:\n" + "\n".join(wrong)


def commands_in(path):
    """``[(where, words)]``: every ``flask ...`` or ``make ...`` command ``path`` mentions."""
    raw = path.read_text(encoding="utf-8")
    text = _outside_fences(raw)
    found = [(_where(path, text, m.start()), m.group(1))
             for m in re.finditer(r"`(?:\.venv/bin/)?((?:flask|make)(?: [^`\n]*)?)`", text)]
    for fence in FENCE.finditer(raw):
        if fence.group(1) not in ("", "sh", "bash", "shell", "console"):
            continue
        for offset, line in enumerate(fence.group(2).splitlines()):
            command = re.match(r"\$?\s*(?:\.venv/bin/)?((?:flask|make)\b[^#]*)", line)
            if command:
                found.append((f"{path.relative_to(ROOT)}:{raw.count(chr(10), 0, fence.start(2)) + offset + 1}",
                              command.group(1).strip()))
    return found


def make_targets():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {target for line in makefile.splitlines()
            if (m := re.match(r"^([\w.-]+(?:\s+[\w.-]+)*)\s*:(?!=)", line)) for target in m.group(1).split()}


def _problem(words, targets, cli, context):
    """What is wrong with one command (its words), or None."""
    if words[0] == "make":
        wanted = [w for w in words[1:] if "=" not in w and not w.startswith("-")]
        unknown = [w for w in wanted if w not in targets]
        return f"no make target {unknown}" if unknown else None
    if len(words) < 2 or words[1] in ("...", "…"):
        return None  # `flask ...`: flask itself
    command = cli.get_command(context, words[1])
    if command is None:
        return f"`flask {words[1]}` is not a command"
    if isinstance(command, click.Group) and len(words) > 2 and not words[2].startswith("-"):
        for word in words[2].split("|"):  # `flask sims list|describe`
            if command.get_command(context, word) is None:
                return f"`flask {words[1]} {word}` is not a command"
    return None


def test_every_command_the_docs_give_exists(app):
    info = ScriptInfo(create_app=lambda: app)
    cli = FlaskGroup(create_app=lambda: app)
    targets = make_targets()
    wrong = []
    with click.Context(cli, obj=info) as context:
        for path in DOCS:
            for where, command in commands_in(path):
                problem = _problem(shlex.split(command.replace("\\|", "|")), targets, cli, context)
                if problem:
                    wrong.append(f"{where}: `{command}`: {problem}")
    assert not wrong, "the docs give commands that do not exist:\n" + "\n".join(wrong)


def test_the_checks_see_what_they_look_for():
    lines = ["## Kinds", "| kind | what |", "|---|---|", "| `board`, `poll` | notes |", "#### `single`: one",
             "```", "| `fenced` | no |", "```", "Text about `prose`."]
    assert entry_names(section("\n".join(lines), "## Kinds")) == {"board", "poll", "single"}
    assert _problem(["make", "nosuchtarget"], {"run"}, None, None) == "no make target ['nosuchtarget']"
    assert _problem(["make", "run", "PORT=8000"], {"run"}, None, None) is None
