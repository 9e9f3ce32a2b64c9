"""Is this checkout slower than an earlier one? The benchmark commands, run by two installs in turn.

``python bench/against.py --other /path/to/older/checkout/.venv/bin/imhgraph [--sizes 100k]
[--repeat 5] [--write]``

For every size and command of :mod:`run` it runs this checkout's CLI (the console script next to
this Python) and the *other* CLI alternately, ``--repeat`` times each on the same data, so that
load from other work on the machine falls on both alike; the fastest run of each side counts.
It says whether both gave the same answer (compared as ``run.py`` compares: JSON parsed, validation
results as sets, exports as graphs) and prints one table: seconds and peak memory of each side
and ``now / before``. ``--write`` puts the table into ``bench/AGAINST.md``.

A ratio above 1.0 means this checkout is slower. On a shared two-core machine differences under
about 15 % are noise; the table says so rather than hiding it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402
from run import COMMANDS, PROGRAMS_FOR, Run, count_triples, data_file, digest_in_child, imhgraph_command, measure  # noqa: E402

#: a difference smaller than this share is within the noise of a shared two-core machine.
NOISE = 0.15


def _commit(cli: str) -> str:
    """The commit of the checkout that *cli* is installed from (``?`` when unknown)."""
    import json

    probe = (
        "import importlib.metadata as m, json; "
        "d = m.distribution('imhgraph'); "
        "print(json.dumps(d.read_text('direct_url.json')))"
    )
    python = Path(cli).with_name("python")
    try:
        raw = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True).stdout
        url = json.loads(json.loads(raw) or "{}").get("url", "")
        folder = url.removeprefix("file://")
        out = subprocess.run(["git", "-C", folder, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError, ValueError, AttributeError):
        return "?"


def compare(command: str, data: Path, other: list[str], repeat: int, folder: Path) -> tuple[Run, Run, str]:
    """The fastest run of each side (this checkout, the other) of *command* on *data*, and
    whether their answers are equal."""
    args, _, kind = COMMANDS[command]
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    mine: list[Run] = []
    theirs: list[Run] = []
    for _ in range(repeat):
        # Alternate, so that a burst of load elsewhere slows both sides, not one.
        mine.append(measure([*imhgraph_command(), "--data", str(data), *args], folder / f"{command}.now", env))
        theirs.append(measure([*other, "--data", str(data), *args], folder / f"{command}.before", env))
    now = min(mine, key=lambda r: r.seconds)
    before = min(theirs, key=lambda r: r.seconds)
    ok = (0, 1) if command == "validate" else (0,)
    if now.code not in ok or before.code not in ok:
        return now, before, f"exit {now.code} / {before.code}"
    equal = "yes" if digest_in_child(now.output, kind) == digest_in_child(before.output, kind) else "NO"
    return now, before, equal


def verdict(ratio: float) -> str:
    """How to read *ratio* (now seconds / before seconds)."""
    if ratio <= 1 - NOISE:
        return "faster"
    if ratio < 1 + NOISE:
        return "same (within noise)"
    return "SLOWER"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", required=True, help="the other install's imhgraph console script")
    parser.add_argument("--sizes", default="100k", help="comma-separated, of " + ", ".join(PROGRAMS_FOR))
    parser.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated, of " + ", ".join(COMMANDS))
    parser.add_argument("--repeat", type=int, default=5, help="runs of each side, alternating; the fastest counts")
    parser.add_argument("--write", action="store_true", help="write bench/AGAINST.md")
    parser.add_argument("--out", type=Path, default=run.OUT, help="folder for generated data and answers (default: bench/out)")
    args = parser.parse_args(argv)
    run.OUT = args.out.resolve()
    other = [str(Path(args.other).resolve())]
    sizes = [s for s in args.sizes.split(",") if s]
    commands = [c for c in args.commands.split(",") if c]
    for s in sizes:
        if s not in PROGRAMS_FOR:
            parser.error(f"unknown size {s!r}")
    for c in commands:
        if c not in COMMANDS:
            parser.error(f"unknown command {c!r}")
    lines = [
        "| command | size | triples | now s | before s | now / before | now MB | before MB | equal | reading |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    slower = False
    for size in sizes:
        data = data_file(size)
        triples = count_triples(data)
        for command in commands:
            print(f"{command} at {size} …", file=sys.stderr, flush=True)
            now, before, equal = compare(command, data, other, args.repeat, run.OUT / "against" / size)
            ratio = now.seconds / before.seconds if before.seconds else float("inf")
            reading = verdict(ratio)
            slower |= reading == "SLOWER"
            lines.append(
                f"| {command} | {size} | {triples:,} | {now.seconds:.2f} | {before.seconds:.2f} | {ratio:.2f} "
                f"| {now.peak_mb:.0f} | {before.peak_mb:.0f} | {equal} | {reading} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    print("\n".join(lines))
    if args.write:
        text = [
            "# This checkout against an earlier one",
            "",
            f"Produced by `python bench/against.py {' '.join(sys.argv[1:] if argv is None else argv)}`.",
            f"Both sides ran alternately, {args.repeat} times each, the fastest counting; "
            f"now = commit {_commit(imhgraph_command()[0])}, before = commit {_commit(other[0])}.",
            f"Differences under {NOISE:.0%} are noise on this shared machine.",
            "",
            *run.machine(),
            "",
            *lines,
            "",
        ]
        (HERE / "AGAINST.md").write_text("\n".join(text), encoding="utf-8")
        print(f"wrote {HERE / 'AGAINST.md'}", file=sys.stderr)
    return 1 if slower else 0


if __name__ == "__main__":
    raise SystemExit(main())
