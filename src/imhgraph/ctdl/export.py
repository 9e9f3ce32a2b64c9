"""The graph as CTDL / CTDL-ASN documents a Credential Registry publisher can use.

One document per top-level resource that carries a CTID, as the Registry takes them:

* ``imh:Organization`` → ``ceterms:CredentialOrganization`` (``ceterms:Organization`` when the
  data gives it no credential to own and no program to offer);
* ``imh:Credential`` → ``ceterms:Certification`` (endorsements), ``ceterms:Certificate``, or the
  degree subtype its name states (``ceterms:MasterDegree``, ``ceterms:DoctoralDegree`` …);
* ``imh:TrainingProgram`` → ``ceterms:LearningProgram``; ``imh:Course`` → ``ceterms:Course``
  (``ceterms:hasPart`` of its program);
* the topic scheme → one ``@graph`` document: the ``ceasn:CompetencyFramework`` followed by its
  ``ceasn:Competency`` nodes (the Registry publishes a framework with its competencies).

Each document names the official context by URL (``@context``); embedded alignment objects,
condition profiles and value profiles are blank nodes (JSON objects without ``@id``); text is a
language map; numbers are JSON numbers. Facts the Registry requires but imhgraph has no term
for are read from the data where it states them with the CTDL property itself
(``ceterms:credentialStatusType``, ``ceterms:lifeCycleStatusType``, ``ceterms:agentType``,
``ceterms:agentSectorType``, ``ceterms:inLanguage``, ``ceterms:availableOnlineAt``,
``ceterms:availabilityListing``) or with schema.org / Dublin Core (``schema:email``,
``schema:address``, ``dcterms:language``, ``dcterms:publisher``); nothing is invented, and
:mod:`imhgraph.ctdl.check` names what is missing.

Why one module: one document per resource kind, built from shared helpers for
language maps, identifiers and profiles; each kind is a section of its own.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..namespaces import BASE, IMH, SCHEMA, short_id
from ..sparql.named_queries import internal_query
from ..values import is_true
from .vocab import (
    AUDLEVEL,
    CEASN,
    CETERMS,
    CREDIT_UNIT,
    CREDIT_UNITS,
    CTDL_CONTEXT_URL,
    CTDLASN_CONTEXT_URL,
    DELIVERY_MODES,
    concept,
)

#: The language of literals that carry none (the curated data is written in English).
DEFAULT_LANGUAGE = "en"
#: The kinds of document, in the order they are written.
KINDS = ("organization", "credential", "learning program", "course", "competency framework")

#: imh credential class → CTDL class (the first that applies wins); degrees get a subtype.
CREDENTIAL_CLASSES: tuple[tuple[URIRef, str], ...] = (
    (IMH.Endorsement, "ceterms:Certification"),
    (IMH.Certificate, "ceterms:Certificate"),
    (IMH.Degree, "ceterms:Degree"),
    (IMH.Credential, "ceterms:Credential"),
)
#: Degree abbreviations in a degree's name → the CTDL degree subtype the Registry publishes.
DEGREE_NAMES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Abbreviations as written (case matters: "MA", not "ma"); words in any case.
    (re.compile(r"\b(?:PhD|Ph\.D\.|EdD|Ed\.D\.|PsyD|Psy\.D\.|(?i:doctoral|doctorate|doctor of))(?!\w)"), "ceterms:DoctoralDegree"),
    (re.compile(r"\b(?:MA|MS|MSc|MEd|MSW|MSN|MPH|M\.A\.|M\.S\.|(?i:master'?s|master of))(?!\w)"), "ceterms:MasterDegree"),
    (re.compile(r"\b(?:BA|BS|BSc|BSW|B\.A\.|B\.S\.|(?i:bachelor'?s|bachelor of))(?!\w)"), "ceterms:BachelorDegree"),
    (re.compile(r"\b(?:AA|AAS|(?i:associate'?s degree|associate of))(?!\w)"), "ceterms:AssociateDegree"),
)

_SOURCE_MARKER = re.compile(r"\s*\[S\d+[^\]]*\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
#: Sentences about the data rather than the resource (modelling notes for developers).
_MODELLING_NOTE = re.compile(
    r"->|\brecorded\b|\bmapped\b|\bby the sources\b|\bthe sources\b|\bthe seed\b|\bimhgraph\b", re.I
)
_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:[-/][A-Z0-9]+)*$")
#: Path segments of news items, blog posts and articles: pages about an event, not the
#: resource's own page.
_NEWS_SEGMENTS = frozenset({"news", "blog", "blogs", "article", "articles", "press", "impulse", "stories"})


@dataclass(frozen=True)
class Document:
    """One Registry document: its CTID, kind, subject IRI, label and JSON-LD body."""

    ctid: str
    kind: str
    iri: str
    label: str
    body: dict[str, Any] = field(compare=False)

    def nodes(self) -> list[dict[str, Any]]:
        """The top-level CTDL nodes of the document (the framework and its competencies for a
        ``@graph`` document, else the one resource)."""
        return list(self.body.get("@graph", [self.body]))

    def json(self, *, indent: int | None = None) -> str:
        """The document as JSON text (keys in a stable order)."""
        return json.dumps(self.body, indent=indent, ensure_ascii=False)


def ctid(iri: str) -> str:
    """A stable CTID (``ce-`` + UUID) derived from *iri*."""
    return "ce-" + str(uuid.uuid5(uuid.NAMESPACE_URL, str(iri)))


def build_documents(graph: Graph) -> list[Document]:
    """The Registry documents for *graph* (vocabulary and data), in a stable order."""
    mapper = _Mapper(graph)
    docs: list[Document] = []
    docs += [mapper.organization(o) for o in mapper.instances(IMH.Organization)]
    docs += [mapper.credential(c) for c in mapper.instances(IMH.Credential)]
    docs += [mapper.program(p) for p in mapper.instances(IMH.TrainingProgram)]
    docs += [mapper.course(c) for c in mapper.instances(IMH.Course)]
    docs += [mapper.framework(s) for s in mapper.schemes()]
    return docs


def to_jsonl(documents: Iterable[Document]) -> Iterator[str]:
    """JSON Lines: one document a line."""
    for doc in documents:
        yield doc.json() + "\n"


def to_ctdl(graph: Graph) -> str:
    """*graph* as CTDL JSON Lines (one Registry document a line), deterministic."""
    return "".join(to_jsonl(build_documents(graph)))


def clean_text(text: str) -> str:
    """*text* as a Registry description: source markers such as ``[S12]`` removed, and sentences
    that are modelling notes (about the data, not the resource) left out."""
    text = _SOURCE_MARKER.sub("", text)
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    kept = [
        s for s in _SENTENCE.split(text.strip())
        if re.search(r"\w", s) and not _MODELLING_NOTE.search(s) and not re.search(r":\W*$", s)
    ]
    return " ".join(kept).strip()


def site(url: str) -> str:
    """The web site of *url*: its host without ``www.``, reduced to the last two labels."""
    host = (urlsplit(str(url)).hostname or "").lower()
    return ".".join(host.split(".")[-2:])


class _Mapper:
    """Reads the imh graph and writes CTDL documents."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.topics: set[URIRef] = {t for t in graph.subjects(RDF.type, IMH.Topic) if isinstance(t, URIRef)}
        self._closure = {
            cls: {cls, *(c for c in graph.transitive_subjects(RDFS.subClassOf, cls) if isinstance(c, URIRef))}
            for cls in (IMH.Organization, IMH.TrainingProgram, IMH.Credential, IMH.Course)
        }
        self._closure[IMH.Credential] |= {IMH.Endorsement, IMH.Certificate, IMH.Degree}
        # "Covers" has one definition (queries/fragments/covers.rq: directly or through a
        # course); it is read here through the query that coverage uses, not re-implemented.
        self._covers: dict[URIRef, set[URIRef]] = {}
        for program, joined in graph.query(internal_query("coverage-covers")):
            self._covers[program] = {URIRef(t) for t in str(joined).split()}

    # -- reading ----------------------------------------------------------------------------

    def instances(self, cls: URIRef) -> list[URIRef]:
        return sorted({s for c in self._closure[cls] for s in self.g.subjects(RDF.type, c) if isinstance(s, URIRef)})

    def schemes(self) -> list[URIRef]:
        return sorted({s for t in self.topics for s in self.g.objects(t, SKOS.inScheme) if isinstance(s, URIRef)})

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

    def iris(self, node: URIRef, *predicates: URIRef) -> list[URIRef]:
        return sorted({v for p in predicates for v in self.g.objects(node, p) if isinstance(v, URIRef)})

    def number(self, node: URIRef, predicate: URIRef) -> Decimal | None:
        values = []
        for v in self.g.objects(node, predicate):
            try:
                number = Decimal(str(v))
            except (InvalidOperation, ValueError):
                continue
            if number.is_finite():
                values.append(number)
        return min(values) if values else None

    def flag(self, node: URIRef, predicate: URIRef) -> bool | None:
        value = self.g.value(node, predicate)
        return None if value is None else is_true(value)

    def strings(self, node: URIRef, *predicates: URIRef) -> list[str]:
        return sorted({str(v) for p in predicates for v in self.g.objects(node, p)})

    # -- common parts -----------------------------------------------------------------------

    def _top(self, node: URIRef, ctdl_type: str, *, asn: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "@context": CTDLASN_CONTEXT_URL if asn else CTDL_CONTEXT_URL,
            "@id": str(node),
            "@type": ctdl_type,
            "ceterms:ctid": ctid(str(node)),
        }
        prefix = "ceasn" if asn else "ceterms"
        names = self.texts(node, RDFS.label, SKOS.prefLabel)
        out[f"{prefix}:name"] = _language_map(names or [Literal(short_id(str(node)))], single=True)
        description = self.description(node)
        if description is not None:
            out[f"{prefix}:description"] = _language_map([description], single=True)
        return out

    def description(self, node: URIRef) -> Literal | None:
        """The first description the data gives (dcterms:description, then skos:definition, then
        rdfs:comment), cleaned of source markers and modelling notes; None if nothing is left."""
        for predicate in (DCTERMS.description, SKOS.definition, RDFS.comment):
            for value in self.texts(node, predicate):
                text = clean_text(str(value))
                if text:
                    return Literal(text, lang=value.language)
        return None

    def webpage(self, node: URIRef, organizations: Sequence[URIRef], programs: Sequence[URIRef] = ()) -> str | None:
        """The resource's own web page: its ``schema:url``; else a page it was read from
        (dcterms:source) on the web site of its organization (that organization's
        ``schema:url``), and not a news item or blog post. Never a minted address, a copy, a news
        site or a third party's page."""
        own = [u for u in self.iris(node, SCHEMA.url) if not str(u).startswith(BASE)]
        if own:
            return str(own[0])
        sites = {site(u) for o in organizations for u in self.iris(o, SCHEMA.url)}
        # A course described on its program's own page: that page describes the course too.
        program_pages = {u for p in programs for u in self.iris(p, SCHEMA.url)}
        for page in self.iris(node, DCTERMS.source):
            if page in program_pages:
                return str(page)
            segments = {s.lower() for s in urlsplit(str(page)).path.split("/")}
            if not str(page).startswith(BASE) and site(page) in sites and not segments & _NEWS_SEGMENTS:
                return str(page)
        return None

    def _names_and_codes(self, node: URIRef, out: dict[str, Any], *, coded_notation: bool) -> None:
        # A code such as "IMHS" is an alternate name of a credential (ceterms:codedNotation is
        # for programs and alignment objects only); programs and courses also carry it as
        # their coded notation.
        codes = self.strings(node, IMH.code)
        alternates = [Literal(c) for c in codes] + self.texts(node, SCHEMA.alternateName)
        if alternates:
            out["ceterms:alternateName"] = _language_map(alternates)
        if coded_notation and codes:
            out["ceterms:codedNotation"] = codes[0]

    def _concepts(self, node: URIRef, predicate: URIRef, out: dict[str, Any]) -> None:
        # A CTDL concept stated in the data with the CTDL property itself → alignment objects.
        values = [v for v in self.iris(node, predicate) if concept(str(v)) is not None]
        if not values:
            return
        alignments = [_concept_alignment(str(v)) for v in values]
        # A status is single-valued in the Registry's schemas: one alignment object, not a list.
        single = predicate in (CETERMS.credentialStatusType, CETERMS.lifeCycleStatusType)
        out["ceterms:" + predicate.split("/")[-1]] = alignments[0] if single else alignments

    def _languages(self, node: URIRef) -> list[str]:
        return self.strings(node, CETERMS.inLanguage, DCTERMS.language)

    def _webpage_into(self, node: URIRef, organizations: Sequence[URIRef], out: dict[str, Any],
                      programs: Sequence[URIRef] = ()) -> None:
        page = self.webpage(node, organizations, programs)
        if page is not None:
            out["ceterms:subjectWebpage"] = page

    def alignment(self, topic: URIRef) -> dict[str, Any]:
        """A ``ceterms:CredentialAlignmentObject`` (a blank node) pointing at *topic*."""
        out: dict[str, Any] = {
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:targetNode": str(topic),
            "ceterms:targetNodeName": _language_map(
                self.texts(topic, SKOS.prefLabel) or [Literal(self.label(topic))], single=True
            ),
        }
        schemes = self.iris(topic, SKOS.inScheme)
        if schemes:
            out["ceterms:framework"] = str(schemes[0])
            out["ceterms:frameworkName"] = _language_map([Literal(self.label(schemes[0]))], single=True)
        return out

    # -- the node kinds ---------------------------------------------------------------------

    def organization(self, node: URIRef) -> Document:
        owns = sorted(c for c in self.g.subjects(IMH.awardedBy, node) if isinstance(c, URIRef))
        offers = sorted(p for p in self.g.subjects(IMH.offeredBy, node) if isinstance(p, URIRef))
        ctdl_type = "ceterms:CredentialOrganization" if owns or offers else "ceterms:Organization"
        out = self._top(node, ctdl_type)
        self._names_and_codes(node, out, coded_notation=False)
        self._webpage_into(node, [node], out)
        for predicate in (CETERMS.agentType, CETERMS.agentSectorType):
            self._concepts(node, predicate, out)
        emails = self.strings(node, SCHEMA.email, CETERMS.email)
        if emails:
            out["ceterms:email"] = [e.removeprefix("mailto:") for e in emails]
        addresses = [self._address(a) for a in self.g.objects(node, SCHEMA.address)]
        addresses = [a for a in addresses if len(a) > 1]
        if addresses:
            out["ceterms:address"] = sorted(addresses, key=lambda a: json.dumps(a, sort_keys=True))
        founding = self.strings(node, SCHEMA.foundingDate)
        if founding:
            out["ceterms:foundingDate"] = founding[0]
        parents = self.iris(node, SCHEMA.parentOrganization)
        if parents:
            out["ceterms:parentOrganization"] = [str(p) for p in parents]
        if owns:
            out["ceterms:owns"] = [str(c) for c in owns]
        if offers:
            out["ceterms:offers"] = [str(p) for p in offers]
        return self._document(node, "organization", out)

    def _address(self, node: Any) -> dict[str, Any]:
        if isinstance(node, Literal):
            return {"@type": "ceterms:Place", "ceterms:streetAddress": _language_map([node], single=True)}
        out: dict[str, Any] = {"@type": "ceterms:Place"}
        for local in ("streetAddress", "addressLocality", "addressRegion", "addressCountry"):
            values = self.texts(node, SCHEMA[local])
            if values:
                out["ceterms:" + local] = _language_map(values, single=True)
        for local in ("postalCode", "postOfficeBoxNumber"):
            values = self.strings(node, SCHEMA[local])
            if values:
                out["ceterms:" + local] = values[0]
        return out

    def credential_type(self, node: URIRef) -> str:
        types = set(self.g.objects(node, RDF.type))
        ctdl_type = next(t for cls, t in CREDENTIAL_CLASSES if cls in types or cls == IMH.Credential)
        if ctdl_type == "ceterms:Degree":
            return degree_type(self.label(node)) or ctdl_type
        return ctdl_type

    def credential(self, node: URIRef) -> Document:
        out = self._top(node, self.credential_type(node))
        self._names_and_codes(node, out, coded_notation=False)
        owners = self.iris(node, IMH.awardedBy)
        self._webpage_into(node, owners, out)
        if owners:
            out["ceterms:ownedBy"] = [str(o) for o in owners]
        self._concepts(node, CETERMS.credentialStatusType, out)
        languages = self._languages(node)
        if languages:
            out["ceterms:inLanguage"] = languages
        condition = self._entry_condition(node, f"To earn {self.label(node)}", always=True)
        assert condition is not None
        required = self.iris(node, IMH.requiresTopic)
        if required:
            condition["ceterms:targetCompetency"] = [self.alignment(t) for t in required]
        awarding = sorted(p for p in self.g.subjects(IMH.awards, node) if isinstance(p, URIRef))
        if awarding:
            condition["ceterms:targetLearningOpportunity"] = [str(p) for p in awarding]
        out["ceterms:requires"] = [condition]
        return self._document(node, "credential", out)

    def _learning_opportunity(self, node: URIRef, ctdl_type: str, organizations: Sequence[URIRef],
                              programs: Sequence[URIRef] = ()) -> dict[str, Any]:
        out = self._top(node, ctdl_type)
        self._names_and_codes(node, out, coded_notation=True)
        self._webpage_into(node, organizations, out, programs)
        self._concepts(node, CETERMS.lifeCycleStatusType, out)
        languages = self._languages(node)
        if languages:
            out["ceterms:inLanguage"] = languages
        for predicate in (CETERMS.availableOnlineAt, CETERMS.availabilityListing):
            pages = self.iris(node, predicate)
            if pages:
                out["ceterms:" + predicate.split("/")[-1]] = [str(p) for p in pages]
        modes = [DELIVERY_MODES[m.strip().lower()] for m in self.strings(node, IMH.deliveryMode)
                 if m.strip().lower() in DELIVERY_MODES]
        if modes:
            out["ceterms:deliveryType"] = [_concept_alignment(m) for m in sorted(set(modes))]
        durations = [{"@type": "ceterms:DurationProfile", "ceterms:exactDuration": d}
                     for d in self.strings(node, IMH.duration)]
        durations += [{"@type": "ceterms:DurationProfile", "ceterms:description": _language_map([text], single=True)}
                      for text in self.texts(node, IMH.durationText)]
        if durations:
            out["ceterms:estimatedDuration"] = durations
        credits = self._credit_values(node)
        if credits:
            out["ceterms:creditValue"] = credits
        return out

    def _credit_values(self, node: URIRef) -> list[dict[str, Any]]:
        """A course's credits (with their unit: a CTDL concept where the words name one, and the
        words themselves) and clock hours, as ``ceterms:ValueProfile`` blank nodes."""
        out = []
        credits = self.number(node, IMH.credits)
        if credits is not None:
            value: dict[str, Any] = {"@type": "ceterms:ValueProfile", "schema:value": _number(credits)}
            for words in self.texts(node, IMH.creditUnit)[:1]:
                unit = CREDIT_UNITS.get(str(words).strip().lower())
                if unit is not None:
                    value["ceterms:creditUnitType"] = [_concept_alignment(unit)]
                value["schema:description"] = _language_map([words], single=True)
            out.append(value)
        hours = self.number(node, IMH.clockHours)
        if hours is not None:
            out.append({
                "@type": "ceterms:ValueProfile",
                "schema:value": _number(hours),
                "ceterms:creditUnitType": [_concept_alignment(str(CREDIT_UNIT.ClockHour))],
            })
        return out

    def program(self, node: URIRef) -> Document:
        offered = self.iris(node, IMH.offeredBy)
        out = self._learning_opportunity(node, "ceterms:LearningProgram", offered)
        if offered:
            out["ceterms:offeredBy"] = [str(o) for o in offered]
        courses = self.iris(node, IMH.hasCourse)
        if courses:
            out["ceterms:hasPart"] = [str(c) for c in courses]
        covered = self._covers.get(node, set())
        teaches = [self.alignment(t) for t in sorted(covered) if t in self.topics]
        if teaches:
            out["ceterms:teaches"] = teaches
        entry = self._entry_condition(node, f"To enrol in {self.label(node)}")
        if entry is not None:
            out["ceterms:requires"] = [entry]
        prepares = self.iris(node, IMH.preparesFor)
        if prepares:
            names = ", ".join(self.label(c) for c in prepares)
            out["ceterms:isPreparationFor"] = [{
                "@type": "ceterms:ConditionProfile",
                "ceterms:description": _language_map(
                    [Literal(f"{self.label(node)} prepares its graduates to apply for: {names}.")], single=True
                ),
                "ceterms:targetCredential": [str(c) for c in prepares],
            }]
        return self._document(node, "learning program", out)

    def course(self, node: URIRef) -> Document:
        programs = sorted(p for p in self.g.subjects(IMH.hasCourse, node) if isinstance(p, URIRef))
        organizations = sorted({o for p in programs for o in self.iris(p, IMH.offeredBy)})
        out = self._learning_opportunity(node, "ceterms:Course", organizations, programs)
        if organizations:
            out["ceterms:offeredBy"] = [str(o) for o in organizations]
        if programs:
            out["ceterms:isPartOf"] = [str(p) for p in programs]
        teaches = [self.alignment(t) for t in self.iris(node, IMH.covers) if t in self.topics]
        if teaches:
            out["ceterms:teaches"] = teaches
        return self._document(node, "course", out)

    def _entry_condition(self, node: URIRef, opening: str, *, always: bool = False) -> dict[str, Any] | None:
        """The ``ceterms:ConditionProfile`` (a blank node) of what *node* asks of applicants, or
        None if nothing is known (and *always* is false)."""
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
            parts.append(f"at least {_text(years)} year{'' if years == 1 else 's'} of relevant work experience")
        if hours is not None:
            parts.append(f"at least {_text(hours)} clock hours of specialized training")
        if supervision is not None and supervision > 0:
            text = f"at least {_text(supervision)} hours of reflective supervision or consultation"
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
            parts.append(f"knowledge of {len(topics)} required competency area{'' if len(topics) == 1 else 's'}")
        if programs:
            parts.append("completing " + " or ".join(self.label(p) for p in programs))
        if parts:
            description = f"{opening}: " + "; ".join(parts) + "."
        else:
            description = f"{opening}: see the subject webpage for the requirements."
        if alternative is not None:
            description += (
                f" Instead of the education requirement, at least {_text(alternative)} years of paid "
                "relevant work experience are accepted."
            )

        out: dict[str, Any] = {
            "@type": "ceterms:ConditionProfile",
            "ceterms:name": _language_map([Literal(f"Requirements: {self.label(node)}")], single=True),
            "ceterms:description": _language_map([Literal(description)], single=True),
        }
        levels = [a for e in education for a in self.iris(e, SKOS.relatedMatch) if str(a).startswith(str(AUDLEVEL))]
        levels = [a for a in levels if concept(str(a)) is not None]
        if levels:
            # The level the resource is FOR (imh.ttl: each education level's related audLevel);
            # a level with none (a CDA, a doctorate) is stated in the description only.
            out["ceterms:audienceLevelType"] = [_concept_alignment(str(a)) for a in sorted(set(levels))]
        if years is not None:
            out["ceterms:yearsOfExperience"] = _number(years)
        if hours is not None:
            out["ceterms:creditValue"] = [{
                "@type": "ceterms:ValueProfile",
                "schema:value": _number(hours),
                "ceterms:creditUnitType": [_concept_alignment(str(CREDIT_UNIT.ClockHour))],
            }]
        if conditions:
            out["ceterms:condition"] = _language_map([Literal(c) for c in conditions])
        if alternative is not None:
            out["ceterms:alternativeCondition"] = [{
                "@type": "ceterms:ConditionProfile",
                "ceterms:description": _language_map([Literal(
                    f"Instead of the education requirement: at least {_text(alternative)} years of paid "
                    "relevant work experience."
                )], single=True),
                "ceterms:yearsOfExperience": _number(alternative),
            }]
        routes = self.iris(node, IMH.entryRoute)
        if routes:
            # imh:entryRoute: alternatives, any one of which suffices (with the rest above).
            out.setdefault("ceterms:alternativeCondition", []).extend(self._route(r) for r in routes)
            out["ceterms:description"] = _language_map(
                [Literal(description + " One of the alternative conditions (entry routes) is also required.")],
                single=True,
            )
        return out

    def _route(self, route: URIRef) -> dict[str, Any]:
        """One ``imh:EntryRoute`` as an alternative ``ceterms:ConditionProfile`` (a blank node),
        described in words: its years are not always years of general experience (a graduate
        internship), so no ``ceterms:yearsOfExperience`` is claimed for it."""
        return {
            "@type": "ceterms:ConditionProfile",
            "ceterms:description": _language_map([Literal(self.label(route))], single=True),
        }

    def framework(self, scheme: URIRef) -> Document:
        out = self._top(scheme, "ceasn:CompetencyFramework", asn=True)
        del out["@context"]
        members = sorted(t for t in self.topics if scheme in set(self.g.objects(t, SKOS.inScheme)))
        languages = self._languages(scheme) or sorted({_language(v) for t in members
                                                       for v in self.texts(t, SKOS.prefLabel)})
        # The language of a framework and of its competencies is the language their text is
        # written in (CTDL-ASN: "the language the text is primarily written in").
        if languages:
            out["ceasn:inLanguage"] = languages
        publishers = self.iris(scheme, DCTERMS.publisher, CEASN.publisher)
        if publishers:
            out["ceasn:publisher"] = [str(p) for p in publishers]
        top = set(self.g.objects(scheme, SKOS.hasTopConcept)) | set(self.g.subjects(SKOS.topConceptOf, scheme))
        top_children = sorted(t for t in top if t in self.topics)
        if top_children:
            out["ceasn:hasTopChild"] = [str(t) for t in top_children]
        competencies = [self.competency(t, scheme, t in top) for t in members]
        body = {"@context": CTDLASN_CONTEXT_URL, "@graph": [out, *competencies]}
        return Document(out["ceterms:ctid"], "competency framework", str(scheme), self.label(scheme), body)

    def competency(self, topic: URIRef, scheme: URIRef, is_top: bool) -> dict[str, Any]:
        texts = self.texts(topic, SKOS.prefLabel) or [Literal(self.label(topic))]
        out: dict[str, Any] = {
            "@id": str(topic),
            "@type": "ceasn:Competency",
            "ceterms:ctid": ctid(str(topic)),
            "ceasn:competencyText": _language_map(texts, single=True),
            "ceasn:inLanguage": sorted({_language(t) for t in texts}),
            "ceasn:isPartOf": [str(scheme)],
        }
        definitions = [clean_text(str(d)) for d in self.texts(topic, SKOS.definition)]
        if any(definitions):
            out["ceasn:comment"] = _language_map([Literal(d) for d in definitions if d])
        if is_top:
            out["ceasn:isTopChildOf"] = [str(scheme)]
        parents = {b for b in self.g.objects(topic, SKOS.broader) if b in self.topics}
        parents |= {b for b in self.g.subjects(SKOS.narrower, topic) if b in self.topics}
        if parents:
            out["ceasn:isChildOf"] = sorted(str(p) for p in parents)
        children = {c for c in self.g.subjects(SKOS.broader, topic) if c in self.topics}
        children |= {c for c in self.g.objects(topic, SKOS.narrower) if c in self.topics}
        if children:
            out["ceasn:hasChild"] = sorted(str(c) for c in children)
        return out

    def _document(self, node: URIRef, kind: str, body: dict[str, Any]) -> Document:
        return Document(body["ceterms:ctid"], kind, str(node), self.label(node), body)


def degree_type(name: str) -> str | None:
    """The CTDL degree subtype that the degree abbreviation in *name* states (``MA`` →
    ``ceterms:MasterDegree``), or None when the name states none."""
    for pattern, ctdl_type in DEGREE_NAMES:
        if pattern.search(name):
            return ctdl_type
    return None


def is_code(text: str) -> bool:
    """True for a short code such as ``IMHS`` or ``IMHM-C`` (how the importer tells an
    ``imh:code`` from other alternate names)."""
    return len(text) <= 12 and bool(_CODE.match(text))


def _concept_alignment(iri: str) -> dict[str, Any]:
    known = concept(iri)
    assert known is not None, iri
    return {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:framework": known["scheme"],
        "ceterms:frameworkName": {"en-US": known["schemeLabel"]},
        "ceterms:targetNode": iri,
        "ceterms:targetNodeName": {"en-US": known["label"]},
    }


def _language(value: Literal) -> str:
    return value.language or DEFAULT_LANGUAGE


def _language_map(values: Iterable[Literal], *, single: bool = False) -> dict[str, Any]:
    # CTDL writes text as language maps ({"en": "…"}); several values in one language become a
    # list, except for single-valued properties (name, description), which keep the first.
    by_language: dict[str, list[str]] = {}
    for v in values:
        texts = by_language.setdefault(_language(v), [])
        if str(v) not in texts:
            texts.append(str(v))
    return {
        lang: (texts[0] if single or len(texts) == 1 else texts)
        for lang, texts in sorted(by_language.items())
    }


def _number(value: Decimal) -> int | float:
    # Numbers as JSON numbers: whole numbers as integers, others as floats (xsd:float in CTDL).
    return int(value) if value == value.to_integral_value() else float(value)


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _article(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


__all__ = [
    "Document", "KINDS", "build_documents", "clean_text", "ctid", "degree_type", "is_code",
    "site", "to_ctdl", "to_jsonl",
]
