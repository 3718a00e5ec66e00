import hashlib
import io
import zipfile
from pathlib import Path

from flask import Response, abort, current_app, has_request_context, render_template, request, send_file, url_for

from ..security import allow_plot_styles, public, signed_in
from . import bp, vendor

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
    folder = vendor.vendor_dir() / "pyodide" / current_app.config["PYODIDE_VERSION"]
    return vendor_url("pyodide", vendor.PRECOMPILED_STDLIB) if (folder / vendor.PRECOMPILED_STDLIB).is_file() else ""


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
    }.get(path.suffix, "application/octet-stream")


_sims_cache = {}


def sims_archive():
    """A zip of the ``sims`` package for ``pyodide.unpackArchive``; rebuilt when files change."""
    root = Path(current_app.config["SIMS_DIR"])
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if _sims_cache.get("key") != key:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                info = zipfile.ZipInfo(f"sims/{path.relative_to(root).as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        data = buffer.getvalue()
        _sims_cache.update(key=key, data=data, etag=hashlib.sha256(data).hexdigest()[:32])
    return _sims_cache["data"], _sims_cache["etag"]


@bp.get("/sims.zip")
@public
def sims_zip():
    data, etag = sims_archive()
    response = Response(data, mimetype="application/zip")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


@bp.get("/smoke/pyodide")
@signed_in
def pyodide_smoke():
    """A page that starts Pyodide in a Web Worker and runs ``sims.selfcheck()``."""
    import sims

    return render_template("assets/pyodide_smoke.html", server_result=sims.selfcheck())


@bp.get("/sw.js")
@public
def service_worker():
    """The offline cache's service worker, served from the root so its scope is the whole site."""
    path = Path(current_app.static_folder) / "js" / "service-worker.js"
    response = send_file(path, mimetype="text/javascript", max_age=0, conditional=True, etag=True)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
