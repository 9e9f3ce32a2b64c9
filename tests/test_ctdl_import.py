"""``import-ctdl``: Registry documents → imhgraph facts, and the export → import round trip.

The round trip compares the imhgraph facts of every property the CTDL mapping covers (listed
in :data:`MAPPED`); what CTDL has no place for (reflective supervision hours and the exam,
which the export states only as text; the ladder level, track, age range, admitted
professions, coverage completeness, sources) is outside the comparison by design. Education
levels round-trip where CTDL has an audience level for them (associate, bachelor, master).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from imhgraph.ctdl import build_documents, to_jsonl
from imhgraph.ctdl.export import _Mapper, clean_text
from imhgraph.ctdl.importer import import_ctdl
from imhgraph.errors import InputFileError
from imhgraph.namespaces import IMH, SCHEMA

from .test_ctdl import FIXTURES, small_graph

CETERMS = "https://purl.org/ctdl/terms/"
REGISTRY = FIXTURES / "registry"
EDUCATION = "https://w3id.org/imhgraph/education/"

#: imh predicates the mapping covers, compared as they are.
MAPPED = [
    RDFS.label, SCHEMA.alternateName, IMH.code, SCHEMA.email, SCHEMA.foundingDate,
    SCHEMA.parentOrganization, IMH.awardedBy, IMH.offeredBy, IMH.covers, IMH.requiresTopic,
    IMH.awards, IMH.preparesFor, IMH.hasCourse, IMH.minYearsExperience, IMH.alternativeMinYearsExperience,
    IMH.minTrainingHours, IMH.duration, IMH.durationText, IMH.credits, IMH.creditUnit, IMH.clockHours,
    SKOS.prefLabel, SKOS.inScheme, DCTERMS.publisher,
    *(URIRef(CETERMS + p) for p in ("agentType", "agentSectorType", "credentialStatusType", "lifeCycleStatusType",
                                     "inLanguage", "availableOnlineAt", "availabilityListing")),
]
CLASSES = {IMH.Organization, IMH.TrainingProgram, IMH.Course, IMH.Endorsement, IMH.Certificate, IMH.Degree,
           IMH.Credential, IMH.Topic, SKOS.ConceptScheme}


NUMBERS = {URIRef("http://www.w3.org/2001/XMLSchema#" + t) for t in ("decimal", "integer", "float", "double")}


def _value(term: Any) -> Any:
    if isinstance(term, Literal) and term.datatype in NUMBERS:
        return ("number", Decimal(str(term)).normalize())
    if isinstance(term, Literal):
        return ("text", str(term), None if (term.language or "en") == "en" else term.language, term.datatype)
    return term


def facts(graph: Graph, *, pages: bool) -> set[tuple[Any, ...]]:
    """The imhgraph facts the CTDL mapping covers, in a form both sides can be compared in."""
    mapper = _Mapper(graph)
    subjects = {s for c in CLASSES - {SKOS.ConceptScheme} for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}
    # Only schemes with imh topics are competency frameworks (not, say, imh:TrackScheme).
    subjects |= {s for t in graph.subjects(RDF.type, IMH.Topic) for s in graph.objects(t, SKOS.inScheme)}
    out: set[tuple[Any, ...]] = set()
    for s in subjects:
        out |= {(s, RDF.type, c) for c in graph.objects(s, RDF.type) if c in CLASSES}
        if not isinstance(s, URIRef):
            continue
        for p in MAPPED:
            out |= {(s, p, _value(o)) for o in graph.objects(s, p) if p != IMH.covers}
        # "A program covers a topic": directly or through one of its courses.
        courses = list(graph.objects(s, IMH.hasCourse))
        out |= {(s, "covers", t) for c in [s, *courses] for t in graph.objects(c, IMH.covers)}
        description = mapper.description(s)
        if description is not None:  # rdfs:comment / skos:definition, as the export cleans them
            out.add((s, "description", _value(Literal(clean_text(str(description)), lang=description.language))))
        for level in graph.objects(s, IMH.requiresEducation):
            if str(level) in (EDUCATION + "associate", EDUCATION + "bachelor", EDUCATION + "master"):
                out.add((s, IMH.requiresEducation, level))
        for mode in graph.objects(s, IMH.deliveryMode):
            if str(mode).strip().lower() in ("online", "in person", "hybrid"):
                out.add((s, IMH.deliveryMode, str(mode).strip().lower()))
        out |= {(s, SKOS.broader, o) for o in graph.objects(s, SKOS.broader)}
        out |= {(o, SKOS.broader, s) for o in graph.objects(s, SKOS.narrower)}
        out |= {(s, "top", o) for o in graph.objects(s, SKOS.hasTopConcept)}
        out |= {(o, "top", s) for o in graph.objects(s, SKOS.topConceptOf)}
        for address in graph.objects(s, SCHEMA.address):
            fields = frozenset((p, _value(o)) for p, o in graph.predicate_objects(address) if p != RDF.type)
            out.add((s, SCHEMA.address, fields))
        if pages:
            out |= {(s, SCHEMA.url, o) for o in graph.objects(s, SCHEMA.url)}
    return out


def _round_trip(graph: Graph, tmp_path: Path) -> Graph:
    path = tmp_path / "documents.jsonl"
    path.write_text("".join(to_jsonl(build_documents(graph))), encoding="utf-8")
    return import_ctdl(path).graph


def test_round_trip_of_the_complete_fixture(tmp_path: Path) -> None:
    original = small_graph()
    back = _round_trip(original, tmp_path)
    expected = facts(original, pages=True)
    assert facts(back, pages=True) == expected
    # The comparison covers every kind of fact the fixture states.
    predicates = {f[1] for f in expected}
    assert {"covers", IMH.credits, IMH.creditUnit, IMH.clockHours, IMH.durationText, IMH.minTrainingHours, IMH.alternativeMinYearsExperience, IMH.requiresEducation, IMH.hasCourse,
            IMH.deliveryMode, IMH.duration, SCHEMA.address, SKOS.broader, "top", "description", IMH.code,
            URIRef(CETERMS + "credentialStatusType")} <= predicates
    assert len(expected) == 83  # counted: every mapped fact of small.ttl


def test_round_trip_of_the_bundled_data(bundled, tmp_path: Path) -> None:
    original = bundled.graph()
    back = _round_trip(original, tmp_path)
    # Web pages: the export takes a resource's schema:url, or a source page on its
    # organization's site; the import reads the subject webpage back as schema:url.
    assert facts(back, pages=False) == facts(original, pages=False)
    docs = {d.iri: d.nodes()[0] for d in build_documents(original)}
    for s, page in back.subject_objects(SCHEMA.url):
        assert docs[str(s)]["ceterms:subjectWebpage"] == str(page)


def test_round_trip_via_the_commands(run, bundled, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    assert run("export", "--format", "ctdl", "--all", "--output", f"{folder}/").exit_code == 0
    out = tmp_path / "back.ttl"
    result = run("import-ctdl", folder, "--output", out)
    assert result.exit_code == 0, result.stderr
    docs = build_documents(bundled.graph())
    kinds = [d.kind for d in docs]
    assert f"{kinds.count('organization')} organizations, {kinds.count('credential')} credentials" in result.stderr
    assert f"from {len(docs)} CTDL document(s)" in result.stderr
    import rdflib

    written = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False  # read the file's literals as written ("P20M" stays "P20M")
    try:
        back = Graph().parse(out, format="turtle")
    finally:
        rdflib.NORMALIZE_LITERALS = written
    assert facts(back, pages=False) == facts(bundled.graph(), pages=False)


def test_imported_fixture_is_valid_imhgraph_data(tmp_path: Path) -> None:
    from imhgraph import resources
    from imhgraph.stores import backend_from_graph, graph_from_files
    from imhgraph.validate import validate

    ttl = tmp_path / "back.ttl"
    ttl.write_text(import_ctdl(_write(tmp_path, small_graph())).turtle(), encoding="utf-8")
    # With the imh vocabulary (not the bundled topics: the fixture has a topic scheme of its own).
    report = validate(backend_from_graph(graph_from_files([resources.ontology_dir() / "imh.ttl", ttl])))
    assert [(r.focus, r.message) for r in report.results if r.severity == "violation"] == []
    assert report.conforms


def _write(tmp_path: Path, graph: Graph) -> Path:
    path = tmp_path / "small.jsonl"
    path.write_text("".join(to_jsonl(build_documents(graph))), encoding="utf-8")
    return path


# --- Registry documents ----------------------------------------------------------------------------------


def test_registry_certification() -> None:
    g = import_ctdl(REGISTRY / "credential-certification.json").graph
    cred = URIRef("http://lr-staging.learningtapestry.com/resources/ce-1A4AB486-8212-4708-B7D5-C5167FDD2B47")
    assert (cred, RDF.type, IMH.Endorsement) in g
    assert str(g.value(cred, RDFS.label)).startswith("Certified Occupational Therapy Assistant")
    assert (cred, URIRef(CETERMS + "credentialStatusType"), URIRef("https://purl.org/ctdl/vocabs/credentialStat/Active")) in g
    # audLevel:AssociatesDegreeLevel is the audience of those who hold no degree yet: no imh level.
    assert g.value(cred, IMH.requiresEducation) is None
    assert g.value(cred, DCTERMS.source) is not None


def test_registry_organization_and_learning_opportunity() -> None:
    org = import_ctdl(REGISTRY / "organization.json").graph
    nocti = URIRef("http://lr-staging.learningtapestry.com/resources/ce-6A62B250-A1A2-4D31-A702-CDC2437EFD31")
    assert (nocti, RDF.type, IMH.Organization) in org
    assert org.value(nocti, RDFS.label) == Literal("NOCTI")
    addresses = list(org.objects(nocti, SCHEMA.address))
    assert any(org.value(a, SCHEMA.addressLocality) == Literal("Big Rapids") for a in addresses)
    assert all(isinstance(a, BNode) for a in addresses)
    result = import_ctdl(REGISTRY / "learning-opportunity.json")
    program = URIRef("http://lr-staging.learningtapestry.com/resources/ce-38A1CF5C-798E-469B-88AC-87231D5AE1C2")
    assert (program, RDF.type, IMH.TrainingProgram) in result.graph
    assert result.graph.value(program, RDFS.label) == Literal("Certified Radiographic Interpreter (CRI) Seminars")
    assert any("without an IRI left out" in note for note in result.notes)
    # The document names no offering organization (only an embedded accrediting body): said.
    assert any(note.startswith(f"{program}: the documents name no organization that offers it") for note in result.notes)


def test_registry_competency_framework() -> None:
    g = import_ctdl(REGISTRY / "competency-framework.json").graph
    base = "https://credentialengineregistry.org/resources/"
    scheme, top, child = (URIRef(base + c) for c in (
        "ce-177f4c85-4efe-401d-acdd-1ea4adeeaf37", "ce-5e3de882-3b49-421b-b623-695c63587f4f",
        "ce-9e492574-07fc-4154-b7f2-898425f4f3a3"))
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    assert (scheme, SKOS.hasTopConcept, top) in g and (child, SKOS.broader, top) in g
    assert g.value(child, SKOS.prefLabel) == Literal("Identify the parts of a widget", lang="en-us")
    # Not the imhgraph topic scheme: concepts, not imh topics.
    assert (top, RDF.type, SKOS.Concept) in g and (top, RDF.type, IMH.Topic) not in g


def test_folder_of_registry_documents(run, tmp_path: Path) -> None:
    result = run("import-ctdl", REGISTRY)
    assert result.exit_code == 0, result.stderr
    assert "from 4 CTDL document(s)" in result.stderr
    Graph().parse(data=result.stdout, format="turtle")


@pytest.mark.parametrize(("content", "message"), [
    ('{"@context": "https://example.org/context.json", "@id": "x"}', "is not a CTDL or CTDL-ASN context"),
    ("{not json", "not JSON"),
    ("[1, 2]", "not a JSON-LD object"),
])
def test_bad_documents_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError, match=message):
        import_ctdl(path)


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        import_ctdl(tmp_path / "nothing.json")
    with pytest.raises(InputFileError, match="no .json"):
        import_ctdl(tmp_path)


def test_plain_string_names_and_old_namespaces(tmp_path: Path) -> None:
    document = {
        "@context": {"ceterms": "http://purl.org/ctdl/terms/"},
        "@id": "https://example.org/cred/1", "@type": "ceterms:MasterDegree",
        "ceterms:name": "Master of Example", "ceterms:alternateName": ["MEX", "Example master"],
        "ceterms:ownedBy": {"@id": "https://example.org/org/1"},
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    g = import_ctdl(path).graph
    cred = URIRef("https://example.org/cred/1")
    assert (cred, RDF.type, IMH.Degree) in g
    assert g.value(cred, IMH.code) == Literal("MEX")
    assert g.value(cred, SCHEMA.alternateName) == Literal("Example master")
    assert g.value(cred, IMH.awardedBy) == URIRef("https://example.org/org/1")
