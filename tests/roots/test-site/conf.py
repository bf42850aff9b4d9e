project = "The Journal"
author = "Editors of The Journal"
copyright = "2026, the editors of The Journal"
language = "en"
html_baseurl = "https://journal.example.org/papers"  # no final slash: it is added where needed
extensions = ["myst_parser", "peninsula.feed", "peninsula.site"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
html_theme = "furo"
peninsula_topics = {"sanctions": "Sanctions", "deterrence": "Deterrence"}
peninsula_licenses = {"CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/")}
peninsula_feed_subtitle = "Essays of The Journal"
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]
# the group that edits every edition (peninsula.essays.Credits)
peninsula_editors = "Editors of The Journal"
