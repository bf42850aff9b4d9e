"""The bad-input table of refs.bib: each mistake an editor can make in it
gives exactly one message, at its line, with its fix; the build fails, and
fails again, and the published site is left as it was (tests/harness.py).

The project's essay cites both works of its refs.bib, so a row whose entry
is withheld (peninsula.works.bibfile) also shows that the citation of it gives no
second message, and that the page is still written without a traceback."""

from __future__ import annotations

import pytest
from harness import assert_refused

CHANG_TITLE = "  title = {Revisiting {Korea's Northern Limit Line}},\n"


def edit(project, old: str, new: str) -> None:
    bib = project / "refs.bib"
    text = bib.read_text()
    assert text.count(old) == 1, old
    bib.write_text(text.replace(old, new))


ROWS = {
    "unclosed brace": (
        CHANG_TITLE,
        "  title = {Revisiting {Korea's Northern Limit Line},\n",
        "refs.bib:3: WARNING: chang2015revisiting: a brace in the title field is never "
        "closed: add the missing } [bibfile.syntax]",
    ),
    "unclosed quote": (
        CHANG_TITLE,
        "  title = \"Revisiting {Korea's Northern Limit Line}},\n",
        "refs.bib:3: WARNING: chang2015revisiting: the quotation mark opening the title "
        'field is never closed: add the missing " [bibfile.syntax]',
    ),
    "missing comma between fields": (
        CHANG_TITLE,
        "  title = {Revisiting {Korea's Northern Limit Line}}\n",
        "refs.bib:3: WARNING: chang2015revisiting: no comma after the title field: end "
        "each field with a comma [bibfile.syntax]",
    ),
    "duplicate key": (
        "  urldate = {2023-02-03},\n}\n",
        "  urldate = {2023-02-03},\n}\n\n@article{chang2015revisiting,\n"
        "  author = {Chang, Yong Sok},\n  title = {Revisiting},\n"
        "  journal = {Asian Journal of Peacebuilding},\n  date = {2015},\n}\n",
        "refs.bib:19: WARNING: key 'chang2015revisiting' is used twice (first at line 1): "
        "give each work one entry, under its own key [bibfile.duplicate]",
    ),
    "@article without a journal": (
        "  journal = {Asian Journal of Peacebuilding},\n",
        "",
        "refs.bib:1: WARNING: chang2015revisiting: @article needs a journal field: add "
        "journal = {...}, the journal's name [bibfile.field]",
    ),
    "unknown entry type": (
        "@online{kim2022missile,\n",
        "@patent{kim2022missile,\n",
        "refs.bib:11: WARNING: kim2022missile: entry type @patent is not one the APA style "
        "formats; use one of @article, @book, @booklet, @collection, @conference, @inbook, "
        "@incollection, @inproceedings, @jurisdiction, @legal, @legislation, @manual, "
        "@mastersthesis, @misc, @online, @phdthesis, @proceedings, @report, @techreport, "
        "@thesis, @unpublished [bibfile.field]",
    ),
    # a web page made a dissertation: what the new type needs, and what it does not print
    "dissertation without its school": (
        "@online{kim2022missile,\n",
        "@phdthesis{kim2022missile,\n",
        "refs.bib:11: WARNING: kim2022missile: @phdthesis needs a school field: add school = "
        "{...}, the university that granted the degree [bibfile.field]",
        "refs.bib:16: WARNING: kim2022missile: urldate is not printed for a @phdthesis, a work "
        "that does not change (APA 9.16): remove it [bibfile.field]",
    ),
    "malformed date": (
        "  date = {2022-11-02},\n",
        "  date = {2 November 2022},\n",
        "refs.bib:15: WARNING: kim2022missile: date '2 November 2022' is not a date: write "
        "YYYY, YYYY-MM or YYYY-MM-DD [bibfile.field]",
    ),
    "malformed pages": (
        "  pages = {69--91},\n",
        "  pages = {pp. 69--91},\n",
        "refs.bib:8: WARNING: chang2015revisiting: pages 'pp. 69--91' is not a page or a "
        "range of pages: write the first and last page, 65--85, or one page, 65 "
        "[bibfile.field]",
    ),
    "DOI given as a link": (
        "  pages = {69--91},\n",
        "  pages = {69--91},\n  doi = {https://doi.org/10.18588/201505.00a003},\n",
        "refs.bib:9: WARNING: chang2015revisiting: doi "
        "'https://doi.org/10.18588/201505.00a003' is a link, not a DOI: write only the "
        "DOI, 10.18588/201505.00a003 [bibfile.field]",
    ),
    "URL without its scheme": (
        "  organization = {CSIS},\n",
        "  organization = {CSIS},\n  url = {www.csis.org/analysis/missile},\n",
        "refs.bib:15: WARNING: kim2022missile: url 'www.csis.org/analysis/missile' is not "
        "a web address: write it in full, as the browser shows it, beginning with https:// "
        "[bibfile.field]",
    ),
}


@pytest.mark.parametrize("row", ROWS, ids=list(ROWS))
def test_a_refs_bib_mistake_is_refused_at_its_line(broken_copy, row):
    old, new, *messages = ROWS[row]
    edit(broken_copy, old, new)
    assert_refused(broken_copy, messages)
