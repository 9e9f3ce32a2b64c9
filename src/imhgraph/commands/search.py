"""``imhgraph search TEXT``: find programs, credentials, topics, organizations and courses."""

from __future__ import annotations

import click

from ._options import backend, emit_result, format_option


@click.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--kind", type=click.Choice(["program", "credential", "topic", "org", "course"]), help="Only this kind.")
@click.option("--state", metavar="NAME", help="Only programs and organizations whose recorded address names it.")
@click.option("--delivery", metavar="MODE", help="Only programs delivered this way (online, hybrid, in person).")
@click.option("--organization", metavar="ID", help="Only programs of this organization (or of its parts).")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many results.")
@format_option(("table", "csv", "tsv", "markdown", "json"))
@click.pass_context
def command(
    ctx: click.Context,
    text: tuple[str, ...],
    kind: str | None,
    state: str | None,
    delivery: str | None,
    organization: str | None,
    limit: int | None,
    fmt: str,
) -> None:
    """Find programs, credentials, topics, organizations and courses by their words.

    Every word must be found in a name, code, synonym, course title, organization or
    description (case and accents ignored; "attach" finds "attachment"). Results are ranked,
    names and codes first, with their IDs for `imhgraph show ID`.
    """
    from imhgraph.search import search

    found = search(backend(ctx), " ".join(text), kind=kind, state=state, delivery=delivery,
                   organization=organization, limit=limit)
    emit_result(found, fmt)
