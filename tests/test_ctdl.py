"""``export --format ctdl``: checked with an independent JSON-LD processor (pyld) and SPARQL.

pyld expands the document to N-Quads with a document loader that refuses every URL, so
the test also proves the document stands alone offline. The CTDL structure is then
checked with SPARQL over the resulting graph, and the exact mapping is pinned on a small
fixture written for this test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from imhgraph.ctdl import to_ctdl
from imhgraph.stores import graph_from_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ctdl"
CETERMS = "https://purl.org/ctdl/terms/"
CEASN = "https://purl.org/ctdlasn/terms/"
PREFIXES = f"PREFIX ceterms: <{CETERMS}>\nPREFIX ceasn: <{CEASN}>\n"


def _no_network(url: str, options: dict[str, Any] | None = None) -> Any:
    raise AssertionError(f"the CTDL document made the JSON-LD processor fetch {url}")


def _to_graph(text: str) -> tuple[Graph, str]:
    """The document as N-Quads (by pyld) and as an rdflib Graph parsed from them."""
    document = json.loads(text)
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": _no_network})
    graph = Graph()
    graph.parse(data=nquads, format="nquads")
    return graph, nquads


@pytest.fixture(scope="module")
def small() -> tuple[str, Graph, str]:
    text = to_ctdl(graph_from_files([FIXTURES / "small.ttl"]))
    graph, nquads = _to_graph(text)
    return text, graph, nquads


@pytest.fixture(scope="module")
def bundled_ctdl(bundled) -> tuple[str, Graph, str]:  # type: ignore[no-untyped-def]
    text = to_ctdl(bundled.graph())
    graph, nquads = _to_graph(text)
    return text, graph, nquads


def _ask_none(graph: Graph, where: str) -> list[tuple[str, ...]]:
    """Rows of a SELECT that should find nothing (the offenders)."""
    return [tuple(str(v) for v in row) for row in graph.query(PREFIXES + where)]


# --- structure, on both the fixture and the bundled data ----------------------------------------

STRUCTURE_CHECKS = {
    "program without offeredBy": """
        SELECT ?p WHERE { ?p a ceterms:LearningProgram FILTER NOT EXISTS { ?p ceterms:offeredBy ?o } }""",
    "offeredBy not an organization": """
        SELECT ?p ?o WHERE { ?p ceterms:offeredBy ?o FILTER NOT EXISTS { ?o a ceterms:CredentialOrganization } }""",
    "teaches chain broken": """
        SELECT ?p ?a WHERE {
          ?p a ceterms:LearningProgram ; ceterms:teaches ?a .
          FILTER NOT EXISTS {
            ?a a ceterms:CredentialAlignmentObject ; ceterms:targetNode ?c ; ceterms:framework ?f ;
               ceterms:targetNodeName ?n ; ceterms:frameworkName ?fn .
            ?c a ceasn:Competency ; ceasn:isPartOf ?f .
            ?f a ceasn:CompetencyFramework .
          } }""",
    "credential without condition profile and description": """
        SELECT ?c WHERE {
          VALUES ?type { ceterms:Certificate ceterms:Certification ceterms:Degree ceterms:Credential }
          ?c a ?type .
          FILTER NOT EXISTS { ?c ceterms:requires ?r . ?r a ceterms:ConditionProfile ; ceterms:description ?d } }""",
    "targetCompetency chain broken": """
        SELECT ?r ?a WHERE {
          ?r ceterms:targetCompetency ?a .
          FILTER NOT EXISTS { ?a a ceterms:CredentialAlignmentObject ; ceterms:targetNode ?c . ?c a ceasn:Competency } }""",
    "competency without text or framework": """
        SELECT ?c WHERE { ?c a ceasn:Competency .
          FILTER NOT EXISTS { ?c ceasn:competencyText ?t ; ceasn:isPartOf ?f . ?f a ceasn:CompetencyFramework } }""",
    "ceterms:Competency used": """
        SELECT ?c WHERE { { ?c a ceterms:Competency } UNION { ?c ?p ceterms:Competency } }""",
    "hasChild without isChildOf": """
        SELECT ?a ?b WHERE { ?a ceasn:hasChild ?b FILTER NOT EXISTS { ?b ceasn:isChildOf ?a } }""",
    "every node without a ctid or a minted IRI": """
        SELECT ?n WHERE {
          VALUES ?type { ceterms:LearningProgram ceterms:CredentialOrganization ceterms:Certificate
                         ceterms:Certification ceterms:Degree ceasn:Competency ceasn:CompetencyFramework }
          ?n a ?type FILTER NOT EXISTS { ?n ceterms:ctid ?id FILTER(STRSTARTS(?id, "ce-")) } }""",
}


@pytest.mark.parametrize("check", sorted(STRUCTURE_CHECKS))
def test_structure_of_the_fixture(small, check: str) -> None:
    assert _ask_none(small[1], STRUCTURE_CHECKS[check]) == []


@pytest.mark.parametrize("check", sorted(STRUCTURE_CHECKS))
def test_structure_of_the_bundled_data(bundled_ctdl, check: str) -> None:
    assert _ask_none(bundled_ctdl[1], STRUCTURE_CHECKS[check]) == []


def test_no_blank_nodes(small, bundled_ctdl) -> None:
    for _text, graph, nquads in (small, bundled_ctdl):
        assert "_:" not in nquads
        assert not any(isinstance(term, BNode) for triple in graph for term in triple)


def test_bundled_counts_match_the_imh_graph(bundled, bundled_ctdl) -> None:
    imh = bundled.graph()
    graph = bundled_ctdl[1]
    count = lambda g, q: int(next(iter(g.query(q)))[0])  # noqa: E731
    IMHQ = "PREFIX imh: <https://w3id.org/imhgraph/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    programs = count(imh, IMHQ + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a imh:TrainingProgram }")
    # imh:covers of programs (course-level coverage of imh:Course is not a CTDL LearningProgram teaches)
    covers = count(imh, IMHQ + "SELECT (COUNT(*) AS ?n) WHERE { ?p a imh:TrainingProgram ; imh:covers ?t }")
    credentials = count(imh, IMHQ + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* imh:Credential }")
    required = count(imh, IMHQ + "SELECT (COUNT(*) AS ?n) WHERE { ?c imh:requiresTopic ?t }")
    assert count(graph, PREFIXES + "SELECT (COUNT(?p) AS ?n) WHERE { ?p a ceterms:LearningProgram }") == programs
    assert count(graph, PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?p ceterms:teaches ?a }") == covers
    assert count(graph, PREFIXES + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c ceterms:requires/ceterms:description ?d ; ceterms:ownedBy ?o }") == credentials
    assert count(graph, PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?c ceterms:requires/ceterms:targetCompetency ?a }") == required
    assert programs > 0 and credentials > 0


def test_export_command_is_deterministic_and_offline(run, tmp_path: Path) -> None:
    first = run("export", "--format", "ctdl")
    second = run("export", "--format", "ctdl")
    assert first.exit_code == 0, first.stderr
    assert first.stdout == second.stdout
    document = json.loads(first.stdout)
    # The context is inlined (no URL to fetch), and it is the bundled one.
    assert isinstance(document["@context"], dict)
    assert document["@context"]["ceasn"] == CEASN
    out = tmp_path / "ctdl.jsonld"
    assert run("export", "--format", "ctdl", "--output", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == first.stdout


# --- the exact mapping on the small fixture -----------------------------------------------------

C = lambda local: URIRef(CETERMS + local)  # noqa: E731
A = lambda local: URIRef(CEASN + local)  # noqa: E731
PROGRAM = URIRef("https://w3id.org/imhgraph/program/fellowship")
SPECIALIST = URIRef("https://w3id.org/imhgraph/credential/specialist")
CERTIFICATE = URIRef("https://w3id.org/imhgraph/credential/fellowship-certificate")
ACME = URIRef("https://w3id.org/imhgraph/org/acme")
ATTACHMENT = URIRef("http://example.org/topic/attachment")
RELATIONSHIPS = URIRef("http://example.org/topic/relationships")
SCHEME = URIRef("http://example.org/topic/scheme")
MINTED = "https://w3id.org/imhgraph/ctdl/"


def test_fixture_types(small) -> None:
    graph = small[1]
    assert {(s, o) for s, o in graph.subject_objects(RDF.type) if not str(s).startswith(MINTED)} == {
        (ACME, C("CredentialOrganization")),
        (PROGRAM, C("LearningProgram")),
        (SPECIALIST, C("Certification")),
        (CERTIFICATE, C("Certificate")),
        (SCHEME, A("CompetencyFramework")),
        (ATTACHMENT, A("Competency")),
        (RELATIONSHIPS, A("Competency")),
    }


def test_fixture_program_mapping(small) -> None:
    g = small[1]
    assert set(g.objects(PROGRAM, C("offeredBy"))) == {ACME}
    assert set(g.objects(PROGRAM, C("name"))) == {Literal("Acme Fellowship", lang="en")}
    assert set(g.objects(PROGRAM, C("subjectWebpage"))) == {URIRef("https://acme.example.org/fellowship")}
    alignments = set(g.objects(PROGRAM, C("teaches")))
    assert {g.value(a, C("targetNode")) for a in alignments} == {ATTACHMENT, RELATIONSHIPS}
    assert all(str(a).startswith(MINTED + "alignment/program/fellowship/") for a in alignments)
    by_target = {g.value(a, C("targetNode")): a for a in alignments}
    assert set(g.objects(by_target[ATTACHMENT], C("targetNodeName"))) == {
        Literal("Attachment", lang="en"),
        Literal("Bindung", lang="de"),
    }
    assert g.value(by_target[ATTACHMENT], C("framework")) == SCHEME
    assert g.value(by_target[ATTACHMENT], C("frameworkName")) == Literal("Example topics", lang="en")
    entry = g.value(PROGRAM, C("requires"))
    assert entry == URIRef(MINTED + "condition/program/fellowship")
    assert g.value(entry, C("description")) == Literal("To enrol in Acme Fellowship: at least a Master's degree.", lang="en")
    level = g.value(entry, C("audienceLevelType"))
    assert g.value(level, C("targetNode")) == URIRef("https://purl.org/ctdl/vocabs/audLevel/MastersDegreeLevel")
    prep = g.value(PROGRAM, C("isPreparationFor"))
    assert set(g.objects(prep, C("targetCredential"))) == {SPECIALIST}


def test_fixture_credential_requirements(small) -> None:
    g = small[1]
    assert set(g.objects(SPECIALIST, C("ownedBy"))) == {ACME}
    assert g.value(SPECIALIST, C("codedNotation")) == Literal("AS")
    condition = g.value(SPECIALIST, C("requires"))
    assert condition == URIRef(MINTED + "condition/credential/specialist")
    assert (condition, RDF.type, C("ConditionProfile")) in g
    assert g.value(condition, C("description")) == Literal(
        "To earn Acme Specialist: at least a Master's degree; at least 2 years of relevant work "
        "experience; at least 30 clock hours of specialized training; at least 24.5 hours of "
        "reflective supervision or consultation; passing an exam; knowledge of 1 required "
        "competency area (listed as target competencies).",
        lang="en",
    )
    assert g.value(condition, C("yearsOfExperience")) == Literal("2", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))
    assert set(g.objects(condition, C("condition"))) == {
        Literal("At least 30 clock hours of specialized training.", lang="en"),
        Literal("At least 24.5 hours of reflective supervision or consultation.", lang="en"),
        Literal("Passing an exam.", lang="en"),
    }
    required = g.value(condition, C("targetCompetency"))
    assert g.value(required, C("targetNode")) == ATTACHMENT
    # The certificate the program awards requires completing the program.
    cert_condition = g.value(CERTIFICATE, C("requires"))
    assert set(g.objects(cert_condition, C("targetLearningOpportunity"))) == {PROGRAM}
    assert g.value(cert_condition, C("description")) == Literal(
        "To earn Acme Fellowship Certificate: completing Acme Fellowship.", lang="en"
    )


def test_fixture_framework_and_hierarchy(small) -> None:
    g = small[1]
    assert set(g.objects(SCHEME, A("hasTopChild"))) == {RELATIONSHIPS}
    assert set(g.objects(SCHEME, A("name"))) == {Literal("Example topics", lang="en")}
    assert set(g.objects(ATTACHMENT, A("isChildOf"))) == {RELATIONSHIPS}
    assert set(g.objects(RELATIONSHIPS, A("hasChild"))) == {ATTACHMENT}
    assert set(g.objects(ATTACHMENT, A("isPartOf"))) == {SCHEME}
    assert g.value(RELATIONSHIPS, A("comment")) == Literal("How infants and caregivers relate.", lang="en")


def test_fixture_document_is_pinned(small) -> None:
    """The whole document, byte for byte: any change to the mapping shows up here."""
    expected = (FIXTURES / "small.expected.jsonld").read_text(encoding="utf-8")
    assert small[0] == expected
    # counted by hand from small.ttl: 7 top-level nodes, 4 condition profiles, 5 alignment objects
    assert len(small[1]) == 89
