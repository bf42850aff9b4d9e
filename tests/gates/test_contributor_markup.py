"""A contributor's essay or page can name no file outside the project, use no
directive or role off the list, switch on no template or head tag, and take no
id the site gives (peninsula.gates.markup_policy, peninsula.gates.paths).

Each row is tried as an attacker would, on a copy of the gates project with a
secret file beside it: the build fails at the line of the mistake with exactly
one message, fails again on the next build, leaves the published site as it
was, and nothing of the secret reaches the staging folder either
(tests/harness.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from harness import PNG, REPO, assert_refused, png, readable_bytes, staged_build
from peninsula.gates.markup_policy import (
    ESSAY_DIRECTIVES,
    ESSAY_ROLES,
    PAGE_DIRECTIVES,
    PAGE_ROLES,
    PAGE_SETTINGS,
    RESERVED_ID_PREFIXES,
    RESERVED_IDS,
)
from peninsula.works.citations import REFERENCES_ID

ESSAY = "articles/the-line.md"
#: what no build may copy: it stands beside the project, as a key or a token would
SECRET = "peninsula-secret-7f3a"
LISTED_DIRECTIVES = (
    "{admonition}, {epigraph}, {figure}, {image}, {important}, {list-table}, "
    "{note}, {pull-quote}, {seealso}, {table}, {tip}, {warning}"
)
LISTED_ROLES = (
    "{abbr}, {cite:p}, {cite:t}, {doc}, {download}, {numref}, {ref}, {sub}, {sup}, {term}"
)
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
        f"Markdown, or use one of {LISTED_DIRECTIVES} [markup.directive]"
    )


def picture(
    target: str, why: str, line: int = 19, subtype: str = "outside", page: str = ESSAY
) -> str:
    return (
        f"{page}:{line}: WARNING: picture {target!r} is refused: {why}: {PICTURE_FIX} "
        f"[paths.{subtype}]"
    )


def linked_file(target: str, why: str, line: int = 19, page: str = ESSAY) -> str:
    return (
        f"{page}:{line}: WARNING: link to the file {target!r} is refused: {why}: {FILE_FIX} "
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


def essay_plan(project: Path) -> None:
    """A picture of the essay's (map.png is another row's symlink)."""
    png(project / "articles" / "plan.png")


def page_map(project: Path) -> None:
    png(project / "map.png")


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
    "{image} outside": (
        nothing,
        "```{image} ../../secret.png\n:alt: a map\n```",
        lambda n: picture("../../secret.png", OUTSIDE, n),
    ),
    "{image} :target: outside": (
        essay_plan,
        "```{image} plan.png\n:alt: a map\n:target: ../../secret.txt\n```",
        lambda n: linked_file("../../secret.txt", OUTSIDE, n),
    ),
    "{figure} :target: outside, its dots escaped": (
        essay_plan,
        "```{figure} plan.png\n:alt: a map\n:target: %2E%2E/%2E%2E/secret.txt#top\n\nThe map.\n```",
        lambda n: linked_file("%2E%2E/%2E%2E/secret.txt#top", OUTSIDE, n),
    ),
}
#: the same, in a page of the site's own (glossary.md, in the project's root),
#: whose pictures need not be PNG or JPEG but are held to the project alike
PAGE = "glossary.md"
PAGE_FILES = {
    "picture outside": (
        nothing,
        "![a picture](../secret.txt)",
        lambda n: picture("../secret.txt", OUTSIDE, n, page=PAGE),
    ),
    "{image} outside": (
        nothing,
        "```{image} ../secret.png\n:alt: a map\n```",
        lambda n: picture("../secret.png", OUTSIDE, n, page=PAGE),
    ),
    "picture through a folder symlink": (
        lambda p: symlink(p, "figures", ".."),
        "![a map](figures/secret.png)",
        lambda n: picture("figures/secret.png", SYMLINK, n, page=PAGE),
    ),
    "{download} outside": (
        nothing,
        "See {download}`the data <../secret.txt>`.",
        lambda n: linked_file("../secret.txt", OUTSIDE, n, page=PAGE),
    ),
    "Markdown link to a file outside": (
        nothing,
        "See [the data](../secret.txt).",
        lambda n: linked_file("../secret.txt", OUTSIDE, n, page=PAGE),
    ),
    "{image} :target: outside": (
        page_map,
        "```{image} map.png\n:alt: a map\n:target: ../secret.txt\n```",
        lambda n: linked_file("../secret.txt", OUTSIDE, n, page=PAGE),
    ),
    "{figure} :target: outside": (
        page_map,
        "```{figure} map.png\n:alt: a map\n:target: ../secret.txt\n\nThe map.\n```",
        lambda n: linked_file("../secret.txt", OUTSIDE, n, page=PAGE),
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
            f"{LISTED_ROLES} [markup.role]"
        ),
    ),
}
RESERVED = (
    "is the site's own: it names what the build adds to the page (references, citations, "
    "the cite box); choose another label, or reword the heading [markup.label]"
)
#: a label is reported at its own line, not at the heading or paragraph it names
IDS = {
    "label of a References entry": (
        nothing,
        "(ref-chang2015revisiting)=\n## More",
        lambda n: f"{ESSAY}:{n}: WARNING: label id 'ref-chang2015revisiting' {RESERVED}",
    ),
    "label of the cite box": (
        nothing,
        "(cite-this-essay)=\nA paragraph.",
        lambda n: f"{ESSAY}:{n}: WARNING: label id 'cite-this-essay' {RESERVED}",
    ),
    "label of the search box, above another label": (
        nothing,
        "(searchbox)=\n(the-search)=\n## Searching",
        lambda n: f"{ESSAY}:{n}: WARNING: label id 'searchbox' {RESERVED}",
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


def make_mistakes(project: Path, rows: dict, page: str = ESSAY) -> list[str]:
    """Every row's block appended to *page*, one after the other; the
    messages expected, in no particular order."""
    essay = project / page
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
    """No file of the build holds the secret, read as a search client reads
    it: Pagefind's index and fragments decompressed (readable_bytes)."""
    leaked = []
    seen_in_search = False
    for path in (project / "_build").rglob("*"):
        if not path.is_file():
            continue
        data = readable_bytes(path)
        leaked += [path.relative_to(project).as_posix()] if SECRET.encode() in data else []
        seen_in_search |= "pagefind" in path.parts and b"runs between the islands" in data
    assert leaked == []
    # the search index was read as text: a leak into it would have been seen
    assert seen_in_search


@pytest.mark.parametrize(
    ("page", "rows"),
    [(ESSAY, FILES), (PAGE, PAGE_FILES), (ESSAY, DIRECTIVES), (ESSAY, IDS), (ESSAY, HEADINGS)],
    ids=["files named", "files named in a page", "directives and roles", "labels", "headings"],
)
def test_a_contributor_cannot_reach_outside_the_markup(hostile_copy, page, rows):
    """Every mistake of a kind in one essay (or page): each gives its own
    message, at its own line, and the others do not hide it."""
    expected = make_mistakes(hostile_copy, rows, page)
    assert len(set(expected)) == len(rows)
    assert_refused(hostile_copy, sorted(expected), in_any_order=True)
    assert_secret_kept(hostile_copy)


@pytest.mark.parametrize(
    ("page", "target"),
    [("articles/outside.md", "../../outside.md"), ("index.md", "../outside.md")],
    ids=["an essay", "the root page"],
)
def test_a_page_that_is_a_symlink_outside_is_not_read(hostile_copy, page, target):
    """Sphinx cannot build without its root page (index.md): refused, it ends
    the build with its message, not a traceback."""
    outside = hostile_copy.parent / "outside.md"
    outside.write_text(f"# Outside\n\n{SECRET}\n")
    (hostile_copy / page).unlink(missing_ok=True)
    symlink(hostile_copy, page, target)
    assert_refused(
        hostile_copy,
        [
            f"{page}:1: WARNING: the page is refused: it leads outside the project "
            "through a symlink: keep essays and pages as files inside the project "
            "[paths.outside]"
        ],
    )
    assert_secret_kept(hostile_copy)


PAGE_SETTING = (
    "WARNING: front-matter key {key!r} is not allowed: a page may not change how it is parsed "
    "or add head tags; remove it (settings belong in conf.py) [markup.front_matter]"
)


#: the settings, as a page's front matter would write them: (the lines, the
#: line of each setting in them, the line of each field an essay's front
#: matter does not have); written plainly
SETTINGS = (
    "myst:\n"
    "  enable_extensions: [substitution]\n"
    "  substitutions:\n"
    "    seven: '{{ 7*7 }}'\n"
    "  html_meta:\n"
    '    "http-equiv=refresh": "0; url=https://evil.example/"\n'
    'html_meta:\n  "http-equiv=refresh": "0; url=https://evil.example/"\n'
    "substitutions:\n  config: '{{ env.config.project }}'\n",
    {"myst": 1, "html_meta": 7, "substitutions": 9},
    {"myst": 1, "html_meta": 7, "substitutions": 9},
)
#: and written as YAML also allows: a quoted key, a merge key, a complex key
SETTINGS_OTHERWISE = (
    '"html_meta":\n  "http-equiv=refresh": "0; url=https://evil.example/"\n'
    "<<: {substitutions: {config: '{{ env.config.project }}'}}\n"
    "? myst\n"
    ": {enable_extensions: [substitution], substitutions: {seven: '{{ 7*7 }}'}}\n",
    {"html_meta": 1, "substitutions": 3, "myst": 4},
    {"html_meta": 1, "<<": 3, "myst": 4},
)
TEMPLATES = "\n{{ 7*7 }} {{ config }}\n"


def assert_no_template_ran(staged_page: Path) -> None:
    """What the failed build made of the page: no template ran, no tag was added."""
    staged = staged_page.read_text()
    assert "{{ 7*7 }} {{ config }}" in staged and ">49" not in staged
    assert "refresh" not in staged and "evil.example" not in staged


@pytest.mark.parametrize("settings", [SETTINGS, SETTINGS_OTHERWISE], ids=["plain", "otherwise"])
def test_a_page_cannot_switch_on_templates_or_head_tags(hostile_copy, settings):
    block, lines, _ = settings
    page = hostile_copy / PAGE
    page.write_text(f"---\norphan: false\n{block}---\n" + page.read_text() + TEMPLATES)
    # after the opening --- and orphan: false
    at = {key: line + 2 for key, line in lines.items()}
    assert_refused(
        hostile_copy,
        [
            f"{PAGE}:{at[key]}: " + PAGE_SETTING.format(key=key)
            for key in sorted(lines, key=at.__getitem__)
        ],
    )
    assert_no_template_ran(hostile_copy / "_build" / ".staging" / "html" / "glossary.html")


ESSAY_FIELD = (
    "WARNING: front matter: unknown field {key!r}: the fields are title, subtitle, authors, "
    "date, abstract, topics, source, license, image, history [essays.front_matter]"
)


@pytest.mark.parametrize("settings", [SETTINGS, SETTINGS_OTHERWISE], ids=["plain", "otherwise"])
def test_an_essay_cannot_switch_on_templates_or_head_tags(hostile_copy, settings):
    """An essay's front matter is the essay's record: a setting is a field it
    does not have, and MyST never reads the block."""
    block, _, fields = settings
    essay = hostile_copy / ESSAY
    text = essay.read_text()
    assert "license: CC-BY-4.0\n---\n" in text
    essay.write_text(
        text.replace("license: CC-BY-4.0\n", "license: CC-BY-4.0\n" + block) + TEMPLATES
    )
    # after the essay's nine lines of front matter
    assert_refused(
        hostile_copy,
        [
            f"{ESSAY}:{line + 9}: " + ESSAY_FIELD.format(key=key)
            for key, line in sorted(fields.items(), key=lambda item: item[1])
        ],
    )
    assert_no_template_ran(
        hostile_copy / "_build" / ".staging" / "html" / "articles" / "the-line.html"
    )


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


def test_the_readme_lists_what_the_policy_allows():
    """docs/security.md's table of directives and roles and its list of the ids the
    site keeps are those markup_policy.py enforces."""
    readme = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    section = readme.split("\n## What a contributor can and cannot do\n", 1)[1].split("\n## ")[0]
    table = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] in ("directives", "roles"):
            table[cells[0]] = [set(re.findall(r"`\{([^}`]+)\}`", cell)) for cell in cells[1:]]
    assert table == {
        "directives": [set(ESSAY_DIRECTIVES), set(PAGE_DIRECTIVES - ESSAY_DIRECTIVES)],
        "roles": [set(ESSAY_ROLES), set(PAGE_ROLES - ESSAY_ROLES)],
    }
    text = " ".join(section.split())
    ids = re.search(r"may not take an id the build gives: (.*?), or one starting (.*?)\. ", text)
    assert ids, "the README no longer says which ids the build gives"
    assert set(re.findall(r"`([^`]+)`", ids[1])) == RESERVED_IDS | {REFERENCES_ID}
    assert set(re.findall(r"`([^`]+)`", ids[2])) == set(RESERVED_ID_PREFIXES)
    settings = re.search(r"\*\*Settings and ids\.\*\* (.*?) are refused\.", text)
    assert settings, "the README no longer says which front-matter settings are refused"
    assert set(re.findall(r"`(\w+):?`", settings[1])) == set(PAGE_SETTINGS)
