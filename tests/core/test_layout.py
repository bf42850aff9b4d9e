"""The extension's layout: its modules grouped by the stages of the data path,
each stage importing only from the stages before it, and no import cycle.

Why this exists: the order is what lets a reader of one stage ignore every
stage after it, and it decays one convenient import at a time. Imports are
read with ``ast``, so an import inside a function counts, and so does
``app.setup_extension("peninsula...")``, which loads a module as surely as an
import does. ARCHITECTURE.md's code map names every stage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "_ext" / "peninsula"
#: the stages, from the first to the last: each may import the ones before it
STAGES = ["core", "works", "records", "pages", "theme", "gates"]


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def dependencies(path: Path, package: Path) -> set[str]:
    """The modules of the package *path* imports or sets up, by full name."""
    name = module_name(path, package)
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from x import y`: x, and y when it is a module of x
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setup_extension"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(node.args[0].value)
    root = package.name
    return {d for d in found if d == root or d.startswith(root + ".")} - {name}


def graph(package: Path) -> dict[str, set[str]]:
    modules = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    out = {}
    for name, path in modules.items():
        # a package imported for one of its modules is that module's import
        out[name] = {d for d in dependencies(path, package) if d in modules}
    return out


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def problems(package: Path) -> list[str]:
    """What breaks the layout: a module outside the stages, an import of a
    later stage, a cycle."""
    found = []
    modules = graph(package)
    for name, deps in sorted(modules.items()):
        stage = stage_of(name)
        if name != package.name and stage not in STAGES:
            found.append(f"{name} is in no stage ({', '.join(STAGES)})")
            continue
        for dep in sorted(deps):
            theirs = stage_of(dep)
            if stage and theirs in STAGES and STAGES.index(theirs) > STAGES.index(stage):
                found.append(f"{name} ({stage}) imports {dep} ({theirs}), a later stage")
    # cycles: a depth-first walk that meets a module still on its path
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for dep in sorted(modules[name]):
            if state.get(dep) == 1:
                cycle = path[path.index(dep) :] + [dep] if dep in path else [name, dep]
                found.append("import cycle: " + " -> ".join(cycle))
            elif dep not in state:
                visit(dep, [*path, dep])
        state[name] = 2

    for name in sorted(modules):
        if name not in state:
            visit(name, [name])
    return found


def test_every_module_is_in_a_stage_and_imports_only_earlier_stages():
    assert problems(PACKAGE) == []
    stages = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert stages == sorted(STAGES)
    assert [p.name for p in PACKAGE.glob("*.py")] == ["__init__.py"]


def test_the_check_finds_a_later_stage_imported_and_a_cycle(tmp_path):
    package = tmp_path / "peninsula"
    for stage in ("core", "pages"):
        (package / stage).mkdir(parents=True)
        (package / stage / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "core" / "dates.py").write_text("def f():\n    from ..pages import feed\n")
    (package / "pages" / "feed.py").write_text("from ..core.dates import f\n")
    (package / "pages" / "head.py").write_text(
        "def setup(app):\n    app.setup_extension('peninsula.pages.feed')\n"
    )
    (package / "loose.py").write_text("")
    found = problems(package)
    assert (
        "peninsula.core.dates (core) imports peninsula.pages.feed (pages), a later stage" in found
    )
    assert "peninsula.loose is in no stage (core, works, records, pages, theme, gates)" in found
    assert any(p.startswith("import cycle: ") and "peninsula.pages.feed" in p for p in found)
    assert graph(package)["peninsula.pages.head"] == {"peninsula.pages.feed"}


@pytest.mark.parametrize("stage", STAGES)
def test_the_architecture_names_each_stage(stage):
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert f"`_ext/peninsula/{stage}/`" in text


def test_conf_py_loads_modules_that_exist():
    tree = ast.parse((REPO / "conf.py").read_text(encoding="utf-8"))
    (extensions,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "extensions"
    ]
    ours = [e.value for e in extensions.elts if e.value.startswith("peninsula.")]
    assert ours
    for name in ours:
        assert (REPO / "_ext" / (name.replace(".", "/") + ".py")).is_file(), name


def test_every_test_file_is_collected():
    """Tests mirror the layout in folders; pytest skips some folder names
    (``build``, ``dist``, ``venv``...) unless told: every test file must run."""
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    collected = {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}
    files = {p.relative_to(REPO).as_posix() for p in (REPO / "tests").rglob("test_*.py")}
    files = {f for f in files if not f.startswith("tests/roots/")}
    assert collected == files
