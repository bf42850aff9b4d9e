"""A Content-Security-Policy for every page: in its head, and as a header where hosts allow.

Why this exists: the site is static and runs only its own scripts, so a page
should refuse any other: a script a compromised mirror, a browser extension's
injection or a careless edit slips into a page does not run. A policy that
says so is only as good as the pages it covers, so the site has no inline
script (furo's theme-choice script is a file, ``_static/theme-preference.js``,
through ``_templates/base.html``) and no ``on…=`` attribute; the JSON-LD block
of an essay (peninsula.pages.head) is ``application/ld+json``, data that no browser
executes, so the policy needs no exception for it.

Where it is said:

* a ``<meta http-equiv="Content-Security-Policy">`` first in every page's head,
  for hosts that send no headers of their own (Read the Docs, GitHub Pages,
  ``make serve``); the meta tag must come before anything it governs;
* ``_headers`` at the site's root, the file by which Netlify and Cloudflare
  Pages set response headers, with the same policy plus what only a header can
  carry (``frame-ancestors``: a page of ours may not be framed by another site).
  Browsers warn about ``frame-ancestors`` in a meta tag, so it is left out there.
  Other extensions add rules of their own to the file through the event
  ``peninsula-header-rules`` (peninsula.pages.signposting: each essay page's links).

What the policy allows, and why:

* ``script-src 'self' 'wasm-unsafe-eval'``: our scripts and Pagefind's, and the
  WebAssembly that Pagefind's search runs; no inline script, no ``eval``;
* ``style-src 'self' 'unsafe-inline'``: Sphinx and furo write ``style``
  attributes in every page (the general index's column widths, the icons'
  opacity) and furo its colour variables in a ``<style>``; a style cannot run
  code, and hashes do not cover attributes;
* ``img-src 'self' data:``: furo's CSS draws some icons from ``data:`` URLs;
* ``connect-src 'self'``: Pagefind's index and the previews' glossary and
  chronology pages come from the site itself;
* nothing else from anywhere: ``default-src 'self'``, no plugins, no ``<base>``
  and forms only to the site.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.builder import is_site_builder, write_if_changed

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: the policy, one directive per entry
POLICY = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
#: what only a response header can carry
HEADER_ONLY = ("frame-ancestors 'none'",)
HEADERS_FILE = "_headers"
#: sent with every file by hosts that read _headers
OTHER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def policy(header: bool = False) -> str:
    return "; ".join(POLICY + (HEADER_ONLY if header else ()))


def meta_tag() -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{escape(policy(), quote=False)}">'


def add_policy(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if not is_site_builder(app):
        return
    # first of the extra head tags, so that it governs everything after it
    context["metatags"] = meta_tag() + "\n" + context.get("metatags", "")


def headers_file(rules: str = "") -> str:
    """The ``_headers`` file: every path of the site gets the policy, then
    *rules* for single paths."""
    lines = ["/*", f"  Content-Security-Policy: {policy(header=True)}"]
    lines += [f"  {name}: {value}" for name, value in OTHER_HEADERS.items()]
    return "\n".join(lines) + "\n" + rules


def write_headers(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_site_builder(app):
        return
    rules = "".join(app.events.emit("peninsula-header-rules"))
    write_if_changed(Path(app.outdir) / HEADERS_FILE, headers_file(rules).encode())


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.pages.site")
    # handlers (app) return rules for _headers, each "<path>\n  <Name>: <value>\n"
    app.add_event("peninsula-header-rules")
    app.connect("html-page-context", add_policy)
    app.connect("build-finished", write_headers)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
