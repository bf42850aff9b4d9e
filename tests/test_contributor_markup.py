"""A contributor's essay or page can name no file outside the project, use no
directive or role off the list, switch on no template or head tag, and take no
id the site gives (peninsula.markup_policy, peninsula.paths).

Each row is tried as an attacker would, on a copy of the gates project with a
secret file beside it: the build fails at the line of the mistake with exactly
one message, fails again on the next build, leaves the published site as it
was, and nothing of the secret reaches the staging folder either
(tests/gates.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gates import PNG, assert_refused, png, staged_build

ESSAY = "articles/the-line.md"
#: what no build may copy: it stands beside the project, as a key or a token would
SECRET = "peninsula-secret-7f3a"
ESSAY_DIRECTIVES = (
    "{admonition}, {epigraph}, {figure}, {image}, {important}, {list-table}, "
    "{note}, {pull-quote}, {seealso}, {table}, {tip}, {warning}"
)
ESSAY_ROLES = "{abbr}, {cite:p}, {cite:t}, {doc}, {download}, {numref}, {ref}, {sub}, {sup}, {term}"
PICTURE_FIX = "save it as PNG or JPEG beside the essay and give its path, ![what it shows](map.png)"
FILE_FIX = "put the file in the project, beside the essay, and link to it there"


def append(project: Path, block: str) -> None:
    """A new block, from line 19 of the essay."""
    essay = project / ESSAY
    text = essay.read_text()
    assert text.endswith("`kim2022missile`.\n") and text.count("\n") == 17
    essay.write_text(text + "\n" + block + "\n")


def directive(name: str, line: int = 19) -> str:
    return (
        f"{ESSAY}:{line}: WARNING: directive {{{name}}} is not allowed in an essay: write "
        f"Markdown, or use one of {ESSAY_DIRECTIVES} [markup.directive]"
    )


def picture(target: str, why: str, line: int = 19, subtype: str = "outside") -> str:
    return (
        f"{ESSAY}:{line}: WARNING: picture {target!r} is refused: {why}: {PICTURE_FIX} "
        f"[paths.{subtype}]"
    )


def linked_file(target: str, why: str, line: int = 19) -> str:
    return (
        f"{ESSAY}:{line}: WARNING: link to the file {target!r} is refused: {why}: {FILE_FIX} "
        "[paths.outside]"
    )


def symlink(project: Path, name: str, target: str) -> None:
    os.symlink(target, project / name)


def hidden_file(project: Path) -> None:
    (project / ".git").mkdir(exist_ok=True)
    (project / ".git" / "config").write_text(f"[credential]\n\ttoken = {SECRET}\n")


OUTSIDE = "it is outside the project"
SYMLINK = "it leads outside the project through a symlink"
HIDDEN = "it is in a hidden file or folder"


def not_a_png(project: Path) -> None:
    (project / "articles" / "secret.png").write_text(f"{SECRET}\n")


def svg(project: Path) -> None:
    (project / "articles" / "map.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')


def nothing(project: Path) -> None:
    pass


#: name: (what to set up, the block appended to the essay, its message given
#: the block's first line)
FILES = {
    "picture outside": (
        nothing,
        "![a picture](../../secret.txt)",
        lambda n: picture("../../secret.txt", OUTSIDE, n),
    ),
    "PNG outside, from the project's root": (
        nothing,
        "![a map](/../secret.png)",
        lambda n: picture("/../secret.png", OUTSIDE, n),
    ),
    "picture through a symlink": (
        lambda p: symlink(p, "articles/map.png", "../../secret.png"),
        "![a map](map.png)",
        lambda n: picture("map.png", SYMLINK, n),
    ),
    "folder symlink": (
        lambda p: symlink(p, "articles/figures", "../.."),
        "![a map](figures/secret.png)",
        lambda n: picture("figures/secret.png", SYMLINK, n),
    ),
    "picture in a hidden folder": (
        hidden_file,
        "![the settings](../.git/config)",
        lambda n: picture("../.git/config", HIDDEN, n),
    ),
    "picture from the build folder": (
        nothing,
        "![a page](../_build/html/_static/peninsula.css)",
        lambda n: picture(
            "../_build/html/_static/peninsula.css",
            "it is in _build/, which builds and package managers write",
            n,
        ),
    ),
    "a file that is not a picture": (
        not_a_png,
        "![a map](secret.png)",
        lambda n: picture("secret.png", "the file is not a PNG picture", n, "picture"),
    ),
    "a picture format the PDF cannot show": (
        svg,
        "![a map](map.svg)",
        lambda n: picture("map.svg", ".svg is not a picture format of the corpus", n, "picture"),
    ),
    "figure outside": (
        nothing,
        "```{figure} ../../secret.png\n:alt: a map\n\nThe map.\n```",
        lambda n: picture("../../secret.png", OUTSIDE, n),
    ),
    "Markdown link to a file outside": (
        nothing,
        "See [the data](../../secret.txt).",
        lambda n: linked_file("../../secret.txt", OUTSIDE, n),
    ),
    "{download} outside": (
        nothing,
        "See {download}`the data <../../secret.txt>`.",
        lambda n: linked_file("../../secret.txt", OUTSIDE, n),
    ),
    "link to a hidden file": (
        hidden_file,
        "See [the settings](../.git/config).",
        lambda n: linked_file("../.git/config", HIDDEN, n),
    ),
}
DIRECTIVES = {
    "{include} :literal:": (
        nothing,
        "```{include} ../../secret.txt\n:literal:\n```",
        lambda n: directive("include", n),
    ),
    "{literalinclude}": (
        nothing,
        "```{literalinclude} ../../secret.txt\n```",
        lambda n: directive("literalinclude", n),
    ),
    "{literalinclude} inside the project": (
        nothing,
        "```{literalinclude} ../conf.py\n```",
        lambda n: directive("literalinclude", n),
    ),
    "{csv-table} :file:": (
        nothing,
        "```{csv-table} Data\n:file: ../../secret.txt\n```",
        lambda n: directive("csv-table", n),
    ),
    "{raw} :file:": (
        nothing,
        "```{raw} html\n:file: ../../secret.txt\n```",
        lambda n: directive("raw", n),
    ),
    "colon fence": (
        nothing,
        ":::{literalinclude} ../../secret.txt\n:::",
        lambda n: directive("literalinclude", n),
    ),
    "nested in an allowed directive": (
        nothing,
        "::::{note}\nA note.\n\n```{include} ../../secret.txt\n```\n::::",
        lambda n: directive("include", n + 3),
    ),
    "{eval-rst} with an include": (
        nothing,
        "```{eval-rst}\n.. include:: ../../secret.txt\n```",
        lambda n: (
            f"{ESSAY}:{n}: WARNING: an {{eval-rst}} block is not allowed in the corpus: write "
            "Markdown instead [markup.directive]"
        ),
    ),
    "{toctree} in an essay": (
        nothing,
        "```{toctree}\n../glossary\n```",
        lambda n: directive("toctree", n),
    ),
    "a role off the list": (
        nothing,
        "Press {kbd}`Ctrl`.",
        lambda n: (
            f"{ESSAY}:{n}: WARNING: role {{kbd}} is not allowed in an essay: use one of "
            f"{ESSAY_ROLES} [markup.role]"
        ),
    ),
}
RESERVED = (
    "is the site's own: it names what the build adds to the page (references, citations, "
    "the cite box); choose another label, or reword the heading [markup.label]"
)
IDS = {
    "label of a References entry": (
        nothing,
        "(ref-chang2015revisiting)=\n## More",
        lambda n: f"{ESSAY}:{n + 1}: WARNING: heading id 'ref-chang2015revisiting' {RESERVED}",
    ),
    "label of the cite box": (
        nothing,
        "(cite-this-essay)=\nA paragraph.",
        lambda n: f"{ESSAY}:{n + 1}: WARNING: label id 'cite-this-essay' {RESERVED}",
    ),
    "name of a figure": (
        lambda p: png(p / "articles" / "map.png"),
        "```{figure} map.png\n:alt: a map\n:name: ref-kim2022missile\n\nThe map.\n```",
        lambda n: f"{ESSAY}:{n}: WARNING: label id 'ref-kim2022missile' {RESERVED}",
    ),
}
#: a heading takes the id of its words unless a label has it already
HEADINGS = {
    "heading of the cite box": (
        nothing,
        "## Cite this essay",
        lambda n: f"{ESSAY}:{n}: WARNING: heading id 'cite-this-essay' {RESERVED}",
    ),
}


def make_mistakes(project: Path, rows: dict) -> list[str]:
    """Every row's block appended to the essay, one after the other; the
    messages expected, in no particular order."""
    essay = project / ESSAY
    text = essay.read_text()
    line = text.count("\n") + 2  # after a blank line
    expected = []
    for setup, block, message in rows.values():
        setup(project)
        text += "\n" + block + "\n"
        expected.append(message(line))
        line += block.count("\n") + 2
    essay.write_text(text)
    return expected


@pytest.fixture
def hostile_copy(broken_copy) -> Path:
    """The gates project, with a secret beside it (one folder up), as text and
    as a PNG, that no build may publish."""
    outside = broken_copy.parent
    (outside / "secret.txt").write_text(f"{SECRET}\n")
    (outside / "secret.png").write_bytes(PNG + SECRET.encode())
    return broken_copy


def assert_secret_kept(project: Path) -> None:
    leaked = [
        path.relative_to(project).as_posix()
        for path in (project / "_build").rglob("*")
        if path.is_file() and SECRET.encode() in path.read_bytes()
    ]
    assert leaked == []


@pytest.mark.parametrize(
    "rows",
    [FILES, DIRECTIVES, IDS, HEADINGS],
    ids=["files named", "directives and roles", "labels", "headings"],
)
def test_a_contributor_cannot_reach_outside_the_markup(hostile_copy, rows):
    """Every mistake of a kind in one essay: each gives its own message, at its
    own line, and the others do not hide it."""
    expected = make_mistakes(hostile_copy, rows)
    assert len(set(expected)) == len(rows)
    assert_refused(hostile_copy, sorted(expected), in_any_order=True)
    assert_secret_kept(hostile_copy)


def test_an_essay_that_is_a_symlink_outside_is_not_read(hostile_copy):
    outside = hostile_copy.parent / "outside.md"
    outside.write_text(f"# Outside\n\n{SECRET}\n")
    symlink(hostile_copy, "articles/outside.md", "../../outside.md")
    assert_refused(
        hostile_copy,
        [
            "articles/outside.md:1: WARNING: the page is refused: it leads outside the project "
            "through a symlink: keep essays and pages as files inside the project "
            "[paths.outside]"
        ],
    )
    assert_secret_kept(hostile_copy)


PAGE_SETTING = (
    "WARNING: front-matter key {key!r} is not allowed: a page may not change how it is parsed "
    "or add head tags; remove it (settings belong in conf.py) [markup.front_matter]"
)


def test_a_page_cannot_switch_on_templates_or_head_tags(hostile_copy):
    page = hostile_copy / "glossary.md"
    front_matter = (
        "orphan: false\n"
        "myst:\n"
        "  enable_extensions: [substitution]\n"
        "  substitutions:\n"
        "    seven: '{{ 7*7 }}'\n"
        "  html_meta:\n"
        '    "http-equiv=refresh": "0; url=https://evil.example/"\n'
        'html_meta:\n  "http-equiv=refresh": "0; url=https://evil.example/"\n'
        "substitutions:\n  config: '{{ env.config.project }}'\n"
    )
    page.write_text(f"---\n{front_matter}---\n" + page.read_text() + "\n{{ 7*7 }} {{ config }}\n")
    assert_refused(
        hostile_copy,
        [
            "glossary.md:3: " + PAGE_SETTING.format(key="myst"),
            "glossary.md:9: " + PAGE_SETTING.format(key="html_meta"),
            "glossary.md:11: " + PAGE_SETTING.format(key="substitutions"),
        ],
    )
    # what the failed build made of the page: no template ran, no tag was added
    staged = (hostile_copy / "_build" / ".staging" / "html" / "glossary.html").read_text()
    assert "{{ 7*7 }} {{ config }}" in staged and ">49" not in staged
    assert "refresh" not in staged


def test_a_glossary_term_is_text_refused_at_its_own_line(hostile_copy):
    page = hostile_copy / "glossary.md"
    text = page.read_text()
    assert text.endswith("```\n")
    page.write_text(
        text[: -len("```\n")]
        + "\n[Evil](https://evil.example/)\n  A term that is a link.\n"
        + "\nBold <b>term</b>\n  Raw HTML in a term.\n```\n"
    )
    lines = page.read_text().splitlines()
    link_line = lines.index("[Evil](https://evil.example/)") + 1
    raw_line = lines.index("Bold <b>term</b>") + 1
    assert_refused(
        hostile_copy,
        [
            f"glossary.md:{link_line}: WARNING: glossary term 'Evil' holds markup (reference): "
            "write the term as plain text; links and citations belong in its definition "
            "[markup.term]",
            f"glossary.md:{raw_line}: WARNING: raw HTML (<b>) is not allowed in the corpus: "
            "write Markdown instead (an image is ![alt text](path), a link is [text](https://...)) "
            "[markup.raw]",
        ],
    )


def test_allowed_markup_and_files_inside_the_project_build(hostile_copy):
    """What the list allows still works: a figure and a picture beside the
    essay, a link to a data file in the project, an admonition and a table."""
    png(hostile_copy / "articles" / "map.png")
    (hostile_copy / "articles" / "data.csv").write_text("year,launches\n2022,25\n")
    append(
        hostile_copy,
        "![a map of the line](map.png)\n\n"
        "```{figure} map.png\n:alt: the line again\n\nThe line.\n```\n\n"
        "See [the data](data.csv).\n\n"
        ":::{note}\nA note.\n:::\n\n"
        "```{list-table}\n* - year\n  - launches\n* - 2022\n  - 25\n```",
    )
    result = staged_build(hostile_copy)
    assert result.returncode == 0, result.stderr
    html = hostile_copy / "_build" / "html"
    page = (html / "articles" / "the-line.html").read_text()
    assert 'alt="a map of the line"' in page and 'alt="the line again"' in page
    assert (html / "_images" / "map.png").is_file()
    assert list(html.glob("_downloads/*/data.csv"))
    assert 'class="admonition note"' in page


def test_an_essays_file_name_is_its_slug(hostile_copy):
    """The file name is the essay's address in the sitemap, the feed and the
    cite files: a name that would need escaping there is refused."""
    (hostile_copy / ESSAY).rename(hostile_copy / "articles" / "The Line {at} Sea%.md")
    assert_refused(
        hostile_copy,
        [
            "articles/The Line {at} Sea%.md:1: WARNING: the essay's file name "
            "'The Line {at} Sea%.md' is not a slug: rename it with lower-case letters, digits "
            "and hyphens, as articles/the-line-at-sea.md [essays.file_name]"
        ],
    )


def test_an_absolute_path_and_a_language_variant_are_held_to_the_project(hostile_copy):
    """Sphinx takes ``//tmp/x`` for the absolute path /tmp/x, and shows
    ``map.en.png`` in place of ``map.png`` when it exists: both are checked
    as the files Sphinx would copy."""
    secret = hostile_copy.parent / "secret.png"
    png(hostile_copy / "articles" / "map.png")
    symlink(hostile_copy, "articles/map.en.png", "../../secret.png")
    essay = hostile_copy / ESSAY
    essay.write_text(
        essay.read_text()
        + f"\n![a map](/{secret})\n\nSee [the data](/{secret}).\n\n![a map of the line](map.png)\n"
    )
    assert_refused(
        hostile_copy,
        sorted(
            [
                picture(f"/{secret}", OUTSIDE, 19),
                linked_file(f"/{secret}", OUTSIDE, 21),
                picture("map.png", SYMLINK, 23),
            ]
        ),
        in_any_order=True,
    )
    assert_secret_kept(hostile_copy)
