"""The on-disk store (``--store DIR``): an embedded Oxigraph database, no server needed.

``--store DIR --data FILES`` parses the files once and replaces the data in the store;
later runs with ``--store DIR`` alone read it back without re-parsing anything.

Layout inside the store (queries use the DEFAULT graph only, exactly as in memory):

* default graph: the vocabulary (``ontology/*.ttl`` except the shapes) and the data;
* named graph :data:`META_GRAPH`: a marker with the store layout version, the imhgraph
  version, a hash of the vocabulary files, the loaded files and the load status;
* named graph :data:`VOCAB_GRAPH`: the vocabulary triples the data does not also state,
  so that a newer vocabulary can replace the old one without touching the data;
* named graph :data:`imhgraph.exact.EXACT_GRAPH`: the literals as written where Oxigraph stores
  another form (``"02"^^xsd:integer`` is stored as ``"2"``), read back by exports, validation
  and ``query`` so that every term comes out as it went in.

The named graphs are hidden from every query this backend runs (the dataset is the default
graph only, whatever a query's FROM says), from
:meth:`graph` and from :meth:`triple_count`, so nothing of them leaks into answers or exports.
A store built with another vocabulary is refreshed on open. Every change (a load, the first
fill, a refresh) is built in a folder beside the store and swapped in when complete, one
process at a time; readers open the store read-only and read its last complete state, or,
when there is none yet, wait for the load (at most ``--timeout``). A store that a server holds
open for writing is read but not replaced; one left half-loaded by an older imhgraph (which
loaded in place) is refused with a :class:`StoreError`.

The locks and the swap of folders are :mod:`imhgraph.storelock`'s.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import __version__, resources
from .errors import StoreError
from .exact import EXACT_GRAPH
from .storelock import READERS_LOCK, check_not_served, exchange, load_lock, remove_unread, say
from .stores import OxigraphBackend

#: bump when the layout inside the store changes; a store with a newer layout is refused.
STORE_FORMAT = 2  # 2: literals as written kept in imhgraph.exact.EXACT_GRAPH

META_GRAPH = ox.NamedNode("https://w3id.org/imhgraph/graph/meta")
VOCAB_GRAPH = ox.NamedNode("https://w3id.org/imhgraph/graph/vocabulary")
_NS = "https://w3id.org/imhgraph/store#"
_FORMAT = ox.NamedNode(_NS + "format")
_VERSION = ox.NamedNode(_NS + "imhgraphVersion")
_VOCAB_HASH = ox.NamedNode(_NS + "vocabularyHash")
_FILE = ox.NamedNode(_NS + "loadedFile")
_STATUS = ox.NamedNode(_NS + "status")
_TRIPLES = ox.NamedNode(_NS + "dataTriples")

_RELOAD_HINT = "Reload it: `imhgraph --store {path} --data FILES …` (or without --data for the bundled data)."


class DiskBackend(OxigraphBackend):
    """An on-disk Oxigraph store, opened read-only; only its default graph is visible.

    While it is open it holds a shared lock on the store folder's readers lock file, so that a
    load that swaps in new content removes the previous folder only once nobody reads it."""

    def __init__(self, opened: _Opened, *, origin: Sequence[str] = ()) -> None:
        super().__init__(opened.store, kind="store", origin=origin)
        self._opened: _Opened | None = opened

    def close(self) -> None:
        # Read-only: nothing to flush. The store is dropped, then the readers lock, so that a
        # load that swapped in new content may remove the folder this one read.
        self.store = None  # type: ignore[assignment]
        self.memo.clear()
        opened, self._opened = self._opened, None
        if opened is not None:
            opened.close()


class _Opened:
    """A store opened read-only through a descriptor of its folder, with the readers lock."""

    def __init__(self, store: ox.Store, folder: int, readers: int | None) -> None:
        self.store: ox.Store | None = store
        self.folder: int | None = folder
        self.readers = readers

    def close(self) -> None:
        store, self.store = self.store, None
        # Oxigraph reads the files through /proc/self/fd/N: the folder's descriptor may only be
        # closed once the store is gone (N could otherwise name another file). When someone
        # else still holds the store, the descriptor stays open for it.
        if store is not None and sys.getrefcount(store) > 2:
            self.folder = None
        del store
        for name in ("folder", "readers"):
            handle = getattr(self, name)
            setattr(self, name, None)
            if handle is not None:
                os.close(handle)

    def __del__(self) -> None:
        # Not closed: keep the folder's descriptor (the store may still be alive), free the lock.
        if getattr(self, "readers", None) is not None:
            try:
                os.close(self.readers)  # type: ignore[arg-type]
            except OSError:
                pass


def vocabulary_hash(files: Sequence[Path] | None = None) -> str:
    """SHA-256 over the names and contents of the vocabulary files (sorted by name)."""
    digest = hashlib.sha256()
    for path in sorted(files if files is not None else resources.vocabulary_files(), key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def disk_backend(
    path: str | os.PathLike[str], data: Sequence[str | os.PathLike[str]] | None = None, *, timeout: float = 30.0
) -> DiskBackend:
    """Open (and with *data*, fill) the on-disk store at *path*.

    * *data* given: parse the files (and the vocabulary) and replace the store's content;
      nothing in the store changes if a file cannot be parsed.
    * no *data*, new or empty store: load the vocabulary and the bundled data.
    * no *data*, existing store: read it back; refresh the vocabulary if it changed.

    Every change is built in a folder beside the store and swapped in once complete, by one
    process at a time (a lock file beside the store): readers meanwhile read the last complete
    state, and a reader that finds no complete state (the first load is running) waits for
    it, at most *timeout* seconds, saying so on stderr.

    :raises StoreError: not a store, in use by a server, another layout, half-loaded, still
        being loaded by another process after *timeout* seconds.
    :raises InputFileError, RdfSyntaxError, UnsafeInputError: bad *data* files.
    """
    folder = Path(path)
    _check_folder(folder)
    if data:
        from .load import vocabulary_and

        vocabulary, files = vocabulary_and(data)
        # The lock first (readers of a new store wait for this data, not the bundled data),
        # then parse everything, so that a syntax error leaves the store as it was.
        with load_lock(folder, timeout, waiting="this load waits for it to finish"):
            staged = _parse(files)
            _load_beside(folder, lambda store: _replace(store, staged, vocabulary, files), timeout)
        return _ready(folder)

    found = _read(folder)
    if isinstance(found, DiskBackend):
        return found
    # No complete state yet (a new folder, or the first load is running), or an old vocabulary:
    # one process builds it, the others wait for that one.
    why = ("it was built with another version of the vocabulary and is rebuilt with this one" if found == "stale"
           else "it holds no data yet and is filled with the bundled data")
    with load_lock(folder, timeout, waiting="waiting for it", why=why):
        found = _read(folder)  # done by another process while this one waited?
        if isinstance(found, DiskBackend):
            return found
        if found == "stale":
            _load_beside(folder, _refresher(folder), timeout)
        else:
            from .load import vocabulary_and

            vocabulary, files = vocabulary_and(None)
            staged = _parse(files)
            _load_beside(folder, lambda store: _replace(store, staged, vocabulary, files), timeout)
    return _ready(folder)


def store_info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The marker of the store at *path* (format, imhgraph version, vocabulary hash, files,
    status, data triples), read without changing anything."""
    folder = Path(path)
    _check_folder(folder)
    if not (folder / "CURRENT").is_file():
        return {}
    opened = _open_reading(folder)
    try:
        return _marker(opened.store)  # type: ignore[arg-type]
    finally:
        opened.close()


# --- opening ---------------------------------------------------------------------------

def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder} is a file, not a store folder", hint="Give --store a folder (new or existing).")
    if folder.is_dir() and not (folder / "CURRENT").is_file() and any(folder.iterdir()):
        # Never scribble a database into a folder of someone's files.
        raise StoreError(
            f"{folder} is not empty and is not an Oxigraph store",
            hint="Give --store a new or empty folder, or one that imhgraph created.",
        )


def _read(folder: Path) -> DiskBackend | str:
    """The store at *folder*, opened for reading when it is complete and current; else why
    not: ``"missing"`` (no store yet, or being swapped in) or ``"stale"`` (another vocabulary).

    :raises StoreError: foreign RDF, another layout, left half-loaded."""
    if not (folder / "CURRENT").is_file():
        return "missing"
    opened = _open_reading(folder)
    try:
        store = opened.store
        assert store is not None
        marker = _marker(store)
        if not marker:
            if _has_default_triples(store):
                raise StoreError(
                    f"{folder} holds RDF that imhgraph did not load (no imhgraph marker)",
                    hint="Load it through imhgraph: `imhgraph --store DIR --data FILES …`, "
                    "or serve it with `oxigraph serve --location DIR` and use --endpoint.",
                )
            reason = "missing"
        else:
            _check_marker(folder, marker)
            if marker.get("vocabularyHash") == vocabulary_hash():
                del store
                return DiskBackend(opened, origin=[str(folder)])
            reason = "stale"
    except BaseException:
        store = None
        opened.close()
        raise
    del store
    opened.close()
    return reason


def _ready(folder: Path) -> DiskBackend:
    """The store at *folder*, which this process has just built."""
    found = _read(folder)
    if not isinstance(found, DiskBackend):  # pragma: no cover — only if another process broke it
        raise StoreError(f"{folder}: the store just loaded cannot be read back ({found})")
    return found


def _open_reading(folder: Path) -> _Opened:
    """The store at *folder* opened read-only, holding a shared lock on its readers lock file
    (none where the folder has none and this user cannot add it) until closed.

    The folder is opened once and the store read through that descriptor, so a load that
    swaps another folder in meanwhile cannot mix two states. Read-only opens never take
    Oxigraph's own lock: any number of readers, beside one writer (a server) at most."""
    for _ in range(20):
        opened = _try_open_reading(folder)
        if opened is not None:
            return opened
    raise StoreError(f"{folder}: cannot open the store (it was replaced again and again while opening)")


def _try_open_reading(folder: Path) -> _Opened | None:
    """:func:`_open_reading`, or None when a load swapped the folder away meanwhile."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        time.sleep(0.05)  # where folders cannot be exchanged atomically, a load renames it for a moment
        return None
    except OSError as exc:
        raise StoreError(f"{folder}: cannot open the store ({exc.strerror or exc})") from None
    readers = None
    try:
        try:
            readers = os.open(READERS_LOCK, os.O_RDONLY, dir_fd=handle)
        except FileNotFoundError:
            try:
                readers = os.open(READERS_LOCK, os.O_RDONLY | os.O_CREAT, 0o644, dir_fd=handle)
            except OSError:
                readers = None  # an older store in a folder this user cannot write: no lock
        except OSError:
            readers = None
        if readers is not None:
            fcntl.flock(readers, fcntl.LOCK_SH)  # only a load removing this folder holds it exclusively, briefly
        try:
            current = os.stat(folder).st_ino == os.fstat(handle).st_ino
        except FileNotFoundError:
            current = False
        if not current:  # swapped out (and perhaps removed) since it was opened: open again
            if readers is not None:
                os.close(readers)
            os.close(handle)
            return None
        through = f"/proc/self/fd/{handle}"
        location = through if os.path.isdir(through) else str(folder)
        for attempt in range(8):
            try:
                return _Opened(ox.Store.read_only(location), handle, readers)
            except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
                # A server writing to it may be compacting (files listed in the manifest
                # vanish for a moment): retry briefly before giving up.
                if attempt == 7:
                    raise StoreError(f"{folder}: cannot open the store ({_first_line(exc)})") from None
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")
    except BaseException:
        if readers is not None:
            os.close(readers)
        os.close(handle)
        raise


def _has_default_triples(store: ox.Store) -> bool:
    return any(True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


# --- the marker --------------------------------------------------------------------------


def _marker(store: ox.Store) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for quad in store.quads_for_pattern(META_GRAPH, None, None, META_GRAPH):
        key = quad.predicate.value.removeprefix(_NS)
        if key == "loadedFile":
            found.setdefault("files", []).append(quad.object.value)
        else:
            found[key] = quad.object.value
    if "files" in found:
        found["files"].sort()
    return found


def _check_marker(folder: Path, marker: dict[str, Any]) -> None:
    try:
        layout = int(marker.get("format", "0"))
    except ValueError:
        layout = -1
    if layout != STORE_FORMAT:
        raise StoreError(
            f"{folder} has store layout {marker.get('format')!r}, written by imhgraph "
            f"{marker.get('imhgraphVersion', '?')}; this imhgraph {__version__} reads layout {STORE_FORMAT}",
            hint=_RELOAD_HINT.format(path=folder) + " Or use the imhgraph version that wrote it.",
        )
    if marker.get("status") != "ready":
        raise StoreError(
            f"{folder} was left half-loaded (a load was interrupted)",
            hint=_RELOAD_HINT.format(path=folder),
        )


def _write_marker(store: ox.Store, status: str, files: Sequence[Path] = (), triples: int = 0) -> None:
    store.clear_graph(META_GRAPH)
    quads = [
        (_FORMAT, ox.Literal(str(STORE_FORMAT))),
        (_VERSION, ox.Literal(__version__)),
        (_VOCAB_HASH, ox.Literal(vocabulary_hash())),
        (_STATUS, ox.Literal(status)),
        (_TRIPLES, ox.Literal(str(triples))),
    ] + [(_FILE, ox.Literal(str(Path(f).resolve()))) for f in files]
    store.extend(ox.Quad(META_GRAPH, p, o, META_GRAPH) for p, o in quads)
    store.flush()


# --- loading -----------------------------------------------------------------------------


def _load_beside(folder: Path, fill: Callable[[ox.Store], None], timeout: float) -> None:
    """Fill a new store in a folder beside *folder* with *fill*, then swap it in: until the
    new store is complete the old one stays as it was — readers keep reading its last
    complete state, and a load that fails (a full disk, Ctrl-C) loses nothing. The swap is
    one atomic exchange of the two folders where the system has it (Linux); the old folder is
    removed once the commands still reading it have finished (waiting at most *timeout*).
    The caller holds the load lock.

    :raises StoreError: the old store is in use by a writer, or the new one could not be written.
    """
    import errno
    import gc
    import shutil

    shown, folder = folder, folder.resolve()  # a link to the store: the folder it leads to is replaced
    if (folder / "CURRENT").is_file():
        check_not_served(shown)
    fresh = folder.parent / f".{folder.name}.loading-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        store = ox.Store(str(fresh))
        fill(store)
        store.flush()
        del store
        gc.collect()  # Oxigraph releases the folder when the store object is dropped
        (fresh / READERS_LOCK).touch()
    except BaseException as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        if isinstance(exc, (OSError, RuntimeError)):
            full = getattr(exc, "errno", None) == errno.ENOSPC or "no space" in str(exc).lower()
            raise StoreError(
                f"{shown}: the new content could not be written ({'the disk is full' if full else _first_line(exc)}); "
                "the store is unchanged",
                hint="Free some disk space and load again." if full else None,
            ) from None
        raise
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if not (folder / "CURRENT").is_file():
        os.rename(fresh, folder)  # no store yet (a missing or empty folder is replaced)
        return
    if exchange(fresh, folder):
        os.rename(fresh, old)
    else:  # no atomic exchange here: a moment without the folder, which readers wait out
        os.rename(folder, old)
        os.rename(fresh, folder)
    if not remove_unread(old, 0):
        say(f"the previous content of {shown} is still being read; removing it once that is done "
             f"(at most {timeout:g} s)")
        if not remove_unread(old, timeout):
            say(f"left the previous content in {old}; the next load of {shown} removes it")


def _parse(files: Sequence[Path]) -> ox.Store:
    from .load import load_files

    staged = ox.Store()
    load_files(staged, list(files))
    return staged


def _replace(store: ox.Store, staged: ox.Store, vocabulary: Sequence[Path], files: Sequence[Path]) -> None:
    """Replace the store's content by *staged* data plus the *vocabulary*; the marker says
    "loading" until everything is in, so an interrupted load is detected on the next open."""
    _write_marker(store, "loading")
    store.clear_graph(ox.DefaultGraph())
    store.clear_graph(VOCAB_GRAPH)
    store.clear_graph(EXACT_GRAPH)
    store.bulk_extend(staged.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    # the literals as written where the store rewrote them (imhgraph.exact)
    store.bulk_extend(staged.quads_for_pattern(None, None, None, EXACT_GRAPH))
    data_triples = OxigraphBackend(staged).triple_count()
    _add_vocabulary(store, vocabulary)
    _write_marker(store, "ready", files, data_triples)


def _add_vocabulary(store: ox.Store, vocabulary: Sequence[Path]) -> None:
    vocab = _parse(vocabulary)
    quads = list(vocab.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    # Remember which vocabulary triples the data does not state itself: exactly those are
    # removed when the vocabulary is replaced, so data triples always survive a refresh.
    only_vocab = [q for q in quads if q not in store]
    store.extend(quads)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, VOCAB_GRAPH) for q in only_vocab)


def _refresher(folder: Path) -> Callable[[ox.Store], None]:
    """What fills a new store with the data of the store at *folder* and the current
    vocabulary in place of the one it was built with."""

    def fill(store: ox.Store) -> None:
        opened = _open_reading(folder)
        try:
            old = opened.store
            assert old is not None
            marker = _marker(old)
            files = [Path(f) for f in marker.get("files", [])]
            triples = int(marker.get("dataTriples", "0") or 0)
            _write_marker(store, "loading", files, triples)
            vocabulary_only = {
                ox.Triple(q.subject, q.predicate, q.object) for q in old.quads_for_pattern(None, None, None, VOCAB_GRAPH)
            }
            store.bulk_extend(
                q for q in old.quads_for_pattern(None, None, None, ox.DefaultGraph()) if q.triple not in vocabulary_only
            )
            store.bulk_extend(old.quads_for_pattern(None, None, None, EXACT_GRAPH))
            _add_vocabulary(store, resources.vocabulary_files())
            _write_marker(store, "ready", files, triples)
        finally:
            old = None
            opened.close()

    return fill


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
