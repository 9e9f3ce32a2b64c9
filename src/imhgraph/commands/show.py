"""``imhgraph show ID``: one program, credential, organization, topic or course in plain words."""

from __future__ import annotations

import click

from ._options import backend, emit_result, format_option


@click.command()
@click.argument("given", metavar="ID")
@format_option(("table", "csv", "tsv", "markdown", "json"))
@click.pass_context
def command(ctx: click.Context, given: str, fmt: str) -> None:
    """Show one program, credential, organization, topic or course in plain words.

    ID as people type it: a short ID, an IRI, a label, a code (IMHS) or a synonym. A program
    shows its organization, credential, duration, format, entry routes, courses with their
    topics and the words of the source, topics by area and its sources; a credential its
    requirements, required topics and the programs that prepare for it; a topic its
    definition, synonyms, broader/narrower/related topics and the programs known to cover it.
    """
    from imhgraph.profile import show

    emit_result(show(backend(ctx), given), fmt)
