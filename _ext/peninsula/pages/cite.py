"""How to cite an essay: APA 7 text, BibTeX, RIS and CSL-JSON, made from its front matter.

Why this exists: a reader who wants to cite an essay should not have to
assemble the reference by hand, and every format must say the same thing.
All of them are made from the essay's record (title, subtitle, authors, date,
abstract, topics), who it credits (``essays.Credits``: the original's authors
as authors, the editors as editors, the editors as group author of an
unsigned original) and the site's address (``html_baseurl``), never kept by
hand:

* the APA 7 text is formatted by the corpus's own APA style (``apa7``), as a
  web page of the site "Peninsula Papers", so it matches the References lists;
* the downloads are shown for copying and written as files beside the pages:
  BibTeX, RIS and CSL-JSON (what citation-js and Zotero read natively).

Every download is a journal article of the journal "Peninsula Papers", as the
page's own metadata says (``peninsula.pages.head``: Highwire's
``citation_journal_title``, a schema.org ScholarlyArticle part of a
Periodical): BibTeX ``@article`` with ``journal``, RIS ``TY  - JOUR``, CSL
``article-journal`` with ``container-title``. Each carries the same facts:
authors (a person as family and given names, a group as one name), the
editors (one name: a group, never split), title, journal, publisher, the date
of the version cited (year, month, day, as precise as the front matter), the
version, the address, the language, the abstract and the topics as keywords.
Where a format has no field for a fact, or its readers read none, it is
said below; ``tests/pages/test_downloads_clients.py`` reads every download with
bibtexparser, rispy and citation-js and compares what they read with the page.

* BibTeX serves biblatex, classic BibTeX styles and the programs that read
  the file. ``date`` is biblatex's, ``year`` and ``month`` (a bare macro, so
  that styles print the month's name) classic BibTeX's. ``language = {en}``
  is the code citation-js and Zotero read (``langid``, biblatex's hyphenation
  language, is a name, ``english``, which citation-js would take as the
  language). Classic ``plain.bst`` prints no ``url`` (nor ``version`` or
  ``addendum``) and for an ``@article`` prints only author, title, journal,
  volume, number, pages, date and ``note``: so ``note`` carries for it the
  version, the retraction and the address, ``\\url{...}``. biblatex prints
  ``version``, ``url`` and ``addendum`` (the retraction) itself, and would
  print ``note`` and ``language`` ("en") once more: the entry's ``execute``
  field, which biblatex runs when it reads the entry and BibTeX ignores,
  clears them for biblatex alone.
* RIS: a journal article's editors are read by rispy (``A2``) and by
  citation-js only in the tags of the RIS specification before 2011 (``A2``,
  ``JF``, ``Y1``, ``N2``): citation-js reads a record holding any of the 2011
  tags (``PY``, ``DA``, ``ET``, ``LA``...) with the 2011 table, in which a
  journal article has no editor and no publisher. So the record uses the
  earlier tags, which rispy, citation-js and Zotero all read: ``Y1`` the date
  (``2023/02/14/``), ``T2`` and ``JF`` the journal (Zotero reads ``JO`` as an
  abbreviation), ``N2`` the abstract (citation-js reads the older ``AB`` as a
  note), ``N1`` the version and the retraction (RIS has no version tag for a
  journal article: its ``ET`` is the date of an electronic edition). Nor has
  the earlier table a language tag, so the RIS alone does not carry the
  language (``LA`` would make citation-js drop the editors).
* CSL-JSON carries everything in CSL's own variables: a group as
  ``literal``, ``version``, ``language``, ``license`` (the licence's address).

Front matter is plain text, and BibTeX values are LaTeX: every value enters
BibTeX, and the APA style that reads it, through :func:`bibtex_text`, which
writes each character LaTeX reads specially as a command that prints it, so
that a reader of the file, or the cite box, gets the text as written (``90%``
is not a comment, ``}`` does not end the field, ``--`` is not a dash); an
address enters through :func:`bibtex_url`. A RIS value is one line
(:func:`ris_text`), so that no text starts a tag of its own. CSL-JSON is
written by ``json``.

The essay's page gets a "How to cite this essay" section after its References;
in the PDF it holds the APA text only. The section's content is made at write
time because the site's address is an HTML setting that does not re-read pages.

Versions of record (``peninsula.records.versions``): each page cites the version the
reader is looking at, so that the reference leads back to the words cited.

* The date is the date of that version: the first publication's for version
  1, the date of its History entry for a later one. The APA Style Blog on
  website dates: "If multiple dates are provided, use the most recent date on
  which the content was changed" ("Determining Website Dates", as quoted at
  https://oakham-rutland.libguides.com/APAReferencing/web).
* The address is that version's page: ``articles/<slug>/v<N>.html`` for an
  earlier one, the essay's page for the current one.
* An essay with more than one version says which is cited: "(Version 2)"
  after the title, as the APA style prints a ``version``. In BibTeX it is
  ``version``, which biblatex prints and citation-js reads as CSL
  ``version`` (and "Version 2" in the ``note`` of classic styles); in RIS it
  is a note, ``N1``, "Version 2", since RIS has no version tag for a journal
  article; in CSL-JSON ``version``. An essay never revised is cited as
  before, with no version.
* Every version of a retracted essay says so, with the date: "Retracted
  December 4, 2026" (BibTeX ``addendum`` and the classic ``note``, RIS
  ``N1``, CSL ``note``), which the APA style prints as a sentence before
  the address. The APA Style Blog on retracted
  articles: a retracted article "can be used as a reference, although readers
  should be alerted to the article's retracted status"
  (https://blog.apastyle.org/apastyle/2013/01/retraction-action.html). A
  correction or an update is not marked: "To cite an article that has been
  corrected, simply provide the publication details as you would to cite any
  other journal article" (http://blog.apastyle.org/apastyle/journal-article/);
  the version and its date already say which text is meant.

An earlier version's downloads are its own, ``cite/<slug>-v<N>.bib``, ``.ris``
and ``.json`` with the key ``peninsula:<slug>-v<N>``, so that a reader can keep
two versions in one library; the current version's stay ``cite/<slug>.bib``.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from docutils import nodes
from pybtex.database import Entry, Person
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..core.builder import page_url
from ..records.essays import (
    Credits,
    Essay,
    credits,
    essays_domain,
    is_essay,
    remove_files_of_removed_essays,
)
from ..records.frontmatter import Version
from ..works import apa
from ..works.citations import end_section, render

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

CITE_ID = "cite-this-essay"
#: where the downloadable files go in the HTML output
CITE_DIR = "cite"
MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: the characters LaTeX reads specially, each as a command that prints it.
#: Braces are commands too, never ``\{``: BibTeX counts every brace of a
#: value, escaped or not, and an unbalanced one would end the field
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
#: pairs of characters TeX's fonts join into one (``--`` a dash, ``''`` a
#: quotation mark, ``?`` + backquote an inverted question mark); an empty
#: group between them keeps both
LIGATURE_RE = re.compile(r"(?<=([-'`<>,]))(?=\1)|(?<=[?!])(?=`)")
SPECIAL_RE = re.compile("|".join(re.escape(char) for char in LATEX_SPECIALS))


class cite_box(nodes.General, nodes.Element):
    """Placeholder for the ways to cite an essay, filled at write time."""


def full_title(record: Essay, braces: bool = True) -> str:
    """Title and subtitle joined by a colon, as references give them; with
    *braces*, the title's protected capitals are marked as in refs.bib."""
    title = record.title_bibtex if braces else record.title
    subtitle = record.subtitle_bibtex if braces else record.subtitle
    return f"{title}: {subtitle}" if subtitle else title


def bibtex_text(text: str, braces: bool = False) -> str:
    """*text* as a BibTeX value that reads back as *text*; with *braces*, its
    braces stay groups (a title's protected capitals, ``{North Korea}``)."""
    if braces:
        return "".join(
            part if part in "{}" else bibtex_text(part) for part in re.split(r"([{}])", text)
        )
    return LIGATURE_RE.sub("{}", SPECIAL_RE.sub(lambda m: LATEX_SPECIALS[m[0]], text))


def ris_text(text: str) -> str:
    """*text* on one line: a line break would start what a reader takes for a tag."""
    return " ".join(text.split())


def group(name: str) -> Person:
    """A group as one name, braced as refs.bib writes a corporate author."""
    return Person("{" + bibtex_text(name) + "}")


def person(name: str) -> Person:
    """An author as BibTeX splits a name into given and family names. A name
    BibTeX would read as several, or as "family, given" (a comma, the word
    "and"), is one braced name, printed as written."""
    if "," in name or re.search(r"\band\b", name, re.IGNORECASE):
        return group(name)
    return Person(bibtex_text(name))


def people(credited: Credits) -> list[Person]:
    if credited.group:
        return [group(credited.editors)]
    return [person(a.name) for a in credited.authors]


def editors(credited: Credits) -> list[Person]:
    return [group(credited.editors)]


def family_given(person: Person) -> str:
    """``Chatterji, Pronoy``: the name order of BibTeX and RIS, as BibTeX
    (LaTeX) text; a group as it is."""
    if apa.is_group(person):
        return person.last_names[0][1:-1]
    family = " ".join(person.prelast_names + person.last_names)
    given = " ".join(person.first_names + person.middle_names)
    return f"{family}, {given}" if given else family


def file_stem(record: Essay) -> str:
    """``future-of-diplomacy``, or ``future-of-diplomacy-v1`` for an earlier version."""
    return f"{record.slug}-v{record.version}" if record.frozen else record.slug


def jsonld_path(record: Essay) -> str:
    """The site-relative path of the page's JSON-LD as a file: ``cite/<slug>.jsonld``."""
    return f"{CITE_DIR}/{file_stem(record)}.jsonld"


def bib_key(record: Essay) -> str:
    return f"peninsula:{file_stem(record)}"


def versioned(record: Essay) -> bool:
    """Whether the essay has more than one version, so that a citation must say which."""
    return record.frozen or bool(record.history)


def retraction_of(current: Essay | None) -> Version | None:
    """The History entry that retracted the essay whose current version is
    *current*, if any: every version of the essay is cited as retracted."""
    if current is None or not current.retracted:
        return None
    return current.history[-1]


def retraction_text(retraction: Version) -> str:
    return f"Retracted {retraction.date.long()}"


def essay_entry(record: Essay, config: Config, retraction: Version | None = None) -> Entry:
    """The version *record* is, as the APA style reads it: a web page of the
    site, with its editors unless they are its authors too (APA names a group
    once). The downloads are journal articles (:func:`bibtex`): the APA text
    keeps the form docs/editing.md explains."""
    credited = credits(record, config)
    persons = {"author": people(credited)}
    if not credited.group:
        persons["editor"] = editors(credited)
    fields = {
        "title": bibtex_text(full_title(record), braces=True),
        "date": record.modified.iso,
        "organization": bibtex_text(config.project),
        "url": page_url(config, record.docname),
    }
    if versioned(record):
        fields["version"] = str(record.version)
    if retraction is not None:
        fields["note"] = bibtex_text(retraction_text(retraction))
    return Entry("online", fields=fields, persons=persons)


def apa_reference(record: Essay, config: Config, retraction: Version | None = None) -> apa.Text:
    entry = essay_entry(record, config, retraction)
    return apa.format_reference(entry, str(record.modified.year))


# -- The downloads: one journal article in every format ------------------------------


def language(config: Config) -> str:
    """The essays' language as a code (``en``), as the page's head gives it."""
    return config.language or "en"


def topics(record: Essay, config: Config) -> list[str]:
    return [config.peninsula_topics[t] for t in record.topics]


def notes(record: Essay, retraction: Version | None) -> list[str]:
    """What a format without a field for them says in a note: the version
    cited ("Version 2") and the retraction ("Retracted December 4, 2026")."""
    said = [f"Version {record.version}"] if versioned(record) else []
    return said + ([retraction_text(retraction)] if retraction is not None else [])


def bibtex_url(url: str) -> str:
    """An address as a BibTeX value and as the argument of ``\\url``: the
    characters that would end the value or the argument (braces, a backslash,
    spaces) percent-encoded, as a browser sends them; the rest as written,
    which ``\\url`` prints as it is."""
    return re.sub(r"[{}\\\s]", lambda m: quote(m[0]), url)


def bibtex_names(persons: list[Person]) -> str:
    # a group's name is braced: BibTeX reads it as one name, not as "family, given"
    return " and ".join(
        f"{{{family_given(p)}}}" if apa.is_group(p) else family_given(p) for p in persons
    )


def bibtex(record: Essay, config: Config, retraction: Version | None = None) -> str:
    """The version *record* is as a BibTeX ``@article`` (see the module's
    docstring for who reads which field)."""
    date = record.modified
    credited = credits(record, config)
    url = bibtex_url(page_url(config, record.docname))
    # every value is BibTeX text: names and the title already, the others
    # through bibtex_text (or bibtex_url)
    fields = [
        ("author", bibtex_names(people(credited))),
        ("editor", bibtex_names(editors(credited))),
        ("title", bibtex_text(full_title(record), braces=True)),
        ("journal", bibtex_text(config.project)),
        ("date", date.iso),
        ("year", str(date.year)),
    ]
    if date.month is not None:
        fields.append(("month", MONTH_MACROS[date.month - 1]))
    if versioned(record):
        fields.append(("version", str(record.version)))
    fields += [("publisher", bibtex_text(config.project)), ("url", url)]
    # classic styles print none of version, url and addendum: the note says them
    classic = [bibtex_text(text) for text in notes(record, retraction)] + [f"\\url{{{url}}}"]
    fields.append(("note", ". ".join(classic)))
    if retraction is not None:
        fields.append(("addendum", bibtex_text(retraction_text(retraction))))
    fields += [
        ("language", bibtex_text(language(config))),
        ("langid", "english"),
        ("keywords", bibtex_text(", ".join(topics(record, config)))),
        ("abstract", bibtex_text(record.abstract)),
        # biblatex prints version, url and addendum: not the note again, nor
        # the language code beside its own hyphenation language (langid)
        ("execute", r"\clearfield{note}\clearlist{language}"),
    ]
    width = max(len(name) for name, _ in fields)
    lines = [f"@article{{{bib_key(record)},"]
    for name, value in fields:
        # a month is a bare macro, so that styles print the month's name
        shown = value if name == "month" else f"{{{value}}}"
        lines.append(f"  {name.ljust(width)} = {shown},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def ris(record: Essay, config: Config, retraction: Version | None = None) -> str:
    """The version *record* is as a RIS ``JOUR`` record, in the tags every
    reader of it knows (see the module's docstring)."""
    date = record.modified
    # RIS's Y1 is YYYY/MM/DD/, its parts left empty where the date has none
    month = "" if date.month is None else f"{date.month:02d}"
    day = "" if date.day is None else f"{date.day:02d}"
    credited = credits(record, config)
    lines = [("TY", "JOUR"), ("ID", bib_key(record))]
    lines += [("AU", ris_name(p)) for p in people(credited)]
    lines += [("A2", ris_name(p)) for p in editors(credited)]
    lines += [
        ("TI", full_title(record, braces=False)),
        ("T2", config.project),
        ("JF", config.project),
        ("Y1", f"{date.year}/{month}/{day}/"),
    ]
    said = notes(record, retraction)
    if said:  # one note: citation-js makes a list of several, which CSL does not take
        lines.append(("N1", ". ".join(said)))
    lines += [
        ("PB", config.project),
        ("UR", page_url(config, record.docname)),
        ("N2", record.abstract),
    ]
    lines += [("KW", topic) for topic in topics(record, config)]
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {ris_text(value)}\n" for tag, value in lines)


def ris_name(person: Person) -> str:
    """``Chatterji, Pronoy`` as text: RIS is not LaTeX."""
    return apa.plain(apa.decode(family_given(person)))


def csl_name(person: Person) -> dict[str, str]:
    """A name as CSL-JSON gives it: a group as one ``literal`` name, a person's
    family and given names as BibTeX splits them (:func:`person`)."""

    def text(parts: list[str]) -> str:
        return apa.plain(apa.decode(" ".join(parts)))

    if apa.is_group(person):
        return {"literal": text([person.last_names[0][1:-1]])}
    name = {"family": text(person.prelast_names + person.last_names)}
    given = text(person.first_names + person.middle_names)
    if given:
        name["given"] = given
    if person.lineage_names:
        name["suffix"] = text(person.lineage_names)
    return name


def csl(record: Essay, config: Config, retraction: Version | None = None) -> dict[str, Any]:
    """The version *record* is as a CSL-JSON item, an ``article-journal``."""
    date = record.modified
    credited = credits(record, config)
    item: dict[str, Any] = {
        "id": bib_key(record),
        "type": "article-journal",
        "title": full_title(record, braces=False),
        "container-title": config.project,
        "publisher": config.project,
        "author": [csl_name(p) for p in people(credited)],
        "editor": [csl_name(p) for p in editors(credited)],
        "issued": {"date-parts": [[p for p in (date.year, date.month, date.day) if p is not None]]},
    }
    if versioned(record):
        item["version"] = str(record.version)
    if retraction is not None:
        item["note"] = retraction_text(retraction)
    item |= {
        "URL": page_url(config, record.docname),
        "language": language(config),
        "abstract": record.abstract,
        "keyword": ", ".join(topics(record, config)),
        "license": config.peninsula_licenses[record.license][1],
    }
    return item


def csl_json(record: Essay, config: Config, retraction: Version | None = None) -> str:
    """The CSL-JSON file: a list of the one item, as citation-js and Zotero
    read it; one variable a line, each value written by ``json``."""
    item = csl(record, config, retraction)
    lines = [f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in item.items()]
    return "[\n  {\n" + ",\n".join(lines) + "\n  }\n]\n"


#: each download: its label in the cite box, the language it is highlighted
#: in, its file's suffix, and how it is written
DOWNLOADS = (
    ("BibTeX", "bibtex", "bib", bibtex),
    ("RIS", "text", "ris", ris),
    ("CSL-JSON", "json", "json", csl_json),
)


def add_cite_section(app: Sphinx, doctree: nodes.document) -> None:
    """A "How to cite this essay" section at the very end of every essay and
    of every earlier version, which is cited as itself."""
    docname = app.env.docname
    if not is_essay(app, docname) or essays_domain(app.env).record(docname) is None:
        return
    end_section(doctree, CITE_ID, "How to cite this essay", cite_box("", docname=docname))


def citing(env: BuildEnvironment, docname: str) -> tuple[Essay | None, Version | None]:
    """The record of the version *docname* is, and the retraction of its
    essay: an earlier version's pages are written again when its essay's record
    changes (``peninsula.records.history``), so a retraction reaches them too."""
    domain = essays_domain(env)
    record = domain.record(docname)
    if record is None:
        return None, None
    return record, retraction_of(domain.essays.get(record.current_doc))


class FillCiteBoxes(SphinxPostTransform):
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        html = self.env._builder_cls.format == "html"
        for placeholder in list(self.document.findall(cite_box)):
            record, retraction = citing(self.env, placeholder["docname"])
            if record is None:
                placeholder.replace_self([])
                continue
            text = render(apa_reference(record, self.config, retraction))
            if not html:
                placeholder.replace_self(nodes.paragraph("", "", *text, classes=["cite-apa"]))
                continue
            placeholder.replace_self(self.html_box(record, retraction, text))

    def html_box(
        self, record: Essay, retraction: Version | None, apa_text: list[nodes.Node]
    ) -> nodes.container:
        box = nodes.container("", classes=["cite-box"])
        box += nodes.rubric("", "APA 7")
        # its own box, so that the copy button sits at its corner
        box += nodes.container(
            "",
            nodes.paragraph("", "", *apa_text, classes=["cite-apa", "cite-copy"]),
            classes=["cite-apa-box"],
        )
        here = posixpath.dirname(self.env.docname)
        for label, highlight, suffix, write in DOWNLOADS:
            text = write(record, self.config, retraction)
            box += nodes.rubric("", label)
            block = nodes.literal_block(text, text, language=highlight, classes=["cite-copy"])
            block["highlight_args"] = {}
            box += block
            name = f"{file_stem(record)}.{suffix}"
            target = posixpath.relpath(f"{CITE_DIR}/{name}", here or ".")
            # docutils has no download attribute: without it a host serving
            # .bib as text would show the file instead of saving it
            link = (
                f'<a class="reference external" href="{html.escape(target)}" '
                f'download="{html.escape(name)}">Download {html.escape(name)}</a>'
            )
            box += nodes.paragraph(
                "",
                "",
                nodes.raw("", link, format="html"),
                classes=["cite-download", f"cite-download-{suffix}"],
            )
        return box


def write_cite_files(app: Sphinx, pagename: str, *args: Any) -> None:
    """The downloads of an essay or earlier version, written with its page."""
    record, retraction = citing(app.env, pagename)
    if record is None:
        return
    folder = Path(app.outdir) / CITE_DIR
    folder.mkdir(exist_ok=True)
    stem = file_stem(record)
    for _label, _highlight, suffix, write in DOWNLOADS:
        text = write(record, app.config, retraction)
        (folder / f"{stem}.{suffix}").write_text(text, encoding="utf-8")


def cite_files(record: Essay) -> list[str]:
    """The downloads of an essay or version, by path in the output folder."""
    return [f"{CITE_DIR}/{file_stem(record)}.{suffix}" for _l, _h, suffix, _w in DOWNLOADS]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.records.essays")
    app.add_node(cite_box)
    # after peninsula.works.citations (400) has added the References section
    app.connect("doctree-read", add_cite_section, priority=450)
    app.add_post_transform(FillCiteBoxes)
    app.connect("html-page-context", write_cite_files)
    remove_files_of_removed_essays(app, cite_files, site_only=False)
    return {
        "version": "1.0",
        # 2: the downloads are journal articles, with a CSL-JSON file beside them
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
