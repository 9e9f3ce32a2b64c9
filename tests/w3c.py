"""The W3C SHACL Core test suite (a copy under ``tests/w3c-shacl-core``): its manifests read,
and validation reports reduced to what the suite compares.

Each test names a data graph, a shapes graph and the expected report. Two reports are equal
when ``sh:conforms`` is equal and their results are equal as a multiset of (focus node, result
path, constraint component, value, severity); blank nodes (paths, focus nodes, values) are
matched by graph isomorphism, the structure of a blank-node path included.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import RDF, SH, XSD

SUITE = Path(__file__).resolve().parent / "w3c-shacl-core"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

#: what a result is compared on.
_COMPARED = (SH.focusNode, SH.resultPath, SH.sourceConstraintComponent, SH.value, SH.resultSeverity)


@contextmanager
def exact_literals() -> Iterator[None]:
    """rdflib parsing that keeps every literal's lexical form (``"02"^^xsd:integer`` stays)."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


def parse(path: Path) -> Graph:
    """A Turtle file of the suite, parsed by rdflib with literals exactly as written."""
    with exact_literals():
        graph = Graph()
        graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    return graph


@dataclass(frozen=True)
class W3CTest:
    """One ``sht:Validate`` entry of the suite."""

    name: str  # e.g. "node/class-003"
    data: Path
    shapes: Path
    expected: Graph  # the reduced expected report (see :func:`reduce_report`)

    def __str__(self) -> str:
        return self.name


def _file(node: URIRef) -> Path:
    return Path(str(node).removeprefix("file://"))


def tests(manifest: Path = SUITE / "manifest.ttl") -> list[W3CTest]:
    """Every test of *manifest* and the manifests it includes, in suite order."""
    graph = parse(manifest)
    found: list[W3CTest] = []
    for include in graph.objects(None, MF.include):
        found.extend(tests(_file(include)))
    for lst in graph.objects(None, MF.entries):
        for entry in Collection(graph, lst):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            action = graph.value(entry, MF.action)
            data = _file(graph.value(action, SHT.dataGraph))
            shapes = _file(graph.value(action, SHT.shapesGraph))
            result = graph.value(entry, MF.result)
            name = f"{manifest.parent.name}/{str(entry).rsplit('/', 1)[-1]}"
            found.append(W3CTest(name, data, shapes, reduce_report(graph, result)))
    return found


def reduce_report(graph: Graph, report: object | None = None) -> Graph:
    """The part of a validation report the suite compares, as its own graph."""
    if report is None:
        report = next(graph.subjects(RDF.type, SH.ValidationReport))
    reduced = Graph()
    root = BNode()
    conforms = graph.value(report, SH.conforms)
    reduced.add((root, SH.conforms, Literal(str(conforms).lower() in ("true", "1"), datatype=XSD.boolean)))
    for result in graph.objects(report, SH.result):
        node = BNode()
        reduced.add((root, SH.result, node))
        for pred in _COMPARED:
            for value in graph.objects(result, pred):
                if pred == SH.resultPath and isinstance(value, BNode):
                    # a fresh copy per result: reports may share one path node or not
                    value = _copy_path(graph, value, reduced)
                reduced.add((node, pred, value))
    return reduced


def _copy_path(graph: Graph, node: BNode, into: Graph) -> BNode:
    copy = BNode()
    for p, o in graph.predicate_objects(node):
        into.add((copy, p, _copy_path(graph, o, into) if isinstance(o, BNode) else o))
    return copy


def same_report(expected: Graph, actual: Graph) -> bool:
    """Equal as the suite compares (conforms, and the multiset of results)."""
    return isomorphic(expected, actual)


def describe(report: Graph) -> str:
    """The reduced report as sorted N-Triples-like lines (for assertion messages)."""
    return "\n".join(sorted(" ".join(t.n3() for t in triple) for triple in to_isomorphic(report)))
