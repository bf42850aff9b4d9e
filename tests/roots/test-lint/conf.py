extensions = ["myst_parser", "peninsula.lint", "peninsula.chronology"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
myst_title_to_header = False
peninsula_topics = {"sanctions": "Sanctions"}
peninsula_licenses = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
}
