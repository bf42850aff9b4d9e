"""APA 7 formatting (peninsula.works.apa), entry type by entry type.

Expected strings are written from the APA Publication Manual, 7th edition:
reference elements (9.4-9.43), order (9.44-9.49), in-text citations
(8.10-8.22) and its reference examples (chapter 10).
"""

from __future__ import annotations

import pytest
from apa_forms import cite, reference
from peninsula.works import apa
from pybtex.database import parse_string

BIB = r"""
@article{chang2015revisiting,
  author = {Chang, Y. S.},
  title = {Revisiting {Korea's Northern Limit Line} and Proposed {Special Zone for Peace and Cooperation}},
  journal = {Asian Journal of Peacebuilding}, volume = {3}, number = {1}, pages = {65--85},
  date = {2015},
}
@online{ahlander2019north,
  author = {Ahlander, J. and O'Connor, P.},
  title = {{North Korea} breaks off nuclear talks with {US}},
  organization = {Reuters}, date = {2019-10-05}, urldate = {2023-02-03},
}
@online{doe2021linked,
  author = {Doe, J.}, title = {A linked page}, organization = {Example News},
  date = {2021-03-04}, urldate = {2023-02-03}, url = {https://example.org/page},
}
@report{nci2019taking,
  author = {{National Cancer Institute}},
  title = {Taking Time: Support for People with Cancer},
  type = {NIH Publication}, number = {18-2059},
  institution = {U.S. Department of Health and Human Services, National Institutes of Health},
  date = {2019},
}
@report{unsc2017resolution,
  author = {{United Nations Security Council}}, shortauthor = {UNSC},
  title = {Resolution 2397 (2017)}, number = {S/RES/2397},
  institution = {United Nations Security Council}, date = {2017-12-22},
}
@book{jackson2019psychology,
  author = {Jackson, Lynne M.},
  title = {The Psychology of Prejudice: From Attitudes to Social Action},
  edition = {2nd}, publisher = {American Psychological Association}, date = {2019},
}
@incollection{aron2019culinary,
  author = {Aron, L. and Botella, M. and Lubart, T.},
  title = {Culinary Arts: Talent and Their Development},
  editor = {Subotnik, R. F. and Olszewski-Kubilius, P. and Worrell, F. C.},
  booktitle = {The Psychology of High Performance: Developing Human Potential into Domain-Specific Talent},
  pages = {345--359}, publisher = {American Psychological Association}, date = {2019},
}
@online{headquartersndcommand,
  author = {{Headquarters, United States Indo-Pacific Command}},
  title = {{U.S. Indo-Pacific Command}}, urldate = {2023-02-03},
}
@article{kim2019beta,
  author = {Kim, E.}, title = {Beta findings}, journal = {Korea Review}, date = {2019},
}
@article{kim2019alpha,
  author = {Kim, E.}, title = {Alpha findings}, journal = {Korea Review}, date = {2019},
}
@report{china2022rift,
  title = {The {China}--{North Korea} Strategic Rift: Background and Implications},
  shorttitle = {The {China}--{North Korea} Strategic Rift},
  institution = {US-China Economic and Security Review Commission}, date = {2022-01-24},
}
@article{study2020finds,
  title = {Study Finds Sanctions Leak}, journal = {The Monitor}, date = {2020-05-01},
}
"""


@pytest.fixture(scope="module")
def entries():
    return parse_string(BIB, "bibtex").entries


@pytest.fixture(scope="module")
def labels(entries):
    return apa.label_works(list(entries.values()))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        # journal article: journal and volume italic, (issue), page range with en dash
        (
            "chang2015revisiting",
            "Chang, Y. S. (2015). Revisiting Korea's Northern Limit Line and proposed Special Zone "
            "for Peace and Cooperation. Asian Journal of Peacebuilding, 3(1), 65–85.",
        ),
        # online news article: full date, site name; a dated story is a fixed version,
        # so its urldate is not printed (APA 9.16)
        (
            "ahlander2019north",
            "Ahlander, J., & O'Connor, P. (2019, October 5). North Korea breaks off nuclear talks "
            "with US. Reuters.",
        ),
        (
            "doe2021linked",
            "Doe, J. (2021, March 4). A linked page. Example News. https://example.org/page",
        ),
        # report by a group author, with report number and a different publisher (APA 10.4 #50)
        (
            "nci2019taking",
            "National Cancer Institute. (2019). Taking time: Support for people with cancer (NIH "
            "Publication No. 18-2059). U.S. Department of Health and Human Services, National "
            "Institutes of Health.",
        ),
        # group author that is also the publisher: the publisher is omitted
        (
            "unsc2017resolution",
            "United Nations Security Council. (2017). Resolution 2397 (2017) (S/RES/2397).",
        ),
        # book with edition (APA 10.2 #20)
        (
            "jackson2019psychology",
            "Jackson, L. M. (2019). The psychology of prejudice: From attitudes to social action "
            "(2nd ed.). American Psychological Association.",
        ),
        # chapter in an edited book (APA 10.3 #38)
        (
            "aron2019culinary",
            "Aron, L., Botella, M., & Lubart, T. (2019). Culinary arts: Talent and their "
            "development. In R. F. Subotnik, P. Olszewski-Kubilius, & F. C. Worrell (Eds.), The "
            "psychology of high performance: Developing human potential into domain-specific "
            "talent (pp. 345–359). American Psychological Association.",
        ),
        # no date: a page designed to change, so the retrieval date is printed (APA 9.16)
        (
            "headquartersndcommand",
            "Headquarters, United States Indo-Pacific Command. (n.d.). U.S. Indo-Pacific Command. "
            "Retrieved February 3, 2023.",
        ),
        # same author, same year: letters by title, carried into the list
        ("kim2019alpha", "Kim, E. (2019a). Alpha findings. Korea Review."),
        ("kim2019beta", "Kim, E. (2019b). Beta findings. Korea Review."),
        # no author: the title moves to the author position; a report is dated by its year (10.4)
        (
            "china2022rift",
            "The China–North Korea strategic rift: Background and implications. (2022). "
            "US-China Economic and Security Review Commission.",
        ),
    ],
)
def test_reference_entry(entries, labels, key, expected):
    assert reference(entries, labels, key) == expected


def test_italics_follow_apa(entries, labels):
    assert reference(entries, labels, "chang2015revisiting", "html").endswith(
        "<em>Asian Journal of Peacebuilding</em>, <em>3</em>(1), 65–85."
    )
    # stand-alone works (web pages, reports, books) have italic titles ...
    assert '<em><span class="bibtex-protected">North Korea</span> breaks' in reference(
        entries, labels, "ahlander2019north", "html"
    )
    assert "<em>The psychology of prejudice" in reference(
        entries, labels, "jackson2019psychology", "html"
    )
    # ... parts of a larger work do not; the book they are in does
    chapter = reference(entries, labels, "aron2019culinary", "html")
    assert "<em>Culinary" not in chapter and "<em>The psychology of high" in chapter


def test_list_order(labels):
    order = sorted(labels, key=lambda k: labels[k].order)
    # alphabetical by author, "The" ignored in titles standing in for authors;
    # same author and year by title
    assert order == [
        "ahlander2019north",
        "aron2019culinary",
        "chang2015revisiting",
        "china2022rift",
        "doe2021linked",
        "headquartersndcommand",
        "jackson2019psychology",
        "kim2019alpha",
        "kim2019beta",
        "nci2019taking",
        "study2020finds",
        "unsc2017resolution",
    ]


@pytest.mark.parametrize(
    ("keys", "narrative", "expected"),
    [
        (("chang2015revisiting",), False, "(Chang, 2015)"),
        (("chang2015revisiting",), True, "Chang (2015)"),
        # two authors: "&" in parentheses, "and" in running text
        (("ahlander2019north",), False, "(Ahlander & O'Connor, 2019)"),
        (("ahlander2019north",), True, "Ahlander and O'Connor (2019)"),
        # three or more: et al. from the first citation
        (("aron2019culinary",), False, "(Aron et al., 2019)"),
        # no date: a page designed to change, so the retrieval date is printed (APA 9.16)
        (
            ("headquartersndcommand",),
            False,
            "(Headquarters, United States Indo-Pacific Command, n.d.)",
        ),
        # same author and year: suffixes, one author with two years
        (("kim2019beta", "kim2019alpha"), False, "(Kim, 2019a, 2019b)"),
        (("kim2019alpha", "kim2019beta"), True, "Kim (2019a, 2019b)"),
        # no author: the short title, italic for a report, quoted for an article
        (("china2022rift",), False, "(The China–North Korea Strategic Rift, 2022)"),
        (("study2020finds",), False, "(“Study Finds Sanctions Leak,” 2020)"),
        # several works: reference-list order, separated by semicolons
        (("jackson2019psychology", "chang2015revisiting"), False, "(Chang, 2015; Jackson, 2019)"),
    ],
)
def test_in_text(labels, keys, narrative, expected):
    assert cite(labels, *keys, narrative=narrative) == expected


def test_pre_and_post_text(labels):
    assert (
        cite(labels, "chang2015revisiting", pre="see", post="p. 70") == "(see Chang, 2015, p. 70)"
    )
    assert (
        cite(labels, "chang2015revisiting", narrative=True, post="p. 70") == "Chang (2015, p. 70)"
    )


def test_group_abbreviation_is_introduced_once(labels):
    seen: set[str] = set()
    assert cite(labels, "unsc2017resolution", introduced=seen) == (
        "(United Nations Security Council [UNSC], 2017)"
    )
    assert cite(labels, "unsc2017resolution", introduced=seen) == "(UNSC, 2017)"
    assert cite(labels, "unsc2017resolution", narrative=True, introduced=set()) == (
        "United Nations Security Council (UNSC, 2017)"
    )


def test_title_italics_in_text(labels):
    segments = apa.format_citation([apa.Cited(labels["china2022rift"])], False)
    html = "".join(text.render_as("html") for text, _ in segments)
    assert html.startswith("(<em>The ")


def test_authors_with_the_same_surname_get_initials():
    bib = parse_string(
        r"""
    @article{kim2019sanctions, author = {Kim, Jiyoung}, title = {Sanctions}, journal = {J}, date = {2019}}
    @article{kim2022missile, author = {Kim, Ellen}, title = {Missile}, journal = {J}, date = {2022}}
    """,
        "bibtex",
    ).entries
    labels = apa.label_works(list(bib.values()))
    assert cite(labels, "kim2019sanctions", "kim2022missile") == "(E. Kim, 2022; J. Kim, 2019)"


def test_et_al_forms_that_collide_get_more_names():
    bib = parse_string(
        r"""
    @article{kim2019one, author = {Kim, A. and Lee, B. and Park, C.}, title = {One}, journal = {J}, date = {2019}}
    @article{kim2019two, author = {Kim, A. and Choi, D. and Park, C.}, title = {Two}, journal = {J}, date = {2019}}
    """,
        "bibtex",
    ).entries
    labels = apa.label_works(list(bib.values()))
    assert cite(labels, "kim2019one") == "(Kim, Lee, et al., 2019)"
    assert cite(labels, "kim2019two") == "(Kim, Choi, et al., 2019)"


def test_twenty_one_authors_are_shortened_in_the_list():
    names = " and ".join(f"Author{chr(65 + i)}, A." for i in range(21))
    entry = parse_string(
        f"@article{{authora2020many, author = {{{names}}}, title = {{Many}}, journal = {{J}}, date = {{2020}}}}",
        "bibtex",
    ).entries["authora2020many"]
    text = apa.format_reference(entry, "2020").render_as("text")
    assert text.startswith("AuthorA, A., AuthorB, A., ")
    assert "AuthorS, A., . . . AuthorU, A. (2020)." in text
    assert "AuthorT" not in text


def test_no_date_works_of_one_author_take_letters():
    bib = parse_string(
        r"""
    @online{kimndbeta, author = {Kim, E.}, title = {Beta}}
    @online{kimndalpha, author = {Kim, E.}, title = {Alpha}}
    """,
        "bibtex",
    ).entries
    labels = apa.label_works(list(bib.values()))
    assert cite(labels, "kimndalpha", "kimndbeta") == "(Kim, n.d.-a, n.d.-b)"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "2019-13", "x2019y: date '2019-13' is not a calendar date"),
        (
            "date",
            "5 May 2019",
            "x2019y: date '5 May 2019' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD",
        ),
    ],
)
def test_bad_dates_are_reported(field, value, message):
    entry = parse_string(
        f"@online{{x2019y, title = {{Y}}, {field} = {{{value}}}}}", "bibtex"
    ).entries["x2019y"]
    with pytest.raises(apa.BibEntryError) as err:
        apa.APAStyle().format_entry("", entry)
    assert str(err.value) == message


def test_unknown_type_is_reported():
    entry = parse_string("@patent{x2019y, title = {Y}, date = {2019}}", "bibtex").entries["x2019y"]
    with pytest.raises(apa.BibEntryError, match=r"x2019y: entry type @patent is not one"):
        apa.APAStyle().format_entry("", entry)
