"""Named queries: headers, the read-only check, parameter binding, every catalogue query's exact
rows on fixture data, every output format, errors, and the README catalogue kept in sync."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from imhgraph import sparql as q
from tools import readme as readme_tool
from tools.readme import section
from imhgraph.errors import QueryError, UnknownIdError, UnknownQueryError
from imhgraph.resources import queries_dir
from imhgraph.stores import backend_from_graph, graph_from_files

from .conftest import FIXTURES, ROOT

HERE = FIXTURES / "queries"
LANDSCAPE = HERE / "landscape.ttl"
BASE = "https://w3id.org/imhgraph/"


@pytest.fixture(scope="module")
def fx():
    """Exactly the fixture vocabulary and landscape, nothing else (do not mutate)."""
    return backend_from_graph(graph_from_files([HERE / "vocab.ttl", LANDSCAPE]))


def cells(result: q.QueryResult) -> list[tuple[str, ...]]:
    assert result.select is not None
    return [tuple(q.cell(t) for t in row) for row in result.select.rows]


# ---------------------------------------------------------------------------
# Every catalogue query, exact rows on the fixture (answers computed by hand from landscape.ttl)
# ---------------------------------------------------------------------------

EXPECTED: dict[str, tuple[dict[str, object], list[tuple[str, ...]]]] = {
    # alpha covers infant-parent-psychotherapy ⊑ treatment-approaches; beta covers it directly.
    "programs-covering-topic": (
        {"topic": "treatment-approaches"},
        [("fx-alpha", "narrower", "infant-parent-psychotherapy"), ("fx-beta", "direct", "")],
    ),
    "program-topics": (
        {"program": "fx-alpha"},
        [
            ("attachment-theory",),
            ("infant-parent-psychotherapy",),
            ("perinatal-mental-health",),
            ("reflective-practice",),
        ],
    ),
    # beta covers treatment-approaches directly, alpha through infant-parent-psychotherapy;
    # gamma teaches no treatment approach.
    "programs-covering-all-topics": (
        {"topics": ["attachment-theory", "treatment-approaches"]},
        [("fx-alpha",), ("fx-beta",)],
    ),
    # Only infant-parent-assessment is covered by no program at any depth; the top concepts
    # are covered through their narrower topics.
    "uncovered-topics": ({}, [("infant-parent-assessment", "clinical-content")]),
    "topics-single-program": (
        {},
        [
            ("cultural-competence", "fx-gamma"),
            ("infant-child-development", "fx-beta"),
            ("infant-parent-psychotherapy", "fx-alpha"),
            ("perinatal-mental-health", "fx-alpha"),
            ("treatment-approaches", "fx-beta"),
        ],
    ),
    "shared-topics": ({"a": "fx-alpha", "b": "fx-gamma"}, [("attachment-theory",), ("reflective-practice",)]),
    # bachelor (rank 3): associate (2) and bachelor (3) qualify, master (4) not; the alpha
    # certificate states no education and is not listed.
    "credentials-for-education": (
        {"education": "bachelor"},
        [("fx-endorse-1", "associate", ""), ("fx-endorse-2", "bachelor", "2"), ("fx-endorse-3p", "bachelor", "")],
    ),
    "credential-requirements": (
        {"credential": "fx-endorse-2"},
        [
            ("education", "bachelor"),
            ("reflective supervision hours", "24"),
            ("topic", "attachment-theory"),
            ("topic", "reflective-practice"),
            ("training hours", "30"),
            ("years of experience", "2"),
        ],
    ),
    "programs-for-credential": ({"credential": "fx-endorse-2"}, [("fx-alpha", "prepares for")]),
    # fx-psychologist ⊑ fx-clinician: alpha admits clinicians, gamma psychologists.
    "programs-admitting-profession": (
        {"profession": "fx-psychologist"},
        [("fx-alpha", "fx-clinician"), ("fx-gamma", "fx-psychologist")],
    ),
    "endorsement-ladder": (
        {},
        [
            ("fx-assoc", "1", "fx-endorse-1", ""),
            ("fx-assoc", "2", "fx-endorse-2", ""),
            ("fx-assoc", "3", "fx-endorse-3", "imh:ClinicalTrack"),
            ("fx-assoc", "3", "fx-endorse-3p", "imh:PolicyTrack"),
        ],
    ),
    "sources-of": (
        {"resource": "fx-alpha"},
        [
            ("https://example.org/fixture/alpha-brochure", "", "2024-05-01"),
            ("https://example.org/fixture/alpha-page", "Alpha certificate page", "2024-05-01"),
        ],
    ),
    "list-programs": (
        {},
        [("fx-alpha", "fx-univ", "true"), ("fx-beta", "fx-assoc", ""), ("fx-gamma", "fx-assoc", "false")],
    ),
    "list-topics": (
        {},
        [
            ("attachment-theory", "core-content"),
            ("clinical-content", ""),
            ("core-content", ""),
            ("cultural-competence", "core-content"),
            ("infant-child-development", "core-content"),
            ("infant-parent-assessment", "clinical-content"),
            ("infant-parent-psychotherapy", "treatment-approaches"),
            ("perinatal-mental-health", "core-content"),
            ("reflective-practice", "training-process"),
            ("training-process", ""),
            ("treatment-approaches", "clinical-content"),
        ],
    ),
    "list-credentials": (
        {},
        [
            ("fx-alpha-cert", "imh:Certificate", "fx-univ", ""),
            ("fx-endorse-1", "imh:Endorsement", "fx-assoc", "1"),
            ("fx-endorse-2", "imh:Endorsement", "fx-assoc", "2"),
            ("fx-endorse-3", "imh:Endorsement", "fx-assoc", "3"),
            ("fx-endorse-3p", "imh:Endorsement", "fx-assoc", "3"),
        ],
    ),
    "list-organizations": ({}, [("fx-assoc", "2", "4"), ("fx-univ", "1", "1")]),
    "list-professions": (
        {},
        [("fx-clinician", "", "1"), ("fx-nurse", "", "1"), ("fx-psychologist", "fx-clinician", "1")],
    ),
    # Ordered by rank, a number: 1 … 5, not by name.
    "list-education-levels": (
        {},
        [("cda", "1"), ("associate", "2"), ("bachelor", "3"), ("master", "4"), ("doctorate", "5")],
    ),
}

ASK_CASES = [
    ({"program": "fx-alpha", "topic": "treatment-approaches"}, True),  # via infant-parent-psychotherapy
    ({"program": "fx-beta", "topic": "treatment-approaches"}, True),  # directly
    ({"program": "fx-gamma", "topic": "perinatal-mental-health"}, False),
    ({"program": "fx-gamma", "topic": "core-content"}, True),  # via attachment-theory
]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_catalogue_query_exact_rows(fx, name):
    params, rows = EXPECTED[name]
    result = q.run_named(fx, name, params)
    assert result.form == "SELECT"
    assert list(result.select.variables) == list(q.find_query(name).columns)
    assert cells(result) == rows


def test_programs_covering_topic_direct_wins_over_narrower(fx):
    # core-content: every program only through narrower topics, one row per narrower topic.
    result = q.run_named(fx, "programs-covering-topic", {"topic": "core-content"})
    assert cells(result) == [
        ("fx-alpha", "narrower", "attachment-theory"),
        ("fx-alpha", "narrower", "perinatal-mental-health"),
        ("fx-beta", "narrower", "attachment-theory"),
        ("fx-beta", "narrower", "infant-child-development"),
        ("fx-gamma", "narrower", "attachment-theory"),
        ("fx-gamma", "narrower", "cultural-competence"),
    ]
    # attachment-theory: all three directly, no narrower rows.
    result = q.run_named(fx, "programs-covering-topic", {"topic": "attachment-theory"})
    assert cells(result) == [("fx-alpha", "direct", ""), ("fx-beta", "direct", ""), ("fx-gamma", "direct", "")]


def test_programs_covering_all_topics_needs_every_topic(fx):
    result = q.run_named(fx, "programs-covering-all-topics", {"topics": "attachment-theory, reflective-practice"})
    assert cells(result) == [("fx-alpha",), ("fx-gamma",)]
    # Labels are accepted as well as IDs; one topic no program covers empties the answer.
    result = q.run_named(
        fx, "programs-covering-all-topics", {"topics": ["Attachment theory", "infant-parent-assessment"]}
    )
    assert cells(result) == []


@pytest.mark.parametrize(("params", "answer"), ASK_CASES)
def test_program_covers_topic_ask(fx, params, answer):
    result = q.run_named(fx, "program-covers-topic", params)
    assert result.form == "ASK" and result.boolean is answer


def test_program_graph_construct(fx):
    result = q.run_named(fx, "program-graph", {"program": "fx-gamma"})
    expected = Graph().parse(
        data="""
        @prefix imh: <https://w3id.org/imhgraph/ontology#> .
        @prefix program: <https://w3id.org/imhgraph/program/> .
        @prefix org: <https://w3id.org/imhgraph/org/> .
        @prefix topic: <https://w3id.org/imhgraph/topic/> .
        @prefix profession: <https://w3id.org/imhgraph/profession/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        program:fx-gamma a imh:TrainingProgram ;
            rdfs:label "Gamma Reflective Practice Seminar" ;
            imh:offeredBy org:fx-assoc ;
            imh:covers topic:reflective-practice , topic:attachment-theory , topic:cultural-competence ;
            imh:coverageComplete false ;
            imh:admitsProfession profession:fx-psychologist ;
            dcterms:source <https://example.org/fixture/gamma> .
        org:fx-assoc rdfs:label "Fixture IMH Association" .
        topic:reflective-practice skos:prefLabel "Reflective practice" .
        topic:attachment-theory skos:prefLabel "Attachment theory" .
        topic:cultural-competence skos:prefLabel "Cultural competence" .
        profession:fx-psychologist skos:prefLabel "Fixture psychologist" .
        """,
        format="turtle",
    )
    assert result.form == "CONSTRUCT"
    assert isomorphic(result.graph, expected)


def test_every_catalogue_query_has_an_exact_test():
    tested = set(EXPECTED) | {"program-covers-topic", "program-graph"}
    assert tested == set(q.catalogue())
    assert len(q.catalogue()) >= 12


# ---------------------------------------------------------------------------
# Meta-tests over every .rq file
# ---------------------------------------------------------------------------

ALL_FILES = sorted(queries_dir().glob("*.rq")) + sorted((queries_dir() / "internal").glob("*.rq"))


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_query_file_has_a_header_parses_and_declares_its_parameters(path: Path):
    query = q.load_query(path)
    assert query.title, "missing `# title:`"
    assert query.description, "missing `# description:`"
    assert query.columns, "missing `# columns:`"
    parsed = q.check(query)  # raises on syntax errors, UPDATE and SERVICE
    declared = {p.name for p in query.params}
    dollars = set(q.dollar_variables(query.text))
    assert dollars <= declared, f"$-variables not declared as params: {dollars - declared}"
    assert declared <= q.variables(query.text), f"declared params not used: {declared - q.variables(query.text)}"
    if path.parent == queries_dir():
        # The public catalogue writes every parameter as $NAME, so the two sets are equal.
        assert dollars == declared
        for p in query.params:
            assert p.description and p.example, f"param {p.name} needs a description and an example"
            if parsed.form == "SELECT":
                assert p.name in q.placeholders(query.text), f"SELECT param {p.name} needs VALUES ${p.name} {{ }}"
        assert "PREFIX" in query.text or "prefix" in query.text
    if parsed.form == "SELECT" and parsed.projection is not None:
        assert list(query.columns) == list(parsed.projection), "# columns: must list the SELECT variables"


def test_catalogue_examples_run_on_the_bundled_data(bundled):
    # Light check on the bundled data: every example in the headers names something real.
    for query in q.catalogue().values():
        params = {p.name: p.example for p in query.params}
        result = q.run(bundled, query, params)
        assert result.form in q.FORMS


def test_list_education_levels_on_bundled_data(bundled):
    result = q.run_named(bundled, "list-education-levels")
    assert [row[0] for row in cells(result)] == ["cda", "associate", "bachelor", "master", "doctorate"]


# ---------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------


def test_parse_header_with_continuations_and_params():
    text = (
        "# title: T\n"
        "# description: first line\n"
        "#   second line\n"
        "# param: topics list of topic — some topics. Example: a,b\n"
        "# param: n integer - how many\n"
        "#   at most. Example: 3\n"
        "# columns: x, y\n"
        "SELECT ?x ?y WHERE { VALUES $topics { } ?x ?y $topics . FILTER(?n < $n) }\n"
    )
    query = q.query_from_text(text, name="t")
    assert query.title == "T"
    assert query.description == "first line second line"
    assert query.columns == ("x", "y")
    assert query.params == (
        q.Param("topics", "topic", "some topics", "a,b", True),
        q.Param("n", "integer", "how many at most", "3", False),
    )
    assert q.dollar_variables(text) == ["topics", "n"]
    assert q.placeholders(text) == {"topics"}


def test_internal_header_format_is_understood():
    members = q.load_query(queries_dir() / "internal" / "members.rq")
    assert [(p.name, p.kind, p.example) for p in members.params] == [("class", "iri", "imh:TrainingProgram")]


def test_bad_param_kind_is_a_query_error():
    with pytest.raises(QueryError, match="bad parameter declaration"):
        q.query_from_text("# param: x colour — a colour\nASK {}")


# ---------------------------------------------------------------------------
# Read-only check, syntax errors, parameters
# ---------------------------------------------------------------------------


def adhoc(text: str) -> q.NamedQuery:
    return q.query_from_text(text, name="mine")


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        "PREFIX e: <http://e/>\nDELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "LOAD <http://example.org/data.ttl>",
    ],
)
def test_update_is_refused(fx, text):
    with pytest.raises(QueryError, match="UPDATE; `query` is read-only"):
        q.run(fx, adhoc(text))


def test_service_is_refused_on_local_data(fx):
    text = "PREFIX imh: <https://w3id.org/imhgraph/ontology#>\nSELECT * WHERE { SERVICE <http://example.org/sparql> { ?s imh:covers ?o } }"
    with pytest.raises(QueryError, match="SERVICE"):
        q.run(fx, adhoc(text))
    # A variable or prefixed name called service is not a SERVICE clause.
    ok = q.run(fx, adhoc("SELECT ?service WHERE { ?service a <https://w3id.org/imhgraph/ontology#Organization> }"))
    assert cells(ok) == [("fx-assoc",), ("fx-univ",)]


def test_syntax_error_names_query_line_and_column(fx):
    text = "# title: broken\nSELECT ?p WHERE {\n  ?p imh:covers\n}\n"
    with pytest.raises(QueryError) as info:
        q.run(fx, adhoc(text))
    message = info.value.message
    assert message.startswith("query 'mine': SPARQL syntax error at line 3, column 3")
    assert "imh:covers" in message


def test_syntax_error_column_on_first_line_ignores_added_prefixes(fx):
    with pytest.raises(QueryError, match=r"at line 1, column 1\b"):
        q.run(fx, adhoc("SELEKT ?x WHERE { ?x ?y ?z }"))


def test_project_prefixes_are_available_to_adhoc_queries(fx):
    result = q.run(fx, adhoc("SELECT ?t WHERE { program:fx-beta imh:covers ?t }"))
    assert cells(result) == [("attachment-theory",), ("infant-child-development",), ("treatment-approaches",)]


def test_missing_unknown_and_bad_parameters(fx):
    with pytest.raises(QueryError, match="needs the parameter 'b'") as info:
        q.run_named(fx, "shared-topics", {"a": "fx-alpha"})
    assert "b (program)" in info.value.hint
    with pytest.raises(QueryError, match="has no parameter 'c'"):
        q.run_named(fx, "shared-topics", {"a": "fx-alpha", "b": "fx-beta", "c": "x"})
    with pytest.raises(QueryError, match="takes one value"):
        q.run_named(fx, "program-topics", {"program": ["fx-alpha", "fx-beta"]})
    with pytest.raises(UnknownIdError) as unknown:
        q.run_named(fx, "program-topics", {"program": "fx-alpa"})
    assert unknown.value.suggestions[0] == "fx-alpha"
    # A program ID where a topic is expected is an unknown topic.
    with pytest.raises(UnknownIdError, match="unknown topic 'fx-alpha'"):
        q.run_named(fx, "programs-covering-topic", {"topic": "fx-alpha"})


@pytest.mark.parametrize(
    ("kind", "text", "term"),
    [
        ("integer", "42", Literal(42)),
        ("decimal", "2.5", Literal("2.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))),
        ("boolean", "yes", Literal(True)),
        ("string", " spaced ", Literal(" spaced ")),
        ("iri", "imh:covers", URIRef("https://w3id.org/imhgraph/ontology#covers")),
        ("iri", "fx-gamma", URIRef(BASE + "program/gamma".replace("gamma", "fx-gamma"))),
        ("education", "Master's degree", URIRef(BASE + "education/master")),
    ],
)
def test_value_kinds(fx, kind, text, term):
    assert q.to_term(fx, q.Param("x", kind), text) == term


@pytest.mark.parametrize(("kind", "text"), [("integer", "4.5"), ("decimal", "many"), ("boolean", "maybe"), ("iri", "a b:c")])
def test_bad_values_are_refused(fx, kind, text):
    with pytest.raises(QueryError, match="parameter 'x'"):
        q.to_term(fx, q.Param("x", kind), text)


def test_hostile_string_value_is_data_not_query_text(fx):
    # Whatever the text, the bound value comes back unchanged and the query's meaning holds.
    query = adhoc(
        "# title: echo\n# description: d\n# param: v string — any text. Example: x\n# columns: v\n"
        "SELECT ?v WHERE {\n  VALUES $v { }\n}\n"
    )
    for hostile in ['x" } ; DELETE WHERE { ?s ?p ?o } #', "a'''b\"\"\"c\\", "line\nbreak } UNION { ?s ?p ?o"]:
        result = q.run(fx, query, {"v": hostile})
        assert result.select.rows == [(Literal(hostile),)]


def test_single_values_are_bound_without_a_placeholder(fx):
    ask = adhoc("# param: p program — x\nASK { $p imh:covers topic:cultural-competence }")
    assert q.run(fx, ask, {"p": "fx-gamma"}).boolean is True
    assert q.run(fx, ask, {"p": "fx-beta"}).boolean is False
    # A SELECT that does not project its parameter: bound all the same (binding.with_values).
    select = adhoc("# param: p program — x\nSELECT ?t WHERE { $p imh:covers ?t }")
    with_block = adhoc("# param: p program — x\nSELECT ?t WHERE { VALUES $p { } $p imh:covers ?t }")
    rows = q.run(fx, select, {"p": "fx-gamma"}).select.rows
    assert rows and rows == q.run(fx, with_block, {"p": "fx-gamma"}).select.rows


def test_unknown_query_name_suggests_close_names():
    with pytest.raises(UnknownQueryError) as info:
        q.find_query("program-covering-topic")
    assert info.value.hint.startswith("Did you mean: programs-covering-topic")
    with pytest.raises(UnknownQueryError, match="no such query file"):
        q.find_query("missing/file.rq")


def test_sort_rows_follows_order_by_with_ties_broken_by_row():
    from rdflib.term import Variable  # noqa: F401 — ensures rdflib's parser is importable

    parsed = q.check(adhoc("SELECT ?a ?b WHERE { ?a ?b ?c } ORDER BY DESC(?b)"))
    assert parsed.order == (("b", True),)
    rows = [(Literal("y"), Literal(2)), (Literal("x"), Literal(10)), (Literal("a"), Literal(2))]
    assert q.sort_rows(["a", "b"], rows, parsed) == [
        (Literal("x"), Literal(10)),
        (Literal("a"), Literal(2)),
        (Literal("y"), Literal(2)),
    ]
    unordered = q.check(adhoc("SELECT ?a ?b WHERE { ?a ?b ?c }"))
    assert q.sort_rows(["a", "b"], rows, unordered)[0] == (Literal("a"), Literal(2))


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def test_queries_lists_the_catalogue(run):
    result = run("queries")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "title", "parameters"]
    assert any(
        line.split()[0] == "shared-topics" and line.rstrip().endswith("a (program), b (program)") for line in lines
    )
    assert sum(1 for line in lines[2:] if line and line.split()[0] in q.catalogue()) == len(q.catalogue())
    data = json.loads(run("queries", "--format", "json").stdout)
    assert [d["name"] for d in data] == sorted(q.catalogue())
    assert data[[d["name"] for d in data].index("programs-covering-all-topics")]["params"] == [
        {
            "name": "topics",
            "kind": "topic",
            "list": True,
            "description": "one or more topics, comma-separated or repeated",
            "example": "infant-child-development,infant-parent-assessment",
        }
    ]


def test_queries_name_shows_documentation_and_text(run):
    result = run("queries", "programs-covering-topic")
    assert result.exit_code == 0
    assert result.stdout.startswith("programs-covering-topic: Programs covering a topic\n")
    assert "  topic (topic): the topic, as a short ID, IRI or label\n" in result.stdout
    assert "Run: imhgraph query programs-covering-topic --param topic=treatment-approaches\n" in result.stdout
    assert result.stdout.endswith("ORDER BY ?program ?how ?via\n")


def test_queries_unknown_name(run):
    result = run("queries", "shared-topic")
    assert result.exit_code == 2
    assert "error [IMH031]: unknown query 'shared-topic'" in result.stderr
    assert "Did you mean: shared-topics" in result.stderr
    assert "Traceback" not in result.stderr


def test_query_table_shows_short_ids_with_labels(run):
    result = run("--data", LANDSCAPE, "query", "programs-covering-all-topics", "--param", "topics=attachment-theory",
                 "--param", "topics=reflective-practice")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "program   program_label\n"
        "--------  ---------------------------------\n"
        "fx-alpha  Alpha IMH Certificate\n"
        "fx-gamma  Gamma Reflective Practice Seminar\n"
        "\n"
        "caveat: a program left out is not known to cover every topic; if its curriculum is unrecorded or "
        "partial it may still teach them.\n"
        "0 of 3 programs have no recorded curriculum and 2 more list theirs only in part (coverage not "
        "declared complete): what they teach is unknown, not absent.\n"
    )
    # the machine formats stay as they were: csv rows only, JSON in the W3C results format
    csv = run("--data", LANDSCAPE, "query", "programs-covering-all-topics", "--param", "topics=attachment-theory",
              "--param", "topics=reflective-practice", "--format", "csv").stdout
    assert "caveat" not in csv


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", "program,program_label,relation\nfx-alpha,Alpha IMH Certificate,prepares for\n"),
        ("tsv", "program\tprogram_label\trelation\nfx-alpha\tAlpha IMH Certificate\tprepares for\n"),
        (
            "markdown",
            "| program | program_label | relation |\n| --- | --- | --- |\n"
            "| fx-alpha | Alpha IMH Certificate | prepares for |\n",
        ),
    ],
)
def test_query_text_formats(run, fmt, expected):
    result = run("--data", LANDSCAPE, "query", "programs-for-credential", "-p", "credential=fx-endorse-2",
                 "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected


def test_query_json_is_w3c_sparql_results(run):
    result = run("--data", LANDSCAPE, "query", "programs-for-credential", "-p", "credential=Alpha Certificate",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "head": {"vars": ["program", "relation"]},
        "results": {
            "bindings": [
                {
                    "program": {"type": "uri", "value": BASE + "program/fx-alpha"},
                    "relation": {"type": "literal", "value": "awards"},
                }
            ]
        },
    }


def test_query_ask_prints_true_false_and_fails_only_when_asked(run):
    args = ("--data", LANDSCAPE, "query", "program-covers-topic", "-p", "program=fx-gamma")
    yes = run(*args, "-p", "topic=attachment-theory")
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    no = run(*args, "-p", "topic=perinatal-mental-health")
    assert (no.exit_code, no.stdout) == (0, "false\n")
    failing = run(*args, "-p", "topic=perinatal-mental-health", "--fail-on-false")
    assert (failing.exit_code, failing.stdout) == (1, "false\n")
    passing = run(*args, "-p", "topic=attachment-theory", "--fail-on-false")
    assert passing.exit_code == 0
    as_json = run(*args, "-p", "topic=perinatal-mental-health", "--format", "json")
    assert json.loads(as_json.stdout) == {"head": {}, "boolean": False}


@pytest.mark.parametrize(("fmt", "parse_as"), [(None, "turtle"), ("json-ld", "json-ld"), ("ntriples", "nt")])
def test_query_construct_formats(run, fx, fmt, parse_as):
    args = ["--data", LANDSCAPE, "query", "program-graph", "-p", "program=fx-beta"]
    result = run(*args, *(["--format", fmt] if fmt else []))
    assert result.exit_code == 0, result.stderr
    got = Graph().parse(data=result.stdout, format=parse_as)
    beta = URIRef(BASE + "program/fx-beta")
    assert (beta, URIRef("https://w3id.org/imhgraph/ontology#preparesFor"), URIRef(BASE + "credential/fx-endorse-1")) in got
    assert (URIRef(BASE + "credential/fx-endorse-1"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("Fixture Endorsement Level I")) in got
    again = run(*args, *(["--format", fmt] if fmt else []))
    assert again.stdout == result.stdout  # deterministic


def test_query_format_must_fit_the_form(run):
    graph_as_csv = run("--data", LANDSCAPE, "query", "program-graph", "-p", "program=fx-beta", "--format", "csv")
    assert graph_as_csv.exit_code == 2 and "its answer is a graph" in graph_as_csv.stderr
    rows_as_turtle = run("--data", LANDSCAPE, "query", "list-programs", "--format", "turtle")
    assert rows_as_turtle.exit_code == 2 and "--format turtle is for graphs" in rows_as_turtle.stderr


def test_query_param_errors_exit_2(run):
    no_eq = run("--data", LANDSCAPE, "query", "program-topics", "--param", "fx-alpha")
    assert no_eq.exit_code == 2 and "Write --param NAME=VALUE" in no_eq.stderr
    missing = run("--data", LANDSCAPE, "query", "program-topics")
    assert missing.exit_code == 2
    assert "needs the parameter 'program'" in missing.stderr
    assert "e.g. --param program=ucsf-ipp-training" in missing.stderr
    unknown = run("--data", LANDSCAPE, "query", "program-topics", "-p", "program=fx-alpah")
    assert unknown.exit_code == 2
    assert "unknown program 'fx-alpah'" in unknown.stderr and "fx-alpha" in unknown.stderr


SOMEONE_ELSES_DATA = """\
@prefix ex: <http://example.org/people/> .
ex:ann ex:name "Ann" ; ex:age 30 ; ex:knows ex:bob .
ex:bob ex:name "Bob, \\"the\\" builder" ; ex:age 4 .
ex:cy ex:name "Cy" ; ex:age 30 .
"""

SOMEONE_ELSES_QUERY = """\
# Not in the catalogue; no header beyond this comment.
PREFIX ex: <http://example.org/people/>
SELECT ?who ?name ?age WHERE {
  ?who ex:name ?name ; ex:age ?age .
}
ORDER BY DESC(?age)
"""


@pytest.fixture
def adhoc_files(tmp_path):
    data = tmp_path / "people.ttl"
    data.write_text(SOMEONE_ELSES_DATA, encoding="utf-8")
    rq = tmp_path / "people.rq"
    rq.write_text(SOMEONE_ELSES_QUERY, encoding="utf-8")
    return data, rq


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            "table",
            "who                            name                age\n"
            "-----------------------------  ------------------  ---\n"
            "http://example.org/people/ann  Ann                 30\n"
            "http://example.org/people/cy   Cy                  30\n"
            'http://example.org/people/bob  Bob, "the" builder  4\n',
        ),
        (
            "csv",
            "who,name,age\n"
            "http://example.org/people/ann,Ann,30\n"
            "http://example.org/people/cy,Cy,30\n"
            'http://example.org/people/bob,"Bob, ""the"" builder",4\n',
        ),
        (
            "tsv",
            "who\tname\tage\n"
            "http://example.org/people/ann\tAnn\t30\n"
            "http://example.org/people/cy\tCy\t30\n"
            'http://example.org/people/bob\t"Bob, ""the"" builder"\t4\n',
        ),
        (
            "markdown",
            "| who | name | age |\n| --- | --- | --- |\n"
            "| http://example.org/people/ann | Ann | 30 |\n"
            "| http://example.org/people/cy | Cy | 30 |\n"
            '| http://example.org/people/bob | Bob, "the" builder | 4 |\n',
        ),
    ],
)
def test_adhoc_file_on_someone_elses_data(run, adhoc_files, fmt, expected):
    data, rq = adhoc_files
    result = run("--data", data, "query", rq, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected


def test_adhoc_file_json(run, adhoc_files):
    data, rq = adhoc_files
    result = run("--data", data, "query", rq, "--format", "json")
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    people = "http://example.org/people/"
    assert json.loads(result.stdout) == {
        "head": {"vars": ["who", "name", "age"]},
        "results": {
            "bindings": [
                {
                    "who": {"type": "uri", "value": people + who},
                    "name": {"type": "literal", "value": name},
                    "age": {"type": "literal", "value": age, "datatype": integer},
                }
                for who, name, age in [("ann", "Ann", "30"), ("cy", "Cy", "30"), ("bob", 'Bob, "the" builder', "4")]
            ]
        },
    }


def test_adhoc_update_and_syntax_error_exit_2_cleanly(run, tmp_path):
    update = tmp_path / "wipe.rq"
    update.write_text("PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }\n", encoding="utf-8")
    result = run("--data", LANDSCAPE, "query", update)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error [IMH030]: query 'wipe' ({update}) is a SPARQL UPDATE")
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT ?s WHERE {\n  ?s ?p\n}\n", encoding="utf-8")
    result = run("--data", LANDSCAPE, "query", broken)
    assert result.exit_code == 2
    assert f"query 'broken' ({broken}): SPARQL syntax error at line 2, column 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_query_output_file(run, tmp_path):
    out = tmp_path / "out.csv"
    result = run("--data", LANDSCAPE, "query", "list-organizations", "--format", "csv", "--output", out)
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == (
        "org,org_label,programs,credentials\n"
        "fx-assoc,Fixture IMH Association,2,4\n"
        "fx-univ,Fixture University,1,1\n"
    )


# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------


def test_readme_catalogue_is_generated_from_the_headers():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert section(readme, q.README_SECTION) == readme_tool.queries_catalogue_markdown(), (
        "README query catalogue is stale: run `python tools/readme.py README.md`"
    )


# ---------------------------------------------------------------------------
# The same answers over a SPARQL endpoint (a real Oxigraph server, started here)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from .servers import OxigraphServer, oxigraph_binary

    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server binary is not installed")
    from imhgraph.endpoint import endpoint_backend

    server = OxigraphServer(tmp_path_factory.mktemp("queries-server"))
    server.load(HERE / "vocab.ttl", LANDSCAPE)
    with server:
        yield endpoint_backend(server.url, timeout=20)


@pytest.mark.server
def test_every_catalogue_query_gives_the_same_rows_over_an_endpoint(served, fx):
    assert served.kind == "endpoint"
    for name, (params, rows) in EXPECTED.items():
        assert cells(q.run_named(served, name, params)) == rows, name
    for params, answer in ASK_CASES:
        assert q.run_named(served, "program-covers-topic", params).boolean is answer
    graph = q.run_named(served, "program-graph", {"program": "fx-gamma"}).graph
    assert isomorphic(graph, q.run_named(fx, "program-graph", {"program": "fx-gamma"}).graph)
    # Text output, labels included, is the same too.
    for name in ("programs-covering-topic", "endorsement-ladder"):
        params = EXPECTED[name][0]
        assert q.render_result(served, q.run_named(served, name, params), "table") == q.render_result(
            fx, q.run_named(fx, name, params), "table"
        )


def test_listing_queries_named_in_unknown_id_hints_exist():
    from imhgraph.errors import _LISTING_QUERIES

    assert set(_LISTING_QUERIES.values()) <= set(q.catalogue())
