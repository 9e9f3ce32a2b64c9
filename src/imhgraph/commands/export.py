"""``imhgraph export``: the whole graph in a standard format, byte-identical for the same data."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ._options import backend, emit_result, finish, format_option


@click.command()
@format_option(("turtle", "json-ld", "ntriples", "ctdl"))
@click.option(
    "--output", "-o", "output", metavar="FILE|DIR", type=click.Path(path_type=str),
    help="Write to FILE (atomically) instead of standard output. With --format ctdl, a folder "
    "(an existing one, or a name ending in /) gets one <ctid>.json file per document.",
)
@click.option(
    "--check", is_flag=True,
    help="With --format ctdl: write nothing; list the resources a Credential Registry would refuse "
    "and the facts they lack (exit 1 if any, 0 if all are publishable).",
)
@click.option(
    "--all", "include_all", is_flag=True,
    help="With --format ctdl: also write the documents a Registry would refuse (to review them).",
)
@click.pass_context
def command(ctx: click.Context, fmt: str, output: str | None, check: bool, include_all: bool) -> None:
    """Export the graph (vocabulary and data) as canonical Turtle, JSON-LD compacted with
    the bundled context, sorted N-Triples, or CTDL for a Credential Registry.

    CTDL: one document per organization, credential, learning program, course and competency
    framework (with its competencies), as JSON Lines (one document a line) or, with
    --output DIR/, one file per document named by its CTID. Only the documents a Registry
    would accept are written (see --check for the others) unless --all is given."""
    if (check or include_all) and fmt != "ctdl":
        raise click.UsageError("--check and --all apply to --format ctdl only.")
    if fmt != "ctdl":
        from imhgraph.export import export
        from imhgraph.render import Serialised

        emit_result(Serialised(export(backend(ctx), fmt)), fmt, Path(output) if output else None)
        return

    from imhgraph.ctdl import build_documents, check_report
    from imhgraph.ctdl import check as check_documents
    from imhgraph.ctdl import to_jsonl
    from imhgraph.render import Serialised

    documents = build_documents(backend(ctx).graph())
    if check:
        report = check_report(documents)
        emit_result(report, fmt)
        finish(report.exit_code)
        return
    if not include_all:
        refused = {m.ctid for m in check_documents(documents)}
        if refused:
            click.echo(
                f"note: {len(refused)} of {len(documents)} documents lack facts a Registry requires and "
                "are not written (export --format ctdl --check names them; --all writes them anyway)",
                err=True,
            )
        documents = [d for d in documents if d.ctid not in refused]
    if output is not None and (output.endswith(("/", os.sep)) or Path(output).is_dir()):
        from imhgraph.atomic import write_atomic

        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for doc in documents:
            write_atomic(folder / f"{doc.ctid}.json", doc.json(indent=2) + "\n")
        click.echo(f"wrote {len(documents)} documents to {folder.resolve()}", err=True)
        return
    emit_result(Serialised(to_jsonl(documents)), fmt, Path(output) if output else None)

