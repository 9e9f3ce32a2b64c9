"""Atomic output files: write a temporary file beside the target, then rename.

A failure at any point leaves the previous file intact and no temporary file
behind; an output path equal to an input is refused before anything is written.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import BinaryIO

from .errors import OutputError

class Inputs:
    """The files one run reads (its inputs): no output of the run may replace one of them.

    Files are remembered by resolved path and by (device, inode), so that a hard link or
    another spelling of an input is recognised too. The command line makes one per run
    (:func:`reading`); library code that runs outside of one shares a default.
    """

    def __init__(self) -> None:
        self.paths: set[Path] = set()
        self.inodes: set[tuple[int, int]] = set()
        #: folders nothing may be written into (an on-disk store's files).
        self.folders: set[Path] = set()

    def protect_folder(self, path: str | os.PathLike[str]) -> None:
        """Refuse every output inside *path* (and *path* itself)."""
        self.folders.add(Path(path).resolve())

    def guarding(self, path: str | os.PathLike[str]) -> Path | None:
        """The protected folder that *path* lies in, if any."""
        resolved = Path(path).resolve()
        for folder in self.folders:
            if resolved == folder or folder in resolved.parents:
                return folder
        return None

    def add(self, path: str | os.PathLike[str]) -> None:
        """Remember *path* as an input."""
        try:
            resolved = Path(path).resolve()
            self.paths.add(resolved)
            info = resolved.stat()
            self.inodes.add((info.st_dev, info.st_ino))
        except OSError:
            pass

    def __contains__(self, path: object) -> bool:
        """Whether *path* is (another name of) one of the inputs."""
        resolved = Path(path).resolve()  # type: ignore[arg-type]
        if resolved in self.paths:
            return True
        try:
            info = resolved.stat()
        except OSError:
            return False
        return (info.st_dev, info.st_ino) in self.inodes


_DEFAULT = Inputs()
_CURRENT: ContextVar[Inputs] = ContextVar("imhgraph_inputs", default=_DEFAULT)


def current_inputs() -> Inputs:
    """The inputs of the run in progress."""
    return _CURRENT.get()


@contextmanager
def reading(inputs: Inputs) -> Iterator[Inputs]:
    """Make *inputs* the inputs of the run inside the ``with`` block (the CLI: one per run)."""
    token = _CURRENT.set(inputs)
    try:
        yield inputs
    finally:
        _CURRENT.reset(token)


def register_input(path: str | os.PathLike[str]) -> None:
    """Remember *path* as an input of the current run, so that no output can replace it."""
    current_inputs().add(path)


def is_input(path: str | os.PathLike[str]) -> bool:
    """Whether *path* is (another name of) a file read as input in the current run."""
    return path in current_inputs()


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """Refuse an output path whose folder is missing or that is one of the inputs.

    :returns: the resolved path.
    :raises OutputError: with a plain-language reason.
    """
    target = Path(path)
    resolved = target.resolve()
    if is_input(resolved):
        raise OutputError(
            f"refusing to write {target}: it is one of the input files",
            hint="Choose another output path; imhgraph never overwrites its inputs.",
        )
    folder = current_inputs().guarding(resolved)
    if folder is not None:
        raise OutputError(
            f"refusing to write {target}: it is inside the store folder {folder}",
            hint="Choose a path outside the store; writing there would corrupt the store.",
        )
    if resolved.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder", hint="Name a file.")
    if resolved.is_file() and not resolved.stat().st_mode & 0o222:
        # Read-only is the owner's way of saying "keep this": root could replace it, and so
        # could the owner (rename needs only the folder's permission), so ask first.
        raise OutputError(
            f"refusing to replace {target}: the file is read-only (mode {resolved.stat().st_mode & 0o777:o})",
            hint=f"Make it writable first if you mean to replace it (chmod u+w {target}), or choose another path.",
        )
    parent = resolved.parent
    if parent.exists() and not parent.is_dir():
        raise OutputError(
            f"cannot write {target}: {target.parent} is a file, not a folder",
            hint="Choose a path inside a folder.",
        )
    if not parent.is_dir():
        # name the folder as the user typed it, which they recognise
        raise OutputError(
            f"cannot write {target}: the folder {target.parent} does not exist",
            hint="Create the folder first, or choose another path.",
        )
    if _read_only_filesystem(parent):
        raise OutputError(
            f"cannot write {target}: {target.parent} is on a read-only file system",
            hint="Choose a folder on a writable disk.",
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write {target}: no permission to write in {parent}",
            hint="Choose a folder you can write to (e.g. your home folder or the current folder).",
        )
    return resolved


def write_atomic(path: str | os.PathLike[str], content: str | bytes | Iterable[str]) -> Path:
    """Write *content* (text is UTF-8) to *path* atomically and return the resolved path.

    *content* may be an iterable of text chunks, for outputs too large to hold at once.
    """
    target = check_output_path(path)
    if target.exists() and not target.is_file():
        # A device or pipe (/dev/null, /dev/stdout, a FIFO): renaming over it would replace
        # the device itself (as root, /dev/null would become a plain file), so write into it.
        return _write_stream(target, content)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(
            f"could not write {path}: {exc.strerror or exc}; nothing was written",
            hint="Choose a folder you can write to, with free space.",
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_content(handle, content)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            # Keep the mode of the file being replaced (mkstemp creates 0600).
            os.chmod(tmp_name, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, target)
    except OSError as exc:
        _remove_quietly(tmp_name)
        previous = "the previous file is unchanged" if target.exists() else "nothing was written"
        raise OutputError(
            f"could not write {path}: {exc.strerror or exc}; {previous}",
            hint="Free some disk space or choose another folder, then run the command again."
            if exc.errno == errno.ENOSPC
            else None,
        ) from exc
    except BaseException:
        _remove_quietly(tmp_name)
        raise
    return target


def _read_only_filesystem(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): os.access decides
        return False


def _write_content(handle: BinaryIO, content: str | bytes | Iterable[str]) -> None:
    if isinstance(content, bytes):
        handle.write(content)
    elif isinstance(content, str):
        handle.write(content.encode("utf-8"))
    else:
        for chunk in content:
            handle.write(chunk.encode("utf-8"))


def _write_stream(target: Path, content: str | bytes | Iterable[str]) -> Path:
    try:
        with open(target, "wb") as handle:
            _write_content(handle, content)
    except OSError as exc:
        raise OutputError(f"could not write {target}: {exc.strerror or exc}") from exc
    return target


def _remove_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass
