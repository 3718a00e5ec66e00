from pathlib import Path

from flask import Response, abort, current_app, has_request_context, render_template, request, send_file, url_for

from ..security import allow_plot_styles, public, signed_in
from . import bp, sims_package, snapshot, vendor

LONG_CACHE = 365 * 24 * 3600
ENCODINGS = [("br", ".br"), ("gzip", ".gz")]


def vendor_url(package, filename):
    """URL of a vendored file; the version is part of the path, so it can be cached for a year.

    A page that loads BokehJS is sent with ``PLOT_CSP`` (BokehJS adds ``<style>`` elements), so
    no template can load it under a policy that refuses them."""
    if package == "bokeh" and has_request_context():
        allow_plot_styles()
    version = current_app.config["PYODIDE_VERSION"] if package == "pyodide" else current_app.config["BOKEH_VERSION"]
    return url_for("assets.vendored", filename=f"{package}/{version}/{filename}")


def pyodide_stdlib_url():
    """URL of the precompiled standard library (``vendor.PRECOMPILED_STDLIB``), or "" when it was
    not built: the page then starts Python with Pyodide's own."""
    present = (vendor.pyodide_dir() / vendor.PRECOMPILED_STDLIB).is_file()
    return vendor_url("pyodide", vendor.PRECOMPILED_STDLIB) if present else ""


def python_runtime(stock=False):
    """The ``data-*`` attributes a page gives ``PythonRunner.fromElement`` (python-runner.js):
    where Pyodide, its standard library, the lockfile naming the ``sims`` wheel, the memory
    snapshot (``snapshot.py``; "" when none was built for these models) and the worker are.
    ``stock``: Pyodide's own standard library and no snapshot (the benchmark's floor). Used as
    ``{{ python_runtime()|xmlattr }}`` on the element that runs Python."""
    snapshot_name = None if stock else snapshot.current_name()
    return {
        "data-index-url": vendor_url("pyodide", ""),
        "data-stdlib-url": "" if stock else pyodide_stdlib_url(),
        "data-lockfile-url": sims_lockfile_url(),
        "data-snapshot-url": vendor_url("pyodide", f"{snapshot.FOLDER}/{snapshot_name}") if snapshot_name else "",
        "data-worker-url": url_for("static", filename="js/pyodide-worker.js"),
    }


@bp.get("/vendor/<path:filename>")
@public
def vendored(filename):
    """Serve a vendored file, precompressed if the browser accepts it, cached for a year."""
    root = vendor.vendor_dir().resolve()
    path = (root / filename).resolve()
    if root not in path.parents or not path.is_file() or path.suffix in (".br", ".gz"):
        abort(404)
    accepted = request.headers.get("Accept-Encoding", "")
    encoding, target = None, path
    for name, suffix in ENCODINGS:
        candidate = Path(f"{path}{suffix}")
        if name in accepted and candidate.is_file():
            encoding, target = name, candidate
            break
    mimetype = _mimetype(path)
    response = send_file(target, mimetype=mimetype, max_age=LONG_CACHE, conditional=True, etag=True)
    response.headers["Cache-Control"] = f"public, max-age={LONG_CACHE}, immutable"
    response.headers["Vary"] = "Accept-Encoding"
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response


def _mimetype(path):
    return {
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".zip": "application/zip",
        ".snapshot": "application/octet-stream",
    }.get(path.suffix, "application/octet-stream")


def sims_lockfile_url():
    """URL of the lockfile that names this app's ``sims`` wheel (``sims_package``)."""
    return url_for("assets.sims_file", digest=sims_package.current_hash(), filename="pyodide-lock.json")


@bp.get("/sims/<digest>/<filename>")
@public
def sims_file(digest, filename):
    """The ``sims`` wheel and the lockfile naming it; the hash in the path makes them immutable."""
    if digest != sims_package.current_hash():
        abort(404)
    try:
        package = sims_package.current()
    except FileNotFoundError:  # no vendored Pyodide (``flask assets fetch`` was not run)
        abort(404)
    if filename == "pyodide-lock.json":
        data, mimetype = package.lockfile, "application/json"
    elif filename == package.wheel_name:
        data, mimetype = package.wheel, "application/zip"
    else:
        abort(404)
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = f"public, max-age={LONG_CACHE}, immutable"
    return response


@bp.get("/smoke/pyodide")
@signed_in
def pyodide_smoke():
    """A page that starts Pyodide in a Web Worker and runs ``sims.selfcheck()``."""
    import sims

    stock = request.args.get("start") == "stock"  # ?start=stock: no precompiled library, no snapshot
    return render_template("assets/pyodide_smoke.html", server_result=sims.selfcheck(), stock=stock)


@bp.get("/sw.js")
@public
def service_worker():
    """The offline cache's service worker, served from the root so its scope is the whole site."""
    path = Path(current_app.static_folder) / "js" / "service-worker.js"
    response = send_file(path, mimetype="text/javascript", max_age=0, conditional=True, etag=True)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
