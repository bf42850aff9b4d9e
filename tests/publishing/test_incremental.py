"""Incremental builds are never stale: after each kind of edit an editor makes,
the site that `make html` publishes from the kept staging folder is the site a
clean build of the same sources publishes, file for file.

Each scenario edits a small generated corpus (benchmarks/corpus.py: our real
configuration, extensions and site pages, four essays) and builds it twice:

* **incremental**: the corpus was built once, clean, in a fixed folder; the
  edit is applied there and `tools/build.py html` builds again into the same
  build folder, as an editor's next `make html` does;
* **clean**: the edited sources, copied into a folder of their own with no
  build, built by `tools/build.py html`.

Every file of both published folders is compared: the pages (essays, front
page, topic and author pages and their indexes, bibliography...), feed.xml,
sitemap.xml, robots.txt, _headers, the cite files, the search catalogue
(pagefind/essays.json) and every chunk of Pagefind's index. `comparable`
holds the one normalisation, with the reason for each rule.

The clean build of the unedited corpus is made once and kept (sources and
build folder, modification times included); each scenario starts from it, in
the same folder, so that Sphinx sees only the scenario's edit. A scenario that
undoes another (removing the citation that one added) starts from that one's
incremental build and is compared with the clean build of the unedited corpus;
one that follows another (a second revision after a first) starts from that
one's incremental build too, and is compared with a clean build of the sources
after both. The two builds of a scenario run side by side, one per core.

Versions of record are made as an editor makes them, with tools/versions.py
(`make record`, `make revise`): an earlier version's banner names the versions
after it, and the Corrections page every change of the corpus, so a revision
must rewrite pages whose sources did not change.
"""

from __future__ import annotations

import datetime
import gzip
import importlib.util
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from harness import BUILD, PYTHONPATH, REPO, STRICT, free_port, get, messages, wait_for
from lxml import html as lxml_html
from versioned import fill_note
from versioned import run as run_versions

#: a fixed date for anything a build may stamp (2026-01-01T00:00:00Z), the same
#: for both builds: a page that shows the build's date would differ by the
#: minute otherwise, which says nothing about staleness
EPOCH = "1767225600"
ESSAYS = 4
#: what a build writes into the source directory, left out of a clean build's
#: copy: the build folder, and the topic and author pages (peninsula.pages.browse)
WRITTEN_BY_BUILD = ("_build", "topics", "authors")

spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "benchmarks" / "corpus.py")
corpus = importlib.util.module_from_spec(spec)
sys.modules["bench_corpus"] = corpus  # dataclasses look their module up by name
spec.loader.exec_module(corpus)
ENTRIES = corpus.least_entries()  # the least the corpus accepts with the pages it copies


# -- Building ----------------------------------------------------------------------


def start_build(srcdir: Path) -> subprocess.Popen:
    """`make html` on *srcdir*, into srcdir/_build, running in the background."""
    env = dict(os.environ, PYTHONPATH=PYTHONPATH, SOURCE_DATE_EPOCH=EPOCH)
    command = [sys.executable, str(BUILD), "html", "--srcdir", str(srcdir)]
    command += ["--builddir", str(srcdir / "_build"), *STRICT]
    return subprocess.Popen(
        command,
        cwd=srcdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(build: subprocess.Popen, srcdir: Path) -> None:
    stdout, stderr = build.communicate()
    result = subprocess.CompletedProcess(build.args, build.returncode, stdout, stderr)
    assert result.returncode == 0, stderr
    assert messages(result, srcdir) == [], stderr


def build(*srcdirs: Path) -> None:
    """Build each of *srcdirs*, side by side."""
    running = [(start_build(srcdir), srcdir) for srcdir in srcdirs]
    for process, srcdir in running:
        finish(process, srcdir)


def published(srcdir: Path) -> Path:
    return srcdir / "_build" / "html"


def copy_sources(source: Path, target: Path) -> Path:
    """The sources of *source*, without anything a build wrote but the
    timeline's pictures: ``_generated/`` is drawn again only when the events
    it shows change (a digest beside each picture says what it shows), no
    scenario edits chronology.yaml, and drawing it costs a second per build."""
    return Path(shutil.copytree(source, target, ignore=lambda d, names: _written(source, d, names)))


def _written(root: Path, folder: str, names: list[str]) -> list[str]:
    return [n for n in names if Path(folder) == root and n in WRITTEN_BY_BUILD]


def restore(snapshot: Path, target: Path) -> None:
    """Make *target* what *snapshot* is, modification times included, so that
    the next build there is incremental and sees no change."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(snapshot, target, symlinks=True)


def sources(srcdir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(srcdir).as_posix(): p.read_bytes()
        for p in sorted(srcdir.rglob("*"))
        if p.is_file() and p.relative_to(srcdir).parts[0] not in WRITTEN_BY_BUILD
    }


# -- Comparing -------------------------------------------------------------------

#: Pagefind writes its metadata file (the pages, the index chunks and the
#: filters, each by hash) and one file per filter (each value with its pages)
#: from Rust hash maps seeded at random in every run: the same content in
#: another order, in a file named by the hash of its bytes, named in turn in
#: the metadata file and in pagefind-entry.json (tests/publishing/test_reproducible.py).
PAGEFIND_META = re.compile(r"pagefind/pagefind\.(en_[0-9a-f]+)\.pf_meta")
PAGEFIND_FILTER = re.compile(r"pagefind/filter/(en_[0-9a-f]+)\.pf_filter")
PAGEFIND_ENTRY = "pagefind/pagefind-entry.json"
PAGEFIND_SIGNATURE = b"pagefind_dcd"


def cbor(data: bytes, at: int = 0) -> tuple[object, int]:
    """The CBOR value at *at* in *data*, and where it ends: the subset that
    Pagefind writes (integers, byte and text strings, arrays, maps)."""
    kind, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        length = info
    else:
        size = 1 << (info - 24)
        length, at = int.from_bytes(data[at : at + size], "big"), at + size
    if kind == 0:
        return length, at
    if kind in (2, 3):
        raw = data[at : at + length]
        return (raw.decode() if kind == 3 else raw), at + length
    items = []
    for _ in range(length * (2 if kind == 5 else 1)):
        item, at = cbor(data, at)
        items.append(item)
    if kind == 4:
        return items, at
    if kind == 5:
        return dict(zip(items[::2], items[1::2], strict=True)), at
    raise ValueError(f"CBOR major type {kind} at {at}: not written by Pagefind")


def pagefind_record(data: bytes) -> object:
    raw = gzip.decompress(data)
    assert raw.startswith(PAGEFIND_SIGNATURE)
    value, end = cbor(raw, len(PAGEFIND_SIGNATURE))
    assert end == len(raw)
    return value


def comparable(folder: Path) -> dict[str, bytes]:
    """Every file published in *folder*, by path, as it is compared.

    One normalisation, for the one difference that is not staleness: the order
    of Pagefind's hash maps (above). A filter file is compared by its name and
    its (value, pages) pairs in sorted order, under ``pagefind/filter/<name>``;
    the metadata file with its filters sorted and named instead of hashed; and
    in pagefind-entry.json the metadata file's hash is left out. A value, a
    page, a page count or a chunk of the index missing or extra still shows.
    Every other file is compared byte for byte, Pagefind's index and fragment
    chunks included: they are named by the hash of what they hold, which is
    the same when the pages indexed are.
    """
    out: dict[str, bytes] = {}
    filters: dict[str, str] = {}  # hash -> name
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if match := PAGEFIND_FILTER.fullmatch(name):
            label, pairs = pagefind_record(data)
            filters[match[1]] = label
            name = f"pagefind/filter/{label}"
            data = repr(sorted(pairs)).encode()
        out[name] = data
    for name in list(out):
        if PAGEFIND_META.fullmatch(name):
            version, pages, chunks, listed, *rest = pagefind_record(out.pop(name))
            listed = sorted([label, filters.get(h, h)] for label, h in listed)
            out["pagefind/pagefind.pf_meta"] = repr(
                [version, pages, chunks, listed, *rest]
            ).encode()
        elif name == PAGEFIND_ENTRY:
            entry = json.loads(out[name])
            for language in entry["languages"].values():
                language.pop("hash")
            out[name] = json.dumps(entry, sort_keys=True).encode()
    return out


def differences(incremental: Path, clean: Path) -> list[str]:
    """What the incremental site has that the clean one has not: missing and
    extra files, and files whose bytes differ."""
    a, b = comparable(incremental), comparable(clean)
    out = [f"only after the incremental build: {n}" for n in sorted(a.keys() - b.keys())]
    out += [f"only after the clean build: {n}" for n in sorted(b.keys() - a.keys())]
    out += [f"differs: {n}" for n in sorted(a.keys() & b.keys()) if a[n] != b[n]]
    return out


# -- The corpus and its edits ----------------------------------------------------


def front_matter(essay: Path) -> dict:
    return yaml.safe_load(essay.read_text(encoding="utf-8").split("---\n")[1])


def essays(srcdir: Path) -> list[Path]:
    return sorted((srcdir / "articles").glob("*.md"))


def cited_keys(text: str) -> set[str]:
    keys = set()
    for roles in re.findall(r"\{cite:[pt]\}`([^`]*)`", text):
        for part in roles.split(","):
            keys.add(re.sub(r"^\{[^}]*\}|\{[^}]*\}$", "", part.strip()))
    return keys


def bib_keys(srcdir: Path) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", (srcdir / "refs.bib").read_text(), re.M)


def cited_by(srcdir: Path) -> dict[str, set[str]]:
    """Every page that cites, with the keys it cites."""
    pages = [*srcdir.glob("*.md"), srcdir / "chronology.yaml", *essays(srcdir)]
    return {p.relative_to(srcdir).as_posix(): cited_keys(p.read_text()) for p in pages}


def the_essay(srcdir: Path) -> Path:
    """The essay every scenario edits: the oldest, so that a new date moves it
    to the top of every list."""
    return min(essays(srcdir), key=lambda p: str(front_matter(p)["date"]))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def body_start(text: str) -> int:
    """Where the essay's first paragraph begins, after its front matter."""
    return text.index("\n---\n", 4) + len("\n---\n\n")


def add_paragraph(srcdir: Path, paragraph: str) -> None:
    essay = the_essay(srcdir)
    text = essay.read_text(encoding="utf-8")
    start = body_start(text)
    essay.write_text(text[:start] + paragraph + "\n\n" + text[start:], encoding="utf-8")


def remove_paragraph(srcdir: Path, paragraph: str) -> None:
    edit(the_essay(srcdir), paragraph + "\n\n", "")


ADDED = "Cormorants nest on the islets along the line, and fishermen count them each spring"


def edit_text(srcdir: Path) -> None:
    """Words of the essay's first paragraph replaced (its reading time stays)."""
    essay = the_essay(srcdir)
    text = essay.read_text(encoding="utf-8")
    start = body_start(text)
    first = text[start : text.index(" ", start + 40)]
    edit(essay, first, "Cormorants nest on the islets along the line")


def lengthen(srcdir: Path) -> None:
    """300 more words: the reading time, shown in every list of essays, grows."""
    add_paragraph(srcdir, " ".join([ADDED + "."] * 20))


def uncited_key(srcdir: Path) -> str:
    """A work of refs.bib that no page cites."""
    cited = set().union(*cited_by(srcdir).values())
    return next(k for k in bib_keys(srcdir) if k not in cited)


def citation_paragraph(srcdir: Path) -> str:
    return f"{ADDED} {{cite:p}}`{uncited_key(srcdir)}`."


def add_citation(srcdir: Path) -> None:
    add_paragraph(srcdir, citation_paragraph(srcdir))


def remove_citation(srcdir: Path) -> None:
    essay = the_essay(srcdir)
    (paragraph,) = re.findall(re.escape(ADDED) + r" \{cite:p\}`\w+`\.", essay.read_text())
    remove_paragraph(srcdir, paragraph)


def essay_only_key(srcdir: Path) -> str:
    """A work the edited essay cites (among other pages), cited neither by
    the front page, the glossary, the chronology nor an earlier version (which
    keeps the works it cites required)."""
    citing = cited_by(srcdir)
    own = citing[f"articles/{the_essay(srcdir).name}"]
    elsewhere = set().union(*(keys for page, keys in citing.items() if "/" not in page))
    elsewhere |= set().union(*(cited_keys(p.read_text()) for p in srcdir.glob("articles/*/v*.md")))
    return sorted(own - elsewhere)[0]


def bib_entry(srcdir: Path, key: str) -> str:
    text = (srcdir / "refs.bib").read_text()
    start = text.index(f"{{{key},")
    start = text.rindex("@", 0, start)
    return text[start : text.index("\n}\n", start) + 3]


def edit_bib_title(srcdir: Path, key: str | None = None) -> None:
    key = key or essay_only_key(srcdir)
    entry = bib_entry(srcdir, key)
    title = re.search(r"\n  title += \{(.*)\},\n", entry)
    changed = entry.replace(
        title.group(0), title.group(0).replace(title[1], title[1] + " Revisited")
    )
    edit(srcdir / "refs.bib", entry, changed)


NEW_ENTRY = """\
@book{zimmermann2019cormorants,
  author       = {Zimmermann, Anna},
  title        = {Cormorants of the {Yellow Sea}},
  publisher    = {Routledge},
  date         = {2019},
}
"""
NEW_CITATION = f"{ADDED} {{cite:t}}`zimmermann2019cormorants`."


def add_bib_entry(srcdir: Path) -> None:
    bib = srcdir / "refs.bib"
    bib.write_text(bib.read_text() + "\n" + NEW_ENTRY)
    add_paragraph(srcdir, NEW_CITATION)


def remove_bib_entry(srcdir: Path) -> None:
    edit(srcdir / "refs.bib", "\n" + NEW_ENTRY, "")
    remove_paragraph(srcdir, NEW_CITATION)


def rename_key(srcdir: Path) -> None:
    """A key shortened to a shorter prefix of its title word, everywhere."""
    old = essay_only_key(srcdir)
    new = old[:-1]
    assert new not in bib_keys(srcdir)
    edit(srcdir / "refs.bib", f"{{{old},", f"{{{new},")
    for essay in essays(srcdir):
        text = essay.read_text()
        # a key is followed by a backquote, a comma or a postnote's brace
        essay.write_text(re.sub(rf"\b{old}(?=[`,{{])", new, text))


def sole_author(srcdir: Path) -> str:
    """An author of the edited essay who signs no other essay."""
    essay = the_essay(srcdir)
    others = {a["name"] for e in essays(srcdir) if e != essay for a in front_matter(e)["authors"]}
    return next(a["name"] for a in front_matter(essay)["authors"] if a["name"] not in others)


NEW_AUTHOR = "Tomasz Ahlgren"


def change_authors(srcdir: Path) -> None:
    """One author replaced by someone new: a new author page, one page gone."""
    essay = the_essay(srcdir)
    text = essay.read_text()
    old = sole_author(srcdir)
    block = re.search(rf"  - name: {re.escape(old)}\n(    .*\n)*", text).group(0)
    edit(essay, block, f"  - name: {NEW_AUTHOR}\n    affiliation: Stimson Center\n")


def change_topics(srcdir: Path) -> None:
    """The essay's first topic replaced by one it did not have."""
    essay = the_essay(srcdir)
    topics = front_matter(essay)["topics"]
    conf = runpy.run_path(str(srcdir / "conf.py"))
    new = next(t for t in conf["peninsula_topics"] if t not in topics)
    line = re.search(r"^topics: .*$", essay.read_text(), re.M).group(0)
    edit(essay, line, "topics: [" + ", ".join([new, *topics[1:]]) + "]")


def change_date(srcdir: Path) -> None:
    """The oldest essay dated a day after the newest: first on every list and
    in the feed, whose date is the newest essay's."""
    essay = the_essay(srcdir)
    newest = max(str(front_matter(e)["date"]) for e in essays(srcdir))
    parts = [int(p) for p in newest.split("-")] + [1, 1]
    new = datetime.date(*parts[:3]) + datetime.timedelta(days=1)
    old = re.search(r"^date: .*$", essay.read_text(), re.M).group(0)
    edit(essay, old, f'date: "{new.isoformat()}"')


def retitle_essay(srcdir: Path) -> None:
    """A new title: shown in every page's sidebar, which lists every essay."""
    essay = the_essay(srcdir)
    line = re.search(r"^title: .*$", essay.read_text(), re.M).group(0)
    edit(essay, line, "title: Cormorants of the Northern Limit Line")


def shows_the_new_title_everywhere(srcdir: Path) -> None:
    html = published(srcdir)
    for page in ("index.html", "glossary.html", f"articles/{the_essay(srcdir).stem}.html"):
        assert "Cormorants of the Northern Limit Line" in page_text(html, page), page


def remove_essay(srcdir: Path) -> None:
    """The essay deleted: its page, its cite files and the pages of the
    authors who signed nothing else go; every list of essays changes."""
    the_essay(srcdir).unlink()


# -- Versions of record (tools/versions.py, as make record and make revise run it) --

CORRECTION_NOTE = "The first sentence named the wrong birds; it names the cormorants now."
UPDATE_NOTE = "A paragraph on the islets' cormorants was added."
RETRACTION_NOTE = "The essay's figures could not be checked; the editors withdraw it."


def revise_essay(srcdir: Path) -> None:
    """Every essay published (make record); then a correction of the edited one,
    as an editor makes it: make revise, the note, the change, make record. Its
    version 1 becomes a page of its own, its History and version line appear, the
    Corrections page lists the change."""
    slug = the_essay(srcdir).stem
    run_versions(srcdir, "record")
    run_versions(srcdir, "revise", "--essay", slug, "--date", "2026-12-01")
    fill_note(the_essay(srcdir), CORRECTION_NOTE)
    edit_text(srcdir)
    run_versions(srcdir, "record", "--essay", slug)


def revise_again(srcdir: Path) -> None:
    """Version 3, an update: the banner of version 1, whose source is unchanged,
    now says "of 3" and lists both later versions."""
    slug = the_essay(srcdir).stem
    run_versions(srcdir, "revise", "--essay", slug, "--kind", "update", "--date", "2026-12-03")
    fill_note(the_essay(srcdir), UPDATE_NOTE)
    add_paragraph(srcdir, ADDED + ".")
    run_versions(srcdir, "record", "--essay", slug)


CORRECTION_NOTE_EDITED = "The first sentence named the wrong birds; they were cormorants all along."


def edit_note(srcdir: Path) -> None:
    """A History note reworded: no version's text changes (the History is not
    part of it), yet the banners of the earlier versions before it quote it."""
    edit(the_essay(srcdir), CORRECTION_NOTE, CORRECTION_NOTE_EDITED)


def shows_the_new_note(srcdir: Path) -> None:
    html, slug = published(srcdir), the_essay(srcdir).stem
    for page in (f"articles/{slug}/v1.html", f"articles/{slug}.html", "corrections.html"):
        shown = page_text(html, page)
        assert CORRECTION_NOTE_EDITED in shown and CORRECTION_NOTE not in shown, page


def retracted_essay(srcdir: Path) -> Path:
    """The newest essay: first on the front page until it is retracted."""
    return max(essays(srcdir), key=lambda p: (str(front_matter(p)["date"]), p.name))


def retract_essay(srcdir: Path) -> None:
    """The newest essay retracted: it leaves every list of essays, keeps its page
    under a notice, and the Corrections page lists it."""
    slug = retracted_essay(srcdir).stem
    run_versions(srcdir, "record")
    run_versions(srcdir, "revise", "--essay", slug, "--kind", "retraction", "--date", "2026-12-04")
    fill_note(retracted_essay(srcdir), RETRACTION_NOTE)
    run_versions(srcdir, "record", "--essay", slug)


def page_text(html: Path, page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", (html / page).read_text(encoding="utf-8")).split())


def shows_the_correction(srcdir: Path) -> None:
    html, slug = published(srcdir), the_essay(srcdir).stem
    assert "You are reading version 1 of 2" in page_text(html, f"articles/{slug}/v1.html")
    assert "Version 2 · corrected December 1, 2026" in page_text(html, f"articles/{slug}.html")
    assert CORRECTION_NOTE in page_text(html, "corrections.html")


def shows_the_update(srcdir: Path) -> None:
    html, slug = published(srcdir), the_essay(srcdir).stem
    v1 = page_text(html, f"articles/{slug}/v1.html")
    assert "You are reading version 1 of 3" in v1 and UPDATE_NOTE in v1
    assert "You are reading version 2 of 3" in page_text(html, f"articles/{slug}/v2.html")
    corrections = page_text(html, "corrections.html")
    assert corrections.index(UPDATE_NOTE) < corrections.index(CORRECTION_NOTE)


def shows_the_retraction(srcdir: Path) -> None:
    html, slug = published(srcdir), retracted_essay(srcdir).stem
    front = lxml_html.parse(str(html / "index.html"))
    listed = front.xpath("//p[contains(@class, 'essay-card-title')]//a/@href")
    assert len(listed) == ESSAYS - 1 and f"articles/{slug}.html" not in listed, listed
    assert RETRACTION_NOTE in page_text(html, f"articles/{slug}.html")
    assert RETRACTION_NOTE in page_text(html, "corrections.html")


def revise_unrecorded(srcdir: Path) -> None:
    """Every essay published; then the next version of the edited one begun
    (make revise), its note written and its text changed, and not yet
    recorded: the draft of version 2 is the page, version 1 its own page."""
    slug = the_essay(srcdir).stem
    run_versions(srcdir, "record")
    run_versions(srcdir, "revise", "--essay", slug, "--date", "2026-12-02")
    fill_note(the_essay(srcdir), CORRECTION_NOTE)
    edit_text(srcdir)


def shows_the_draft(srcdir: Path) -> None:
    html, slug = published(srcdir), the_essay(srcdir).stem
    assert "Cormorants nest on the islets" in page_text(html, f"articles/{slug}.html")
    assert "Cormorants" not in page_text(html, f"articles/{slug}/v1.html")


def both_versions_key(srcdir: Path) -> str:
    """A work that both versions of the revised essay cite, and no page but
    them and other essays."""
    citing = cited_by(srcdir)
    slug = the_essay(srcdir).stem
    own = citing[f"articles/{slug}.md"] & cited_keys(
        (srcdir / f"articles/{slug}/v1.md").read_text()
    )
    elsewhere = set().union(*(keys for page, keys in citing.items() if "/" not in page))
    return sorted(own - elsewhere)[0]


def retitle_in_both_versions(srcdir: Path) -> None:
    """After a revision, the title of a work both versions cite edited."""
    edit_bib_title(srcdir, both_versions_key(srcdir))


def shows_the_new_title_in_both_versions(srcdir: Path) -> None:
    """The work retitled is listed anew in the References of both versions of
    the revised essay, and in the bibliography."""
    html, slug = published(srcdir), the_essay(srcdir).stem
    for page in (f"articles/{slug}.html", f"articles/{slug}/v1.html", "bibliography.html"):
        # in sentence case in the References, as APA 7 sets a work's title
        assert "revisited" in page_text(html, page).lower(), page


@dataclass(frozen=True)
class Scenario:
    name: str
    change: Callable[[Path], None]
    #: the scenario this one undoes: it starts from that one's incremental
    #: build and must give the clean build of the unedited corpus
    undoes: str = ""
    #: the scenario this one follows: it starts from that one's incremental
    #: build, and is compared with a clean build of the sources after both
    after: str = ""
    #: what the published site must show after the edit, so that two builds
    #: which both missed it cannot pass as equal
    shows: Callable[[Path], None] | None = None


SCENARIOS = [
    Scenario("edit-text", edit_text),
    Scenario("lengthen-essay", lengthen),
    Scenario("add-citation", add_citation),
    Scenario("remove-citation", remove_citation, undoes="add-citation"),
    Scenario("edit-bib-title", edit_bib_title),
    Scenario("add-bib-entry", add_bib_entry),
    Scenario("remove-bib-entry", remove_bib_entry, undoes="add-bib-entry"),
    Scenario("rename-key", rename_key),
    Scenario("change-authors", change_authors),
    Scenario("change-topics", change_topics),
    Scenario("change-date", change_date),
    Scenario("retitle-essay", retitle_essay, shows=shows_the_new_title_everywhere),
    Scenario("remove-essay", remove_essay),
    Scenario("revise-essay", revise_essay, shows=shows_the_correction),
    Scenario("revise-again", revise_again, after="revise-essay", shows=shows_the_update),
    Scenario("edit-note", edit_note, after="revise-again", shows=shows_the_new_note),
    Scenario("retract-essay", retract_essay, shows=shows_the_retraction),
    Scenario("revise-unrecorded", revise_unrecorded, shows=shows_the_draft),
    Scenario(
        "edit-bib-title-revised",
        retitle_in_both_versions,
        after="revise-essay",
        shows=shows_the_new_title_in_both_versions,
    ),
]
BY_NAME = {s.name: s for s in SCENARIOS}


class Bench:
    """The corpus built once, clean, in a fixed folder (``site``); each
    scenario edits and rebuilds it there, after putting back the kept copy of
    that first build (``base``) unless it starts where the last one ended."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.site = root / "site"
        self.base = root / "base"
        self.state = ""  # the scenario whose incremental build `site` holds
        corpus.generate(self.site, ESSAYS, ENTRIES, 0, False)
        build(self.site)
        shutil.copytree(self.site, self.base, symlinks=True)

    def start_from(self, scenario: str) -> None:
        """Make `site` hold the incremental build after *scenario* ('' for the
        unedited corpus)."""
        if self.state == scenario:
            return
        restore(self.base, self.site)
        self.state = ""
        if scenario:
            BY_NAME[scenario].change(self.site)
            build(self.site)
            self.state = scenario


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> Bench:
    return Bench(tmp_path_factory.mktemp("incremental"))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_an_incremental_build_equals_a_clean_one(bench, scenario, tmp_path):
    bench.start_from(scenario.undoes or scenario.after)
    if scenario.undoes:
        scenario.change(bench.site)
        assert sources(bench.site) == sources(bench.base), "the edit is not undone"
        build(bench.site)
        clean = bench.base
    elif scenario.after:
        scenario.change(bench.site)
        clean = copy_sources(bench.site, tmp_path / "clean")
        build(bench.site, clean)
    else:
        clean = copy_sources(bench.base, tmp_path / "clean")
        scenario.change(clean)
        scenario.change(bench.site)
        build(bench.site, clean)
    # `site` holds this scenario now; one that undoes another is not started from
    bench.state = "" if scenario.undoes else scenario.name
    stale = differences(published(bench.site), published(clean))
    if stale:  # kept for reading, beside the clean build; `site` moves on
        shutil.copytree(published(bench.site), tmp_path / "incremental")
    assert not stale, "\n".join(stale)
    if scenario.shows:
        scenario.shows(bench.site)


def test_the_scenarios_change_what_they_say(bench, tmp_path):
    """Each edit is what its name says, on this corpus: a scenario whose edit
    found nothing to change would pass without testing anything."""
    for scenario in SCENARIOS:
        if scenario.undoes:
            continue
        srcdir = copy_sources(bench.base, tmp_path / scenario.name)
        follows = []  # the scenarios it follows, first first
        while (follows or [scenario])[0].after:
            follows.insert(0, BY_NAME[(follows or [scenario])[0].after])
        for earlier in follows:
            earlier.change(srcdir)
        before = sources(srcdir)
        scenario.change(srcdir)
        after = sources(srcdir)
        changed = sorted(n for n in after.keys() | before.keys() if after.get(n) != before.get(n))
        assert changed, scenario.name
    srcdir = copy_sources(bench.base, tmp_path / "authors")
    old = sole_author(srcdir)
    change_authors(srcdir)
    names = {a["name"] for e in essays(srcdir) for a in front_matter(e)["authors"]}
    assert NEW_AUTHOR in names and old not in names


# -- make livehtml ---------------------------------------------------------------


def test_a_bib_entry_edited_under_livehtml_equals_a_clean_build(bench, tmp_path):
    """`make livehtml` rebuilds on the save of refs.bib, from its own staging
    folder, and publishes the site a clean build of the edited sources
    publishes: the retitled work in the pages citing it and in the bibliography,
    and the search index made from them."""
    bench.start_from("")
    live_site = tmp_path / "live"
    shutil.copytree(bench.base, live_site, symlinks=True)
    clean = copy_sources(bench.base, tmp_path / "clean")
    edit_bib_title(clean)
    clean_build = start_build(clean)
    port, output = free_port(), tmp_path / "live.log"
    env = dict(os.environ, PYTHONPATH=PYTHONPATH, SOURCE_DATE_EPOCH=EPOCH)
    command = [sys.executable, str(REPO / "tools" / "live.py"), "--srcdir", str(live_site)]
    command += ["--builddir", str(live_site / "_build"), "--port", str(port), *STRICT]
    with output.open("wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for(output, f"serving {published(live_site)}", 0, seconds=180)
        # the server answers once its watcher has started: an edit before
        # that would not be seen
        get(f"http://127.0.0.1:{port}/index.html", seconds=60)
        mark = len(output.read_text(errors="replace"))
        edit_bib_title(live_site)
        seen = wait_for(output, "published", mark, seconds=180)
        assert "refs.bib" in seen and "build failed" not in seen, seen
    finally:
        server.terminate()
        server.wait(timeout=30)
    finish(clean_build, clean)
    stale = differences(published(live_site), published(clean))
    assert not stale, "\n".join(stale)
    shown = page_text(published(live_site), "bibliography.html").lower()
    assert "revisited" in shown, essay_only_key(clean)
