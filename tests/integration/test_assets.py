"""Self-hosted browser assets: MIME types, compression, caching, integrity, no CDN."""
import json
import re
import zipfile

import click
import pytest

from app.assets import vendor
from app.config import ROOT
from sims import selfcheck

PYODIDE = f"/vendor/pyodide/{vendor.PYODIDE_VERSION}"


def vendored(name):
    path = ROOT / "static/vendor" / name
    if not path.is_file():
        pytest.fail(f"{path} missing: run 'make assets' (make test does)")
    return path


def test_wasm_is_served_as_application_wasm_with_brotli(client):
    vendored(f"pyodide/{vendor.PYODIDE_VERSION}/pyodide.asm.wasm")
    response = client.get(f"{PYODIDE}/pyodide.asm.wasm", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.mimetype == "application/wasm"
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "immutable" in response.headers["Cache-Control"] and "max-age=31536000" in response.headers["Cache-Control"]
    size = len(response.get_data())
    assert size < 0.4 * vendored(f"pyodide/{vendor.PYODIDE_VERSION}/pyodide.asm.wasm").stat().st_size
    response.close()


def test_gzip_and_identity_fallbacks(client):
    gz = client.get(f"{PYODIDE}/pyodide.mjs", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gz.mimetype == "text/javascript"
    plain = client.get(f"{PYODIDE}/pyodide.mjs")
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == vendored(f"pyodide/{vendor.PYODIDE_VERSION}/pyodide.mjs").read_bytes()
    gz.close()
    plain.close()


def test_the_standard_library_is_precompiled_and_the_pages_start_python_with_it(client, auth, make):
    source = zipfile.ZipFile(vendored(f"pyodide/{vendor.PYODIDE_VERSION}/python_stdlib.zip"))
    built = zipfile.ZipFile(vendored(f"pyodide/{vendor.PYODIDE_VERSION}/{vendor.PRECOMPILED_STDLIB}"))
    modules = {name for name in source.namelist() if name.endswith(".py")}
    names = set(built.namelist())
    assert modules and {name + "c" for name in modules} <= names, "a module has no bytecode"
    assert not modules & names, "sources were left in the precompiled zip"
    info = built.getinfo("json/__init__.pyc")
    assert info.compress_type == zipfile.ZIP_STORED
    header = built.read("json/__init__.pyc")[:16]
    assert int.from_bytes(header[4:8], "little") == 1, "not unchecked hash-based bytecode"
    # (its source hash is keyed by Pyodide's Python version; test_models_in_pyodide starts with it)
    url = f"{PYODIDE}/{vendor.PRECOMPILED_STDLIB}"
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert len(response.get_data()) < 0.4 * built.fp.seek(0, 2), "the brotli copy is not served"
    response.close()
    auth.login(make.user())
    assert f'data-stdlib-url="{url}"' in client.get("/smoke/pyodide").get_data(as_text=True)


def test_without_the_precompiled_library_pages_start_python_with_pyodides_own(app):
    from app.assets.routes import pyodide_stdlib_url

    with app.test_request_context():
        assert pyodide_stdlib_url().endswith(vendor.PRECOMPILED_STDLIB)
        app.config["PYODIDE_VERSION"] = "0.0.0-not-fetched"
        assert pyodide_stdlib_url() == ""


def test_bokehjs_comes_from_the_installed_bokeh(client):
    import bokeh

    response = client.get(f"/vendor/bokeh/{bokeh.__version__}/bokeh.min.js", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    response.close()


def test_vendor_route_refuses_traversal_and_precompressed_names(client):
    assert client.get("/vendor/../app/config.py").status_code == 404
    assert client.get("/vendor/%2e%2e/app/config.py").status_code == 404
    assert client.get(f"{PYODIDE}/pyodide.mjs.br").status_code == 404


def test_integrity_check_rejects_tampered_bytes():
    import base64
    import hashlib

    data = b"pyodide"
    good = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    vendor.verify_integrity(data, good)
    with pytest.raises(click.ClickException, match="checksum mismatch"):
        vendor.verify_integrity(data + b"!", good)


def test_smoke_page_embeds_server_answer(client, auth, make):
    auth.login(make.user())
    html = client.get("/smoke/pyodide").get_data(as_text=True)
    assert f'data-index-url="{PYODIDE}/"' in html
    data = json.loads(re.search(r'id="smoke-server-result">(.*?)</script>', html).group(1))
    assert data["flows"] == selfcheck()["flows"]


def test_nothing_loads_from_elsewhere():
    """No template, stylesheet or script names another host."""
    pattern = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|import\s*\(?\s*["']https?://""")
    for folder in (ROOT / "app/templates", ROOT / "static/js", ROOT / "static/css"):
        for path in folder.rglob("*"):
            if path.is_file():
                assert not pattern.search(path.read_text()), path
