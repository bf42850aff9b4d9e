extensions = ["myst_parser", "peninsula.markup_policy"]
exclude_patterns = ["_build"]
