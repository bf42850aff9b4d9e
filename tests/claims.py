"""The claims table: every citation in the corpus, with what the cited work says.

tests/data/claims.yaml records the check behind each citation, so that a second
reader who did not write the text can repeat it. Each entry is:

    - file: glossary.md
      claim: >-
        words copied exactly from the paragraph, list item or event description,
        as a reader sees it (at least 5 words)
      says: >-
        what the cited work says that supports the claim
      support:
        - key: kim2022missile
          quote: >-
            the work's own words, quoted exactly and short (under 40 words)
          where: paragraph 2 / p. 12 / answer A1 / section "..."
          address: https://address.of/the/copy/that/was/read   (or: seed <file name>)

The keys of an entry are its support items' keys, one item per key cited for
the claim. This module reads the corpus's paragraphs and the table and lists
what does not match:

- an entry lacks a field, has a field the schema does not know, or its claim
  is too short to identify a sentence;
- a support item lacks its key, quote, where or address; its quote has 40
  words or more; its address is neither an http(s) URL nor "seed <name>"; a
  key is given twice; a quote said to come from a source essay is not in it;
- an entry's claim is not found in any paragraph of its file, or the paragraph
  that has it does not cite every key of its support (the text changed, or
  the citation moved);
- a paragraph cites a key that no entry of the table covers for that
  paragraph.

Run it on a table (or a part of one) from the repository root:

    .venv/bin/python tests/claims.py [tests/data/claims.yaml]

Given a table, it checks the files that table names; without one, it checks
tests/data/claims.yaml against every file of the corpus.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "tests" / "data" / "claims.yaml"
#: the source essays: beside the repository in shared/, or where PENINSULA_SHARED says
SEEDS = Path(os.environ.get("PENINSULA_SHARED") or REPO.parent / "shared") / "seeds"
FIELDS = ("file", "claim", "says", "support")
SUPPORT_FIELDS = ("key", "quote", "where", "address")
MIN_WORDS = 5
#: a quote has fewer words than this
MAX_QUOTE_WORDS = 40
ADDRESS_RE = re.compile(r"^(?:https?://[^\s/]+\.[^\s]*|seed (?P<seed>\S+))$")

CITE_RE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
# {role}`shown <target>` or {role}`shown`: readers see "shown"
ROLE_RE = re.compile(r"\{[a-z:]+\}`([^`<]*?)(?:\s*<[^`>]*>)?`")
MARKUP_RE = re.compile(r"\*\*|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
# quotation marks and apostrophes, straight or curly, compare equal in quotes
QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def corpus_files(root: Path = REPO) -> list[str]:
    """The files whose citations the table must cover, relative to *root*."""
    essays = sorted(p.relative_to(root).as_posix() for p in (root / "articles").glob("*.md"))
    return [*essays, "glossary.md", "chronology.yaml"]


@dataclass(frozen=True)
class Paragraph:
    file: str
    line: int
    keys: frozenset[str]
    text: str  # as a reader sees it, whitespace collapsed


def visible(markdown: str) -> str:
    """Markdown as a reader sees it: citations dropped, roles reduced to their text."""
    text = CITE_RE.sub("", markdown)
    text = ROLE_RE.sub(lambda m: m.group(1), text)
    text = MARKUP_RE.sub("", text)
    return normalise(text)


def normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([.,;:])", r"\1", text)


def _keys(markdown: str) -> frozenset[str]:
    return frozenset(
        key.strip()
        for match in CITE_RE.finditer(markdown)
        for key in match.group(1).split(",")
        if key.strip()
    )


def _markdown_blocks(text: str) -> list[tuple[int, str]]:
    """Paragraphs and list items, each with its first line number."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":  # front matter carries no citations
        start = next(i for i in range(1, len(lines)) if lines[i].strip() == "---") + 1
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    first = 0

    def close() -> None:
        if current:
            blocks.append((first + 1, "\n".join(current)))
            current.clear()

    for i in range(start, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("```"):
            close()
            continue
        if re.match(r"\s*([-*+]|\d+\.)\s", line):  # a list item starts a block of its own
            close()
        if not current:
            first = i
        current.append(line)
    close()
    return blocks


def paragraphs(file: str, root: Path = REPO) -> list[Paragraph]:
    path = root / file
    if file.endswith(".yaml"):
        text = path.read_text(encoding="utf-8")
        events = yaml.safe_load(text) or []
        lines = text.splitlines()
        found = []
        for event in events:
            description = str(event.get("description", ""))
            label = str(event.get("label", ""))
            line = next((n for n, t in enumerate(lines, 1) if t.strip() == f"label: {label}"), 0)
            found.append(Paragraph(file, line, _keys(description), visible(description)))
        return found
    return [
        Paragraph(file, line, _keys(block), visible(block))
        for line, block in _markdown_blocks(path.read_text(encoding="utf-8"))
    ]


def _words(text: str) -> int:
    return len(text.split())


def _plain(text: str) -> str:
    return normalise(text.translate(QUOTES))


def _support_problems(n: int, support: object, seeds: Path | None) -> list[str]:
    """What is wrong with one entry's support list."""
    if not isinstance(support, list) or not support:
        return [
            f"entry {n}: support is not a list of items: give one item per key cited, "
            f"each with {', '.join(SUPPORT_FIELDS)}"
        ]
    found: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(support, 1):
        at = f"entry {n}: support item {i}"
        if not isinstance(item, dict):
            found.append(f"{at} is not a mapping: give {', '.join(SUPPORT_FIELDS)}")
            continue
        unknown = sorted(set(map(str, item)) - set(SUPPORT_FIELDS))
        if unknown:
            found.append(
                f"{at}: unknown field {', '.join(unknown)}: an item has {', '.join(SUPPORT_FIELDS)}"
            )
        missing = [
            f for f in SUPPORT_FIELDS if not isinstance(item.get(f), str) or not item[f].strip()
        ]
        if missing:
            found.append(
                f"{at}: missing or empty {', '.join(missing)}: give the work's own words, "
                "where in the work they are, and the address of the copy read"
            )
        key = str(item.get("key") or "").strip()
        if key:
            at = f"entry {n}: support for {key}"
            if key in seen:
                found.append(f"{at} is given twice: give one item per key")
            seen.add(key)
        quote = item.get("quote")
        if isinstance(quote, str) and _words(quote) >= MAX_QUOTE_WORDS:
            found.append(
                f"{at}: the quote has {_words(quote)} words: quote fewer than "
                f"{MAX_QUOTE_WORDS}, the words that support the claim"
            )
        address = item.get("address")
        if isinstance(address, str) and address.strip():
            match = ADDRESS_RE.match(address.strip())
            if not match:
                found.append(
                    f"{at}: address {address.strip()!r} is neither an http(s) URL nor "
                    "'seed <file name>': give the address of the copy that was read"
                )
            elif match["seed"] and isinstance(quote, str) and quote.strip():
                found += _seed_problems(at, match["seed"], quote, seeds)
    return found


def _seed_problems(at: str, name: str, quote: str, seeds: Path | None) -> list[str]:
    """A quote said to be from a source essay must be in it, word for word."""
    if seeds is None:
        return []
    path = seeds / name
    if not path.is_file():
        return [f"{at}: no source essay {name!r} in {seeds}: give its file name"]
    if _plain(quote) not in _plain(path.read_text(encoding="utf-8")):
        return [f"{at}: the quote is not in the source essay {name}: copy its words exactly"]
    return []


def problems(
    table: list[dict],
    files: list[str],
    root: Path = REPO,
    seeds: Path | None = SEEDS,
) -> list[str]:
    """Every mismatch between *table* and the paragraphs of *files*. A quote from a
    source essay is looked up in *seeds* (None: not looked up)."""
    found: list[str] = []
    entries = []
    for n, entry in enumerate(table, 1):
        if not isinstance(entry, dict):
            found.append(f"entry {n} is not a mapping: give {', '.join(FIELDS)}")
            continue
        unknown = sorted(set(map(str, entry)) - set(FIELDS))
        if unknown:
            found.append(
                f"entry {n}: unknown field {', '.join(unknown)}: an entry has "
                f"{', '.join(FIELDS)}; each key, with its quote, where and address, "
                "is an item of support"
            )
        missing = [f for f in FIELDS if not entry.get(f)]
        if missing:
            found.append(
                f"entry {n}: missing {', '.join(missing)}: give every entry {', '.join(FIELDS)}"
            )
        if "support" in entry:
            found += _support_problems(n, entry["support"], seeds)
        if missing:
            continue
        claim = normalise(str(entry["claim"]))
        if len(claim.split()) < MIN_WORDS:
            found.append(
                f"entry {n}: claim {claim!r} is under {MIN_WORDS} words: copy enough to find the sentence"
            )
        keys = frozenset(
            str(item["key"]).strip()
            for item in entry["support"]
            if isinstance(item, dict) and isinstance(item.get("key"), str) and item["key"].strip()
        )
        if keys:
            entries.append((n, str(entry["file"]), claim, keys))

    by_file = {file: paragraphs(file, root) for file in files}
    for n, file, claim, keys in entries:
        if file not in by_file:
            found.append(f"entry {n}: {file} is not a file of the corpus ({', '.join(files)})")
            continue
        if not any(claim in p.text and keys <= p.keys for p in by_file[file]):
            where = [p for p in by_file[file] if claim in p.text]
            why = (
                f"the paragraph at line {where[0].line} does not cite "
                f"{', '.join(sorted(keys - where[0].keys))}: the support's keys must be "
                "cited by the paragraph"
                if where
                else "no paragraph has these words"
            )
            found.append(f"entry {n}: {file}: claim {claim[:60]!r}…: {why}: update the entry")

    for file, paras in by_file.items():
        for p in paras:
            for key in sorted(p.keys):
                covered = any(
                    f == file and key in keys and claim in p.text for _, f, claim, keys in entries
                )
                if not covered:
                    found.append(
                        f"{file}:{p.line}: citation of {key} has no entry in the claims table: "
                        f"add the claim, what {key} says, and a support item with its quote"
                    )
    return found


def keys_of(entry: dict) -> list[str]:
    """The keys an entry supports its claim with."""
    return [str(item.get("key")) for item in entry.get("support") or [] if isinstance(item, dict)]


def citations(files: list[str], root: Path = REPO) -> int:
    return sum(len(p.keys) for file in files for p in paragraphs(file, root))


def load_table(path: Path) -> tuple[list, str | None]:
    """The entries of a table file, or why it cannot be read."""
    try:
        table = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        return (
            [],
            f"{path}{line}: not YAML ({getattr(err, 'problem', err)}): quote the value, or write it as a block (>-)",
        )
    if not isinstance(table, list):
        return [], f"{path}: the table is not a list of entries"
    return table, None


def main(argv: list[str], root: Path = REPO, seeds: Path = SEEDS) -> int:
    """Check a table (default tests/data/claims.yaml against the whole corpus); a
    table given on the command line is checked against the files it names."""
    path = Path(argv[0]) if argv else TABLE
    table, error = load_table(path)
    if error:
        print(error)
        return 1
    named = {str(e.get("file")) for e in table if isinstance(e, dict)}
    corpus = corpus_files(root)
    files = corpus if not argv else [f for f in corpus if f in named]
    found = problems(table, files, root, seeds if seeds.is_dir() else None)
    if not seeds.is_dir():
        found.append(
            f"the source essays are not at {seeds}: quotes from them were not checked; "
            "set PENINSULA_SHARED to the folder holding seeds/"
        )
    for line in found:
        print(line)
    print(
        f"{len(table)} entries, {citations(files, root)} citations in {len(files)} files, "
        f"{len(found)} problems"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
