"""Every alignment of the imh vocabulary points at a term that exists, and says something true.

The targets are checked against bundled term lists (``tests/fixtures/vocab/*.txt``: schema.org,
CTDL / CTDL-ASN with their concept schemes, Dublin Core terms, PROV, SKOS, PAV), so no network
is needed. The second half pins the mended alignments of issue 19, each for the reason its
comment in ``ontology/imh.ttl`` gives.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDFS, SKOS

from imhgraph import resources
from imhgraph.namespaces import IMH

VOCAB = Path(__file__).resolve().parent / "fixtures" / "vocab"
SCHEMA = Namespace("https://schema.org/")
CETERMS = Namespace("https://purl.org/ctdl/terms/")
AUDLEVEL = Namespace("https://purl.org/ctdl/vocabs/audLevel/")
PAV = Namespace("http://purl.org/pav/")
EDUCATION = Namespace("https://w3id.org/imhgraph/education/")

ALIGNMENT_PREDICATES = (
    RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty,
    SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch,
)
#: namespace → the term list that must hold every alignment target in it.
TERM_LISTS = {
    "https://schema.org/": "schema-org.txt",
    "https://purl.org/ctdl/": "ctdl.txt",
    "https://purl.org/ctdlasn/": "ctdl.txt",
    str(DCTERMS): "dcterms.txt",
    str(PROV): "prov.txt",
    str(SKOS): "skos.txt",
    str(PAV): "pav.txt",
}


@cache
def _terms(name: str) -> frozenset[str]:
    lines = (VOCAB / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _vocabulary() -> Graph:
    graph = Graph()
    for path in resources.vocabulary_files():
        graph.parse(path, format="turtle")
    return graph


def _alignments() -> list[tuple[str, str, str]]:
    graph = _vocabulary()
    return sorted(
        (str(s), str(p), str(o))
        for p in ALIGNMENT_PREDICATES
        for s, o in graph.subject_objects(p)
        if isinstance(o, URIRef) and any(str(o).startswith(ns) for ns in TERM_LISTS)
    )


def test_term_lists_are_real() -> None:
    # Sanity: the lists hold what they should, so an empty or truncated list cannot pass.
    assert len(_terms("schema-org.txt")) > 2500 and str(SCHEMA.programPrerequisites) in _terms("schema-org.txt")
    assert len(_terms("ctdl.txt")) > 1000 and str(CETERMS.LearningProgram) in _terms("ctdl.txt")
    assert str(AUDLEVEL.MastersDegreeLevel) in _terms("ctdl.txt")
    assert str(PAV.retrievedOn) in _terms("pav.txt")
    assert str(CETERMS.NoSuchTerm) not in _terms("ctdl.txt")


def test_there_are_alignments_to_check() -> None:
    targets = {o for _s, _p, o in _alignments()}
    assert len(targets) > 40
    for ns in TERM_LISTS:
        if ns in (str(PAV),) or ns.startswith("https://purl.org/ctdl"):
            assert any(t.startswith(ns) for t in targets), ns


@pytest.mark.parametrize("alignment", _alignments(), ids=lambda a: f"{a[0].split('#')[-1].split('/')[-1]}->{a[2]}")
def test_every_alignment_target_exists(alignment: tuple[str, str, str]) -> None:
    subject, predicate, target = alignment
    name = next(file for ns, file in TERM_LISTS.items() if target.startswith(ns))
    assert target in _terms(name), f"{subject} {predicate} {target}: not a term of {name}"


# --- the six mended alignments (issue 19) ---------------------------------------------------------


def _has(s: URIRef, p: URIRef, o: URIRef) -> bool:
    return (s, p, o) in _vocabulary()


def test_education_levels_are_held_levels_not_audience_levels() -> None:
    # The level a person holds matches the degree class; the audience level of a resource that
    # requires it is one step up, and only related.
    for slug, degree in (("associate", "AssociateDegree"), ("bachelor", "BachelorDegree"),
                         ("master", "MasterDegree"), ("doctorate", "DoctoralDegree")):
        assert _has(EDUCATION[slug], SKOS.closeMatch, CETERMS[degree]), slug
    for slug, same in (("associate", "AssociatesDegreeLevel"), ("bachelor", "BachelorsDegreeLevel"),
                       ("master", "MastersDegreeLevel"), ("doctorate", "DoctoralDegreeLevel")):
        assert not _has(EDUCATION[slug], SKOS.closeMatch, AUDLEVEL[same]), slug
    assert _has(EDUCATION.bachelor, SKOS.relatedMatch, AUDLEVEL.MastersDegreeLevel)
    assert _has(EDUCATION.master, SKOS.relatedMatch, AUDLEVEL.DoctoralDegreeLevel)


def test_requires_education_is_a_program_prerequisite() -> None:
    assert not _has(IMH.requiresEducation, SKOS.closeMatch, SCHEMA.educationRequirements)
    assert _has(IMH.requiresEducation, SKOS.closeMatch, SCHEMA.programPrerequisites)
    assert _has(IMH.requiresEducation, SKOS.relatedMatch, CETERMS.audienceLevelType)


def test_track_and_profession_are_only_related() -> None:
    assert not _has(IMH.track, SKOS.closeMatch, SCHEMA.credentialCategory)
    assert _has(IMH.track, SKOS.relatedMatch, SCHEMA.credentialCategory)
    assert not _has(IMH.admitsProfession, SKOS.closeMatch, CETERMS.audienceType)
    assert _has(IMH.admitsProfession, SKOS.relatedMatch, CETERMS.audienceType)


def test_retrieved_is_a_retrieval_date() -> None:
    assert not _has(IMH.retrieved, RDFS.subPropertyOf, DCTERMS.date)
    assert not _has(IMH.retrieved, SKOS.closeMatch, PROV.generatedAtTime)
    assert _has(IMH.retrieved, SKOS.closeMatch, PAV.retrievedOn)


def test_rank_is_not_a_list_position_and_training_hours_say_what_the_export_writes() -> None:
    assert not _has(IMH.rank, SKOS.closeMatch, SCHEMA.position)
    assert _has(IMH.rank, SKOS.relatedMatch, SCHEMA.position)
    comment = str(_vocabulary().value(IMH.minTrainingHours, RDFS.comment))
    assert "ceterms:ValueProfile" in comment and "creditUnit:ClockHour" in comment
