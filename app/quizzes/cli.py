"""``flask quiz import-gift`` and ``flask quiz export-gift``: quizzes to and from Moodle's GIFT."""
import re
import uuid
from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import AppGroup

from ..content import yaml_lines
from . import gift_read, gift_write, quiz_file

quiz_cli = AppGroup("quiz", help="Author quizzes: import and export Moodle GIFT files.")

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@quiz_cli.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--module", required=True, help="The module's folder under course/modules.")
@click.option("--key", required=True, help="The quiz's key: units embed it with '::: quiz KEY'.")
@click.option("--title", default=None, help="The quiz's title (default: from the file's name).")
def import_gift(file, module, key, title):
    """Make course/modules/MODULE/KEY.quiz.yaml from the GIFT questions in FILE."""
    folder = Path(current_app.config["COURSE_DIR"]) / "modules" / module
    if not (folder / "module.md").is_file():
        raise click.UsageError(f"no module folder {folder} (with module.md)")
    if not KEY.match(key):
        raise click.UsageError(f"--key {key!r}: use letters, digits, - and _")
    target = folder / f"{key}{quiz_file.SUFFIX}"
    if target.exists():
        raise click.UsageError(f"{target} already exists: choose another --key, or delete that file first")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file}: not UTF-8 text ({error.reason})") from None
    questions, problems = gift_read.parse(text)
    for line, message in problems:
        click.echo(f"{file}:{line}: {message}", err=True)
    errors = sum(1 for problem in problems if not gift_read.is_note(problem))
    if errors:
        raise click.ClickException(f"{errors} problem(s) in {file}: nothing written")
    if not questions:
        raise click.ClickException(f"no questions in {file}: nothing written")
    data = {"uuid": str(uuid.uuid4()), "title": title or _title_from(file), "questions": questions}
    with target.open("x", encoding="utf-8") as out:
        out.write(dump_yaml(data))
    _, found = quiz_file.load(target, str(target), key)
    if found:
        target.unlink()
        for line, message in found:
            click.echo(f"{target}:{line}: {message}", err=True)
        raise click.ClickException(f"{len(found)} problem(s) in the questions made from {file}: nothing written")
    click.echo(f"{target}: {len(questions)} question(s). Embed the quiz in a unit of the module with\n\n"
               f"::: quiz {key}\n:::")


@quiz_cli.command("export-gift")
@click.argument("quiz")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
def export_gift(quiz, output):
    """Print the quiz whose key or uuid is QUIZ in GIFT (questions GIFT cannot express as comments)."""
    path = _find_quiz(quiz)
    try:
        data = yaml_lines.load(path.read_text(encoding="utf-8"))
    except yaml_lines.YamlError as error:
        raise click.ClickException(f"{path}:{error.line}: {error.message}") from None
    questions = data.get("questions") or []
    header = f"// {data.get('title')}\n// Exported from LeadUP quiz {data.get('uuid')} ({path.name})\n\n"
    text = header + gift_write.dump(questions)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"{output}: {len(questions)} question(s)")


def _find_quiz(key_or_uuid):
    files = sorted((Path(current_app.config["COURSE_DIR"]) / "modules").glob(f"*/*{quiz_file.SUFFIX}"))
    by_key = [f for f in files if f.name == f"{key_or_uuid}{quiz_file.SUFFIX}"]
    if len(by_key) > 1:
        raise click.UsageError(f"several quizzes have the key {key_or_uuid!r} ({', '.join(f.parent.name for f in by_key)}): "
                               "give the quiz's uuid")
    if by_key:
        return by_key[0]
    for file in files:
        try:
            data = yaml_lines.load(file.read_text(encoding="utf-8"))
        except (yaml_lines.YamlError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and str(data.get("uuid")) == key_or_uuid:
            return file
    raise click.UsageError(f"no quiz has the key or uuid {key_or_uuid!r}")


def _title_from(file):
    return file.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Imported quiz"


class _Dumper(yaml.SafeDumper):
    """YAML as an author writes it: multi-line text as ``|`` blocks."""


def _text(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def dump_yaml(data):
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
