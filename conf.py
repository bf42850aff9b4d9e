"""Sphinx configuration of Peninsula Papers.

Declarative only: behaviour lives in ``_ext/peninsula/`` (one concern per
module); this file says which pieces are on and with what settings.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

# -- Project -----------------------------------------------------------------

project = "Peninsula Papers"
# The editors: credited as the editors of every edition, and as the group
# author of an edition whose original is unsigned (APA 7, 9.11), in the head
# tags, the cite box, the feed, the search record and the PDFs alike
peninsula_editors = "Editors of Peninsula Papers"
author = peninsula_editors
copyright = "2026, the editors and authors of Peninsula Papers; essays under CC BY 4.0"
language = "en"

# The address of the published site: every absolute URL (canonical links,
# sitemap, feed, cite box, head tags) is made from this one setting. Read the
# Docs passes its own address; any other host sets PENINSULA_BASE_URL.
html_baseurl = (
    os.environ.get("PENINSULA_BASE_URL")
    or os.environ.get("READTHEDOCS_CANONICAL_URL")
    or "https://peninsula-papers.readthedocs.io/en/latest/"
)

# -- General -----------------------------------------------------------------

extensions = [
    # ours
    "peninsula.gates.markup_policy",
    "peninsula.works.bibfile",
    "peninsula.works.citations",
    "peninsula.pages.bibliography",
    "peninsula.records.essays",
    "peninsula.records.versions",
    "peninsula.records.history",
    "peninsula.pages.browse",
    "peninsula.pages.cite",
    "peninsula.pages.head",
    "peninsula.pages.site",
    "peninsula.pages.feed",
    "peninsula.pages.chronology",
    "peninsula.pages.pdfs",
    "peninsula.pages.epub",
    "peninsula.theme.previews",
    "peninsula.pages.search",
    "peninsula.theme.navigation",
    "peninsula.theme.accessibility",
    "peninsula.gates.lint",
    "peninsula.gates.strict",
    "peninsula.pages.security",
    "peninsula.core.parallel",
    # third-party
    "myst_parser",
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    "sphinx_sitemap",
    "notfound.extension",
]

root_doc = "index"
source_suffix = {".md": "markdown"}
# pages of the site: top-level pages, the essays, their earlier versions
# (articles/<slug>/v<N>.md, peninsula.records.versions), and the topic and author
# pages that peninsula.pages.browse generates; nothing else in the tree
include_patterns = ["*.md", "articles/*.md", "articles/*/v[0-9]*.md", "topics/*.md", "authors/*.md"]
# the repository's own documents (docs/ is outside include_patterns), not pages of the site
exclude_patterns = ["README.md", "ARCHITECTURE.md"]
nitpicky = True
smartquotes = True

# -- MyST --------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]
# front matter of essays is read by peninsula.records.essays; the title it holds is
# the page title, so MyST must not take a second one from it
myst_title_to_header = False

# -- Citations (sphinxcontrib-bibtex + peninsula.works.citations) ------------------

bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "apa7"
bibtex_reference_style = "author_year"

# -- Essays (peninsula.records.essays) -----------------------------------------------

peninsula_essay_dir = "articles"
peninsula_topics = {
    "alliances": "Alliances",
    "china": "China",
    "denuclearization": "Denuclearization",
    "deterrence": "Deterrence",
    "inter-korean-relations": "Inter-Korean relations",
    "military-posture": "Military posture",
    "missile-tests": "Missile tests",
    "northern-limit-line": "Northern Limit Line",
    "sanctions": "Sanctions",
    "summit-diplomacy": "Summit diplomacy",
}
peninsula_licenses = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
}

# -- Copy buttons (sphinx-copybutton) ----------------------------------------

# only the ways to cite an essay are meant to be copied
copybutton_selector = "div.cite-copy pre, p.cite-copy"

# -- Feed (peninsula.pages.feed) ---------------------------------------------------

# feed.xml: title from `project`, author from `author`, rights from `copyright`
peninsula_feed_subtitle = "Policy essays on diplomacy between the United States and North Korea"

# -- Sitemap and robots.txt (sphinx-sitemap + peninsula.pages.site) ----------------

# pages are listed at html_baseurl + page: no language or version segment
sitemap_url_scheme = "{link}"
sitemap_show_lastmod = False  # no git history is needed to build
sitemap_excludes = ["search.html", "404.html"]

# -- 404 page (sphinx-notfound-page + peninsula.pages.site) ------------------------

# the page is 404.md; its links and assets are absolute, under the path of
# html_baseurl, so it works at any depth of the site
notfound_pagename = "404"

# -- HTML output -------------------------------------------------------------

html_theme = "furo"
html_title = "Peninsula Papers"
html_short_title = "Peninsula Papers"
html_static_path = ["_static"]
html_css_files = ["peninsula.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
templates_path = ["_templates"]
# furo's sidebar, with the "Browse" links to the topic and author pages
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/browse.html",
        "sidebar/ethical-ads.html",
        "sidebar/scroll-end.html",
        "sidebar/variant-selector.html",
    ]
}
# no general index page: its one content would be the glossary's terms, which
# the glossary lists and links itself, and Sphinx writes it again on every
# build, a quarter of a no-op rebuild at 200 essays
html_use_index = False

html_theme_options = {
    "source_repository": None,
    "navigation_with_keys": True,
}

# -- LaTeX output ------------------------------------------------------------

latex_engine = "xelatex"
latex_documents = [
    (
        "index",
        "peninsula-papers.tex",
        "Peninsula Papers",
        peninsula_editors,
        "manual",
        True,
    ),
]
# no latex_toplevel_sectioning: each class's own top level is right, chapters
# in the PDF edition and sections in an essay's PDF (peninsula.pages.pdfs)
latex_domain_indices = False
# no PDF prints an index (peninsula.pages.pdfs then leaves out \makeindex, so the
# glossary's terms write no entries to sort); xindy, Sphinx's default for
# xelatex, is not among the packages installed
latex_use_xindy = False
latex_show_urls = "no"
# our style and fonts; and the Makefile that replaces Sphinx's there, which
# dumps the preamble every essay shares as a format (peninsula-format.ltx,
# with the font metrics peninsula-metrics.ltx measures) and compiles with it
latex_additional_files = [
    "_static/latex/peninsula.sty",
    "_static/latex/peninsula-fonts.sty",
    "_static/latex/peninsula-format.ltx",
    "_static/latex/peninsula-metrics.ltx",
    "_static/latex/Makefile",
]
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    "fncychap": "",  # plain chapter titles: essays are not numbered chapters
    "printindex": "",  # an essay collection has no general index
    # FreeSerif and its kin, where Sphinx sets its fonts (peninsula-fonts.sty)
    "fontpkg": r"\usepackage{peninsula-fonts}",
    # \endofdump ends the preamble every essay shares, which the Makefile
    # dumps once as their format (peninsula.pages.pdfs); what follows is the essay's
    "preamble": "\\usepackage{peninsula}\n\\endofdump",
}

# -- EPUB output (peninsula.pages.epub) --------------------------------------------

# the EPUB edition, beside the PDF edition and holding the same pages; its
# creators, subjects, dates and identifier come from the essays' front matter
# and html_baseurl, and Hangul is set in an embedded subset of the PDF's font
epub_basename = "peninsula-papers"
epub_description = peninsula_feed_subtitle
epub_css_files = ["epub/peninsula-epub.css"]
epub_show_urls = "no"  # an address after each link would be read aloud
epub_tocdepth = 2  # each page, and an essay's sections
peninsula_epub_hangul_font = "Noto Serif CJK KR"  # as _static/latex/peninsula.sty
