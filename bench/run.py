"""Benchmark: imhgraph against plain rdflib, on the same generated data, in one run.

``python bench/run.py [--sizes 10k,100k,1M] [--commands coverage,gaps,...] [--repeat N]``

For every size it generates the data once (cached under ``bench/out/``), then for every command
runs the real imhgraph CLI (``imhgraph --data FILE …``) and the baseline (``bench/baseline.py``)
as separate processes, one after the other (never in parallel: the machine has two cores),
measures each one's wall time and peak resident memory (``os.wait4`` gives the child's own
``ru_maxrss``), checks that both gave the same answer, and prints a table. It also measures
start-up: ``imhgraph --help`` and ``imhgraph stats`` on the bundled data against
``python -c "import rdflib"`` (median of ``--repeat`` runs). ``--write`` puts the table, the
bars, the machine and the versions into ``bench/RESULTS.md``.

Equality: JSON answers are compared parsed (floats to 9 digits); ``validate`` by the set of
(focus, path, severity, shape) results; ``export`` as RDF graphs (equal ground triples and
isomorphic blank-node parts). Comparisons run in a child process so their memory never
counts against either side.

Every imhgraph run parses the data file again, as the baseline does (imhgraph keeps no parse
cache). ``--reuse-baseline`` takes the baseline's time, memory and answer from an earlier run of more
than a minute on the same data with the same ``baseline.py`` (kept in
``bench/out/baseline-runs.json``), so that tuning imhgraph does not wait for the many minutes
the baseline needs at 1M triples; the results then say so.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from generate import BENCH_CREDENTIAL, PROGRAMS_FOR  # noqa: E402

#: how many most-similar programs `analyze similarity` lists per program in the benchmark: the
#: full list of pairs grows with the square of the programs (230 million at 1M triples).
TOP = 5

#: command → (imhgraph arguments, baseline arguments, how outputs are compared).
COMMANDS: dict[str, tuple[list[str], list[str], str]] = {
    "coverage": (["coverage", "--format", "json"], ["coverage"], "json"),
    "gaps": (
        ["gaps", "--all-programs", "--credential", BENCH_CREDENTIAL, "--format", "json"],
        ["gaps", "--credential", BENCH_CREDENTIAL],
        "json",
    ),
    "similarity": (
        ["analyze", "similarity", "--top", str(TOP), "--format", "json"],
        ["similarity", "--top", str(TOP)],
        "json",
    ),
    "validate": (["validate", "--format", "json"], ["validate"], "validate"),
    "export": (["export", "--format", "turtle"], ["export"], "rdf"),
}

#: (commands, size) → minimum speed-up the issue asks for.
BARS: dict[tuple[str, str], float] = {
    **{(c, "1M"): 20.0 for c in ("coverage", "gaps", "similarity")},
    **{(c, "100k"): 10.0 for c in ("coverage", "gaps", "similarity")},
    ("validate", "1M"): 5.0,
}
MEMORY_BAR_MB = 1536.0


@dataclass
class Run:
    """One measured process."""

    seconds: float
    peak_mb: float
    code: int
    output: Path | None  # None for a remembered baseline run (its digest is kept instead)
    stderr: str = ""


@dataclass
class Row:
    """One line of the table."""

    command: str
    size: str
    triples: int
    ours: Run | None
    base: Run | None
    equal: str
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.ours and self.base and self.ours.seconds > 0:
            return self.base.seconds / self.ours.seconds
        return None


def imhgraph_command() -> list[str]:
    """The real CLI: the console script next to this Python, else ``python -m imhgraph.cli``."""
    script = Path(sys.executable).with_name("imhgraph")
    if script.exists():
        return [str(script)]
    found = shutil.which("imhgraph")
    return [found] if found else [sys.executable, "-m", "imhgraph.cli"]


def measure(argv: list[str], output: Path, env: dict[str, str] | None = None, timeout: float | None = None) -> Run:
    """Run *argv* with standard output to *output*; wall time and the child's own peak RSS."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=ROOT)
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if deadline else 0)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    # ru_maxrss is in kilobytes on Linux.
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, output, stderr[-2000:])


# --------------------------------------------------------------------------- comparing


def _round_floats(value: object) -> object:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list):
        return [_round_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: _round_floats(v) for k, v in value.items()}
    return value


def digest(path: Path, kind: str) -> str:
    """A fingerprint of the answer in *path* that two equal answers share."""
    h = hashlib.sha256()
    if kind == "json":
        # Every object is replaced by a digest of its sorted members as soon as it is parsed,
        # so that a 1.4 GB answer (16 million coverage cells) fits in about 1.5 GB.
        def fold(pairs: list[tuple[str, object]]) -> str:
            pairs.sort(key=lambda kv: kv[0])
            text = json.dumps(pairs, ensure_ascii=True, separators=(",", ":"))
            return "#" + hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

        with path.open(encoding="utf-8") as handle:
            data = json.load(handle, parse_float=lambda s: round(float(s), 9), object_pairs_hook=fold)
        h.update(json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode())
    elif kind == "validate":
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        found = sorted({(r["focus"], r["path"], r["severity"], r["shape"]) for r in data["results"]})
        h.update(json.dumps(found).encode())
    elif kind == "rdf":
        import pyoxigraph as ox

        ground: list[str] = []
        blank = []
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                blank.append(triple)
            else:
                ground.append(str(triple))
        ground.sort()
        for line in ground:
            h.update(line.encode())
            h.update(b"\n")
        if blank:
            from rdflib import Graph
            from rdflib.compare import to_canonical_graph

            graph = Graph()
            text = "\n".join(f"{t} ." for t in blank)
            graph.parse(data=text, format="nt")
            lines = sorted(to_canonical_graph(graph).serialize(format="nt").splitlines())
            h.update("\n".join(l for l in lines if l.strip()).encode())
    else:
        raise ValueError(kind)
    return h.hexdigest()


def digest_in_child(path: Path, kind: str) -> str:
    """:func:`digest` in a separate process, so a large answer's memory is given back."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--digest", kind, str(path)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode:
        return "error: " + done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "error"
    return done.stdout.strip()


# --------------------------------------------------------------------------- data


def data_file(size: str) -> Path:
    """The generated data of *size* (made once, then reused)."""
    from generate import write

    path = OUT / f"data-{size}.ttl"
    if not path.exists():
        print(f"generating {size} ({PROGRAMS_FOR[size]} programs) …", file=sys.stderr, flush=True)
        write(path, PROGRAMS_FOR[size])
    return path


def count_triples(path: Path) -> int:
    """Triples in the data file plus the always-loaded vocabulary."""
    import pyoxigraph as ox

    total = sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    for vocab in sorted((ROOT / "ontology").glob("*.ttl")):
        if vocab.name != "shapes.ttl":
            total += sum(1 for _ in ox.parse(path=str(vocab), format=ox.RdfFormat.TURTLE))
    return total


# --------------------------------------------------------------------------- running


def bench_command(command: str, size: str, data: Path, triples: int, args: argparse.Namespace) -> Row:
    ours_args, base_args, kind = COMMANDS[command]
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    folder = OUT / "answers" / size
    notes: list[str] = []
    ours_runs = []
    while len(ours_runs) < args.repeat and not (ours_runs and ours_runs[0].seconds > 60):
        ours_runs.append(measure([*imhgraph_command(), "--data", str(data), *ours_args], folder / f"{command}.imhgraph", env))
    ours = min(ours_runs, key=lambda r: r.seconds)
    ok_codes = (0, 1) if command == "validate" else (0,)
    if ours.code not in ok_codes:
        notes.append(f"imhgraph exit {ours.code}: {ours.stderr.strip().splitlines()[-1] if ours.stderr.strip() else ''}")
    base = None
    key = f"{size} {command} {_file_hash(data)} {_file_hash(HERE / 'baseline.py')}"
    remembered = _baseline_runs().get(key) if args.reuse_baseline else None
    if remembered is not None and remembered["seconds"] <= 60:
        remembered = None  # short baseline runs are cheap: run them again, --repeat times
    if remembered is not None:
        # No answer file: the remembered digest stands for it (and nothing may ever unlink a
        # stand-in path: unlinking os.devnull as root deletes the /dev/null device).
        base = Run(remembered["seconds"], remembered["peak_mb"], 0, None)
        notes.append(f"baseline reused from a run at {remembered['when']}")
    elif not args.no_baseline:
        # The same number of runs as imhgraph, fastest counts, except that a baseline run of
        # more than a minute is not repeated (noise is small against its length).
        base_runs: list[Run] = []
        while len(base_runs) < args.repeat and not (base_runs and base_runs[0].seconds > 60):
            base_runs.append(measure(
                [sys.executable, str(HERE / "baseline.py"), *base_args, "--data", str(data)],
                folder / f"{command}.baseline",
                env,
                timeout=args.baseline_timeout,
            ))
            if base_runs[-1].code != 0:
                break
        base = min(base_runs, key=lambda r: (r.code != 0, r.seconds))
        if base.code != 0:
            notes.append(f"baseline exit {base.code}: {base.stderr.strip().splitlines()[-1] if base.stderr.strip() else 'killed (timeout)'}")
    equal = "—"
    if base is not None and ours.code in ok_codes and base.code == 0:
        a = digest_in_child(ours.output, kind)
        b = remembered["digest"] if remembered is not None else digest_in_child(base.output, kind)
        if remembered is None and not b.startswith("error"):
            _remember(key, {"seconds": base.seconds, "peak_mb": base.peak_mb, "digest": b,
                            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
        equal = "yes" if a == b and not a.startswith("error") else "NO"
        if a.startswith("error") or b.startswith("error"):
            notes.append(f"compare: {a if a.startswith('error') else b}")
    if not args.keep:
        for run in (ours, base):
            if run is not None and run.output is not None and equal == "yes":
                run.output.unlink(missing_ok=True)
    return Row(command, size, triples, ours, base, equal, notes)


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def _baseline_runs() -> dict[str, dict]:
    path = OUT / "baseline-runs.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _remember(key: str, value: dict) -> None:
    runs = _baseline_runs()
    runs[key] = value
    path = OUT / "baseline-runs.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(runs, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def startup(args: argparse.Namespace) -> list[tuple[str, float, float]]:
    """(what, median seconds, peak MB) for the start-up checks."""
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    # Python's bytecode cache on, as on a user's machine: rdflib's wheel ships compiled files,
    # and an editable install of imhgraph would otherwise compile its ~70 modules on every
    # start (about 70 ms) where PYTHONDONTWRITEBYTECODE is set. A first run writes the cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    checks = [
        ("python -c 'import rdflib'", [sys.executable, "-c", "import rdflib"]),
        ("imhgraph --help", [*imhgraph_command(), "--help"]),
        ("imhgraph stats", [*imhgraph_command(), "stats"]),
    ]
    found = []
    for name, argv in checks:
        measure(argv, OUT / "startup.out", env)  # warm: bytecode cache written, files in the page cache
        runs = [measure(argv, OUT / "startup.out", env) for _ in range(max(args.repeat, 5))]
        found.append((name, statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs)))
    return found


# --------------------------------------------------------------------------- reporting


def fmt_seconds(run: Run | None) -> str:
    return "—" if run is None else f"{run.seconds:.2f}"


def fmt_mb(run: Run | None) -> str:
    return "—" if run is None else f"{run.peak_mb:.0f}"


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| command | size | triples | imhgraph s | baseline s | ratio | imhgraph MB | baseline MB | equal | bar |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.1f}×"
        lines.append(
            f"| {r.command} | {r.size} | {r.triples:,} | {fmt_seconds(r.ours)} | {fmt_seconds(r.base)} | {ratio} | "
            f"{fmt_mb(r.ours)} | {fmt_mb(r.base)} | {r.equal} | {bar_verdict(r)} |"
        )
    return lines


def bar_verdict(r: Row) -> str:
    need = BARS.get((r.command, r.size))
    if need is None:
        return ""
    if r.ratio is None:
        return f"≥{need:g}×: not measured"
    ok = r.ratio >= need and r.equal == "yes"
    memory = r.command != "validate" and r.size == "1M"
    if memory and r.ours is not None:
        ok = ok and r.ours.peak_mb <= MEMORY_BAR_MB
    return ("met" if ok else "MISSED") + f" (≥{need:g}×{', ≤1.5 GB' if memory else ''})"


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
        mem_gb = int(mem.split()[1]) / 1024**2
    except (OSError, StopIteration):
        mem_gb = 0.0
    versions = []
    for name in ("rdflib", "pyshacl", "pyoxigraph", "networkx", "numpy", "click", "imhgraph"):
        try:
            from importlib.metadata import version

            versions.append(f"{name} {version(name)}")
        except Exception:  # noqa: BLE001 — a missing package is just not listed
            pass
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        load = ["?"]
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return [
        f"- machine: {os.cpu_count()} CPUs ({cpu}), {mem_gb:.1f} GB memory, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; " + ", ".join(versions),
        f"- imhgraph commit {rev or 'unknown'}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- load average at the end of the run: {' '.join(load)} (other work on the machine slows both sides alike)",
    ]


def main(argv: list[str] | None = None) -> int:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated, of " + ", ".join(PROGRAMS_FOR))
    parser.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated, of " + ", ".join(COMMANDS))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side per cell, the fastest counting (a baseline run over a minute is not repeated)")
    parser.add_argument("--no-baseline", action="store_true", help="time imhgraph only")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up checks")
    parser.add_argument("--baseline-timeout", type=float, help="kill a baseline run after this many seconds")
    parser.add_argument("--reuse-baseline", action="store_true", help="reuse remembered baseline runs over a minute long on the same data")
    parser.add_argument("--keep", action="store_true", help="keep the answers under bench/out/answers/")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for generated data and answers (default: bench/out)")
    parser.add_argument("--digest", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.digest:
        print(digest(Path(args.digest[1]), args.digest[0]))
        return 0
    OUT = args.out.resolve()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    commands = [c.strip() for c in args.commands.split(",") if c.strip()]
    for s in sizes:
        if s not in PROGRAMS_FOR:
            parser.error(f"unknown size {s!r}; choose from {', '.join(PROGRAMS_FOR)}")
    for c in commands:
        if c not in COMMANDS:
            parser.error(f"unknown command {c!r}; choose from {', '.join(COMMANDS)}")

    rows: list[Row] = []
    for size in sizes:
        data = data_file(size)
        triples = count_triples(data)
        for command in commands:
            print(f"{command} at {size} …", file=sys.stderr, flush=True)
            row = bench_command(command, size, data, triples, args)
            rows.append(row)
            print(table([row])[-1], file=sys.stderr, flush=True)
    lines = table(rows)
    notes = [f"- {r.command} {r.size}: {n}" for r in rows for n in r.notes]
    start = [] if args.no_startup else startup(args)
    start_lines = []
    if start:
        base = start[0][1]
        start_lines = ["| check | median s | peak MB | vs import rdflib |", "|---|---:|---:|---:|"]
        for name, seconds, mb in start:
            start_lines.append(f"| {name} | {seconds:.3f} | {mb:.0f} | {seconds / base:.2f}× |")
        worst = max(s for _, s, _ in start[1:]) / base
        start_lines.append("")
        start_lines.append(f"Start-up bar (within 2× of `import rdflib`): {'met' if worst <= 2 else 'MISSED'} ({worst:.2f}×).")
    print("\n".join(lines))
    if notes:
        print("\n".join(notes))
    if start_lines:
        print()
        print("\n".join(start_lines))
    if args.write:
        write_results(lines, notes, start_lines, args)
    return 0 if all(r.equal in ("yes", "—") for r in rows) else 1


def write_results(lines: list[str], notes: list[str], start_lines: list[str], args: argparse.Namespace) -> None:
    from_cli = " ".join(["python bench/run.py", *sys.argv[1:]])
    text = [
        "# Benchmark results",
        "",
        f"Produced by `{from_cli}`. Wall time and peak resident memory of each process;",
        "ratio = baseline seconds / imhgraph seconds; equal = both gave the same answer.",
        "Every run of either side parses the data file"
        + (" (baseline runs may be reused from earlier runs on the same data: see the notes)." if args.reuse_baseline else "."),
        "",
        *machine(),
        "",
        "## Commands",
        "",
        *lines,
        "",
        *(["Notes:", "", *notes, ""] if notes else []),
        "## Start-up",
        "",
        *(start_lines or ["(not measured in this run)"]),
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(text), encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
