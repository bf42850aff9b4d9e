"""What the browser tests share: Debian's Chromium driven by playwright, a
static server on 127.0.0.1, screenshots kept for a person to look at, and
axe-core's accessibility check.

Chromium and axe-core are installed by `make test` (tools/system-deps.sh and
`npm ci`); without them these tests fail, they are never skipped. Chromium's
background networking is off, and the server listens on the loopback only:
nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: where screenshots of each page state are kept, to be looked at
SCREENSHOTS = REPO / "_build" / "screenshots"
#: axe-core, as `npm ci` installs it from package-lock.json
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
#: a phone: the viewport of an iPhone 12 to 15
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: the impacts that fail a page; axe's "minor" findings are reported only
FAILING_IMPACTS = ("critical", "serious", "moderate")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class HostedHandler(QuietHandler):
    """Serves the site under the path of its base URL (``/en/latest/`` on Read
    the Docs) and answers a missing address with 404.html, as the hosts do."""

    prefix = "/"

    def send_head(self):
        path = urlsplit(self.path).path
        if path.startswith(self.prefix):
            self.path = "/" + path[len(self.prefix) :]
            local = Path(self.translate_path(self.path))
            if local.is_file() or (local.is_dir() and (local / "index.html").is_file()):
                return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


def hosted_handler(prefix: str) -> type:
    return type("Hosted", (HostedHandler,), {"prefix": prefix})


@contextlib.contextmanager
def serve(directory: Path, handler: type = QuietHandler) -> Iterator[str]:
    """Serve *directory* on 127.0.0.1 at a free port; yields the site's address."""
    bound = functools.partial(handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Keep a picture of the page as the reader sees it now."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def axe_violations(page, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[str]:
    """axe-core's violations of the page, at the given impacts, one line each:
    the rule, its impact, and the first offending elements."""
    if not AXE.is_file():
        raise AssertionError(f"axe-core is not installed at {AXE}: run `make test` (npm ci)")
    if not page.evaluate("typeof window.axe === 'object'"):
        # evaluated through the DevTools protocol: the page's Content-Security-
        # Policy (peninsula.pages.security) refuses an inline <script>, and rightly
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                count: v.nodes.length,
            }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}, {v['count']}×): {'; '.join(v['nodes'])}"
        for v in result
        if v["impact"] in impacts
    ]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scroll)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )
