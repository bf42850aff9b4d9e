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

Why not swap whole folders: the staging folder must stay, for the next build to
be incremental, so a whole-folder swap would copy every file on every build;
and hard links would let the next build rewrite the published files in place
(Sphinx truncates and rewrites the file it updates), so a failed build could
still reach readers. One rename per changed file is what stays fast.

An HTML build carries the PDFs that are published (``_build/latex``), never
those of a LaTeX build that failed in the staging folder: it is told where
they are with ``-D peninsula_pdf_dir=...`` (peninsula.pdfs).

Two builds never share the staging folder at once (``make livehtml`` and a
``make html`` in another terminal): the second waits for the first.

    python tools/build.py BUILDER [--srcdir DIR] [--builddir DIR] [SPHINX OPTIONS...]

BUILDER is any ``sphinx-build -M`` target: html, latexpdf, epub, linkcheck...
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGING = ".staging"
#: held while a build uses the staging folder
LOCK = ".staging.lock"
#: the folder `sphinx-build -M` writes each target to, when not its own name
OUTPUT_OF = {"latexpdf": "latex", "latexpdfja": "latex", "info": "texinfo"}
#: what an HTML build copies from the published PDFs (peninsula.pdfs)
PDF_DIR_SETTING = "peninsula_pdf_dir"
#: names a publication in progress leaves beside its target, until its rename
TEMPORARY_PREFIX = ".publish-"


def same(a: Path, b: Path) -> bool:
    """Whether *b* already holds what *a* holds.

    A file the build did not write keeps the size and modification time that
    publishing copied with it, so those two settle most files without reading
    them; a file written again with the same bytes is read once, then given
    the staged file's time so that the next build need not read it again.
    """
    try:
        sa, sb = a.stat(), b.stat()
    except FileNotFoundError:
        return False
    if sa.st_size != sb.st_size:
        return False
    if sa.st_mtime_ns == sb.st_mtime_ns:
        return True
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            chunk = fa.read(1 << 16)
            if chunk != fb.read(1 << 16):
                return False
            if not chunk:
                break
    os.utime(b, ns=(sb.st_atime_ns, sa.st_mtime_ns))
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
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX)
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


def hold_staging(builddir: Path):
    """Take the staging folder's lock, waiting for a build that holds it; the
    returned file keeps it until it is closed (or the process ends)."""
    builddir.mkdir(parents=True, exist_ok=True)
    lock = (builddir / LOCK).open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"waiting for another build in {builddir / STAGING} to finish", file=sys.stderr)
        fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def sphinx_command(args: argparse.Namespace, staging: Path, options: list[str]) -> list[str]:
    command = [sys.executable, "-m", "sphinx", "-M", args.builder, str(args.srcdir), str(staging)]
    # the PDFs a website carries are those readers already have (peninsula.pdfs);
    # the setting changes no page, so other builders ignore it
    pdfs = (args.builddir / OUTPUT_OF["latexpdf"]).resolve()
    return command + options + ["-D", f"{PDF_DIR_SETTING}={pdfs}"]


def latex_environment(builder: str) -> dict[str, str] | None:
    """The environment of a PDF build: every document compiled at once.

    ``sphinx-build -M latexpdf`` runs ``make all-pdf`` in the LaTeX folder,
    and Sphinx's Makefile has one rule per PDF (the edition and each essay),
    each running latexmk on its own files: with ``-j`` they compile side by
    side, each document's output kept together. latexmk reruns a document
    only when a file it read changed (by content, not date), so an unchanged
    essay costs a check. In ``-pdfxe`` mode every xelatex pass writes an
    ``.xdv`` and xdvipdfmx makes the PDF once, after the last pass, instead
    of a PDF per pass. None for other builders.
    """
    if builder != "latexpdf":
        return None
    jobs = len(os.sched_getaffinity(0))
    # a make above this one (make latexpdf) cannot lend its job slots through
    # Python's subprocess, which closes their descriptors: ours replace them.
    # PDFLATEX is the command of the Makefile's rule, redefined here because
    # Sphinx sets LATEXMKOPTS itself on make's command line under -q
    latexmk = r"latexmk\ -pdfxe\ -dvi-\ -ps-"
    return dict(os.environ, MAKEFLAGS=f"-j{jobs} --output-sync=target -- PDFLATEX={latexmk}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("builder")
    parser.add_argument("--srcdir", type=Path, default=Path("."))
    parser.add_argument("--builddir", type=Path, default=Path("_build"))
    args, sphinx_options = parser.parse_known_args(argv)
    output = OUTPUT_OF.get(args.builder, args.builder)
    staging = args.builddir / STAGING
    published = args.builddir / output
    command = sphinx_command(args, staging, sphinx_options)
    try:
        with hold_staging(args.builddir):
            result = subprocess.run(command, check=False, env=latex_environment(args.builder))
            if result.returncode != 0:
                print(
                    f"build failed: nothing was published; {published} is as it was "
                    "before this build",
                    file=sys.stderr,
                )
                return result.returncode
            start = time.perf_counter()
            # Ctrl-C now would leave some files new and some old: finish first
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                copied, removed = publish(staging / output, published)
            finally:
                signal.signal(signal.SIGINT, previous)
    except KeyboardInterrupt:
        print(
            f"build interrupted: nothing was published; {published} is as it was", file=sys.stderr
        )
        return 130
    except OSError as err:
        print(f"could not publish {published}: {err}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    print(f"published {published}: {copied} files written, {removed} removed in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
