extensions = ["myst_parser", "peninsula.markup_policy", "peninsula.strict"]
exclude_patterns = ["_build"]
