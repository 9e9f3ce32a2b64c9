"""Tests of the model: the SHACL shapes, the vocabulary and the JSON-LD context.

Every shape in ``ontology/shapes.ttl`` has a fixture pair in ``tests/fixtures/shapes/``:
``valid/<ShapeName>.ttl`` must raise nothing about its own nodes, and
``invalid/<ShapeName>.ttl`` must raise a result from exactly that shape, at the severity
and on the focus nodes its header names::

    # expect-severity: Violation            (or Warning)
    # expect-focus: https://w3id.org/imhgraph/program/fixture-unnamed
    # expect-focus: _:blank                  (any blank node of the fixture)
    # also-expect: TopicInSchemeShape        (other shapes the fixture may trigger)

Each fixture is validated together with ``ontology/imh.ttl`` (and ``ontology/topics.ttl`` and
``ontology/professions.ttl`` when they exist) against ``ontology/shapes.ttl`` with pySHACL
directly, no inference. The fixtures bring their own tiny topics and professions in the
schemes, so they do not depend on the content of those files; only results about the
fixture's own nodes are judged.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

# Plain namespaces: rdflib's closed namespace objects warn when pytest inspects module globals.
DCTERMS = Namespace("http://purl.org/dc/terms/")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"

IMH = Namespace("https://w3id.org/imhgraph/ontology#")
IMHSH = Namespace("https://w3id.org/imhgraph/shapes#")
EDUCATION = Namespace("https://w3id.org/imhgraph/education/")
TOPIC_SCHEME = URIRef("https://w3id.org/imhgraph/topic/scheme")
ONTOLOGY_IRI = URIRef("https://w3id.org/imhgraph/ontology")

SEVERITIES = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}
ALIGNMENT_PREDICATES = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    SKOS.closeMatch,
    SKOS.exactMatch,
    # Used where no standard term means the same thing (e.g. imh:coverageComplete);
    # the term's rdfs:comment then says why.
    SKOS.relatedMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
)
SHAPE_REFERENCE_PREDICATES = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
SHAPE_LIST_PREDICATES = (SH["or"], SH["and"], SH.xone)
TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


# --------------------------------------------------------------------------- helpers


@functools.cache
def _shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")


@functools.cache
def _vocabulary() -> Graph:
    return Graph().parse(ONTOLOGY / "imh.ttl", format="turtle")


@functools.cache
def _background() -> Graph:
    """The ontology (and topic and profession schemes, when present) that every fixture is validated with."""
    graph = Graph()
    graph += _vocabulary()
    for name in ("topics.ttl", "professions.ttl"):
        if (ONTOLOGY / name).exists():
            graph.parse(ONTOLOGY / name, format="turtle")
    return graph


@dataclass(frozen=True)
class Result:
    focus: rdflib.term.Node
    shape: rdflib.term.Node
    severity: rdflib.term.Node
    message: str
    path: rdflib.term.Node | None


def _validate(data: Graph) -> tuple[bool, list[Result]]:
    import pyshacl

    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=_shapes(), inference="none", allow_warnings=True
    )
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        results.append(
            Result(
                focus=report.value(node, SH.focusNode),
                shape=report.value(node, SH.sourceShape),
                severity=report.value(node, SH.resultSeverity),
                message=str(report.value(node, SH.resultMessage) or ""),
                path=report.value(node, SH.resultPath),
            )
        )
    return bool(conforms), results


def _validate_fixture(path: Path) -> tuple[Graph, bool, list[Result]]:
    fixture = Graph().parse(path, format="turtle")
    conforms, results = _validate(_background() + fixture)
    return fixture, conforms, results


def _header(path: Path) -> dict[str, list[str]]:
    header: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*(expect-severity|expect-focus|also-expect):\s*(\S+)", line)
        if match:
            header.setdefault(match.group(1), []).append(match.group(2))
    return header


def _all_shapes() -> set[rdflib.term.Node]:
    """Every node of shapes.ttl that is a shape, however it is reached."""
    g = _shapes()
    shapes: set[rdflib.term.Node] = set()
    shapes.update(g.subjects(RDF.type, SH.NodeShape))
    shapes.update(g.subjects(RDF.type, SH.PropertyShape))
    shapes.update(g.subjects(SH.path, None))
    for predicate in TARGET_PREDICATES:
        shapes.update(g.subjects(predicate, None))
    for predicate in SHAPE_REFERENCE_PREDICATES:
        shapes.update(g.objects(None, predicate))
    for predicate in SHAPE_LIST_PREDICATES:
        for head in g.objects(None, predicate):
            shapes.update(Collection(g, head))
    return shapes


def _is_helper(shape: rdflib.term.Node) -> bool:
    """A node shape without targets, used only through sh:node and the like."""
    g = _shapes()
    return (
        (shape, RDF.type, SH.NodeShape) in g
        and not any(g.value(shape, p) is not None for p in TARGET_PREDICATES)
        and (None, SH.property, shape) not in g
    )


def _tested_shapes() -> list[str]:
    return sorted(
        str(s)[len(str(IMHSH)):]
        for s in _all_shapes()
        if isinstance(s, URIRef) and str(s).startswith(str(IMHSH)) and not _is_helper(s)
    )


def _fixture_names(kind: str) -> list[str]:
    return sorted(p.stem for p in (FIXTURES / kind).glob("*.ttl"))


def _nodes_of(graph: Graph) -> set[rdflib.term.Node]:
    return set(graph.subjects())


# --------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("name", _fixture_names("valid"))
def test_valid_fixture_raises_nothing(name: str) -> None:
    shape = IMHSH[name]
    fixture, conforms, results = _validate_fixture(FIXTURES / "valid" / f"{name}.ttl")
    own = _nodes_of(fixture)
    about_fixture = [r for r in results if r.focus in own]
    assert not about_fixture, f"{name}: the passing fixture raised {about_fixture}"
    assert not [r for r in results if r.shape == shape], f"{name}: raised by background data"
    assert conforms or any(r.focus not in own for r in results)


@pytest.mark.parametrize("name", _fixture_names("invalid"))
def test_invalid_fixture_raises_its_shape(name: str) -> None:
    shape = IMHSH[name]
    path = FIXTURES / "invalid" / f"{name}.ttl"
    header = _header(path)
    assert header.get("expect-severity"), f"{path.name}: header lacks '# expect-severity:'"
    assert header.get("expect-focus"), f"{path.name}: header lacks '# expect-focus:'"
    severity = SEVERITIES[header["expect-severity"][0]]
    allowed = {shape} | {IMHSH[other] for other in header.get("also-expect", [])}

    fixture, conforms, results = _validate_fixture(path)
    own = _nodes_of(fixture)
    mine = [r for r in results if r.shape == shape]
    message = str(_shapes().value(shape, SH.message))

    for focus in header["expect-focus"]:
        if focus == "_:blank":
            hits = [r for r in mine if isinstance(r.focus, BNode) and r.focus in own]
        elif focus.startswith('"'):  # a literal focus node, such as the text where a node belongs
            hits = [r for r in mine if r.focus == Literal(focus.strip('"'))]
        else:
            hits = [r for r in mine if r.focus == URIRef(focus)]
        assert hits, f"{name}: no result from {shape} on {focus}; got {results}"
        assert all(r.severity == severity for r in hits), f"{name}: wrong severity {hits}"
        assert all(r.message == message for r in hits), f"{name}: message not the shape's own"

    # The fixture tests this shape, not another one by accident.
    own |= {o for o in fixture.objects() if isinstance(o, Literal)}  # text standing where a node belongs
    unexpected = [r for r in results if r.focus in own and r.shape not in allowed]
    assert not unexpected, f"{name}: unexpected results {unexpected}"

    if severity == SH.Violation:
        assert conforms is False
    else:
        assert not [r for r in results if r.focus in own and r.severity == SH.Violation]


# --------------------------------------------------------------------------- meta: shapes


def test_every_shape_has_an_iri_a_comment_and_a_message() -> None:
    g = _shapes()
    shapes = _all_shapes()
    assert shapes
    for shape in shapes:
        assert isinstance(shape, URIRef), f"anonymous shape: {list(g.predicate_objects(shape))}"
        assert str(shape).startswith(str(IMHSH)), shape
        assert len(list(g.objects(shape, RDFS.comment))) == 1, f"{shape}: needs one rdfs:comment"
        messages = list(g.objects(shape, SH.message))
        assert len(messages) == 1, f"{shape}: needs one sh:message"
        text = str(messages[0])
        assert text[:1].isupper() and text.endswith("."), f"{shape}: message should be a sentence"
        assert "sh:" not in text and "shacl" not in text.lower(), f"{shape}: message uses SHACL jargon"


def test_shapes_are_typed_and_property_shapes_are_reachable() -> None:
    g = _shapes()
    node_shapes = set(g.subjects(RDF.type, SH.NodeShape))
    for shape in _all_shapes():
        if (shape, SH.path, None) in g:
            assert (shape, RDF.type, SH.PropertyShape) in g, f"{shape}: type it sh:PropertyShape"
            owners = set(g.subjects(SH.property, shape))
            assert owners & node_shapes, f"{shape}: not reached by sh:property from a node shape"
        else:
            assert (shape, RDF.type, SH.NodeShape) in g, f"{shape}: type it sh:NodeShape"
        assert g.value(shape, SH.severity) in set(SEVERITIES.values()), f"{shape}: state sh:severity"


def test_every_shape_has_a_fixture_pair() -> None:
    tested = set(_tested_shapes())
    for kind in ("valid", "invalid"):
        have = set(_fixture_names(kind))
        assert tested - have == set(), f"shapes without a {kind} fixture: {sorted(tested - have)}"
        assert have - tested == set(), f"{kind} fixtures for no shape: {sorted(have - tested)}"


def test_helper_shapes_are_used_by_tested_shapes() -> None:
    g = _shapes()
    tested = {IMHSH[name] for name in _tested_shapes()}
    helpers = [s for s in _all_shapes() if _is_helper(s)]
    for helper in helpers:
        users = {s for p in SHAPE_REFERENCE_PREDICATES for s in g.subjects(p, helper)}
        assert users & tested, f"{helper}: helper shape not used by any tested shape"


def test_warnings_are_only_for_weak_data() -> None:
    warnings = {s for s in _shapes().subjects(SH.severity, SH.Warning)}
    assert warnings == {
        IMHSH.ProgramCoverageDeclaredShape,
        IMHSH.TopicDefinitionShape,
        IMHSH.CredentialAwardedByDeclaredShape,
        # plain imh:covers data (the SPEC's vocabulary) stays valid: evidence is asked for, not required
        IMHSH.CoversEvidenceShape,
        IMHSH.CoverageEvidenceShape,
        IMHSH.CoverageEvidenceLengthShape,
        IMHSH.CoverageSourceShape,
    }


def test_shapes_use_core_constraints_only() -> None:
    g = _shapes()
    for predicate in (SH.sparql, SH.select, SH.ask, SH.js):
        assert (None, predicate, None) not in g, f"{predicate} would slow validation down"


def test_number_shapes_accept_integers_and_decimals() -> None:
    """2 and 2.5 pass, "two" and -1 fail, for every number on programs and credentials."""
    template = """
@prefix imh: <https://w3id.org/imhgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/imhgraph/org/o> a imh:Organization ; rdfs:label "O" ;
    dcterms:source <https://example.org/o> .
<https://w3id.org/imhgraph/{kind}/n> a imh:{cls} ; rdfs:label "N" ;
    dcterms:source <https://example.org/n> ; {extra} imh:{prop} {value} .
"""
    cases = [
        ("program", "TrainingProgram", "imh:offeredBy <https://w3id.org/imhgraph/org/o> ; imh:coverageComplete true ;", prop)
        for prop in ("minYearsExperience", "alternativeMinYearsExperience")
    ] + [
        ("credential", "Credential", "imh:awardedBy <https://w3id.org/imhgraph/org/o> ;", prop)
        for prop in (
            "minYearsExperience",
            "alternativeMinYearsExperience",
            "minTrainingHours",
            "minReflectiveSupervisionHours",
        )
    ]
    for kind, cls, extra, prop in cases:
        for value, ok in (("2", True), ("2.5", True), ("0", True), ('"two"', False), ("-1", False)):
            data = _background() + Graph().parse(
                data=template.format(kind=kind, cls=cls, extra=extra, prop=prop, value=value),
                format="turtle",
            )
            conforms, results = _validate(data)
            focus = URIRef(f"https://w3id.org/imhgraph/{kind}/n")
            bad = [r for r in results if r.focus == focus]
            assert (not bad) is ok, f"{kind} imh:{prop} {value}: {bad}"


# --------------------------------------------------------------------------- meta: vocabulary


def _imh_terms(kind: rdflib.term.Node) -> list[URIRef]:
    g = _vocabulary()
    return sorted(t for t in g.subjects(RDF.type, kind) if isinstance(t, URIRef) and t.startswith(str(IMH)))


def _imh_classes() -> list[URIRef]:
    return _imh_terms(OWL.Class) + _imh_terms(RDFS.Class)


def _imh_properties() -> list[URIRef]:
    return sorted(
        set(_imh_terms(OWL.ObjectProperty))
        | set(_imh_terms(OWL.DatatypeProperty))
        | set(_imh_terms(RDF.Property))
        | set(_imh_terms(OWL.AnnotationProperty))
    )


SPEC_CLASSES = [
    "Organization", "TrainingProgram", "Credential", "Endorsement", "Certificate", "Degree",
    "Topic", "EducationLevel", "Profession",
]
SPEC_PROPERTIES = [
    "offeredBy", "awards", "awardedBy", "covers", "coverageComplete", "requiresTopic",
    "requiresEducation", "minYearsExperience", "minTrainingHours", "minReflectiveSupervisionHours",
    "admitsProfession", "level", "track", "retrieved", "rank",
    # additions the data needs
    "preparesFor", "code", "requiresExam", "alternativeMinYearsExperience", "duration",
    "deliveryMode", "ageRangeServed",
]


def test_vocabulary_defines_every_spec_term() -> None:
    assert {str(c)[len(str(IMH)):] for c in _imh_classes()} >= set(SPEC_CLASSES)
    assert {str(p)[len(str(IMH)):] for p in _imh_properties()} >= set(SPEC_PROPERTIES)


def test_ontology_is_declared_with_its_version() -> None:
    g = _vocabulary()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    assert g.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    for predicate in (RDFS.label, DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert g.value(ONTOLOGY_IRI, predicate) is not None, predicate


@pytest.mark.parametrize("term", _imh_classes() + _imh_properties(), ids=lambda t: str(t).split("#")[-1])
def test_every_term_is_labelled_commented_and_aligned(term: URIRef) -> None:
    g = _vocabulary()
    assert g.value(term, RDFS.label) is not None, f"{term}: rdfs:label"
    assert g.value(term, RDFS.comment) is not None, f"{term}: rdfs:comment"
    outside = [
        o
        for p in ALIGNMENT_PREDICATES
        for o in g.objects(term, p)
        if isinstance(o, URIRef) and not o.startswith(str(IMH))
    ]
    assert outside, f"{term}: no alignment to schema.org, CTDL, SKOS, DCTERMS or PROV"


@pytest.mark.parametrize("prop", _imh_properties(), ids=lambda t: str(t).split("#")[-1])
def test_every_property_has_domain_and_range(prop: URIRef) -> None:
    g = _vocabulary()
    assert g.value(prop, RDFS.domain) is not None, f"{prop}: rdfs:domain"
    assert g.value(prop, RDFS.range) is not None, f"{prop}: rdfs:range"


def test_required_alignments() -> None:
    g = _vocabulary()
    schema = Namespace("https://schema.org/")
    ceterms = Namespace("https://purl.org/ctdl/terms/")
    ceasn = Namespace("https://purl.org/ctdlasn/terms/")
    expected = [
        (IMH.TrainingProgram, RDFS.subClassOf, schema.EducationalOccupationalProgram),
        (IMH.TrainingProgram, SKOS.closeMatch, ceterms.LearningProgram),
        (IMH.Credential, RDFS.subClassOf, schema.EducationalOccupationalCredential),
        (IMH.Credential, SKOS.closeMatch, ceterms.Credential),
        (IMH.Certificate, SKOS.closeMatch, ceterms.Certificate),
        (IMH.Endorsement, SKOS.closeMatch, ceterms.Certification),
        (IMH.Degree, SKOS.closeMatch, ceterms.Degree),
        (IMH.Organization, RDFS.subClassOf, schema.Organization),
        (IMH.Organization, SKOS.closeMatch, ceterms.CredentialOrganization),
        (IMH.Topic, RDFS.subClassOf, SKOS.Concept),
        (IMH.Topic, SKOS.closeMatch, ceasn.Competency),
        (IMH.Profession, RDFS.subClassOf, SKOS.Concept),
        (IMH.covers, SKOS.closeMatch, ceterms.teaches),
        (IMH.offeredBy, SKOS.closeMatch, ceterms.offeredBy),
        (IMH.offeredBy, SKOS.closeMatch, schema.provider),
        (IMH.awards, SKOS.closeMatch, schema.educationalCredentialAwarded),
        (IMH.requiresTopic, SKOS.closeMatch, schema.competencyRequired),
        (IMH.code, SKOS.closeMatch, ceterms.codedNotation),
        (IMH.deliveryMode, SKOS.closeMatch, ceterms.deliveryType),
    ]
    for triple in expected:
        assert triple in g, triple
    # schema:teaches applies to creative works and events, not to programs.
    assert (IMH.covers, RDFS.subPropertyOf, schema.teaches) not in g
    assert (IMH.covers, RDFS.subPropertyOf, ceterms.teaches) not in g


def test_model_files_use_https_schema_org_and_ctdl() -> None:
    for name in ("imh.ttl", "shapes.ttl", "context.jsonld"):
        text = (ONTOLOGY / name).read_text(encoding="utf-8")
        assert "http://schema.org" not in text, name
        assert "http://purl.org/ctdl" not in text, name


def test_education_levels_are_ranked() -> None:
    g = _vocabulary()
    slugs = ["cda", "associate", "bachelor", "master", "doctorate"]
    for rank, slug in enumerate(slugs, start=1):
        level = EDUCATION[slug]
        assert (level, RDF.type, IMH.EducationLevel) in g, slug
        assert g.value(level, IMH.rank) == Literal(rank, datatype=XSD.integer), slug
        assert g.value(level, RDFS.label) is not None and g.value(level, RDFS.comment) is not None, slug
    assert len(list(g.subjects(RDF.type, IMH.EducationLevel))) == len(slugs)


def test_tracks_form_a_scheme() -> None:
    g = _vocabulary()
    assert (IMH.TrackScheme, RDF.type, SKOS.ConceptScheme) in g
    for track in (IMH.ClinicalTrack, IMH.PolicyTrack, IMH.ResearchFacultyTrack):
        assert (track, RDF.type, SKOS.Concept) in g
        assert (track, SKOS.inScheme, IMH.TrackScheme) in g
        assert g.value(track, SKOS.prefLabel) is not None


def test_vocabulary_conforms_to_the_shapes() -> None:
    conforms, results = _validate(_vocabulary())
    assert conforms and not results, results


# --------------------------------------------------------------------------- context.jsonld


@functools.cache
def _context() -> dict:
    document = json.loads((ONTOLOGY / "context.jsonld").read_text(encoding="utf-8"))
    assert isinstance(document, dict) and isinstance(document.get("@context"), dict)
    return document["@context"]


def test_context_is_local_and_has_no_vocab() -> None:
    context = _context()
    assert "@vocab" not in context
    assert "@import" not in context
    assert context["imh"] == str(IMH)
    for prefix in ("imh", "schema", "ceterms", "ceasn", "skos", "dcterms", "prov", "rdfs", "owl",
                   "xsd", "sh", "org", "program", "credential", "topic", "profession", "education"):
        assert prefix in context, prefix
    assert context["schema"] == "https://schema.org/"


def _expand(context: dict, curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return context[prefix] + local if prefix in context and not local.startswith("//") else curie


@pytest.mark.parametrize("prop", _imh_properties(), ids=lambda t: str(t).split("#")[-1])
def test_context_has_a_term_for_every_property(prop: URIRef) -> None:
    context = _context()
    g = _vocabulary()
    name = str(prop)[len(str(IMH)):]
    # imh:topic cannot take the term "topic", which is the prefix of the topic IRIs.
    name = {"topic": "coverageTopic"}.get(name, name)
    assert name in context, f"context lacks a term for {name}"
    definition = context[name]
    iri = definition if isinstance(definition, str) else definition["@id"]
    assert _expand(context, iri) == str(prop)
    coercion = None if isinstance(definition, str) else definition.get("@type")
    if prop == IMH.coverage:
        # Its values are blank nodes described in the same document; coerced to "@id",
        # rdflib's JSON-LD writer leaves out their description (topic, evidence, source).
        assert coercion is None, f"{name}: must not be coerced"
    elif (prop, RDF.type, OWL.ObjectProperty) in g:
        assert coercion == "@id", f"{name}: object property needs \"@type\": \"@id\""
    else:
        rng = g.value(prop, RDFS.range)
        if isinstance(rng, URIRef) and rng != XSD.string:
            assert coercion and _expand(context, coercion) == str(rng), f"{name}: coerce to {rng}"
        else:
            assert coercion is None, f"{name}: a literal of several datatypes must not be coerced"


def test_context_common_terms() -> None:
    context = _context()
    expected = {
        "label": (RDFS.label, None),
        "prefLabel": (SKOS.prefLabel, None),
        "altLabel": (SKOS.altLabel, None),
        "definition": (SKOS.definition, None),
        "broader": (SKOS.broader, "@id"),
        "inScheme": (SKOS.inScheme, "@id"),
        "source": (DCTERMS.source, "@id"),
    }
    for term, (iri, coercion) in expected.items():
        definition = context[term]
        got = definition if isinstance(definition, str) else definition["@id"]
        assert _expand(context, got) == str(iri), term
        assert (None if isinstance(definition, str) else definition.get("@type")) == coercion, term


def test_context_round_trips_through_rdflib() -> None:
    data = _vocabulary() + Graph().parse(
        data="""
@prefix imh: <https://w3id.org/imhgraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/imhgraph/program/p> a imh:TrainingProgram ;
    imh:minYearsExperience 2 , 2.5 ; imh:coverageComplete true ;
    imh:duration "P2Y"^^xsd:duration ; imh:retrieved "2012-10"^^xsd:gYearMonth ;
    dcterms:source <https://example.org/p> ;
    imh:covers <https://w3id.org/imhgraph/topic/attachment-theory> .
""",
        format="turtle",
    )
    text = data.serialize(format="json-ld", context=_context(), auto_compact=True)
    again = Graph().parse(data=text, format="json-ld")
    assert isomorphic(data, again)
    assert '"covers": "topic:attachment-theory"' in text


def test_context_is_understood_by_an_independent_processor() -> None:
    """pyld expands a document compacted with the context to the same graph, offline."""
    pyld = pytest.importorskip("pyld")
    data = _vocabulary()
    text = data.serialize(format="json-ld", context=_context(), auto_compact=True)
    document = json.loads(text)
    document["@context"] = _context()  # inline: nothing is fetched

    def _no_network(url: str, options: dict | None = None) -> dict:
        raise AssertionError(f"the context tried to load {url}")

    nquads = pyld.jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": _no_network}
    )
    again = Graph().parse(data=nquads, format="nt")
    assert isomorphic(data, again)
