"""A deterministic synthetic corpus of Peninsula Papers, for benchmarks.

Why this exists: the collection has two essays, so what the site costs at
the size it is meant to reach (hundreds of essays citing a bibliography of
thousands of works) cannot be measured on it. The project's performance
issue fixes that size: essays of about 2,000 words with 20 citations each,
signed by 1-3 of 60 authors, citing a ``refs.bib`` of M entries, for N
essays (50, 200, 400). This module writes such a corpus:

* **ours**: the repository's own configuration, extensions and site pages
  (front page, bibliography, glossary, chronology, corrections, 404 page) with
  N generated essays and a generated ``refs.bib`` of M entries, which also
  holds every work the copied pages cite. Every essay is published, as on the
  site: recorded in ``articles/versions.lock`` by the editor's own commands
  (tools/versions.py, as ``make record`` and ``make revise`` run it), and one
  essay in ten has a second version (a correction, an update or a revision of
  one sentence), so its History, its earlier version's page
  (``articles/<slug>/v1.md``) and the corrections page are built too. It
  builds strictly, with zero warnings, so that it measures what the real site
  does;
* **floor** (``--floor``): the same essays, word for word as their current
  version, with the citations replaced by their plain author-year text, built
  by plain Sphinx + myst-parser + furo: what a site of that text costs without
  our extensions (and without earlier versions, which plain Sphinx has not).

The text is made to look like prose to a search index: a vocabulary of
several thousand words (the real words of the repository's essays and
glossary, then pseudo-words made of syllables) drawn with a Zipf-like
frequency, in sentences of varied length and punctuation. The vocabulary is
read from the repository at generation time, so a given seed gives the same
corpus for a given state of ``articles/`` and ``glossary.md``.

Every random choice comes from a generator seeded with the seed and a
purpose (``"7:essay:12"``), so essay *i* is the same whatever N is and
whether or not the floor is asked for; only its citation keys depend on M.

Usage::

    python benchmarks/corpus.py OUTDIR --essays 200 --entries 2000 [--seed 0] [--floor]
    .venv/bin/sphinx-build -M html OUTDIR OUTDIR/_build -W --keep-going -n
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import itertools
import json
import math
import random
import re
import shutil
import string
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# the check character of an ORCID iD, as the front matter's parser checks it
sys.path.insert(0, str(REPO / "_ext"))
from peninsula.records.frontmatter import orcid_check  # noqa: E402

#: what "ours" takes from the repository, as it is: configuration, extensions,
#: static files and every site page but the essays (templates/ is not built)
COPIED = (
    "conf.py",
    "_ext",
    "_static",
    "_templates",
    "index.md",
    "bibliography.md",
    "glossary.md",
    "chronology.md",
    "chronology.yaml",
    "corrections.md",
    "404.md",
)
#: the copied pages whose citations must resolve in the generated refs.bib
CITING_PAGES = ("index.md", "bibliography.md", "glossary.md", "chronology.md", "chronology.yaml")
#: written in OUTDIR so that a later run may replace a corpus, and nothing else
MARKER = ".benchmark-corpus.json"

WORDS_PER_ESSAY = 2000
CITATIONS_PER_ESSAY = 20
#: essays 0, 10, 20... have a second version (ours only)
REVISED_EVERY = 10
#: the kinds of second version, in turn
REVISION_KINDS = ("correction", "update", "revision")
AUTHOR_POOL = 60
LINE_WIDTH = 100

# -- Names and places used for authors and bibliographic entries ---------------

GIVEN = (
    "Min-jun Seo-yeon Ji-ho Ha-eun Do-yun Su-bin Jae-won Eun-ji Hyun-woo Ye-jin "
    "Sarah James Emily Daniel Laura Michael Hannah David Rachel Thomas Claire Peter "
    "Wei Mei Jun Lan Hiroshi Yuki Kenji Aiko Anna Lukas Marie Pierre Elena Ivan "
    "Priya Arjun Linh Minh Olga Tomasz"
).split()
FAMILY = (
    "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn "
    "Song Yoo Hong Cha Moon Smith Johnson Brown Miller Davis Wilson Moore Taylor "
    "Anderson Thomas Jackson White Harris Martin Thompson Clark Lewis Walker Hall "
    "Allen Young King Wright Scott Green Baker Adams Nelson Carter Mitchell Roberts "
    "Snyder Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Sato Suzuki Takahashi "
    "Tanaka Watanabe Nakamura Schmidt Fischer Weber Dubois Moreau Rossi Ivanov "
    "Petrov Novak Kowalski Nguyen Tran Singh Gupta"
).split()
AFFILIATIONS = (
    "Seoul National University",
    "Korea Institute for National Unification",
    "Georgetown University",
    "Asan Institute for Policy Studies",
    "University of Tokyo",
    "Stimson Center",
    "Fudan University",
    "Australian National University",
)
GROUPS = (
    ("Institute for Peninsula Studies", "IPS"),
    ("Council on Northeast Asian Security", "CNAS"),
    ("Korea Policy Forum", ""),
    ("United Nations Panel of Experts", ""),
    ("International Crisis Group", "ICG"),
    ("Arms Control Association", ""),
)
JOURNALS = (
    "Asian Survey",
    "Korea Observer",
    "Journal of East Asian Studies",
    "International Security",
    "The Pacific Review",
    "Survival",
    "Asian Security",
    "North Korean Review",
    "Journal of Strategic Studies",
    "Foreign Policy Analysis",
    "Korean Journal of Defense Analysis",
    "Arms Control Today",
)
PUBLISHERS = (
    "Cambridge University Press",
    "Oxford University Press",
    "Columbia University Press",
    "Routledge",
    "Brookings Institution Press",
    "Stanford University Press",
    "Palgrave Macmillan",
    "Lynne Rienner",
)
ORGANIZATIONS = (
    "Reuters",
    "NPR",
    "CSIS",
    "Brookings",
    "38 North",
    "The Diplomat",
    "Yonhap News Agency",
    "NK News",
    "War on the Rocks",
    "Lawfare",
    "Foreign Affairs",
    "The Korea Herald",
)
INSTITUTIONS = (
    "RAND Corporation",
    "Congressional Research Service",
    "Korea Institute for Defense Analyses",
    "Stimson Center",
    "Carnegie Endowment for International Peace",
    "Sejong Institute",
    "International Institute for Strategic Studies",
)
REPORT_KINDS = ("Policy Brief", "Working Paper", "Research Report", "")
#: proper nouns a title protects with braces, as refs.bib does
PROPER = (
    "North Korea",
    "South Korea",
    "Korea",
    "Pyongyang",
    "Seoul",
    "China",
    "Japan",
    "United States",
    "Washington",
    "Beijing",
    "Northern Limit Line",
    "Six-Party Talks",
    "Kim Jong Un",
    "Moon Jae-in",
)
CITE_VERBS = (
    "argues that",
    "notes that",
    "finds that",
    "observes that",
    "contends that",
    "reports that",
    "shows that",
    "warns that",
)
PRE_TEXT = ("see", "see also", "e.g.,", "cf.")
ONSETS = ["", ""] + "b br ch d dr f g gr h j k l m n p pr r s sh st t th tr v w y z".split()
NUCLEI = "a a e e i i o o u ai ea io ou".split()
CODAS = [""] * 8 + "n r s l m k t nd st".split()
#: lowercase words of titles that the bib key convention skips (bibfile.py)
STOP_WORDS = frozenset({"the", "a", "an"})
KEY_RE = re.compile(r"^(?P<who>[a-z]+)(?P<year>\d{4}|nd)(?P<word>[a-z]+)$")
ASCII_WORD = re.compile(r"^[a-z]+$")
#: one target of a citation role, the key captured (sphinxcontrib.bibtex.citation_target)
CITE_TARGET_RE = re.compile(r"\s*(?:\{[^{}]+\})?\s*([^{}\s,]+)\s*(?:\{[^{}]+\})?\s*,?")


def _rng(seed: int, *purpose: object) -> random.Random:
    """A generator of its own for each purpose: a string seed is hashed with
    SHA-512, so it is the same on every run and platform."""
    return random.Random(":".join(str(p) for p in (seed, *purpose)))


# -- Vocabulary -----------------------------------------------------------------


def real_words(repo: Path) -> Counter[str]:
    """The words of the repository's essays and glossary, as they are mostly
    written (``Korea``, ``the``), with their counts."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((repo / "articles").glob("*.md"))]
    glossary = repo / "glossary.md"
    if glossary.is_file():
        texts.append(glossary.read_text(encoding="utf-8"))
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
        text = re.sub(r"\{[a-z:]+\}`[^`]*`", " ", text)  # roles: citations, refs, terms
        text = re.sub(r"^\(.*\)=$|^```.*$|^:\w+:.*$", " ", text, flags=re.M)
        text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
        for word in re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)?", text):
            if len(word) > 1 or word in {"a", "I"}:
                forms.setdefault(word.lower(), Counter())[word] += 1
    counts: Counter[str] = Counter()
    for variants in forms.values():
        # the form written most often, the lowercase one on a tie
        form = sorted(variants.items(), key=lambda kv: (-kv[1], kv[0].islower() is False))[0][0]
        counts[form] = sum(variants.values())
    return counts


def pseudo_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """*count* distinct pronounceable words of 1-4 syllables, none in *taken*."""
    out: list[str] = []
    seen = set(taken)
    while len(out) < count:
        syllables = rng.choices((1, 2, 3, 4), weights=(3, 6, 3, 1))[0]
        word = "".join(
            rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS) for _ in range(syllables)
        )
        if len(word) >= 3 and word not in seen:
            seen.add(word)
            out.append(word)
    return out


class Vocabulary:
    """Words by rank, drawn with Zipf-Mandelbrot weights 1/(rank + 2.7): the
    frequent words are the real function words of the essays, the long tail
    mixes real words with pseudo-words, as a search index of essays sees it."""

    def __init__(self, seed: int, repo: Path = REPO, pseudo: int = 5000) -> None:
        counts = real_words(repo)
        real = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        made = pseudo_words(_rng(seed, "pseudo"), pseudo, {w.lower() for w in real})
        head, tail = real[:150], real[150:]
        ranked = list(head)
        # one real word to four pseudo-words in the tail, then what is left of either
        made_iter = iter(made)
        for word in tail:
            ranked.append(word)
            ranked.extend(itertools.islice(made_iter, 4))
        ranked.extend(made_iter)
        self.words = ranked
        self.cum = list(itertools.accumulate(1.0 / (rank + 2.7) for rank in range(len(ranked))))
        # words fit for titles, slugs and keys: plain lowercase ASCII, 3+ letters,
        # of middling rank (not "the", not a word seen once)
        self.title_words = [w for w in ranked[60:3000] if ASCII_WORD.match(w) and len(w) >= 3]

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum, k=k)

    def title_draw(self, rng: random.Random, k: int) -> list[str]:
        return [rng.choice(self.title_words) for _ in range(k)]


# -- Bibliography -----------------------------------------------------------------


@dataclass
class Work:
    """One entry of the generated refs.bib."""

    key: str
    text: str  #: the BibTeX entry
    short: str  #: plain author part of its in-text citation, for the floor
    year: str  #: "2019" or "n.d."
    #: same authors and year: works that APA labels 2019a, 2019b when cited together
    siblings: str = ""


def ascii_words(text: str) -> list[str]:
    """As bibfile.ascii_words, for the plain ASCII titles made here."""
    text = re.sub(r"[{}]", "", text).lower().replace("'", "")
    return [w for w in re.split(r"[^a-z]+", text) if w]


def _title_case(words: list[str]) -> str:
    small = {"of", "and", "in", "on", "for", "to", "with", "the", "a", "an", "at", "by"}
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _bib_title(rng: random.Random, vocab: Vocabulary) -> str:
    """A title as works give them: title case, a braced proper noun now and
    then (kept capitalised by the APA style), sometimes a subtitle."""
    words = vocab.title_draw(rng, rng.randint(3, 7))
    if rng.random() < 0.3:
        words.insert(0, "the")
    if rng.random() < 0.4:
        proper = "{" + rng.choice(PROPER) + "}"
        words = [*words, "in", proper] if rng.random() < 0.5 else [proper, "and", *words]
    title = _title_case(words)
    if rng.random() < 0.3:
        title += ": " + _title_case(vocab.title_draw(rng, rng.randint(2, 5)))
    return title


def _person(rng: random.Random) -> tuple[str, str]:
    """(family, given) with given names in full or as initials."""
    family = rng.choice(FAMILY)
    given = rng.choice(GIVEN)
    if rng.random() < 0.4:
        given = "-".join(p[0].upper() + "." for p in given.split("-"))
        if rng.random() < 0.3:
            given += " " + rng.choice(string.ascii_uppercase) + "."
    return family, given


def _date(rng: random.Random, year: int, precision: str) -> str:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return {"y": f"{year}", "m": f"{year}-{month:02d}", "d": f"{year}-{month:02d}-{day:02d}"}[
        precision
    ]


def _short_author(people: list[tuple[str, str]], group: str) -> str:
    if group:
        return group
    if len(people) == 1:
        return people[0][0]
    if len(people) == 2:
        return f"{people[0][0]} & {people[1][0]}"
    return f"{people[0][0]} et al."


def _key(who: str, year: str, title: str, used: set[str]) -> str | None:
    """The first key ``whoYEARword`` not yet used, with word a word of the
    title; None when every word of the title is taken. The regex must split
    the key back into the same parts: ``andersonnd...`` keys can split wrongly."""
    for word in ascii_words(title):
        if word in STOP_WORDS or len(word) < 3:
            continue
        key = f"{who}{year}{word}"
        match = KEY_RE.match(key)
        if key in used or not match or (match["who"], match["year"]) != (who, year):
            continue
        return key
    return None


def _bibtex(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in fields)
    lines = [f"@{kind}{{{key},"]
    lines += [f"  {name.ljust(width)} = {{{value}}}," for name, value in fields]
    return "\n".join(lines + ["}"])


def make_works(seed: int, count: int, vocab: Vocabulary, used: set[str]) -> list[Work]:
    """*count* entries of mixed types with the fields apa.py needs, keys
    following bibfile.py's convention and unique among themselves and *used*.

    Some entries repeat the authors and year of an earlier one, so that the
    APA labels 2019a/2019b appear; surnames recur with different given names,
    so that citations add initials; a few works are by a group (some with a
    ``shortauthor``), a few have no author, and a few have no date.
    """
    rng = _rng(seed, "bib")
    works: list[Work] = []
    history: list[tuple[list[tuple[str, str]], str, int]] = []
    kinds = ("article", "online", "report", "book", "incollection")
    while len(works) < count:
        kind = rng.choices(kinds, weights=(35, 25, 15, 12, 13))[0]
        year = rng.randint(1995, 2025)
        people: list[tuple[str, str]] = []
        group, short = "", ""
        roll = rng.random()
        if history and roll < 0.12:
            # same authors, same year as an earlier work: APA's 2019a, 2019b
            people, group, year = rng.choice(history)
            short = dict(GROUPS).get(group, "") if group else ""
        elif roll < 0.17:
            group, short = rng.choice(GROUPS)
        elif roll < 0.19 and kind != "incollection":
            # no author: cited by title (a chapter's editors would stand for its author
            # in the key convention but not in APA's citation, so chapters always have one)
            pass
        else:
            people = [_person(rng) for _ in range(rng.choices((1, 2, 3, 4), (50, 30, 14, 6))[0])]
            if len({p for p in people}) < len(people):
                continue
        undated = kind == "online" and rng.random() < 0.04
        title = _bib_title(rng, vocab)
        if people:
            who = ascii_words(people[0][0])[0]
        elif group:
            who = short.lower() if short else ascii_words(group)[0]
        else:
            who = next(w for w in ascii_words(title) if w not in STOP_WORDS)
        key = _key(who, "nd" if undated else str(year), title, used)
        if key is None:
            continue
        used.add(key)
        if people or group:
            history.append((people, group, year))

        fields: list[tuple[str, str]] = []
        if people:
            fields.append(("author", " and ".join(f"{f}, {g}" for f, g in people)))
        elif group:
            fields.append(("author", "{" + group + "}"))
            if short:
                fields.append(("shortauthor", short))
        fields.append(("title", title))
        if kind == "article":
            fields.append(("journal", rng.choice(JOURNALS)))
            fields.append(("volume", str(rng.randint(1, 60))))
            fields.append(("number", str(rng.randint(1, 4))))
            first = rng.randint(1, 400)
            fields.append(("pages", f"{first}--{first + rng.randint(8, 30)}"))
            fields.append(("date", _date(rng, year, rng.choice("ym"))))
            if rng.random() < 0.5:
                fields.append(("doi", f"10.5555/bench.{year}.{len(works):05d}"))
        elif kind == "online":
            fields.append(("organization", rng.choice(ORGANIZATIONS)))
            if not undated:
                fields.append(("date", _date(rng, year, "d")))
            fields.append(("urldate", _date(rng, 2025, "d")))
            fields.append(("url", f"https://example.org/{key}"))
        elif kind == "report":
            fields.append(("institution", group or rng.choice(INSTITUTIONS)))
            report_kind = rng.choice(REPORT_KINDS)
            if report_kind:
                fields.append(("type", report_kind))
                fields.append(("number", str(rng.randint(1, 99))))
            fields.append(("date", _date(rng, year, rng.choice("ymd"))))
        elif kind == "book":
            fields.append(("publisher", rng.choice(PUBLISHERS)))
            if rng.random() < 0.15:
                fields.append(("edition", str(rng.randint(2, 4))))
            fields.append(("date", _date(rng, year, "y")))
        else:  # incollection
            editors = [_person(rng) for _ in range(rng.randint(1, 2))]
            fields.append(("editor", " and ".join(f"{f}, {g}" for f, g in editors)))
            fields.append(("booktitle", _bib_title(rng, vocab)))
            first = rng.randint(1, 300)
            fields.append(("pages", f"{first}--{first + rng.randint(10, 30)}"))
            fields.append(("publisher", rng.choice(PUBLISHERS)))
            fields.append(("date", _date(rng, year, "y")))

        if people or group:
            author = _short_author(people, short or group)
        else:
            author = title.replace("{", "").replace("}", "").split(":")[0]
        year_label = "n.d." if undated else str(year)
        siblings = f"{people}{group}{year_label}" if people or group else ""
        works.append(Work(key, _bibtex(kind, key, fields), author, year_label, siblings))
    return works


def cited_keys(text: str) -> list[str]:
    """The keys of every ``{cite:x}`...``` in *text*, in order, once each."""
    keys: list[str] = []
    for targets in re.findall(r"\{cite:[a-z]+\}`([^`]*)`", text):
        # as sphinxcontrib-bibtex reads them: {pre}key{post}, the texts may hold commas
        for key in CITE_TARGET_RE.findall(targets):
            if key not in keys:
                keys.append(key)
    return keys


def bib_entry_texts(bib: str) -> dict[str, str]:
    """key -> the whole text of its entry in a .bib file (braces balanced)."""
    out = {}
    for match in re.finditer(r"^@(\w+)\s*\{\s*([^,\s]+)\s*,", bib, flags=re.M):
        if match[1].lower() in {"comment", "preamble", "string"}:
            continue
        depth, end = 0, match.start()
        for end in range(bib.index("{", match.start()), len(bib)):
            depth += {"{": 1, "}": -1}.get(bib[end], 0)
            if depth == 0:
                break
        out[match[2]] = bib[match.start() : end + 1]
    return out


def real_works(repo: Path) -> list[Work]:
    """The repository's entries for every work its copied pages cite."""
    entries = bib_entry_texts((repo / "refs.bib").read_text(encoding="utf-8"))
    keys: list[str] = []
    for page in CITING_PAGES:
        path = repo / page
        if path.is_file():
            keys += [k for k in cited_keys(path.read_text(encoding="utf-8")) if k not in keys]
    missing = [k for k in keys if k not in entries]
    if missing:
        raise SystemExit(f"refs.bib of {repo} has no entry for {', '.join(missing)}")
    works = []
    for key in keys:
        match = KEY_RE.match(key)
        who, year = (match["who"].capitalize(), match["year"]) if match else (key, "nd")
        works.append(Work(key, entries[key], who, "n.d." if year == "nd" else year))
    return works


# -- Essays -----------------------------------------------------------------------


@dataclass
class Citation:
    narrative: bool  #: {cite:t} rather than {cite:p}
    targets: list[tuple[str, str, str]]  #: (pre, key, post)


@dataclass
class Sentence:
    tokens: list[str]  #: words with their punctuation, the first not yet capitalised
    end: str  #: "." or "?"
    cite: Citation | None = None

    def words(self) -> int:
        return len(self.tokens)


@dataclass
class Section:
    heading: str
    label: str
    paragraphs: list[list[Sentence]] = field(default_factory=list)


@dataclass
class Essay:
    slug: str
    title: str
    authors: list[dict[str, str]]
    date: str
    abstract: str
    topics: list[str]
    intro: list[list[Sentence]]
    sections: list[Section]

    def sentences(self) -> list[Sentence]:
        paragraphs = self.intro + [p for s in self.sections for p in s.paragraphs]
        return [s for p in paragraphs for s in p]


def make_authors(seed: int) -> list[dict[str, str]]:
    """The pool of essay authors: distinct names, most with an affiliation,
    half with an ORCID iD, each always signing the same way."""
    rng = _rng(seed, "authors")
    names = [f"{g} {f}" for g in GIVEN for f in FAMILY]
    rng.shuffle(names)
    pool = []
    for name in names[:AUTHOR_POOL]:
        author = {"name": name}
        if rng.random() < 0.7:
            author["affiliation"] = rng.choice(AFFILIATIONS)
        if rng.random() < 0.5:
            base = "0000000" + "".join(rng.choice(string.digits) for _ in range(8))
            digits = base + orcid_check(base)
            author["orcid"] = "-".join(digits[i : i + 4] for i in range(0, 16, 4))
        pool.append(author)
    return pool


def make_sentence(rng: random.Random, vocab: Vocabulary) -> Sentence:
    """A sentence of 4-45 words (median 17) with commas, now and then a
    semicolon, a number, a parenthesis, a quotation or a compound."""
    count = max(4, min(45, round(rng.lognormvariate(math.log(17), 0.45))))
    tokens = vocab.draw(rng, count)
    if rng.random() < 0.08:
        number = rng.choice(
            (str(rng.randint(1950, 2025)), f"{rng.randint(2, 95)} percent", str(rng.randint(2, 40)))
        )
        tokens[rng.randrange(count - 1)] = number  # never last: "2019." could open a list
    if rng.random() < 0.015 and count > 5:
        i = rng.randrange(count - 1)
        tokens[i : i + 2] = [tokens[i] + "-" + tokens[i + 1]]
    if rng.random() < 0.05 and len(tokens) > 8:
        i = rng.randrange(1, len(tokens) - 5)
        j = i + rng.randint(1, 4)
        tokens[i], tokens[j] = "(" + tokens[i], tokens[j] + ")"
    elif rng.random() < 0.04 and len(tokens) > 8:
        i = rng.randrange(1, len(tokens) - 5)
        j = i + rng.randint(1, 5)
        tokens[i], tokens[j] = "“" + tokens[i], tokens[j] + "”"
    for i in range(len(tokens) - 1):
        roll = rng.random()
        if roll < 0.07:
            tokens[i] += ","
        elif roll < 0.078:
            tokens[i] += ";"
    return Sentence(tokens, "?" if rng.random() < 0.06 else ".")


def make_paragraph(rng: random.Random, vocab: Vocabulary, budget: int) -> list[Sentence]:
    """3-7 sentences, fewer if the words of *budget* run out."""
    out: list[Sentence] = []
    for _ in range(rng.randint(3, 7)):
        out.append(make_sentence(rng, vocab))
        if sum(s.words() for s in out) >= budget:
            break
    return out


def _heading(rng: random.Random, vocab: Vocabulary, taken: set[str]) -> tuple[str, str]:
    """A section heading in sentence case, and a word of it for its label."""
    while True:
        words = vocab.draw(rng, rng.randint(1, 3)) + vocab.title_draw(rng, rng.randint(1, 3))
        rng.shuffle(words)
        for word in reversed(words):
            if ASCII_WORD.match(word) and len(word) >= 3 and word not in taken:
                taken.add(word)
                return words[0][:1].upper() + words[0][1:] + " " + " ".join(words[1:]), word


def make_essay(
    seed: int,
    index: int,
    vocab: Vocabulary,
    pool: list[dict[str, str]],
    topics: list[str],
    slugs: set[str],
) -> Essay:
    """Essay *index*: its front matter and ~2,000 words of body in 5-7
    sections; its slug, three words of its title, is not among *slugs*."""
    rng = _rng(seed, "essay", index)
    while True:
        words = vocab.title_draw(rng, rng.randint(3, 6))
        slug = "-".join(words[:3])
        if len(set(words)) == len(words) and slug not in slugs:
            break
    slugs.add(slug)
    title = _title_case(words)
    if rng.random() < 0.4:
        title += " in {" + rng.choice(PROPER) + "}"
    authors = rng.sample(pool, rng.choices((1, 2, 3), weights=(50, 35, 15))[0])
    year = rng.randint(2015, 2026)
    month = rng.randint(1, 10 if year == 2026 else 12)
    date = (
        f"{year}-{month:02d}"
        if rng.random() < 0.3
        else f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
    )
    abstract = " ".join(
        _plain(s) for s in (make_sentence(rng, vocab) for _ in range(rng.randint(2, 3)))
    )
    chosen = rng.sample(sorted(topics), rng.randint(1, 3))

    target = max(1850, min(2100, round(rng.gauss(WORDS_PER_ESSAY - 20, 60))))
    intro_words = rng.randint(90, 160)
    intro = [make_paragraph(rng, vocab, intro_words)]
    written = sum(s.words() for s in intro[0])
    count = rng.randint(5, 7)
    sections = []
    taken: set[str] = set()
    for number in range(count):
        heading, word = _heading(rng, vocab, taken)
        section = Section(heading, f"{slug}-{word}")
        budget = (target - written) // (count - number)
        done = 0
        while done < budget:
            paragraph = make_paragraph(rng, vocab, budget - done)
            section.paragraphs.append(paragraph)
            done += sum(s.words() for s in paragraph)
        written += done
        sections.append(section)
    return Essay(slug, title, authors, date, abstract, chosen, intro, sections)


def add_citations(seed: int, index: int, essay: Essay, works: list[Work]) -> None:
    """20 citations in distinct sentences: most {cite:p} of one work, some
    of several, some {cite:t}, some with pre-text or a page. The works come
    from a working set of 8-17 per essay, as an essay returns to its sources;
    a fifth of the bibliography is cited more often than the rest."""
    rng = _rng(seed, "cite", index, len(works))
    keys = [w.key for w in works]
    popular = keys[: max(1, len(keys) // 5)]
    working: list[str] = []
    while len(working) < min(rng.randint(8, 15), len(keys)):
        key = rng.choice(popular if rng.random() < 0.4 else keys)
        if key not in working:
            working.append(key)
    # half the essays cite two works of the same authors and year (2019a, 2019b)
    family: dict[str, list[str]] = {}
    for work in works:
        if work.siblings:
            family.setdefault(work.siblings, []).append(work.key)
    pairs = [same for same in family.values() if len(same) > 1]
    if pairs and rng.random() < 0.5:
        for key in rng.choice(pairs)[:2]:
            if key not in working:
                working.append(key)
    sentences = essay.sentences()
    for number, sentence in enumerate(rng.sample(sentences, CITATIONS_PER_ESSAY)):
        narrative = rng.random() < 0.2
        size = rng.choices((1, 2, 3), weights=(85, 15, 0) if narrative else (75, 18, 7))[0]
        chosen = rng.sample(working, size)
        if number < len(working) and working[number] not in chosen:
            # every work of the working set is cited at least once
            chosen[0] = working[number]
        targets = []
        for key in chosen:
            pre = rng.choice(PRE_TEXT) if rng.random() < 0.08 and not narrative else ""
            post = ""
            if rng.random() < 0.12:
                page = rng.randint(3, 320)
                post = (
                    f"p. {page}" if rng.random() < 0.7 else f"pp. {page}–{page + rng.randint(1, 9)}"
                )
            targets.append((pre, key, post))
        sentence.cite = Citation(narrative, targets)


# -- Rendering --------------------------------------------------------------------


def _capitalised(tokens: list[str]) -> list[str]:
    first = tokens[0]
    lead = len(first) - len(first.lstrip("(“"))
    return [first[:lead] + first[lead : lead + 1].upper() + first[lead + 1 :], *tokens[1:]]


def _plain(sentence: Sentence) -> str:
    return " ".join(_capitalised(sentence.tokens)) + sentence.end


def _role(cite: Citation) -> str:
    targets = ",".join(
        (f"{{{pre}}}" if pre else "") + key + (f"{{{post}}}" if post else "")
        for pre, key, post in cite.targets
    )
    return f"{{cite:{'t' if cite.narrative else 'p'}}}`{targets}`"


def _plain_citation(cite: Citation, works: dict[str, Work]) -> str:
    """The author-year text a citation roughly prints, for the floor."""
    parts = []
    for pre, key, post in cite.targets:
        work = works[key]
        if cite.narrative:
            parts.append(f"{work.short} ({work.year}{', ' + post if post else ''})")
        else:
            parts.append(
                (pre + " " if pre else "")
                + f"{work.short}, {work.year}"
                + (", " + post if post else "")
            )
    return " and ".join(parts) if cite.narrative else "(" + "; ".join(parts) + ")"


def render_sentence(sentence: Sentence, works: dict[str, Work], floor: bool) -> list[str]:
    """Tokens of the sentence as written, a citation kept whole as one token."""
    cite = sentence.cite
    if cite is None:
        return _capitalised(sentence.tokens)[:-1] + [sentence.tokens[-1] + sentence.end]
    text = _plain_citation(cite, works) if floor else _role(cite)
    if cite.narrative:
        verb = CITE_VERBS[len(sentence.tokens) % len(CITE_VERBS)].split()
        return [text, *verb, *sentence.tokens[:-1], sentence.tokens[-1] + sentence.end]
    tokens = _capitalised(sentence.tokens)
    return tokens + [text + sentence.end]


def wrap(tokens: list[str]) -> str:
    """Lines of at most LINE_WIDTH characters, breaking only between tokens,
    so that no citation is split across lines."""
    lines: list[str] = []
    line = ""
    for token in tokens:
        if line and len(line) + 1 + len(token) > LINE_WIDTH:
            lines.append(line)
            line = token
        else:
            line = f"{line} {token}" if line else token
    return "\n".join(lines + [line])


def render_essay(essay: Essay, works: dict[str, Work], floor: bool) -> str:
    front = ["---", f"title: {json.dumps(essay.title, ensure_ascii=False)}", "authors:"]
    for author in essay.authors:
        front.append(f"  - name: {author['name']}")
        for name in ("affiliation", "orcid"):
            if name in author:
                front.append(f"    {name}: {author[name]}")
    front.append(f'date: "{essay.date}"')
    front.append("abstract: >-")
    front += textwrap.wrap(
        essay.abstract, LINE_WIDTH - 2, initial_indent="  ", subsequent_indent="  "
    )
    front.append(f"topics: [{', '.join(essay.topics)}]")
    front += ["license: CC-BY-4.0", "---", ""]
    body: list[str] = []
    if floor:
        # our essays.py makes the title the page's heading; plain MyST needs it written
        body += [f"# {essay.title.replace('{', '').replace('}', '')}", ""]

    def paragraphs(items: list[list[Sentence]]) -> None:
        for paragraph in items:
            tokens = [t for s in paragraph for t in render_sentence(s, works, floor)]
            body.extend([wrap(tokens), ""])

    paragraphs(essay.intro)
    for section in essay.sections:
        body += [f"({section.label})=", f"## {section.heading}", ""]
        paragraphs(section.paragraphs)
    return "\n".join(front + body).rstrip("\n") + "\n"


FLOOR_CONF = '''\
"""Floor of the benchmark: plain Sphinx + MyST + furo, none of our extensions."""

project = "Peninsula Papers"
extensions = ["myst_parser"]
html_theme = "furo"
exclude_patterns = ["_build"]
'''

FLOOR_INDEX = """\
# Peninsula Papers

The same essays as the benchmark corpus, citations reduced to plain text.

```{toctree}
:caption: Essays
:glob:

articles/*
```
"""


# -- Versions -------------------------------------------------------------------------

PLAIN_TOKEN = re.compile(r"[a-z]{5,}")


@dataclass
class Revision:
    """The second version of an essay: one word of one sentence changed."""

    slug: str
    kind: str  #: one of REVISION_KINDS
    date: str  #: YYYY-MM-DD, after the essay's date
    old: str  #: the line as version 1 has it
    new: str  #: the line as the current version has it
    note: str  #: what changed and why, as the History shows it


def _revision_date(rng: random.Random, essay_date: str) -> str:
    """A day after *essay_date* (essays are dated up to 2026-10), up to 2026-11."""
    year = int(essay_date[:4])
    later = rng.randint(year + 1, 2026) if year < 2026 else 2026
    month = rng.randint(1, 12) if later < 2026 else 11
    return f"{later}-{month:02d}-{rng.randint(1, 28):02d}"


def make_revision(
    seed: int, index: int, essay: Essay, text: str, vocab: Vocabulary
) -> tuple[str, Revision]:
    """Version 1 of essay *index*, whose current text is *text*: one plain
    word of one line of its body different. Returns version 1's text and
    the revision that makes *text* of it."""
    rng = _rng(seed, "revise", index)
    head, body = text.split("\n---\n", 1)
    lines = body.split("\n")
    candidates = [
        number
        for number, line in enumerate(lines)
        if line
        and not line.startswith(("#", "("))
        and "{cite:" not in line
        and text.count(line) == 1
        and any(PLAIN_TOKEN.fullmatch(token) for token in line.split(" "))
    ]
    number = rng.choice(candidates)
    tokens = lines[number].split(" ")
    where = rng.choice([i for i, token in enumerate(tokens) if PLAIN_TOKEN.fullmatch(token)])
    word = tokens[where]
    earlier = rng.choice([w for w in vocab.title_words if w != word and len(w) >= 5])
    old = " ".join([*tokens[:where], earlier, *tokens[where + 1 :]])
    kind = REVISION_KINDS[(index // REVISED_EVERY) % len(REVISION_KINDS)]
    note = {
        "correction": f"One sentence was wrong: it said “{earlier}” where “{word}” is right.",
        "update": f"One sentence was brought up to date: “{earlier}” is now “{word}”.",
        "revision": f"One sentence was reworded (“{earlier}” became “{word}”); "
        "nothing of substance changed.",
    }[kind]
    revision = Revision(essay.slug, kind, _revision_date(rng, essay.date), old, lines[number], note)
    lines[number] = old
    return head + "\n---\n" + "\n".join(lines), revision


def versions_tool():
    """tools/versions.py, the editor's ``make record`` and ``make revise``."""
    name = "peninsula_versions_tool"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "tools" / "versions.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def publish(outdir: Path, revisions: list[Revision]) -> None:
    """Every essay of *outdir* published as version 1 (``make record``), then
    each revision made as an editor makes it: ``make revise``, the note
    written, the sentence changed, ``make record``."""
    tool = versions_tool()
    try:
        tool.record(outdir, None)
        for revision in revisions:
            tool.revise(outdir, revision.slug, revision.kind, revision.date)
            path = outdir / "articles" / f"{revision.slug}.md"
            text = path.read_text(encoding="utf-8")
            empty = next(line for line in text.split("\n") if line.strip().startswith('note: ""'))
            indent = empty[: len(empty) - len(empty.lstrip())]
            note = json.dumps(revision.note, ensure_ascii=False)
            text = text.replace(empty, f"{indent}note: {note}", 1)
            assert text.count(revision.old) == 1, revision.slug
            path.write_text(text.replace(revision.old, revision.new), encoding="utf-8")
            tool.record(outdir, revision.slug)
    except tool.Refused as err:
        raise SystemExit(
            f"{outdir}: tools/versions.py refused the generated versions: {err}"
        ) from None


# -- Writing the corpus -------------------------------------------------------------


def _topics(repo: Path) -> list[str]:
    """The keys of peninsula_topics in conf.py, read without running it."""
    tree = ast.parse((repo / "conf.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "peninsula_topics" for t in node.targets
        ):
            return sorted(ast.literal_eval(node.value))
    raise SystemExit(f"{repo / 'conf.py'} sets no peninsula_topics")


def _prepare(outdir: Path) -> None:
    """An empty OUTDIR: a corpus written before is replaced, anything else kept."""
    if outdir.exists() and any(outdir.iterdir()):
        if not (outdir / MARKER).is_file():
            raise SystemExit(
                f"{outdir} is not empty and holds no generated corpus: not touching it"
            )
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True, exist_ok=True)


def least_entries(repo: Path = REPO) -> int:
    """The smallest refs.bib a corpus can have: every work the copied pages cite,
    and enough generated ones for an essay's citations."""
    return len(real_works(repo)) + CITATIONS_PER_ESSAY


def generate(
    outdir: str | Path,
    essays: int,
    entries: int,
    seed: int = 0,
    floor: bool = False,
    repo: Path = REPO,
) -> Path:
    """Write a corpus of *essays* essays citing *entries* works into *outdir*,
    which is emptied first if it holds a corpus; return its path."""
    outdir = Path(outdir)
    real = real_works(repo)
    if entries < len(real) + CITATIONS_PER_ESSAY:
        raise SystemExit(
            f"--entries must be at least {len(real) + CITATIONS_PER_ESSAY}: the copied pages "
            f"cite {len(real)} works and an essay cites {CITATIONS_PER_ESSAY}"
        )
    vocab = Vocabulary(seed, repo)
    works = real + make_works(seed, entries - len(real), vocab, {w.key for w in real})
    # the real works are spread among the generated ones, as cited works would be
    _rng(seed, "order").shuffle(works)
    by_key = {w.key: w for w in works}
    pool = make_authors(seed)
    topics = _topics(repo)

    _prepare(outdir)
    (outdir / "articles").mkdir()
    slugs: set[str] = set()
    revisions: list[Revision] = []
    for index in range(essays):
        essay = make_essay(seed, index, vocab, pool, topics, slugs)
        add_citations(seed, index, essay, works)
        text = render_essay(essay, by_key, floor)
        if not floor and index % REVISED_EVERY == 0:
            # written as version 1 was; publish() makes the current version of it
            text, revision = make_revision(seed, index, essay, text, vocab)
            revisions.append(revision)
        (outdir / "articles" / f"{essay.slug}.md").write_text(text, encoding="utf-8")

    if floor:
        (outdir / "conf.py").write_text(FLOOR_CONF, encoding="utf-8")
        (outdir / "index.md").write_text(FLOOR_INDEX, encoding="utf-8")
    else:
        for name in COPIED:
            source = repo / name
            if source.is_dir():
                shutil.copytree(source, outdir / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.is_file():
                shutil.copy2(source, outdir / name)
        header = (
            f"% Generated by benchmarks/corpus.py (seed {seed}): {len(works)} works,\n"
            "% of which those cited by the glossary, chronology and front page are\n"
            "% copied from the repository's refs.bib.\n\n"
        )
        bib = header + "\n\n".join(w.text for w in works) + "\n"
        (outdir / "refs.bib").write_text(bib, encoding="utf-8")
        publish(outdir, revisions)
    params = {"essays": essays, "entries": entries, "seed": seed, "floor": floor}
    (outdir / MARKER).write_text(json.dumps(params) + "\n", encoding="utf-8")
    return outdir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="where to write the corpus (emptied first)")
    parser.add_argument("--essays", type=int, required=True, help="number of essays N")
    parser.add_argument("--entries", type=int, required=True, help="entries M of refs.bib")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    parser.add_argument(
        "--floor", action="store_true", help="plain Sphinx + MyST + furo, citations as text"
    )
    args = parser.parse_args(argv)
    out = generate(args.outdir, args.essays, args.entries, args.seed, args.floor)
    kind = "floor" if args.floor else "ours"
    print(f"{out}: {args.essays} essays, {args.entries} works, seed {args.seed} ({kind})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
