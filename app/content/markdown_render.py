"""Markdown → HTML for course files: tables, footnotes, admonitions, code, links, activities.

Activities are embedded with one directive, a block that starts at the beginning of a line::

    ::: quiz module-1-check
    attempts: 2
    :::

The first word is the activity type (looked up in ``app.activities``), the optional second
word its key, and the lines in between are YAML passed to the type.
"""
import posixpath
import re
import threading
from collections import OrderedDict
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import yaml_lines
from .model import ActivityRef, Problem

OPEN = re.compile(r"^:::\s*([A-Za-z][\w-]*)(?:\s+([\w./-]+))?\s*$")
CLOSE = re.compile(r"^:::\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
PLACEHOLDER = "LEADUPACTIVITY{}"
PLACEHOLDER_HTML = re.compile(r"<p>LEADUPACTIVITY(\d+)</p>")

EXTENSIONS = [
    "tables",
    "footnotes",
    "admonition",
    "fenced_code",
    "attr_list",
    "def_list",
    "sane_lists",
    "smarty",
    "md_in_html",
    "toc",
]


def extract_activities(body, first_line, path):
    """Replace activity blocks with placeholders; return ``(text, refs, problems)``."""
    lines = body.split("\n")
    out, refs, problems = [], [], []
    in_code = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if FENCE.match(line):
            in_code = not in_code
        match = None if in_code else OPEN.match(line)
        if not match:
            out.append(line)
            i += 1
            continue
        start = first_line + i
        end = next((j for j in range(i + 1, len(lines)) if CLOSE.match(lines[j])), None)
        if end is None:
            problems.append(Problem(path, start, f"activity '{match.group(1)}' is not closed by a ':::' line"))
            out.append(line)
            i += 1
            continue
        raw = "\n".join(lines[i + 1:end])
        try:
            config = yaml_lines.load(raw, first_line=start + 1) if raw.strip() else yaml_lines.LinedDict()
        except yaml_lines.YamlError as exc:
            problems.append(Problem(path, exc.line, f"bad YAML in activity: {exc.message.removeprefix('bad YAML: ')}"))
            config = None
        if config is not None and not isinstance(config, dict):
            problems.append(Problem(path, start + 1, "activity settings must be 'key: value' lines"))
            config = None
        if config is not None:
            refs.append(ActivityRef(match.group(1), match.group(2) or "", config, start))
            out.extend(["", PLACEHOLDER.format(len(refs) - 1), ""])
        i = end + 1
    return "\n".join(out), refs, problems


class _LinkRewriter(Treeprocessor):
    def __init__(self, md, resolve_link, resolve_asset):
        super().__init__(md)
        self.resolve_link = resolve_link
        self.resolve_asset = resolve_asset

    def run(self, root):
        for el in root.iter("a"):
            href = el.get("href", "")
            if _is_relative(href):
                el.set("href", self.resolve_link(href))
        for el in root.iter("img"):
            src = el.get("src", "")
            if _is_relative(src):
                el.set("src", self.resolve_asset(src))
            el.set("loading", "lazy")
        for el in root.iter("table"):
            el.set("class", (el.get("class", "") + " content-table").strip())


class _LinkExtension(Extension):
    def __init__(self, resolve_link, resolve_asset):
        super().__init__()
        self.resolve_link = resolve_link
        self.resolve_asset = resolve_asset

    def extendMarkdown(self, md):
        md.treeprocessors.register(_LinkRewriter(md, self.resolve_link, self.resolve_asset), "leadup_links", 1)


def _is_relative(url):
    if not url or url.startswith(("#", "/")):
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


_RENDERED = OrderedDict()  # text -> (html, ((kind, argument, answer), ...)), oldest first
RENDERED_KEPT = 4096  # texts; a course has a few hundred
_RENDERED_LOCK = threading.Lock()  # a reload in the background while pages render docs


def _markdown(text, resolve_link, resolve_asset):
    md = markdown.Markdown(
        extensions=EXTENSIONS + [_LinkExtension(resolve_link, resolve_asset)],
        extension_configs={"toc": {"permalink": False}, "smarty": {"smart_angled_quotes": False}},
        output_format="html",
    )
    return md.convert(text)


def render(text, resolve_link=lambda h: h, resolve_asset=lambda s: s):
    """Render Markdown to HTML, rewriting relative links and image sources.

    Rendering is most of a course load, so a text rendered before is not rendered again when
    the resolvers give the same answers for its links and images as then: they are asked again,
    in the same order (so the problems they record are recorded again), and the HTML is
    reused. A reload after one file changed, or a copy of a course, renders only what differs."""
    with _RENDERED_LOCK:
        kept = _RENDERED.get(text)
    if kept is not None:
        html, calls = kept
        resolvers = {"link": resolve_link, "asset": resolve_asset}
        answers = [resolvers[kind](argument) for kind, argument, _ in calls]
        if answers == [answer for _, _, answer in calls]:
            return html
        # Other answers (a unit moved, an image added): render again with them, asking no twice.
        known = {(kind, argument): answer for (kind, argument, _), answer in zip(calls, answers)}
        resolve_link = _asked_once("link", resolve_link, known)
        resolve_asset = _asked_once("asset", resolve_asset, known)
    calls = []

    def recorded(kind, resolve):
        def answer(argument):
            result = resolve(argument)
            calls.append((kind, argument, result))
            return result
        return answer

    html = _markdown(text, recorded("link", resolve_link), recorded("asset", resolve_asset))
    with _RENDERED_LOCK:
        _RENDERED[text] = (html, tuple(calls))
        while len(_RENDERED) > RENDERED_KEPT:
            _RENDERED.popitem(last=False)
    return html


def _asked_once(kind, resolve, known):
    return lambda argument: known[(kind, argument)] if (kind, argument) in known else resolve(argument)


def split_segments(html, refs):
    """Split rendered HTML at activity placeholders into ``[html, ActivityRef, html, ...]``."""
    segments = []
    pos = 0
    for match in PLACEHOLDER_HTML.finditer(html):
        if match.start() > pos:
            segments.append(html[pos:match.start()])
        segments.append(refs[int(match.group(1))])
        pos = match.end()
    if pos < len(html):
        segments.append(html[pos:])
    return segments


def join_relative(base_dir, href):
    """Resolve ``href`` against ``base_dir`` (posix, relative to the course root)."""
    return posixpath.normpath(posixpath.join(base_dir, href))


def line_of(body, needle, first_line):
    """The file line where ``needle`` first appears in ``body`` (else the body's first line)."""
    for i, line in enumerate(body.split("\n")):
        if needle in line:
            return first_line + i
    return first_line
