"""Check refs.bib against the corpus's conventions, with file:line errors.

Why this exists: pybtex accepts any key and any field, and a bad date or a
misspelt type only shows up as an odd reference much later. Every entry is
checked here on every build: its key follows ``authoryearword``
(``kim2022missile``), it appears once, its dates are ISO dates, and the APA
style can format it. Results are kept while refs.bib is unchanged, and the
same warnings are given again on each build until the entry is fixed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from pybtex.database import Entry
from sphinx.util import logging

from . import apa
from .citations import bib_data, bib_entries

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

KEY_RE = re.compile(r"^(?P<who>[a-z]+)(?P<year>\d{4}|nd)(?P<word>[a-z]+)$")
ENTRY_START_RE = re.compile(r"^\s*@(?P<type>\w+)\s*\{\s*(?P<key>[^,\s]+)\s*,", re.M)
STOP_WORDS = frozenset({"the", "a", "an"})


def ascii_words(text: str) -> list[str]:
    """``Ahlander-O'Connor's`` -> ``['ahlander', 'oconnors']``."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"\\[a-zA-Z]+|[{}]", "", text).lower().replace("'", "")
    return [w for w in re.split(r"[^a-z]+", text) if w]


def key_problem(entry: Entry) -> str | None:
    """Why *entry*'s key breaks the convention, or None."""
    match = KEY_RE.match(entry.key)
    if not match:
        return (
            "key %r is not authoryearword: lowercase author, year (or 'nd' for no "
            "date) and a word of the title, e.g. kim2022missile" % entry.key
        )
    title_words = ascii_words(entry.fields.get("title", ""))
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    if people:
        first = people[0]
        who = ascii_words(" ".join(first.prelast_names + first.last_names))
        who += ascii_words(entry.fields.get("shortauthor", ""))
        allowed = {"".join(who[:n]) for n in range(1, len(who) + 1)} | set(who)
    else:
        allowed = {w for w in title_words if w not in STOP_WORDS}
    if match["who"] not in allowed:
        return (
            "key %r should begin with the first author's family name (or, with no "
            "author, a word of the title), e.g. %r"
            % (entry.key, sorted(allowed)[0] + match["year"] + match["word"])
        )
    year = apa.Date.of(entry).year
    if match["year"] != ("nd" if year is None else str(year)):
        return "key %r has year %r but the entry's date gives %r" % (
            entry.key,
            match["year"],
            "nd" if year is None else str(year),
        )
    if not any(w.startswith(match["word"]) for w in title_words):
        return "key %r should end with a word of the title" % entry.key
    return None


def check_entries(text: str, entries: dict[str, Entry]) -> list[tuple[int, str]]:
    """All problems of the bib file, as (line, message)."""
    problems: list[tuple[int, str]] = []
    lines: dict[str, int] = {}
    for match in ENTRY_START_RE.finditer(text):
        if match["type"].lower() in {"comment", "preamble", "string"}:
            continue
        line = text.count("\n", 0, match.start("key")) + 1
        if match["key"] in lines:
            problems.append(
                (
                    line,
                    "key %r is used twice (first at line %d): give each "
                    "work one entry" % (match["key"], lines[match["key"]]),
                )
            )
        else:
            lines[match["key"]] = line
    for key, entry in entries.items():
        line = lines.get(key, 1)
        try:
            apa.Date.of(entry, "urldate")
            apa.format_reference(entry, "")
        except apa.BibEntryError as err:
            problems.append((line, str(err)))
            continue
        problem = key_problem(entry)
        if problem:
            problems.append((line, problem))
    return problems


def check_bibfile(app: Sphinx) -> None:
    env = app.env
    cache = getattr(env, "peninsula_bib_problems", None)
    changed = getattr(env, "peninsula_changed_keys", set())
    if cache is None or changed:
        cache = []
        entries = bib_entries(env)
        bibdata = bib_data(env)
        for path, bibfile in bibdata.bibfiles.items():
            text = path.read_text(encoding=bibdata.encoding or "utf-8-sig")
            own = {key: entries[key] for key in bibfile.keys}
            cache += [(str(path), line, msg) for line, msg in check_entries(text, own)]
        env.peninsula_bib_problems = cache  # type: ignore[attr-defined]
    for path, line, message in cache:
        logger.warning(message, location=f"{path}:{line}", type="bibfile", subtype="convention")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.citations")
    # after peninsula.citations has noted which entries changed (600)
    app.connect("builder-inited", check_bibfile, priority=700)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
