"""The reference and in-text forms of test entries, as the APA tests read them."""

from __future__ import annotations

from peninsula.works import apa


def reference(entries, labels, key: str, as_: str = "text") -> str:
    """The reference-list entry of *key*, rendered by a pybtex backend."""
    return apa.format_reference(entries[key], labels[key].year).render_as(as_)


def cite(labels, *keys: str, narrative: bool = False, introduced=None, **extra) -> str:
    """One citation of *keys*, parenthetical or narrative, as plain text."""
    works = [apa.Cited(labels[k], extra.get("pre", ""), extra.get("post", "")) for k in keys]
    segments = apa.format_citation(works, narrative, introduced)
    return "".join(text.render_as("text") for text, _ in segments)
