"""``imhgraph queries [NAME]``: the catalogue of named queries, or one query's documentation."""

from __future__ import annotations

import click

from ._options import emit_result, format_option


@click.command()
@click.argument("name", required=False)
@format_option()
def command(name: str | None, fmt: str) -> None:
    """List the named queries (name, title, parameters), or show the documentation and the
    SPARQL text of the query NAME."""
    from imhgraph import sparql

    result = sparql.Catalogue(sparql.catalogue()) if name is None else sparql.QueryDocs(sparql.find_query(name))
    emit_result(result, fmt)
