"""The SPARQL-compiled validator gives exactly pySHACL's results.

For every shape fixture (valid and invalid), the broken-data fixture and a small generated
benchmark graph, both validators run on the same graph (vocabulary + fixture) with the bundled
shapes, and the sets of top-level results — (focus, path, value, source shape, constraint
component, severity) — must be equal.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from imhgraph.fastvalidate import Unsupported, validate_findings
from imhgraph.stores import backend_from_graph, memory_backend
from imhgraph.validate import load_shapes, validate, validate_graph

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHAPE_FIXTURES = sorted((FIXTURES / "shapes").glob("*/*.ttl"))


def _pyshacl(graph: Graph, shapes: Graph) -> set[tuple]:
    import pyshacl

    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    found = set()
    for root in report.subjects(RDF.type, SH.ValidationReport):
        for r in report.objects(root, SH.result):
            found.add(tuple(report.value(r, p) for p in (
                SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity,
            )))
    return found


def _fast(backend, shapes: Graph) -> set[tuple]:
    return {(f.focus, f.path, f.value, f.shape, f.component, f.severity) for f in validate_findings(backend, shapes)}


def _same(path: Path) -> tuple[set, set]:
    backend = memory_backend([path])
    shapes = load_shapes()
    return _fast(backend, shapes), _pyshacl(backend.graph(), shapes)


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES + [FIXTURES / "other" / "broken.ttl"], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_results_as_pyshacl(fixture: Path) -> None:
    fast, reference = _same(fixture)
    assert fast == reference


def test_fixtures_exercise_every_constraint_kind() -> None:
    # The comparison above means something only if the invalid fixtures produce results of
    # each kind the shapes use.
    components = set()
    for fixture in SHAPE_FIXTURES:
        if fixture.parent.name == "invalid":
            components |= {c for (_, _, _, _, c, _) in _same(fixture)[0]}
    for kind in ("MinCount", "MaxCount", "NodeKind", "Class", "Datatype", "In", "HasValue", "MinInclusive", "MinLength", "Node", "Equals"):
        assert SH[f"{kind}ConstraintComponent"] in components, kind


def test_generated_benchmark_data(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import write

    data = write(tmp_path / "bench.ttl", 30, seed=7)
    fast, reference = _same(data)
    assert fast == reference
    # Generated data is valid: only warnings (undeclared coverage, topics without definition).
    assert fast and {severity for *_, severity in fast} == {SH.Warning}


EX = "http://example.org/"
EXTRA_SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:ThingShape a sh:NodeShape ; sh:targetSubjectsOf ex:size ; sh:targetNode ex:lonely ;
  sh:property [ sh:path ex:size ; sh:maxInclusive 10 ; sh:minExclusive 0 ; sh:datatype xsd:integer ] ;
  sh:property [ sh:path ex:name ; sh:maxLength 5 ; sh:minCount 1 ] ;
  sh:property [ sh:path [ sh:inversePath ex:owns ] ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] .
ex:OwnedShape a sh:NodeShape ; sh:targetObjectsOf ex:owns ; sh:hasValue ex:special .
"""
EXTRA_DATA = f"""
@prefix ex: <{EX}> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:size 5 ; ex:name "short" .
ex:b ex:size 11 , "x" , 0 , "7"^^xsd:decimal , "seven"^^xsd:integer ; ex:name "much too long" .
ex:c ex:size 3 .
ex:p ex:owns ex:a . ex:q ex:owns ex:a . _:r ex:owns ex:c .
"""


def test_more_constraints_and_targets_than_the_bundled_shapes_use() -> None:
    shapes = Graph().parse(data=EXTRA_SHAPES, format="turtle")
    data = Graph().parse(data=EXTRA_DATA, format="turtle")
    fast = _fast(backend_from_graph(data), shapes)
    assert fast == _pyshacl(data, shapes)
    focus_nodes = {URIRef(EX + n) for n in ("a", "b", "c", "lonely")}
    assert {f for f, *_ in fast} == focus_nodes
    assert (URIRef(EX + "b"), URIRef(EX + "size"), Literal("seven", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"))) in {
        (f, p, v) for f, p, v, _, c, _ in fast if c == SH.DatatypeConstraintComponent
    }


def test_unsupported_constraints_hand_over_to_pyshacl(tmp_path: Path) -> None:
    shapes_text = f"""
    @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <{EX}> .
    ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:name ; sh:property [ sh:path ex:name ; sh:pattern "^[a-z]+$" ] .
    """
    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(shapes_text, encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text(f'<{EX}a> <{EX}name> "Bad Name" .\n', encoding="utf-8")
    with pytest.raises(Unsupported):
        validate_findings(memory_backend([data]), load_shapes(shapes_file))
    # The public entry point still answers, through pySHACL.
    report = validate(memory_backend([data]), shapes_file)
    assert [(r.focus, r.path, r.severity) for r in report.results] == [(f"{EX}a", f"{EX}name", "violation")]


def test_report_rows_equal_pyshacl_report_rows() -> None:
    # Same rows in the user-facing report (IDs, names, messages, values), not only same results.
    backend = memory_backend([FIXTURES / "other" / "broken.ttl"])
    fast = validate(backend)
    slow = validate_graph(backend.graph(), load_shapes())
    assert fast.results == slow.results
    assert fast.conforms is slow.conforms is False
