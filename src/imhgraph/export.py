"""Deterministic exports of the whole graph: canonical Turtle, compacted JSON-LD, sorted N-Triples.

The same graph always gives byte-identical output, so that diffs of exports are
meaningful. Blank nodes are relabelled canonically before writing.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from . import resources
from .namespaces import bind_all

EXPORT_FORMATS: tuple[str, ...] = ("turtle", "json-ld", "ntriples", "ctdl")


def canonical(graph: Graph) -> Graph:
    """A copy of *graph* with canonical blank-node labels and the project's prefixes bound."""
    from rdflib import BNode

    # Canonical labels depend only on the triples that touch a blank node, so only those go
    # through rdflib.compare (the whole graph took most of an export's time at 100k triples);
    # the result is the same graph, in one copy instead of three.
    blank = Graph()
    ground = []
    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            blank.add((s, p, o))
        else:
            ground.append((s, p, o))
    result = bind_all(Graph())
    if len(blank):
        ground.extend(to_canonical_graph(blank))
    result.addN((s, p, o, result) for s, p, o in ground)
    return result


def to_turtle(graph: Graph) -> str:
    """Canonical Turtle (rdflib ``longturtle``: sorted subjects and objects, one per line)."""
    return canonical(graph).serialize(format="longturtle")


def to_ntriples(graph: Graph) -> str:
    """N-Triples, one triple per line, lines sorted."""
    text = canonical(graph).serialize(format="nt")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return "\n".join(lines) + "\n"


def load_context() -> dict[str, Any]:
    """The bundled JSON-LD context (the value of its ``@context``)."""
    with resources.context_file().open(encoding="utf-8") as handle:
        return json.load(handle)["@context"]


def to_jsonld(graph: Graph) -> str:
    """JSON-LD compacted with the bundled context (inlined, so the file stands alone offline);
    nodes sorted by ``@id`` and values sorted, so output is stable."""
    context = load_context()
    text = canonical(graph).serialize(format="json-ld", context=context, auto_compact=True)
    document = json.loads(text)
    return json.dumps(_stable(document), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def export(graph: Graph, fmt: str) -> str:
    """*graph* in export format *fmt* (``turtle``, ``json-ld``, ``ntriples`` or ``ctdl``)."""
    if fmt == "turtle":
        return to_turtle(graph)
    if fmt == "json-ld":
        return to_jsonld(graph)
    if fmt == "ntriples":
        return to_ntriples(graph)
    if fmt == "ctdl":
        from .ctdl import to_ctdl

        return to_ctdl(graph)
    raise ValueError(f"unknown export format {fmt!r}")


def _blank_triples(graph: Graph):  # type: ignore[no-untyped-def]
    from rdflib import BNode

    for s, _p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            yield s


def _stable(value: Any, key: str | None = None) -> Any:
    # Sort keys of objects (with @context, @id, @type first) and the members of unordered
    # arrays; @list arrays keep their order, as RDF lists are ordered.
    if isinstance(value, dict):
        first = [k for k in ("@context", "@id", "@type") if k in value]
        rest = sorted(k for k in value if k not in first)
        return {k: _stable(value[k], k) for k in first + rest}
    if isinstance(value, list):
        items = [_stable(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value
