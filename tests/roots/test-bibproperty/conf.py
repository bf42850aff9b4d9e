from pathlib import Path

import peninsula
from journal import *  # noqa: F403

STATIC = Path(peninsula.__file__).resolve().parents[2] / "_static"

project = "Bib text"
extensions = [*extensions, "peninsula.works.bibfile", "peninsula.works.citations"]  # noqa: F405
bibtex_default_style = "apa7"
bibtex_reference_style = "author_year"
latex_engine = "xelatex"
latex_documents = [("index", "sample.tex", "Bib text", "Editors", "howto")]
latex_additional_files = [str(STATIC / "latex" / "peninsula.sty")]
latex_elements = {"preamble": r"\usepackage{peninsula}", "printindex": ""}
