"""Namespaces, prefixes and the mapping between short IDs and IRIs.

Every instance IRI is ``https://w3id.org/imhgraph/{kind}/{slug}``; the slug is
the short ID users type. Other IRIs are shortened to ``prefix:local`` where a
known prefix applies.
"""

from __future__ import annotations

from typing import Final

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE: Final = "https://w3id.org/imhgraph/"
IMH: Final = Namespace(BASE + "ontology#")
SCHEMA: Final = Namespace("https://schema.org/")
CETERMS: Final = Namespace("https://purl.org/ctdl/terms/")
CEASN: Final = Namespace("https://purl.org/ctdlasn/terms/")
SHAPES: Final = Namespace(BASE + "shapes#")

KINDS: Final = ("org", "program", "credential", "topic", "profession", "education", "course", "route")
TOPIC_SCHEME: Final = URIRef(BASE + "topic/scheme")
ONTOLOGY_IRI: Final = URIRef(BASE + "ontology")

#: xsd:string as text: a plain literal's datatype (stores, binding and the endpoint compare with it).
XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"

#: prefix → namespace, in the order they are bound on every graph.
PREFIXES: Final[dict[str, str]] = {
    "imh": str(IMH),
    **{kind: f"{BASE}{kind}/" for kind in KINDS},
    "schema": str(SCHEMA),
    "ceterms": str(CETERMS),
    "ceasn": str(CEASN),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
    "imhsh": str(SHAPES),
}

# Longest namespace first, so that ``…/topic/`` wins over a shorter match.
_BY_LENGTH: Final = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def bind_all(graph: Graph) -> Graph:
    """Bind the project's prefixes on *graph* (replacing rdflib's defaults) and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, Namespace(ns), override=True, replace=True)
    return graph


def iri_for(kind: str, slug: str) -> URIRef:
    """The IRI of the instance of *kind* with short ID *slug*."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return URIRef(f"{BASE}{kind}/{slug}")


def kind_of(iri: str) -> str | None:
    """The instance kind of *iri* (``program``, ``topic`` …) or None for other IRIs."""
    if iri.startswith(BASE):
        head, sep, _ = iri[len(BASE):].partition("/")
        if sep and head in KINDS:
            return head
    return None


def short_id(iri: str) -> str:
    """The short form users see: the slug for instances, ``prefix:local`` for known vocabularies,
    otherwise the IRI itself."""
    kind = kind_of(iri)
    if kind is not None:
        return iri[len(BASE) + len(kind) + 1:]
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            local = iri[len(ns):]
            if all(c.isalnum() or c in "-_." for c in local):
                return f"{prefix}:{local}"
    return iri


def expand(curie_or_iri: str) -> str:
    """Expand ``prefix:local`` with a known prefix; anything else is returned unchanged."""
    prefix, sep, local = curie_or_iri.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return curie_or_iri


def show_term(term: object) -> str:
    """How a term reads in a message or table: short IDs for IRIs, ``(unnamed node)`` for
    blank nodes, ``text@lang`` for tagged literals, empty for None."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return short_id(str(term))
    if isinstance(term, BNode):
        return "(unnamed node)"
    if isinstance(term, Literal) and term.language:
        return f"{term}@{term.language}"
    return str(term)
