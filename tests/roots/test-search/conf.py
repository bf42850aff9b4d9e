from journal import *  # noqa: F403

language = "en"
extensions = [  # noqa: F405
    *extensions,  # noqa: F405
    "peninsula.records.essays",
    "peninsula.pages.browse",
    "peninsula.works.citations",
    "peninsula.pages.search",
]
html_theme = "furo"
