"""Where the bundled ontology, data and queries live.

In a wheel they are shipped inside the package (``imhgraph/ontology`` …); in a
source checkout (editable install, tests) they are at the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _root_for(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found next to {_PACKAGE}")


def ontology_dir() -> Path:
    """The folder holding imh.ttl, topics.ttl, shapes.ttl and context.jsonld."""
    return _root_for("ontology")


def data_dir() -> Path:
    """The folder of curated instance data, one Turtle file per organization."""
    return _root_for("data")


def queries_dir() -> Path:
    """The folder of named SPARQL queries (``*.rq``); ``internal/`` holds building blocks."""
    return _root_for("queries")


def vocabulary_files() -> list[Path]:
    """The vocabulary that is always loaded: every ``ontology/*.ttl`` except the shapes."""
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")


def shapes_file() -> Path:
    """The bundled SHACL shapes."""
    return ontology_dir() / "shapes.ttl"


def context_file() -> Path:
    """The bundled JSON-LD context used to compact exports."""
    return ontology_dir() / "context.jsonld"


def bundled_data_files() -> list[Path]:
    """The curated data files (``data/*.ttl``; templates are not data)."""
    return sorted(data_dir().glob("*.ttl"))
