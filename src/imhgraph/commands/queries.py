"""``imhgraph queries [NAME]``: the catalogue of named queries, or one query's documentation."""

from __future__ import annotations

import click

from ._options import emit, format_option


@click.command()
@click.argument("name", required=False)
@format_option()
def command(name: str | None, fmt: str) -> None:
    """List the named queries (name, title, parameters), or show the documentation and the
    SPARQL text of the query NAME."""
    from imhgraph import sparql as queries
    from imhgraph.render import render, render_json

    if name is None:
        if fmt == "json":
            emit(render_json(queries.catalogue_json()))
        else:
            table = queries.catalogue_table()
            table.notes.append("`imhgraph queries NAME` shows a query; `imhgraph query NAME --param …` runs it.")
            emit(render(table, fmt))
        return
    query = queries.find_query(name)
    emit(render_json(queries.describe_json(query)) if fmt == "json" else queries.describe(query))
