"""A few pages are read in the main process, even under ``-j auto``.

Why this exists: ``make html`` runs Sphinx with ``-j auto``, and Sphinx then
reads in parallel whatever it reads, one page included. Each reader is a
process forked from the build, which sends back the whole environment,
pickled, for the main process to load and merge: at 200 essays and 2,000
works about 3 MB each way, more than reading an edited essay itself costs.
A clean build (every page) still gains from readers on every core.

So when fewer pages are to be read than ``PAGES_PER_READER`` for each
process, the build reads them itself, as ``sphinx-build`` without ``-j``
does; the parallel setting is put back as soon as the reading is done, so the
pages are still written in parallel. The site is the same either way: serial
reading is Sphinx's own path, and every extension of the project supports
both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: below this many pages per process, forking readers costs more than it saves
PAGES_PER_READER = 5


def read_few_here(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Before Sphinx decides how to read: a few pages, in this process."""
    if 1 < app.parallel and len(docnames) < PAGES_PER_READER * app.parallel:
        app.peninsula_parallel = app.parallel  # type: ignore[attr-defined]
        app.parallel = 1


def restore_parallel(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """After reading: the pages are written in parallel as asked."""
    parallel = getattr(app, "peninsula_parallel", None)
    if parallel is not None:
        app.parallel = parallel
        del app.peninsula_parallel  # type: ignore[attr-defined]
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    # last, once the other extensions have changed the list of pages to read
    app.connect("env-before-read-docs", read_few_here, priority=900)
    # first, before another extension's handler could look at the setting
    app.connect("env-updated", restore_parallel, priority=0)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
