"""The bad-input table: each mistake an editor can make gives exactly its
message at its line, fails every build until it is fixed, and never touches the
published site (tests/harness.py). Rows for each kind of input live in the test
module of that input; this one holds the harness's own checks."""

from __future__ import annotations

from harness import assert_refused, messages, staged_build, tree_digest


def test_the_good_project_builds_and_rebuilds_clean(broken_copy):
    result = staged_build(broken_copy)
    assert result.returncode == 0 and messages(result, broken_copy) == [], result.stderr


def test_a_failed_build_publishes_nothing(broken_copy):
    essay = broken_copy / "articles" / "the-line.md"
    essay.write_text(
        essay.read_text().replace("{cite:p}`kim2022missile`", "{cite:p}`kim2022misile`")
    )
    assert_refused(
        broken_copy,
        [
            "articles/the-line.md:17: WARNING: unknown citation key 'kim2022misile': "
            "did you mean 'kim2022missile'? [citations.unknown_key]"
        ],
    )


def test_a_fixed_mistake_publishes_again(broken_copy):
    essay = broken_copy / "articles" / "the-line.md"
    good = essay.read_text()
    essay.write_text(good.replace("runs between", "runs, <b>bold</b>, between"))
    before = tree_digest(broken_copy / "_build" / "html")
    assert staged_build(broken_copy).returncode != 0
    essay.write_text(good.replace("runs between", "runs far out between"))
    result = staged_build(broken_copy)
    assert result.returncode == 0, result.stderr
    after = tree_digest(broken_copy / "_build" / "html")
    assert after["articles/the-line.html"] != before["articles/the-line.html"]
    page = (broken_copy / "_build" / "html" / "articles" / "the-line.html").read_text()
    assert "runs far out between" in page
