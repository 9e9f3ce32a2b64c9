"""``imhgraph export``: the whole graph in a standard format, byte-identical for the same data."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import backend, emit, format_option, output_option


@click.command()
@format_option(("turtle", "json-ld", "ntriples", "ctdl"))
@output_option()
@click.pass_context
def command(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Export the graph (vocabulary and data) as canonical Turtle, JSON-LD compacted with
    the bundled context, sorted N-Triples, or CTDL JSON-LD for credential registries."""
    from imhgraph.export import export

    emit(export(backend(ctx), fmt), output)
