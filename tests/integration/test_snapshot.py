"""The Python memory snapshot is offered only for the models and runtime it was made from."""
import shutil

import pytest

from app.assets import sims_package, snapshot, vendor
from app.assets.routes import python_runtime
from app.config import ROOT

INDEX = ROOT / "static/vendor/pyodide" / vendor.PYODIDE_VERSION


@pytest.fixture
def built(app):
    """This app's snapshot, made if ``sims/`` changed since ``flask assets fetch``."""
    with app.app_context():
        snapshot.ensure(INDEX)
        return INDEX / snapshot.FOLDER / snapshot.name_for(sims_package.current_hash())


def offered(app):
    with app.test_request_context():
        return python_runtime()["data-snapshot-url"]


def test_the_snapshot_of_these_models_is_offered_and_served_compressed(app, client, built):
    url = offered(app)
    assert url == f"/vendor/pyodide/{vendor.PYODIDE_VERSION}/snapshots/{built.name}"
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert response.mimetype == "application/octet-stream" and "immutable" in response.headers["Cache-Control"]
    assert len(response.get_data()) < built.stat().st_size / 4
    response.close()


def test_changed_models_are_not_offered_the_old_snapshot(app, built, tmp_path):
    copy = tmp_path / "sims"
    shutil.copytree(ROOT / "sims", copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "gravity.py").write_text((copy / "gravity.py").read_text() + "\n# changed\n")
    app.config["SIMS_DIR"] = copy
    assert offered(app) == ""


def test_another_runtime_is_not_offered_this_snapshot(app, built):
    app.config["PYODIDE_VERSION"] = "0.0.0-not-fetched"
    assert offered(app) == ""


def test_the_stock_start_is_offered_neither_snapshot_nor_precompiled_library(app, built):
    with app.test_request_context():
        stock = python_runtime(stock=True)
    assert stock["data-snapshot-url"] == "" and stock["data-stdlib-url"] == ""


def test_a_new_standard_library_deletes_every_snapshot(tmp_path):
    folder = tmp_path / snapshot.FOLDER
    folder.mkdir()
    (folder / "0123456789abcdef.snapshot").write_bytes(b"old")
    snapshot.forget(tmp_path)
    assert not folder.exists()
