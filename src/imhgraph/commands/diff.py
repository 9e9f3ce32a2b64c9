"""``imhgraph diff OLD NEW``: two versions of the data compared in the domain's words."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import emit_result, finish, format_option, output_option


@click.command()
@click.argument("old", type=click.Path(path_type=Path), metavar="OLD")
@click.argument("new", type=click.Path(path_type=Path), metavar="NEW")
@format_option(("table", "markdown", "json"))
@output_option()
@click.pass_context
def command(ctx: click.Context, old: Path, new: Path, fmt: str, output: Path | None) -> None:
    """Compare two versions of the data (RDF files or folders) as graphs.

    Reports programs, credentials and organizations added or removed, topics
    gained or lost per program, requirement, coverage, label and source changes.
    Serialization and blank-node labels do not count. The global --data is not
    used: OLD and NEW are the two sides. Exit 0 when equal, 1 when different,
    2 when a side cannot be read.
    """
    from imhgraph.diff import diff_paths

    report = diff_paths([old], [new])
    emit_result(report, fmt, output)
    finish(report.exit_code)
