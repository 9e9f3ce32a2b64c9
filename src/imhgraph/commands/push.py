"""``imhgraph push``: upload vocabulary and data to a SPARQL store (Graph Store Protocol)."""

from __future__ import annotations

import click

from ._options import emit_result, format_option, state


@click.command()
@click.option(
    "--endpoint",
    "endpoint",
    metavar="URL",
    help="The SPARQL store to upload to (query URL, server or dataset URL; the Graph Store "
    "URL is derived from it unless --gsp-endpoint is given).",
)
@click.option("--graph", metavar="IRI", help="Replace this named graph instead of the default graph.")
@format_option(("text", "json"))
@click.pass_context
def command(ctx: click.Context, endpoint: str | None, graph: str | None, fmt: str) -> None:
    """Upload the vocabulary and the data (bundled, --data FILES or --store DIR) to a SPARQL
    1.1 store with the Graph Store Protocol (HTTP PUT), replacing the target graph, so that
    the endpoint serves what the files say. Credentials: IMHGRAPH_ENDPOINT_USER and
    IMHGRAPH_ENDPOINT_PASSWORD, or IMHGRAPH_ENDPOINT_TOKEN."""
    from imhgraph.endpoint import endpoint_urls
    from imhgraph.errors import UsageError
    from imhgraph.push import push
    from imhgraph.backends import BackendSpec

    app = state(ctx)
    target = endpoint or app.endpoint
    if not target:
        raise UsageError("push needs an endpoint", hint="imhgraph push --endpoint http://localhost:7878")
    urls = endpoint_urls(target, update=app.options.get("update_endpoint"), gsp=app.options.get("gsp_endpoint"))
    source = BackendSpec(data=tuple(app.data), store=app.store).open()
    try:
        result = push(
            source, urls, graph=graph, timeout=app.timeout, query_method=app.options.get("query_method", "form")
        )
    finally:
        source.close()
    emit_result(result, fmt)
    for note in result.advice():
        click.echo(note, err=True)
