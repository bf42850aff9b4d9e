"""An Atom feed of the essays, ``feed.xml``, made from their metadata records.

Why this exists: readers follow a journal in their feed reader. Each entry is
made from the same record as the essay's page header (title, authors, date,
abstract, topics, licence), so the feed cannot disagree with the site; every
address in it is the canonical address of a page. The feed is made again from
the records at the end of every build and written when its bytes change, so an
incremental build never leaves it stale and a build that changes nothing does
not touch it. Its dates are the essays' own, never the time of the build.

Versions of record (``peninsula.records.versions``): an essay's entry is ``updated``
on the date of its last version, and each change a reader who already read
it should hear of gets an entry of its own, so that a feed reader shows it as
news rather than silently changing an entry already read:

* a correction, an update and a retraction (the kinds the Corrections page
  lists, ``history.LISTED_KINDS``): "Correction: <title>", "Update: <title>",
  "Retraction: <title>", with the History note as summary, dated the day of
  the version, credited to the editors, linking to the essay's page. An
  update is announced like a correction: it changes what the essay tells a
  reader (new information, with its source), which is what a reader of the
  first text needs to hear; a revision changes no substance, and is in the
  essay's History only, as on the Corrections page;
* its id is the essay's address with ``#version-<N>``: unique (one entry per
  version), and stable, since neither the essay's address nor a version's
  number ever changes. The essay's own entry keeps the essay's address as id;
* a retracted essay keeps its entry (a feed reader that has it keeps it
  anyway); the retraction's entry says why.

The entries are newest first, by the date each was last updated.
"""

from __future__ import annotations

import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedgen.feed import FeedGenerator

from ..core.builder import base_url, is_site_builder, page_url, write_if_changed
from ..core.dates import Date
from ..records.essays import Essay, credits, essays_domain
from ..records.frontmatter import Version
from ..records.history import KIND_NAMES, LISTED_KINDS

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

FEED = "feed.xml"
ATOM_TYPE = "application/atom+xml"


def feed_url(app: Sphinx) -> str:
    return base_url(app.config) + FEED


def timestamp(date: Date) -> datetime.datetime:
    """A date as midnight UTC of its first day, since Atom dates are full
    RFC 3339 timestamps."""
    day = date.first_day()
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def rights_of(copyright: str | list[str] | tuple[str, ...]) -> str:
    lines = [copyright] if isinstance(copyright, str) else list(copyright)
    return "; ".join(f"© {line}" for line in lines)


def add_entry(app: Sphinx, feed: FeedGenerator, record: Essay) -> None:
    url = page_url(app.config, record.docname)
    entry = feed.add_entry(order="append")
    entry.id(url)
    entry.title(record.title)
    # feedgen 1.0 writes an entry's link with its href only; Atom reads a link
    # without rel as the alternate one, which this is
    entry.link(href=url, rel="alternate", type="text/html")
    entry.published(timestamp(record.date))
    entry.updated(timestamp(record.modified))
    # the editors are the group author of an unsigned original, and edit all
    credited = credits(record, app.config)
    for author in credited.authors:
        person = {"name": author.name}
        if author.orcid:
            person["uri"] = f"https://orcid.org/{author.orcid}"
        entry.author(person)
    entry.contributor({"name": credited.editors})
    entry.summary(record.abstract)
    for topic in record.topics:
        entry.category(term=topic, label=app.config.peninsula_topics[topic])
    entry.rights(app.config.peninsula_licenses[record.license][0])


def notice_id(record: Essay, version: Version, config: Config) -> str:
    return f"{page_url(config, record.docname)}#version-{version.number}"


def add_notice(app: Sphinx, feed: FeedGenerator, record: Essay, version: Version) -> None:
    """The entry of a correction, update or retraction of *record*."""
    url = page_url(app.config, record.docname)
    date = timestamp(version.date)
    entry = feed.add_entry(order="append")
    entry.id(notice_id(record, version, app.config))
    entry.title(f"{KIND_NAMES[version.kind]}: {record.title}")
    entry.link(href=url, rel="alternate", type="text/html")
    entry.published(date)
    entry.updated(date)
    entry.author({"name": app.config.peninsula_editors})
    entry.summary(version.note)


def notices(record: Essay) -> list[Version]:
    return [v for v in record.history if v.kind in LISTED_KINDS]


def atom_feed(app: Sphinx) -> bytes | None:
    """The feed as bytes, or None when there is no essay to list."""
    records = essays_domain(app.env).essays.values()
    if not records:
        return None
    # (date, title, version) orders every entry; an essay's own entry (version 0)
    # comes after a notice of the same day and title
    entries = [((r.modified, r.title, 0), r, None) for r in records]
    entries += [((v.date, r.title, v.number), r, v) for r in records for v in notices(r)]
    entries.sort(key=lambda e: e[0], reverse=True)
    config = app.config
    feed = FeedGenerator()
    feed.id(base_url(config))
    feed.title(config.project)
    feed.subtitle(config.peninsula_feed_subtitle)
    feed.author({"name": config.author})
    feed.link(href=feed_url(app), rel="self", type=ATOM_TYPE)
    feed.link(href=page_url(config, config.root_doc), rel="alternate", type="text/html")
    feed.rights(rights_of(config.copyright))
    if config.language:
        feed.language(config.language)
    feed.updated(timestamp(entries[0][0][0]))
    for _, record, version in entries:
        if version is None:
            add_entry(app, feed, record)
        else:
            add_notice(app, feed, record, version)
    return feed.atom_str(pretty=True)


def write_feed(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_site_builder(app):
        return
    path = Path(app.outdir) / FEED
    data = atom_feed(app)
    if data is None:
        path.unlink(missing_ok=True)
    else:
        write_if_changed(path, data)


def link_feed(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Let browsers and feed readers find the feed from any page."""
    if not is_site_builder(app) or not essays_domain(app.env).essays:
        return
    title, href = escape(app.config.project), escape(feed_url(app))
    tag = f'<link rel="alternate" type="{ATOM_TYPE}" title="{title}" href="{href}">'
    context["metatags"] = context.get("metatags", "") + "\n" + tag


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.records.essays")
    app.setup_extension("peninsula.pages.site")
    app.add_config_value("peninsula_feed_subtitle", "", "html", str)
    app.connect("html-page-context", link_feed)
    app.connect("build-finished", write_feed)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
