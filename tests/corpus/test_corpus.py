"""The real corpus: a strict HTML build, and what its pages hold."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, SHARED
from corpus_files import ESSAYS, front_matter, shown
from lxml import html as lxml_html
from peninsula.works import apa
from pybtex.database import parse_file
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

ROLE = re.compile(r"\{cite:[a-z]+\}`([^`]+)`")


def cited_keys(path) -> set[str]:
    """Keys an essay cites, read from its Markdown (and its front matter's source)."""
    keys = {
        t.key for m in ROLE.finditer(path.read_text()) for t in parse_citation_targets(m.group(1))
    }
    source = front_matter(path).get("source")
    return keys | ({source} if source else set())


def page(corpus_html, docname):
    return lxml_html.fromstring((corpus_html / f"{docname}.html").read_text())


def words(element) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(scope="module")
def bib():
    return parse_file(REPO / "refs.bib").entries


def test_there_are_two_essays():
    assert [p.stem for p in ESSAYS] == ["broadened-diplomacy", "future-of-diplomacy"]


REFERENCE_IDS = '//section[h2[@id="references"]]//p[contains(@class, "reference")]/@id'


@pytest.mark.parametrize("essay", ESSAYS, ids=lambda p: p.stem)
def test_every_citation_links_into_the_pages_own_references(corpus_html, essay):
    tree = page(corpus_html, f"articles/{essay.stem}")
    entries = set(tree.xpath(REFERENCE_IDS))
    links = tree.xpath('//span[contains(@class, "citation")]//a')
    assert len(links) >= 20
    for link in links:
        assert link.get("href")[1:] in entries, link.get("href")


@pytest.mark.parametrize("essay", ESSAYS, ids=lambda p: p.stem)
def test_references_hold_exactly_the_works_cited(corpus_html, essay, bib):
    tree = page(corpus_html, f"articles/{essay.stem}")
    ids = tree.xpath(REFERENCE_IDS)
    keys = [i.removeprefix("ref-") for i in ids]
    assert set(keys) == cited_keys(essay)
    # in APA order
    labels = apa.label_works([bib[k] for k in keys])
    assert keys == sorted(keys, key=lambda k: labels[k].order)


@pytest.mark.parametrize("essay", ESSAYS, ids=lambda p: p.stem)
def test_every_paragraph_of_the_argument_is_cited(corpus_html, essay):
    tree = page(corpus_html, f"articles/{essay.stem}")
    body = tree.xpath('//article//section/section[not(h2[@id="references"])]')
    assert len(body) >= 4
    for section in body:
        for para in section.xpath("./p"):
            assert para.xpath('.//span[contains(@class, "citation")]'), words(para)


@pytest.mark.parametrize("essay", ESSAYS, ids=lambda p: p.stem)
def test_ends_with_editors_note_references_history_and_how_to_cite(corpus_html, essay):
    tree = page(corpus_html, f"articles/{essay.stem}")
    sections = tree.xpath("//article//section/section")
    # a section's id is on its heading (peninsula.theme.accessibility)
    assert [s.xpath("string(./h2/@id)") for s in sections[-4:]] == [
        f"{essay.stem}-editors-note",
        "references",
        "history",
        "cite-this-essay",
    ]
    note = sections[-4]
    source = front_matter(essay)["source"]
    assert note.xpath(f'.//a[@href="#ref-{source}"]'), "the note names its source"
    assert note.xpath(".//li"), "the note lists the corrections"


def test_index_lists_the_essays_from_front_matter_newest_first(corpus_html):
    tree = page(corpus_html, "index")
    cards = tree.xpath('//div[contains(@class, "essay-card")]')
    meta = sorted(
        (front_matter(p) | {"slug": p.stem} for p in ESSAYS),
        key=lambda m: str(m["date"]),
        reverse=True,
    )
    assert len(cards) == len(meta)
    for card, fm in zip(cards, meta, strict=True):
        title = card.xpath('.//*[contains(@class, "essay-card-title")]//a')[0]
        assert words(title) == shown(fm["title"])
        assert title.get("href") == f"articles/{fm['slug']}.html"
        byline = words(card.xpath('.//*[contains(@class, "essay-card-credit")]')[0])
        names = [a["name"] for a in fm["authors"]]
        assert byline.startswith(" and ".join(names) if names else "Unsigned original")
        assert re.search(rf"{str(fm['date'])[:4]} · \d+ min read$", byline), byline
        assert words(card.xpath('.//*[contains(@class, "essay-card-abstract")]')[0]) == (
            " ".join(fm["abstract"].split())
        )


def test_bibliography_lists_every_work_once(corpus_html, bib):
    tree = page(corpus_html, "bibliography")
    ids = tree.xpath('//div[contains(@class, "corpus-bibliography")]/p/@id')
    assert sorted(ids) == sorted(f"ref-{k}" for k in bib)
    assert len(ids) == len(set(ids))
    # each work shows the essays citing it
    for essay in ESSAYS:
        for key in cited_keys(essay):
            entry = tree.xpath(f'//p[@id="ref-{key}"]')[0]
            hrefs = entry.xpath('.//*[contains(@class, "cited-in")]//a/@href')
            assert f"articles/{essay.stem}.html" in hrefs


def test_hangul_names_are_in_the_pages(corpus_html):
    text = words(page(corpus_html, "articles/broadened-diplomacy"))
    assert "김정은" in text and "윤석열" in text


def test_wording_shares_no_run_of_eight_words_with_the_sources():
    checker = SHARED / "tools" / "seed_overlap.py"
    assert checker.is_file(), (
        f"the source essays' checker is expected at {checker}: put the shared folder "
        "beside the repository, or name it in PENINSULA_SHARED"
    )
    result = subprocess.run(
        [sys.executable, str(checker), "--seeds", str(SHARED / "seeds"), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("0 shared runs of 8+ words")


# The reference list of Chatterji & Gurudatha (2023), as the source gives it
# (URLs stripped there), set in APA 7 by our style: titles in sentence case,
# "Colombia" corrected to Columbia, reports dated by their year (APA 10.4), and
# the source's retrieval dates left out except for the one page designed to
# change, the undated one (APA 9.16). What the works themselves show was added
# or corrected where a copy was read (test_no_entry_has_an_invented_link): the
# Reuters headline in full, Chang's DOI, Cooper's post as an online post with
# its address, the white paper's full title, publisher and release date.
SEED_REFERENCES = {
    "ahlander2019north": "Ahlander, J., & O'Connor, P. (2019, October 5). North Korea breaks "
    "off nuclear talks with U.S. in Sweden. Reuters. https://www.reuters.com/article/"
    "us-northkorea-usa-sweden/north-korea-breaks-off-nuclear-talks-with-us-in-sweden-idUSKCN1WK074",
    "bader2018kim": "Bader, J. (2018, June 12). What Kim Jong-un and Trump each achieved in "
    "Singapore. Brookings.",
    "chang2015revisiting": "Chang, Y. S. (2015). Revisiting Korea's Northern Limit Line and "
    "proposed Special Zone for Peace and Cooperation. Asian Journal of Peacebuilding, 3(1), 65–85. "
    "https://doi.org/10.18588/201505.000036",
    "china2022rift": "The China–North Korea strategic rift: Background and implications for "
    "the United States. (2022). US-China Economic and Security Review Commission.",
    "cooper2020administrative": "Cooper, K. (2020, May 6). Administrative inconsistencies "
    "frustrate U.S.–North Korean affairs. Columbia Journal of International Affairs. "
    "https://jia.sipa.columbia.edu/news/administrative-inconsistencies-frustrate-us-north-korean-affairs",
    "defense2020white": "2020 Defense White Paper. (2020). Ministry of National Defense, "
    "Republic of Korea. Released on February 2, 2021.",
    "doubek2019trump": "Doubek, J. (2019, June 30). Trump meets North Korea's Kim Jong Un and "
    "says nuclear negotiations will resume. NPR.",
    "headquartersndcommand": "Headquarters, United States Indo-Pacific Command. (n.d.). U.S. "
    "Indo-Pacific Command. Retrieved February 3, 2023.",
    "kim2022missile": "Kim, E. (2022, November 2). North Korea's missile crossed the Northern "
    "Limit Line. CSIS.",
    "state2022japanese": "The state of the Japanese military and the Indo-Pacific region. "
    "(2022, November 1). Professional Military Education.",
    "usip2019china": "USIP China-North Korea Senior Study Group. (2019). China's role in "
    "North Korea nuclear and peace negotiations. United States Institute of Peace.",
}


@pytest.mark.parametrize("key", sorted(SEED_REFERENCES))
def test_source_references_are_carried_exactly(corpus_html, key):
    entry = page(corpus_html, "bibliography").xpath(f'//p[@id="ref-{key}"]')[0]
    for cited_in in entry.xpath('.//*[contains(@class, "cited-in")]'):
        cited_in.drop_tree()
    assert words(entry) == SEED_REFERENCES[key]


#: links of refs.bib read on a page that is not a claim's copy: where each was seen
LINKS_SEEN = {
    # the DOI is printed at the head of the article's stored copy
    (
        "chang2015revisiting",
        "10.18588/201505.000036",
    ): "https://docslib.org/doc/679757/04-yong-seok-chang-doi-indd",
    # the source essay's own page: the seed is its text
    (
        "chatterji2023broadened",
        "https://www.sycamoreinstitute.org/post/broadened-diplomacy-in-us-and-north-korea-relations",
    ): "https://www.sycamoreinstitute.org/post/broadened-diplomacy-in-us-and-north-korea-relations",
}


def test_no_entry_has_an_invented_link(bib):
    """Every URL and DOI of refs.bib is one that was read: the address of a
    copy the claims table quotes, or a link seen where LINKS_SEEN says."""

    table = yaml.safe_load((REPO / "tests" / "data" / "claims.yaml").read_text(encoding="utf-8"))
    read = {" ".join(s["address"].split()) for entry in table for s in entry["support"]}
    # a copy's address may carry a tracker's query, which the entry leaves out
    read |= {address.split("?")[0] for address in read}
    unread = [
        (entry.key, entry.fields[field])
        for entry in bib.values()
        for field in ("url", "doi")
        if field in entry.fields
        and entry.fields[field] not in read
        and (entry.key, entry.fields[field]) not in LINKS_SEEN
    ]
    assert unread == []
