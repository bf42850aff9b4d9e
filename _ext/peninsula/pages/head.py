"""Machine-readable metadata in the <head> of each essay page.

Why this exists: Google Scholar indexes a paper from Highwire Press
``citation_*`` meta tags, search engines read schema.org JSON-LD, and social
sites read OpenGraph and Twitter card tags. All of them are made here from the
essay's record and the works its page cites, never written by hand:

* Highwire: ``citation_title``, one ``citation_author`` per author (with
  institution and ORCID iD when given; the editors as a group for an unsigned
  original, see ``essays.Credits``), ``citation_editor``, ``citation_publication_date``,
  ``citation_journal_title``, ``citation_pdf_url`` (when the build publishes
  the PDF, ``pdfs.pdf_published``), ``citation_abstract``, and one
  ``citation_reference`` per cited work;
* JSON-LD: a schema.org ``ScholarlyArticle`` with headline, authors (each with
  their page on the site and ORCID iD), editors, date, abstract, the cited
  works, the work it is an edition of, the collection it is part of, the PDF
  when published, and an image: the essay's picture, or its title card
  (``peninsula.pages.titlecard``). The same object is a file,
  ``cite/<slug>.jsonld``, which the page's Signposting links
  (``peninsula.pages.signposting``);
* OpenGraph and a Twitter card on every page (``add_opengraph_tags``): title,
  type (``article`` for an essay), address, site name, description (an
  essay's abstract, another page's opening prose) and an essay's picture; an
  essay adds the ``article:*`` tags. They were sphinxext-opengraph's, which
  imports matplotlib for its social cards whether they are on or not: about
  half a second on every build, a no-op rebuild included, for five tags.

Names and dates as Zotero and Google Scholar read them. Zotero's Embedded
Metadata translator takes the creators from ``citation_author`` and
``citation_editor`` alone when there are any (Dublin Core, OpenGraph and
JSON-LD are not read for names then), and splits each name with
``ZU.cleanAuthor``: at its last space, so "Editors of Peninsula Papers"
became the person "Editors of Peninsula, Papers"; or, when the name holds a
comma, into "family, given". Scholar's guidelines accept a name "either as
"Smith, John" or as "John Smith"". So a person's name is given as written,
and a group's in the first form with no given name, ``Editors of Peninsula
Papers,``: every reader of that form takes all of it as the family name, and
Zotero keeps it as one name (``{"name": ...}`` in its API, a single-field
creator). A COinS span would name a group with ``rft.aucorp``, but Zotero
ranks the COinS translator above Embedded Metadata, and an item from COinS
has no editors, abstract or PDF. Scholar asks for a publication date "in the
"2010/5/12" format if available; or a year alone otherwise": ``2023/02/05``
or ``2023``, never ``2023/02``; the date is the version's, as the cite box,
BibTeX, RIS and CSL-JSON give it.

Versions of record (``peninsula.records.versions``): the current version of a revised
essay says which version it is and when it last changed (JSON-LD ``version``
and ``dateModified``, OpenGraph ``article:modified_time``); a retracted one
says so (``creativeWorkStatus``). An earlier version, kept at
``articles/<slug>/v<N>.html`` so that a citation of it can be checked, is not
what a search engine should list for the essay:

* its canonical link is the current version's address, and it carries
  ``<meta name="robots" content="noindex">``; its OpenGraph address is its
  own, since a reference manager saving the page takes ``og:url`` as the
  address of what it saves (Zotero's Embedded Metadata translator reads it
  through RDF when there is no ``citation_*`` tag), and what is saved is that
  version, as its cite box and ``cite-as`` link say;
* its JSON-LD describes that version and does not pass for the current one:
  its own address as ``@id``, its own ``version``, the date it was published
  as ``dateModified`` (none for version 1), ``creativeWorkStatus`` "Obsolete"
  (one of schema.org's example terms for the property, https://schema.org/creativeWorkStatus),
  or "Retracted" once the essay is; and no PDF, since earlier versions have none;
* it carries no Highwire ``citation_*`` tag. Google Scholar makes a record of
  a page from those tags, and requires two of them: of ``citation_title``,
  "This tag is required for inclusion in Google Scholar", and "At least one
  author tag is required for inclusion in Google Scholar" (the inclusion
  guidelines, https://scholar.google.com/intl/en/scholar/inclusion.html#indexing,
  as metathis quotes them: https://pkg.garrickadenbuie.com/metathis/reference/meta_google_scholar.html).
  Each earlier version with them would be one more record of the same essay,
  and Scholar's duplicate records of one work are a known weakness: "the number
  of duplicate, triplicate and quadruplicate records for the same source
  documents (which Google Scholar cannot detect reliably) has increased"
  (Jacsó, "Google Scholar revisited", Online Information Review 32(1), 2008).
  The essay's one record is its current page, whose tags lead to the current
  text; a reader who cites an earlier version finds it through the History,
  and its cite box gives its own address. Its authors are named by
  ``DC.creator`` alone (in the forms above), which Zotero reads before
  ``article:author`` (whose group name it would split); with no title tag,
  that is no record for Scholar.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from pybtex.database import Entry

from ..core.builder import base_url, is_site_builder, page_url, write_if_changed
from ..core.dates import Date
from ..records.essays import (
    AUTHOR_PAGE,
    Essay,
    ancestors,
    credits,
    essays_domain,
    remove_files_of_removed_essays,
)
from ..works import apa
from ..works.citations import bib_entries, citations_domain
from .cite import full_title, jsonld_path
from .pdfs import essay_pdf, pdf_published
from .titlecard import HEIGHT, WIDTH, card_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

#: schema.org types of the bib entry types the corpus uses
SCHEMA_TYPES = {
    "article": "ScholarlyArticle",
    "book": "Book",
    "incollection": "Chapter",
    "inbook": "Chapter",
    "report": "Report",
    "techreport": "Report",
    "online": "WebPage",
    "thesis": "Thesis",
    "phdthesis": "Thesis",
    "mastersthesis": "Thesis",
}
CONTAINER_FIELDS = ("journal", "journaltitle", "booktitle", "organization", "institution")
HTML_UNSAFE_JSON_RE = re.compile("[<>&\u2028\u2029]")


#: schema.org's creativeWorkStatus of an earlier version, and of any version of
#: a retracted essay (the current one included)
SUPERSEDED, RETRACTED = "Obsolete", "Retracted"


def highwire_date(date: Date) -> str:
    """``2023/02/05`` for a date with its day, else the year alone, ``2023``:
    the forms Google Scholar asks for (a month, ``2023/02``, is neither)."""
    assert date.year is not None
    if date.day is None:
        return f"{date.year:04d}"
    return f"{date.year:04d}/{date.month:02d}/{date.day:02d}"


def highwire_name(name: str, group: bool) -> str:
    """A name as ``citation_author`` and ``citation_editor`` give it: a
    person's as written, a group's as a family name alone, ``Editors of
    Peninsula Papers,``, which no reader splits into given and family names."""
    return f"{name}," if group else name


def _meta(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{html.escape(content)}" />'


def _property(name: str, content: str) -> str:
    return f'<meta property="{name}" content="{html.escape(content)}" />'


def _people(entry: Entry) -> list:
    return entry.persons.get("author") or entry.persons.get("editor") or []


def _container(entry: Entry) -> str:
    return next((apa.field_text(entry, f) for f in CONTAINER_FIELDS if f in entry.fields), "")


def highwire_reference(entry: Entry) -> str:
    """A cited work in the ``key=value; ...`` form of ``citation_reference``."""
    pairs = [("citation_title", apa.field_text(entry, "title"))]
    pairs += [("citation_author", apa.full_name(p)) for p in _people(entry)]
    date = apa.date_field(entry)
    if date.year is not None:
        pairs.append(("citation_publication_date", str(date.year)))
    container = _container(entry)
    if container:
        name = "citation_journal_title" if entry.type.lower() == "article" else "citation_publisher"
        pairs.append((name, container))
    for field in ("volume", "number") if entry.type.lower() == "article" else ():
        if field in entry.fields:
            name = "citation_issue" if field == "number" else "citation_volume"
            pairs.append((name, apa.field_text(entry, field)))
    # the separator of the format may not appear inside a value
    return "; ".join(f"{k}={v.replace(';', ',')}" for k, v in pairs)


def highwire_tags(record: Essay, config: Config, cited: list[Entry], pdf: bool) -> list[str]:
    """The Highwire tags of the current version; *pdf*: its PDF is published."""
    tags = [_meta("citation_title", full_title(record, braces=False))]
    credited = credits(record, config)
    for author in credited.authors:
        tags.append(_meta("citation_author", highwire_name(author.name, credited.group)))
        if author.affiliation:
            tags.append(_meta("citation_author_institution", author.affiliation))
        if author.orcid:
            tags.append(_meta("citation_author_orcid", f"https://orcid.org/{author.orcid}"))
    tags.append(_meta("citation_editor", highwire_name(credited.editors, group=True)))
    tags += [
        _meta("citation_publication_date", highwire_date(record.modified)),
        _meta("citation_journal_title", config.project),
        _meta("citation_publisher", config.project),
        _meta("citation_language", config.language or "en"),
        _meta("citation_abstract", record.abstract),
        _meta("citation_abstract_html_url", page_url(config, record.docname)),
    ]
    if pdf:
        tags.append(_meta("citation_pdf_url", base_url(config) + essay_pdf(record.docname)))
    tags += [_meta("citation_keywords", config.peninsula_topics[topic]) for topic in record.topics]
    tags += [_meta("citation_reference", highwire_reference(entry)) for entry in cited]
    return tags


def _schema_person(person: Any) -> dict[str, Any]:
    kind = "Organization" if apa.is_group(person) else "Person"
    return {"@type": kind, "name": apa.full_name(person)}


def schema_work(entry: Entry) -> dict[str, Any]:
    """A cited work as a schema.org CreativeWork (or the type that fits it)."""
    work: dict[str, Any] = {
        "@type": SCHEMA_TYPES.get(entry.type.lower(), "CreativeWork"),
        "name": apa.field_text(entry, "title"),
    }
    people = _people(entry)
    if people:
        work["author"] = [_schema_person(p) for p in people]
    date = apa.date_field(entry)
    if date.year is not None:
        work["datePublished"] = date.iso
    container = _container(entry)
    if container:
        work["isPartOf" if entry.type.lower() == "article" else "publisher"] = {
            "@type": "Periodical" if entry.type.lower() == "article" else "Organization",
            "name": container,
        }
    return work


def author_url(env: BuildEnvironment, config: Config, slug: str) -> str:
    """The address of an author's page on the site, or "" if there is none."""
    docname = AUTHOR_PAGE.format(slug=slug)
    return page_url(config, docname) if docname in env.found_docs else ""


def json_ld(
    record: Essay,
    config: Config,
    cited: list[Entry],
    source: Entry | None,
    image_url: str = "",
    minutes: int = 1,
    retracted: bool = False,
    pdf: bool = False,
    author_urls: dict[str, str] | None = None,
) -> dict:
    """The page's ScholarlyArticle: the version *record* is, which the current
    essay, *retracted* or not, may have superseded. *pdf*: the essay's PDF is
    published; *author_urls*: each author's page, by name."""
    url = page_url(config, record.docname)
    site = {"@type": "Periodical", "name": config.project, "url": base_url(config)}
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": record.title,
        "name": record.title,
        "datePublished": record.date.iso,
        "abstract": record.abstract,
        "inLanguage": config.language or "en",
        "keywords": [config.peninsula_topics[t] for t in record.topics],
        "license": config.peninsula_licenses[record.license][1],
        "isPartOf": site,
        "publisher": {"@type": "Organization", "name": config.project, "url": base_url(config)},
        "timeRequired": f"PT{minutes}M",
        "version": record.version,
        "citation": [schema_work(entry) for entry in cited],
    }
    if record.history:
        article["dateModified"] = record.modified.iso
    if retracted or record.retracted:
        article["creativeWorkStatus"] = RETRACTED
    elif record.frozen:
        article["creativeWorkStatus"] = SUPERSEDED
    if pdf and not record.frozen:  # an earlier version is a web page only
        article["encoding"] = {
            "@type": "MediaObject",
            "encodingFormat": "application/pdf",
            "contentUrl": base_url(config) + essay_pdf(record.docname),
        }
    if record.subtitle:
        article["alternativeHeadline"] = record.subtitle
    credited = credits(record, config)
    editors = {"@type": "Organization", "name": credited.editors, "url": base_url(config)}
    article["author"] = []
    for author in credited.authors:
        if credited.group:
            article["author"].append(editors)
            continue
        person: dict[str, Any] = {"@type": "Person", "name": author.name}
        if (author_urls or {}).get(author.name):
            person["url"] = (author_urls or {})[author.name]
        if author.affiliation:
            person["affiliation"] = {"@type": "Organization", "name": author.affiliation}
        if author.orcid:
            person["sameAs"] = f"https://orcid.org/{author.orcid}"
        article["author"].append(person)
    # schema.org's "editor" takes a Person; a group is named through a Role
    article["contributor"] = [{"@type": "Role", "roleName": "editor", "contributor": editors}]
    if source is not None:
        article["isBasedOn"] = schema_work(source)
    if record.image and image_url:
        article["image"] = {
            "@type": "ImageObject",
            "contentUrl": image_url,
            "description": record.image.alt,
            "creditText": record.image.credit,
        }
    else:  # the essay's title page as a picture
        article["image"] = {
            "@type": "ImageObject",
            "contentUrl": card_url(config, record),
            "encodingFormat": "image/svg+xml",
            "width": WIDTH,
            "height": HEIGHT,
        }
    return article


def script_json(data: dict) -> str:
    """JSON to write into HTML, as the text of a <script> element: every JSON
    the project writes into a page goes through here.

    ``<``, ``>`` and ``&`` are written as JSON escapes (``\\u003c``), so that no
    text of the record can end the element (``</script>``), or open a comment
    (``<!--<script>``) that makes the browser read the rest of the page, up to
    the next ``</script>``, as the element's text; U+2028 and U+2029 too, which
    JavaScript before ES2019 reads as line breaks. Outside strings, JSON holds
    none of these characters, so the JSON is the same."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return HTML_UNSAFE_JSON_RE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def picture_url(app: Sphinx, record: Essay) -> str:
    """The address of the essay's picture as the site publishes it, or ""."""
    if not record.image:
        return ""
    name = app.builder.images.get(record.image.file)  # type: ignore[attr-defined]
    return f"{base_url(app.config)}_images/{name}" if name else ""


def canonical_url(config: Config, record: Essay) -> str:
    """The address search engines are to list for the page of *record*: the
    current version's, for an earlier one too."""
    return page_url(config, record.current_doc)


def add_head_tags(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    essays = essays_domain(app.env)
    minutes = essays.reading_minutes.get(pagename, 1)
    record = essays.record(pagename)
    if record is None or doctree is None:
        return
    current = essays.essays.get(record.current_doc)
    retracted = current is not None and current.retracted
    entries = bib_entries(app.env)
    domain = citations_domain(app.env)
    cited = [entries[key] for key in domain.cited.get(pagename, []) if key in entries]
    source = entries.get(record.source) if record.source else None
    image_url = picture_url(app, record)
    pdf = pdf_published(app.env, essay_pdf(record.docname))
    tags = [_meta("description", record.abstract)]
    if record.frozen:
        # the theme writes <link rel="canonical"> from pageurl
        context["pageurl"] = canonical_url(app.config, record)
        tags.append(_meta("robots", "noindex"))
        # who wrote it, for Zotero, which otherwise splits a group's name taken
        # from article:author; alone, with no title, no record for Scholar
        credited = credits(record, app.config)
        names = [highwire_name(a.name, credited.group) for a in credited.authors]
        tags += [_meta("DC.creator", name) for name in names]
    else:
        tags += highwire_tags(record, app.config, cited, pdf)
    tags += [_property("article:published_time", record.date.iso)]
    if record.history:
        tags.append(_property("article:modified_time", record.modified.iso))
    tags += [_property("article:author", name) for name in credits(record, app.config).names]
    tags += [_property("article:tag", app.config.peninsula_topics[t]) for t in record.topics]
    urls = {a.name: author_url(app.env, app.config, a.slug) for a in record.authors}
    data = json_ld(record, app.config, cited, source, image_url, minutes, retracted, pdf, urls)
    tags.append('<script type="application/ld+json">\n' + script_json(data) + "\n</script>")
    context["metatags"] = context.get("metatags", "") + "\n".join(tags) + "\n"
    if is_site_builder(app):
        write_json_ld(Path(app.outdir) / jsonld_path(record), data)


def write_json_ld(path: Path, data: dict) -> None:
    """The page's JSON-LD as a file, for machines that read metadata without
    the page (Signposting's ``describedby``)."""
    path.parent.mkdir(exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    write_if_changed(path, text.encode())


# -- OpenGraph and Twitter cards, for every page ------------------------------------

#: the longest description a link preview shows whole
DESCRIPTION_LENGTH = 200
#: parts of a page that are not its prose: essay lists, navigation, captions
NOT_PROSE = {"essay-list", "essay-card", "toctree-wrapper", "rubric", "reference-list"}


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """*text* whole when it fits, else cut at a word with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def page_description(doctree: nodes.document) -> str:
    """The opening prose of a page: its first paragraphs, title and lists of
    essays left out, as long as a link preview shows."""
    text = ""
    for para in doctree.findall(nodes.paragraph):
        if any(NOT_PROSE & set(a.get("classes", [])) for a in ancestors(para)):
            continue
        words = " ".join(para.astext().split())
        if text and text[-1] not in ".!?:;,":  # list items and captions end bare
            text += "."
        text = f"{text} {words}".strip()
        if len(text) > DESCRIPTION_LENGTH:
            break
    return shorten(text)


def add_opengraph_tags(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """OpenGraph tags (title, type, address, site, description, picture) and a
    Twitter card on every page with content. An essay's description is its
    abstract and its picture its own; another page's description is its opening
    prose, also given as the page's ``description``."""
    if doctree is None or not is_site_builder(app):
        return
    config = app.config
    record = essays_domain(app.env).record(pagename)
    title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title", ""))) or config.project
    # a page with no prose of its own (a topic's or an author's list) says what it is
    description = record.abstract if record else page_description(doctree)
    description = description or f"{title} · {config.project}"
    # og:url is "the canonical URL of your object" (ogp.me), and the object
    # of an earlier version's page is that version: its own address, which
    # reference managers save, while its canonical link sends search engines
    # to the current version
    url = page_url(config, pagename)
    tags = [
        _property("og:title", title),
        _property("og:type", "article" if record else "website"),
        _property("og:url", url),
        _property("og:site_name", config.project),
    ]
    if description:
        tags.append(_property("og:description", description))
        if record is None:  # an essay's head has its abstract as description already
            tags.append(_meta("description", description))
    image_url = picture_url(app, record) if record else ""
    if image_url:
        tags.append(_property("og:image", image_url))
        tags.append(_property("og:image:alt", record.image.alt))
    tags.append(_meta("twitter:card", "summary"))
    context["metatags"] = context.get("metatags", "") + "\n".join(tags) + "\n"


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.pages.cite")
    app.setup_extension("peninsula.pages.titlecard")
    app.setup_extension("peninsula.pages.signposting")
    app.connect("html-page-context", add_head_tags, priority=400)
    app.connect("html-page-context", add_opengraph_tags, priority=410)
    remove_files_of_removed_essays(app, lambda record: [jsonld_path(record)])
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
