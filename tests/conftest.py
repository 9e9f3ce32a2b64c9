"""Shared fixtures: the bundled backend, an in-process CLI runner, fixture paths."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from imhgraph.cli import cli
from imhgraph.stores import OxigraphBackend, memory_backend

from .servers import VIRTUOSO_MISSING, VirtuosoServer, virtuoso_binaries

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Run:
    """The outcome of one in-process CLI run."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session", autouse=True)
def _wide_terminal() -> Iterator[None]:
    """Tests read what the commands say, not how it is laid out: a terminal wide enough that
    no table wraps (session-wide, so module fixtures see it too). tests/test_terminal.py checks
    the fitting with COLUMNS of its own."""
    import os

    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "1000"
    yield
    if before is None:
        os.environ.pop("COLUMNS", None)
    else:
        os.environ["COLUMNS"] = before


@pytest.fixture(scope="session")
def bundled() -> OxigraphBackend:
    """The bundled vocabulary and data, loaded once for the session (do not mutate)."""
    return memory_backend()


@pytest.fixture
def run() -> Callable[..., Run]:
    """Run ``imhgraph ARGS…`` in-process; returns exit code, stdout and stderr separately."""

    def _run(*args: str, input: str | None = None) -> Run:
        runner = CliRunner()
        result = runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return _run


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """One Virtuoso server for the whole session (it takes seconds to start), on a throwaway
    database folder; tests write only to graphs of their own. Skips where it is not installed."""
    if virtuoso_binaries() is None:
        pytest.skip(VIRTUOSO_MISSING)
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
