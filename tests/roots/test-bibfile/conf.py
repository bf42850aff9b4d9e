from journal import *  # noqa: F403

extensions = [*extensions, "peninsula.works.bibfile"]  # noqa: F405
