"""The ``sims`` package as the browser gets it: a pure-Python wheel in a Pyodide lockfile.

The wheel is built from ``SIMS_DIR`` when first asked for and again whenever a file there
changes; its version carries a hash of the files (``0.2.0+<hash>``), and both it and the
lockfile are served under ``/sims/<hash>/`` (``routes.py``), so their URLs and the memory
snapshot's name (``snapshot.py``) change with the models and can be cached for a year. The
lockfile is the vendored Pyodide's own with the wheel registered by ``pyodide_lock`` (what
``pyodide lockfile add-wheels`` does), so the worker loads it by name
(``loadPackage("leadup-sims")``) and Pyodide checks the wheel's sha256 before installing it.
"""
import base64
import hashlib
import io
import json
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

NAME = "leadup-sims"
DIST = NAME.replace("-", "_")
RECHECK_SECONDS = 2.0
ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed, so the same files always make the same bytes


@dataclass(frozen=True)
class SimsPackage:
    hash: str  # 16 hex digits of the files' sha256
    version: str
    wheel_name: str
    wheel: bytes
    lockfile: bytes  # pyodide-lock.json with the wheel registered


def package_files(root):
    """``(path inside the package, file)`` for every file of ``root``, sorted, caches left out."""
    root = Path(root)
    files = (p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    return sorted((f"sims/{p.relative_to(root).as_posix()}", p) for p in files)


def files_hash(files):
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(files, version):
    """A ``py3-none-any`` wheel of ``files`` (PEP 427): the package and its ``.dist-info``."""
    info = f"{DIST}-{version}.dist-info"
    metadata = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\n"
                            "Summary: LeadUP's urban digital-twin models (standard-library Python)\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: leadup\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/top_level.txt": "sims\n",
    }
    entries = [(name, path.read_bytes()) for name, path in files]
    entries += [(name, text.encode()) for name, text in metadata.items()]
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries) + f"{info}/RECORD,,\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in [*entries, (f"{info}/RECORD", record.encode())]:
            entry = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            wheel.writestr(entry, data)
    return buffer.getvalue()


def register(lockfile_path, wheel_name, wheel):
    """Pyodide's lockfile with ``wheel`` added to it, as JSON bytes (``pyodide_lock``)."""
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    spec = PyodideLockSpec.from_json(Path(lockfile_path))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / wheel_name
        path.write_bytes(wheel)
        spec = add_wheels_to_spec(spec, [path])
        out = Path(tmp) / "pyodide-lock.json"
        spec.to_json(out, indent=None)
        return out.read_bytes()


def declared_version(sims_dir):
    """``__version__`` of the package in ``sims_dir`` (read, not imported: it may not be ``sims`` here)."""
    text = (Path(sims_dir) / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    return match.group(1) if match else "0"


_files_cache = {}
_package_cache = {}


def fingerprint(sims_dir):
    """``(hash, files)`` of the package in ``sims_dir``, recomputed when a file changes.

    Listing the folder costs ~3 ms, too much for every page with a simulation, so it is done
    at most once every ``RECHECK_SECONDS``: an edited model is served within that time."""
    now = time.monotonic()
    cached = _files_cache.get(str(sims_dir))
    if cached and now - cached["checked"] < RECHECK_SECONDS:
        return cached["hash"], cached["files"]
    files = package_files(sims_dir)
    key = tuple((name, p.stat().st_mtime_ns, p.stat().st_size) for name, p in files)
    if not cached or cached["key"] != key:
        cached = _files_cache[str(sims_dir)] = {"key": key, "hash": files_hash(files), "files": files}
    cached["checked"] = now
    return cached["hash"], cached["files"]


def build(sims_dir, lockfile_path):
    """The ``SimsPackage`` for the files in ``sims_dir`` now (kept until one of them changes)."""
    digest, files = fingerprint(sims_dir)
    key = (str(sims_dir), str(lockfile_path), digest)
    if key not in _package_cache:
        version = f"{declared_version(sims_dir)}+{digest}"
        wheel_name = f"{DIST}-{version}-py3-none-any.whl"
        wheel = build_wheel(files, version)
        _package_cache.clear()
        _package_cache[key] = SimsPackage(digest, version, wheel_name, wheel,
                                          register(lockfile_path, wheel_name, wheel))
    return _package_cache[key]


def lockfile_path():
    """The vendored Pyodide's own ``pyodide-lock.json`` (``flask assets fetch`` puts it there)."""
    from .vendor import pyodide_dir

    return pyodide_dir() / "pyodide-lock.json"


def current_hash():
    """The hash of this app's ``SIMS_DIR`` (cheap: no wheel is built)."""
    return fingerprint(current_app.config["SIMS_DIR"])[0]


def current():
    """The package of this app's ``SIMS_DIR`` against its vendored Pyodide's lockfile."""
    return build(current_app.config["SIMS_DIR"], lockfile_path())


def write_to(folder, package):
    """Write the lockfile and the wheel into ``folder`` (for Node: tests, benchmarks, the
    snapshot builder); returns the lockfile's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / package.wheel_name).write_bytes(package.wheel)
    path = folder / "pyodide-lock.json"
    path.write_bytes(package.lockfile)
    return path


def lock_entry(package):
    """The lockfile's entry for the wheel (for tests and the snapshot builder)."""
    return json.loads(package.lockfile)["packages"][NAME]
