"""``export --format ctdl``: Registry documents, checked as a Credential Registry would.

Three independent checks: the Credential Engine's own JSON Schemas (``tests/ctdl_schemas.py``
says which rules of theirs predate the Registry's current form and what is followed instead);
an independent JSON-LD processor (pyld) that expands every document offline, with the official
context URLs resolved to the bundled copies and every other URL refused; and SPARQL over the
resulting RDF. The exact documents of a small complete fixture are pinned byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from . import ctdl_schemas
from imhgraph import resources
from imhgraph.ctdl import CTDL_CONTEXT_URL, CTDLASN_CONTEXT_URL, build_documents, check, to_ctdl
from imhgraph.ctdl.export import clean_text, degree_type, site
from imhgraph.ctdl.vocab import context
from imhgraph.stores import graph_from_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ctdl"
VOCAB = Path(__file__).resolve().parent / "fixtures" / "vocab"
CETERMS = "https://purl.org/ctdl/terms/"
CEASN = "https://purl.org/ctdlasn/terms/"
PREFIXES = f"PREFIX ceterms: <{CETERMS}>\nPREFIX ceasn: <{CEASN}>\n"
#: SHA-256 of the official contexts as published (retrieved 2026-08-06).
OFFICIAL_CONTEXTS = {
    "ctdl-context.jsonld": "ddb6b4586c38df5fa43aa5f6a558de407dd7acdec9bc1329ce790e164bf40db5",
    "ctdlasn-context.jsonld": "783a5a5e132deb0023f6a4ea5201b9b69e298e6c359c1fd8d3c595392f8e7e72",
}


def small_graph() -> Graph:
    return graph_from_files([resources.ontology_dir() / "imh.ttl", FIXTURES / "small.ttl"])


@cache
def _small_documents() -> tuple[Any, ...]:
    return tuple(build_documents(small_graph()))


@pytest.fixture(scope="module")
def small_docs() -> list[Any]:
    return list(_small_documents())


@pytest.fixture(scope="module")
def bundled_docs(bundled) -> list[Any]:  # type: ignore[no-untyped-def]
    return build_documents(bundled.graph())


def _loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    # The official context URLs resolve to the bundled copies; any other URL is a failure.
    if url in (CTDL_CONTEXT_URL, CTDLASN_CONTEXT_URL):
        return {"contextUrl": None, "documentUrl": url, "document": {"@context": context(url)}}
    raise AssertionError(f"a CTDL document made the JSON-LD processor fetch {url}")


def _rdf(documents: list[Any]) -> tuple[Graph, str]:
    nquads = "".join(
        jsonld.to_rdf(doc.body, {"format": "application/n-quads", "documentLoader": _loader}) for doc in documents
    )
    graph = Graph()
    graph.parse(data=nquads, format="nquads")
    return graph, nquads


# --- the context ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OFFICIAL_CONTEXTS))
def test_bundled_contexts_are_the_official_files(name: str) -> None:
    data = (resources.ontology_dir() / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == OFFICIAL_CONTEXTS[name]


def test_official_context_terms_the_export_relies_on() -> None:
    ctdl = context(CTDL_CONTEXT_URL)
    assert ctdl["ceterms:yearsOfExperience"] == {"@type": "xsd:float"}
    assert ctdl["ceterms:name"] == {"@container": "@language"}
    # As published, hasChild / hasTopChild are plain IRIs (no @list): order is not data.
    assert context(CTDLASN_CONTEXT_URL)["ceasn:hasTopChild"] == {"@type": "@id"}
    assert context(CTDLASN_CONTEXT_URL)["ceasn:hasChild"] == {"@type": "@id"}


def test_concept_labels_are_ctdl_concepts() -> None:
    from imhgraph.ctdl.vocab import _concepts

    terms = set((VOCAB / "ctdl.txt").read_text(encoding="utf-8").split())
    concepts = _concepts()
    assert len(concepts) >= 70
    for iri, known in concepts.items():
        assert iri in terms and known["scheme"] in terms and known["label"], iri


def test_every_document_names_the_official_context(small_docs, bundled_docs) -> None:
    for doc in small_docs + bundled_docs:
        expected = CTDLASN_CONTEXT_URL if doc.kind == "competency framework" else CTDL_CONTEXT_URL
        assert doc.body["@context"] == expected


# --- one document per CTID-bearing resource ------------------------------------------------------------


def test_one_document_per_resource(bundled, bundled_docs) -> None:
    imh = bundled.graph()
    count = lambda q: int(next(iter(imh.query(q)))[0])  # noqa: E731
    q = "PREFIX imh: <https://w3id.org/imhgraph/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    kinds = [d.kind for d in bundled_docs]
    assert kinds.count("course") == count(q + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a imh:Course }")
    assert kinds.count("organization") == count(q + "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a imh:Organization }")
    assert kinds.count("learning program") == count(q + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a imh:TrainingProgram }")
    assert kinds.count("credential") == count(
        q + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* imh:Credential }")
    assert kinds.count("competency framework") == 1
    framework = next(d for d in bundled_docs if d.kind == "competency framework")
    topics = count(q + "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a imh:Topic }")
    assert len(framework.nodes()) == 1 + topics
    assert len({d.ctid for d in bundled_docs}) == len(bundled_docs)
    assert all(d.ctid.startswith("ce-") for d in bundled_docs)


def test_embedded_objects_are_blank_nodes(small_docs, bundled_docs) -> None:
    for docs in (small_docs, bundled_docs):
        graph, nquads = _rdf(docs)
        assert "_:" in nquads
        assert "/imhgraph/ctdl/" not in nquads  # no minted IRIs for alignment objects any more
        for kind in ("CredentialAlignmentObject", "ConditionProfile", "ValueProfile", "DurationProfile"):
            for node in graph.subjects(RDF.type, URIRef(CETERMS + kind)):
                assert isinstance(node, BNode), (kind, node)


def test_numbers_are_numbers(small_docs) -> None:
    specialist = next(d for d in small_docs if d.iri.endswith("/specialist")).body
    condition = specialist["ceterms:requires"][0]
    assert condition["ceterms:yearsOfExperience"] == 2 and isinstance(condition["ceterms:yearsOfExperience"], int)
    assert condition["ceterms:alternativeCondition"][0]["ceterms:yearsOfExperience"] == 3.5
    assert condition["ceterms:creditValue"][0]["schema:value"] == 30
    graph, _ = _rdf(small_docs)
    years = set(graph.objects(None, URIRef(CETERMS + "yearsOfExperience")))
    assert {y.datatype for y in years} == {URIRef("http://www.w3.org/2001/XMLSchema#float")}
    assert {float(y) for y in years} == {1.0, 2.0, 3.5}


def test_degree_subtypes_and_codes(bundled_docs) -> None:
    types = {d.iri.rsplit("/", 1)[-1]: d.nodes()[0]["@type"] for d in bundled_docs if d.kind == "credential"}
    assert types["erikson-ms-early-childhood-education"] == "ceterms:MasterDegree"
    assert types["fielding-ma-infant-child-family-mental-health"] == "ceterms:MasterDegree"
    assert types["fielding-phd-infant-early-childhood-development"] == "ceterms:DoctoralDegree"
    # "Dual-Title Degree in Infant Mental Health" states no level: kept abstract, and --check says so.
    assert types["wayne-state-imh-dual-title-degree"] == "ceterms:Degree"
    imhs = next(d for d in bundled_docs if d.iri.endswith("/credential/imhs")).body
    assert "ceterms:codedNotation" not in imhs
    assert "IMHS" in imhs["ceterms:alternateName"]["en"]
    for doc in bundled_docs:
        if doc.kind == "credential":
            assert "ceterms:codedNotation" not in doc.body


def test_degree_names() -> None:
    assert degree_type("MA in Infant, Child and Family Mental Health") == "ceterms:MasterDegree"
    assert degree_type("Erikson MS in Early Childhood Education") == "ceterms:MasterDegree"
    assert degree_type("PhD in Infant and Early Childhood Development") == "ceterms:DoctoralDegree"
    assert degree_type("Master of Arts in Infant Mental Health (Mills College)") == "ceterms:MasterDegree"
    assert degree_type("Dual-Title Degree in Infant Mental Health") is None
    assert degree_type("Mastery of Skills certificate") is None


# --- descriptions and web pages -----------------------------------------------------------------------


def _descriptions(docs: list[Any]) -> list[str]:
    out = []
    for doc in docs:
        for node in doc.nodes():
            for key in ("ceterms:description", "ceasn:description", "ceasn:comment"):
                for text in node.get(key, {}).values():
                    out += text if isinstance(text, list) else [text]
    return out


def test_no_source_markers_or_modelling_notes(bundled_docs) -> None:
    texts = _descriptions(bundled_docs)
    assert len(texts) > 80
    for text in texts:
        assert "[S" not in text and "->" not in text, text
        assert "mapped" not in text and "recorded" not in text, text
        assert "Overlap rule" not in text, text


def test_clean_text() -> None:
    assert clean_text("Scope: promotion [S5]. Education: a CDA [S10, S6].") == "Scope: promotion. Education: a CDA."
    assert clean_text("A program [S1]. Coverage, mapped to the closest topics: a -> b.") == "A program."
    assert clean_text("Training content [S44]: x -> y. The fellowship itself: [S43].") == ""


def test_subject_webpages_are_real_pages(bundled_docs) -> None:
    pages = {d.iri.split("/imhgraph/")[1]: d.nodes()[0].get("ceterms:subjectWebpage") for d in bundled_docs}
    for name, page in pages.items():
        if page is None:
            continue
        assert not page.startswith("https://w3id.org/imhgraph/"), name
        assert "/news/" not in page and "/blog/" not in page, (name, page)
        assert site(page) not in ("abcdocz.com", "news-medical.net", "squarespace.com", "ncspp.org"), (name, page)
    assert pages["org/mi-aimh"] == "http://www.mi-aimh.org"
    assert pages["credential/imhs"].startswith("https://mi-aimh.org/")  # on the awarding body's own site
    # its own course page (schema:url; the minted placeholder address it once had is gone)
    assert pages["program/georgetown-imh-clinical-track"].startswith("https://portal.scs.georgetown.edu/")
    assert pages["program/tulane-infant-psychiatry-fellowship"] is None  # only a copy on a document site
    assert pages["program/erikson-imh-certificate"] is None  # only a news item


# --- the Credential Engine's JSON Schemas -------------------------------------------------------------


def _schema_errors(docs: list[Any]) -> dict[str, list[str]]:
    found = {}
    for doc in docs:
        for node in doc.nodes():
            errors = ctdl_schemas.errors(node, context=doc.body.get("@context"))
            if errors:
                found[str(node.get("@id"))] = errors
    return found


def test_complete_fixture_validates_against_every_schema(small_docs) -> None:
    assert {d.kind for d in small_docs} == {"organization", "credential", "learning program", "course",
                                           "competency framework"}
    assert _schema_errors(small_docs) == {}
    assert check(small_docs) == []


def test_bundled_documents_fail_only_for_the_facts_check_names(bundled_docs) -> None:
    """0 schema errors beyond missing required facts, and each of those is one --check names."""
    missing = {m.iri: set(m.facts) for m in check(bundled_docs)}
    for iri, errors in _schema_errors(bundled_docs).items():
        for error in errors:
            assert error.startswith("(document): '") and error.endswith("' is a required property"), (iri, error)
            prop = error.split("'")[1].split(":")[1]
            assert any(prop in fact for fact in missing[iri]), (iri, prop, missing[iri])


def test_schema_age_rules_are_needed_and_narrow(small_docs) -> None:
    # Under the schemas' own (older) rules the language maps and https contexts fail: the rules
    # in ctdl_schemas are what makes them pass, not a blanket relaxation.
    org = small_docs[0].nodes()[0]
    old = ctdl_schemas.errors(org, current_rules=False)
    assert any(e.startswith("ceterms:name:") for e in old)
    assert any(e.startswith("@context:") for e in old)
    # Still refused under the current rules: a number as text, an unknown type, a missing name.
    specialist = next(d for d in small_docs if d.iri.endswith("/specialist")).nodes()[0]
    broken = json.loads(json.dumps(specialist))
    broken["ceterms:requires"][0]["ceterms:yearsOfExperience"] = "2"
    assert any("yearsOfExperience" in e for e in ctdl_schemas.errors(broken))
    nameless = {k: v for k, v in org.items() if k != "ceterms:name"}
    assert "(document): 'ceterms:name' is a required property" in ctdl_schemas.errors(nameless)
    assert ctdl_schemas.errors({**org, "ceterms:name": {"en": 5}})


# --- --check ----------------------------------------------------------------------------------------------


def test_check_names_the_missing_facts(bundled_docs) -> None:
    missing = {m.iri.split("/imhgraph/")[1]: m for m in check(bundled_docs)}
    assert len(missing) == len(bundled_docs)  # nothing in the bundled data is publishable yet
    assert set(missing["org/georgetown"].facts) == {"description", "subjectWebpage", "agentType",
                                                    "agentSectorType", "email or address"}
    assert set(missing["credential/imhs"].facts) == {"credentialStatusType", "inLanguage"}
    assert "@type" in missing["credential/wayne-state-imh-dual-title-degree"].facts
    assert set(missing["topic/scheme"].facts) == {"publisher"}
    assert {"lifeCycleStatusType", "inLanguage", "availability"} <= set(missing["program/utah-imh-certificate"].facts)
    for item in missing.values():
        assert len(item.facts) == len(item.hints) > 0


def test_check_sees_each_fact_the_data_adds(small_docs) -> None:
    graph = small_graph()
    acme = URIRef("https://w3id.org/imhgraph/org/acme")
    graph.remove((acme, URIRef("https://schema.org/email"), None))
    for _, _, address in list(graph.triples((acme, URIRef("https://schema.org/address"), None))):
        graph.remove((acme, URIRef("https://schema.org/address"), address))
    graph.remove((URIRef("https://w3id.org/imhgraph/credential/specialist"), URIRef(CETERMS + "inLanguage"), None))
    missing = {m.iri.rsplit("/", 1)[-1]: set(m.facts) for m in check(build_documents(graph))}  # unique here
    assert missing == {"acme": {"email or address"}, "specialist": {"inLanguage"}}


def test_check_command(run, bundled_docs) -> None:
    result = run("export", "--format", "ctdl", "--check")
    assert result.exit_code == 1
    assert "organization Georgetown University <https://w3id.org/imhgraph/org/georgetown>" in result.stdout
    assert "  missing email or address: state it with schema:email or schema:address" in result.stdout
    n = len(bundled_docs)
    assert result.stdout.rstrip().endswith(f"0 of {n} documents publishable; {n} not publishable.")
    assert result.stdout.count("\n  missing ") == sum(len(m.facts) for m in check(bundled_docs))


# --- the command ------------------------------------------------------------------------------------------


def test_export_writes_only_publishable_documents_unless_all(run, tmp_path: Path, bundled_docs) -> None:
    n = len(bundled_docs)
    default = run("export", "--format", "ctdl")
    assert default.exit_code == 0 and default.stdout == ""
    assert f"{n} of {n} documents lack facts" in default.stderr
    everything = run("export", "--format", "ctdl", "--all")
    lines = everything.stdout.splitlines()
    assert len(lines) == n and everything.stdout == run("export", "--format", "ctdl", "--all").stdout
    assert [json.loads(line).get("ceterms:ctid") for line in lines[:3]] == [d.ctid for d in bundled_docs[:3]]
    assert all(json.loads(line)["@context"] in (CTDL_CONTEXT_URL, CTDLASN_CONTEXT_URL) for line in lines)
    folder = tmp_path / "docs"
    assert run("export", "--format", "ctdl", "--all", "--output", f"{folder}/").exit_code == 0
    files = sorted(folder.glob("*.json"))
    assert len(files) == n
    first = json.loads(files[0].read_text(encoding="utf-8"))
    assert files[0].name == first.get("ceterms:ctid", first.get("@graph", [{}])[0].get("ceterms:ctid")) + ".json"
    assert run("export", "--format", "turtle", "--check").exit_code == 2


def test_small_fixture_documents_are_pinned(small_docs) -> None:
    """Every document of the complete fixture, byte for byte: a mapping change shows up here."""
    expected = (FIXTURES / "small.expected.jsonl").read_text(encoding="utf-8")
    assert to_ctdl(small_graph()) == expected
    assert len(expected.splitlines()) == len(small_docs) == 7


def test_rdf_of_the_small_fixture(small_docs) -> None:
    g, _ = _rdf(small_docs)
    ask = lambda q: bool(g.query(PREFIXES + "PREFIX schema: <https://schema.org/>\nASK { " + q + " }").askAnswer)  # noqa: E731
    program = "<https://w3id.org/imhgraph/program/fellowship>"
    assert ask(f"{program} a ceterms:LearningProgram ; ceterms:offeredBy <https://w3id.org/imhgraph/org/acme> ;"
               " ceterms:hasPart <https://w3id.org/imhgraph/course/acme-101> .")
    assert ask(f"{program} ceterms:teaches [ ceterms:targetNode <https://w3id.org/imhgraph/topic/relationships> ;"
               " ceterms:framework <https://w3id.org/imhgraph/topic/scheme> ]")
    # ... and, through its course, what the course teaches (a program covers a topic directly or
    # through one of its courses).
    assert ask(f"{program} ceterms:teaches/ceterms:targetNode <https://w3id.org/imhgraph/topic/attachment>")
    assert ask("<https://w3id.org/imhgraph/course/acme-101> a ceterms:Course ; ceterms:teaches/ceterms:targetNode"
               " <https://w3id.org/imhgraph/topic/attachment>")
    assert ask("<https://w3id.org/imhgraph/credential/specialist> ceterms:requires/ceterms:audienceLevelType/"
               "ceterms:targetNode <https://purl.org/ctdl/vocabs/audLevel/MastersDegreeLevel>")
    assert ask("<https://w3id.org/imhgraph/credential/specialist> ceterms:requires/ceterms:creditValue"
               " [ schema:value ?v ; ceterms:creditUnitType/ceterms:targetNode"
               " <https://purl.org/ctdl/vocabs/creditUnit/ClockHour> ]")
    assert ask("<https://w3id.org/imhgraph/topic/attachment> ceasn:competencyText 'Attachment'@en ;"
               " ceasn:isChildOf <https://w3id.org/imhgraph/topic/relationships> .")
    assert ask("<https://w3id.org/imhgraph/org/acme> ceterms:alternateName 'ACME'@en, 'Acme-Institut'@de .")
    assert ask("<https://w3id.org/imhgraph/topic/scheme> ceasn:hasTopChild <https://w3id.org/imhgraph/topic/relationships> ;"
               " ceasn:publisher <https://w3id.org/imhgraph/org/acme> .")
    assert (URIRef("https://w3id.org/imhgraph/org/acme"), URIRef(CETERMS + "name"), Literal("Acme Institute", lang="en")) in g
