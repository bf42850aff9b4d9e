"""Any text an editor writes in a bib field builds, and is printed as meant.

Hypothesis writes titles, names, publishers and notes from LaTeX specials in
both the forms an editor tries (``&`` and ``\\&``...), accents as characters
and as commands, Hangul and punctuation. Each example goes through what a
build does with it: peninsula.works.bibfile reads and checks refs.bib (no problem
may be reported), the APA style formats the entry, and docutils' HTML and
LaTeX writers write it; the text must come out whole, correctly escaped. One
sample holding every token then goes through a real strict build to PDF with
xelatex, and pdftotext must find it. Hypothesis is derandomized, so CI sees
the same examples on every run.
"""

from __future__ import annotations

import copy
import functools
import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from conftest import strict_build
from docutils import nodes
from docutils.core import publish_from_doctree
from docutils.frontend import get_default_settings
from docutils.utils import new_document
from docutils.writers.html5_polyglot import Writer as HtmlWriter
from docutils.writers.latex2e import Writer as LatexWriter
from harness import PYTHONPATH
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from peninsula.works import apa
from peninsula.works.bibfile import read_bibfiles
from peninsula.works.citations import render

# docutils announces its 1.0 defaults from publish_from_doctree's own settings,
# once per example; the writers' output is what is tested, not their defaults
pytestmark = pytest.mark.filterwarnings("ignore:The default for the setting:FutureWarning")

# (what the editor writes, what the reader sees)
SPECIALS = [
    ("\\&", "&"),
    ("&", "&"),
    ("\\%", "%"),
    ("$", "$"),
    ("\\#", "#"),
    ("#", "#"),
    ("\\_", "_"),
    ("_", "_"),
    ("^", "^"),
    ("\\textasciitilde{}", "~"),
    ("\\textbackslash{}", "\\"),
    ("\\$", "$"),
    # BibTeX balances escaped braces too: printed braces come in pairs
    ("\\{x\\}", "{x}"),
]
ACCENTS = [
    ("\\'e", "é"),
    ('{\\"u}', "ü"),
    ("\\c{c}", "ç"),
    ("\\={o}", "ō"),
    ("\\v{s}", "š"),
    ("{\\o}", "ø"),
    ("é", "é"),
    ("Ü", "Ü"),
    ("ñ", "ñ"),
    ("ō", "ō"),
]
PUNCTUATION = [(c, c) for c in ".,;:!?()[]/*+=@"]
LETTERS = [(c, c) for c in "AaBbKkMmZz019"]
HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3).map(lambda c: (c, c))
TOKENS = st.one_of(
    st.sampled_from(SPECIALS),
    st.sampled_from(ACCENTS),
    st.sampled_from(PUNCTUATION),
    st.sampled_from(LETTERS),
    HANGUL,
)


@st.composite
def words(draw, max_words: int = 4) -> tuple[str, str]:
    """Words of tokens, one of them perhaps in braces (kept capitals, unprinted)."""
    written, shown = [], []
    for _ in range(draw(st.integers(1, max_words))):
        tokens = draw(st.lists(TOKENS, min_size=1, max_size=5))
        word = "".join(t[0] for t in tokens)
        if draw(st.booleans()):
            word = "{" + word + "}"
        written.append(word)
        shown.append("".join(t[1] for t in tokens))
    return " ".join(written), " ".join(shown)


@st.composite
def names(draw) -> tuple[str, str]:
    """A family name (printed whole) and given names (printed as initials)."""
    letters = st.sampled_from(ACCENTS + LETTERS[:8]) | HANGUL
    family = draw(st.lists(letters, min_size=1, max_size=4))
    given = draw(st.lists(st.sampled_from(LETTERS[:8]), min_size=1, max_size=3))
    return (
        "".join(t[0] for t in family) + ", " + "".join(t[0] for t in given),
        "".join(t[1] for t in family),
    )


def bib(title: str, author: str, publisher: str, note: str) -> str:
    return (
        "@book{sample2020text,\n"
        f"  author = {{{author}}},\n  title = {{{title}}},\n"
        f"  publisher = {{{publisher}}},\n  note = {{{note}}},\n  date = {{2020}},\n}}\n"
    )


def squash(text: str) -> str:
    """For comparing: case folded (titles are set in sentence case), NFC, one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def formatted(text: str) -> nodes.paragraph:
    """The entry as a build reads and formats it: through peninsula.works.bibfile."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "refs.bib"
        path.write_text(text, encoding="utf-8")
        result = read_bibfiles([path], "utf-8-sig")
    problems = [p.message for _, p in result.problems if p.subtype != "key"]
    assert problems == [] and not result.withheld, problems
    entry = result.data.entries["sample2020text"]
    return nodes.paragraph("", "", *render(apa.format_reference(entry, "2020")))


@functools.cache
def writer_settings(writer: type) -> Any:
    # building docutils' option parser is the slow part of publishing: once
    found = get_default_settings(writer)
    found.report_level = 5
    # docutils 1.0's defaults, stated, so that it does not warn about them
    found.use_latex_citations = True
    found.legacy_column_widths = False
    return found


def document(para: nodes.paragraph, writer: type) -> nodes.document:
    doc = new_document("sample", copy.copy(writer_settings(writer)))
    doc += para
    return doc


# docutils' LaTeX escapes, undone: what is left of each must be plain text
LATEX_ESCAPES = [
    ("\\textasciitilde{}", "~"),
    ("\\textasciicircum{}", "^"),
    ("\\textbackslash{}", "\\"),
    ("\\textquotedbl{}", '"'),
    ("{[}", "["),
    ("{]}", "]"),
    ("-{}", "-"),
] + [("\\" + c, c) for c in "&%$#_{}"]
UNESCAPED = re.compile(r"[&%$#_{}~^\\]")


def latex_body(para: nodes.paragraph) -> str:
    """The paragraph in LaTeX, its italics (markup, not text) left out."""
    for emphasis in list(para.findall(nodes.emphasis)):
        emphasis.replace_self(emphasis.children)
    out = publish_from_doctree(document(para, LatexWriter), writer=LatexWriter()).decode()
    return out.split("\\begin{document}", 1)[1].rsplit("\\end{document}", 1)[0].strip()


def unescape_latex(body: str) -> str:
    # one pass, left to right, so that an escape's output is never read again
    pattern = re.compile("|".join(re.escape(e) for e, _ in LATEX_ESCAPES))
    table = dict(LATEX_ESCAPES)
    rest = pattern.sub("", body)
    assert not UNESCAPED.search(rest), f"unescaped LaTeX special in {body!r}"
    return pattern.sub(lambda m: table[m.group()], body)


@settings(
    max_examples=400,
    derandomize=True,
    # derandomized examples need no memory between runs: no .hypothesis/ in the tree
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(title=words(), author=names(), publisher=words(2), note=words(3))
def test_any_field_text_is_printed_whole_in_html_and_latex(title, author, publisher, note):
    para = formatted(bib(title[0], author[0], publisher[0], note[0]))
    expected = [title[1], author[1], publisher[1], note[1]]

    page = publish_from_doctree(document(para.deepcopy(), HtmlWriter), writer=HtmlWriter())
    shown = squash(lxml_html.fromstring(page).text_content())
    for text in expected:
        assert squash(text) in shown

    latex = squash(unescape_latex(latex_body(para)))
    for text in expected:
        assert squash(text) in latex


def test_the_sample_of_every_token_builds_to_pdf_with_every_character(
    rootdir, tmp_path, monkeypatch
):
    written = " ".join(w for w, _ in SPECIALS + ACCENTS + PUNCTUATION) + " 한반도"
    shown = " ".join(s for _, s in SPECIALS + ACCENTS + PUNCTUATION) + " 한반도"
    srcdir = tmp_path / "bibproperty"
    shutil.copytree(rootdir / "test-bibproperty", srcdir)
    (srcdir / "refs.bib").write_text(
        bib("Sample text " + written, "김, Jae", "Press " + written, "Note " + written)
    )
    # the build runs in a subprocess: its conf.py imports peninsula from _ext
    monkeypatch.setenv("PYTHONPATH", PYTHONPATH)
    result = strict_build("latexpdf", tmp_path / "out", srcdir)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    pdf = tmp_path / "out" / "latex" / "sample.pdf"
    text = squash(pdf_text(pdf))
    assert squash("김") in text
    for prefix in ("sample text ", "press ", "note "):
        assert squash(prefix + shown) in text, text


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout


@pytest.mark.parametrize("tool", ["xelatex", "latexmk", "pdftotext"])
def test_the_pdf_tools_are_installed(tool):
    assert shutil.which(tool), f"{tool} is needed: run `make test`"
