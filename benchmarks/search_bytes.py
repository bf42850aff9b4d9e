"""Bytes a reader's browser fetches for one search query, on a built site.

Why this exists: the search's budget is a figure of what readers download, not
of time (300 KB per query at 200 essays of 2,000 words, after the page itself).
This opens a search's address (``search.html?q=...&topic=...``, as a reader
follows a shared link or submits the sidebar's box) in Chromium with an empty
cache, waits for the results, and adds up the bodies of everything the search
fetched: Pagefind's script and WebAssembly, its entry and metadata files, the
index and filter chunks, and the fragments of the results shown. The page's own
HTML, CSS and scripts are not counted. Bodies are counted as served, without
the gzip a host adds on top (Pagefind's chunks are compressed already), so the
figure is an upper bound.

    python benchmarks/search_bytes.py SITE_HTML_DIR [QUERY ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import DESKTOP, launch, serve  # noqa: E402

#: the query part of a search's address: a common word, a rarer one, an exact
#: phrase, words with a filter, and a filter alone (listed from pagefind/essays/)
QUERIES = [
    "q=diplomacy",
    "q=sanctions",
    'q="maximum pressure"',
    "q=nuclear+talks&year=2019",
    "topic=Sanctions",
]


def measure(site: str, browser, query: str) -> dict:
    """One query in a fresh browser profile: what the search fetched."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    fetched: list[tuple[str, int]] = []

    def note(request) -> None:
        path = urlsplit(request.url).path
        if "/pagefind/" in path:
            fetched.append((path.rsplit("/pagefind/", 1)[1], request.sizes()["responseBodySize"]))

    page.on("requestfinished", note)
    page.goto(f"{site}/search.html?{query}")
    # the site's Content-Security-Policy forbids eval, so no wait_for_function
    expect(page.locator("#search-status")).not_to_be_empty(timeout=30_000)
    page.wait_for_load_state("networkidle")
    results = page.locator("li.search-result").count()
    status = page.locator("#search-status").inner_text()
    context.close()
    kinds: dict[str, int] = {}
    for name, size in fetched:
        kind = name.split("/")[0] if "/" in name else name.rsplit(".", 1)[-1]
        kinds[kind] = kinds.get(kind, 0) + size
    return {
        "query": query,
        "status": status,
        "results_shown": results,
        "requests": len(fetched),
        "bytes": sum(size for _, size in fetched),
        "by_kind": kinds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built HTML, e.g. _build/html")
    parser.add_argument("queries", nargs="*", default=QUERIES)
    parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with serve(args.site) as site, sync_playwright() as p:
        browser = launch(p)
        rows = [measure(site, browser, q) for q in args.queries]
        browser.close()
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{'query':32} {'results':>8} {'requests':>8} {'KB':>8}")
    for row in rows:
        print(
            f"{row['query']:32} {row['results_shown']:>8} {row['requests']:>8} "
            f"{row['bytes'] / 1000:>8.1f}"
        )


if __name__ == "__main__":
    main()
