"""Build into a staging folder; publish only what built, all at once.

Why this exists: readers are served what is in ``_build/html`` (and the PDFs in
``_build/latex``). A build that fails, is stopped or runs out of disk must leave
them as they were, byte for byte; a build that succeeds must replace them in
one step, so that no reader meets some pages new and others old, or a search
index that gives an essay another title than its page.

Staging: Sphinx never writes where readers read. It writes into
``_build/.staging/``, which keeps its doctrees and output from build to build,
so that builds stay incremental. Sphinx trusts what it finds there, and a build
stopped after it saved its environment (killed, crashed, out of disk) leaves
pages the environment calls written that were not, and the project's state
beside it (``peninsula-warned.json``, which makes a page that warned warn on
every build until fixed) out of step: the next build would pass with stale
pages, or without the warning. So the file ``.unfinished`` is put in the staging
folder before Sphinx starts and removed only when Sphinx ended on its own: with
0, or 1 for warnings under -W. 2 is an exception, which may come between the
environment and the pages; a negative code is a signal. (``-M latexpdf`` exits
with 1 for any failure of Sphinx, and with make's code after it; an essay's
.tex that a LaTeX build set out to write and did not is noted in the LaTeX
folder and written by the next build (peninsula.pages.pdfs), so there only a signal
is a stop.) Nor is a build that said a disk was full (``[Errno 28]``), whatever its
code: Sphinx takes a page it could not write for a warning, and would trust the
page, cut short, at the next build. A build that finds the file empties the
staging folder, says so, and builds everything.

Publishing: ``_build/html`` is a symbolic link to a complete tree,
``_build/sites/html-<id>``. A build that succeeded makes a new tree beside it,
where the files that differ are copied from staging and every other one is a
hard link to the file already published (never to staging: Sphinx rewrites its
files in place, so the next build would change published pages). Then a new
link replaces ``_build/html`` in one rename, and the old tree is removed. A
build stopped before that rename leaves the old site, after it the new one;
never a mix. A full disk stops the new tree, which is removed, and the message
says so, as it does when the disk filled while Sphinx worked. What a stopped
publication leaves (a partial tree, a link not yet renamed) is removed when the
next build starts. After an incremental build a publication writes a handful of
files and links the rest, which takes a moment; a build that changed nothing
publishes nothing. A build that failed publishes
nothing, and its message says that the published folder was left alone.

Where this holds: on the local POSIX file systems the project is built on (ext4,
xfs, btrfs, tmpfs, APFS), rename(2) replaces a symbolic link in one step, and a
tree and its hard links share ``_build``'s file system; where a link cannot be
made (a file system without hard links) the file is copied instead. The
guarantee is against the build being stopped, not against the machine losing
power before its writes reach the disk. Whatever serves the folder must look it
up per request, as ``make serve`` (http.server ``--directory``) and ``make
livehtml`` (Starlette's StaticFiles, with realpath) do: the next request after a
switch is served from the new tree, and one under way finishes from the old one,
whose open files outlive its removal. A server started inside the folder would
keep the removed tree. A host that uploads the folder (Netlify, Cloudflare
Pages) reads it through the link and finds only plain files and folders; a copy
must follow the link (``cp -rL``, or ``cp -r _build/html/.``), since ``cp -r``
copies a link as a link. Read the Docs runs Sphinx itself into a plain
``_build/html`` (.readthedocs.yaml), so its ``cp -r`` copies files. A plain
``_build/html`` of an earlier build is moved into ``sites`` by the next
publication and linked back: for that one moment, once, there is no site.

An HTML build carries the PDFs that are published (``_build/latex``), never
those of a LaTeX build that failed in the staging folder: it is told where
they are with ``-D peninsula_pdf_dir=...`` (peninsula.pages.pdfs); likewise the EPUB
edition (``_build/epub``), with ``-D peninsula_epub_dir=...`` (peninsula.pages.epub).

A website build that would change nothing is not run. When it ends, having
warned of nothing and published, a digest of everything it was made from is
kept in the staging folder: the bytes and date of every file of the project (the built
output, the local environment, caches, and the pages every build writes from
the others aside), the extension's code, the Python packages installed (their
names and versions), the command and its options, the settings read from the
environment, the published PDFs and EPUB it carries, and the state of each file
it wrote. The next website build whose digest is the same publishes what
staging holds (repairing a published file changed by hand) and says that
nothing changed, without starting Sphinx: the site it would make is the one
already published. Files are compared by their bytes and their dates: a file
saved with its date kept is still seen, and one touched is read again by Sphinx,
which goes by dates. Any change, a symbolic link in the
project, a file that cannot be read, a build that failed, warned or was stopped
(its digest is removed before Sphinx starts) means Sphinx runs, so a mistake
fails every build until it is fixed.

Two builds never share the staging folder at once (``make livehtml`` and a
``make html`` in another terminal): the second waits for the first.

    python tools/build.py BUILDER [--srcdir DIR] [--builddir DIR] [SPHINX OPTIONS...]

BUILDER is any ``sphinx-build -M`` target: html, latexpdf, epub, linkcheck...
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

STAGING = ".staging"
#: held while a build uses the staging folder
LOCK = ".staging.lock"
#: in the staging folder while Sphinx works there
UNFINISHED = ".unfinished"
#: the published trees: each published folder links to one of them. Not a
#: hidden name, so that a page naming a file of _build/html is told it is in
#: _build/ once the link is followed (peninsula.gates.paths), not in a hidden folder
SITES = "sites"
#: the folder `sphinx-build -M` writes each target to, when not its own name
OUTPUT_OF = {"latexpdf": "latex", "latexpdfja": "latex", "info": "texinfo"}
#: the targets for which `sphinx-build -M` runs make after Sphinx
MAKE_AFTER = {"latexpdf", "latexpdfja", "info"}
#: what an HTML build copies from the published PDFs (peninsula.pages.pdfs)
PDF_DIR_SETTING = "peninsula_pdf_dir"
#: and from the published EPUB edition (peninsula.pages.epub), for these builders
EPUB_DIR_SETTING = "peninsula_epub_dir"
HTML_BUILDERS = {"html", "dirhtml", "singlehtml"}
#: said when a website build finds nothing changed since the last one
NOT_STARTED = "nothing changed since the last build, which succeeded: Sphinx was not started"
#: names a publication in progress gives the link it makes, until its rename
TEMPORARY_PREFIX = ".publish-"
#: the project's own code, which a test project's conf.py may load from here
REPO = Path(__file__).resolve().parent.parent
#: in the staging folder: the digest of what the last website build that
#: succeeded without a warning was made from, and of what it wrote
INPUTS = ".inputs-{builder}.sha256"
#: no build reads these folders of a project: its output, its environment,
#: caches, and the pages every build writes from the other files (peninsula.pages.browse,
#: peninsula.pages.chronology); the names match at any depth but the last three
NOT_INPUTS = {
    "_build",
    ".venv",
    "node_modules",
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".mypy_cache",
}
WRITTEN_BY_BUILDS = {"topics", "authors", "_generated"}
#: the settings builds read from the environment (conf.py, Sphinx, Python)
ENVIRONMENT = (
    "PENINSULA_",
    "READTHEDOCS",
    "SOURCE_DATE_EPOCH",
    "SPHINX",
    "TZ",
    "LANG",
    "LC_",
    "PYTHON",
)


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


def listing(folder: Path | None) -> dict[Path, bool]:
    """Everything under *folder*, by relative path: whether it is a folder."""
    if folder is None:
        return {}
    # os.scandir tells a folder from a file as it lists it, where Path.rglob
    # then Path.is_dir asks again for each of the site's thousands of paths
    found: dict[Path, bool] = {}
    pending = [(str(folder), "")]
    while pending:
        where, prefix = pending.pop()
        with os.scandir(where) as entries:
            for entry in entries:
                name = prefix + entry.name
                is_dir = entry.is_dir()
                found[Path(name)] = is_dir
                if is_dir:
                    pending.append((entry.path, name + "/"))
    return found


def make_tree(
    staged: Path, wanted: dict[Path, bool], current: Path | None, tree: Path, changed: set[Path]
) -> None:
    """Fill the new folder *tree* with what *staged* holds (*wanted*, its
    listing): the *changed* files copied, the others linked to the same file
    in *current*."""
    for name, is_dir in sorted(wanted.items()):
        if is_dir:
            (tree / name).mkdir()
            continue
        if name not in changed:
            try:
                os.link(current / name, tree / name)
                continue
            except OSError:  # no hard links on this file system: a copy will do
                pass
        shutil.copy2(staged / name, tree / name)


def switch(published: Path, tree: Path) -> None:
    """Make *published* a link to *tree*, in one rename."""
    link = published.with_name(TEMPORARY_PREFIX + tree.name)
    # relative, so that a copy or a move of the build folder keeps its site
    os.symlink(os.path.join(SITES, tree.name), link)
    if published.is_dir() and not published.is_symlink():
        # a plain folder, as an earlier build published it: a rename cannot put
        # a link over a folder, so it goes into sites/ first, to be removed
        os.rename(published, tree.with_name(f"{published.name}-{secrets.token_hex(4)}"))
    os.replace(link, published)


def publish(staged: Path, published: Path) -> tuple[int, int]:
    """Make *published* hold exactly what *staged* holds, all at once:
    (files written, paths removed). When nothing differs, nothing is done."""
    current = published.resolve() if published.is_dir() else None
    wanted, present = listing(staged), listing(current)
    changed = {
        name
        for name, is_dir in wanted.items()
        if not is_dir and not (present.get(name) is False and same(staged / name, current / name))
    }
    removed = len(present.keys() - wanted.keys())
    if current is not None and not changed and wanted == present:
        return 0, 0
    tree = published.parent / SITES / f"{published.name}-{secrets.token_hex(4)}"
    tree.mkdir(parents=True)
    try:
        make_tree(staged, wanted, current, tree, changed)
        switch(published, tree)
    except BaseException:
        shutil.rmtree(tree, ignore_errors=True)
        raise
    remove_leftovers(published.parent)
    return len(changed), removed


def remove_leftovers(builddir: Path) -> None:
    """Remove the trees in sites/ no published folder links to (the ones a
    publication replaced, or one it was stopped making) and the links a
    publication made but did not rename."""
    for link in builddir.glob(TEMPORARY_PREFIX + "*"):
        link.unlink(missing_ok=True)
    sites = builddir / SITES
    if not sites.is_dir():
        return
    shown = {
        os.path.normpath(os.readlink(path)) for path in builddir.iterdir() if path.is_symlink()
    }
    for tree in sites.iterdir():
        if os.path.join(SITES, tree.name) not in shown:
            shutil.rmtree(tree, ignore_errors=True)


def start_staging(staging: Path) -> None:
    """Note that Sphinx works in *staging*; empty it first when the last build
    there did not end on its own, since Sphinx would trust what it left."""
    if (staging / UNFINISHED).exists():
        print(
            f"the last build in {staging} was stopped before it ended: building everything again",
            file=sys.stderr,
        )
        shutil.rmtree(staging)
    staging.mkdir(parents=True, exist_ok=True)
    (staging / UNFINISHED).touch()


def ended_on_its_own(builder: str, returncode: int) -> bool:
    """Whether `sphinx-build -M BUILDER`, having returned *returncode*, left a
    staging folder the next build can trust (see the module's docstring)."""
    if builder in MAKE_AFTER:
        return returncode >= 0
    return returncode in (0, 1)


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
    # the PDFs and the EPUB a website carries are those readers already have
    # (peninsula.pages.pdfs, peninsula.pages.epub); the settings change no page, so other
    # builders ignore them. Not resolved: _build/latex and _build/epub are
    # links that each publication moves
    pdfs = os.path.abspath(args.builddir / OUTPUT_OF["latexpdf"])
    command += options + ["-D", f"{PDF_DIR_SETTING}={pdfs}"]
    if args.builder in HTML_BUILDERS:
        # only a website carries the EPUB, and a project without the EPUB
        # edition (a PDF-only test project) is not told of a setting it lacks
        command += ["-D", f"{EPUB_DIR_SETTING}={os.path.abspath(args.builddir / 'epub')}"]
    return command


def latex_environment(builder: str) -> dict[str, str] | None:
    """The environment of a PDF build: every document compiled at once.

    ``sphinx-build -M latexpdf`` runs ``make all-pdf`` in the LaTeX folder,
    and its Makefile (the project's, ``_static/latex/Makefile``, or Sphinx's)
    has one rule per PDF (the edition and each essay), each running latexmk
    on its own files: with ``-j`` they compile side by side, each document's
    output kept together. latexmk reruns a document
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


#: how Python names a full disk in every error it gives (``[Errno 28] No
#: space left on device``), whatever the language of the machine
DISK_FULL = f"[Errno {errno.ENOSPC}]".encode()


def run_sphinx(command: list[str], env: dict[str, str] | None) -> tuple[int, bool, bool]:
    """Run *command*, its standard error passed on as it comes: its exit code,
    whether it said that a disk was full, and whether it warned (a build that
    warned is never taken as unchanged). (Sphinx itself says so in the
    middle of its report, or only in a warning when a page could not be
    written; the build's last line says it plainly.) Its standard output is
    left alone, so Sphinx still colours a terminal's output."""
    full = warned = False
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE) as process:
        try:
            assert process.stderr is not None
            for line in process.stderr:
                sys.stderr.buffer.write(line)
                sys.stderr.buffer.flush()
                full = full or DISK_FULL in line
                warned = warned or b"WARNING" in line
        except BaseException:
            # as subprocess.run does: a build interrupted is not left running
            process.kill()
            raise
    return process.returncode, full, warned


def no_space(builddir: Path, published: Path) -> str:
    return (
        f"no space left on the disk of {builddir}: nothing was published, "
        f"{published} is as it was; free some space there and build again"
    )


class NotComparable(Exception):
    """What a build is made from cannot be told for certain: Sphinx runs."""


def _digest_files(digest, root: Path, top: Path, skip: set[Path]) -> None:
    """Every file under *root* by its path, date and bytes; a symbolic link (whose
    target may change outside the project) makes the build not comparable."""
    pending = [root]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as listed:
            entries = sorted(listed, key=lambda entry: entry.name)
        for entry in entries:
            path = Path(entry.path)
            if entry.name in NOT_INPUTS or path in skip:
                continue
            if entry.is_symlink():
                raise NotComparable(path)
            if entry.is_dir():
                if folder == top and entry.name in WRITTEN_BY_BUILDS:
                    continue
                pending.append(path)
            elif entry.is_file():
                # by its date too: Sphinx reads a page again by its date alone
                name = os.fsencode(path.relative_to(top))
                digest.update(b"\0file\0%s\0%d\0" % (name, entry.stat().st_mtime_ns))
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            else:  # a pipe, a socket, a device
                raise NotComparable(path)


def inputs_digest(args: argparse.Namespace, command: list[str]) -> str | None:
    """The digest of everything a website build is made from (see the
    module's docstring), or None when that cannot be told."""
    digest = hashlib.sha256()
    settings = sorted(
        (name, value) for name, value in os.environ.items() if name.startswith(ENVIRONMENT)
    )
    packages = []
    for where in sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        if os.path.isdir(where):
            packages += sorted(os.listdir(where))
    carried = []
    for name in (OUTPUT_OF["latexpdf"], "epub"):
        path = args.builddir / name
        if path.is_symlink():
            carried.append(os.readlink(path))
        elif path.exists():  # a plain folder, which publications do not make
            return None
    state = [sys.version, command, settings, packages, carried]
    digest.update(json.dumps(state).encode())
    srcdir = args.srcdir.resolve()
    skip = {args.builddir.resolve()}
    try:
        _digest_files(digest, srcdir, srcdir, skip)
        for name in ("_ext", "_templates", "_static", "tools"):
            code = REPO / name
            if code.is_dir() and not code.is_relative_to(srcdir):
                digest.update(b"\0code\0" + name.encode())
                _digest_files(digest, code, code, skip)
    except (OSError, NotComparable):
        return None
    return digest.hexdigest()


def outputs_digest(folder: Path) -> str:
    """What a build wrote into *folder*: each file's name, size and date."""
    state = []
    for name, is_dir in sorted(listing(folder).items()):
        if not is_dir:
            stat = (folder / name).stat()
            state.append([str(name), stat.st_size, stat.st_mtime_ns])
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()


def unchanged(stamp: Path, inputs: str | None, staged: Path) -> bool:
    """Whether the last website build, made from *inputs*, wrote *staged* as it is."""
    if inputs is None or not staged.is_dir() or (staged.parent / UNFINISHED).exists():
        return False
    try:
        kept = stamp.read_text().split()
        return kept == [inputs, outputs_digest(staged)]
    except OSError:
        return False


def publish_whole(staged: Path, published: Path) -> None:
    """Publish *staged*, saying what was written. Ctrl-C now could come after
    the switch: it waits, so that the message says which site readers have."""
    start = time.perf_counter()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        written, removed = publish(staged, published)
    finally:
        signal.signal(signal.SIGINT, previous)
    seconds = time.perf_counter() - start
    print(f"published {published}: {written} files written, {removed} removed in {seconds:.2f} s")


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
    stamp = staging / INPUTS.format(builder=args.builder)
    try:
        with hold_staging(args.builddir):
            remove_leftovers(args.builddir)
            inputs = inputs_digest(args, command) if args.builder in HTML_BUILDERS else None
            if unchanged(stamp, inputs, staging / output):
                print(NOT_STARTED)
                publish_whole(staging / output, published)
                return 0
            stamp.unlink(missing_ok=True)
            start_staging(staging)
            returncode, disk_full, warned = run_sphinx(command, latex_environment(args.builder))
            # a page Sphinx could not write on a full disk is only a warning
            # to it (1): it would trust the page, cut short, at the next build
            if ended_on_its_own(args.builder, returncode) and not disk_full:
                (staging / UNFINISHED).unlink(missing_ok=True)
            if returncode != 0 and disk_full:
                print(no_space(args.builddir, published), file=sys.stderr)
                return returncode
            if returncode != 0:
                print(
                    f"build failed: nothing was published; {published} is as it was "
                    "before this build",
                    file=sys.stderr,
                )
                return returncode
            publish_whole(staging / output, published)
            # made from what it was made from when it started, or not kept:
            # a file saved while Sphinx worked may not be in this build
            if inputs is not None and not warned and inputs == inputs_digest(args, command):
                stamp.write_text(f"{inputs}\n{outputs_digest(staging / output)}\n")
    except KeyboardInterrupt:
        print(
            f"build interrupted: nothing was published; {published} is as it was", file=sys.stderr
        )
        return 130
    except OSError as err:
        if err.errno == errno.ENOSPC:
            print(no_space(args.builddir, published), file=sys.stderr)
        else:
            print(f"could not publish {published}: {err}; it is as it was", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
