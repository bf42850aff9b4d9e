from pathlib import Path

import peninsula

STATIC = Path(peninsula.__file__).resolve().parents[2] / "_static"

project = "Bib text"
extensions = ["myst_parser", "peninsula.bibfile", "peninsula.citations"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "apa7"
bibtex_reference_style = "author_year"
exclude_patterns = ["_build"]
latex_engine = "xelatex"
latex_documents = [("index", "sample.tex", "Bib text", "Editors", "howto")]
latex_additional_files = [str(STATIC / "latex" / "peninsula.sty")]
latex_elements = {"preamble": r"\usepackage{peninsula}", "printindex": ""}
