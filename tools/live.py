"""``make livehtml``: serve the last good site, rebuild on every save, show the errors.

Why this exists: sphinx-autobuild serves the folder its own Sphinx run writes
into, so a build that fails half-way serves half a site, and an editor reading
while fixing a typo meets broken pages. Its ``--pre-build`` hook cannot stand
in for the build (a failing hook prints a Python traceback, then Sphinx still
runs into the served folder), and the reload script it injects into every page
is an inline ``<script>``, which the site's Content-Security-Policy
(peninsula.pages.security) refuses.

So this keeps sphinx-autobuild's watcher (its ``RebuildServer``: file events,
then a callback, then a "refresh" to every open page over a WebSocket) and its
ignore rules, but builds with tools/build.py, which builds into the staging
folder and publishes only a build that succeeded, and serves the published
folder. A failed build's warnings show in this terminal, the pages stay the
last good ones, and the next save builds again. The reload script is a file,
``/_live/reload.js``, so the CSP lets it run.

    python tools/live.py [--srcdir DIR] [--builddir DIR] [--host H] [--port N] [SPHINX OPTIONS...]
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
from pathlib import Path

import uvicorn
from sphinx_autobuild.filter import IgnoreFilter
from sphinx_autobuild.server import RebuildServer
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

BUILD = Path(__file__).resolve().with_name("build.py")
RELOAD_PATH = "/_live/reload.js"
SOCKET_PATH = "/_live/socket"
#: reloads the page when a build has finished
RELOAD_JS = f"""\
"use strict";
new WebSocket(
  (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "{SOCKET_PATH}"
).addEventListener("message", () => location.reload());
"""
RELOAD_TAG = f'<script src="{RELOAD_PATH}" defer></script>\n'.encode()
#: never a reason to build again: what builds write, and what no page is made from
IGNORED = [
    ".git",
    ".venv",
    "node_modules",
    ".ruff_cache",
    ".pytest_cache",
    "tests",
    "benchmarks",
    # written by every build (peninsula.pages.browse, peninsula.pages.chronology)
    "_generated",
    "topics",
    "authors",
]


def rebuild(command: list[str], changed_paths: list[Path] = ()) -> None:
    """Build and publish; the build's own messages go to this terminal."""
    if changed_paths:
        names = ", ".join(str(p) for p in list(changed_paths)[:5])
        print(f"[live] changed: {names}; building", flush=True)
    result = subprocess.run(command, check=False)
    if result.returncode != 0:
        print("[live] the build failed (above): still serving the last good site", flush=True)


class InjectReload:
    """Adds the reload script to every HTML page served."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_html = False

        async def send_with_script(message) -> None:
            nonlocal is_html
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                is_html = headers.get("content-type", "").startswith("text/html")
                if is_html and "content-length" in headers:
                    headers["content-length"] = str(
                        int(headers["content-length"]) + len(RELOAD_TAG)
                    )
            elif message["type"] == "http.response.body" and is_html:
                if not message.get("more_body", False):
                    message["body"] = message.get("body", b"") + RELOAD_TAG
            await send(message)

        await self.app(scope, receive, send_with_script)


def reload_script(request) -> Response:
    return Response(RELOAD_JS, media_type="text/javascript")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--srcdir", type=Path, default=Path("."))
    parser.add_argument("--builddir", type=Path, default=Path("_build"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args, sphinx_options = parser.parse_known_args(argv)
    srcdir = args.srcdir.resolve()
    builddir = args.builddir if args.builddir.is_absolute() else srcdir / args.builddir
    command = [sys.executable, str(BUILD), "html", "--srcdir", str(srcdir)]
    command += ["--builddir", str(builddir), *sphinx_options]
    published = builddir / "html"

    rebuild(command)
    ignore = IgnoreFilter([str(srcdir / name) for name in IGNORED] + [str(builddir)], [])
    watcher = RebuildServer([srcdir], ignore, functools.partial(rebuild, command))
    app = Starlette(
        routes=[
            Route(RELOAD_PATH, reload_script),
            WebSocketRoute(SOCKET_PATH, watcher),
            # looked up on every request (realpath), never once: each publication
            # points the folder at a new tree, and the first may be still to come
            Mount("/", app=StaticFiles(directory=published, html=True, check_dir=False)),
        ],
        lifespan=watcher.lifespan,
    )
    print(f"[live] serving {published} at http://{args.host}:{args.port}/ (Ctrl-C stops)")
    try:
        uvicorn.run(InjectReload(app), host=args.host, port=args.port, log_level="warning")
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
