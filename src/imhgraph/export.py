"""Deterministic exports of the whole graph: canonical Turtle, compacted JSON-LD, sorted N-Triples.

The same graph always gives byte-identical output, so that diffs of exports are
meaningful. Blank nodes are relabelled canonically before writing. Turtle and N-Triples
are written by Oxigraph from sorted triples (straight from the store when the graph has
no blank nodes); JSON-LD and CTDL go through rdflib's JSON-LD writer.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from . import resources
from .jsonld import stable
from .namespaces import PREFIXES, bind_all
from .stores import Backend

EXPORT_FORMATS: tuple[str, ...] = ("turtle", "json-ld", "ntriples", "ctdl")


def canonical_blank_triples(triples: Any) -> list[tuple[Any, Any, Any]]:
    """*triples* (rdflib terms, each touching a blank node) with their blank nodes relabelled
    by the W3C RDF Dataset Canonicalization (RDFC-1.0), run by Oxigraph.

    rdflib's own ``to_canonical_graph`` is exponential on graphs with repeated blank-node
    structures (the same evidence node shape many times, a vocabulary loaded twice): minutes
    where RDFC-1.0 in Rust takes milliseconds. The labels are RDFC-1.0's ``c14nN``."""
    import pyoxigraph as ox

    from .stores import from_rdflib, to_rdflib

    dataset = ox.Dataset(ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in dataset]


def canonical(graph: Graph) -> Graph:
    """A copy of *graph* with canonical blank-node labels and the project's prefixes bound."""
    blank, ground = _split_blank(graph)
    result = bind_all(Graph())
    if len(blank):
        ground.extend(canonical_blank_triples(blank))
    result.addN((s, p, o, result) for s, p, o in ground)
    return result


def _split_blank(graph: Graph) -> tuple[Graph, list[Any]]:
    # Canonical labels depend only on the triples that touch a blank node, so only those go
    # are canonicalised (the whole graph took most of an export's time).
    from rdflib import BNode

    blank = Graph()
    ground = []
    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            blank.add((s, p, o))
        else:
            ground.append((s, p, o))
    return blank, ground


def _sorted_oxigraph_triples(source: Graph | Backend) -> list[Any]:
    """The triples of *source* as Oxigraph triples, blank nodes labelled canonically, sorted
    (subject, then rdf:type first, then predicate, then object) so that output is stable."""
    import pyoxigraph as ox

    from .stores import OxigraphBackend, from_rdflib, to_rdflib

    if isinstance(source, OxigraphBackend):
        # Straight from the store: rdflib terms are built only for the few triples with a
        # blank node (the ontology's owl:unionOf domains), which need canonical labels.
        # Literals as written where the store keeps another form (imhgraph.exact).
        triples, blank = [], Graph()
        for triple in source.exact_triples():
            if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                blank.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
            else:
                triples.append(triple)
        if len(blank):
            triples.extend(
                ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in canonical_blank_triples(blank)
            )
    else:
        graph = source.graph() if isinstance(source, Backend) else source
        blank, ground = _split_blank(graph)
        if len(blank):
            ground.extend(canonical_blank_triples(blank))
        triples = [ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in ground]
    rdf_type = ox.NamedNode(str(RDF.type))
    triples.sort(key=lambda t: (str(t.subject), t.predicate != rdf_type, str(t.predicate), str(t.object)))
    return triples


def to_turtle(source: Graph | Backend) -> str:
    """Canonical Turtle: triples sorted and grouped by subject, one blank line between
    subjects, the project's prefixes; written by Oxigraph's serializer (fast at any size)."""
    import pyoxigraph as ox

    from .exact import written_text

    text = written_text(ox.serialize(
        _sorted_oxigraph_triples(source), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES)
    ).decode("utf-8"))
    # The prefix lines in the project's own order (not the serializer's), then a blank line
    # before every subject so that the file reads as one block per resource.
    out = [f"@prefix {prefix}: <{ns}> ." for prefix, ns in PREFIXES.items()]
    # split("\n"), not splitlines(): a literal may hold U+2028 and the like, which
    # splitlines() would break apart.
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("@prefix"):
            continue
        if not line.startswith(("\t", " ")):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


def to_ntriples(source: Graph | Backend) -> str:
    """N-Triples (canonical form), one triple per line, lines sorted."""
    import pyoxigraph as ox

    from .exact import written_text

    text = written_text(ox.serialize(_sorted_oxigraph_triples(source), format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
    lines = sorted(line for line in text.split("\n") if line.strip())
    return "\n".join(lines) + "\n"


def load_context() -> dict[str, Any]:
    """The bundled JSON-LD context (the value of its ``@context``)."""
    with resources.context_file().open(encoding="utf-8") as handle:
        return json.load(handle)["@context"]


def to_jsonld(graph: Graph) -> str:
    """JSON-LD compacted with the bundled context (inlined, so the file stands alone offline);
    nodes sorted by ``@id`` and values sorted, so output is stable."""
    context = load_context()
    text = _as_written(canonical(graph)).serialize(format="json-ld", context=context, auto_compact=True)
    document = _restore_datatypes(json.loads(text), context)
    return json.dumps(stable(document), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


#: rdflib's JSON-LD writer turns literals of these datatypes into JSON numbers and booleans,
#: which read back in canonical form ("02" as 2, "none"^^xsd:boolean as true): a literal whose
#: lexical form would change goes out under a stand-in datatype instead, so that it is written
#: as a value object, and gets its own datatype back in the document.
_NATIVE_JSON = {
    str(XSD.integer): re.compile(r"-?(0|[1-9][0-9]*)"),
    str(XSD.boolean): re.compile(r"true|false"),
    str(XSD.double): None,  # JSON-LD writes a native double back as "2.5E0": never native
}
_KEEP = "urn:imhgraph:jsonld-as-written:"


def _as_written(graph: Graph) -> Graph:
    from collections import Counter

    changes = []
    per_key = Counter((s, p) for s, p, _ in graph)
    for s, p, o in graph:
        if not isinstance(o, Literal):
            continue
        datatype = str(o.datatype) if o.datatype is not None else None
        if datatype in _NATIVE_JSON:
            native = _NATIVE_JSON[datatype]
            if native is None or not native.fullmatch(str(o)) or str(o) == "-0":
                changes.append((s, p, o))
                continue
        # rdflib's writer overwrites a falsy first value (0, false, "") when a second value of
        # the same property comes: such a value goes out as a value object
        falsy = str(o) in ("0", "false") if datatype in _NATIVE_JSON else str(o) == "" and not o.language
        if falsy and per_key[(s, p)] > 1:
            changes.append((s, p, o))
    for s, p, o in changes:
        graph.remove((s, p, o))
        datatype = str(o.datatype) if o.datatype is not None else str(XSD.string)
        graph.add((s, p, Literal(str(o), datatype=URIRef(_KEEP + datatype), normalize=False)))
    return graph


def _restore_datatypes(value: Any, context: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        out = {k: _restore_datatypes(v, context) for k, v in value.items()}
        datatype = out.get("@type")
        if isinstance(datatype, str) and datatype.startswith(_KEEP):
            iri = datatype[len(_KEEP):]
            xsd = context.get("xsd")
            out["@type"] = "xsd:" + iri[len(xsd):] if isinstance(xsd, str) and iri.startswith(xsd) else iri
        return out
    if isinstance(value, list):
        return [_restore_datatypes(v, context) for v in value]
    return value


def export(source: Graph | Backend, fmt: str) -> str:
    """The graph of *source* (an rdflib Graph or a backend) in export format *fmt*
    (``turtle``, ``json-ld``, ``ntriples`` or ``ctdl``)."""
    if fmt == "turtle":
        return to_turtle(source)
    if fmt == "ntriples":
        return to_ntriples(source)
    graph = source.graph() if isinstance(source, Backend) else source
    if fmt == "json-ld":
        return to_jsonld(graph)
    if fmt == "ctdl":
        from .ctdl import to_ctdl

        return to_ctdl(graph)
    raise ValueError(f"unknown export format {fmt!r}")
