"""Pyodide's standard library with its bytecode compiled ahead of time (``flask assets fetch``).

Runs inside Pyodide itself (``precompile_stdlib.mjs``, under Node): only Pyodide's own Python
writes bytecode its interpreter accepts. Each ``.py`` of ``/lib/python3XY.zip`` becomes an
unchecked hash-based ``.pyc`` (zipimport prefers ``.pyc``; an unchecked hash is never compared
with a source, so nothing is read twice) and the sources are left out. The zip is stored, not
deflated: nothing is inflated at import, and the server sends its brotli copy. Python starts
in about a third of the time (``bench/README.md``: ``loadPyodide`` 3.2 s -> 1.0 s); the only
loss is the source lines in tracebacks that go into the standard library.

``OUT`` (the zip to write) is set by the runner before this runs.
"""
import importlib.util
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

STDLIB = f"/lib/python{sys.version_info.major}{sys.version_info.minor}.zip"


def bytecode(name, source):
    code = compile(source, f"{STDLIB}/{name}", "exec", dont_inherit=True)
    return _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)


def build(out):
    with zipfile.ZipFile(STDLIB) as stdlib, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in stdlib.infolist():
            data = stdlib.read(info.filename)
            if info.filename.endswith(".py"):
                target.writestr(zipfile.ZipInfo(info.filename + "c", info.date_time), bytecode(info.filename, data))
            else:
                target.writestr(zipfile.ZipInfo(info.filename, info.date_time), data)


build(OUT)  # noqa: F821 (set by precompile_stdlib.mjs)
