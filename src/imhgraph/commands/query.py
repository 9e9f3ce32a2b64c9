"""``imhgraph query NAME|FILE.rq``: run a named or ad-hoc read-only SPARQL query."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import backend, emit_result, finish, output_option, state

QUERY_FORMATS = ("table", "csv", "tsv", "json", "markdown", "turtle", "json-ld", "ntriples")


@click.command()
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value: a short ID, IRI or literal, as the query's header declares "
    "(repeatable; a list parameter also takes comma-separated values).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(QUERY_FORMATS),
    default=None,
    help="Output format. SELECT: table (default), csv, tsv, markdown, json (W3C SPARQL results); "
    "ASK: true/false or json; CONSTRUCT/DESCRIBE: turtle (default), json-ld, ntriples.",
)
@click.option("--fail-on-false", is_flag=True, help="ASK: exit 1 when the answer is false.")
@output_option()
@click.pass_context
def command(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    fmt: str | None,
    fail_on_false: bool,
    output: Path | None,
) -> None:
    """Run the named query NAME (see `imhgraph queries`) or the SPARQL file FILE.rq.

    Queries are read-only: UPDATE is refused, and SERVICE is refused on local data.
    Parameter values are bound as values (a VALUES block of checked, escaped RDF terms),
    never pasted into the query text as typed.
    """
    from imhgraph import sparql as queries
    from imhgraph.coverage import query_caveat

    query = queries.find_query(name)
    values = queries.parse_param_args(params)
    store = backend(ctx)
    result = queries.run(store, query, values, timeout=state(ctx).timeout)
    chosen = fmt or ("turtle" if result.form in ("CONSTRUCT", "DESCRIBE") else "table")
    # A query whose answer depends on coverage says so after the table, with how much is unknown.
    caveat = query_caveat(store, query, result.form, chosen)
    emit_result(queries.Answer(result, store), chosen, output, note=caveat)
    if result.form == "ASK" and fail_on_false and not result.boolean:
        finish(1)
