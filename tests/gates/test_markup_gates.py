"""Bad-input rows of the essays' body: each mistake gives exactly its message
at its own line, fails this build and the next (nothing fixed in between), and
leaves the published site alone (tests/harness.py).

Every scheme (javascript:, data:, vbscript:) in every link syntax is refused
in tests/gates/test_markup_policy.py, in one build of a tiny project; here each
syntax and each scheme has one row through the whole gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import assert_refused, png

ESSAY = "articles/the-line.md"
RAW_FIX = "write Markdown instead (an image is ![alt text](path), a link is [text](https://...))"
LINK_FIX = "link to an http(s) address or a page of the corpus [markup.link]"


def edit(project: Path, old: str, new: str) -> None:
    essay = project / ESSAY
    text = essay.read_text()
    assert old in text, old
    essay.write_text(text.replace(old, new, 1))


def append(project: Path, paragraph: str) -> None:
    """A new paragraph, on line 19 of the essay."""
    essay = project / ESSAY
    text = essay.read_text()
    assert text.endswith("`kim2022missile`.\n") and text.count("\n") == 17
    essay.write_text(text + "\n" + paragraph + "\n")


def raw(what: str) -> str:
    return f"raw HTML ({what}) is not allowed in the corpus: {RAW_FIX} [markup.raw]"


ROWS = {
    # line 15 is the first line of the essay's paragraph, 16 its second, 17 its third
    "unknown cite key": (
        lambda p: edit(p, "`chang2015revisiting`", "`chang2015revisting`"),
        f"{ESSAY}:15: WARNING: unknown citation key 'chang2015revisting': did you mean "
        "'chang2015revisiting'? [citations.unknown_key]",
    ),
    "broken ref": (
        lambda p: edit(p, "<event-missile-barrage>", "<event-missile-barage>"),
        f"{ESSAY}:16: WARNING: unknown label 'event-missile-barage': did you mean "
        "'event-missile-barrage'? [ref.ref]",
    ),
    "broken term": (
        lambda p: edit(p, "`kim2022missile`.", "`kim2022missile`, near the {term}`NLX`."),
        f"{ESSAY}:17: WARNING: unknown glossary term 'NLX': did you mean 'NLL'? [ref.term]",
    ),
    "image without alt text": (
        lambda p: (png(p / "articles" / "map.png"), append(p, "![](map.png)")),
        f"{ESSAY}:19: WARNING: image 'map.png' has no alt text: say what it shows for readers "
        "who cannot see it, ![a map of the Northern Limit Line](map.png) [markup.alt]",
    ),
    "raw HTML block": (
        lambda p: append(p, '<div class="box">\nBoxed.\n</div>'),
        f"{ESSAY}:19: WARNING: {raw('<div>')}",
    ),
    "inline script": (
        lambda p: edit(p, "runs between", "runs <script>alert(1)</script> between"),
        f"{ESSAY}:15: WARNING: {raw('<script>')}",
    ),
    "iframe": (
        lambda p: edit(p, "`kim2022missile`.", '`kim2022missile` <iframe src="https://x.org">'),
        f"{ESSAY}:17: WARNING: {raw('<iframe>')}",
    ),
    "onclick attribute": (
        lambda p: edit(p, "A missile fell", '<span onclick="steal()">A missile</span> fell'),
        f"{ESSAY}:16: WARNING: {raw('<span> with an event handler onclick=')}",
    ),
    "javascript: inline link": (
        lambda p: edit(
            p, "`kim2022missile`.", "`kim2022missile`. [Read more](javascript:alert(1))"
        ),
        f"{ESSAY}:17: WARNING: link scheme 'javascript:' is not allowed: {LINK_FIX}",
    ),
    "data: reference-style link": (
        lambda p: append(p, "See [the map][m].\n\n[m]: data:text/html;base64,PHNjcmlwdD4="),
        f"{ESSAY}:19: WARNING: link scheme 'data:' is not allowed: {LINK_FIX}",
    ),
    "vbscript: autolink": (
        lambda p: edit(p, "runs between", "runs <vbscript:msgbox(1)> between"),
        f"{ESSAY}:15: WARNING: link scheme 'vbscript:' is not allowed: {LINK_FIX}",
    ),
    "javascript: target of a {ref}": (
        lambda p: edit(p, "<event-missile-barrage>", "<javascript:alert(1)>"),
        f"{ESSAY}:16: WARNING: link scheme 'javascript:' is not allowed: {LINK_FIX}",
    ),
    "essay in no toctree": (
        # outside articles/, no glob lists it
        lambda p: (p / "the-sea.md").write_text("# The Sea\n\nA draft essay.\n"),
        "the-sea.md:1: WARNING: document isn't included in any toctree: an essay belongs in "
        "articles/, whose essays the front page lists; another page must be listed in a "
        "toctree, or have 'orphan: true' in its front matter [toc.not_included]",
    ),
}


@pytest.mark.parametrize("row", list(ROWS))
def test_a_mistake_in_an_essay_is_refused(broken_copy, row):
    make_mistake, message = ROWS[row]
    make_mistake(broken_copy)
    assert_refused(broken_copy, [message])
