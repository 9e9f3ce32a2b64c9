"""imhgraph: a knowledge graph of Infant Mental Health specialist training.

The library is plain functions over a :class:`~imhgraph.stores.Backend` (an
Oxigraph store in memory or on disk, or a remote SPARQL endpoint) and
:class:`rdflib.Graph`. The command line in :mod:`imhgraph.cli` is a thin layer
over it. Heavy modules (pyshacl, networkx) are imported only where needed, so
``import imhgraph`` stays cheap.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:  # the one place the version is written is pyproject.toml; installed, it is package metadata
    __version__ = version("imhgraph")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout, not installed
    __version__ = "development"

__all__ = ["__version__"]
