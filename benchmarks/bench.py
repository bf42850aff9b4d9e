"""What our build costs, against plain Sphinx on the same essays: ``make bench``.

Why this exists: the project's performance goals are ratios to a floor, plain
Sphinx + myst-parser + furo building the same essays with their citations
reduced to text, measured in the same run on the same machine, so that a
slower or busier machine moves both sides alike. This script generates both
corpora (benchmarks/corpus.py: N essays of ~2,000 words with 20 citations,
a refs.bib of M works; in ours every essay published in the versions lock and
one in ten with a second version), builds each, and reports every goal of the
editor's loop as a Markdown table (ours, floor, ratio, goal, PASS/MISS) and as
JSON, with the machine's load average before and after. It reports figures;
the tests check that it measures what it says (tests/bench/test_bench.py), never how
fast anything is.

How it measures:

* ours is built exactly as an editor builds it. ``make html`` is
  ``tools/build.py html $(SPHINXOPTS)`` (a staged build, then publishing),
  and ``make latexpdf`` is ``tools/system-deps.sh pdf`` then
  ``tools/build.py latexpdf $(SPHINXOPTS)``; both are run so here, with the
  generated corpus as ``--srcdir`` and ``--builddir`` inside it. SPHINXOPTS
  is the Makefile's (``-W --keep-going -n -j auto``: strict, nitpicky, on
  every core), read from the Makefile, or from the environment when it is
  set there as make would take it; ``--sphinxopts`` replaces it, and
  ``make bench`` passes its own. A warning fails the build, and the run;
* the floor is the plainest build of the same text:
  ``sphinx-build -b html SRC OUT`` with no options at all (serial, not
  strict, not nitpicky), myst-parser and furo, nothing else in its conf.py.
  It may warn; it must succeed (exit 0), and its warnings are counted;
* every build is a subprocess of its own, timed with ``time.perf_counter``
  around it (``make latexpdf``'s two commands together). Each run (repeat)
  does, ours and the floor in turn: a clean build (build folder and generated
  pages removed, as ``make clean`` does); a no-op rebuild at once; one
  sentence of one essay edited (another essay and another word each run),
  then a build; and, ours only, the title of one work cited by the essays
  edited in refs.bib, then a build, compared with the floor's one-essay edit
  (the floor has no bibliography). The edited files are then restored,
  contents and times, so that every run starts alike. Medians of the runs
  are reported;
* peak RSS: one more clean build of each side, untimed, while the process
  tree is sampled every 0.2 s (the proportional set size, PSS, of every
  process of the tree, summed: pages that ``-j`` workers share with the
  process they were forked from count once). The figure is the largest sum
  seen, or the largest resident set of any single process of the build
  (``ru_maxrss`` of ``os.wait4``) if that is larger: for the floor, one
  process, that is its ``ru_maxrss``;
* ``--growth N2`` (400): clean builds of corpora of N2 essays, both sides, R
  times: the growth is ours at N2 over ours at N;
* ``--pdf``: ``make latexpdf`` on ours (TeX Live needed), R times: clean
  (every essay's PDF and the edition), then again after one essay edited;
* ``--large N3`` (1,000): a corpus of N3 essays, ours built clean once: its
  time over the clean build at N, against N3/N (linear: the cost per essay
  does not grow); and with ``--search`` (Chromium needed) the bytes a
  reader's browser fetches for each query on that site
  (benchmarks/search_bytes.py), the largest against its budget. Without
  ``--large``, the search is measured at N.

``make bench`` measures every row (N=200, M=2,000, R=3, growth to 400, the PDFs,
N3=1,000 and the search); ``--growth 0``, ``--no-pdf``, ``--large 0`` and
``--no-search`` leave rows out, for a quicker partial run.

    python benchmarks/bench.py [--essays 200] [--entries 2000] [--repeat 3]
        [--growth 400] [--pdf | --no-pdf] [--large 1000] [--search | --no-search]
        [--sphinxopts="-W --keep-going -n -j auto"] [--json PATH]
        [--markdown PATH] [--workdir DIR] [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

#: the scenarios of one run, in order; the floor has no bibliography
SCENARIOS = ("clean", "noop", "essay", "bib")
FLOOR_SCENARIOS = ("clean", "noop", "essay")
#: what ``make clean`` removes of ours, besides the build folder: pages and
#: pictures the build writes into the source folder
GENERATED = ("_generated", "topics", "authors")
#: how often the process tree of a memory build is sampled, in seconds
SAMPLE_EVERY = 0.2
#: a word inserted into one sentence of an essay, one per run
ESSAY_WORDS = (
    "reportedly",
    "arguably",
    "notably",
    "evidently",
    "ostensibly",
    "plainly",
    "undeniably",
    "famously",
)
#: a word appended to the title of one work in refs.bib, one per run; the
#: title keeps all its words, so the key convention still holds
TITLE_WORDS = ("Revisited", "Reconsidered", "Reassessed", "Retold", "Reread", "Reviewed")
#: where a sentence may be edited the same way in ours and in the floor: a
#: lowercase word of five letters or more is never part of a citation, whether
#: written as a role (ours) or as author-year text (the floor)
PLAIN_WORD = re.compile(r"[a-z]{5,}")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
SPHINXOPTS_LINE = re.compile(r"^SPHINXOPTS\s*\?=[ \t]*(.*?)[ \t]*$", re.M)


def makefile_sphinxopts(makefile: Path = REPO / "Makefile") -> str:
    """The SPHINXOPTS ``make html`` runs with: the environment's when it sets
    them (the Makefile's ``?=`` keeps them), else the Makefile's."""
    if "SPHINXOPTS" in os.environ:
        return os.environ["SPHINXOPTS"]
    match = SPHINXOPTS_LINE.search(makefile.read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit(f"{makefile} sets no 'SPHINXOPTS ?=': pass --sphinxopts")
    return match[1]


def sphinx_build() -> list[str]:
    """The ``sphinx-build`` beside this Python (the venv's), or its module."""
    script = Path(sys.executable).parent / "sphinx-build"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "sphinx"]


@dataclass(frozen=True)
class Goal:
    id: str
    measure: str
    goal: float
    goal_text: str
    unit: str
    #: "floor": ratio ours/floor against the goal; "value": ours against the goal
    compare: str


#: the goals of the editor's loop, set for N=200 essays and M=2,000 works, in
#: the order of the table; the linearity's goal is N3/N, set in report()
GOALS = (
    Goal("clean", "clean build", 0.8, "≤ 0.8× the floor", "s", "floor"),
    Goal("noop", "no-op rebuild", 1.2, "≤ 1.2×", "s", "floor"),
    Goal("essay", "one essay edited", 1.3, "≤ 1.3×", "s", "floor"),
    Goal(
        "bib",
        "one refs.bib entry edited (floor: one essay edited)",
        2.0,
        "≤ 2× the floor's one-essay edit",
        "s",
        "floor",
    ),
    Goal(
        "pdf_clean", "`make latexpdf`, clean, {n} essays + edition", 180.0, "≤ 180 s", "s", "value"
    ),
    Goal("pdf_essay", "`make latexpdf`, one essay edited", 30.0, "≤ 30 s", "s", "value"),
    Goal("rss", "peak RSS of the clean build", 1.2, "≤ 1.2×", "MiB", "floor"),
    Goal("growth", "growth, clean at N={n2} over N={n}", 2.1, "≤ 2.1×", "×", "value"),
    Goal(
        "search", "search: bytes of the largest query at N={n3}", 300.0, "≤ 300 KB", "KB", "value"
    ),
    Goal("linear", "linearity, clean at N={n3} over N={n}", 0.0, "", "×", "value"),
)


class BuildFailed(RuntimeError):
    pass


@dataclass
class Build:
    side: str
    scenario: str
    repeat: int
    essays: int
    seconds: float
    #: the largest resident set of any one process of the build (ru_maxrss), KiB
    max_rss_kib: int
    log: str
    #: the commands run, in order, as one build
    commands: list[list[str]] = field(default_factory=list)
    edited: dict[str, object] = field(default_factory=dict)
    #: memory builds: the largest summed PSS of the process tree sampled, KiB
    tree_pss_kib: int | None = None
    #: lines of the log holding "WARNING"
    warnings: int = 0


@dataclass
class Side:
    """One corpus and how it is built."""

    name: str  #: "ours" or "floor"
    src: Path
    essays: int
    sphinxopts: tuple[str, ...] = ()  #: ours only: `make html`'s SPHINXOPTS

    @property
    def builddir(self) -> Path:
        return self.src / "_build"

    def commands(self, builder: str) -> list[list[str]]:
        """What `make <builder>` runs for ours; for the floor, plain sphinx-build."""
        if self.name == "floor":
            if builder != "html":
                raise ValueError("the floor builds HTML only")
            return [[*sphinx_build(), "-b", "html", str(self.src), str(self.builddir / "html")]]
        build = [
            sys.executable,
            str(REPO / "tools" / "build.py"),
            builder,
            "--srcdir",
            str(self.src),
            "--builddir",
            str(self.builddir),
            *self.sphinxopts,
        ]
        if builder == "latexpdf":
            # as the Makefile's latexpdf target: the check of TeX Live, then the build
            return [[str(REPO / "tools" / "system-deps.sh"), "pdf"], build]
        return [build]

    def clean(self) -> None:
        shutil.rmtree(self.builddir, ignore_errors=True)
        if self.name == "ours":
            for name in GENERATED:
                shutil.rmtree(self.src / name, ignore_errors=True)

    def essay_files(self) -> list[Path]:
        return sorted((self.src / "articles").glob("*.md"))


def process_tree(root: int) -> list[int]:
    """*root* and its descendants, from /proc (children of every thread)."""
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                    queue.extend(int(child) for child in f.read().split())
        except OSError:
            continue
    return found


def pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """The largest sum of the PSS of a process and its descendants, sampled."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_EVERY):
            self.peak = max(self.peak, sum(pss_kib(pid) for pid in process_tree(self.pid)))


@dataclass
class Ran:
    seconds: float
    max_rss_kib: int
    tree_pss_kib: int | None
    warnings: int


def run(commands: list[list[str]], cwd: Path, log: Path, sample: bool = False) -> Ran:
    """Run *commands* one after the other as one build, each to exit 0: their
    wall seconds, the largest resident set of any one of their processes or
    the children they waited for (KiB), and, if *sample*, the largest summed
    PSS of the process tree seen."""
    log.parent.mkdir(parents=True, exist_ok=True)
    rss, peak = 0, None
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        for command in commands:
            out.write(f"$ {shlex.join(command)}\n")
            out.flush()
            process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
            sampler = TreeSampler(process.pid) if sample else None
            if sampler:
                sampler.start()
            _, status, usage = os.wait4(process.pid, 0)
            if sampler:
                sampler.stop.set()
                sampler.join()
                peak = max(peak or 0, sampler.peak)
            # the status is ours now: Popen must not wait for the process again
            process.returncode = os.waitstatus_to_exitcode(status)
            rss = max(rss, usage.ru_maxrss)
            if process.returncode != 0:
                out.flush()
                lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
                problems = [line for line in lines if "WARNING" in line or "ERROR" in line]
                shown = "\n".join((problems or lines)[-20:])
                raise BuildFailed(
                    f"{shlex.join(command)} failed ({process.returncode}); {log}:\n{shown}"
                )
        seconds = time.perf_counter() - start
    warnings = sum("WARNING" in line for line in log.read_text(encoding="utf-8").splitlines())
    return Ran(seconds, rss, peak, warnings)


class Files:
    """Edits to the corpora, undone at the end of each run (contents and times)."""

    def __init__(self) -> None:
        self.saved: dict[Path, tuple[bytes, int, int]] = {}

    def write(self, path: Path, text: str) -> None:
        if path not in self.saved:
            st = path.stat()
            self.saved[path] = (path.read_bytes(), st.st_atime_ns, st.st_mtime_ns)
        path.write_text(text, encoding="utf-8")

    def restore(self) -> None:
        for path, (data, atime, mtime) in self.saved.items():
            path.write_bytes(data)
            os.utime(path, ns=(atime, mtime))
        self.saved.clear()


def edit_sentence(text: str, word: str) -> str:
    """*text* with *word* inserted before the first plain word of its body
    (after the front matter, headings and labels): the same sentence, edited
    the same way, in ours and in the floor."""
    front = FRONT_MATTER.match(text)
    if front is None:
        raise ValueError("an essay without front matter")
    head, lines = text[: front.end()], text[front.end() :].split("\n")
    for number, line in enumerate(lines):
        if not line or line.startswith(("#", "(")):
            continue
        tokens = line.split(" ")
        for index, token in enumerate(tokens):
            if PLAIN_WORD.fullmatch(token):
                tokens.insert(index, word)
                lines[number] = " ".join(tokens)
                return head + "\n".join(lines)
    raise ValueError("no plain word to edit")


def edit_title(bib: str, key: str, word: str) -> str:
    """*bib* with *word* appended to the title of entry *key*."""
    entry = re.search(rf"^@\w+\{{{re.escape(key)},\n(?:.*\n)*?\}}$", bib, flags=re.M)
    if entry is None:
        raise ValueError(f"refs.bib has no entry {key}")
    text = entry[0]
    edited, count = re.subn(
        r"^(\s*title\s*=\s*\{)(.*)(\},?)$", rf"\g<1>\g<2> {word}\g<3>", text, count=1, flags=re.M
    )
    if not count:
        raise ValueError(f"{key}: no one-line title")
    return bib[: entry.start()] + edited + bib[entry.end() :]


def essay_order(ours: Side, seed: int) -> list[str]:
    """The essays' file names in the order runs edit them: another each run."""
    names = [p.name for p in ours.essay_files()]
    random.Random(f"bench:{seed}:essays").shuffle(names)
    return names


def bib_key(ours: Side, essay: str) -> str:
    """A work that *essay* cites and no site page (glossary, chronology...)
    does: a work as the essays cite them."""
    pages = {k for p in corpus.CITING_PAGES for k in cited_keys_of(ours.src / p)}
    for key in cited_keys_of(ours.src / "articles" / essay):
        if key not in pages:
            return key
    raise ValueError(f"{essay} cites no work of its own")


def cited_keys_of(path: Path) -> list[str]:
    return corpus.cited_keys(path.read_text(encoding="utf-8")) if path.is_file() else []


def citing_essays(ours: Side, key: str) -> int:
    return sum(key in cited_keys_of(p) for p in ours.essay_files())


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.logs = workdir / "logs"
        self.builds: list[Build] = []
        self.files = Files()
        self.sphinxopts = tuple(shlex.split(args.sphinxopts))

    def say(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    def side(self, name: str, essays: int) -> Side:
        src = self.workdir / f"{name}-{essays}"
        self.say(f"generating {name}: {essays} essays, {self.args.entries} works in {src}")
        corpus.generate(src, essays, self.args.entries, seed=self.args.seed, floor=name == "floor")
        return Side(name, src, essays, self.sphinxopts if name == "ours" else ())

    def generate(self, essays: int) -> tuple[Side, Side]:
        return self.side("ours", essays), self.side("floor", essays)

    def build(
        self,
        side: Side,
        scenario: str,
        repeat: int,
        builder: str = "html",
        sample: bool = False,
        **edited: object,
    ) -> Build:
        log = self.logs / f"{side.name}-{side.essays}-{scenario}-{repeat + 1}.log"
        commands = side.commands(builder)
        ran = run(commands, side.src, log, sample=sample)
        result = Build(
            side.name,
            scenario,
            repeat,
            side.essays,
            ran.seconds,
            ran.max_rss_kib,
            str(log),
            commands,
            edited,
            ran.tree_pss_kib,
            ran.warnings,
        )
        self.builds.append(result)
        memory = f"{ran.max_rss_kib / 1024:7.0f} MiB"
        if ran.tree_pss_kib is not None:
            memory += f", tree PSS {ran.tree_pss_kib / 1024:.0f} MiB"
        self.say(
            f"  run {repeat + 1} {side.name:5} N={side.essays:<5} {scenario:10} "
            f"{ran.seconds:8.2f} s {memory}"
        )
        return result

    def edit_essay(self, sides: tuple[Side, ...], name: str, repeat: int) -> dict[str, str]:
        word = ESSAY_WORDS[repeat % len(ESSAY_WORDS)]
        for side in sides:
            path = side.src / "articles" / name
            self.files.write(path, edit_sentence(path.read_text(encoding="utf-8"), word))
        return {"essay": name, "word": word}

    def html_runs(self, ours: Side, floor: Side, order: list[str]) -> None:
        for repeat in range(self.args.repeat):
            essay = order[repeat % len(order)]
            for side in (ours, floor):
                side.clean()
                self.build(side, "clean", repeat)
            for side in (ours, floor):
                self.build(side, "noop", repeat)
            edited = self.edit_essay((ours, floor), essay, repeat)
            for side in (ours, floor):
                self.build(side, "essay", repeat, **edited)
            # the essay stays edited: this build re-reads only what the entry changes
            key = bib_key(ours, order[(repeat + 1) % len(order)])
            word = TITLE_WORDS[repeat % len(TITLE_WORDS)]
            bib = ours.src / "refs.bib"
            self.files.write(bib, edit_title(bib.read_text(encoding="utf-8"), key, word))
            self.build(ours, "bib", repeat, key=key, word=word, cited_by=citing_essays(ours, key))
            self.files.restore()

    def memory_runs(self, ours: Side, floor: Side) -> None:
        """One more clean build of each side, its process tree sampled: apart
        from the timed builds, which sampling would slow down."""
        for side in (ours, floor):
            side.clean()
            self.build(side, "memory", 0, sample=True)

    def growth_runs(self) -> Side:
        ours, floor = self.generate(self.args.growth)
        for repeat in range(self.args.repeat):
            for side in (ours, floor):
                side.clean()
                self.build(side, "clean", repeat)
        return ours

    def pdf_runs(self, ours: Side, order: list[str]) -> None:
        for repeat in range(self.args.repeat):
            ours.clean()
            self.build(ours, "pdf_clean", repeat, builder="latexpdf")
            edited = self.edit_essay((ours,), order[repeat % len(order)], repeat)
            self.build(ours, "pdf_essay", repeat, builder="latexpdf", **edited)
            self.files.restore()

    def large_run(self, grown: Side | None) -> Side:
        """Ours at N3 built clean, once (or the growth's corpus, if N3 is N2)."""
        if grown is not None and grown.essays == self.args.large:
            return grown
        large = self.side("ours", self.args.large)
        large.clean()
        self.build(large, "clean", 0)
        return large

    def search(self, ours: Side, built: bool) -> list[dict]:
        if not built:
            # the site as generated: the PDF runs may have removed the HTML
            run(ours.commands("html"), ours.src, self.logs / f"ours-{ours.essays}-site.log")
        self.say(f"measuring the bytes of search queries at N={ours.essays}")
        result = subprocess.run(
            [sys.executable, str(HERE / "search_bytes.py"), str(ours.builddir / "html"), "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BuildFailed(f"search_bytes.py failed:\n{result.stderr[-2000:]}")
        searched = json.loads(result.stdout)
        for query in searched:
            query["essays"] = ours.essays
        return searched

    def run_all(self) -> dict:
        started = datetime.datetime.now(datetime.UTC)
        load_before = os.getloadavg()
        ours, floor = self.generate(self.args.essays)
        order = essay_order(ours, self.args.seed)
        searched = None
        try:
            self.html_runs(ours, floor, order)
            self.memory_runs(ours, floor)
            grown = self.growth_runs() if self.args.growth else None
            if self.args.pdf:
                self.pdf_runs(ours, order)
            large = self.large_run(grown) if self.args.large else None
            if self.args.search:
                searched = self.search(large or ours, built=large is not None)
        finally:
            self.files.restore()
        return report(self.args, self.builds, searched, started, load_before)


def median_of(builds: list[Build], side: str, scenario: str, essays: int) -> float | None:
    values = [
        b.seconds for b in builds if (b.side, b.scenario, b.essays) == (side, scenario, essays)
    ]
    return statistics.median(values) if values else None


def peak_kib(builds: list[Build], side: str, essays: int) -> float | None:
    """The peak memory of the side's sampled clean build: the largest summed
    PSS of its process tree, or its largest single process if larger."""
    peaks = [
        max(b.tree_pss_kib or 0, b.max_rss_kib)
        for b in builds
        if (b.side, b.scenario, b.essays) == (side, "memory", essays)
    ]
    return statistics.median(peaks) if peaks else None


def command_text(commands: list[list[str]], side: Side) -> str:
    """The commands as the Makefile writes them: paths in the repository and the
    venv's programs by their names, the corpus as SRC and its build folder as BUILDDIR."""
    text = " && ".join(shlex.join(c) for c in commands)
    text = text.replace(sys.executable, "python")
    text = text.replace(str(Path(sys.executable).parent) + os.sep, "")
    text = text.replace(str(REPO) + os.sep, "")
    return text.replace(str(side.builddir), "BUILDDIR").replace(str(side.src), "SRC")


def report(
    args: argparse.Namespace,
    builds: list[Build],
    searched: list[dict] | None,
    started: datetime.datetime,
    load_before: tuple[float, float, float],
) -> dict:
    n = args.essays
    medians: dict[str, dict[str, float | None]] = {}
    for side in ("ours", "floor"):
        scenarios = SCENARIOS if side == "ours" else FLOOR_SCENARIOS
        values = {s: median_of(builds, side, s, n) for s in scenarios}
        values["peak_kib"] = peak_kib(builds, side, n)
        if args.growth:
            values[f"clean_{args.growth}"] = median_of(builds, side, "clean", args.growth)
        if side == "ours":
            if args.pdf:
                values["pdf_clean"] = median_of(builds, side, "pdf_clean", n)
                values["pdf_essay"] = median_of(builds, side, "pdf_essay", n)
            if args.large:
                values[f"clean_{args.large}"] = median_of(builds, side, "clean", args.large)
        medians[side] = values

    ours, floor = medians["ours"], medians["floor"]
    measured: dict[str, tuple[float | None, float | None]] = {
        "clean": (ours["clean"], floor["clean"]),
        "noop": (ours["noop"], floor["noop"]),
        "essay": (ours["essay"], floor["essay"]),
        "bib": (ours["bib"], floor["essay"]),
    }
    if args.pdf:
        measured["pdf_clean"] = (ours["pdf_clean"], None)
        measured["pdf_essay"] = (ours["pdf_essay"], None)
    if ours["peak_kib"] is not None and floor["peak_kib"] is not None:
        measured["rss"] = (ours["peak_kib"] / 1024, floor["peak_kib"] / 1024)
    if args.growth:
        key = f"clean_{args.growth}"
        measured["growth"] = (ours[key] / ours["clean"], floor[key] / floor["clean"])
    if searched:
        measured["search"] = (max(q["bytes"] for q in searched) / 1000, None)
    if args.large:
        measured["linear"] = (ours[f"clean_{args.large}"] / ours["clean"], None)

    rows = []
    for goal in GOALS:
        if goal.id not in measured:
            continue
        mine, theirs = measured[goal.id]
        target, target_text = goal.goal, goal.goal_text
        if goal.id == "linear":
            target = args.large / n
            target_text = f"≤ {target:.3g}× (linear)"
        ratio = mine / theirs if goal.compare == "floor" else None
        compared = ratio if goal.compare == "floor" else mine
        n3 = args.large if args.large else n
        rows.append(
            {
                "id": goal.id,
                "measure": goal.measure.format(n=n, n2=args.growth, n3=n3),
                "unit": goal.unit,
                "ours": mine,
                "floor": theirs,
                "ratio": ratio,
                "goal": target,
                "goal_text": target_text,
                "compare": goal.compare,
                "pass": compared <= target,
            }
        )

    import sphinx

    sphinxopts = shlex.split(args.sphinxopts)
    example = {
        name: Side(name, Path("SRC"), n, tuple(sphinxopts) if name == "ours" else ())
        for name in ("ours", "floor")
    }
    floor_clean = [b for b in builds if (b.side, b.scenario) == ("floor", "clean")]
    return {
        "parameters": {
            "essays": n,
            "entries": args.entries,
            "repeat": args.repeat,
            "growth": args.growth,
            "pdf": args.pdf,
            "large": args.large,
            "search": args.search,
            "sphinxopts": sphinxopts,
            "seed": args.seed,
        },
        "environment": {
            "started": started.isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "sphinx": sphinx.__version__,
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "method": {
            "ours_html": "make html: "
            + command_text(example["ours"].commands("html"), example["ours"]),
            "ours_latexpdf": "make latexpdf: "
            + command_text(example["ours"].commands("latexpdf"), example["ours"]),
            "floor": command_text(example["floor"].commands("html"), example["floor"]),
            "floor_warnings": max((b.warnings for b in floor_clean), default=0),
            "time": "wall seconds of the build's processes (time.perf_counter); median of the runs",
            "rss": "one more clean build of each side: the largest sum of the PSS of its "
            f"process tree, sampled every {SAMPLE_EVERY} s, or the largest resident set of "
            "one process (ru_maxrss of os.wait4) if larger; KiB",
            "statistic": f"median of {args.repeat} run(s); N3={args.large} built once",
        },
        "medians": medians,
        "rows": rows,
        "search": searched,
        "builds": [asdict(b) for b in builds],
    }


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    if unit == "KB":
        return f"{value:.1f} KB"
    return f"{value:.2f}×"


def markdown(result: dict) -> str:
    p, env, method = result["parameters"], result["environment"], result["method"]
    lines = [
        f"Benchmark: {p['essays']} essays, {p['entries']} works in refs.bib, "
        f"median of {p['repeat']} run(s); Sphinx {env['sphinx']}, Python {env['python']}, "
        f"{env['cpus']} CPUs, load average {env['load_average_before'][0]:.2f} before, "
        f"{env['load_average_after'][0]:.2f} after.",
        "",
        "| measure | ours | floor | ratio | goal | |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in result["rows"]:
        ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}×"
        lines.append(
            f"| {row['measure']} | {_figure(row['ours'], row['unit'])} | "
            f"{_figure(row['floor'], row['unit'])} | {ratio} | {row['goal_text']} | "
            f"{'PASS' if row['pass'] else 'MISS'} |"
        )
    warned = method["floor_warnings"]
    lines += [
        "",
        f"Ours as the editor builds it, `{method['ours_html']}`, and "
        f"`{method['ours_latexpdf']}`. The floor: `{method['floor']}`, no options (serial, "
        "not strict, not nitpicky), Sphinx + myst-parser + furo on the same essays with "
        f"their citations as text; its clean build warned {warned} time(s) and succeeded. "
        "The goals are set for 200 essays and 2,000 works. Peak RSS: an extra clean build "
        "of each side, the largest summed PSS of its processes (sampled), or its largest "
        "single process if larger.",
    ]
    if result["search"]:
        lines += [
            "",
            f"At N={result['search'][0]['essays']}:",
            "",
            "| search query | results | requests | KB |",
            "|---|---:|---:|---:|",
        ]
        for q in result["search"]:
            query = q["query"].replace("|", "\\|")
            lines.append(
                f"| `{query}` | {q['results_shown']} | {q['requests']} | {q['bytes'] / 1000:.1f} |"
            )
    return "\n".join(lines) + "\n"


def build_parser() -> argparse.ArgumentParser:
    """The options; their defaults measure every row, as ``make bench`` does."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--essays", type=int, default=200, help="essays N (200)")
    parser.add_argument("--entries", type=int, default=2000, help="works M of refs.bib (2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs R; medians are reported (3)")
    parser.add_argument(
        "--growth",
        type=int,
        default=400,
        metavar="N2",
        help="clean builds at N2 essays (400; 0: none)",
    )
    parser.add_argument(
        "--pdf",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time make latexpdf on ours (TeX Live needed)",
    )
    parser.add_argument(
        "--large",
        type=int,
        default=1000,
        metavar="N3",
        help="ours built clean once at N3 essays, for linearity and the search (1000; 0: none)",
    )
    parser.add_argument(
        "--search",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the bytes of search queries, at N3 (Chromium needed)",
    )
    parser.add_argument(
        "--sphinxopts",
        default=None,
        help="ours' SPHINXOPTS (default: the Makefile's, or the environment's SPHINXOPTS); "
        'write --sphinxopts="-W ..."',
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the corpus (0)")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument("--markdown", type=Path, help="write the table here too")
    parser.add_argument("--workdir", type=Path, help="keep corpora and logs here (default: temp)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.sphinxopts is None:
        args.sphinxopts = makefile_sphinxopts()
    if args.essays < 1 or args.repeat < 1:
        parser.error("--essays and --repeat must be at least 1")
    for name in ("growth", "large"):
        value = getattr(args, name)
        if value and value <= args.essays:
            parser.error(f"--{name} must be more essays than --essays, or 0 for none")
        if value and value < 0:
            parser.error(f"--{name} must be 0 or more")
    if args.pdf and shutil.which("latexmk") is None:
        parser.error("--pdf needs TeX Live (latexmk): tools/system-deps.sh pdf installs it")
    if args.search:
        sys.path.insert(0, str(REPO / "tests"))
        from browser import CHROMIUM

        if not Path(CHROMIUM).is_file():
            parser.error(f"--search needs Chromium ({CHROMIUM}): tools/system-deps.sh test")

    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        workdir, temporary = args.workdir.resolve(), None
    else:
        temporary = tempfile.TemporaryDirectory(prefix="peninsula-bench-")
        workdir = Path(temporary.name)
    try:
        result = Bench(args, workdir).run_all()
    except BuildFailed as err:
        print(f"benchmark stopped: {err}", file=sys.stderr)
        return 1
    finally:
        if temporary is not None:
            temporary.cleanup()
    table = markdown(result)
    for path, text in ((args.json, json.dumps(result, indent=1) + "\n"), (args.markdown, table)):
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
