"""Dates, places and numbers stated in more than one document agree.

The glossary, the chronology and the essays each state some of the same facts:
when the Northern Limit Line was drawn, where the missile of November 2, 2022
came down, when the Cheonan was sunk and Yeonpyeong shelled, when Resolution
1718 was adopted. Nothing in the build compares them, so an essay can say one
thing and the chronology another. This test reads the Markdown and the YAML (no
Sphinx build) and checks two things:

- every link to a chronology event, ``{ref}`June 12, 2018 <event-singapore-summit>```,
  whose text states a date states the event's date, no more precisely than the
  chronology knows it;
- the facts of :data:`FACTS`, each a subject and the patterns that state its
  date, place or number, are stated the same way in every sentence of every file
  that mentions the subject; some statements are known to be wrong and are
  refused wherever they appear.

The frozen versions ``articles/<slug>/v<N>.md`` are not read: they cannot change.
The last tests change a copy of a real file and show that each check catches it.
"""

from __future__ import annotations

import functools
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from claims import _markdown_blocks, visible
from conftest import REPO

MONTHS = (
    "January February March April May June July August September October November December"
).split()
MONTH = "|".join(MONTHS)
#: "June 12, 2018", "June 2018" or "2018"
DATE = rf"(?:(?:{MONTH}) (?:[1-3]?\d, )?)?(?:19|20)\d\d\b"
DATE_RE = re.compile(rf"(?:(?P<month>{MONTH}) (?:(?P<day>[1-3]?\d), )?)?(?P<year>(?:19|20)\d\d)\b")
#: "June 30" with no year after it
MONTH_DAY_RE = re.compile(rf"\b(?P<month>{MONTH}) (?P<day>[1-3]?\d)\b(?!, (?:19|20)\d\d)")
EVENT_LINK_RE = re.compile(r"\{ref\}`([^`<]*?)\s*<(event-[a-z0-9-]+)>`")


@dataclass(frozen=True)
class When:
    """A date as precise as it is known: year, month or day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        if self.month is None:
            return str(self.year)
        month = MONTHS[self.month - 1]
        return f"{month} {self.day}, {self.year}" if self.day else f"{month} {self.year}"

    def disagrees(self, stated: When) -> str | None:
        """Why *stated* does not state this date, or None."""
        for part in ("year", "month", "day"):
            mine, theirs = getattr(self, part), getattr(stated, part)
            if theirs is None:
                return None
            if mine is None:
                return f"it gives a {part} that the chronology does not: {self}"
            if mine != theirs:
                return f"the date is {self}"
        return None


def parse_when(text: str) -> When:
    match = DATE_RE.fullmatch(text.strip())
    assert match, text
    month = MONTHS.index(match["month"]) + 1 if match["month"] else None
    return When(int(match["year"]), month, int(match["day"]) if match["day"] else None)


def event_date(value: object) -> When:
    """A chronology date as YAML reads it: 1945, "2019-02" or a date."""
    parts = [int(p) for p in str(value).split("-")]
    return When(*parts)


@dataclass(frozen=True)
class Sentence:
    file: str
    line: int
    text: str  # as a reader sees it
    event: str | None = None  # the chronology event it describes

    def at(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Fact:
    """Something several documents state. A sentence *mentions* it when
    *mention* matches; each match of a *statement* pattern in such a sentence
    must give the expected value (group ``date`` a date, group ``n`` a number);
    a *refused* pattern is a known error, refused wherever it appears."""

    name: str
    mention: str
    statements: tuple[tuple[str, When | int], ...] = ()
    refused: tuple[tuple[str, str], ...] = ()
    #: the chronology event whose sentences mention the fact without naming it
    event: str | None = None
    why: str = ""
    compiled: dict = field(default_factory=dict, compare=False, repr=False)


#: text between a subject and its date that names no other place or event
NEAR = r"(?:(?!Hanoi|Stockholm|Panmunjom|Vietnam|Sweden|DMZ|Demilitarized)[^.;]){0,60}?"

FACTS: tuple[Fact, ...] = (
    Fact(
        "the Northern Limit Line was drawn in 1953, after the armistice",
        mention=r"\b(?:NLL|Northern Limit Line|sea border|line at sea)\b",
        statements=(
            (
                rf"\b(?:drawn|drew|draws|set up|established|establishment|imposed)\b"
                rf"[^.;]{{0,80}}?\b(?:in|after|on) (?P<date>{DATE})",
                When(1953),
            ),
        ),
        refused=(
            (
                r"\b(?:armistice|Armistice Agreement|truce)\b[^.;]{0,40}\b(?:drew|fixed|established)"
                r"\b[^.;]{0,40}\b(?:NLL|Northern Limit Line|sea border)",
                "the armistice set no line at sea: the UN Command's commander drew the NLL weeks "
                "after it (Reuters factbox, 2010)",
            ),
        ),
        why="Reuters (2010): drawn weeks after the armistice of July 27, 1953; no work read "
        "gives the month",
    ),
    Fact(
        "naval skirmishes over the NLL are not dated from 1953",
        mention=r"\b(?:skirmish|skirmishes|clash|clashes|clashed|battles?|fought)\b",
        refused=(
            (
                r"\b(?:skirmish\w*|clash\w*|battles?|fought)\b[^.;]{0,100}\bsince (?:the Korean "
                r"War ended in )?1953\b",
                "no work dates the clashes from 1953: the North made no issue of the line until "
                "1973, and the naval battles came in 1999, 2002 and 2009 (Reuters factbox, 2010); "
                "Chang dates only the precarious peace from 1953",
            ),
        ),
    ),
    Fact(
        "the missile of November 2, 2022 landed 26 km (16 miles) south of the line, in the "
        "East Sea",
        mention=r"\bsouth of (?:the )?(?:NLL|Northern Limit Line|line|eastern maritime border)",
        statements=(
            (r"\b(?P<n>\d+) (?:kilometers|kilometres|km)\b(?: \(\d+ miles\))? south of", 26),
            (r"\b(?P<n>\d+) miles\)? south of", 16),
            (rf"\b(?:on|On) (?P<date>{DATE})", When(2022, 11, 2)),
        ),
        refused=(
            (
                r"\b(?:West Sea|Yellow Sea|western section)\b",
                "the missile of November 2, 2022 crossed the line's eastern section, in the East "
                "Sea (KBS News, 2022)",
            ),
        ),
    ),
    Fact(
        "North Korea fired 25 missiles on November 2, 2022",
        mention=r"\bNovember 2, 2022\b",
        event="event-missile-barrage",
        statements=((r"\b(?P<n>\d+) missiles\b", 25),),
    ),
    Fact(
        "Yeonpyeong was shelled on November 23, 2010",
        mention=r"\bYeonpyeong\b",
        event="event-yeonpyeong-shelling",
        statements=((rf"\bYeonpyeong\b{NEAR}\b(?:on|in) (?P<date>{DATE})", When(2010, 11, 23)),),
    ),
    Fact(
        "the Cheonan was sunk on March 26, 2010, with the loss of 46 sailors",
        mention=r"\bCheonan\b",
        event="event-warship-sunk",
        statements=(
            (rf"\bCheonan\b{NEAR}\b(?:on|in) (?P<date>{DATE})", When(2010, 3, 26)),
            (r"\b(?P<n>\d+) (?:of its )?(?:sailors|seamen)\b", 46),
        ),
    ),
    Fact(
        "Trump and Kim met in Singapore on June 12, 2018",
        mention=r"\bSingapore\b",
        statements=(
            (rf"\bSingapore\b{NEAR}\b(?:on|in|of) (?P<date>{DATE})", When(2018, 6, 12)),
            (rf"\b(?:on|On) (?P<date>{DATE}),?{NEAR}\bSingapore\b", When(2018, 6, 12)),
        ),
    ),
    Fact(
        "Resolution 1718 was adopted on October 14, 2006, and was not the Council's first "
        "measure against North Korea",
        mention=r"\b1718\b",
        event="event-resolution-1718",
        statements=(
            (
                rf"\bResolution 1718\b(?: \(2006\))?,? (?:of|in|adopted on|adopted in) (?P<date>{DATE})",
                When(2006, 10, 14),
            ),
            (
                rf"\b(?:On|on|In|in) (?P<date>{DATE}),?[^.;]{{0,120}}?\bResolution 1718\b",
                When(2006, 10, 14),
            ),
        ),
        refused=(
            (
                r"\bfirst (?:of its )?sanctions\b",
                "Resolution 1695 of July 2006 came first: 1718 established the sanctions regime "
                "(UN press release SC/8778)",
            ),
        ),
    ),
    Fact(
        "the armistice fixed one Demilitarized Zone, each side withdrawing 2 km from the line",
        mention=r"\b(?:Demilitarized Zone|DMZ)s?\b",
        statements=((r"\b(?P<n>two|2|four|4) (?:kilometers|kilometres|km)\b", 0),),
        refused=(
            (
                r"\b(?:Demilitarized Zones|DMZs)\b|\bon (?:either|each|both) sides? of (?:it|the line)\b",
                "there is one Demilitarized Zone, formed by each side withdrawing two kilometers "
                "from the Military Demarcation Line (armistice, Article I)",
            ),
        ),
    ),
    Fact(
        "U.S. sanctions were eased from 1989 and the Trading with the Enemy Act lifted in 2008",
        mention=r"\bembargo\b",
        refused=(
            (
                r"(?i:\b(?:ever since|from then on|since)\b[^.;]{0,160}\b(?:almost complete|"
                r"near[- ]total|total)\b[^.;]{0,20}\bembargo\b|\bembargo\b[^.;]{0,40}\bever since\b)",
                "the embargo was not kept unchanged: eased in 1989, 1994 and June 2000, the Trading "
                "with the Enemy Act restrictions ended in 2008 (Arms Control Today, 2000; the White "
                "House, 2008): see the chronology",
            ),
        ),
    ),
)

#: the widths the armistice gives: two kilometers from the line on each side, four across
DMZ_WIDTHS = {"two", "2", "four", "4"}


def files(root: Path) -> list[str]:
    essays = sorted(p.relative_to(root).as_posix() for p in (root / "articles").glob("*.md"))
    return [*essays, "glossary.md", "chronology.yaml"]


def load_events(root: Path) -> dict[str, tuple[When, int]]:
    """Each chronology event's date and line, by label."""
    text = (root / "chronology.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    found = {}
    for event in yaml.safe_load(text) or []:
        label = str(event["label"])
        line = next((n for n, t in enumerate(lines, 1) if t.strip() == f"label: {label}"), 0)
        found[label] = (event_date(event["date"]), line)
    return found


def blocks(root: Path, file: str) -> list[tuple[int, str, str | None]]:
    """(line, Markdown, event label) of each paragraph, list item or event description."""
    text = (root / file).read_text(encoding="utf-8")
    if file.endswith(".yaml"):
        lines = text.splitlines()
        out = []
        for event in yaml.safe_load(text) or []:
            label = str(event["label"])
            line = next((n for n, t in enumerate(lines, 1) if t.strip() == f"label: {label}"), 0)
            out.append((line, str(event.get("description", "")), label))
        return out
    return [(line, block, None) for line, block in _markdown_blocks(text)]


def sentences(root: Path, file: str) -> list[Sentence]:
    """Each clause as a reader sees it: paragraphs cut at '.', ';' and ':' before
    a new clause."""
    out = []
    for line, markdown, event in blocks(root, file):
        for clause in re.split(r"(?<=[.;:?!])\s+(?=[A-Z“\"(])|;\s+", visible(markdown)):
            if clause.strip():
                out.append(Sentence(file, line, clause.strip(), event))
    return out


def link_problems(root: Path) -> list[str]:
    """A link to an event whose text gives a date must give the event's date."""
    events = load_events(root)
    found = []
    for file in files(root):
        for line, markdown, _ in blocks(root, file):
            for match in EVENT_LINK_RE.finditer(markdown):
                shown, label = match.group(1).strip(), match.group(2)
                if label not in events:
                    continue  # the build reports a broken link
                date, event_line = events[label]
                stated = [parse_when(m.group()) for m in DATE_RE.finditer(shown)]
                stated += [
                    When(date.year, MONTHS.index(m["month"]) + 1, int(m["day"]))
                    for m in MONTH_DAY_RE.finditer(shown)
                ]
                for when in stated:
                    why = date.disagrees(when)
                    if why:
                        found.append(
                            f"{file}:{line}: the link {shown!r} to {label} states {when}, but "
                            f"chronology.yaml:{event_line} dates the event {date}: {why}"
                        )
    return found


def fact_problems(root: Path) -> list[str]:
    found = []
    for file in files(root):
        for sentence in sentences(root, file):
            for fact in FACTS:
                mentioned = re.search(fact.mention, sentence.text) or (
                    fact.event is not None and sentence.event == fact.event
                )
                if not mentioned:
                    continue
                found += _statement_problems(fact, sentence)
                for pattern, message in fact.refused:
                    wrong = re.search(pattern, sentence.text)
                    if wrong:
                        found.append(f"{sentence.at()}: {fact.name}: {wrong.group()!r}: {message}")
    return found


def _statement_problems(fact: Fact, sentence: Sentence) -> list[str]:
    found = []
    for pattern, expected in fact.statements:
        for match in re.finditer(pattern, sentence.text):
            if "date" in match.groupdict():
                stated = parse_when(match["date"])
                why = expected.disagrees(stated) if isinstance(expected, When) else None
                if why:
                    found.append(
                        f"{sentence.at()}: {fact.name}: {match.group()!r} states {stated}: {why}"
                    )
            elif fact.name.startswith("the armistice fixed one"):
                if match["n"] not in DMZ_WIDTHS:  # pragma: no cover - the pattern allows no other
                    found.append(f"{sentence.at()}: {fact.name}: {match.group()!r}")
            elif int(match["n"]) != expected:
                found.append(
                    f"{sentence.at()}: {fact.name}: {match.group()!r} states {match['n']}, "
                    f"not {expected}"
                )
    return found


def problems(root: Path = REPO) -> list[str]:
    return link_problems(root) + fact_problems(root)


# -- The corpus ----------------------------------------------------------------


def test_links_to_events_state_the_events_dates():
    assert link_problems(REPO) == []


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.name[:40])
def test_facts_stated_in_several_documents_agree(fact):
    found = [line for line in fact_problems(REPO) if f": {fact.name}: " in line]
    assert found == []


def test_each_fact_is_stated_somewhere():
    """A fact that no file mentions any longer checks nothing: remove it or fix its pattern."""
    mentioned = {
        fact.name
        for file in files(REPO)
        for sentence in sentences(REPO, file)
        for fact in FACTS
        if re.search(fact.mention, sentence.text) or sentence.event == fact.event
    }
    assert mentioned == {fact.name for fact in FACTS}


def test_every_event_linked_with_a_date_is_checked():
    """The link check sees the essays' dated links (it can fail only if it finds them)."""
    dated = [
        (file, m.group(2))
        for file in files(REPO)
        for _, markdown, _ in blocks(REPO, file)
        for m in EVENT_LINK_RE.finditer(markdown)
        if DATE_RE.search(m.group(1))
    ]
    assert len(dated) >= 5, dated


# -- The checks can fail: each catches a change to a copy of a real file --------


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the files the test reads."""
    (tmp_path / "articles").mkdir()
    for file in files(REPO):
        shutil.copy(REPO / file, tmp_path / file)
    return tmp_path


def edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (file, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@functools.cache
def corpus_problems() -> frozenset[str]:
    return frozenset(problems(REPO))


def new_problems(root: Path) -> list[str]:
    """What a changed copy adds to the problems of the corpus as it is."""
    before = corpus_problems()
    return [line for line in problems(root) if line not in before]


def test_a_link_with_another_date_is_caught(copy):
    edit(
        copy,
        "chronology.yaml",
        "{ref}`in June 2000 <event-sanctions-eased>`",
        "{ref}`in July 2000 <event-sanctions-eased>`",
    )
    line = next(n for n, _, label in blocks(copy, "chronology.yaml") if label == "event-korean-war")
    event_line = load_events(copy)["event-sanctions-eased"][1]
    assert new_problems(copy) == [
        f"chronology.yaml:{line}: the link 'in July 2000' to event-sanctions-eased states July "
        f"2000, but chronology.yaml:{event_line} dates the event June 19, 2000: the date is "
        "June 19, 2000"
    ]


def test_a_link_more_precise_than_the_chronology_is_caught(copy):
    """A link may not claim a month or a day that the chronology does not give."""
    edit(
        copy,
        "chronology.yaml",
        "Working-level nuclear talks",
        "After {ref}`the summit of February 2019 <event-hanoi-summit>`, working-level nuclear talks",
    )
    assert new_problems(copy) == []  # the chronology dates the summit February 2019
    edit(copy, "chronology.yaml", "date: 2019-02\n", "date: 2019\n")
    found = new_problems(copy)
    assert len(found) == 1, found
    assert found[0].endswith(
        "the link 'the summit of February 2019' to event-hanoi-summit states February 2019, but "
        f"chronology.yaml:{load_events(copy)['event-hanoi-summit'][1]} dates the event 2019: it "
        "gives a month that the chronology does not: 2019"
    )


def test_the_missile_landing_elsewhere_is_caught(copy):
    edit(
        copy,
        "glossary.md",
        "came down 26 kilometers (16 miles) south",
        "came down 25 kilometers (16 miles) south",
    )
    found = new_problems(copy)
    assert len(found) == 1 and "'25 kilometers (16 miles) south of' states 25, not 26" in found[0]


def test_the_missile_placed_in_the_west_sea_is_caught(copy):
    edit(copy, "glossary.md", "section, in the East Sea", "section, in the West Sea")
    found = new_problems(copy)
    assert len(found) == 1 and found[0].startswith("glossary.md:")
    assert (
        "'West Sea': the missile of November 2, 2022 crossed the line's eastern section" in found[0]
    )


def test_another_missile_count_is_caught(copy):
    edit(copy, "chronology.yaml", "fires 25 missiles in one day", "fires 23 missiles in one day")
    found = new_problems(copy)
    assert len(found) == 1 and "'23 missiles' states 23, not 25" in found[0]


def test_yeonpyeong_shelled_on_another_day_is_caught(copy):
    edit(copy, "glossary.md", "shelled on November 23, 2010", "shelled on November 24, 2010")
    found = new_problems(copy)
    assert len(found) == 1
    assert "Yeonpyeong was shelled on November 23, 2010" in found[0]
    assert "states November 24, 2010: the date is November 23, 2010" in found[0]


def test_the_cheonan_sunk_in_another_year_is_caught(copy):
    edit(copy, "glossary.md", "Cheonan was sunk in 2010", "Cheonan was sunk in 2011")
    found = new_problems(copy)
    assert len(found) == 1 and "states 2011: the date is March 26, 2010" in found[0]


def test_resolution_1718_in_another_month_is_caught(copy):
    edit(copy, "glossary.md", "Resolution 1718 of October 2006", "Resolution 1718 of November 2006")
    found = new_problems(copy)
    assert len(found) == 1 and "states November 2006: the date is October 14, 2006" in found[0]


def test_resolution_1718_called_the_first_sanctions_is_caught(copy):
    edit(
        copy,
        "chronology.yaml",
        "It\n    establishes its sanctions regime",
        "It\n    imposes the first of its sanctions",
    )
    found = new_problems(copy)
    assert len(found) == 1 and "'first of its sanctions': Resolution 1695" in found[0]


def test_singapore_on_another_day_is_caught(copy):
    edit(
        copy,
        "glossary.md",
        "in the Singapore joint statement of 2018",
        "in the Singapore joint statement of 2017",
    )
    found = new_problems(copy)
    assert len(found) == 1 and "states 2017: the date is June 12, 2018" in found[0]


def test_skirmishes_dated_from_1953_are_caught(copy):
    edit(
        copy,
        "glossary.md",
        "Recurrent skirmishes\n  between the two navies over it, he writes, have raised tension",
        "Recurrent skirmishes\n  between the two navies over it since 1953, he writes, have raised tension",
    )
    found = new_problems(copy)
    assert len(found) == 1 and "no work dates the clashes from 1953" in found[0]


def test_the_nll_drawn_in_another_year_or_by_the_armistice_is_caught(copy):
    edit(
        copy,
        "glossary.md",
        "It set no line at sea: the {term}`NLL` was drawn weeks later",
        "The {term}`NLL` was drawn in 1954",
    )
    edit(
        copy,
        "chronology.yaml",
        "The armistice makes no direct mention of sea borders.",
        "The armistice also fixed the Northern Limit Line at sea.",
    )
    found = new_problems(copy)
    assert len(found) == 2, found
    assert "'drawn in 1954' states 1954: the date is 1953" in found[0]
    assert "the armistice set no line at sea" in found[1]


def test_a_demilitarized_zone_on_either_side_is_caught(copy):
    edit(
        copy,
        "chronology.yaml",
        "from\n    which each side withdraws two kilometers to form a single",
        "with a\n    Demilitarized Zone on either side of it, and a single",
    )
    found = new_problems(copy)
    assert len(found) == 1 and "there is one Demilitarized Zone" in found[0]


def test_an_embargo_kept_ever_since_1950_is_caught(copy):
    edit(
        copy,
        "chronology.yaml",
        "These sanctions stay in place for decades:",
        "From then on the United States keeps the North under an almost complete economic embargo:",
    )
    found = new_problems(copy)
    assert len(found) == 1 and "the embargo was not kept unchanged" in found[0]
