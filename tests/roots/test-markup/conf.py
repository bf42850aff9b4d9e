from journal import *  # noqa: F403

extensions = [*extensions, "peninsula.gates.markup_policy", "peninsula.gates.strict"]  # noqa: F405
