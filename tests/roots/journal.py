"""The settings the small test journals of ``tests/roots`` share.

Each root's ``conf.py`` starts with ``from journal import *`` (the tests put
this folder on the path), then names the extensions it tests and what it
sets differently. The gates project (``test-gates``) runs the repository's own
``conf.py`` instead.
"""

project = "The Journal"
# the group that edits every edition (peninsula.records.essays.Credits)
peninsula_editors = "Editors of The Journal"
html_baseurl = "https://journal.example.org/"
extensions = ["myst_parser"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
peninsula_topics = {"sanctions": "Sanctions", "deterrence": "Deterrence"}
peninsula_licenses = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
}
