"""Run every command in every format on the bundled data and on a small generated graph,
and store what each wrote (stdout, stderr, exit code) under one folder per run.

``python tools/snapshot_outputs.py OUTDIR`` then ``diff -r OLD NEW``: a change of shape only
(a refactoring) must leave every file byte-identical. ``python tools/snapshot_outputs.py
--against REF`` does both: it snapshots a temporary checkout of the git commit REF (say the
commit a branch started from) and this checkout, and prints the files that differ (exit 1). Commands run in-process through click's
test runner (fast enough for a few hundred runs); the generated graph comes from
``bench/generate.py`` with a fixed seed.
"""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(os.environ.get("IMHGRAPH_SNAPSHOT_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT / "bench"))

TABLE = ("table", "csv", "tsv", "markdown", "json")


def cases(data: list[str], program: str, program_b: str, credential: str, topic: str, profession: str):
    """(name, argv) for every command and format on one data set."""
    d = [a for path in data for a in ("--data", path)]
    out: list[tuple[str, list[str]]] = []
    for fmt in ("text", "table", "csv", "markdown", "json", "turtle"):
        out.append((f"validate-{fmt}", [*d, "validate", "--format", fmt]))
    for fmt in ("turtle", "json-ld", "ntriples", "ctdl"):
        out.append((f"export-{fmt}", [*d, "export", "--format", fmt]))
    for fmt in TABLE:
        out.append((f"stats-{fmt}", [*d, "stats", "--format", fmt]))
        out.append((f"queries-{fmt}", [*d, "queries", "--format", fmt]))
        out.append((f"coverage-{fmt}", [*d, "coverage", "--format", fmt]))
        out.append((f"coverage-summary-{fmt}", [*d, "coverage", "--summary", "--format", fmt]))
        out.append((f"coverage-depth2-{fmt}", [*d, "coverage", "--depth", "2", "--program", program, "--format", fmt]))
        out.append((f"compare-{fmt}", [*d, "compare", program, program_b, "--format", fmt]))
        out.append((f"gaps-{fmt}", [*d, "gaps", program, "--credential", credential, "--format", fmt]))
        out.append((f"gaps-all-{fmt}", [*d, "gaps", "--all-programs", "--credential", credential, "--format", fmt]))
        out.append((f"eligible-{fmt}", [*d, "eligible", "--education", "master", "--years", "2",
                                        "--training-hours", "30", "--profession", profession, "--format", fmt]))
        for sub in ("similarity", "centrality", "communities"):
            out.append((f"analyze-{sub}-{fmt}", [*d, "analyze", sub, "--format", fmt]))
    out.append(("queries-one", [*d, "queries", "program-topics"]))
    out.append(("report", [*d, "report", "--output", "@FILE"]))
    out.append(("coverage-output", [*d, "coverage", "--output", "@FILE"]))
    for fmt in ("table", "csv", "tsv", "json", "markdown"):
        out.append((f"query-topics-{fmt}", [*d, "query", "program-topics", "-p", f"program={program}", "--format", fmt]))
        out.append((f"query-list-programs-{fmt}", [*d, "query", "list-programs", "--format", fmt]))
    for fmt in ("table", "json"):
        out.append((f"query-ask-{fmt}", [*d, "query", "program-covers-topic", "-p", f"program={program}",
                                         "-p", f"topic={topic}", "--format", fmt]))
    for fmt in ("turtle", "json-ld", "ntriples"):
        out.append((f"query-graph-{fmt}", [*d, "query", "program-graph", "-p", f"program={program}", "--format", fmt]))
    out.append(("query-unknown-id", [*d, "query", "program-topics", "-p", "program=no-such-program"]))
    out.append(("gaps-unknown", [*d, "gaps", "nope", "--credential", credential]))
    return out


def fixed_cases() -> list[tuple[str, list[str]]]:
    """Commands that read their own files (diff, import-csv)."""
    fx = ROOT / "tests" / "fixtures"
    out = []
    for fmt in ("table", "markdown", "json"):
        out.append((f"diff-{fmt}", ["diff", str(fx / "diff" / "old"), str(fx / "diff" / "new"), "--format", fmt]))
    for name in ("long-good", "wide-good", "long-bad", "missing-column"):
        out.append((f"import-{name}", ["import-csv", str(fx / "import" / f"{name}.csv")]))
    out.append(("help", ["--help"]))
    return out


def against(ref: str) -> int:
    """Snapshot commit *ref* (in a temporary git worktree) and this checkout; list what differs."""
    here = Path(__file__).resolve()
    with tempfile.TemporaryDirectory(prefix="imhgraph-against-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(here.parents[1]), "worktree", "add", "-q", "--detach", str(base), ref], check=True)
        try:
            env = {**os.environ, "PYTHONPATH": str(base / "src"), "IMHGRAPH_SNAPSHOT_ROOT": str(base)}
            subprocess.run([sys.executable, str(here), str(Path(tmp) / "old")], check=True, env=env)
            subprocess.run([sys.executable, str(here), str(Path(tmp) / "new")], check=True)
        finally:
            subprocess.run(["git", "-C", str(here.parents[1]), "worktree", "remove", "--force", str(base)], check=True)
        differ = _differences(filecmp.dircmp(Path(tmp) / "old", Path(tmp) / "new"), "")
        for line in differ:
            print(line)
        print(f"{len(differ)} difference(s) against {ref}")
        return 1 if differ else 0


def _differences(cmp: filecmp.dircmp, prefix: str) -> list[str]:
    found = [f"only in {ref}: {prefix}{n}" for ref, names in (("old", cmp.left_only), ("new", cmp.right_only)) for n in names]
    # dircmp compares by stat first; compare every common file by content.
    found += [f"differs: {prefix}{n}" for n in cmp.common_files
              if (Path(cmp.left) / n).read_bytes() != (Path(cmp.right) / n).read_bytes()]
    for name, sub in sorted(cmp.subdirs.items()):
        found += _differences(sub, f"{prefix}{name}/")
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["--against"]:
        return against(argv[1])
    from click.testing import CliRunner

    from generate import write  # bench/generate.py
    from imhgraph.cli import cli

    outdir = Path(argv[0])
    outdir.mkdir(parents=True, exist_ok=True)
    # A fixed path: ``stats`` names its source files, and two runs must compare equal.
    bench_file = Path(tempfile.gettempdir()) / "imhgraph-snapshot" / "bench30.ttl"
    bench_file.parent.mkdir(exist_ok=True)
    write(bench_file, 30, seed=1)
    sets = {
        "bundled": (cases([], "erikson-imh-certificate", "cu-harris-community-fellowship",
                          "erikson-imh-certificate", "adult-learning", "social-worker") + fixed_cases()),
        "bench": cases([str(bench_file)], "gen-program-000000", "gen-program-000001", "bench-endorsement",
                       "adult-learning", "social-worker"),
    }
    runner = CliRunner()
    for set_name, runs in sets.items():
        for name, args in runs:
            target = outdir / set_name / name
            target.mkdir(parents=True, exist_ok=True)
            # "@FILE" stands for an --output file, kept as "file" beside stdout and stderr.
            args = [str(target / "file") if a == "@FILE" else a for a in args]
            result = runner.invoke(cli, args, prog_name="imhgraph", catch_exceptions=False)
            # The checkout's path is replaced by ROOT, so that two checkouts compare equal.
            def clean(data: bytes) -> bytes:
                return data.replace(str(outdir).encode(), b"OUT").replace(str(ROOT).encode(), b"ROOT")

            (target / "stdout").write_bytes(clean(result.stdout_bytes))
            (target / "stderr").write_bytes(clean(result.stderr_bytes or b""))
            (target / "exit").write_text(f"{result.exit_code}\n")
            (target / "args").write_text(" ".join(args).replace(str(outdir), "OUT").replace(str(ROOT), "ROOT") + "\n")
    bench_file.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
