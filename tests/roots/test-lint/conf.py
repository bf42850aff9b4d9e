from journal import *  # noqa: F403

extensions = [
    *extensions,
    "peninsula.gates.lint",
    "peninsula.pages.browse",
    "peninsula.pages.chronology",
]  # noqa: F405
myst_title_to_header = False
peninsula_topics = {"sanctions": "Sanctions"}
