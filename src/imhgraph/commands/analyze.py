"""``imhgraph analyze similarity|centrality|communities``: network analyses of programs and topics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ._options import emit_result, FiniteFloat, backend, format_option, output_option

F = TypeVar("F", bound=Callable[..., Any])


def _common(func: F) -> F:
    """Options every analysis shares: which programs, direct or rolled-up topics, format, output."""
    for decorator in reversed([
        click.option("--program", "programs", multiple=True, metavar="ID",
                     help="Only these programs (repeatable; short ID, IRI or label). Default: all."),
        click.option("--rollup", is_flag=True,
                     help="Count the broader topics of every covered topic as covered too "
                          "(default: direct coverage only)."),
        format_option(),
        output_option(),
    ]):
        func = decorator(func)
    return func


def _data_and_programs(ctx: click.Context, programs: tuple[str, ...]) -> tuple[Any, list[str] | None]:
    from imhgraph.analyze import load
    from imhgraph.ids import resolve_many

    store = backend(ctx)
    data = load(store)
    chosen = [str(p) for p in resolve_many(store, "program", programs)] if programs else None
    return data, chosen


@click.group(name="analyze")
def command() -> None:
    """Network analyses of the program–topic graph: how alike programs are, which topics are
    the core of the field, and which groups of programs teach alike."""


@command.command()
@_common
@click.option("--view", type=click.Choice(["pairs", "nearest", "matrix"]), default="pairs", show_default=True,
              help="pairs: every pair with something in common, most similar first; nearest: each "
                   "program's most similar program(s); matrix: the square Jaccard matrix.")
@click.option("--min", "min_jaccard", type=FiniteFloat(0, 1), default=0.0, show_default=True,
              metavar="X", help="Only pairs with Jaccard at least X.")
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="K",
              help="Only each program's K most similar programs (ties broken by ID).")
@click.pass_context
def similarity(ctx: click.Context, programs: tuple[str, ...], rollup: bool, fmt: str, output: Path | None,
               view: str, min_jaccard: float, top: int | None) -> None:
    """Pairwise Jaccard similarity of programs' topic sets: shared topics over topics either
    covers. Pairs with nothing in common are left out."""
    from imhgraph.analyze import SimilarityView
    from imhgraph.analyze import similarity as run

    if view == "matrix" and (min_jaccard or top):
        raise click.UsageError("--min and --top shape the pairs and nearest views; the matrix shows every pair.")
    data, chosen = _data_and_programs(ctx, programs)
    if view == "matrix":
        result = run(data, chosen, rollup=rollup, for_matrix=True)
    else:
        result = run(data, chosen, rollup=rollup, min_jaccard=min_jaccard, top=top)
    emit_result(SimilarityView(result, view), fmt, output)


@command.command()
@_common
@click.option("--core", type=FiniteFloat(0, 1, min_open=True), default=0.5, show_default=True,
              metavar="SHARE", help="A topic covered by at least this share of the programs is 'core'.")
@click.option("--distinctive", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="A topic covered by at most N programs is 'distinctive'.")
@click.option("--samples", type=click.IntRange(min=1), default=200, show_default=True, metavar="K",
              help="With more topics than K, estimate betweenness from K sampled topics (fixed seed).")
@click.pass_context
def centrality(ctx: click.Context, programs: tuple[str, ...], rollup: bool, fmt: str, output: Path | None,
               core: float, distinctive: int, samples: int) -> None:
    """For each topic covered by a program: how many programs cover it and what share, its
    degree and betweenness in the graph of topics taught together, and a role: core, common
    or distinctive."""
    from imhgraph.analyze import centrality as run

    data, chosen = _data_and_programs(ctx, programs)
    result = run(data, chosen, rollup=rollup, core=core, distinctive=distinctive, samples=samples)
    emit_result(result, fmt, output)


@command.command()
@_common
@click.option("--min", "min_jaccard", type=FiniteFloat(0, 1), default=0.0, show_default=True,
              metavar="X", help="Link only programs with Jaccard at least X.")
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="K",
              help="Link each program only to its K most similar programs (for large data).")
@click.option("--resolution", type=FiniteFloat(min=0, min_open=True), default=1.0, show_default=True,
              help="Louvain resolution: above 1 gives more, smaller communities.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed of Louvain.")
@click.option("--describe", type=click.IntRange(min=0), default=5, show_default=True, metavar="N",
              help="Describe each community by up to N topics that set it apart.")
@click.pass_context
def communities(ctx: click.Context, programs: tuple[str, ...], rollup: bool, fmt: str, output: Path | None,
                min_jaccard: float, top: int | None, resolution: float, seed: int, describe: int) -> None:
    """Groups of similar programs (Louvain on the Jaccard similarity graph, fixed seed), each
    described by the topics most of its members cover and few other programs do."""
    from imhgraph.analyze import communities as run

    data, chosen = _data_and_programs(ctx, programs)
    result = run(data, chosen, rollup=rollup, min_jaccard=min_jaccard, top=top, resolution=resolution,
                 seed=seed, describe=describe)
    emit_result(result, fmt, output)
