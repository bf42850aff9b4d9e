from journal import *  # noqa: F403

extensions = [*extensions, "peninsula.works.citations", "peninsula.theme.previews"]  # noqa: F405
html_theme = "furo"
