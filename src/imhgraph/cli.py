"""The command line: global options, lazy command loading, and errors mapped to exit codes.

Each command lives in ``imhgraph/commands/NAME.py`` as a thin click command that
parses options, calls one library function and renders its result. Commands are
imported only when used (or when ``--help`` lists them), so start-up stays fast.
Exit codes: 0 success, 1 a finding, 2 unusable input or usage, 3 a bug in imhgraph.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from .commands._options import FiniteFloat

#: command name → module under imhgraph.commands (each exposes ``command``).
COMMANDS: dict[str, str] = {
    "validate": "validate",
    "export": "export",
    "stats": "stats",
    "queries": "queries",
    "query": "query",
    "coverage": "coverage",
    "compare": "compare",
    "gaps": "gaps",
    "eligible": "eligible",
    "import-csv": "import_csv",
    "import-ctdl": "import_ctdl",
    "diff": "diff",
    "push": "push",
    "analyze": "analyze",
    "report": "report",
    "show": "show",
    "search": "search",
}

EXIT_BUG = 3

#: words people type for a command that does not exist → the command that does what they
#: mean (spelling alone would send ``show`` to ``push``, an upload).
MEANINGS: dict[str, str] = {
    "describe": "show",
    "view": "show",
    "info": "show",
    "profile": "show",
    "find": "search",
    "lookup": "search",
    "list": "query list-programs",
    "programs": "query list-programs",
    "topics": "query list-topics",
    "credentials": "query list-credentials",
    "check": "validate",
    "lint": "validate",
    "matrix": "coverage",
    "html": "report",
    "upload": "push",
    "load": "push",
    "publish": "export --format ctdl",
    "convert": "export",
    "similarity": "analyze similarity",
    "centrality": "analyze centrality",
    "communities": "analyze communities",
    "count": "stats",
    "import": "import-csv",
}

#: the longest --timeout accepted (a week): beyond it the clock's arithmetic overflows.
MAX_TIMEOUT = 7 * 24 * 3600.0


@dataclass
class AppState:
    """What the global options said; opens the backend on first use and closes it at exit."""

    data: tuple[Path, ...] = ()
    #: files or folders loaded beside the bundled data (``--add``).
    add: tuple[Path, ...] = ()
    store: Path | None = None
    endpoint: str | None = None
    timeout: float = 30.0
    debug: bool = False
    #: one line per table row, whatever the terminal's width (``--wide``).
    wide: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    _backend: Any = None

    def backend(self) -> Any:
        """The :class:`~imhgraph.stores.Backend` the global options describe (opened once)."""
        if self._backend is None:
            from .atomic import current_inputs
            from .backends import BackendSpec

            if self.store is not None:
                current_inputs().protect_folder(self.store)  # no output may land in the store
            spec = BackendSpec(self.loaded_data(), self.store, self.endpoint, self.timeout, self.options)
            self._backend = spec.open()
        return self._backend

    def loaded_data(self) -> tuple[Path, ...]:
        """The data paths to load: ``--data`` (replacing the bundled data), or the bundled
        data plus ``--add``; empty means the bundled data alone."""
        if self.add and not self.data:
            from .resources import bundled_data_files

            return (*bundled_data_files(), *self.add)
        return (*self.data, *self.add)

    def describe_data(self) -> str:
        """Which data this run loaded, in words (for errors about missing IDs)."""
        if self.endpoint:
            return f"the endpoint {self.endpoint}"
        if self.store and not self.data and not self.add:
            return f"the store {self.store}"
        if self.data:
            names = ", ".join(str(p) for p in (*self.data, *self.add))
            return f"only {names} (--data replaces the bundled data)"
        if self.add:
            return "the bundled data and " + ", ".join(str(p) for p in self.add)
        return "the bundled data"

    def close(self) -> None:
        """Close the backend if one was opened, after printing its notices (an endpoint's
        warnings about its answers) to stderr."""
        if self._backend is not None:
            for notice in getattr(self._backend, "notices", ()):
                click.echo(f"warning: {notice}", err=True)
            self._backend.close()
            self._backend = None


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is needed, and that
    turns every :class:`~imhgraph.errors.ImhgraphError` into a message and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command = importlib.import_module(f"imhgraph.commands.{module}").command
        _accept_global_options(self, command)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            ctx.fail(f"No such command {name!r}.{suggest_command(name)}")
        return super().resolve_command(ctx, args)

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """click's ``main``, with its usage errors (missing option, bad value, unknown command
        or option, no such file) in imhgraph's own look: ``error [IMH001]: …`` and a hint, exit 2."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as exc:
            sys.exit(report_usage_error(exc))
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("interrupted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        from .atomic import Inputs, reading

        state: AppState = ctx.ensure_object(AppState)
        try:
            with reading(Inputs()):  # the files this run reads, which no output may replace
                return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except click.exceptions.Abort:
            raise
        except Exception as exc:  # noqa: BLE001 — the one place errors become exit codes
            _name_the_data(exc, _state(ctx, state))
            raise click.exceptions.Exit(report_exception(exc, debug=_state(ctx, state).debug)) from None
        finally:
            # The group callback replaces ctx.obj with the AppState of this run: close that one
            # (an on-disk store must be flushed and its lock released).
            _state(ctx, state).close()


def _name_the_data(exc: Exception, state: AppState) -> None:
    """An unknown ID may only be missing from the data this run loaded: say which data
    that was, and how to load the bundled data beside one's own."""
    from .errors import UnknownIdError

    if not isinstance(exc, UnknownIdError) or not (state.data or state.add or state.store or state.endpoint):
        return  # the bundled data alone: nothing to explain
    note = f"Loaded: {state.describe_data()}."
    if state.data and not state.endpoint:
        mine = " ".join(f"--add {p}" for p in state.data)
        note += f" To use your files beside the bundled programs, write {mine} instead."
    exc.hint = f"{exc.hint} {note}" if exc.hint else note


def _state(ctx: click.Context, fallback: AppState) -> AppState:
    return ctx.obj if isinstance(ctx.obj, AppState) else fallback


def _accept_global_options(group: click.Group, command: click.Command) -> None:
    """Let the global options also follow the command (``imhgraph validate --data x.ttl``):
    people type them there, and an error for it would only be pedantry."""
    if getattr(command, "_imhgraph_globals", False):
        return
    taken = {opt for param in command.params for opt in getattr(param, "opts", [])}
    for param in group.params:
        if not isinstance(param, click.Option) or param.name in ("version", "help"):
            continue
        if any(opt in taken for opt in param.opts):
            continue
        clone = click.Option(
            param.opts,
            multiple=param.multiple,
            is_flag=param.is_flag,
            type=param.type,
            metavar=param.metavar,
            expose_value=False,
            hidden=True,
            callback=_set_global(param.name or ""),
        )
        command.params.append(clone)
    command._imhgraph_globals = True  # type: ignore[attr-defined]


#: global options that go to the backend through AppState.options (see endpoint.endpoint_backend).
_ENDPOINT_OPTIONS = ("update_endpoint", "gsp_endpoint", "endpoint_graph", "query_method")


def _set_global(name: str) -> Any:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        state = ctx.find_root().obj
        if state is None or value in (None, (), False):
            return
        if name in ("data", "add"):
            setattr(state, name, tuple(value))
        elif name in _ENDPOINT_OPTIONS:
            state.options[name] = value
        else:
            setattr(state, name, value)

    return callback


def suggest_command(name: str) -> str:
    """" Did you mean: …?" for a mistyped or imagined command: what people mean by the word
    first, then commands spelled alike; empty when nothing comes close."""
    import difflib

    word = name.lower()
    meant = [MEANINGS[word]] if word in MEANINGS and MEANINGS[word] != name else []
    close = [c for c in difflib.get_close_matches(word, list(COMMANDS), n=3, cutoff=0.5) if c not in meant]
    if meant:
        close = [c for c in close if c not in MEANINGS.values()][:1]
    found = meant + close
    return f" Did you mean: {', '.join(found)}?" if found else ""


def report_usage_error(exc: click.UsageError) -> int:
    """Print a usage error of click's (missing option, bad value, unknown command or option,
    missing file) as every other error reads, with a hint naming the command's help; exit 2."""
    from .errors import UsageError

    path = exc.ctx.command_path if exc.ctx is not None else "imhgraph"
    message = exc.format_message().strip()
    if message.startswith("Error: "):
        message = message[len("Error: "):]
    click.echo(f"error [{UsageError.code}]: {message}", err=True)
    click.echo(f"hint: `{path} --help` lists its options and arguments.", err=True)
    return UsageError.exit_code


def report_exception(exc: BaseException, *, debug: bool) -> int:
    """Print *exc* for a person and return the exit code: a user's mistake in one or two
    plain lines (exit 2 or its own code); a bug with its traceback (exit 3)."""
    from .errors import ImhgraphError, UnsafeInputError

    if isinstance(exc, RecursionError):
        # rdflib's Turtle/JSON-LD writers and graph canonicalisation recurse once per level of
        # blank-node nesting, so a chain of a few hundred anonymous nodes — valid RDF, even as
        # flat N-Triples — exhausts Python's stack: the input's shape, not a bug of ours.
        cause = exc
        exc = UnsafeInputError(
            "the data nests blank nodes too deeply to process: a chain of anonymous resources "
            "([ … ] or _:b) hundreds of levels long",
            hint="Give those resources IRIs, or export as N-Triples (--format ntriples), which has "
            "no nesting. If your data holds no such chain, this is a bug: rerun with --debug and report it.",
        )
        exc.__cause__ = cause
    if isinstance(exc, ImhgraphError):
        from .render import printable

        # Messages quote data and servers' words: no control character may reach the terminal.
        click.echo(printable(f"error [{exc.code}]: {exc.message}"), err=True)
        if exc.hint:
            click.echo(printable(f"hint: {exc.hint}"), err=True)
        if debug:
            traceback.print_exception(exc, file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, BrokenPipeError):
        return 0
    if isinstance(exc, KeyboardInterrupt):
        click.echo("interrupted", err=True)
        return 130
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    else:
        frames = traceback.format_exception(exc, limit=-2)
        click.echo("".join(frames).rstrip(), err=True)
        click.echo("(run with --debug for the full traceback)", err=True)
    click.echo(
        f"error [IMH999]: internal error in imhgraph: {type(exc).__name__}: {exc}. "
        "This is a bug; please report it with the command you ran.",
        err=True,
    )
    return EXIT_BUG


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Turtle, JSON-LD or N-Triples file or folder to load instead of the bundled data "
    "(repeatable). The ontology and topic scheme are always loaded.",
)
@click.option(
    "--add",
    "add",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Turtle, JSON-LD or N-Triples file or folder to load beside the bundled data "
    "(repeatable): your program compared with the field's.",
)
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="A persistent on-disk Oxigraph store (no server). With --data: load the files into it.",
)
@click.option("--endpoint", metavar="URL", help="A SPARQL 1.1 query endpoint to use instead of local files.")
@click.option(
    "--update-endpoint",
    metavar="URL",
    help="The endpoint's SPARQL Update URL, where the server separates it (default: derived from --endpoint).",
)
@click.option(
    "--gsp-endpoint",
    metavar="URL",
    help="The endpoint's Graph Store Protocol URL, used by push (default: derived from --endpoint).",
)
@click.option(
    "--endpoint-graph",
    metavar="IRI",
    help="Query this named graph of the endpoint as the default graph (e.g. after push --graph IRI).",
)
@click.option(
    "--query-method",
    type=click.Choice(["form", "direct", "get"]),
    default=None,
    help="How queries travel to the endpoint: form (POST, form-encoded; every SPARQL 1.1 server "
    "answers it) [default], direct (POST application/sparql-query) or get.",
)
@click.option(
    "--timeout",
    type=FiniteFloat(min=0.1, max=MAX_TIMEOUT),
    default=30.0,
    show_default=True,
    help="Seconds to wait for an endpoint before giving up.",
)
@click.option("--wide", is_flag=True, help="Tables keep one line per row, however wide (default: fit the terminal, COLUMNS).")
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
@click.version_option(package_name="imhgraph", prog_name="imhgraph")
@click.pass_context
def cli(
    ctx: click.Context,
    data: tuple[Path, ...],
    add: tuple[Path, ...],
    store: Path | None,
    endpoint: str | None,
    update_endpoint: str | None,
    gsp_endpoint: str | None,
    endpoint_graph: str | None,
    query_method: str | None,
    timeout: float,
    wide: bool,
    debug: bool,
) -> None:
    """imhgraph: a knowledge graph of Infant Mental Health specialist training.

    Programs, the organizations behind them, the topics they teach and the
    credentials they lead to, validated with SHACL and queried with SPARQL.
    Exit codes: 0 success, 1 a finding (violations, gaps), 2 unusable input or
    usage, 3 a bug in imhgraph.
    """
    ctx.obj = AppState(data=data, add=add, store=store, endpoint=endpoint, timeout=timeout, debug=debug, wide=wide)
    for key in _ENDPOINT_OPTIONS:
        if ctx.params.get(key):
            ctx.obj.options[key] = ctx.params[key]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="imhgraph")


if __name__ == "__main__":  # pragma: no cover
    main()
