project = "The Journal"
peninsula_editors = "Editors of The Journal"
html_baseurl = "https://journal.example.org/"
extensions = [
    "myst_parser",
    "peninsula.essays",
    "peninsula.citations",
    "peninsula.bibliography",
    "peninsula.cite",
    "peninsula.head",
    "sphinx_copybutton",
]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
html_theme = "furo"
peninsula_topics = {"sanctions": "Sanctions", "deterrence": "Deterrence"}
peninsula_licenses = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
}
copybutton_selector = "div.cite-copy pre, p.cite-copy"
