from journal import *  # noqa: F403

project = "A Collection"
peninsula_editors = "Editors of A Collection"
extensions = [  # noqa: F405
    *extensions,  # noqa: F405
    "peninsula.records.essays",
    "peninsula.pages.browse",
    "peninsula.works.citations",
    "peninsula.pages.pdfs",
]
html_theme = "furo"
html_baseurl = "https://example.org/papers/"
latex_documents = [("index", "collection.tex", "A Collection", "Its editors", "manual", True)]
latex_engine = "xelatex"
peninsula_topics = {"sanctions": "Sanctions"}
peninsula_licenses = {"CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")}
