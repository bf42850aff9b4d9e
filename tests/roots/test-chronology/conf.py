from journal import *  # noqa: F403

extensions = [*extensions, "peninsula.works.citations", "peninsula.pages.chronology"]  # noqa: F405
html_theme = "furo"
latex_documents = [("index", "test.tex", "Test", "Editors", "manual")]
