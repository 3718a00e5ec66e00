"""The ``sims`` package as the browser gets it: a wheel named in a Pyodide lockfile."""
import hashlib
import io
import json
import shutil
import subprocess
import zipfile

import pytest

from app.assets import sims_package, vendor
from app.assets.routes import python_runtime
from app.config import ROOT
from sims import selfcheck

INDEX = ROOT / "static/vendor/pyodide" / vendor.PYODIDE_VERSION


def lockfile_url(app):
    with app.test_request_context():
        return python_runtime()["data-lockfile-url"]


def fetch_package(client, url):
    """The lockfile at ``url`` and the wheel it names, as the worker would fetch them."""
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "immutable" in response.headers["Cache-Control"]
    lock = json.loads(response.get_data())
    entry = lock["packages"]["leadup-sims"]
    wheel = client.get(url.rsplit("/", 1)[0] + "/" + entry["file_name"])
    assert wheel.status_code == 200 and "immutable" in wheel.headers["Cache-Control"]
    return lock, entry, wheel.get_data()


def test_the_lockfile_is_pyodides_own_with_the_wheel_added_and_its_checksum(app, client):
    if not (INDEX / "pyodide-lock.json").is_file():
        pytest.fail("the vendored Pyodide is missing: run 'make assets' (make test does)")
    lock, entry, wheel = fetch_package(client, lockfile_url(app))
    own = json.loads((INDEX / "pyodide-lock.json").read_text())
    assert lock["info"] == own["info"] and set(own["packages"]) <= set(lock["packages"])
    assert entry["imports"] == ["sims"] and entry["install_dir"] == "site" and entry["depends"] == []
    assert entry["sha256"] == hashlib.sha256(wheel).hexdigest()
    names = zipfile.ZipFile(io.BytesIO(wheel)).namelist()
    assert "sims/__init__.py" in names and "sims/data/cambridge/zones.csv" in names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    info = f"leadup_sims-{entry['version']}.dist-info"
    assert {f"{info}/METADATA", f"{info}/WHEEL", f"{info}/RECORD"} <= set(names)


def test_the_same_files_make_the_same_wheel_and_a_change_makes_a_new_address(app, client, tmp_path):
    lockfile = INDEX / "pyodide-lock.json"
    copy = tmp_path / "sims"
    shutil.copytree(ROOT / "sims", copy, ignore=shutil.ignore_patterns("__pycache__"))
    first = sims_package.build(copy, lockfile)
    assert sims_package.build(copy, lockfile).wheel == first.wheel
    (copy / "gravity.py").write_text((copy / "gravity.py").read_text() + "\n# changed\n")
    sims_package._files_cache.clear()  # no waiting for the recheck interval
    changed = sims_package.build(copy, lockfile)
    assert changed.hash != first.hash and changed.wheel_name != first.wheel_name
    assert changed.version == f"{sims_package.declared_version(copy)}+{changed.hash}"


def test_an_old_address_or_another_file_is_not_found(app, client):
    url = lockfile_url(app)
    digest = url.split("/")[2]
    assert client.get(url.replace(digest, "0" * 16)).status_code == 404
    assert client.get(url.replace("pyodide-lock.json", "sims.zip")).status_code == 404
    assert client.get(url.replace("pyodide-lock.json", "../app/config.py")).status_code == 404


def test_sims_run_unchanged_in_pyodide_under_node(app, client, tmp_path):
    """Pyodide (Node) installs the wheel by name from the lockfile and gives the same answer as
    CPython. (Node does not check the sha256; browsers do: tests/e2e/test_pyodide.py.)"""
    lock, entry, wheel = fetch_package(client, lockfile_url(app))
    (tmp_path / "pyodide-lock.json").write_text(json.dumps(lock))
    (tmp_path / entry["file_name"]).write_bytes(wheel)
    script = tmp_path / "run.mjs"
    script.write_text(f"""
import {{ loadPyodide }} from "{INDEX}/pyodide.mjs";
const py = await loadPyodide({{ indexURL: "{INDEX}/", lockFileURL: "{tmp_path}/pyodide-lock.json" }});
await py.loadPackage("leadup-sims", {{ messageCallback: () => {{}}, errorCallback: (e) => console.error(e) }});
console.log(py.runPython("import json, sims; json.dumps(sims.selfcheck())"));
""")
    result = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    browser = json.loads(result.stdout.strip().splitlines()[-1])
    server = selfcheck()
    assert browser["platform"] == "emscripten" and browser["python"].startswith("3.")
    for row_b, row_s in zip(browser["flows"], server["flows"], strict=True):
        assert row_b == pytest.approx(row_s, abs=1e-6)

