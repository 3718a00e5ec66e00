"""``flask course check | stats | new-unit``: the course files' commands, with the app's CLI.

It sits on top with ``create_app`` (docs/architecture.md, "Layers"): ``course check`` checks the
workshop plans (``live.plans``) as well as everything ``content`` loads, so it cannot live inside
``content``, which the features build on.
"""
import sys
import uuid
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .content import stats as counting
from .content.loader import UNIT_FILE, load_course
from .live.plans import load_plans
from .text import slug

course_cli = AppGroup("course", help="Check and author the course files in course/.")

UNIT_TEMPLATE = """---
uuid: {uuid}
title: {title}
summary: One sentence saying what this unit is about.
objectives:
  - Explain ...
minutes: 30
prerequisites: []
---

## Introduction

Write the unit here in Markdown.

::: reflection
prompt: |
  A question for the learner to think about.
:::

## Further reading

- Author, A. (Year) *Title*. Publisher.
"""


@course_cli.command("check")
@click.option("--path", "path", default=None, help="Course folder (default: COURSE_DIR).")
def check(path):
    """Validate the whole course; print problems as path:line: message."""
    course = load_course(path or current_app.config["COURSE_DIR"])
    problems = list(course.problems) + load_plans(path or current_app.config["COURSE_DIR"]).problems
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    activities = sum(len(u.activities) for u in course.units)
    click.echo(f"Course OK: {len(course.levels)} levels, {len(course.modules)} modules, "
               f"{len(course.units)} units, {activities} activities.")


@course_cli.command("stats")
@click.option("--path", "path", default=None, help="Course folder (default: COURSE_DIR).")
@click.option("--units", "per_unit", is_flag=True, help="List every unit too.")
def stats(path, per_unit):
    """Words of prose per module (front matter, activities, reading lists and footnotes apart)."""
    course = load_course(path or current_app.config["COURSE_DIR"])
    total = 0
    for module, units, words in counting.module_counts(course):
        total += words if module.number is not None else 0
        quizzes = sum(len(q.questions) for q in module.quizzes.values())
        click.echo(f"{module.code:<20} {len(units):>2} units {words:>7,} words  {quizzes:>3} quiz questions  "
                   f"{len(module.deliberations)} deliberation(s)  {module.title}")
        if per_unit:
            for unit, count in units:
                click.echo(f"    {count:>6,}  {Path(unit.path).name}")
    click.echo(f"Modules 1-7: {total:,} words of prose; glossary {len(course.glossary)} terms.")


@course_cli.command("new-unit")
@click.argument("module")
@click.argument("title")
@click.option("--path", "path", default=None, help="Course folder (default: COURSE_DIR).")
def new_unit(module, title, path):
    """Create a new unit file in MODULE (a folder under course/modules) titled TITLE."""
    folder = Path(path or current_app.config["COURSE_DIR"]) / "modules" / module
    if not (folder / "module.md").is_file():
        raise click.UsageError(f"no module folder {folder} (with module.md)")
    numbers = [int(m.group(1)) for f in folder.iterdir() if (m := UNIT_FILE.match(f.name))]
    number = max(numbers, default=0) + 1
    target = folder / f"{number:02d}-{slug(title, 60, 'unit')}.md"
    if target.exists():
        raise click.UsageError(f"{target} already exists")
    safe_title = title.replace('"', "'")
    target.write_text(UNIT_TEMPLATE.format(uuid=uuid.uuid4(), title=f'"{safe_title}"'), encoding="utf-8")
    click.echo(str(target))


def init_app(app):
    app.cli.add_command(course_cli)
