"""``imhgraph coverage``: the program × topic coverage matrix."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import TABLE_FORMATS, backend, emit_result, format_option, output_option



@click.command()
@click.option("--program", "programs", multiple=True, metavar="ID", help="Only this program (repeatable).")
@click.option("--topic", "topics", multiple=True, metavar="ID", help="Only this topic (repeatable).")
@click.option(
    "--under", multiple=True, metavar="TOPIC", help="Only TOPIC and the topics below it, at any depth (repeatable)."
)
@click.option("--depth", type=click.IntRange(min=1), metavar="N", help="Only the top N levels of the topic hierarchy.")
@click.option("--summary", is_flag=True, help="Per program, only the counts of direct / narrower / no / unknown.")
@click.option(
    "--explain",
    is_flag=True,
    help="Instead of the matrix: for each --program, every course with the topics it covers, the "
    "evidence (the words of the source) and the source page, then the program's own claims.",
)
@format_option(TABLE_FORMATS)
@output_option()
@click.pass_context
def command(
    ctx: click.Context,
    programs: tuple[str, ...],
    topics: tuple[str, ...],
    under: tuple[str, ...],
    depth: int | None,
    summary: bool,
    explain: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Which program covers which topic.

    Each cell is ● direct (the program covers the topic), ◐ narrower (it covers
    only narrower topics, at any depth), ✗ no (not covered, and the program
    declares its coverage complete) or ? unknown (not covered as far as the data
    says). Rows are programs, columns numbered topics with a key below. Filters
    combine: a topic must pass every one given.

    A program covers a topic directly or through one of its courses; --explain
    shows which course and the words of the source behind each claim.
    """
    from imhgraph.coverage import coverage_matrix

    if explain:
        from imhgraph.coverage.evidence import Explanation, explain_table
        from imhgraph.ids import resolve_many

        if not programs:
            raise click.UsageError("--explain needs --program ID (repeatable): the program whose courses to show.")
        b = backend(ctx)
        tables = tuple(explain_table(b, str(p)) for p in resolve_many(b, "program", programs))
        emit_result(Explanation(tables), fmt, output)
        return

    m = coverage_matrix(backend(ctx), programs=programs, topics=topics, under=under, depth=depth)
    emit_result(m.summary() if summary else m, fmt, output)
