"""Fetch, verify and precompress the third-party browser runtimes (``flask assets fetch``)."""
import base64
import gzip
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import brotli
import click
from flask import current_app
from flask.cli import AppGroup

from . import snapshot

PYODIDE_VERSION = "314.0.7"
# npm's published integrity for pyodide@314.0.7 (sha512 of the tarball).
PYODIDE_INTEGRITY = "sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+SNvi/6V5JEsOlD2R1A=="
PYODIDE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
# The standard library with its bytecode compiled by Pyodide itself (see precompile_stdlib.py):
# pages start Python with it when it is there, and with python_stdlib.zip when it is not.
PRECOMPILED_STDLIB = "python_stdlib.pyc.zip"
# bokeh.min.js draws; bokeh-api.min.js adds Bokeh.Plotting (figure, show) for plots made in JS.
BOKEH_FILES = ["bokeh.min.js", "bokeh-api.min.js", "bokeh-widgets.min.js"]
COMPRESS_SUFFIXES = {".js", ".mjs", ".wasm", ".json", ".css"}

assets_cli = AppGroup("assets", help="Self-hosted browser assets (Pyodide, BokehJS).")


def bokeh_version():
    import bokeh

    return bokeh.__version__


def vendor_dir(app=None):
    return Path((app or current_app).static_folder) / "vendor"


def pyodide_dir(app=None):
    """The folder of the app's vendored Pyodide (its ``PYODIDE_VERSION``)."""
    app = app or current_app
    return vendor_dir(app) / "pyodide" / app.config["PYODIDE_VERSION"]


def verify_integrity(data, integrity):
    """Check bytes against an npm/SRI integrity string such as ``sha512-...``."""
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise click.ClickException(f"checksum mismatch: expected {integrity}, got {algorithm}-{digest}")


def precompress(path):
    """Write ``.br`` and ``.gz`` beside ``path`` (served when the browser accepts them)."""
    data = path.read_bytes()
    Path(f"{path}.br").write_bytes(brotli.compress(data, quality=11))
    Path(f"{path}.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def fetch_pyodide(dest):
    """``npm pack`` the pinned Pyodide, verify its checksum, unpack the runtime into ``dest``."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", tmp, "--silent"],
            check=True, stdout=subprocess.DEVNULL,
        )
        tarball = Path(tmp) / f"pyodide-{PYODIDE_VERSION}.tgz"
        verify_integrity(tarball.read_bytes(), PYODIDE_INTEGRITY)
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as tar:
            for name in PYODIDE_FILES:
                member = tar.getmember(f"package/{name}")
                with tar.extractfile(member) as src, open(dest / name, "wb") as out:
                    shutil.copyfileobj(src, out)
    for name in PYODIDE_FILES:
        if (dest / name).suffix in COMPRESS_SUFFIXES:
            precompress(dest / name)


def precompile_stdlib(dest):
    """Build ``PRECOMPILED_STDLIB`` in ``dest`` (a Pyodide folder) with Node, and its compressed copies."""
    script = Path(__file__).with_name("precompile_stdlib.mjs")
    out = dest / PRECOMPILED_STDLIB
    partial = dest / f"{PRECOMPILED_STDLIB}.part"
    result = subprocess.run(["node", str(script), str(dest), str(partial)], capture_output=True, text=True)
    if result.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"could not precompile Pyodide's standard library:\n{result.stderr[-2000:]}")
    partial.chmod(0o644)
    snapshot.forget(dest)  # a snapshot holds the old library's zip offsets
    partial.replace(out)
    precompress(out)


def copy_bokehjs(dest):
    """Copy BokehJS from the installed ``bokeh`` wheel (the same version the server uses)."""
    from bokeh.util.paths import bokehjs_path

    dest.mkdir(parents=True, exist_ok=True)
    source = Path(bokehjs_path()) / "js"
    for name in BOKEH_FILES:
        shutil.copyfile(source / name, dest / name)
        precompress(dest / name)


def ensure_assets(app, force=False):
    """Fetch whatever is missing; returns a list of what was done."""
    done = []
    root = vendor_dir(app)
    pyodide_dir = root / "pyodide" / PYODIDE_VERSION
    if force or not all((pyodide_dir / n).is_file() for n in PYODIDE_FILES):
        fetch_pyodide(pyodide_dir)
        done.append(f"Pyodide {PYODIDE_VERSION} (checksum verified)")
    if force or not (pyodide_dir / f"{PRECOMPILED_STDLIB}.br").is_file():
        precompile_stdlib(pyodide_dir)
        done.append("its standard library precompiled")
    made = snapshot.ensure(pyodide_dir, force=force)
    if made:
        done.append(made)
    bokeh_dir = root / "bokeh" / bokeh_version()
    if force or not all((bokeh_dir / f"{name}.br").is_file() for name in BOKEH_FILES):
        copy_bokehjs(bokeh_dir)
        done.append(f"BokehJS {bokeh_version()}")
    return done


@assets_cli.command("snapshot")
def make_snapshot():
    """Build the Python memory snapshot for the current sims/ again (fetch builds a missing one)."""
    pyodide_dir = vendor_dir() / "pyodide" / PYODIDE_VERSION
    if not (pyodide_dir / PRECOMPILED_STDLIB).is_file():
        raise click.ClickException("run 'flask assets fetch' first: the snapshot needs the vendored Pyodide")
    click.echo("Made " + snapshot.ensure(pyodide_dir, force=True))


@assets_cli.command("fetch")
@click.option("--force", is_flag=True, help="Download again even if present.")
def fetch(force):
    """Download and verify Pyodide and BokehJS into static/vendor/."""
    done = ensure_assets(current_app, force=force)
    click.echo("Fetched: " + "; ".join(done) if done else "Browser assets are up to date.")
