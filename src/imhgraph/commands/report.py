"""``imhgraph report --output FILE.html``: one self-contained HTML page about the whole graph."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import backend, emit_result


@click.command()
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path, dir_okay=False), metavar="FILE.html",
              help="Where to write the page (atomically).")
@click.option("--rollup", is_flag=True,
              help="Similarity, communities and centrality over direct and broader-of-covered topics.")
@click.pass_context
def command(ctx: click.Context, output: Path, rollup: bool) -> None:
    """One self-contained HTML page: overview, coverage heatmap, similarity and communities,
    gaps against credentials, topic centrality and sources. No script, style or font is
    loaded from anywhere, so it works offline and as an attachment; it prints cleanly."""
    from imhgraph.render import Serialised
    from imhgraph.report_data import build_report

    emit_result(Serialised(build_report(backend(ctx), rollup=rollup)), "html", output)
