"""``imhgraph gaps PROGRAM --credential CRED``: required topics a program leaves uncovered."""

from __future__ import annotations

import click

from pathlib import Path

from ._options import TABLE_FORMATS, backend, emit_result, finish, format_option, output_option


@click.command()
@click.argument("program", required=False, metavar="PROGRAM")
@click.option("--credential", required=True, metavar="ID", help="The credential whose required topics to check.")
@click.option("--all-programs", is_flag=True, help="Rank every program against the credential instead of one.")
@click.option(
    "--fail-on-gaps", is_flag=True, help="Exit 1 when a required topic is certainly not covered (cell `no`)."
)
@format_option(TABLE_FORMATS)
@output_option()
@click.pass_context
def command(
    ctx: click.Context,
    program: str | None,
    credential: str,
    all_programs: bool,
    fail_on_gaps: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """For every topic the credential requires, the program's coverage cell.

    A summary gives the share of required topics the program covers directly or
    through narrower topics. With --all-programs, every program is ranked by
    that share. Topics the data leaves unknown are reported as unknown, never as
    gaps for certain.
    """
    from imhgraph.coverage import credential_gaps

    result = credential_gaps(backend(ctx), program, credential, all_programs=all_programs)
    emit_result(result, fmt, output)
    finish(1 if fail_on_gaps and result.has_no else 0)
