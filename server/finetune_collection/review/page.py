"""The review page as one self-contained HTML document, and the CSP that allows exactly it.

The page is kept as three files (`review.html`, `.css`, `.js`) for editing; both transports serve
the same assembled document, with the CSS and JS inlined, because an MCP App resource must be a
single document and the local server's CSP then needs no `'self'` scripts at all.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass
from importlib import resources

STYLE_TAG = '<link rel="stylesheet" href="review.css">'
SCRIPT_TAG = '<script src="review.js"></script>'


@dataclass(frozen=True, slots=True)
class Page:
    html: str
    script_hash: str  # CSP source expressions: 'sha256-…'
    style_hash: str

    @property
    def csp(self) -> str:
        """Strict CSP for the local server: only this page's inline script and style, calls to itself."""
        return (
            "default-src 'none'; "
            f"script-src {self.script_hash}; style-src {self.style_hash}; img-src data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@functools.cache
def page() -> Page:
    html, css, js = _read("review.html"), _read("review.css"), _read("review.js")
    # An inlined file must not be able to close its own element early.
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError("review.js/review.css must not contain a closing </script> or </style>")
    style, script = "\n" + css, "\n" + js
    for tag in (STYLE_TAG, SCRIPT_TAG):
        if html.count(tag) != 1:
            raise RuntimeError(f"review.html must contain {tag} exactly once")
    html = html.replace(STYLE_TAG, f"<style>{style}</style>").replace(SCRIPT_TAG, f"<script>{script}</script>")
    return Page(html, _hash(script), _hash(style))


def served_html() -> str:
    """The page as the team server (`finetune serve --http`) serves it: marked, so its script
    calls the server's API (authenticated by a cookie) rather than the MCP Apps bridge."""
    html = page().html
    opening = '<html lang="en">'
    if html.count(opening) != 1:
        raise RuntimeError(f"review.html must contain {opening} exactly once")
    return html.replace(opening, '<html lang="en" data-transport="http">')
