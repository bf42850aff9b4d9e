"""What our build costs, against plain Sphinx on the same essays: ``make bench``.

Why this exists: the project's performance goals are ratios to a floor, plain
Sphinx + myst-parser + furo building the same essays with their citations
reduced to text, measured in the same run on the same machine, so that a
slower or busier machine moves both sides alike. This script generates both
corpora (benchmarks/corpus.py: N essays of ~2,000 words with 20 citations,
a refs.bib of M works), builds each, and reports the medians of R runs of
every scenario as a Markdown table (ours, floor, ratio, goal, PASS/MISS) and
as JSON. It reports figures; the tests check that it measures what it says
(tests/test_bench.py), never how fast anything is.

How it measures:

* ours is built exactly as ``make html`` builds: ``tools/build.py html``
  (staged build, then publishing), strict (``-W --keep-going -n``), with the
  generated corpus as ``--srcdir`` and ``--builddir`` inside it; the floor
  with ``sphinx-build -M html``, equally strict. A warning fails the run;
  the floor is fixed in corpus.py, never by building it less strictly;
* every build is a subprocess of its own. Its wall time is taken with
  ``time.perf_counter`` around the process; its peak memory is the
  ``ru_maxrss`` of ``os.wait4``, which on Linux is the largest resident set
  of the process *or of any child it waited for* (not their sum): for ours
  that is Sphinx under tools/build.py, and Pagefind under Sphinx; for the
  floor, Sphinx itself. With ``--jobs`` it is the largest single worker;
* each run (repeat) does, ours and the floor in turn: a clean build (build
  folder and generated pages removed, as ``make clean`` does); a no-op
  rebuild at once; one sentence of one essay edited (another essay and
  another word each run), then a build; and, ours only, the title of one
  work cited by the essays edited in refs.bib, then a build, compared with
  the floor's one-essay edit (the floor has no bibliography). The edited
  files are then restored, contents and times, so every run starts alike.
  The peak memory of a run is the largest of its builds;
* ``--growth N2`` adds clean builds of corpora of N2 essays (same M), to
  report how the clean build grows with the collection;
* ``--pdf`` times ``tools/build.py latexpdf`` (ours only; TeX Live needed):
  clean, then again after one essay edited;
* ``--search`` adds what a reader's browser fetches for one search query on
  ours (benchmarks/search_bytes.py; Chromium needed).

    python benchmarks/bench.py [--essays 200] [--entries 2000] [--repeat 3]
        [--growth 400] [--pdf] [--search] [--jobs N] [--json PATH]
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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

STRICT = ["-W", "--keep-going", "-n"]
#: the scenarios of one run, in order; the floor has no bibliography
SCENARIOS = ("clean", "noop", "essay", "bib")
FLOOR_SCENARIOS = ("clean", "noop", "essay")
#: what ``make clean`` removes of ours, besides the build folder: pages and
#: pictures the build writes into the source folder
GENERATED = ("_generated", "topics", "authors")
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


@dataclass(frozen=True)
class Goal:
    id: str
    measure: str
    goal: float
    goal_text: str
    unit: str
    #: "floor": ratio ours/floor against the goal; "value": ours against the goal
    compare: str


#: the project's goals, set for N=200 essays and M=2,000 works
GOALS = (
    Goal("clean", "clean build", 1.0, "≤ 1.0× the floor", "s", "floor"),
    Goal("noop", "no-op rebuild", 1.5, "≤ 1.5×", "s", "floor"),
    Goal("essay", "one essay edited", 1.5, "≤ 1.5×", "s", "floor"),
    Goal(
        "bib",
        "one refs.bib entry edited (floor: one essay edited)",
        2.0,
        "≤ 2× the floor's one-essay edit",
        "s",
        "floor",
    ),
    Goal("growth", "growth, clean at N={n2} over N={n}", 2.2, "≤ 2.2×", "×", "value"),
    Goal("rss", "peak RSS", 1.5, "≤ 1.5×", "MiB", "floor"),
    Goal("pdf_clean", "`make latexpdf`, clean, all PDFs", 180.0, "≤ 3 min", "s", "value"),
    Goal("pdf_essay", "`make latexpdf`, one essay edited", 45.0, "≤ 45 s", "s", "value"),
    Goal("search", "search: bytes one query fetches (largest)", 300.0, "≤ 300 KB", "KB", "value"),
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
    max_rss_kib: int
    log: str
    edited: dict[str, object] = field(default_factory=dict)


@dataclass
class Side:
    """One corpus and how it is built."""

    name: str  #: "ours" or "floor"
    src: Path
    essays: int
    jobs: str | None

    @property
    def builddir(self) -> Path:
        return self.src / "_build"

    def command(self, builder: str) -> list[str]:
        jobs = [f"--jobs={self.jobs}"] if self.jobs else []
        if self.name == "ours":
            # as `make html`: tools/build.py stages, then publishes
            return [
                sys.executable,
                str(REPO / "tools" / "build.py"),
                builder,
                "--srcdir",
                str(self.src),
                "--builddir",
                str(self.builddir),
                *STRICT,
                *jobs,
            ]
        return [
            sys.executable,
            "-m",
            "sphinx",
            "-M",
            builder,
            str(self.src),
            str(self.builddir),
            *STRICT,
            *jobs,
        ]

    def clean(self) -> None:
        shutil.rmtree(self.builddir, ignore_errors=True)
        if self.name == "ours":
            for name in GENERATED:
                shutil.rmtree(self.src / name, ignore_errors=True)

    def essay_files(self) -> list[Path]:
        return sorted((self.src / "articles").glob("*.md"))


def run(command: list[str], cwd: Path, log: Path) -> tuple[float, int]:
    """Run one build; (wall seconds, peak RSS in KiB of it or a child it waited for)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    # the status is ours now: Popen must not wait for the process again
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        problems = [line for line in lines if "WARNING" in line or "ERROR" in line]
        shown = "\n".join((problems or lines)[-20:])
        raise BuildFailed(f"{' '.join(command)} failed ({process.returncode}); {log}:\n{shown}")
    return seconds, usage.ru_maxrss


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

    def say(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    def generate(self, essays: int) -> tuple[Side, Side]:
        sides = []
        for name in ("ours", "floor"):
            src = self.workdir / f"{name}-{essays}"
            self.say(f"generating {name}: {essays} essays, {self.args.entries} works in {src}")
            corpus.generate(
                src, essays, self.args.entries, seed=self.args.seed, floor=name == "floor"
            )
            sides.append(Side(name, src, essays, self.args.jobs))
        return sides[0], sides[1]

    def build(
        self, side: Side, scenario: str, repeat: int, builder: str = "html", **edited: object
    ) -> Build:
        log = self.logs / f"{side.name}-{side.essays}-{scenario}-{repeat + 1}.log"
        seconds, rss = run(side.command(builder), side.src, log)
        result = Build(side.name, scenario, repeat, side.essays, seconds, rss, str(log), edited)
        self.builds.append(result)
        self.say(
            f"  run {repeat + 1} {side.name:5} {scenario:10} {seconds:8.2f} s {rss / 1024:7.0f} MiB"
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

    def growth_runs(self) -> None:
        ours, floor = self.generate(self.args.growth)
        for repeat in range(self.args.repeat):
            for side in (ours, floor):
                side.clean()
                self.build(side, "clean", repeat)

    def pdf_runs(self, ours: Side, order: list[str]) -> None:
        for repeat in range(self.args.repeat):
            ours.clean()
            self.build(ours, "pdf_clean", repeat, builder="latexpdf")
            edited = self.edit_essay((ours,), order[repeat % len(order)], repeat)
            self.build(ours, "pdf_essay", repeat, builder="latexpdf", **edited)
            self.files.restore()

    def search(self, ours: Side) -> list[dict]:
        # the site as generated, whatever the last run left
        run(ours.command("html"), ours.src, self.logs / "ours-search-site.log")
        self.say("measuring the bytes of search queries")
        result = subprocess.run(
            [sys.executable, str(HERE / "search_bytes.py"), str(ours.builddir / "html"), "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BuildFailed(f"search_bytes.py failed:\n{result.stderr[-2000:]}")
        return json.loads(result.stdout)

    def run_all(self) -> dict:
        started = datetime.datetime.now(datetime.UTC)
        load_before = os.getloadavg()
        ours, floor = self.generate(self.args.essays)
        order = essay_order(ours, self.args.seed)
        try:
            self.html_runs(ours, floor, order)
            if self.args.growth:
                self.growth_runs()
            if self.args.pdf:
                self.pdf_runs(ours, order)
            searched = self.search(ours) if self.args.search else None
        finally:
            self.files.restore()
        return report(self.args, self.builds, searched, started, load_before)


def median_of(builds: list[Build], side: str, scenario: str, essays: int) -> float | None:
    values = [
        b.seconds for b in builds if (b.side, b.scenario, b.essays) == (side, scenario, essays)
    ]
    return statistics.median(values) if values else None


def peak_rss(builds: list[Build], side: str, essays: int, repeats: int) -> float | None:
    """The median over runs of the largest RSS of a run's HTML builds, in KiB."""
    peaks = []
    for repeat in range(repeats):
        rss = [
            b.max_rss_kib
            for b in builds
            if (b.side, b.essays, b.repeat) == (side, essays, repeat) and b.scenario in SCENARIOS
        ]
        if rss:
            peaks.append(max(rss))
    return statistics.median(peaks) if peaks else None


def report(
    args: argparse.Namespace,
    builds: list[Build],
    searched: list[dict] | None,
    started: datetime.datetime,
    load_before: tuple[float, float, float],
) -> dict:
    n, r = args.essays, args.repeat
    medians: dict[str, dict[str, float]] = {}
    for side in ("ours", "floor"):
        scenarios = SCENARIOS if side == "ours" else FLOOR_SCENARIOS
        values = {s: median_of(builds, side, s, n) for s in scenarios}
        values["rss_kib"] = peak_rss(builds, side, n, r)
        if args.growth:
            values[f"clean_{args.growth}"] = median_of(builds, side, "clean", args.growth)
        if args.pdf and side == "ours":
            values["pdf_clean"] = median_of(builds, side, "pdf_clean", n)
            values["pdf_essay"] = median_of(builds, side, "pdf_essay", n)
        medians[side] = values

    ours, floor = medians["ours"], medians["floor"]
    measured: dict[str, tuple[float | None, float | None]] = {
        "clean": (ours["clean"], floor["clean"]),
        "noop": (ours["noop"], floor["noop"]),
        "essay": (ours["essay"], floor["essay"]),
        "bib": (ours["bib"], floor["essay"]),
        "rss": (ours["rss_kib"] / 1024, floor["rss_kib"] / 1024),
    }
    if args.growth:
        key = f"clean_{args.growth}"
        measured["growth"] = (ours[key] / ours["clean"], floor[key] / floor["clean"])
    if args.pdf:
        measured["pdf_clean"] = (ours["pdf_clean"], None)
        measured["pdf_essay"] = (ours["pdf_essay"], None)
    if searched:
        measured["search"] = (max(q["bytes"] for q in searched) / 1000, None)

    rows = []
    for goal in GOALS:
        if goal.id not in measured:
            continue
        mine, theirs = measured[goal.id]
        ratio = mine / theirs if goal.compare == "floor" else None
        compared = ratio if goal.compare == "floor" else mine
        measure = goal.measure.format(n=n, n2=args.growth)
        rows.append(
            {
                "id": goal.id,
                "measure": measure,
                "unit": goal.unit,
                "ours": mine,
                "floor": theirs,
                "ratio": ratio,
                "goal": goal.goal,
                "goal_text": goal.goal_text,
                "compare": goal.compare,
                "pass": compared <= goal.goal,
            }
        )

    import sphinx

    return {
        "parameters": {
            "essays": n,
            "entries": args.entries,
            "repeat": r,
            "growth": args.growth,
            "jobs": args.jobs,
            "seed": args.seed,
            "pdf": args.pdf,
            "search": args.search,
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
            "ours": "tools/build.py html " + " ".join(STRICT),
            "floor": "sphinx-build -M html " + " ".join(STRICT),
            "time": "wall seconds of the build process (time.perf_counter)",
            "rss": "ru_maxrss of os.wait4 on the build process: the largest resident set "
            "of it or of any child it waited for (not a sum), KiB; a run's peak is the "
            "largest of its HTML builds",
            "statistic": f"median of {r} run(s)",
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
    p, env = result["parameters"], result["environment"]
    lines = [
        f"Benchmark: {p['essays']} essays, {p['entries']} works in refs.bib, "
        f"median of {p['repeat']} run(s)"
        + (f", -j {p['jobs']}" if p["jobs"] else "")
        + f"; Sphinx {env['sphinx']}, Python {env['python']}, {env['cpus']} CPUs, "
        f"load average {env['load_average_before'][0]:.2f} before, "
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
    lines += [
        "",
        "Ours: `tools/build.py html` as `make html` runs it; floor: plain `sphinx-build -M html`"
        " (Sphinx + myst-parser + furo, citations as text); both `-W --keep-going -n`. "
        "The goals are set for 200 essays and 2,000 works. Peak RSS: the largest single "
        "process of a build (Linux `wait4`), children included, not summed.",
    ]
    if result["search"]:
        lines += ["", "| search query | results | requests | KB |", "|---|---:|---:|---:|"]
        for q in result["search"]:
            query = q["query"].replace("|", "\\|")
            lines.append(
                f"| `{query}` | {q['results_shown']} | {q['requests']} | {q['bytes'] / 1000:.1f} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--essays", type=int, default=200, help="essays N (default 200)")
    parser.add_argument("--entries", type=int, default=2000, help="works M of refs.bib (2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs R; medians are reported (3)")
    parser.add_argument("--growth", type=int, metavar="N2", help="also clean builds at N2 essays")
    parser.add_argument("--pdf", action="store_true", help="also time latexpdf (ours; TeX Live)")
    parser.add_argument("--search", action="store_true", help="also the bytes of search queries")
    parser.add_argument("--jobs", help="sphinx-build -j for ours and the floor alike")
    parser.add_argument("--seed", type=int, default=0, help="seed of the corpus (0)")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument("--markdown", type=Path, help="write the table here too")
    parser.add_argument("--workdir", type=Path, help="keep corpora and logs here (default: temp)")
    args = parser.parse_args(argv)
    if args.essays < 1 or args.repeat < 1:
        parser.error("--essays and --repeat must be at least 1")
    if args.growth is not None and args.growth < 1:
        parser.error("--growth must be at least 1")
    if args.pdf and shutil.which("latexmk") is None:
        parser.error("--pdf needs TeX Live (latexmk): tools/system-deps.sh pdf installs it")

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
