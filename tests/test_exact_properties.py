"""Property tests for issue 16: random graphs of literals of many XSD datatypes, in canonical,
non-canonical and ill-formed lexical forms, come out of every export exactly as they went in
(memory, ``--store``, and the test Oxigraph server), and ``validate`` gives the same report as
pySHACL run on the untouched input; and differential tests of the two validation engines on
generated shapes and data (IRIs with ``?``, ``#``, unicode).

Terms are compared exactly (lexical form, datatype, language), never by value.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.namespace import SH

from imhgraph.disk import disk_backend
from imhgraph.export import export
from imhgraph.stores import memory_backend, to_rdflib
from imhgraph.validate import load_shapes, validate, validate_graph

from .servers import OxigraphServer, oxigraph_binary

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/"

#: datatype → lexical forms: canonical, non-canonical, ill-formed or out of range.
LEXICAL: dict[str, list[str]] = {
    "integer": ["2", "02", "+2", "-0", "0", "abc", "1.5"],
    "decimal": ["2.5", "2.50", "+02.5", "4.0", "4", ".5", "1.2.3"],
    "double": ["2.5E0", "25e-1", "1.50", "INF", "NaN", "-0", "1,5"],
    "float": ["1.0E0", "1", "1e1", "-INF", "x"],
    "boolean": ["true", "false", "1", "0", "none", "TRUE"],
    "int": ["5", "05", "-5", "3000000000", "five"],
    "long": ["5", "007", "-9223372036854775809"],
    "short": ["5", "+5", "40000"],
    "byte": ["5", "127", "300", "c"],
    "nonNegativeInteger": ["0", "00", "-1"],
    "positiveInteger": ["1", "01", "0"],
    "negativeInteger": ["-1", "-01", "1"],
    "nonPositiveInteger": ["0", "-0", "1"],
    "unsignedInt": ["5", "+5", "-5"],
    "unsignedByte": ["255", "256", "0255"],
    "date": ["2011-01-01", "2011-01-01Z", "2011-1-1", "2011-01-01+00:00"],
    "dateTime": ["2011-01-01T00:00:00", "2011-01-01T00:00:00.000Z", "2011-01-01", "2011-01-01T24:00:00"],
    "time": ["12:00:00", "12:00:00.0", "25:00:00"],
    "gYear": ["2011", "02011", "11"],
    "gYearMonth": ["2011-01", "2011-1"],
    "gMonthDay": ["--01-01", "--13-01"],
    "duration": ["P1Y", "P12M", "PT60M", "P0D", "P"],
    "dayTimeDuration": ["PT36H", "P1DT12H", "P1Y"],
    "yearMonthDuration": ["P12M", "P1Y", "PT1H"],
    "string": ["x", " spaced ", ""],
    "anyURI": ["http://example.org/a?v=1#f", "not a uri"],
}
assert len(LEXICAL) >= 20

literals = st.one_of(
    st.sampled_from([(lex, XSD + dt) for dt, forms in LEXICAL.items() for lex in forms]).map(
        lambda p: ox.Literal(p[0], datatype=ox.NamedNode(p[1]))
    ),
    st.sampled_from(["en", "fr", "de-ch"]).flatmap(
        lambda lang: st.sampled_from(["Hi", "Hé", ""]).map(lambda text: ox.Literal(text, language=lang))
    ),
    st.sampled_from(["x", "é ü", "line\nbreak"]).map(ox.Literal),
)
subjects = st.sampled_from([ox.NamedNode(EX + s) for s in ("s0", "s1", "item?v=1", "a#b", "é")])
predicates = st.sampled_from([ox.NamedNode(EX + f"p{i}") for i in range(4)])
graphs = st.lists(st.tuples(subjects, predicates, literals), min_size=1, max_size=14).map(
    lambda ts: sorted({ox.Triple(*t) for t in ts}, key=str)
)

FORMATS = {"ntriples": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD}


def _write(path: Path, triples: list[ox.Triple]) -> Path:
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    return path


def _ex_triples(text: str, fmt: str) -> set[tuple[str, str, str]]:
    """The triples about example.org subjects in an export, as exact N-Triples terms."""
    return {
        (str(t.subject), str(t.predicate), str(t.object))
        for t in ox.parse(text.encode("utf-8"), format=FORMATS[fmt])
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(EX)
    }


def _expected(triples: list[ox.Triple]) -> set[tuple[str, str, str]]:
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in triples}


_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@_SETTINGS
@given(triples=graphs)
def test_every_export_from_memory_is_the_input(tmp_path_factory, triples):
    data = _write(tmp_path_factory.mktemp("mem") / "d.nt", triples)
    backend = memory_backend([data])
    for fmt in FORMATS:
        assert _ex_triples(export(backend, fmt), fmt) == _expected(triples), fmt


@_SETTINGS
@given(triples=graphs)
def test_every_query_answer_gives_the_input_as_written(tmp_path_factory, triples):
    # SELECT and CONSTRUCT over every triple: the rows and the graph are the triples as written
    # (one stored triple written two ways is two rows), never the store's canonical forms
    from imhgraph import sparql
    from imhgraph.exact import from_rdflib

    data = _write(tmp_path_factory.mktemp("qry") / "d.nt", triples)
    backend = memory_backend([data])
    where = "WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'http://example.org/')) }"
    rows = sparql.run(backend, sparql.query_from_text("SELECT ?s ?p ?o " + where)).select.rows
    answered = [tuple(str(from_rdflib(t)) for t in row) for row in rows]
    assert sorted(answered) == sorted(_expected(triples))
    graph = sparql.run(backend, sparql.query_from_text("CONSTRUCT { ?s ?p ?o } " + where)).graph
    assert {tuple(str(from_rdflib(t)) for t in triple) for triple in graph} == _expected(triples)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(triples=graphs)
def test_every_export_from_a_store_read_back_is_the_input(tmp_path_factory, triples):
    folder = tmp_path_factory.mktemp("store")
    data = _write(folder / "d.nt", triples)
    disk_backend(folder / "db", data=[data]).close()
    backend = disk_backend(folder / "db")  # read back, nothing re-parsed
    try:
        for fmt in FORMATS:
            assert _ex_triples(export(backend, fmt), fmt) == _expected(triples), fmt
    finally:
        backend.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if oxigraph_binary() is None:
        pytest.skip("oxigraph server binary not installed")
    with OxigraphServer(tmp_path_factory.mktemp("oxserver")) as started:
        yield started


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(triples=graphs)
def test_every_export_from_the_oxigraph_server_is_the_input(server, tmp_path_factory, triples):
    from imhgraph.endpoint import endpoint_backend, endpoint_urls
    from imhgraph.push import push

    data = _write(tmp_path_factory.mktemp("srv") / "d.nt", triples)
    push(memory_backend([data]), endpoint_urls(server.url), timeout=30)
    backend = endpoint_backend(server.url, timeout=30)
    for fmt in FORMATS:
        assert _ex_triples(export(backend, fmt), fmt) == _expected(triples), fmt


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ;
    sh:targetSubjectsOf ex:p0, ex:p1, ex:p2, ex:p3 ;
    sh:property [ sh:path ex:p0 ; sh:datatype xsd:integer ; sh:maxCount 2 ] ,
        [ sh:path ex:p1 ; sh:datatype xsd:decimal ; sh:minInclusive 0 ] ,
        [ sh:path ex:p2 ; sh:nodeKind sh:Literal ; sh:maxLength 4 ] ,
        [ sh:path ex:p3 ; sh:in ( "2"^^xsd:integer "true"^^xsd:boolean "x" ) ; sh:severity sh:Warning ] .
"""


def _report(graph: Graph) -> list[tuple[str, ...]]:
    return sorted(
        tuple(str(graph.value(r, p)) for p in (SH.focusNode, SH.resultPath, SH.sourceConstraintComponent, SH.value, SH.resultSeverity))
        + (repr(graph.value(r, SH.value)),)
        for r in graph.objects(None, SH.result)
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(triples=graphs)
def test_validate_equals_pyshacl_on_the_untouched_input(tmp_path_factory, triples):
    folder = tmp_path_factory.mktemp("val")
    data = _write(folder / "d.nt", triples)
    shapes = folder / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    mine = validate(memory_backend([data]), shapes)
    untouched = Graph()
    for t in triples:
        untouched.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    reference = validate_graph(untouched, load_shapes(shapes))
    assert _known_apart(_report(mine.results_graph)) == _known_apart(_report(reference.results_graph))


def _known_apart(results: list) -> list:
    """The results without the known disagreement: a value that is not a well-formed number
    (a duration, an ill-formed "25:00:00"^^xsd:time) against the numeric sh:minInclusive.
    SHACL says a value that cannot be compared violates the constraint (the fast path reports
    it); pySHACL lets such values pass. Recorded in the closing note and the README."""
    return [r for r in results if not ("MinInclusiveConstraintComponent" in r[2] and not _numeric(r[3], r[-1]))]


_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                              "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                              "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


def _numeric(lexical: str, described: str) -> bool:
    from imhgraph.lexical import well_formed

    datatype = next((d for d in _NUMERIC if f"'{d}'" in described), None)
    return datatype is not None and bool(well_formed(lexical, datatype))


# --- differential: the fast path against pySHACL on generated shapes --------------------------

IRIS = [EX + "n0", EX + "n?v=1", EX + "n#frag", EX + "ñ", EX + "n1"]
iris = st.sampled_from(IRIS)
values = st.one_of(iris.map(ox.NamedNode), literals)
data_graphs = st.lists(
    st.tuples(iris.map(ox.NamedNode), predicates, values), min_size=1, max_size=12
).map(lambda ts: sorted({ox.Triple(*t) for t in ts}, key=str))


def _lit(term: ox.Literal) -> str:
    return str(term)


constraints = st.one_of(
    st.integers(0, 2).map(lambda n: f"sh:minCount {n}"),
    st.integers(0, 2).map(lambda n: f"sh:maxCount {n}"),
    st.sampled_from(["sh:IRI", "sh:Literal", "sh:BlankNodeOrIRI", "sh:IRIOrLiteral"]).map(lambda k: f"sh:nodeKind {k}"),
    st.sampled_from(["integer", "decimal", "boolean", "string", "int", "dateTime"]).map(lambda d: f"sh:datatype xsd:{d}"),
    st.sampled_from([EX + "C", EX + "D"]).map(lambda c: f"sh:class <{c}>"),
    st.lists(values, min_size=1, max_size=3).map(lambda vs: "sh:in ( " + " ".join(str(v) for v in vs) + " )"),
    values.map(lambda v: f"sh:hasValue {v}"),
    st.sampled_from(["sh:minInclusive", "sh:maxExclusive"]).flatmap(lambda p: st.sampled_from(["2", "2.5", '"2011-01-01"^^xsd:date']).map(lambda b: f"{p} {b}")),
    st.integers(0, 4).map(lambda n: f"sh:maxLength {n}"),
    st.integers(0, 4).map(lambda n: f"sh:minLength {n}"),
    st.just('sh:uniqueLang true'),
)


@st.composite
def shapes_graphs(draw) -> str:
    lines = ["@prefix sh: <http://www.w3.org/ns/shacl#> .", "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]
    targets = draw(st.lists(iris, min_size=1, max_size=3, unique=True))
    props = []
    for i in range(draw(st.integers(1, 3))):
        # each parameter at most once (SHACL allows most only once; pySHACL refuses more)
        body = draw(st.lists(constraints, min_size=1, max_size=3, unique_by=lambda c: c.split()[0]))
        severity = draw(st.sampled_from(["sh:Violation", "sh:Warning"]))
        props.append(f"[ sh:path <{EX}p{i}> ; sh:severity {severity} ; " + " ; ".join(body) + " ]")
    node_constraints = draw(st.lists(constraints.filter(lambda c: not c.startswith(("sh:minCount", "sh:maxCount", "sh:uniqueLang"))), max_size=1))
    lines.append(
        f"<{EX}Shape> a sh:NodeShape ; sh:targetNode " + ", ".join(f"<{t}>" for t in targets)
        + " ; sh:property " + ", ".join(props)
        + "".join(f" ; {c}" for c in node_constraints) + " ."
    )
    lines.append(f"<{EX}n1> a <{EX}C> .")
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(triples=data_graphs, shapes_text=shapes_graphs())
def test_fast_path_and_pyshacl_give_the_same_report(tmp_path_factory, monkeypatch, triples, shapes_text):
    folder = tmp_path_factory.mktemp("diff")
    data = _write(folder / "d.nt", triples)
    shapes = folder / "shapes.ttl"
    shapes.write_text(shapes_text, encoding="utf-8")
    backend = memory_backend([data])
    monkeypatch.delenv("IMHGRAPH_VALIDATOR", raising=False)
    fast = validate(backend, shapes)
    monkeypatch.setenv("IMHGRAPH_VALIDATOR", "pyshacl")
    try:
        slow = validate(memory_backend([data]), shapes)
    finally:
        monkeypatch.delenv("IMHGRAPH_VALIDATOR")
    bounds = _range_bounds(shapes_text)
    assert _comparable_only(fast.results_graph, bounds) == _comparable_only(slow.results_graph, bounds), shapes_text


_RANGE = ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive")


def _range_bounds(shapes_text: str) -> dict[tuple[str, str], object]:
    """(path or "None", parameter) → the bound of every range constraint of the generated shapes
    (each property shape has its own path, and each parameter at most once)."""
    from rdflib.namespace import SH as _SH

    shapes = Graph().parse(data=shapes_text, format="turtle")
    found = {}
    for name in _RANGE:
        for shape, bound in shapes.subject_objects(_SH[name]):
            found[(str(shapes.value(shape, _SH.path)), name)] = bound
    return found


def _comparable_only(graph: Graph, bounds: dict) -> list:
    """:func:`_report` without the known disagreement on values that cannot be compared with a
    range constraint's bound (an integer against a date, a duration against a number): SHACL
    says such a value violates the constraint, as the fast path reports; pySHACL lets it pass."""
    out = []
    for r in graph.objects(None, SH.result):
        component = str(graph.value(r, SH.sourceConstraintComponent))
        name = next((n for n in _RANGE if n[0].upper() + n[1:] + "ConstraintComponent" in component), None)
        if name is not None:
            bound = bounds.get((str(graph.value(r, SH.resultPath)), name))
            if bound is not None and not _same_family(graph.value(r, SH.value), bound):
                continue
        out.append(
            tuple(str(graph.value(r, p)) for p in (SH.focusNode, SH.resultPath, SH.sourceConstraintComponent, SH.value, SH.resultSeverity))
            + (repr(graph.value(r, SH.value)),)
        )
    return sorted(out)


def _same_family(value: object, bound: object) -> bool:
    """Whether *value* and *bound* are well-formed literals of one comparable kind (numbers, or
    one date/time datatype)."""
    from rdflib import Literal

    from imhgraph.lexical import well_formed

    def family(term: object) -> str | None:
        if not isinstance(term, Literal) or term.datatype is None:
            return None
        datatype = str(term.datatype)
        if not well_formed(str(term), datatype):
            return None
        return "number" if datatype in _NUMERIC else datatype

    kind = family(value)
    return kind is not None and kind == family(bound)


def test_the_generators_cover_what_they_claim():
    kinds = {dt for dt in LEXICAL}
    assert len(kinds) >= 20
    # each datatype has a form Oxigraph rewrites or an ill-formed one, besides a canonical one
    rewritten = 0
    from imhgraph.exact import stored_forms

    for dt, forms in LEXICAL.items():
        lits = [ox.Literal(f, datatype=ox.NamedNode(XSD + dt)) for f in forms]
        rewritten += sum(a != b for a, b in zip(lits, stored_forms(lits)))
    assert rewritten >= 20
    assert list(itertools.islice(IRIS, 2))
