"""imhgraph: a knowledge graph of Infant Mental Health specialist training.

The library is plain functions over a :class:`~imhgraph.stores.Backend` (an
Oxigraph store in memory or on disk, or a remote SPARQL endpoint) and
:class:`rdflib.Graph`. The command line in :mod:`imhgraph.cli` is a thin layer
over it. Heavy modules (pyshacl, networkx) are imported only where needed, so
``import imhgraph`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    # The version is read from package metadata (pyproject.toml is the one place it is
    # written) only when asked for: importlib.metadata costs ~50 ms of every start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("imhgraph")
        except PackageNotFoundError:  # pragma: no cover - a bare checkout, not installed
            value = "development"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'imhgraph' has no attribute {name!r}")
