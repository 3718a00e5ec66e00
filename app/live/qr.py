"""The join link as a QR code: an inline SVG made on the server (no request leaves the page).

The SVG carries attributes only, never a ``style=`` attribute, which the CSP forbids."""
import segno
from markupsafe import Markup, escape


def join_qr(url, scale=6):
    """``<svg role="img" aria-label="QR code to join: <url>">``, ``scale`` pixels per module."""
    code = segno.make(str(url), error="m")
    svg = code.svg_inline(scale=scale, dark="#000", light="#fff", border=4, omitsize=False,
                          svgclass="live-qr", lineclass=None)
    label = escape(f"QR code to join: {url}")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
    if "style=" in svg:  # never: segno writes attributes; a new version must not slip one in
        raise ValueError("the QR code's SVG has a style attribute, which the CSP refuses")
    return Markup(svg)
