"""Options and helpers shared by the commands: one ``--format`` choice, ``--output``, emitting."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from imhgraph.render import TABLE_FORMATS

F = TypeVar("F", bound=Callable[..., Any])



class FiniteFloat(click.FloatRange):
    """A number within a range that is also finite: ``nan`` and ``inf`` are refused (exit 2),
    where click's FloatRange lets them through (every comparison with NaN is false)."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def format_option(choices: Sequence[str] = TABLE_FORMATS, default: str | None = None) -> Callable[[F], F]:
    """``--format`` with *choices* (the first is the default unless *default* is given)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default or choices[0],
        show_default=True,
        help="Output format.",
    )


def output_option(help_text: str = "Write to FILE (atomically) instead of standard output.") -> Callable[[F], F]:
    """``--output FILE``."""
    return click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help=help_text)


def state(ctx: click.Context) -> Any:
    """The :class:`~imhgraph.cli.AppState` of this run."""
    return ctx.find_root().obj


def backend(ctx: click.Context) -> Any:
    """The backend the global options describe."""
    return state(ctx).backend()


def emit(text: str | Iterable[str], output: Path | None = None, *, announce: bool = True) -> None:
    """Print *text*, or write it atomically to *output* and say where (on standard error)."""
    if output is not None:
        from imhgraph.atomic import write_atomic

        path = write_atomic(output, text)
        if announce:
            click.echo(f"wrote {path}", err=True)
        return
    if isinstance(text, str):
        click.echo(text, nl=False)
    else:
        for chunk in text:
            click.echo(chunk, nl=False)


def terminal_width() -> int:
    """The width people read at: ``COLUMNS`` when set, else the terminal's, else 80."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def emit_result(result: Any, fmt: str, output: Path | None = None, *, note: Any = None) -> None:
    """Render *result* in *fmt* through :func:`imhgraph.render.render` and :func:`emit` it.

    On standard output the people's formats fit :func:`terminal_width` unless the global
    ``--wide`` was given; a file (``--output``) keeps one line per row, as no terminal
    decides its width. *note* (a result too, such as a query's caveat) goes with the output,
    rendered for people: after it on standard output, fitted like it; on standard error
    when the output went to a file, which then holds the output alone."""
    from imhgraph.render import render

    width = _width(output)
    emit(render(result, fmt, width), output)
    if note is not None:
        text = render(note, "text", width)
        for chunk in [text] if isinstance(text, str) else text:
            click.echo(chunk, nl=False, err=output is not None)


def _width(output: Path | None) -> int | None:
    """The width of the people's formats: the terminal's on standard output, none with the
    global ``--wide`` or into a file."""
    ctx = click.get_current_context(silent=True)
    wide = bool(ctx is not None and getattr(state(ctx), "wide", False))
    return None if (wide or output is not None) else terminal_width()


def finish(code: int) -> None:
    """Exit with *code* (through click, so that cleanup runs)."""
    if code:
        raise click.exceptions.Exit(code)
