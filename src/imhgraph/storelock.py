"""One writer, many readers of an on-disk store folder (:mod:`imhgraph.disk`), with file locks.

* the **load lock**, the file ``.NAME.lock`` beside the store folder ``NAME``: one process builds
  a store's new content at a time (a load, the first fill, a vocabulary refresh); another one
  waits for it, at most ``--timeout`` seconds, saying so on stderr;
* the **readers lock**, the file :data:`READERS_LOCK` inside the store folder: every process
  reading the folder holds it shared, so that a load that swapped another folder in removes the
  old one only once nobody reads it;
* the swap itself: one atomic exchange of two folders (Linux ``renameat2``);
* Oxigraph's own lock (a POSIX lock on the folder's ``LOCK`` file) tells a writer (a server) that
  has the store open: such a store is read, never replaced under it.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreError

#: the file inside a store folder that every process reading it holds a shared lock on.
READERS_LOCK = "imhgraph-readers.lock"


def check_not_served(folder: Path) -> None:
    """Refuse to replace a store that a process has open for writing (`oxigraph serve`, a
    library user): it would go on writing to the folder swapped out. Oxigraph's writer holds a
    POSIX lock on the folder's LOCK file; probing that lock changes nothing in the store.

    :raises StoreError: the store is locked."""
    try:
        handle = os.open(folder / "LOCK", os.O_RDWR)
    except OSError:
        return  # no LOCK file (nobody ever wrote it) or not ours to probe
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise StoreError(
            f"{folder} is in use by another process (the store is locked)",
            hint="Close the other imhgraph or `oxigraph serve` using it, or query that server "
            "with --endpoint instead.",
        ) from None
    finally:
        os.close(handle)  # closing releases the probe's lock


# --- one writer at a time --------------------------------------------------------------


def say(message: str) -> None:
    """A note for the person waiting, on stderr (answers go to stdout)."""
    sys.stderr.write(f"note: {message}\n")
    sys.stderr.flush()


def wait_for_flock(handle: int, mode: int, timeout: float) -> bool:
    """Take the flock *mode* on *handle*, waiting at most *timeout* seconds (sleeping between
    tries: no spinning, and Ctrl-C is seen at once); whether it was taken."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 0.25)


@contextmanager
def load_lock(folder: Path, timeout: float, *, waiting: str, why: str = "") -> Iterator[None]:
    """Hold the load lock of *folder* (the file ``.NAME.lock`` beside it): one process loads
    a store at a time. Another process's load is waited for, at most *timeout* seconds, with
    a note on stderr.

    :raises StoreError: still being loaded after *timeout* seconds; the folder beside the
        store cannot be written."""
    real = folder.resolve()
    lock_path = real.parent / f".{real.name}.lock"
    try:
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(
            f"{folder}: cannot write beside the store ({lock_path}: {exc.strerror or exc})"
            + (f"; {why}" if why else ""),
            hint="imhgraph builds a store's content in a folder beside it: run this once as a user "
            "who may write there, or give --store a folder in a place you may write.",
        ) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"{folder} is being loaded by another process; {waiting} (at most {timeout:g} s)")
            if not wait_for_flock(handle, fcntl.LOCK_EX, timeout):
                raise StoreError(
                    f"{folder} is being loaded by another process, which did not finish within {timeout:g} s",
                    hint="Run the command again once the load has finished, or allow more time "
                    "with --timeout SECONDS.",
                ) from None
        sweep(real)
        yield
    finally:
        os.close(handle)  # releases the lock


def sweep(folder: Path) -> None:
    """Remove what earlier loads left beside *folder* (the load lock is held): unfinished
    builds, and previous contents that nobody reads any more."""
    import shutil

    for left in folder.parent.glob(f".{folder.name}.loading-*"):
        shutil.rmtree(left, ignore_errors=True)
    for left in folder.parent.glob(f".{folder.name}.old-*"):
        remove_unread(left, 0)


def remove_unread(folder: Path, timeout: float) -> bool:
    """Remove the store folder *folder* once no process reads it (waiting at most *timeout*
    seconds for those that do); whether it was removed. The readers lock is held while the
    folder is removed, and a reader that gets it afterwards sees its folder gone and opens
    the store again."""
    import shutil

    try:
        handle = os.open(folder / READERS_LOCK, os.O_RDONLY)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return True
    try:
        if not wait_for_flock(handle, fcntl.LOCK_EX, timeout):
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return True
    finally:
        os.close(handle)


def exchange(a: Path, b: Path) -> bool:
    """Swap the folders *a* and *b* in one step (Linux ``renameat2(RENAME_EXCHANGE)``);
    False where the system or the file system cannot."""
    import ctypes
    import errno

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))
