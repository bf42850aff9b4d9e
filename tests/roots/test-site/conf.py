from journal import *  # noqa: F403

author = "Editors of The Journal"
copyright = "2026, the editors of The Journal"
language = "en"
html_baseurl = "https://journal.example.org/papers"  # no final slash: it is added where needed
extensions = [*extensions, "peninsula.pages.feed", "peninsula.pages.browse", "peninsula.pages.site"]  # noqa: F405
html_theme = "furo"
peninsula_feed_subtitle = "Essays of The Journal"
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]
