extensions = ["myst_parser", "peninsula.citations", "peninsula.chronology"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
html_theme = "furo"
latex_documents = [("index", "test.tex", "Test", "Editors", "manual")]
