"""Run every command in every format on the bundled data and on a small generated graph, and
the outputs for people (``show``, ``search``, ``eligible``, ``compare``, the coverage matrix, a
query's caveat, the CTDL check, invalid data …) at terminal widths 40 to 200 and with
``--wide``, and store what each wrote (stdout, stderr, exit code) under one folder per run.

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
    out.append(("diff-equal", ["diff", str(fx / "diff" / "old"), str(fx / "diff" / "old")]))
    for name in ("CourseShape", "CredentialShape", "CoverageEvidenceShape"):
        invalid = str(fx / "shapes" / "invalid" / f"{name}.ttl")
        for fmt in ("text", "table", "turtle", "json"):
            out.append((f"validate-{name}-{fmt}", ["--data", invalid, "validate", "--format", fmt]))
    for name in ("formula-violations", "formula-labels", "html-in"):
        out.append((f"validate-{name}", ["--data", str(fx / "bad" / f"{name}.ttl"), "validate"]))
    small = str(fx / "ctdl" / "small.ttl")
    out.append(("export-ctdl-check-small", ["--data", small, "export", "--format", "ctdl", "--check"]))
    return out


def people_cases() -> list[tuple[str, list[str], dict[str, str]]]:
    """The outputs for people on the bundled data at several terminal widths (``COLUMNS``),
    and with ``--wide``: every layout that fits text to a width."""
    fx = ROOT / "tests" / "fixtures"
    runs = [
        ("validate-bad", ["--data", str(fx / "shapes" / "invalid" / "CourseShape.ttl"), "validate"]),
        ("eligible", ["eligible", "--education", "master", "--years", "2", "--training-hours", "30",
                      "--profession", "social-worker"]),
        ("eligible-none", ["eligible", "--education", "none"]),
        ("compare", ["compare", "erikson-imh-certificate", "cu-harris-community-fellowship"]),
        ("compare-unrecorded", ["compare", "okstate-imh-certificate", "mills-ma-imh"]),
        ("show-program", ["show", "erikson-imh-certificate"]),
        ("show-org", ["show", "alliance-aimh"]),
        ("show-course", ["show", "uncc-ecmh-certificate-chfd-6240"]),
        ("show-topic", ["show", "adult-learning"]),
        ("show-credential", ["show", "ifs"]),
        ("search", ["search", "infant"]),
        ("coverage", ["coverage"]),
        ("coverage-depth", ["coverage", "--depth", "2"]),
        ("coverage-summary", ["coverage", "--summary"]),
        ("gaps", ["gaps", "erikson-imh-certificate", "--credential", "erikson-imh-certificate"]),
        ("queries", ["queries"]),
        ("queries-one", ["queries", "uncovered-topics"]),
        ("query-caveat", ["query", "uncovered-topics"]),
        ("query-caveat-md", ["query", "uncovered-topics", "--format", "markdown"]),
        ("query-caveat-csv", ["query", "uncovered-topics", "--format", "csv"]),
        ("query-caveat-output", ["query", "uncovered-topics", "--output", "@FILE"]),
        ("query-ask", ["query", "program-covers-topic", "-p", "program=erikson-imh-certificate",
                       "-p", "topic=adult-learning"]),
        ("analyze", ["analyze", "similarity"]),
        ("stats", ["stats"]),
        ("export-ctdl-check", ["export", "--format", "ctdl", "--check"]),
        ("diff", ["diff", str(fx / "diff" / "old"), str(fx / "diff" / "new")]),
    ]
    out = []
    for name, args in runs:
        for columns in ("40", "60", "80", "200"):
            out.append((f"{name}-w{columns}", args, {"COLUMNS": columns}))
        out.append((f"{name}-wide", ["--wide", *args], {"COLUMNS": "80"}))
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
    if not argv or argv[0].startswith("-") and argv[0] != "--against":
        print(__doc__.strip() + "\n\nusage: python tools/snapshot_outputs.py OUTDIR | --against REF")
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
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
        "people": people_cases(),
        "bench": cases([str(bench_file)], "gen-program-000000", "gen-program-000001", "bench-endorsement",
                       "adult-learning", "social-worker"),
    }
    runner = CliRunner()
    for set_name, runs in sets.items():
        for name, args, *env in runs:
            target = outdir / set_name / name
            target.mkdir(parents=True, exist_ok=True)
            # "@FILE" stands for an --output file, kept as "file" beside stdout and stderr.
            args = [str(target / "file") if a == "@FILE" else a for a in args]
            result = runner.invoke(cli, args, prog_name="imhgraph", catch_exceptions=False, env=env[0] if env else None)
            # The checkout's path is replaced by ROOT, so that two checkouts compare equal.
            def clean(data: bytes) -> bytes:
                return data.replace(str(outdir).encode(), b"OUT").replace(str(ROOT).encode(), b"ROOT")

            (target / "stdout").write_bytes(clean(result.stdout_bytes))
            (target / "stderr").write_bytes(clean(result.stderr_bytes or b""))
            (target / "exit").write_text(f"{result.exit_code}\n")
            (target / "args").write_text(" ".join(f"{k}={v}" for k, v in (env[0] if env else {}).items()) + " ".join(args).replace(str(outdir), "OUT").replace(str(ROOT), "ROOT") + "\n")
    bench_file.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
