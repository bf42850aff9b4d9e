extensions = ["myst_parser", "peninsula.citations", "peninsula.previews"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
html_theme = "furo"
