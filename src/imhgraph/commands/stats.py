"""``imhgraph stats``: counts and sources."""

from __future__ import annotations

import click

from ._options import emit_result, backend, format_option


@click.command()
@format_option()
@click.pass_context
def command(ctx: click.Context, fmt: str) -> None:
    """Counts of organizations, programs, credentials, topics, professions and triples,
    and the sources the data cites."""
    from imhgraph.stats import stats

    result = stats(backend(ctx))
    emit_result(result, fmt)
