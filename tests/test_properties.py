"""Property-based tests (hypothesis): what holds for *any* input, not only the examples.

* Random valid graphs in the SPEC vocabulary round-trip Turtle → JSON-LD → Turtle through
  imhgraph's own loader and exporters, isomorphically and byte-identically, and validate.
* Random spreadsheets import into valid Turtle or are rejected with row numbers; never a crash.
* Random strings as IDs, parameters and query text never make a traceback (exit 0, 1 or 2).
* A text parameter comes back exactly as given: it is bound as a value, never pasted.

Runs are bounded (``max_examples``, no deadline, derandomized) so the suite stays fast and
repeatable; ``IMHGRAPH_PROPERTY_EXAMPLES`` scales them up for a longer hunt.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from decimal import Decimal
from functools import cache
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from imhgraph import resources
from imhgraph.cli import cli
from imhgraph.errors import ImportCsvError, InputFileError
from imhgraph.export import to_jsonld, to_turtle
from imhgraph.importer import import_text
from imhgraph.namespaces import IMH, iri_for
from imhgraph.stores import backend_from_graph, graph_from_files
from imhgraph.validate import validate

from .conftest import FIXTURES

N = int(os.environ.get("IMHGRAPH_PROPERTY_EXAMPLES", "0")) or None
FORMULA = FIXTURES / "bad" / "formula-labels.ttl"

TOPICS = (
    "infant-child-development", "attachment-theory", "perinatal-mental-health", "cultural-competence",
    "socio-cultural-influences", "relationship-based-intervention", "infant-parent-assessment",
    "infant-parent-intervention", "troubled-parent-child-relationships", "diagnostic-classification",
    "treatment-approaches", "infant-parent-psychotherapy", "clinical-internship", "consultative-services",
    "outpatient-services", "reflective-practice", "clinical-supervision-mentoring",
)
LEVELS = ("cda", "associate", "bachelor", "master", "doctorate")
CREDENTIAL_CLASSES = (IMH.Certificate, IMH.Endorsement, IMH.Degree)


def bounded(examples: int, **extra):
    """Hypothesis settings for this suite: bounded, no deadline, repeatable."""
    return settings(
        max_examples=N or examples, deadline=None, derandomize=N is None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], **extra,
    )


@cache
def vocabulary() -> Graph:
    return graph_from_files(resources.vocabulary_files())


# --- random graphs in the SPEC vocabulary ---------------------------------------------------

slugs = st.from_regex(r"[a-z][a-z0-9]{0,7}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
# any text a person might type as a name: every script, quotes, backslashes, tabs and newlines
labels = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30
).filter(lambda s: s.strip() != "")
languages = st.sampled_from([None, None, "en", "de", "fr-CA"])
amounts = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


def _label(text: str, lang: str | None) -> Literal:
    return Literal(text, lang=lang) if lang else Literal(text)


@st.composite
def spec_graphs(draw: st.DrawFn) -> Graph:
    """A small graph that a careful curator could have written: organizations, programs and
    credentials with names in any script, sources, coverage, requirements."""
    g = Graph()
    orgs = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
    for slug in orgs:
        org = iri_for("org", slug)
        g.add((org, RDF.type, IMH.Organization))
        g.add((org, RDFS.label, _label(draw(labels), draw(languages))))
        g.add((org, DCTERMS.source, URIRef(f"https://example.org/org/{slug}")))
    credentials = draw(st.lists(slugs, max_size=3, unique=True))
    for slug in credentials:
        cred = iri_for("credential", slug)
        g.add((cred, RDF.type, draw(st.sampled_from(CREDENTIAL_CLASSES))))
        g.add((cred, RDFS.label, _label(draw(labels), draw(languages))))
        g.add((cred, IMH.awardedBy, iri_for("org", draw(st.sampled_from(orgs)))))
        g.add((cred, DCTERMS.source, URIRef(f"https://example.org/credential/{slug}")))
        if draw(st.booleans()):
            g.add((cred, IMH.level, Literal(draw(st.integers(1, 5)))))
        for topic in draw(st.lists(st.sampled_from(TOPICS), max_size=4, unique=True)):
            g.add((cred, IMH.requiresTopic, iri_for("topic", topic)))
        if draw(st.booleans()):
            g.add((cred, IMH.requiresEducation, iri_for("education", draw(st.sampled_from(LEVELS)))))
        if draw(st.booleans()):
            g.add((cred, IMH.minTrainingHours, Literal(draw(amounts), datatype=XSD.decimal)))
    for slug in draw(st.lists(slugs, min_size=1, max_size=4, unique=True)):
        program = iri_for("program", slug)
        g.add((program, RDF.type, IMH.TrainingProgram))
        g.add((program, RDFS.label, _label(draw(labels), draw(languages))))
        g.add((program, IMH.offeredBy, iri_for("org", draw(st.sampled_from(orgs)))))
        g.add((program, IMH.coverageComplete, Literal(draw(st.booleans()))))
        g.add((program, DCTERMS.source, URIRef(f"https://example.org/program/{slug}")))
        for topic in draw(st.lists(st.sampled_from(TOPICS), max_size=6, unique=True)):
            g.add((program, IMH.covers, iri_for("topic", topic)))
        for cred in draw(st.lists(st.sampled_from(credentials), max_size=2, unique=True)) if credentials else []:
            g.add((program, IMH.awards, iri_for("credential", cred)))
        if draw(st.booleans()):
            g.add((program, IMH.minYearsExperience, Literal(draw(amounts), datatype=XSD.decimal)))
        if draw(st.booleans()):
            g.add((program, IMH.requiresEducation, iri_for("education", draw(st.sampled_from(LEVELS)))))
    return g


def assert_same(got: Graph, expected: Graph) -> None:
    """The two graphs are isomorphic; otherwise show the triples that differ."""
    if isomorphic(got, expected):
        return
    _both, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(got))
    raise AssertionError(
        "graphs differ\n  lost: " + "\n        ".join(sorted(" ".join(x.n3() for x in t) for t in missing))
        + "\n  new:  " + "\n        ".join(sorted(" ".join(x.n3() for x in t) for t in extra))
    )


def by_value(graph: Graph) -> set[tuple]:
    """The triples with numbers compared by value: Oxigraph stores numbers in canonical form
    (``2.50`` reads back as ``2.5``, ``5.0`` as ``5``), as RDF stores commonly do."""
    def key(term):
        if isinstance(term, Literal) and term.datatype in (XSD.decimal, XSD.integer, XSD.double):
            return ("number", str(term.datatype), Decimal(str(term)))
        return term
    return {tuple(key(t) for t in triple) for triple in graph}


@bounded(40)
@given(spec_graphs())
def test_random_graphs_round_trip_turtle_jsonld_turtle_and_validate(graph):
    with tempfile.TemporaryDirectory() as folder:
        first = Path(folder) / "a.ttl"
        first.write_text(to_turtle(graph), encoding="utf-8")
        from_turtle = graph_from_files([first])
        assert by_value(from_turtle) == by_value(graph)

        second = Path(folder) / "b.jsonld"
        second.write_text(to_jsonld(from_turtle), encoding="utf-8")
        from_jsonld = graph_from_files([second])
        assert_same(from_jsonld, from_turtle)

        third = Path(folder) / "c.ttl"
        third.write_text(to_turtle(from_jsonld), encoding="utf-8")
        assert_same(graph_from_files([third]), from_turtle)
        # deterministic: once loaded, the same graph always gives byte-identical Turtle
        assert third.read_text(encoding="utf-8") == to_turtle(from_turtle)

    report = validate(backend_from_graph(vocabulary() + graph))
    assert [r for r in report.results if r.severity == "violation"] == []


# --- random spreadsheets --------------------------------------------------------------------

HEADER = ["program_id", "program_label", "organization_id", "organization_label", "topic_id", "source"]
nasty = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
suspicious = st.sampled_from(['=HYPERLINK("http://x")', "+cmd", "atachment-theory", "not a url", "", "Prog C",
                              "core-content", "a,b", '"quoted"', "  padded  "])
PROGRAM_LABELS = ("Program Zero", '=HYPERLINK("http://evil.example/","x")', "Säuglinge, Eltern & Kinder")


@st.composite
def sheet_rows(draw: st.DrawFn) -> dict[str, str]:
    """A row a careful person wrote (consistent per program), or — one time in five — with
    one cell replaced by something odd: random text, a formula, a typo, a blank."""
    i = draw(st.integers(0, 2))
    row = {
        "program_id": f"prog-{i}",
        "program_label": PROGRAM_LABELS[i],
        "organization_id": f"org-{i % 2}",
        "organization_label": f"Organization {i % 2}",
        "topic_id": draw(st.sampled_from(TOPICS)),
        "source": f"https://example.org/program/{i}",
    }
    if draw(st.integers(0, 4)) == 0:
        row[draw(st.sampled_from(HEADER))] = draw(st.one_of(nasty, suspicious))
    return row


rows = st.lists(sheet_rows(), min_size=0, max_size=6)


@st.composite
def spreadsheets(draw: st.DrawFn) -> tuple[str, int]:
    """CSV text (well quoted, or sometimes ragged lines joined by hand) and its row count."""
    drawn = draw(rows)
    out = io.StringIO()
    if draw(st.integers(0, 3)):
        writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
        writer.writerow(HEADER)
        for row in drawn:
            writer.writerow([row[c] for c in HEADER])
    else:
        out.write(",".join(HEADER) + "\n")
        for row in drawn:
            values = [row[c] for c in HEADER][: draw(st.integers(1, 8))]
            out.write(",".join(values) + "\n")
    return out.getvalue(), len(drawn)


@bounded(60)
@given(spreadsheets())
def test_random_spreadsheets_import_validly_or_name_their_rows(bundled, sheet):
    text, count = sheet
    try:
        result = import_text(text, bundled, name="sheet.csv")
    except ImportCsvError as exc:
        assert "sheet.csv" in exc.message
        problems = getattr(exc, "problems", None)
        if problems is None:  # the CSV itself cannot be read (a stray quote): its row is named
            assert re.search(r"sheet\.csv: row \d+: the CSV cannot be read", exc.message), exc.message
            return
        assert problems, exc.message
        # rows as a spreadsheet counts them: the header is row 1; a quoted cell may span lines
        assert all(1 <= p.row <= text.count("\n") + 1 for p in problems), problems
        assert all(p.message for p in problems)
        assert "sheet.csv" in exc.message
        return
    except InputFileError as exc:
        assert "sheet.csv" in exc.message
        return
    # imported: the Turtle reads back and is valid against the shapes
    assert count > 0
    graph = Graph().parse(data=result.turtle(), format="turtle")
    report = validate(backend_from_graph(vocabulary() + graph))
    assert [r for r in report.results if r.severity == "violation"] == []


# --- random strings on the command line -------------------------------------------------------

anything = st.text(max_size=40)
sparql_tokens = st.sampled_from([
    "SELECT", "*", "WHERE", "{", "}", "?s", "?p", "?o", "SERVICE", "<http://example.org/x>", "FILTER(", ")",
    "INSERT", "DATA", "DELETE", "LOAD", "DROP", "ALL", "PREFIX", "ex:", "ex:a", ".", ";", '"', "'", "OPTIONAL",
    "UNION", "ASK", "CONSTRUCT", "DESCRIBE", "LIMIT", "1", "VALUES", "BIND", "AS", "#", "\n", "(", "$topic",
    "COUNT", "GROUP BY", "ORDER BY", "a", "<", ">", "\\", "@en", "^^", "<https://w3id.org/imhgraph/ontology#covers>",
])
sparql_ish = st.lists(sparql_tokens, max_size=14).map(" ".join)


def _cli(*args: str, files: dict[str, str] | None = None) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, text in (files or {}).items():
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        args = tuple(paths[0] if a == "{0}" else a for a in args)
        result = CliRunner().invoke(cli, ["--data", str(FORMULA), *args], catch_exceptions=False)
    return result.exit_code, result.stderr


def _no_traceback(code: int, stderr: str) -> None:
    assert code in (0, 1, 2), stderr
    assert "Traceback" not in stderr and "IMH999" not in stderr, stderr


@bounded(40)
@given(anything, anything)
def test_random_ids_never_make_a_traceback(a, b):
    for args in (
        ("compare", a, b),
        ("gaps", a, "--credential", b),
        ("coverage", "--program", a, "--topic", b),
        ("eligible", "--education", a),
        ("eligible", "--education", "master", "--profession", b),
        ("query", "program-topics", "--param", f"program={a}"),
        ("query", "sources-of", "--param", f"resource={b}"),
        ("queries", a),
    ):
        _no_traceback(*_cli(*args))


@bounded(40)
@given(anything, anything)
def test_random_parameters_never_make_a_traceback(name, value):
    for query in ("program-topics", "programs-covering-all-topics", "shared-topics", "list-programs"):
        _no_traceback(*_cli("query", query, "--param", f"{name}={value}"))
        _no_traceback(*_cli("query", query, "--param", name))


@bounded(60)
@given(st.one_of(sparql_ish, anything))
def test_random_query_text_never_makes_a_traceback(text):
    code, stderr = _cli("query", "{0}", "--format", "json", files={"random.rq": text})
    _no_traceback(code, stderr)


ECHO = (
    "# title: Echo\n# param: text string — any text\n# columns: text\n"
    "SELECT ?text WHERE { }\n"
)


@bounded(40)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=40))
def test_a_text_parameter_comes_back_exactly_as_given(value):
    """Whatever the text (quotes, braces, '} ; DROP ALL ; #'), it is bound as one literal."""
    import json

    with tempfile.TemporaryDirectory() as folder:
        query = Path(folder) / "echo.rq"
        query.write_text(ECHO, encoding="utf-8")
        result = CliRunner().invoke(
            cli, ["--data", str(FORMULA), "query", str(query), "--param", f"text={value}", "--format", "json"],
            catch_exceptions=False,
        )
    if result.exit_code == 2:
        # a value the parameter parser itself refuses (e.g. blank): a clear error, not a traceback
        _no_traceback(result.exit_code, result.stderr)
        return
    assert result.exit_code == 0, result.stderr
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert bindings == [{"text": {"type": "literal", "value": bindings[0]["text"]["value"]}}]
    assert bindings[0]["text"]["value"] in (value, value.strip())

