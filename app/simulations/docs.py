"""What the model pages show: each model's Markdown write-up, its data sources, its Python.

Everything is read from ``SIMS_DIR``, so the pages always describe the code that runs, and is
rendered once per file change (cached on the file's modification time).
"""
import ast
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for

from sims import api

from ..content.markdown_render import render

# The files every model imports, in reading order after the model's own module.
SHARED_FILES = ("gravity.py", "growth.py", "params.py", "results.py", "dataset.py", "api.py")
SOURCES_FILE = Path("data") / "cambridge" / "SOURCES.md"
HEADING = re.compile(r"<(/?)h([1-6])\b")
HEADING_ID = re.compile(r'(<h[1-6][^>]*\bid=")([^"]+)"')
_rendered = {}


def sims_dir():
    return Path(current_app.config["SIMS_DIR"])


def model_write_up(name):
    """The model's documentation (``sims/docs/<name>.md``) as HTML, or None if not written yet."""
    return _render_file(sims_dir() / "docs" / f"{name}.md", shift=1, prefix="doc-")


def data_sources():
    """``sims/data/cambridge/SOURCES.md`` as HTML, its headings nested under the page's."""
    return _render_file(sims_dir() / SOURCES_FILE, shift=2, prefix="sources-")


def _render_file(path, shift, prefix):
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    key = (str(path), shift, prefix)
    cached = _rendered.get(key)
    if cached is None or cached[0] != stamp:
        html = render(path.read_text(encoding="utf-8"), resolve_link=_model_link)
        cached = (stamp, _nest_headings(html, shift, prefix))
        _rendered[key] = cached
    return cached[1]


def _model_link(href):
    """Links between write-ups (``teleworking.md``) go to the model's page."""
    stem, _, anchor = href.partition("#")
    if stem.endswith(".md") and Path(stem).stem in api.SCENARIOS and "/" not in stem:
        return url_for("simulations.model", name=Path(stem).stem) + (f"#doc-{anchor}" if anchor else "")
    return href


def _nest_headings(html, shift, prefix):
    """Demote headings by ``shift`` levels (the page has its own h1) and prefix their ids."""
    html = HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html)
    ids = {m.group(2) for m in HEADING_ID.finditer(html)}
    html = HEADING_ID.sub(lambda m: f'{m.group(1)}{prefix}{m.group(2)}"', html)
    for heading_id in ids:  # keep in-page links to headings working (footnote links are left alone)
        html = html.replace(f'href="#{heading_id}"', f'href="#{prefix}{heading_id}"')
    # Code and tables scroll sideways on a phone: keyboard users must be able to reach them.
    return html.replace("<pre>", '<pre tabindex="0">').replace('<table class="content-table"',
                                                                '<table tabindex="0" class="content-table"')


def parameter_rows(info):
    """The parameter table of a model page: one dict per parameter, ranges in words."""
    rows = []
    for p in info["params"]:
        grouping = _grouping(p)
        if p["type"] == "boolean":
            allowed = "yes or no"
        elif p["type"] == "choice":
            allowed = "; ".join(str(label) for _, label in p["choices"])
        else:
            low = "" if p["min"] is None else _number(p["min"], grouping)
            high = "" if p["max"] is None else _number(p["max"], grouping)
            allowed = f"{low} to {high}" if low and high else (f"at least {low}" if low else f"at most {high}" if high else "any")
            if p["step"]:
                allowed += f", in steps of {_number(p['step'], grouping)}"
        rows.append({**p, "allowed": allowed, "default_text": display(p["default"], p["unit"], p)})
    return rows


def display(value, unit="", param=None):
    """A value as a reader expects it: ``741,724 trips``, ``37%``, ``yes``, a choice's label."""
    if param and param["type"] == "choice":
        return next((str(label) for key, label in param["choices"] if key == value), str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        text = _number(value, _grouping(param))
        return f"{text}{unit}" if unit.startswith("%") else f"{text} {unit}".strip()
    return "—" if value is None else str(value)


def _grouping(param):
    """Thousands separators, except for unitless whole numbers such as a year."""
    return not (param and param["type"] == "integer" and not param["unit"])


def _number(value, grouping=True):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if grouping else str(value)
    return (f"{value:,.2f}" if grouping else f"{value:.2f}").rstrip("0").rstrip(".")


@dataclass
class SourceFile:
    name: str
    anchor: str
    purpose: str
    lines: list


def source_files(name):
    """The Python files model ``name`` runs: its own module, then the shared ones."""
    own = api.scenario(name).__name__.rsplit(".", 1)[-1] + ".py"
    files = []
    for filename in (own, *SHARED_FILES):
        path = sims_dir() / filename
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        files.append(SourceFile(filename, "file-" + filename.replace(".", "-"), _purpose(text), text.splitlines()))
    return files


def _purpose(text):
    """The first line of the module's docstring: what the file is for."""
    try:
        doc = ast.get_docstring(ast.parse(text)) or ""
    except SyntaxError:
        return ""
    return doc.strip().split("\n", 1)[0]
