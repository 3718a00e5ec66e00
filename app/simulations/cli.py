"""``flask sims list | describe | run | verify``: the models from a terminal, same code as the site."""
import json
import sys

import click
from flask.cli import AppGroup

from sims import api
from sims.params import ParamError, parse_assignments
from sims.results import to_csv

from ..extensions import db
from ..models import SavedScenario
from . import docs, service

sims_cli = AppGroup("sims", help="Run the simulations on the server (the same Python the browser runs).")


def _fail(message, code=2):
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@sims_cli.command("list")
def list_models():
    """Names, titles and versions of the models."""
    for info in api.describe_all():
        click.echo(f"{info['name']:<14} {info['title']}  [{info['model_version']}]")


@sims_cli.command("describe")
@click.argument("name")
def describe(name):
    """The parameters of model NAME: name, default, allowed values, label."""
    try:
        info = api.describe(name)
    except ParamError as error:
        _fail(str(error))
    click.echo(f"{info['title']} ({info['model_version']})\n{info['summary']}\n")
    rows = [(p["name"], p["default_text"], p["allowed"], p["label"]) for p in docs.parameter_rows(info)]
    _table(("parameter", "default", "allowed", "meaning"), rows)
    click.echo("\nOutputs:")
    _table(("key", "unit", "meaning"), [(key, unit, label) for key, label, unit in info["outputs"]])


@sims_cli.command("run")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Set a parameter (repeatable).")
@click.option("--dataset", default=None, help="cambridge-2011 (default), synthetic-N or city:ID.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the result table as CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def run(name, params, dataset, as_csv, as_json):
    """Run model NAME and print its headline figures; exit 2 on a bad parameter."""
    try:
        result = service.run_scenario(name, parse_assignments(params), dataset)
    except ParamError as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    elif as_csv:
        click.echo(to_csv(result), nl=False)
    else:
        click.echo(f"{result['title']} ({result['model_version']}; data {result['data_version']})")
        _table(("figure", "value", "unit", "baseline"), [
            (s["label"], _num(s["value"]), s["unit"], "" if s["baseline"] is None else _num(s["baseline"]))
            for s in result["summary"]
        ])


@sims_cli.command("verify")
@click.argument("scenario_id", type=int)
def verify(scenario_id):
    """Re-run saved scenario SCENARIO_ID on the server; exit 1 unless the browser's figures agree."""
    saved = service.get_row(SavedScenario, scenario_id)
    if saved is None:
        _fail(f"no saved scenario {scenario_id}")
    ok, result = service.verify_saved(saved)
    saved.verified = ok
    db.session.commit()
    if result is None:
        _fail(f"scenario {scenario_id} can no longer run (its dataset {saved.dataset_key} is gone "
              "or the model rejects its parameters)", 1)
    click.echo(f"{saved.title!r} by {saved.user.email}: {saved.scenario}, saved with {saved.model_version}")
    browser = {f["key"]: f["value"] for f in (saved.browser_report or {"summary": []})["summary"]}
    _table(("figure", "server now", "browser"), [
        (s["label"], _num(s["value"]), _num(browser[s["key"]]) if s["key"] in browser else "—")
        for s in result["summary"]
    ])
    click.echo("verified: the browser's figures match" if ok else "NOT verified")
    sys.exit(0 if ok else 1)


def _num(value):
    return docs.display(value)


def _table(header, rows):
    rows = [tuple(str(c) for c in row) for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    for row in (header, *rows):
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
