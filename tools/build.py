"""Build into a staging folder; publish only what built.

Why this exists: readers are served what is in ``_build/html`` (and the PDFs in
``_build/latex``). A failed build must leave them as they were, byte for byte,
so Sphinx never writes there directly. It writes into ``_build/.staging/``,
which keeps its own doctrees and output from build to build, so that builds
stay incremental; when the build succeeded, the files that differ are copied
into the published folder (each replaced in one step) and files the build no
longer makes are removed. After an incremental build that is a handful of
files, so publishing takes a moment. When the build failed, nothing is copied,
and the message says that the published folder was left alone.

    python tools/build.py BUILDER [--srcdir DIR] [--builddir DIR] [SPHINX OPTIONS...]

BUILDER is any ``sphinx-build -M`` target: html, latexpdf, epub, linkcheck...
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

STAGING = ".staging"
#: the folder `sphinx-build -M` writes each target to, when not its own name
OUTPUT_OF = {"latexpdf": "latex", "latexpdfja": "latex", "info": "texinfo"}
#: what an HTML build copies from the published PDFs (peninsula.pdfs)
PDF_DIR_SETTING = "peninsula_pdf_dir"


def same(a: Path, b: Path) -> bool:
    """Whether *b* already holds what *a* holds: same size, then same bytes."""
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
    except FileNotFoundError:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            chunk = fa.read(1 << 16)
            if chunk != fb.read(1 << 16):
                return False
            if not chunk:
                return True


def publish(staged: Path, published: Path) -> tuple[int, int]:
    """Make *published* hold exactly what *staged* holds; (copied, removed)."""
    published.mkdir(parents=True, exist_ok=True)
    copied = removed = 0
    wanted: set[Path] = set()
    for source in sorted(staged.rglob("*")):
        relative = source.relative_to(staged)
        wanted.add(relative)
        target = published / relative
        if source.is_dir():
            if target.exists() and not target.is_dir():
                target.unlink()
            target.mkdir(exist_ok=True)
            continue
        if target.is_dir():
            shutil.rmtree(target)
        if same(source, target):
            continue
        # a temporary file beside the target, then one rename: a reader never
        # meets a half-written file
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".publish-")
        os.close(handle)
        shutil.copy2(source, temporary)
        os.replace(temporary, target)
        copied += 1
    for old in sorted(published.rglob("*"), reverse=True):
        if old.relative_to(published) not in wanted:
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
            else:
                old.unlink()
            removed += 1
    return copied, removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builder")
    parser.add_argument("--srcdir", type=Path, default=Path("."))
    parser.add_argument("--builddir", type=Path, default=Path("_build"))
    args, sphinx_options = parser.parse_known_args(argv)
    output = OUTPUT_OF.get(args.builder, args.builder)
    staging = args.builddir / STAGING
    published = args.builddir / output
    command = [sys.executable, "-m", "sphinx", "-M", args.builder, str(args.srcdir), str(staging)]
    command += sphinx_options
    if args.builder in ("html", "dirhtml"):
        # the PDFs an HTML build carries are those readers already have
        command += ["-D", f"{PDF_DIR_SETTING}={(args.builddir / 'latex').resolve()}"]
    result = subprocess.run(command, check=False)
    if result.returncode != 0:
        print(
            f"build failed: nothing was published; {published} is as it was before this build",
            file=sys.stderr,
        )
        return result.returncode
    copied, removed = publish(staging / output, published)
    print(f"published {published}: {copied} files written, {removed} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
