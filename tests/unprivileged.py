"""Running imhgraph as an unprivileged user ('nobody') from a test run as root.

The test's own Python may lie where 'nobody' cannot read it (a pyenv build under /root): then
the system's Python of the same minor version runs it, with this checkout's packages added
(compiled modules are built for the minor version, so they load in either)."""

from __future__ import annotations

import os
import pwd
import shutil
import site
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def nobody() -> tuple[int, int] | None:
    """The uid and gid of 'nobody' when this test runs as root and can switch to it; else None."""
    if os.geteuid() != 0:
        return None
    try:
        user = pwd.getpwnam("nobody")
    except KeyError:
        return None
    return user.pw_uid, user.pw_gid


def _demote(ids: tuple[int, int]) -> Callable[[], None]:
    def switch() -> None:
        os.setgroups([])
        os.setgid(ids[1])
        os.setuid(ids[0])

    return switch


def _boot() -> str:
    """Python code that makes imhgraph and its packages importable."""
    dirs = [d for d in site.getsitepackages() if Path(d).is_dir()]
    return f"import site, sys\nfor d in {dirs!r}: site.addsitedir(d)\nsys.path.insert(0, {str(SRC)!r})\n"


@cache
def python_for_nobody() -> str | None:
    """A Python executable 'nobody' can run that imports imhgraph, or None."""
    ids = nobody()
    if ids is None:
        return None
    minor = sys.version_info.minor
    for exe in dict.fromkeys([sys.executable, f"/usr/bin/python3.{minor}", f"/usr/local/bin/python3.{minor}"]):
        try:
            done = subprocess.run([exe, "-c", _boot() + "import imhgraph.cli, pyoxigraph, rdflib"],
                                  preexec_fn=_demote(ids), capture_output=True, timeout=120, cwd="/",
                                  env=_env("/"), check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return exe
    return None


def _env(home: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "COLUMNS", "TZ")}
    return {**keep, "HOME": home, "PYTHONDONTWRITEBYTECODE": "1"}


def run_as_nobody(code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the Python *code* (``sys.argv[1:]`` = *args*) as 'nobody'; skips the test where that
    is impossible."""
    import pytest

    ids = nobody()
    exe = python_for_nobody()
    if ids is None or exe is None:
        pytest.skip("needs root, a 'nobody' user and a Python that 'nobody' can run")
    return subprocess.run([exe, "-c", _boot() + code, *args], preexec_fn=_demote(ids), capture_output=True,
                          text=True, timeout=300, cwd=cwd, env=_env(str(cwd)), check=False)


#: Python code running the command line with ``sys.argv[1:]``.
CLI = "from imhgraph.cli import main\nsys.argv = ['imhgraph', *sys.argv[1:]]\nmain()\n"


@contextmanager
def nobody_folder() -> Iterator[Path]:
    """A fresh folder 'nobody' owns and can reach (pytest's tmp_path lies in a folder only
    root may enter); removed afterwards."""
    import pytest

    ids = nobody()
    if ids is None:
        pytest.skip("needs root and a 'nobody' user")
    folder = Path(tempfile.mkdtemp(prefix="imhgraph-nobody-", dir="/tmp"))
    try:
        os.chown(folder, *ids)
        folder.chmod(0o755)
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            try:
                path.chmod(0o755 if path.is_dir() else 0o644)
            except OSError:
                pass
        shutil.rmtree(folder, ignore_errors=True)
