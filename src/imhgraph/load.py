"""Reading RDF files: which files a path means, their format, and parsing them with clear errors.

Parsing goes through Oxigraph (fast, and it never fetches a remote JSON-LD
context); a syntax error names the file, line and column.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .atomic import register_input
from .errors import InputFileError, RdfSyntaxError, UnsafeInputError

#: file ending → Oxigraph format; anything else is refused with a list of these.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

#: A single input file larger than this is refused rather than risking the machine's memory;
#: larger data belongs in an on-disk store (``--store``) or a SPARQL endpoint.
MAX_FILE_BYTES = int(os.environ.get("IMHGRAPH_MAX_FILE_BYTES", 2 * 1024**3))


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The RDF files that *paths* name: files as given, folders searched recursively for
    files with a known RDF ending (sorted, so loading order is stable).

    :raises InputFileError: a path that does not exist, or a folder without RDF files.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS
            )
            if not found:
                raise InputFileError(
                    f"{path}: folder holds no RDF files",
                    hint="Expected files ending in " + ", ".join(sorted(FORMATS)) + ".",
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            raise InputFileError(f"{path}: not a regular file")
        else:
            raise InputFileError(f"{path}: no such file or folder")
    return files


def format_of(path: Path) -> ox.RdfFormat:
    """The RDF format of *path*, from its file ending.

    :raises InputFileError: an unknown ending.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputFileError(
            f"{path}: unknown file type {path.suffix or '(no ending)'!r}",
            hint="Name RDF files with one of: " + ", ".join(sorted(FORMATS)) + ".",
        )
    return fmt


def read_input(path: Path) -> bytes:
    """The bytes of an input file, refusing empty, oversized and unreadable files."""
    register_input(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputFileError(
                f"{path}: {size / 1024**3:.1f} GB is larger than imhgraph reads into memory "
                f"({MAX_FILE_BYTES / 1024**3:.1f} GB)",
                hint="Load it once into an on-disk store (`--store DIR --data FILE`) or a SPARQL "
                "server, then query that.",
            )
        content = path.read_bytes()
    except PermissionError as exc:
        raise InputFileError(f"{path}: permission denied") from exc
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not content.strip():
        raise InputFileError(f"{path}: the file is empty", hint="An RDF file needs at least one triple.")
    return content


def parse_into(store: ox.Store, path: Path, *, graph: ox.NamedNode | None = None) -> None:
    """Parse one file into *store* (its default graph unless *graph* is given).

    :raises RdfSyntaxError: with the file, line and column.
    :raises UnsafeInputError: a JSON-LD remote context (never fetched).
    """
    fmt = format_of(path)
    content = read_input(path)
    try:
        store.load(
            content,
            format=fmt,
            base_iri=path.resolve().as_uri(),
            to_graph=graph if graph is not None else ox.DefaultGraph(),
        )
    except SyntaxError as exc:
        message = _clean_message(str(exc))
        if "LoadDocumentCallback" in message or "remote context" in message.lower():
            raise UnsafeInputError(
                f"{path}: the JSON-LD refers to a remote @context; imhgraph never fetches it",
                hint=f"Replace the @context with the bundled one: {resources.context_file()}",
            ) from exc
        raise RdfSyntaxError(str(path), message, line=exc.lineno, column=exc.offset) from exc
    except ValueError as exc:
        raise RdfSyntaxError(str(path), _clean_message(str(exc))) from exc


def load_files(store: ox.Store, paths: Sequence[Path]) -> None:
    """Parse every file of *paths* into the default graph of *store*."""
    for path in paths:
        parse_into(store, path)


def vocabulary_and(paths: Sequence[str | os.PathLike[str]] | None) -> tuple[list[Path], list[Path]]:
    """The always-loaded vocabulary files, and the data files: *paths* expanded, or the bundled data."""
    data = expand_paths(paths) if paths else resources.bundled_data_files()
    return resources.vocabulary_files(), data


def _clean_message(message: str) -> str:
    # Oxigraph says "Parser error at line 3 column 7: Unexpected end (line 3)"; the position
    # is reported separately, so keep only the explanation.
    head, sep, tail = message.partition(": ")
    if sep and head.startswith("Parser error at"):
        message = tail
    return re.sub(r"\s*\(line \d+\)$", "", message)
