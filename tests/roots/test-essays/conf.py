from journal import *  # noqa: F403

extensions = [  # noqa: F405
    *extensions,  # noqa: F405
    "peninsula.records.essays",
    "peninsula.works.citations",
    "peninsula.pages.bibliography",
    "peninsula.pages.browse",
    "peninsula.pages.cite",
    "peninsula.pages.head",
    "sphinx_copybutton",
]
html_theme = "furo"
copybutton_selector = "div.cite-copy pre, p.cite-copy"
