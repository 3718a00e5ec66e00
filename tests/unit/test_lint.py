"""The code's own checks: ruff is clean, and app's packages import each other in layers.

Layers (docs/architecture.md, "Layers"): the foundation modules (config, extensions, security,
inputs, text, csv_export, registry, rubric, forms, models) import nothing else of the app; above
them, no two packages import each other, directly or round a longer loop. A function-level import
counts like any other: deferring an import hides a cycle from Python, not from the reader. There
are no such cycles today: ``KNOWN_UPWARD`` is empty, and a new entry needs a reason good enough
to write there.
"""
import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"

# The foundation: every other part of the app may import these, and they import only each other.
FOUNDATION = {"config", "extensions", "security", "inputs", "text", "csv_export", "registry", "rubric", "forms",
              "models"}
# The application factory, the `flask course` commands and the demo seed sit on top and import everything.
TOP = {"__init__", "course_cli", "demo"}

# Imports that go up a layer and close a cycle, as (importer, imported): each would be a known debt.
# There are none: the course file formats register in content.formats, the shared helpers (a course
# file's uuid, the rubric, the tutor form) sit below the features, the gradebook is its own package
# above quizzes and deliberation, and `flask course` is app/course_cli.py, on top.
KNOWN_UPWARD = set()


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(path):
    """The ``app.…`` modules ``path`` imports, as dotted names, with each import's line."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if node.module:
                yield module, node.lineno
            else:  # from . import a, b: each name is a module
                for alias in node.names:
                    yield f"{module}.{alias.name}", node.lineno


def _part(dotted):
    """The part of the app a module belongs to: its subpackage, or its top-level module."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def import_graph():
    """``{importer: {imported: ["app/file.py:line", ...]}}`` between the app's parts."""
    graph = defaultdict(lambda: defaultdict(list))
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.relative_to(APP).parts:
            continue
        source = _part(".".join(_module_name(path)))
        for module, line in _imported(path):
            if module == "app" or module.startswith("app."):
                target = _part(module)
                if target != source and target != "__init__":
                    graph[source][target].append(f"{path.relative_to(ROOT)}:{line}")
    return graph


def _cycle(edges):
    """A cycle in ``{node: {neighbour, ...}}`` as a list of nodes, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                            cwd=ROOT, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"ruff check found problems (`ruff check --fix`, then by hand):\n{output}"


def test_the_foundation_imports_nothing_above_it():
    graph = import_graph()
    wrong = [f"{where}: {source} imports {target}"
             for source in sorted(FOUNDATION) for target, lines in sorted(graph[source].items())
             if target not in FOUNDATION for where in lines]
    assert not wrong, "foundation modules import the app's features:\n" + "\n".join(wrong)


def test_nothing_imports_the_top():
    graph = import_graph()
    wrong = [f"{where}: {source} imports {target}" for source, targets in sorted(graph.items())
             for target, lines in sorted(targets.items()) if target in TOP and source not in TOP for where in lines]
    assert not wrong, "only the factory may import demo:\n" + "\n".join(wrong)


def test_no_import_cycles_between_packages():
    graph = import_graph()
    edges = {source: {t for t in targets if t not in TOP and (source, t) not in KNOWN_UPWARD}
             for source, targets in graph.items() if source not in TOP}
    cycle = _cycle(edges)
    assert cycle is None, "an import cycle between app's packages:\n" + "\n".join(
        f"  {a} -> {b}: {', '.join(graph[a][b])}" for a, b in zip(cycle, cycle[1:]))


def test_every_known_upward_import_still_exists():
    graph = import_graph()
    gone = sorted(edge for edge in KNOWN_UPWARD if edge[1] not in graph.get(edge[0], {}))
    assert not gone, f"these imports are gone: take them out of KNOWN_UPWARD: {gone}"


def test_the_cycle_check_sees_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
