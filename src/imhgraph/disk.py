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

The named graphs are hidden from every query this backend runs (``named_graphs=[]``), from
:meth:`graph` and from :meth:`triple_count`, so nothing of them leaks into answers or exports.
A store built with another vocabulary is refreshed on open; one that cannot be refreshed
(locked by another process, or left half-loaded) is refused with a :class:`StoreError`.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.term import Node

from . import __version__, resources
from .errors import StoreError
from .exact import EXACT_GRAPH
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
    """An on-disk Oxigraph store; only its default graph is visible."""

    def _run(self, query: str, bindings: Mapping[str, Node] | None) -> Any:
        from .sparql.binding import with_values

        # named_graphs=[]: GRAPH clauses see nothing, so the marker never reaches a result.
        return self.store.query(with_values(query, bindings), named_graphs=[])

    def close(self) -> None:
        store = getattr(self, "store", None)
        if store is not None:
            try:
                store.flush()
            except (OSError, RuntimeError):  # a read-only store cannot flush; nothing to write anyway
                pass
            # Dropping the last reference releases the lock file for the next process.
            self.store = None  # type: ignore[assignment]


def vocabulary_hash(files: Sequence[Path] | None = None) -> str:
    """SHA-256 over the names and contents of the vocabulary files (sorted by name)."""
    digest = hashlib.sha256()
    for path in sorted(files if files is not None else resources.vocabulary_files(), key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def disk_backend(path: str | os.PathLike[str], data: Sequence[str | os.PathLike[str]] | None = None) -> DiskBackend:
    """Open (and with *data*, fill) the on-disk store at *path*.

    * *data* given: parse the files (and the vocabulary) and replace the store's content;
      nothing in the store changes if a file cannot be parsed.
    * no *data*, new or empty store: load the vocabulary and the bundled data.
    * no *data*, existing store: read it back; refresh the vocabulary if it changed.

    :raises StoreError: not a store, locked by another process, another layout, half-loaded.
    :raises InputFileError, RdfSyntaxError, UnsafeInputError: bad *data* files.
    """
    folder = Path(path)
    _check_folder(folder)
    if data:
        from .load import vocabulary_and

        # Parse first, so that a syntax error leaves the store as it was.
        vocabulary, files = vocabulary_and(data)
        staged = _parse(files)
        _load_beside(folder, staged, vocabulary, files)
        store, _ = _open(folder, writable=True)
        return DiskBackend(store, kind="store", origin=[str(folder)])

    store, read_only = _open(folder, writable=False)
    marker = _marker(store)
    if not marker:
        if _has_default_triples(store):
            raise StoreError(
                f"{folder} holds RDF that imhgraph did not load (no imhgraph marker)",
                hint="Load it through imhgraph: `imhgraph --store DIR --data FILES …`, "
                "or serve it with `oxigraph serve --location DIR` and use --endpoint.",
            )
        if read_only:
            raise StoreError(f"{folder} is empty and locked by another process; cannot fill it")
        from .load import vocabulary_and

        vocabulary, files = vocabulary_and(None)
        _replace(store, _parse(files), vocabulary, files)
        return DiskBackend(store, kind="store", origin=[str(folder)])

    _check_marker(folder, marker)
    if marker.get("vocabularyHash") != vocabulary_hash():
        if read_only:
            raise StoreError(
                f"{folder} was built with another version of the vocabulary and is locked by "
                "another process, so it cannot be refreshed",
                hint="Stop the other process (imhgraph, `oxigraph serve`) and run again.",
            )
        _refresh_vocabulary(store)
    return DiskBackend(store, kind="store", origin=[str(folder)])


def store_info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The marker of the store at *path* (format, imhgraph version, vocabulary hash, files,
    status, data triples), read without changing anything."""
    folder = Path(path)
    _check_folder(folder)
    store, _ = _open(folder, writable=False)
    return _marker(store)


# --- opening ---------------------------------------------------------------------------


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder} is a file, not a store folder", hint="Give --store a folder (new or existing).")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / "CURRENT").is_file():
        # Never scribble a database into a folder of someone's files.
        raise StoreError(
            f"{folder} is not empty and is not an Oxigraph store",
            hint="Give --store a new or empty folder, or one that imhgraph created.",
        )


def _open(folder: Path, *, writable: bool) -> tuple[ox.Store, bool]:
    """The store and whether it is read-only: opened read-write, or, when another process
    holds the lock and only reading is needed, read-only (Oxigraph allows concurrent readers)."""
    try:
        return ox.Store(str(folder)), False
    except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
        locked = "lock" in str(exc).lower()
        if locked and not writable and (folder / "CURRENT").is_file():
            # The writer may be compacting (files listed in the manifest vanish for a moment):
            # retry briefly before giving up.
            for attempt in range(8):
                try:
                    return ox.Store.read_only(str(folder)), True
                except (OSError, RuntimeError):
                    time.sleep(0.05 * (attempt + 1))
        if locked:
            raise StoreError(
                f"{folder} is in use by another process (the store is locked)",
                hint="Close the other imhgraph or `oxigraph serve` using it, or query that server "
                "with --endpoint instead.",
            ) from None
        raise StoreError(f"{folder}: cannot open the store ({_first_line(exc)})") from None


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


def _load_beside(folder: Path, staged: ox.Store, vocabulary: Sequence[Path], files: Sequence[Path]) -> None:
    """Fill a new store in a folder beside *folder*, then swap it in: until the new store is
    complete the old one stays as it was — readers keep reading its last complete state, and
    a load that fails (a full disk, Ctrl-C) loses nothing.

    :raises StoreError: the old store is in use by a writer, or the new one could not be written.
    """
    import errno
    import gc
    import shutil

    if folder.exists() and (folder / "CURRENT").is_file():
        try:
            old, _ = _open(folder, writable=True)  # refuse now if another process writes to it
        except StoreError as exc:
            if "no space" in exc.message.lower():
                raise StoreError(f"{folder}: the disk is full; nothing was loaded and the store is unchanged",
                                 hint="Free some disk space and load again.") from None
            raise
        del old
        gc.collect()  # Oxigraph releases the lock when the store object is dropped
    fresh = folder.parent / f".{folder.name}.loading-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        store = ox.Store(str(fresh))
        _replace(store, staged, vocabulary, files)
        store.flush()
        del store
        gc.collect()
    except BaseException as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        if isinstance(exc, (OSError, RuntimeError)):
            full = getattr(exc, "errno", None) == errno.ENOSPC or "no space" in str(exc).lower()
            raise StoreError(
                f"{folder}: the new content could not be written ({'the disk is full' if full else _first_line(exc)}); "
                "the store is unchanged",
                hint="Free some disk space and load again." if full else None,
            ) from None
        raise
    old_name = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if folder.exists():
        os.rename(folder, old_name)
    os.rename(fresh, folder)
    shutil.rmtree(old_name, ignore_errors=True)


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


def _refresh_vocabulary(store: ox.Store) -> None:
    """Swap the old vocabulary for the current one, keeping the data."""
    marker = _marker(store)
    files = [Path(f) for f in marker.get("files", [])]
    triples = int(marker.get("dataTriples", "0") or 0)
    _write_marker(store, "loading", files, triples)
    old = list(store.quads_for_pattern(None, None, None, VOCAB_GRAPH))
    for quad in old:
        store.remove(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))
    store.clear_graph(VOCAB_GRAPH)
    _add_vocabulary(store, resources.vocabulary_files())
    _write_marker(store, "ready", files, triples)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
