"""The corpus's essays as files, for the tests of every folder: their paths,
their front matter, and a title as readers see it."""

from __future__ import annotations

import yaml
from conftest import REPO

ESSAYS = sorted((REPO / "articles").glob("*.md"))


def front_matter(path):
    return yaml.safe_load(path.read_text().split("---\n")[1])


def shown(title: str) -> str:
    """A front matter title as readers see it: braces mark protected capitals."""
    return title.replace("{", "").replace("}", "")
