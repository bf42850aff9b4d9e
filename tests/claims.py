"""The claims table: every citation in the corpus, with what the cited work says.

tests/data/claims.yaml records the check behind each citation: the claim (words
copied from the paragraph that carries the citation), the keys cited for it,
what the work says and where. This module reads the corpus's paragraphs and
the table and lists what does not match:

- a paragraph cites a key that no entry of the table covers for that
  paragraph;
- an entry's claim is not found in any paragraph of its file that cites all
  its keys (the text changed, or the citation moved);
- an entry lacks a field, or its claim is too short to identify a sentence.

Run it on a table (or a part of one) from the repository root:

    .venv/bin/python tests/claims.py [tests/data/claims.yaml]

Given a table, it checks the files that table names; without one, it checks
tests/data/claims.yaml against every file of the corpus.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "tests" / "data" / "claims.yaml"
FIELDS = ("file", "claim", "keys", "says", "where")
MIN_WORDS = 5

CITE_RE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
# {role}`shown <target>` or {role}`shown`: readers see "shown"
ROLE_RE = re.compile(r"\{[a-z:]+\}`([^`<]*?)(?:\s*<[^`>]*>)?`")
MARKUP_RE = re.compile(r"\*\*|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")


def corpus_files() -> list[str]:
    """The files whose citations the table must cover, relative to REPO."""
    essays = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "articles").glob("*.md"))
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


def paragraphs(file: str) -> list[Paragraph]:
    path = REPO / file
    if file.endswith(".yaml"):
        text = path.read_text(encoding="utf-8")
        events = yaml.safe_load(text) or []
        found = []
        for event in events:
            description = str(event.get("description", ""))
            label = str(event.get("label", ""))
            lines = text.splitlines()
            line = next((n for n, t in enumerate(lines, 1) if t.strip() == f"label: {label}"), 0)
            found.append(Paragraph(file, line, _keys(description), visible(description)))
        return found
    return [
        Paragraph(file, line, _keys(block), visible(block))
        for line, block in _markdown_blocks(path.read_text(encoding="utf-8"))
    ]


def problems(table: list[dict], files: list[str]) -> list[str]:
    found: list[str] = []
    entries = []
    for n, entry in enumerate(table, 1):
        missing = [f for f in FIELDS if not entry.get(f)]
        if missing:
            found.append(
                f"entry {n}: missing {', '.join(missing)}: give every entry {', '.join(FIELDS)}"
            )
            continue
        claim = normalise(str(entry["claim"]))
        if len(claim.split()) < MIN_WORDS:
            found.append(
                f"entry {n}: claim {claim!r} is under {MIN_WORDS} words: copy enough to find the sentence"
            )
        keys = entry["keys"] if isinstance(entry["keys"], list) else [entry["keys"]]
        entries.append((n, entry["file"], claim, frozenset(map(str, keys))))

    by_file = {file: paragraphs(file) for file in files}
    for n, file, claim, keys in entries:
        if file not in by_file:
            found.append(f"entry {n}: {file} is not a file of the corpus ({', '.join(files)})")
            continue
        if not any(claim in p.text and keys <= p.keys for p in by_file[file]):
            where = [p for p in by_file[file] if claim in p.text]
            why = (
                f"the paragraph at line {where[0].line} does not cite {', '.join(sorted(keys - where[0].keys))}"
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
                        f"add the claim, what {key} says and where"
                    )
    return found


def citations(files: list[str]) -> int:
    return sum(len(p.keys) for file in files for p in paragraphs(file))


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else TABLE
    table = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    files = corpus_files() if not argv else sorted({str(e.get("file")) for e in table})
    found = problems(table, files)
    for line in found:
        print(line)
    print(
        f"{len(table)} entries, {citations(files)} citations in {len(files)} files, {len(found)} problems"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
