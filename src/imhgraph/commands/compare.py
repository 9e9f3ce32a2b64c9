"""``imhgraph compare A B``: two programs' curricula side by side."""

from __future__ import annotations

import click

from pathlib import Path

from ._options import TABLE_FORMATS, backend, emit_result, format_option, output_option


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@format_option(TABLE_FORMATS)
@output_option()
@click.pass_context
def command(ctx: click.Context, a: str, b: str, fmt: str, output: Path | None) -> None:
    """Compare programs A and B by the topics they cover directly.

    Lists the topics both cover (shared), only A, only B, and the topics where
    the coverage of one or both is unknown, with each program's cell, and the
    Jaccard similarity of their direct coverage.
    """
    from imhgraph.coverage import compare_programs

    result = compare_programs(backend(ctx), a, b)
    emit_result(result, fmt, output)
