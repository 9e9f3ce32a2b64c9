"""``imhgraph import-csv``: a spreadsheet of programs and topics turned into valid Turtle."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import backend, emit_result, output_option


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE.csv")
@output_option("Write the Turtle to FILE (atomically) instead of standard output.")
@click.pass_context
def command(ctx: click.Context, file: Path, output: Path | None) -> None:
    """Turn a CSV spreadsheet of programs and the topics they cover into Turtle.

    Long layout (a topic_id column): one row per program and topic. Wide layout: one
    row per program and one column per topic ID, marked x, yes, 1, true or ✓ where
    the program covers the topic. Columns: program_id, program_label,
    organization_id, organization_label, source, and optionally coverage_complete,
    organization_source, retrieved. Every row is checked first; bad rows are listed
    with their row number and column, and nothing is written (exit 2).
    """
    from imhgraph.importer import import_csv
    from imhgraph.render import Serialised

    result = import_csv(file, backend(ctx))
    emit_result(Serialised(result.turtle()), "turtle", output)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(result.summary(str(file)), err=True)
