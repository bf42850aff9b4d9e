"""The hosting configurations: Read the Docs and the GitHub Pages workflow,
read with a YAML parser and checked for what publishing depends on."""

from __future__ import annotations

import shlex

import pytest
import yaml
from conftest import REPO

STRICT = ["-W", "--keep-going", "-n"]


@pytest.fixture(scope="module")
def rtd() -> dict:
    return yaml.safe_load((REPO / ".readthedocs.yaml").read_text())


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text())


def sphinx_runs(commands: list[str]) -> list[list[str]]:
    return [shlex.split(c) for c in commands if c.startswith("python -m sphinx")]


def test_read_the_docs_uses_python_311_and_the_pinned_requirements(rtd):
    assert rtd["version"] == 2
    assert rtd["build"]["tools"]["python"] == "3.11"
    assert rtd["python"]["install"] == [{"requirements": "requirements.txt"}]
    assert rtd["sphinx"] == {"configuration": "conf.py", "fail_on_warning": True}


def test_read_the_docs_installs_what_tools_system_deps_names_for_the_pdf(rtd):
    script = (REPO / "tools/system-deps.sh").read_text()
    listed = script.split('pdf_packages="')[1].split('"')[0].split()
    assert sorted(rtd["build"]["apt_packages"]) == sorted(listed)


def test_read_the_docs_builds_pdfs_and_epub_then_html_strictly(rtd):
    html = rtd["build"]["jobs"]["build"]["html"]
    runs = sphinx_runs(html)
    # the publishing pass (make check STRICT=1's lint) before anything is built
    assert runs[0][3:] == [
        "-b",
        "lint",
        ".",
        "_build/lint",
        *STRICT,
        "-D",
        "peninsula_lint_strict=1",
    ]
    assert [run[3:7] for run in runs[1:]] == [
        ["-M", "latexpdf", ".", "_build"],
        ["-M", "epub", ".", "_build"],
        ["-M", "html", ".", "_build"],
    ]
    for run in runs[1:]:
        assert run[7:] == STRICT
    assert html[-1] == "cp -r _build/html $READTHEDOCS_OUTPUT/html"


def test_read_the_docs_offers_the_editions_as_its_one_pdf_and_one_epub(rtd):
    assert rtd["formats"] == ["pdf", "epub"]
    for kind, built in (
        ("pdf", "latex/peninsula-papers.pdf"),
        ("epub", "epub/peninsula-papers.epub"),
    ):
        steps = rtd["build"]["jobs"]["build"][kind]
        copies = [c for c in steps if c.startswith("cp ")]
        assert copies == [
            f"cp _build/{built} $READTHEDOCS_OUTPUT/{kind}/$READTHEDOCS_PROJECT.{kind}"
        ]


def test_workflow_runs_on_main_and_by_hand(workflow):
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in on
    assert workflow["concurrency"]["group"] == "pages"
    assert workflow["permissions"] == {"contents": "read"}


def test_workflow_tests_before_it_builds_and_deploys(workflow):
    build = workflow["jobs"]["build"]
    runs = [step.get("run", "").strip() for step in build["steps"]]
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    test, site = runs.index("make test"), runs.index("make site")
    pages = uses.index("actions/configure-pages")
    upload = uses.index("actions/upload-pages-artifact")
    assert test < pages < site < upload
    assert build["steps"][upload]["with"]["path"].endswith("_build/html")
    # root in Debian, so tools/system-deps.sh can install with apt-get
    assert build["container"]["image"].startswith("python:3.11-")
    # and may mount the tmpfs of the full-disk test, which must not skip
    assert "SYS_ADMIN" in build["container"]["options"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_workflow_passes_the_pages_address_as_the_base_url(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    site = next(s for s in steps if s.get("run", "").strip() == "make site")
    assert site["env"]["PENINSULA_BASE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/configure-pages"))
    assert pages["id"] == "pages"


def test_workflow_fetches_the_source_essays_beside_the_repository(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    checkouts = [s["with"] for s in steps if s.get("uses", "").startswith("actions/checkout")]
    assert [c["path"] for c in checkouts] == ["peninsula-papers", "shared"]
    assert checkouts[1]["repository"] == "${{ vars.PENINSULA_SHARED_REPOSITORY }}"
    test = next(s for s in steps if s.get("run", "").strip() == "make test")
    assert test["working-directory"] == "peninsula-papers"
