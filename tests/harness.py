"""The editorial gates' harness: build a project as `make html` does (through
tools/build.py, strict), break it, and check what an editor would see.

A mistake must give exactly its message, fail the build, fail the next build
too (Sphinx repeats a page's warnings only when it reads the page again), and
leave the published site byte for byte as it was.

``published_root`` builds the small but complete project tests/roots/test-gates
once per test session; ``broken_copy`` gives each test its own copy of the
project and of its published build, to break.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

from conftest import ANSI

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "tools" / "build.py"
#: the path of a build in a subprocess: the extension, and the settings the
#: test roots share (roots/journal.py)
PYTHONPATH = os.pathsep.join([str(REPO / "_ext"), str(REPO / "tests" / "roots")])
STRICT = ["-W", "--keep-going", "-n", "-q"]
#: how every PNG file starts
PNG = b"\x89PNG\r\n\x1a\n"


def png(path: Path) -> None:
    """A real picture: one white pixel."""
    row = zlib.compress(b"\x00\xff\xff\xff")

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    path.write_bytes(PNG + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b""))


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under *folder*, by path, with the SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def readable_bytes(path: Path) -> bytes:
    """The bytes of *path* as a reader gets them: a gzip file (Pagefind's
    index, fragments and filters) decompressed, Sphinx's objects.inv after its
    four lines of header inflated; any other file as it is."""
    data = path.read_bytes()
    try:
        if data.startswith(b"\x1f\x8b"):
            return gzip.decompress(data)
        if path.name == "objects.inv":
            header = data.split(b"\n", 4)
            return b"\n".join(header[:4]) + b"\n" + zlib.decompress(header[4])
    except (OSError, EOFError, zlib.error, IndexError):
        pass  # not what its first bytes said: read as it is
    return data


def staged_build(
    srcdir: Path,
    builder: str = "html",
    env: dict[str, str] | None = None,
    options: list[str] | None = None,
) -> subprocess.CompletedProcess:
    """Build *srcdir* into its _build/ as `make` does (*options*: the
    Makefile's SPHINXOPTS, *env*: settings added to the environment); stderr
    has the messages."""
    env = dict(os.environ, PYTHONPATH=PYTHONPATH, **(env or {}))
    return subprocess.run(
        [sys.executable, str(BUILD), builder, "--srcdir", str(srcdir)]
        + ["--builddir", str(srcdir / "_build")]
        + (STRICT if options is None else options),
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=srcdir,
    )


def messages(result: subprocess.CompletedProcess, srcdir: Path) -> list[str]:
    """The warnings and errors of a build, one per line, paths relative to the
    project (``articles/the-line.md:12: WARNING: ...``), colours stripped."""
    out = []
    for line in ANSI.sub("", result.stderr).splitlines():
        if "WARNING:" in line or "ERROR:" in line:
            out.append(
                line.replace(str(srcdir) + os.sep, "").replace(str(srcdir.resolve()) + os.sep, "")
            )
    return out


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def assert_refused(
    srcdir: Path, expected: list[str], builds: int = 2, in_any_order: bool = False
) -> None:
    """Each of *builds* builds in a row fails with exactly *expected* (in that
    order, unless *in_any_order*), and the published site under
    srcdir/_build/html is left as it was."""
    published = srcdir / "_build" / "html"
    before = tree_digest(published)
    assert before, f"nothing published in {published} to protect"
    for attempt in range(1, builds + 1):
        result = staged_build(srcdir)
        assert result.returncode != 0, f"build {attempt} passed:\n{result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr
        given = messages(result, srcdir)
        if in_any_order:
            given, expected = sorted(given), sorted(expected)
        assert given == expected, f"build {attempt}:\n{result.stderr}"
        assert tree_digest(published) == before, f"build {attempt} changed the published site"


def make_dry_run(target: str) -> list[str]:
    """The commands `make TARGET` would run, in order."""
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", target], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if "sphinx" in line or "build.py" in line]


# -- A server the tests start (make livehtml) ------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, seconds: float = 10) -> bytes:
    """The body at *url*, once the server answers; an answer other than a
    page (a 404) is an error at once."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read()
        except ConnectionError:
            if time.monotonic() > deadline:
                raise
        except urllib.error.URLError as err:
            if not isinstance(err.reason, ConnectionError) or time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def wait_for(output: Path, text: str, start: int, seconds: float = 90) -> str:
    """Wait until the live server's output, after *start*, holds *text*."""
    deadline = time.monotonic() + seconds
    seen = ""
    while time.monotonic() < deadline:
        seen = output.read_text(errors="replace")[start:]
        if text in seen:
            return seen
        time.sleep(0.2)
    raise AssertionError(f"no {text!r} in {seconds} s; the live server said:\n{seen}")
