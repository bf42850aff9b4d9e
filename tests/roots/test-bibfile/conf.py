extensions = ["myst_parser", "peninsula.bibfile"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
