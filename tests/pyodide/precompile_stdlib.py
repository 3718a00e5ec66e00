"""Build standard-library zips with bytecode compiled by Pyodide itself (an experiment for the bench).

Runs inside Pyodide (``bench/sims.py --part stdlib`` passes it to
``run_in_pyodide.mjs`` with ``--mount /out=<folder>``): the local CPython's bytecode would
not do, as its magic number differs. Each ``.py`` of ``/lib/python3XY.zip`` becomes an
unchecked hash-based ``.pyc`` beside it (zipimport tries ``.pyc`` before ``.py``, and an
unchecked hash is never compared with the source, so nothing is read twice). Variants:

- ``pyc``: bytecode only, deflated (smallest; tracebacks into the standard library lose
  their source lines);
- ``pyc+py``: bytecode and sources, deflated (tracebacks keep their lines);
- ``pyc-stored``: bytecode only, not compressed in the zip (no inflating at import; the
  server's brotli copy makes the download small).
"""
import importlib.util
import json
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

OUT = "/out"
STDLIB = f"/lib/python{sys.version_info.major}{sys.version_info.minor}.zip"
VARIANTS = {"pyc": (False, zipfile.ZIP_DEFLATED), "pyc+py": (True, zipfile.ZIP_DEFLATED),
            "pyc-stored": (False, zipfile.ZIP_STORED)}


def bytecode(name, source):
    code = compile(source, f"{STDLIB}/{name}", "exec", dont_inherit=True)
    return _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)


def build():
    sizes = {}
    with zipfile.ZipFile(STDLIB) as stdlib:
        entries = [(info, stdlib.read(info.filename)) for info in stdlib.infolist()]
    compiled = {info.filename: bytecode(info.filename, data) for info, data in entries if info.filename.endswith(".py")}
    for variant, (keep_source, compression) in VARIANTS.items():
        path = f"{OUT}/stdlib-{variant}.zip"
        with zipfile.ZipFile(path, "w", compression) as out:
            for info, data in entries:
                if info.filename in compiled:
                    out.writestr(zipfile.ZipInfo(info.filename + "c", info.date_time), compiled[info.filename], compression)
                    if not keep_source:
                        continue
                out.writestr(zipfile.ZipInfo(info.filename, info.date_time), data,
                             compression if not info.is_dir() else zipfile.ZIP_STORED)
        with open(path, "rb") as handle:
            sizes[variant] = len(handle.read())
    return sizes


json.dumps(build())
