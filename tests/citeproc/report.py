"""Our APA 7 style against citeproc-js, entry by entry, on tests/data/apa-corpus.bib.

Both sides format the whole corpus as one reference list (so year suffixes and
the names added to tell authors apart come from the same list), then every
entry is compared in four aspects:

* ``reference``: the reference-list entry as plain text;
* ``italics``: the runs of it set in italics (ours ``<em>``, citeproc's ``<i>``);
* ``citation``: the parenthetical citation, the first one in a text;
* ``narrative``: the narrative citation, the first one in a text.

Before comparing, both sides are normalised: white space collapsed, curly
quotation marks and apostrophes made straight, every dash a hyphen, an
ellipsis character written ``. . .`` as APA prints it. What still differs is
a difference; tests/data/apa-differences.yaml lists the deliberate ones, each
with the APA rule behind it (format: a list of ``{key, field_or_aspect, ours,
citeproc, rule}``).

Run it with ``.venv/bin/python -m tests.citeproc.report [REPORT]`` from the
repository (default REPORT: /tmp/citeproc-report.txt). It needs Node and
``npm ci``; tests/works/test_citeproc.py runs the same comparison.
"""

from __future__ import annotations

import difflib
import html
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pybtex.backends.html import Backend as HtmlBackend
from pybtex.database import BibliographyData, Entry, parse_file

from .csl import to_csl

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "_ext"))

CORPUS = REPO / "tests" / "data" / "apa-corpus.bib"
DIFFERENCES = REPO / "tests" / "data" / "apa-differences.yaml"
RENDER = Path(__file__).with_name("render.mjs")
NODE_PACKAGES = ("citeproc", "@citation-js/plugin-csl")
REPORT = Path("/tmp/citeproc-report.txt")
COMMAND = ".venv/bin/python -m tests.citeproc.report"
ASPECTS = ("reference", "italics", "citation", "narrative")

_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'"})


class RunnerMissing(AssertionError):
    """Node or the npm packages are not installed: the comparison cannot run."""


# -- The two sides -------------------------------------------------------------------


@dataclass(frozen=True)
class Rendering:
    """One entry as one side formats it."""

    reference: str
    reference_html: str
    citation: str
    #: None where the side has no narrative form for the work
    narrative: str | None


@dataclass(frozen=True)
class Side:
    """One side's formatting of the whole corpus: entries and list order."""

    name: str
    entries: dict[str, Rendering]
    order: list[str]


def load_corpus(path: Path = CORPUS) -> BibliographyData:
    return parse_file(str(path), bib_format="bibtex")


def ours(entries: Sequence[Entry]) -> Side:
    """The corpus as peninsula.works.apa formats it. An entry it cannot format is
    shown as ``error: <message>``, which differs from anything citeproc prints."""
    from peninsula.works import apa

    def failed(err: Exception) -> Rendering:
        text = f"error: {type(err).__name__}: {err}"
        return Rendering(text, text, text, text)

    try:
        labels = apa.label_works(list(entries))
    except Exception:  # one bad entry: label the ones that can be labelled
        good = []
        for entry in entries:
            try:
                apa.label_works([entry])
                good.append(entry)
            except Exception:
                pass
        labels = apa.label_works(good)
    backend = HtmlBackend()
    out: dict[str, Rendering] = {}
    for entry in entries:
        try:
            label = labels[entry.key]
            reference = apa.format_reference(entry, label.year)

            def cite(narrative: bool, label=label) -> str:
                segments = apa.format_citation([apa.Cited(label)], narrative, set())
                return "".join(apa.plain(text) for text, _ in segments)

            out[entry.key] = Rendering(
                apa.plain(reference), reference.render(backend), cite(False), cite(True)
            )
        except Exception as err:
            out[entry.key] = failed(err)
    order = sorted(labels, key=lambda key: labels[key].order)
    return Side("ours", out, order)


def check_runner() -> str:
    """The path of node; fails, saying how to install them, without node or
    the npm packages."""
    node = shutil.which("node")
    if node is None:
        raise RunnerMissing("node is not installed: run `make test` (tools/system-deps.sh test)")
    for package in NODE_PACKAGES:
        if not (REPO / "node_modules" / package / "package.json").is_file():
            raise RunnerMissing(
                f"the npm package {package} is not installed in node_modules: run `make test` "
                "(npm ci, from package-lock.json)"
            )
    return node


def citeproc(entries: Sequence[Entry]) -> tuple[Side, dict]:
    """The corpus as citeproc-js formats it with the APA CSL style, and the
    style's identity (title, id, updated, versions)."""
    node = check_runner()
    items = [to_csl(entry) for entry in entries]
    result = subprocess.run(
        [node, str(RENDER)],
        input=json.dumps({"items": items}),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"render.mjs failed:\n{result.stderr}")
    data = json.loads(result.stdout)
    out = {
        key: Rendering(e["bibliography"], e["bibliography_html"], e["citation"], e["narrative"])
        for key, e in data["entries"].items()
    }
    return Side("citeproc", out, data["order"]), data["style"]


# -- Comparing ---------------------------------------------------------------------------


def normalise(text: str) -> str:
    """What typography may differ in without a reader seeing another reference."""
    text = unicodedata.normalize("NFC", html.unescape(text))
    text = text.translate(_QUOTES).replace("\u2026", ". . .")
    text = _DASHES.sub("-", text)
    return _SPACES.sub(" ", text).strip()


def italics(markup: str) -> str:
    """The italic runs of an HTML rendering, normalised, joined by `` | ``."""
    runs = re.findall(r"<(em|i)\b[^>]*>(.*?)</\1>", markup, flags=re.S)
    return " | ".join(normalise(re.sub(r"<[^>]+>", "", run)) for _, run in runs)


def aspect(rendering: Rendering, name: str) -> str | None:
    if name == "italics":
        return italics(rendering.reference_html)
    value = getattr(rendering, name)
    return None if value is None else normalise(value)


@dataclass(frozen=True)
class Difference:
    """One aspect of one entry on which the two sides disagree (normalised)."""

    key: str
    aspect: str
    ours: str
    citeproc: str


def comparable(side: Side, key: str, name: str) -> bool:
    """Whether the side has this aspect of the work: citeproc has no narrative
    citation of a work its citation names inside the parentheses."""
    return key not in side.entries or aspect(side.entries[key], name) is not None


def compare(ours_side: Side, theirs: Side, keys: Iterable[str]) -> list[Difference]:
    out = []
    for key in keys:
        for name in ASPECTS:
            if not comparable(theirs, key, name):
                continue
            mine = aspect(ours_side.entries[key], name) if key in ours_side.entries else "(none)"
            other = aspect(theirs.entries[key], name) if key in theirs.entries else "(none)"
            if mine != other:
                out.append(Difference(key, name, mine, other))
    return out


def agreement(differences: Sequence[Difference], keys: Sequence[str], theirs: Side) -> dict:
    """Entries identical over entries compared, per aspect and for every
    aspect at once."""
    rates: dict = {"entries": len(keys)}
    for name in (*ASPECTS, "all"):
        compared = [k for k in keys if name == "all" or comparable(theirs, k, name)]
        differing = {d.key for d in differences if name == "all" or d.aspect == name}
        same = len(compared) - len(differing)
        rates[name] = {
            "identical": same,
            "compared": len(compared),
            "rate": round(same / len(compared), 4) if compared else 0.0,
        }
    return rates


# -- The listed (deliberate) differences ----------------------------------------------


@dataclass(frozen=True)
class Listed:
    key: str
    aspect: str
    ours: str
    citeproc: str
    rule: str


def load_listed(path: Path = DIFFERENCES) -> list[Listed]:
    """The deliberate differences; none while the file does not exist."""
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        Listed(
            str(item["key"]),
            str(item["field_or_aspect"]),
            normalise(str(item.get("ours", ""))),
            normalise(str(item.get("citeproc", ""))),
            str(item.get("rule", "")),
        )
        for item in data
    ]


@dataclass
class Verdict:
    """The differences set against the list of deliberate ones."""

    justified: list[tuple[Difference, Listed]] = field(default_factory=list)
    #: a difference nobody listed
    unlisted: list[Difference] = field(default_factory=list)
    #: listed, and still differing, but not as the list says
    changed: list[tuple[Difference, Listed]] = field(default_factory=list)
    #: listed, but the two sides now agree
    stale: list[Listed] = field(default_factory=list)
    #: listed without the APA rule that justifies it
    no_rule: list[Listed] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        lines = [
            f"{d.key} [{d.aspect}] differs and is not listed in {DIFFERENCES.name}:\n"
            f"  ours:     {d.ours}\n  citeproc: {d.citeproc}"
            for d in self.unlisted
        ]
        lines += [
            f"{d.key} [{d.aspect}] differs otherwise than {DIFFERENCES.name} says:\n"
            f"  ours:     {d.ours}\n  listed:   {item.ours}\n"
            f"  citeproc: {d.citeproc}\n  listed:   {item.citeproc}"
            for d, item in self.changed
        ]
        lines += [
            f"{item.key} [{item.aspect}] is listed in {DIFFERENCES.name} but no longer "
            "differs: remove it"
            for item in self.stale
        ]
        lines += [
            f"{item.key} [{item.aspect}] is listed in {DIFFERENCES.name} without a rule: "
            "say which APA rule justifies it"
            for item in self.no_rule
        ]
        return lines


def judge(differences: Sequence[Difference], listed: Sequence[Listed]) -> Verdict:
    verdict = Verdict()
    by_place = {(item.key, item.aspect): item for item in listed}
    found = set()
    for diff in differences:
        item = by_place.get((diff.key, diff.aspect))
        if item is None:
            verdict.unlisted.append(diff)
            continue
        found.add((diff.key, diff.aspect))
        if (item.ours, item.citeproc) == (diff.ours, diff.citeproc):
            verdict.justified.append((diff, item))
        else:
            verdict.changed.append((diff, item))
    verdict.stale = [item for item in listed if (item.key, item.aspect) not in found]
    verdict.no_rule = [item for item in listed if not item.rule.strip()]
    return verdict


# -- The report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    keys: list[str]
    ours: Side
    citeproc: Side
    style: dict
    differences: list[Difference]
    rates: dict
    verdict: Verdict


def run(corpus: Path = CORPUS, differences_file: Path = DIFFERENCES) -> Result:
    data = load_corpus(corpus)
    entries = list(data.entries.values())
    keys = [entry.key for entry in entries]
    mine = ours(entries)
    theirs, style = citeproc(entries)
    differences = compare(mine, theirs, keys)
    verdict = judge(differences, load_listed(differences_file))
    rates = agreement(differences, keys, theirs)
    return Result(keys, mine, theirs, style, differences, rates, verdict)


def percent(part: dict) -> str:
    return f"{part['identical']}/{part['compared']} ({part['rate']:.1%})"


def out_of_order(mine: list[str], theirs: list[str]) -> list[str]:
    """The entries outside the longest run the two lists share, each with its
    neighbours in citeproc's list."""
    matcher = difflib.SequenceMatcher(a=mine, b=theirs, autojunk=False)
    kept = {mine[b.a + i] for b in matcher.get_matching_blocks() for i in range(b.size)}
    out = []
    for index, key in enumerate(theirs):
        if key not in kept:
            before = theirs[index - 1] if index else "(start)"
            after = theirs[index + 1] if index + 1 < len(theirs) else "(end)"
            out.append(f"{key}: citeproc puts it between {before} and {after}")
    return out


def report_text(result: Result) -> str:
    rates, total = result.rates, result.rates["entries"]
    style = result.style
    lines = [
        f"Rerun: cd {REPO} && {COMMAND}",
        "",
        f"Our APA 7 style (_ext/peninsula/works/apa.py) against citeproc-js {style['citeproc']} with "
        f'the CSL style "{style["title"]}" ({style["id"]}, updated {style["updated"]}, from '
        f"{style['package']}), on {CORPUS.relative_to(REPO)} ({total} entries).",
        "",
        "Agreement (entries identical after normalising spaces, quotation marks and dashes,",
        "over the entries compared; citeproc has no narrative form of a legal citation):",
    ]
    for name in (*ASPECTS, "all"):
        label = {"all": "all four at once"}.get(name, name)
        lines.append(f"  {label:<17} " + percent(rates[name]))
    verdict = result.verdict
    lines += [
        "",
        f"Differences: {len(result.differences)}; listed with their APA rule in "
        f"{DIFFERENCES.relative_to(REPO)}: {len(verdict.justified)}; not listed: "
        f"{len(verdict.unlisted)}; listed otherwise: {len(verdict.changed)}; listed but gone "
        f"(stale): {len(verdict.stale)}.",
    ]
    moved = out_of_order(result.ours.order, result.citeproc.order)
    if moved:
        lines += [
            "",
            f"Reference-list order: {len(moved)} entries placed otherwise (citeproc's place):",
        ]
        lines += [f"  {line}" for line in moved]
    else:
        lines += ["", "Reference-list order: identical."]
    justified = {(d.key, d.aspect): item.rule for d, item in verdict.justified}
    lines += ["", "Each difference (normalised):"]
    for diff in result.differences:
        rule = justified.get((diff.key, diff.aspect))
        lines += [
            "",
            f"{diff.key} [{diff.aspect}]" + (f"  (listed: {rule})" if rule else "  (NOT LISTED)"),
            f"  ours:     {diff.ours}",
            f"  citeproc: {diff.citeproc}",
        ]
    for item in verdict.stale:
        lines += ["", f"{item.key} [{item.aspect}]  (listed, but no longer differs: stale)"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    target = Path(argv[0]) if argv else REPORT
    result = run()
    text = report_text(result)
    target.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
