"""The graph as CTDL / CTDL-ASN JSON-LD, the language of the Credential Registry.

Mapping (see ``standards.md`` and the README's import-export section):

* ``imh:Organization`` → ``ceterms:CredentialOrganization``;
* ``imh:TrainingProgram`` → ``ceterms:LearningProgram`` with ``ceterms:offeredBy`` and
  ``ceterms:teaches`` → ``ceterms:CredentialAlignmentObject`` → ``ceterms:targetNode``
  (the topic as a ``ceasn:Competency``), entry requirements as ``ceterms:requires`` and
  ``imh:preparesFor`` as ``ceterms:isPreparationFor`` (both ``ceterms:ConditionProfile``);
* ``imh:Endorsement`` / ``imh:Certificate`` / ``imh:Degree`` → ``ceterms:Certification`` /
  ``ceterms:Certificate`` / ``ceterms:Degree``, owned by the awarding organization, with
  ``ceterms:requires`` → ``ceterms:ConditionProfile`` (description in plain words, required
  topics as ``ceterms:targetCompetency``, education as ``ceterms:audienceLevelType``,
  ``ceterms:yearsOfExperience``, hours and exam as ``ceterms:condition``, the awarding
  program as ``ceterms:targetLearningOpportunity``, alternative experience as
  ``ceterms:alternativeCondition``);
* the topic scheme → ``ceasn:CompetencyFramework`` (``ceasn:hasTopChild``), each topic a
  ``ceasn:Competency`` (``ceasn:competencyText``, ``ceasn:isPartOf``, ``ceasn:isChildOf`` /
  ``ceasn:hasChild`` from ``skos:broader``). Never ``ceterms:Competency``.

Alignment objects and condition profiles get minted IRIs under
``https://w3id.org/imhgraph/ctdl/`` (no blank nodes), every resource a ``ceterms:ctid``
derived from its IRI, so the same data always gives byte-identical output. The context is
the bundled ``ontology/ctdl-context.jsonld``, inlined; nothing is fetched.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from . import resources
from .jsonld import stable
from .namespaces import BASE, IMH, SCHEMA, short_id

#: Where minted CTDL nodes (alignment objects, condition profiles) live.
CTDL_BASE = BASE + "ctdl/"
#: The language of literals that carry none (the curated data is written in English).
DEFAULT_LANGUAGE = "en"
#: imh credential class → CTDL credential class (the first that applies wins).
CREDENTIAL_CLASSES: tuple[tuple[URIRef, str], ...] = (
    (IMH.Endorsement, "ceterms:Certification"),
    (IMH.Certificate, "ceterms:Certificate"),
    (IMH.Degree, "ceterms:Degree"),
    (IMH.Credential, "ceterms:Credential"),
)
AUDIENCE_LEVEL_FRAMEWORK = "https://credreg.net/ctdl/terms/AudienceLevel"
_AUD_LEVEL = "https://purl.org/ctdl/vocabs/audLevel/"
_SLUG = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")


def ctdl_context() -> dict[str, Any]:
    """The bundled CTDL / CTDL-ASN JSON-LD context (the value of its ``@context``)."""
    path = resources.ontology_dir() / "ctdl-context.jsonld"
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)["@context"]


def to_ctdl(graph: Graph) -> str:
    """*graph* (vocabulary and data) as one CTDL JSON-LD document, deterministic."""
    nodes = build_nodes(graph)
    document = {"@context": ctdl_context(), "@graph": nodes}
    return json.dumps(stable(document), indent=2, ensure_ascii=False) + "\n"


def build_nodes(graph: Graph) -> list[dict[str, Any]]:
    """The top-level CTDL nodes: organizations, programs, credentials, frameworks, competencies."""
    mapper = _Mapper(graph)
    nodes: list[dict[str, Any]] = []
    nodes += [mapper.organization(o) for o in mapper.instances(IMH.Organization)]
    nodes += [mapper.program(p) for p in mapper.instances(IMH.TrainingProgram)]
    nodes += [mapper.credential(c) for c in mapper.instances(IMH.Credential)]
    nodes += [mapper.framework(s) for s in mapper.schemes()]
    nodes += [mapper.competency(t) for t in sorted(mapper.topics)]
    return nodes


def ctid(iri: str) -> str:
    """A stable CTID (``ce-`` + UUID) derived from *iri*."""
    return "ce-" + str(uuid.uuid5(uuid.NAMESPACE_URL, str(iri)))


class _Mapper:
    """Reads the imh graph and writes CTDL node objects."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.subclasses = self._subclass_closure()
        self.topics: set[URIRef] = {
            t for t in graph.subjects(RDF.type, IMH.Topic) if isinstance(t, URIRef)
        }

    # -- reading ----------------------------------------------------------------------------

    def _subclass_closure(self) -> dict[URIRef, set[URIRef]]:
        # class → itself and its subclasses, so that an imh:Endorsement is an imh:Credential
        # whether or not the vocabulary is in the graph.
        known = {IMH.Credential: {IMH.Endorsement, IMH.Certificate, IMH.Degree}}
        result: dict[URIRef, set[URIRef]] = {}
        for cls in (IMH.Organization, IMH.TrainingProgram, IMH.Credential, IMH.Topic):
            found = {cls} | known.get(cls, set())
            found |= {c for c in self.g.transitive_subjects(RDFS.subClassOf, cls) if isinstance(c, URIRef)}
            result[cls] = found
        return result

    def instances(self, cls: URIRef) -> list[URIRef]:
        found = {
            s
            for c in self.subclasses[cls]
            for s in self.g.subjects(RDF.type, c)
            if isinstance(s, URIRef)
        }
        return sorted(found)

    def schemes(self) -> list[URIRef]:
        return sorted({
            s for t in self.topics for s in self.g.objects(t, SKOS.inScheme) if isinstance(s, URIRef)
        })

    def label(self, node: URIRef) -> str:
        for p in (RDFS.label, SKOS.prefLabel, SCHEMA.name):
            values = sorted(str(v) for v in self.g.objects(node, p))
            if values:
                return values[0]
        return short_id(str(node))

    def texts(self, node: URIRef, *predicates: URIRef) -> list[Literal]:
        return sorted(
            (v for p in predicates for v in self.g.objects(node, p) if isinstance(v, Literal)),
            key=lambda v: (v.language or "", str(v)),
        )

    def iris(self, node: URIRef, predicate: URIRef) -> list[URIRef]:
        return sorted(v for v in self.g.objects(node, predicate) if isinstance(v, URIRef))

    def number(self, node: URIRef, predicate: URIRef) -> Decimal | None:
        values = []
        for v in self.g.objects(node, predicate):
            try:
                values.append(Decimal(str(v)))
            except (InvalidOperation, ValueError):
                continue
        return min(values) if values else None

    def flag(self, node: URIRef, predicate: URIRef) -> bool | None:
        value = self.g.value(node, predicate)
        return None if value is None else str(value).strip().lower() in ("true", "1")

    # -- common parts -----------------------------------------------------------------------

    def _common(self, node: URIRef, ctdl_type: str, *, asn: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"@id": str(node), "@type": ctdl_type, "ceterms:ctid": ctid(str(node))}
        prefix = "ceasn" if asn else "ceterms"
        names = self.texts(node, RDFS.label, SKOS.prefLabel)
        out[f"{prefix}:name"] = _language_map(names or [Literal(short_id(str(node)))])
        descriptions = self.texts(node, DCTERMS.description, RDFS.comment, SKOS.definition)
        if descriptions:
            out[f"{prefix}:description"] = _language_map(descriptions)
        return out

    def _webpage(self, node: URIRef, out: dict[str, Any]) -> None:
        # The entity's own web site if the data gives one, else the first page the facts come from.
        pages = self.iris(node, SCHEMA.url) or self.iris(node, DCTERMS.source)
        if pages:
            out["ceterms:subjectWebpage"] = str(pages[0])

    def _code(self, node: URIRef, out: dict[str, Any]) -> None:
        codes = sorted(str(c) for c in self.g.objects(node, IMH.code))
        if codes:
            out["ceterms:codedNotation"] = codes[0]

    def alignment(self, owner_kind: str, owner: URIRef, topic: URIRef) -> dict[str, Any]:
        """A ``ceterms:CredentialAlignmentObject`` pointing at *topic*, with a minted IRI."""
        out: dict[str, Any] = {
            "@id": f"{CTDL_BASE}alignment/{owner_kind}/{_segment(owner)}/{_segment(topic)}",
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:targetNode": str(topic),
            "ceterms:targetNodeName": _language_map(
                self.texts(topic, SKOS.prefLabel, RDFS.label) or [Literal(self.label(topic))]
            ),
        }
        schemes = self.iris(topic, SKOS.inScheme)
        if schemes:
            out["ceterms:framework"] = str(schemes[0])
            out["ceterms:frameworkName"] = _language_map([Literal(self.label(schemes[0]))])
        return out

    def education_alignment(self, owner_kind: str, owner: URIRef, level: URIRef) -> dict[str, Any]:
        """The education level as an audience-level alignment (CTDL's audLevel where one matches)."""
        matches = [m for m in self.iris(level, SKOS.closeMatch) + self.iris(level, SKOS.exactMatch)
                   if str(m).startswith(_AUD_LEVEL)]
        out: dict[str, Any] = {
            "@id": f"{CTDL_BASE}alignment/{owner_kind}/{_segment(owner)}/education/{_segment(level)}",
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:targetNode": str(matches[0]) if matches else str(level),
            "ceterms:targetNodeName": _language_map([Literal(self.label(level))]),
        }
        if matches:
            out["ceterms:framework"] = AUDIENCE_LEVEL_FRAMEWORK
            out["ceterms:frameworkName"] = _language_map([Literal("Audience Level")])
        return out

    # -- the node kinds ---------------------------------------------------------------------

    def organization(self, node: URIRef) -> dict[str, Any]:
        out = self._common(node, "ceterms:CredentialOrganization")
        self._webpage(node, out)
        return out

    def program(self, node: URIRef) -> dict[str, Any]:
        out = self._common(node, "ceterms:LearningProgram")
        self._webpage(node, out)
        self._code(node, out)
        offered = self.iris(node, IMH.offeredBy)
        if offered:
            out["ceterms:offeredBy"] = [str(o) for o in offered]
        teaches = [self.alignment("program", node, t) for t in self.iris(node, IMH.covers)]
        if teaches:
            out["ceterms:teaches"] = teaches
        entry = self._entry_condition("program", node, f"To enrol in {self.label(node)}")
        if entry is not None:
            out["ceterms:requires"] = [entry]
        prepares = self.iris(node, IMH.preparesFor)
        if prepares:
            names = ", ".join(self.label(c) for c in prepares)
            out["ceterms:isPreparationFor"] = [{
                "@id": f"{CTDL_BASE}condition/program/{_segment(node)}/prepares-for",
                "@type": "ceterms:ConditionProfile",
                "ceterms:description": _language_map([Literal(f"{self.label(node)} prepares its graduates to apply for: {names}.")]),
                "ceterms:targetCredential": [str(c) for c in prepares],
            }]
        return out

    def credential(self, node: URIRef) -> dict[str, Any]:
        types = set(self.g.objects(node, RDF.type))
        ctdl_type = next(t for cls, t in CREDENTIAL_CLASSES if cls in types or cls == IMH.Credential)
        out = self._common(node, ctdl_type)
        self._webpage(node, out)
        self._code(node, out)
        owners = self.iris(node, IMH.awardedBy)
        if owners:
            out["ceterms:ownedBy"] = [str(o) for o in owners]
        condition = self._entry_condition("credential", node, f"To earn {self.label(node)}", always=True)
        assert condition is not None
        required = self.iris(node, IMH.requiresTopic)
        if required:
            condition["ceterms:targetCompetency"] = [self.alignment("credential", node, t) for t in required]
        awarding = sorted(p for p in self.g.subjects(IMH.awards, node) if isinstance(p, URIRef))
        if awarding:
            condition["ceterms:targetLearningOpportunity"] = [str(p) for p in awarding]
        out["ceterms:requires"] = [condition]
        return out

    def _entry_condition(self, kind: str, node: URIRef, opening: str, *, always: bool = False) -> dict[str, Any] | None:
        """The ``ceterms:ConditionProfile`` of what *node* asks of applicants, or None if nothing
        is known (and *always* is false)."""
        education = self.iris(node, IMH.requiresEducation)
        years = self.number(node, IMH.minYearsExperience)
        alternative = self.number(node, IMH.alternativeMinYearsExperience)
        hours = self.number(node, IMH.minTrainingHours)
        supervision = self.number(node, IMH.minReflectiveSupervisionHours)
        exam = self.flag(node, IMH.requiresExam)
        topics = self.iris(node, IMH.requiresTopic)
        programs = sorted(p for p in self.g.subjects(IMH.awards, node) if isinstance(p, URIRef))
        known = education or years is not None or alternative is not None or hours is not None or (
            supervision is not None or exam is not None or topics or programs)
        if not known and not always:
            return None

        parts: list[str] = []
        conditions: list[str] = []
        if education:
            parts.append("at least " + " or ".join(_article(self.label(e)) for e in education))
        if years is not None:
            parts.append(f"at least {_num(years)} year{'' if years == 1 else 's'} of relevant work experience")
        if hours is not None:
            text = f"at least {_num(hours)} clock hours of specialized training"
            parts.append(text)
            conditions.append(text[0].upper() + text[1:] + ".")
        if supervision is not None and supervision > 0:
            text = f"at least {_num(supervision)} hours of reflective supervision or consultation"
            parts.append(text)
            conditions.append(text[0].upper() + text[1:] + ".")
        elif supervision is not None:
            parts.append("no reflective supervision hours")
        if exam is True:
            parts.append("passing an exam")
            conditions.append("Passing an exam.")
        elif exam is False:
            parts.append("no exam")
        if topics:
            parts.append(f"knowledge of {len(topics)} required competency area{'' if len(topics) == 1 else 's'} (listed as target competencies)")
        if programs:
            parts.append("completing " + " or ".join(self.label(p) for p in programs))
        if parts:
            description = f"{opening}: " + "; ".join(parts) + "."
        else:
            description = f"{opening}: the requirements are not recorded in this data; see the subject webpage."
        if alternative is not None:
            description += (
                f" Instead of the education requirement, at least {_num(alternative)} years of paid "
                "relevant work experience are accepted."
            )

        out: dict[str, Any] = {
            "@id": f"{CTDL_BASE}condition/{kind}/{_segment(node)}",
            "@type": "ceterms:ConditionProfile",
            "ceterms:name": _language_map([Literal(f"Requirements: {self.label(node)}")]),
            "ceterms:description": _language_map([Literal(description)]),
        }
        if education:
            out["ceterms:audienceLevelType"] = [self.education_alignment(kind, node, e) for e in education]
        if years is not None:
            out["ceterms:yearsOfExperience"] = _num(years)
        if conditions:
            out["ceterms:condition"] = _language_map([Literal(c) for c in conditions])
        if alternative is not None:
            out["ceterms:alternativeCondition"] = [{
                "@id": f"{CTDL_BASE}condition/{kind}/{_segment(node)}/alternative",
                "@type": "ceterms:ConditionProfile",
                "ceterms:description": _language_map([Literal(
                    f"Instead of the education requirement: at least {_num(alternative)} years of paid "
                    "relevant work experience."
                )]),
                "ceterms:yearsOfExperience": _num(alternative),
            }]
        return out

    def framework(self, scheme: URIRef) -> dict[str, Any]:
        out = self._common(scheme, "ceasn:CompetencyFramework", asn=True)
        top = {t for t in self.g.objects(scheme, SKOS.hasTopConcept)}
        top |= set(self.g.subjects(SKOS.topConceptOf, scheme))
        top_children = sorted(t for t in top if t in self.topics)
        if top_children:
            out["ceasn:hasTopChild"] = [str(t) for t in top_children]
        return out

    def competency(self, topic: URIRef) -> dict[str, Any]:
        out: dict[str, Any] = {
            "@id": str(topic),
            "@type": "ceasn:Competency",
            "ceterms:ctid": ctid(str(topic)),
            "ceasn:competencyText": _language_map(self.texts(topic, SKOS.prefLabel) or [Literal(self.label(topic))]),
        }
        definitions = self.texts(topic, SKOS.definition)
        if definitions:
            out["ceasn:comment"] = _language_map(definitions)
        schemes = [s for s in self.iris(topic, SKOS.inScheme)]
        if schemes:
            out["ceasn:isPartOf"] = [str(s) for s in schemes]
        parents = {b for b in self.g.objects(topic, SKOS.broader) if b in self.topics}
        parents |= {b for b in self.g.subjects(SKOS.narrower, topic) if b in self.topics}
        if parents:
            out["ceasn:isChildOf"] = sorted(str(p) for p in parents)
        children = {c for c in self.g.subjects(SKOS.broader, topic) if c in self.topics}
        children |= {c for c in self.g.objects(topic, SKOS.narrower) if c in self.topics}
        if children:
            out["ceasn:hasChild"] = sorted(str(c) for c in children)
        return out


def _language_map(values: Iterable[Literal]) -> dict[str, Any]:
    # CTDL writes text as language maps ({"en": "…"}); several values in one language become a list.
    by_language: dict[str, list[str]] = {}
    for v in values:
        by_language.setdefault(v.language or DEFAULT_LANGUAGE, []).append(str(v))
    return {
        lang: (texts[0] if len(texts) == 1 else sorted(set(texts)))
        for lang, texts in sorted(by_language.items())
    }


def _segment(iri: URIRef) -> str:
    # A path segment for minted IRIs: the short ID where it is a plain slug, else a hash,
    # so that IRIs from other namespaces still give stable, valid IRIs.
    sid = short_id(str(iri))
    if _SLUG.match(sid):
        return sid
    return "h" + hashlib.sha1(str(iri).encode("utf-8")).hexdigest()[:16]


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _article(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


__all__ = ["build_nodes", "ctdl_context", "ctid", "to_ctdl"]
