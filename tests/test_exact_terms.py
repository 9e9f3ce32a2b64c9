"""Issue 16: a validator that conforms to SHACL, and a graph that comes out exactly as it went in.

Named regressions for each case of the issue; every literal is compared as a term (lexical
form and datatype), never by value.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH, XSD

from imhgraph.fastvalidate import validate_findings
from imhgraph.stores import memory_backend
from imhgraph.validate import load_shapes, validate

EX = "http://example.org/"
PREFIXES = (
    "@prefix ex: <http://example.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix imh: <https://w3id.org/imhgraph/ontology#> .\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + text, encoding="utf-8")
    return path


def _results(report) -> list[tuple]:
    g = report.results_graph
    return sorted(
        (
            g.value(r, SH.focusNode),
            g.value(r, SH.sourceConstraintComponent),
            g.value(r, SH.value),
            g.value(r, SH.resultSeverity),
        )
        for r in g.objects(None, SH.result)
    )


def _both_engines(monkeypatch, data: Path, shapes: Path) -> tuple[list, list]:
    fast = _results(validate(memory_backend([data]), shapes))
    monkeypatch.setenv("IMHGRAPH_VALIDATOR", "pyshacl")
    slow = _results(validate(memory_backend([data]), shapes))
    monkeypatch.delenv("IMHGRAPH_VALIDATOR")
    return fast, slow


def test_class_003_two_class_constraints_failing_on_one_node_are_two_results(tmp_path, monkeypatch):
    data = _write(tmp_path, "d.ttl", "ex:x a ex:Other .\nex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:class ex:A ; sh:class ex:B .\n")
    backend = memory_backend([data])
    findings = validate_findings(backend, load_shapes(data))  # the fast path itself
    assert [(f.focus, f.component, f.constraint) for f in findings] == [
        (URIRef(EX + "x"), SH.ClassConstraintComponent, URIRef(EX + "A")),
        (URIRef(EX + "x"), SH.ClassConstraintComponent, URIRef(EX + "B")),
    ]
    fast, slow = _both_engines(monkeypatch, data, data)
    assert len(fast) == 2 and fast == slow


@pytest.mark.parametrize(
    "shape",
    [
        "ex:S a sh:NodeShape ; sh:targetNode <http://example.org/item?v=1> ; sh:property [ sh:path ex:p ; sh:node ex:Inner ] .\n"
        "ex:Inner a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .\n",
        "ex:S a sh:NodeShape ; sh:targetNode <http://example.org/item?v=1> ; sh:property [ sh:path <http://example.org/p?v=2> ; sh:hasValue ex:yes ] .\n",
    ],
    ids=["sh:node", "path"],
)
def test_iri_containing_question_v_is_validated_not_pasted(tmp_path, monkeypatch, shape):
    data = _write(
        tmp_path,
        "d.ttl",
        "<http://example.org/item?v=1> ex:p <http://example.org/value?v=3> ; <http://example.org/p?v=2> ex:no .\n" + shape,
    )
    fast, slow = _both_engines(monkeypatch, data, data)
    assert fast == slow
    assert len(fast) == 1
    assert fast[0][0] == URIRef("http://example.org/item?v=1")
    assert validate(memory_backend([data]), data).exit_code() == 1


def _datatype_case(tmp_path, value: str, datatype: str) -> Path:
    return _write(
        tmp_path,
        "d.ttl",
        f"ex:x ex:p {value} .\nex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property [ sh:path ex:p ; sh:datatype {datatype} ] .\n",
    )


@pytest.mark.parametrize(
    "value, datatype, violation",
    [
        ('"5"^^xsd:int', "xsd:int", False),
        ('"0"^^xsd:nonNegativeInteger', "xsd:nonNegativeInteger", False),
        ('"3"^^xsd:int', "xsd:integer", True),
        ('"300"^^xsd:byte', "xsd:byte", True),
    ],
    ids=["xsd:int-own", "xsd:nonNegativeInteger-own", "xsd:int-is-not-xsd:integer", "byte-out-of-range"],
)
def test_derived_integer_datatypes_are_judged_as_written(tmp_path, monkeypatch, value, datatype, violation):
    data = _datatype_case(tmp_path, value, datatype)
    fast, slow = _both_engines(monkeypatch, data, data)
    assert fast == slow
    if violation:
        assert [r[2] for r in fast] == [Graph().parse(data=f"{PREFIXES}ex:a ex:b {value} .", format="turtle").value(URIRef(EX + "a"), URIRef(EX + "b"))]
    else:
        assert fast == []


def test_decimal_4_0_is_reported_as_4_0(tmp_path, monkeypatch):
    data = _write(
        tmp_path,
        "d.ttl",
        'ex:x ex:p "4.0"^^xsd:decimal .\nex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property [ sh:path ex:p ; sh:maxExclusive 4 ] .\n',
    )
    fast, slow = _both_engines(monkeypatch, data, data)
    assert fast == slow
    assert [str(r[2]) for r in fast] == ["4.0"]
    assert fast[0][2].datatype == XSD.decimal


def test_ill_formed_datetime_is_reported_with_the_value_as_written(tmp_path, monkeypatch, run):
    data = _write(
        tmp_path,
        "d.ttl",
        'ex:x ex:p "2011-01-01"^^xsd:dateTime .\nex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property [ sh:path ex:p ; sh:in ( "x" ) ] .\n',
    )
    fast, slow = _both_engines(monkeypatch, data, data)
    assert fast == slow
    assert [(str(r[2]), r[2].datatype) for r in fast] == [("2011-01-01", XSD.dateTime)]
    result = run("--data", data, "validate", "--shapes", data, "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == ""
    assert "2011-01-01T00:00:00" not in result.stdout
    assert json.loads(result.stdout)["results"][0]["value"].strip('"').startswith("2011-01-01")


def test_ill_typed_literals_print_nothing_on_stderr(tmp_path, run):
    data = _write(
        tmp_path,
        "d.ttl",
        'ex:x ex:p "none"^^xsd:boolean, "abc"^^xsd:integer, "2011-01-01"^^xsd:dateTime .\n',
    )
    for args in (
        ["validate"],
        ["export", "--format", "turtle"],
        ["export", "--format", "json-ld"],
        ["query", "SELECT ?o WHERE { ?s <http://example.org/p> ?o }" ],
    ):
        if args[0] == "query":
            query = tmp_path / "q.rq"
            query.write_text(args[1], encoding="utf-8")
            args = ["query", str(query), "--format", "csv"]
        result = run("--data", data, *args)
        assert result.stderr == "", args
        assert "Traceback" not in result.stdout


def test_warnings_only_report_does_not_conform_but_exits_0(tmp_path, run, monkeypatch):
    data = _write(
        tmp_path,
        "d.ttl",
        "ex:x ex:p 1 .\nex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:severity sh:Warning ; sh:property [ sh:path ex:p ; sh:severity sh:Warning ; sh:minCount 2 ] .\n",
    )
    for engine in ("fast", "pyshacl"):
        monkeypatch.setenv("IMHGRAPH_VALIDATOR", engine)
        result = run("--data", data, "validate", "--shapes", data, "--format", "turtle")
        assert result.exit_code == 0
        report = Graph().parse(data=result.stdout, format="turtle")
        assert (None, SH.conforms, Literal(False)) in report, engine
        assert (None, SH.conforms, Literal(True)) not in report
    assert run("--data", data, "validate", "--shapes", data, "--fail-on", "warning").exit_code == 1


ISSUE_DATA = """
<https://w3id.org/imhgraph/credential/x> imh:level "3"^^xsd:int ;
    imh:minTrainingHours "30.50"^^xsd:decimal ;
    imh:minYearsExperience "02"^^xsd:integer, "2"^^xsd:integer ;
    ex:when "2011-01-01"^^xsd:dateTime ;
    ex:flag "none"^^xsd:boolean, "1"^^xsd:boolean ;
    ex:d "P20M"^^xsd:duration ;
    ex:note "Hi"@en .
"""


def _parsed(text: str, fmt: str) -> Graph:
    """Exported text parsed by Oxigraph's parser (rdflib's parsers rewrite literals)."""
    import pyoxigraph as ox

    from imhgraph.stores import to_rdflib

    formats = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD}
    graph = Graph()
    for t in ox.parse(text.encode("utf-8"), format=formats[fmt]):
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def _data_graph(path: Path) -> Graph:
    """The file as written, parsed by Oxigraph's parser (which keeps every lexical form; rdflib's
    Turtle parser turns "none"^^xsd:boolean into "false")."""
    import pyoxigraph as ox

    from imhgraph.stores import to_rdflib

    graph = Graph()
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


@pytest.mark.parametrize(
    "fmt, rdflib_format",
    [
        ("ntriples", "nt"),
        ("turtle", "turtle"),
        ("json-ld", "json-ld"),
    ],
)
@pytest.mark.parametrize("where", ["memory", "store"])
def test_export_gives_back_the_graph_as_written(tmp_path, run, fmt, rdflib_format, where):
    data = _write(tmp_path, "d.ttl", ISSUE_DATA)
    store = ["--store", str(tmp_path / "store")] if where == "store" else []
    if store:
        assert run(*store, "--data", data, "stats").exit_code == 0
        result = run(*store, "export", "--format", fmt)  # read back from disk, not re-parsed
    else:
        result = run("--data", data, "export", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    exported = _parsed(result.stdout, rdflib_format)
    written = _data_graph(data)
    subject = URIRef("https://w3id.org/imhgraph/credential/x")
    assert set(exported.predicate_objects(subject)) == set(written.predicate_objects(subject))
    if fmt == "ntriples":
        for term in ('"3"^^<http://www.w3.org/2001/XMLSchema#int>', '"30.50"^^', '"02"^^', '"2"^^', '"P20M"^^', '"none"^^', '"1"^^'):
            assert term in result.stdout, term


def test_diff_of_data_and_its_own_export_is_no_change(tmp_path, run):
    data = _write(tmp_path, "d.ttl", ISSUE_DATA)
    exported = tmp_path / "export.nt"
    exported.write_text(run("--data", data, "export", "--format", "ntriples").stdout, encoding="utf-8")
    # the export adds the vocabulary; about the data itself there is no change at all
    result = run("diff", data, exported, "--format", "json")
    assert not [c for c in json.loads(result.stdout)["changes"] if c["id"] == "credential/x" or c["id"] == "x"]


def test_diff_tells_written_differently_from_a_change_of_value(tmp_path, run):
    old = _write(tmp_path, "old.ttl", '<https://w3id.org/imhgraph/credential/x> imh:minYearsExperience "02"^^xsd:integer ; imh:minTrainingHours "30.50"^^xsd:decimal .\n')
    new = _write(tmp_path, "new.ttl", '<https://w3id.org/imhgraph/credential/x> imh:minYearsExperience "2"^^xsd:integer ; imh:minTrainingHours "31"^^xsd:decimal .\n')
    result = run("diff", old, new, "--format", "json")
    assert result.exit_code == 1
    changes = {(c["change"], c["old"], c["new"]) for c in json.loads(result.stdout)["changes"]}
    assert ("years of experience written differently", '"02"^^xsd:integer', '"2"^^xsd:integer') in {
        (c, o, n) for c, o, n in changes
    } or any(c == "years of experience written differently" and "02" in o for c, o, n in changes), changes
    assert any("training hours" in c and "written differently" not in c and "31" in n for c, o, n in changes), changes


def test_pyshacl_gets_the_untouched_input(tmp_path):
    data = _write(tmp_path, "d.ttl", ISSUE_DATA)
    backend = memory_backend([data])
    written = _data_graph(data)
    mine = backend.graph()
    subject = URIRef("https://w3id.org/imhgraph/credential/x")
    assert set(mine.predicate_objects(subject)) == set(written.predicate_objects(subject))
    assert len(list(mine.predicate_objects(subject))) == 9  # "02" and "2" are two triples


def test_a_graph_read_back_from_a_store_keeps_two_written_forms_of_one_value(tmp_path, run):
    data = _write(tmp_path, "d.ttl", 'ex:x ex:p "02"^^xsd:integer, "2"^^xsd:integer, "002"^^xsd:integer .\n')
    store = tmp_path / "store"
    assert run("--store", store, "--data", data, "stats").exit_code == 0
    result = run("--store", store, "export", "--format", "ntriples")
    lines = [line for line in result.stdout.splitlines() if line.startswith("<http://example.org/x>")]
    assert sorted(lines) == sorted(
        f'<http://example.org/x> <http://example.org/p> "{v}"^^<http://www.w3.org/2001/XMLSchema#integer> .' for v in ("02", "2", "002")
    )


def test_shapes_that_are_not_well_formed_shacl_are_refused_plainly(tmp_path, run):
    # two sh:maxLength on one shape: pySHACL refuses it; the fast path hands it over, and the
    # user reads what is wrong (exit 2), never a logged traceback
    data = _write(
        tmp_path,
        "d.ttl",
        'ex:x ex:p "abc" .\nex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property [ sh:path ex:p ; sh:maxLength 0 ; sh:maxLength 1 ] .\n',
    )
    result = run("--data", data, "validate", "--shapes", data)
    assert result.exit_code == 2
    assert "sh:maxLength" in result.stderr and "not well-formed SHACL" in result.stderr
    assert "Traceback" not in result.stderr


# --- sh:datatype and lexical forms (XSD grammar), values shown as written ---------------------


@pytest.mark.parametrize(
    "lexical, datatype, expected",
    [
        ("2011-01-01", "dateTime", False),  # no time part
        ("2011-01-01T00:00:00", "dateTime", True),
        ("2011-01-01T24:00:00", "dateTime", True),  # XSD 1.1 end of day
        ("2011-01-01T10:00:00.5+14:00", "dateTime", True),
        ("2011-01-01T10:00:00+15:00", "dateTime", False),
        ("2011-1-1", "date", False),
        ("2011-01-01Z", "date", True),
        (" 5", "integer", False),
        ("+05", "int", True),
        ("1.5", "integer", False),
        (".5", "decimal", True),
        ("1.", "decimal", True),
        ("1e5", "decimal", False),
        ("INF", "double", True),
        ("inf", "double", False),
        ("TRUE", "boolean", False),
        ("1", "boolean", True),
        ("maybe", "boolean", False),
        ("P1Y2M3DT4H5M6.5S", "duration", True),
        ("P", "duration", False),
        ("PT", "duration", False),
        ("P1Y", "dayTimeDuration", False),
        ("12:00:00", "time", True),
        ("25:00:00", "time", False),
    ],
)
def test_lexical_forms_are_judged_by_the_xsd_grammar(lexical, datatype, expected):
    from imhgraph.lexical import well_formed

    assert well_formed(lexical, str(XSD) + datatype) is expected


def test_ill_formed_datetime_is_flagged_by_sh_datatype_on_both_engines(tmp_path, monkeypatch, run):
    # rdflib reads "2011-01-01" as a dateTime at midnight; XSD's grammar requires the time:
    # SHACL's sh:datatype asks for a well-formed literal, so it is a violation on either engine
    data = _write(
        tmp_path,
        "d.ttl",
        'ex:x ex:p "2011-01-01"^^xsd:dateTime .\nex:y ex:p "2011-01-01T00:00:00"^^xsd:dateTime .\n'
        "ex:S a sh:NodeShape ; sh:targetNode ex:x, ex:y ; sh:property [ sh:path ex:p ; sh:datatype xsd:dateTime ] .\n",
    )
    fast, slow = _both_engines(monkeypatch, data, data)
    assert fast == slow
    assert [(r[0], str(r[2]), r[2].datatype) for r in fast] == [(URIRef(EX + "x"), "2011-01-01", XSD.dateTime)]
    for engine in ("", "pyshacl"):
        monkeypatch.setenv("IMHGRAPH_VALIDATOR", engine)
        result = run("--data", data, "validate", "--shapes", data, "--format", "json")
        assert result.exit_code == 1, engine
        assert [r["value"] for r in json.loads(result.stdout)["results"]] == ["2011-01-01"], engine


@pytest.mark.parametrize("engine", ["", "pyshacl"])
def test_validate_shows_an_ill_typed_boolean_as_written(tmp_path, monkeypatch, run, engine):
    # issue 17 item 12: "maybe"^^xsd:boolean was shown as (value: false)
    data = _write(
        tmp_path,
        "d.ttl",
        'ex:x ex:p "maybe"^^xsd:boolean .\n'
        "ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property [ sh:path ex:p ; sh:datatype xsd:boolean ] .\n",
    )
    monkeypatch.setenv("IMHGRAPH_VALIDATOR", engine)
    text = run("--data", data, "validate", "--shapes", data)
    assert text.exit_code == 1
    assert "(value: maybe)" in text.stdout and "false" not in text.stdout
    as_json = run("--data", data, "validate", "--shapes", data, "--format", "json")
    assert [r["value"] for r in json.loads(as_json.stdout)["results"]] == ["maybe"]
    turtle = run("--data", data, "validate", "--shapes", data, "--format", "turtle")
    assert 'sh:value "maybe"^^xsd:boolean' in turtle.stdout
    import pyoxigraph as ox  # rdflib's Turtle parser would read "maybe" as false

    values = [q.object for q in ox.parse(turtle.stdout.encode(), format=ox.RdfFormat.TURTLE) if q.predicate.value == str(SH.value)]
    assert [(v.value, v.datatype.value) for v in values] == [("maybe", str(XSD.boolean))]
