"""A memory snapshot of Pyodide with the models imported and the built-in data loaded.

Built at ``flask assets fetch`` (and ``flask assets snapshot``) by ``make_snapshot.mjs`` under
Node, from the vendored runtime, the precompiled standard library and the ``sims`` wheel. A
browser restores it in well under a second where a fresh start takes one to two
(``bench/README.md``). It is kept as ``static/vendor/pyodide/<version>/snapshots/<hash>.snapshot``
(with ``.br`` and ``.gz`` copies), so its URL carries both the Pyodide version and the hash of
``sims/``: a page is only offered the snapshot of the models it runs, on the runtime it
loads, and a changed model or runtime never restores a stale one. A snapshot also holds the
standard library's zip offsets, so rebuilding that library deletes every snapshot
(``vendor.precompile_stdlib``). The browser side is ``static/js/pyodide-worker.js``.
"""
import gzip
import shutil
import subprocess
import tempfile
from pathlib import Path

import brotli
import click

from . import sims_package

FOLDER = "snapshots"
SUFFIX = ".snapshot"
# Brotli 5 compresses the 31 MB heap to about 4.2 MB in 0.6 s; 11 would save 0.7 MB in 50 s.
BROTLI_QUALITY = 5


def folder(pyodide_dir):
    return Path(pyodide_dir) / FOLDER


def name_for(digest):
    return f"{digest}{SUFFIX}"


def current_name():
    """The file name of this app's snapshot if it has been built (else ``None``)."""
    from .vendor import pyodide_dir

    name = name_for(sims_package.current_hash())
    return name if (folder(pyodide_dir()) / name).is_file() else None


def forget(pyodide_dir):
    """Delete every snapshot in ``pyodide_dir`` (its standard library is being replaced)."""
    shutil.rmtree(folder(pyodide_dir), ignore_errors=True)


def build(pyodide_dir, package):
    """Make the snapshot for ``package`` (a ``SimsPackage``), from the precompiled standard
    library in ``pyodide_dir``, and its compressed copies; the other snapshots in the folder
    (older models) are deleted. Returns the snapshot's path."""
    from .vendor import PRECOMPILED_STDLIB

    stdlib = Path(pyodide_dir) / PRECOMPILED_STDLIB
    target = folder(pyodide_dir)
    target.mkdir(parents=True, exist_ok=True)
    out = target / name_for(package.hash)
    script = Path(__file__).with_name("make_snapshot.mjs")
    with tempfile.TemporaryDirectory() as tmp:
        lockfile = sims_package.write_to(tmp, package)
        partial = Path(tmp) / out.name
        result = subprocess.run(["node", str(script), str(pyodide_dir), str(stdlib), str(lockfile), str(partial)],
                                capture_output=True, text=True)
        if result.returncode != 0 or not partial.is_file():
            raise click.ClickException(f"could not make the Pyodide snapshot:\n{result.stderr[-2000:]}")
        data = partial.read_bytes()
        Path(f"{partial}.br").write_bytes(brotli.compress(data, quality=BROTLI_QUALITY))
        Path(f"{partial}.gz").write_bytes(gzip.compress(data, compresslevel=6, mtime=0))
        for old in target.iterdir():
            if not old.name.startswith(out.name):
                old.unlink(missing_ok=True)  # another process may be tidying too
        for suffix in ("", ".br", ".gz"):
            Path(f"{partial}{suffix}").chmod(0o644)
            shutil.move(f"{partial}{suffix}", f"{out}{suffix}")
    return out


def ensure(pyodide_dir, force=False):
    """Build this app's snapshot if it is missing; returns what was done (or ``None``)."""
    package = sims_package.current()
    if not force and (folder(pyodide_dir) / f"{name_for(package.hash)}.br").is_file():
        return None
    path = build(pyodide_dir, package)
    return f"a Python snapshot of sims {package.version} ({path.stat().st_size / 1e6:.1f} MB)"
