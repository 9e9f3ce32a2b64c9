"""``imhgraph validate``: SHACL validation with plain-language results."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import emit_result, backend, finish, format_option


@click.command()
@click.option(
    "--shapes",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="SHACL shapes to use instead of the bundled ontology/shapes.ttl.",
)
@format_option(("text", "table", "csv", "markdown", "json", "turtle"))
@click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning", "none"]),
    default="violation",
    show_default=True,
    help="Which severity makes the exit code 1.",
)
@click.pass_context
def command(ctx: click.Context, shapes: Path | None, fmt: str, fail_on: str) -> None:
    """Check the data against the SHACL shapes.

    One line per problem: the resource's ID and name, the property and what is
    wrong, in plain words; the counts at the end. Exit 0 when the data conforms
    (warnings are reported but do not fail unless --fail-on warning), 1 when
    there are violations, 2 when the input cannot be read.
    """
    from imhgraph.validate import validate

    report = validate(backend(ctx), shapes)
    emit_result(report, fmt)
    finish(report.exit_code(fail_on))
