"""``imhgraph import-ctdl``: CTDL JSON-LD documents (as a Credential Registry publishes them)
turned into imhgraph Turtle."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import emit_result, output_option


@click.command()
@click.argument("path", type=click.Path(path_type=Path), metavar="FILE|DIR")
@output_option("Write the Turtle to FILE (atomically) instead of standard output.")
def command(path: Path, output: Path | None) -> None:
    """Turn CTDL JSON-LD documents into imhgraph Turtle: credentials, organizations,
    learning programs, courses and competency frameworks, as a Credential Registry
    publishes them (one document, a JSON Lines file such as `export --format ctdl`
    writes, or a folder of them). The official CTDL contexts are read from the bundled
    copies; nothing is fetched. `export --format ctdl` followed by `import-ctdl` gives
    back the same imhgraph facts for every property the mapping covers."""
    from imhgraph.ctdl.importer import import_ctdl
    from imhgraph.render import Serialised

    result = import_ctdl(path)
    emit_result(Serialised(result.turtle()), "turtle", output)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(result.summary(str(path)), err=True)
