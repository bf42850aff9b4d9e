"""A small copy of Peninsula Papers for the editorial gates' tests: one essay,
a few works, a glossary and a chronology, built with the repository's own
``conf.py``, its paths taken from the repository wherever this copy is (the
tests put the repository's ``_ext`` on the path: PYTHONPATH for a build in a
subprocess)."""

from pathlib import Path

import peninsula

REPO = Path(peninsula.__file__).resolve().parents[2]
CONF = REPO / "conf.py"
exec(compile(CONF.read_text(encoding="utf-8"), str(CONF), "exec"))

html_static_path = [str(REPO / path) for path in html_static_path]  # noqa: F821
templates_path = [str(REPO / path) for path in templates_path]  # noqa: F821
latex_additional_files = [str(REPO / path) for path in latex_additional_files]  # noqa: F821
exclude_patterns = ["_build"]
