"""What every stage asks of the build it runs in.

Why this exists: modules of every stage need to know whether the build is
writing the website, the site's address and a page's address on it, where in
``conf.py`` a setting was made (for a warning about its value), and to write a
file without touching it when its bytes are the same (so that a rebuild that
changes nothing leaves the published file and its date alone). These lived
with the sitemap (``peninsula.pages.site``), which made the essays' records
import a module of the pages they are a stage below; they are here, where
each stage may take them from.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def base_url(config: Config) -> str:
    """``html_baseurl`` with exactly one slash at its end."""
    return config.html_baseurl.rstrip("/") + "/"


def page_url(config: Config, docname: str) -> str:
    """The absolute address of a page of the website, the same as its
    canonical link, whichever builder asks (a PDF cites the web page too)."""
    return base_url(config) + docname + (config.html_file_suffix or ".html")


def is_site_builder(app: Sphinx) -> bool:
    """A builder writing the website, not an e-book or help file made from HTML."""
    return app.builder.format == "html" and not getattr(app.builder, "embedded", False)


def write_if_changed(path: Path, data: bytes) -> None:
    """Write *data* unless the file already holds it, so that a rebuild that
    changes nothing leaves the published file, and its date, alone."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.write_bytes(data)


def setting_location(app: Sphinx, name: str) -> str | None:
    """``conf.py:<line>`` of the setting *name*, for a warning about its value."""
    conf = Path(app.confdir) / "conf.py"
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number, line in enumerate(lines, start=1):
        if re.match(rf"{name}\s*=", line):
            return f"{conf}:{number}"
    return None
