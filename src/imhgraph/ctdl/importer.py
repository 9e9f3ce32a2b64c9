"""CTDL JSON-LD documents, as a Credential Registry publishes them, turned into imhgraph facts.

Reads one document, a JSON Lines file of documents (what ``export --format ctdl`` writes), or a
folder of them; resources may be top-level objects or members of ``@graph``, embedded objects
blank nodes or ``_:`` identifiers, text language maps or plain strings. The official context
URLs (``http://`` or ``https://``) are resolved to the bundled copies; no URL is fetched.

The mapping is the reverse of :mod:`imhgraph.ctdl.export`, property for property:

* organizations, credentials, learning programs (and learning opportunity profiles), courses,
  competency frameworks and competencies → ``imh:Organization``, ``imh:Endorsement`` /
  ``imh:Certificate`` / ``imh:Degree`` / ``imh:Credential``, ``imh:TrainingProgram``,
  ``imh:Course``, ``skos:ConceptScheme``, ``skos:Concept`` (``imh:Topic`` when it belongs to the
  imhgraph topic scheme);
* names, descriptions, alternate names (a short code such as ``IMHS`` → ``imh:code``), web
  pages, owners and offerers, taught and required competencies, entry conditions (audience
  level → education level, years of experience, alternative years, clock hours), preparation
  for credentials, courses, delivery type, duration; Registry facts without an imh term
  (status, language, agent type and sector, availability) keep their CTDL property.

Text in ``en`` becomes an untagged literal (imhgraph's data is English by convention); other
language tags are kept. Every imported resource names where its facts come from
(``dcterms:source``): its subject webpage, else its Registry ``@id``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .. import resources
from ..errors import InputFileError
from ..namespaces import BASE, IMH, SCHEMA, TOPIC_SCHEME, bind_all
from .export import DEFAULT_LANGUAGE, DELIVERY_MODES, is_code
from .vocab import CEASN, CETERMS, CONTEXT_FILES, CREDIT_UNIT, context

_OLD_NAMESPACES = {
    "http://purl.org/ctdl/terms/": str(CETERMS),
    "http://purl.org/ctdlasn/terms/": str(CEASN),
    "http://purl.org/ctdl/vocabs/": "https://purl.org/ctdl/vocabs/",
    "http://schema.org/": str(SCHEMA),
}
_ORGANIZATIONS = {"CredentialOrganization", "Organization", "QACredentialOrganization"}
_PROGRAMS = {"LearningProgram", "LearningOpportunityProfile"}
_DELIVERY_WORDS = {iri: words for words, iri in DELIVERY_MODES.items()}


@dataclass(frozen=True)
class CtdlImport:
    """What the documents became: the imhgraph graph, counts and notes."""

    graph: Graph
    documents: int
    counts: dict[str, int]
    notes: tuple[str, ...] = ()

    def summary(self, source: str) -> str:
        """One line for the user: what was imported from *source*."""
        parts = ", ".join(f"{n} {kind}" for kind, n in self.counts.items() if n)
        return f"imported {parts or 'nothing'} from {self.documents} CTDL document(s) in {source}"

    def turtle(self) -> str:
        """The graph as canonical Turtle."""
        from ..export import to_turtle

        return to_turtle(self.graph)


def read_documents(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, document)`` for every JSON document in *path*: a ``.json``/``.jsonld`` file, a
    JSON Lines file (``.jsonl``, one document a line) or a folder of such files (sorted).

    :raises InputFileError: a missing path, a file that is not JSON, or a folder without any.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".json", ".jsonld", ".jsonl") and p.is_file())
        if not files:
            raise InputFileError(f"{path}: no .json, .jsonld or .jsonl files in this folder",
                                 hint="Give a CTDL document, a JSON Lines file or a folder of them.")
    elif path.is_file():
        files = [path]
    else:
        raise InputFileError(f"{path}: no such file or folder")
    from ..load import read_input, require_regular_file

    for file in files:
        require_regular_file(file)
        try:
            text = read_input(file).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputFileError(f"{file}: cannot be read as UTF-8 text ({exc})") from exc
        lines = [(i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]
        chunks = [(f"{file}:{i}", line) for i, line in lines] if file.suffix == ".jsonl" else [(str(file), text)]
        for where, chunk in chunks:
            try:
                document = json.loads(chunk)
            except json.JSONDecodeError as exc:
                raise InputFileError(f"{where}: not JSON ({exc.msg}, line {exc.lineno} column {exc.colno})",
                                     hint="A CTDL document is a JSON-LD object; JSON Lines files hold one a line.") from exc
            for item in document if isinstance(document, list) else [document]:
                if not isinstance(item, dict):
                    raise InputFileError(f"{where}: not a JSON-LD object")
                yield where, item


def ctdl_graph(documents: Iterable[tuple[str, dict[str, Any]]]) -> tuple[Graph, int]:
    """The RDF of *documents* (CTDL terms, https namespaces) and how many there were."""
    import rdflib

    graph = Graph()
    count = 0
    # Literals as written: rdflib rewrites known datatypes as it parses ("P20M"^^xsd:duration
    # would come back "P1Y8M"), which would change the facts a round trip must give back.
    written = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        for where, document in documents:
            count += 1
            resolved = {**document, "@context": _resolve_context(document.get("@context"), where)}
            try:
                graph.parse(data=json.dumps(resolved), format="json-ld")
            except Exception as exc:  # rdflib raises many kinds for bad JSON-LD
                raise InputFileError(f"{where}: not valid JSON-LD ({exc})") from exc
    finally:
        rdflib.NORMALIZE_LITERALS = written
    normalized = Graph()
    for s, p, o in graph:
        normalized.add((_normalize(s), _normalize(p), _normalize(o)))
    return normalized, count


def import_ctdl(path: str | Path) -> CtdlImport:
    """Read the CTDL documents at *path* (file or folder) and map them to imhgraph facts.

    :raises InputFileError: unreadable input, or a context that is neither inline nor CTDL's.
    """
    source, count = ctdl_graph(read_documents(path))
    return _Importer(source).run(count)


def _resolve_context(value: Any, where: str) -> Any:
    if isinstance(value, list):
        return [_resolve_context(v, where) for v in value]
    if isinstance(value, str):
        if value in CONTEXT_FILES:
            return context(value)
        raise InputFileError(
            f"{where}: the context {value} is not a CTDL or CTDL-ASN context; imhgraph fetches nothing",
            hint="Use the official CTDL context URL, or put the context inline in the document.",
        )
    return value if value is not None else {}


def _normalize(term: Any) -> Any:
    if isinstance(term, URIRef):
        for old, new in _OLD_NAMESPACES.items():
            if term.startswith(old):
                return URIRef(new + term[len(old):])
    return term


class _Importer:
    def __init__(self, source: Graph) -> None:
        self.s = source
        self.g = bind_all(Graph())
        self.counts = {"organizations": 0, "credentials": 0, "programs": 0, "courses": 0,
                       "frameworks": 0, "competencies": 0}
        self.notes: list[str] = []
        vocabulary = Graph()
        for file in resources.vocabulary_files():
            if file.name == "imh.ttl":
                vocabulary.parse(file, format="turtle")
        # audLevel concept → the imhgraph education level it is the audience level of.
        self.levels = {o: s for s, o in vocabulary.subject_objects(SKOS.relatedMatch)
                       if str(s).startswith(BASE + "education/")}
        self.topics: set[Any] = set()

    # -- helpers ----------------------------------------------------------------------------

    def typed(self, local_names: set[str], ns: Any = CETERMS) -> list[Any]:
        found = {s for s, t in self.s.subject_objects(RDF.type)
                 if str(t).startswith(str(ns)) and str(t)[len(str(ns)):] in local_names}
        anonymous = [s for s in found if not isinstance(s, URIRef)]
        if anonymous:
            # Resources described inside another (an accrediting body, say) have no IRI of
            # their own; imhgraph resources need one, so they are left out.
            self.notes.append(f"{len(anonymous)} embedded {'/'.join(sorted(local_names))} without an IRI left out")
        return sorted(s for s in found if isinstance(s, URIRef))

    def local_type(self, node: Any) -> str:
        return next((str(t)[len(str(CETERMS)):] for t in self.s.objects(node, RDF.type)
                     if str(t).startswith(str(CETERMS))), "")

    def text(self, node: Any, source_p: Any, target_p: Any, subject: Any = None) -> None:
        for value in self.s.objects(node, source_p):
            if isinstance(value, Literal):
                self.g.add((subject if subject is not None else node, target_p, _literal(value)))

    def links(self, node: Any, predicate: Any) -> list[Any]:
        return sorted(o for o in self.s.objects(node, predicate) if isinstance(o, URIRef))

    def targets(self, node: Any, predicate: Any) -> list[Any]:
        """The targetNodes of the alignment objects under *predicate* (or direct IRIs)."""
        found = set()
        for value in self.s.objects(node, predicate):
            target = self.s.value(value, CETERMS.targetNode)
            found.add(target if target is not None else value)
        return sorted(t for t in found if isinstance(t, URIRef))

    def numbers(self, node: Any, predicate: Any) -> list[Literal]:
        out = []
        for value in self.s.objects(node, predicate):
            try:
                number = Decimal(str(value))
            except (InvalidOperation, ValueError):
                continue
            if number.is_finite():
                out.append(Literal(_plain(number), datatype=XSD.decimal))
        return out

    def common(self, node: Any, imh_type: Any, *, code_names: bool) -> None:
        self.g.add((node, RDF.type, imh_type))
        self.text(node, CETERMS.name, RDFS.label)
        self.text(node, CETERMS.description, RDFS.comment)
        coded = {str(c) for c in self.s.objects(node, CETERMS.codedNotation)}
        for alternate in self.s.objects(node, CETERMS.alternateName):
            if str(alternate) in coded:
                continue  # a program's code, written as its coded notation and alternate name
            if code_names and is_code(str(alternate)):
                self.g.add((node, IMH.code, Literal(str(alternate))))
            else:
                self.g.add((node, SCHEMA.alternateName, _literal(alternate)))
        pages = self.links(node, CETERMS.subjectWebpage)
        for page in pages:
            self.g.add((node, SCHEMA.url, page))
        source = pages[0] if pages else node
        if isinstance(source, URIRef) and not str(source).startswith(BASE):
            self.g.add((node, DCTERMS.source, source))
        for predicate in (CETERMS.inLanguage, CETERMS.availableOnlineAt, CETERMS.availabilityListing):
            for value in self.s.objects(node, predicate):
                self.g.add((node, predicate, value if isinstance(value, URIRef) else Literal(str(value))))
        for predicate in (CETERMS.credentialStatusType, CETERMS.lifeCycleStatusType,
                          CETERMS.agentType, CETERMS.agentSectorType):
            for target in self.targets(node, predicate):
                self.g.add((node, predicate, target))

    # -- the kinds --------------------------------------------------------------------------

    def run(self, documents: int) -> CtdlImport:
        for scheme in self.typed({"CompetencyFramework"}, CEASN):
            self.framework(scheme)
        for competency in self.typed({"Competency"}, CEASN):
            self.competency(competency)
        for org in self.typed(_ORGANIZATIONS):
            self.organization(org)
        credential_types = {str(t)[len(str(CETERMS)):] for t in self.s.objects(None, RDF.type)
                            if str(t).startswith(str(CETERMS)) and _is_credential(str(t)[len(str(CETERMS)):])}
        for credential in self.typed(credential_types):
            self.credential(credential)
        for program in self.typed(_PROGRAMS):
            self.program(program)
        for course in self.typed({"Course"}):
            self.course(course)
        # Facts imhgraph requires that the documents do not give: said, never made up.
        for program in sorted(set(self.g.subjects(RDF.type, IMH.TrainingProgram))):
            if self.g.value(program, IMH.offeredBy) is None:
                self.notes.append(f"{program}: the documents name no organization that offers it "
                                  "(imhgraph requires imh:offeredBy; add it before using the data)")
        return CtdlImport(self.g, documents, dict(self.counts), tuple(self.notes))

    def framework(self, node: Any) -> None:
        self.counts["frameworks"] += 1
        self.g.add((node, RDF.type, SKOS.ConceptScheme))
        self.text(node, CEASN.name, SKOS.prefLabel)
        self.text(node, CEASN.description, SKOS.definition)
        for publisher in self.links(node, CEASN.publisher):
            self.g.add((node, DCTERMS.publisher, publisher))
        for top in self.links(node, CEASN.hasTopChild):
            self.g.add((node, SKOS.hasTopConcept, top))
            self.g.add((top, SKOS.topConceptOf, node))

    def competency(self, node: Any) -> None:
        self.counts["competencies"] += 1
        schemes = self.links(node, CEASN.isPartOf)
        self.g.add((node, RDF.type, SKOS.Concept))
        if TOPIC_SCHEME in schemes or any(str(s).startswith(BASE) for s in schemes):
            self.g.add((node, RDF.type, IMH.Topic))
            self.topics.add(node)
        self.text(node, CEASN.competencyText, SKOS.prefLabel)
        self.text(node, CEASN.comment, SKOS.definition)
        for scheme in schemes:
            self.g.add((node, SKOS.inScheme, scheme))
        for scheme in self.links(node, CEASN.isTopChildOf):
            self.g.add((node, SKOS.topConceptOf, scheme))
            self.g.add((scheme, SKOS.hasTopConcept, node))
        for parent in self.links(node, CEASN.isChildOf):
            self.g.add((node, SKOS.broader, parent))
        for child in self.links(node, CEASN.hasChild):
            self.g.add((child, SKOS.broader, node))

    def organization(self, node: Any) -> None:
        self.counts["organizations"] += 1
        self.common(node, IMH.Organization, code_names=False)
        for email in self.s.objects(node, CETERMS.email):
            self.g.add((node, SCHEMA.email, Literal(str(email))))
        for place in self.s.objects(node, CETERMS.address):
            address = BNode()
            self.g.add((node, SCHEMA.address, address))
            self.g.add((address, RDF.type, SCHEMA.PostalAddress))
            for local in ("streetAddress", "addressLocality", "addressRegion", "addressCountry"):
                self.text(place, CETERMS[local], SCHEMA[local], subject=address)
            for local in ("postalCode", "postOfficeBoxNumber"):
                for value in self.s.objects(place, CETERMS[local]):
                    self.g.add((address, SCHEMA[local], Literal(str(value))))
        for value in self.s.objects(node, CETERMS.foundingDate):
            self.g.add((node, SCHEMA.foundingDate, _date(str(value))))
        for parent in self.links(node, CETERMS.parentOrganization):
            self.g.add((node, SCHEMA.parentOrganization, parent))
        for credential in self.links(node, CETERMS.owns):
            self.g.add((credential, IMH.awardedBy, node))
        for program in self.links(node, CETERMS.offers):
            if self.local_type(program) in _PROGRAMS or (program, RDF.type, None) not in self.s:
                self.g.add((program, IMH.offeredBy, node))

    def credential(self, node: Any) -> None:
        self.counts["credentials"] += 1
        local = self.local_type(node)
        imh_type = (IMH.Endorsement if local == "Certification" else
                    IMH.Degree if local.endswith(("Degree", "Doctorate")) else
                    IMH.Certificate if "Certificate" in local else IMH.Credential)
        self.common(node, imh_type, code_names=True)
        for owner in self.links(node, CETERMS.ownedBy) + self.links(node, CETERMS.offeredBy):
            self.g.add((node, IMH.awardedBy, owner))
        for condition in self.s.objects(node, CETERMS.requires):
            self.condition(node, condition)
            for topic in self.targets(condition, CETERMS.targetCompetency):
                self.covered(node, IMH.requiresTopic, topic)
            for program in self.links(condition, CETERMS.targetLearningOpportunity):
                self.g.add((program, IMH.awards, node))

    def condition(self, node: Any, condition: Any) -> None:
        for level in self.targets(condition, CETERMS.audienceLevelType):
            if level in self.levels:
                self.g.add((node, IMH.requiresEducation, self.levels[level]))
        for years in self.numbers(condition, CETERMS.yearsOfExperience):
            self.g.add((node, IMH.minYearsExperience, years))
        for alternative in self.s.objects(condition, CETERMS.alternativeCondition):
            for years in self.numbers(alternative, CETERMS.yearsOfExperience):
                self.g.add((node, IMH.alternativeMinYearsExperience, years))
        for value in self.s.objects(condition, CETERMS.creditValue):
            if CREDIT_UNIT.ClockHour in self.targets(value, CETERMS.creditUnitType):
                for hours in self.numbers(value, SCHEMA.value):
                    self.g.add((node, IMH.minTrainingHours, hours))

    def covered(self, node: Any, predicate: Any, topic: Any) -> None:
        if topic in self.topics or str(topic).startswith(BASE + "topic/"):
            self.g.add((node, predicate, topic))
        else:
            self.notes.append(f"{node}: {topic} is not a topic of the imhgraph topic scheme; left out")

    def _learning(self, node: Any, imh_type: Any) -> None:
        # A program's or course's code is its coded notation; other alternate names stay names.
        self.common(node, imh_type, code_names=False)
        for code in self.s.objects(node, CETERMS.codedNotation):
            self.g.add((node, IMH.code, Literal(str(code))))
        # A program teaches what its courses teach too; those topics stay with the courses
        # (imhgraph derives a program's coverage through its courses).
        through_courses = {t for c in self.links(node, CETERMS.hasPart) for t in self.targets(c, CETERMS.teaches)}
        for topic in self.targets(node, CETERMS.teaches):
            if topic not in through_courses:
                self.covered(node, IMH.covers, topic)
        for mode in self.targets(node, CETERMS.deliveryType):
            if str(mode) in _DELIVERY_WORDS:
                self.g.add((node, IMH.deliveryMode, Literal(_DELIVERY_WORDS[str(mode)])))
        for profile in self.s.objects(node, CETERMS.estimatedDuration):
            exact = list(self.s.objects(profile, CETERMS.exactDuration))
            for duration in exact:
                self.g.add((node, IMH.duration, Literal(str(duration), datatype=XSD.duration, normalize=False)))
            if not exact:
                self.text(profile, CETERMS.description, IMH.durationText, subject=node)
        for value in self.s.objects(node, CETERMS.creditValue):
            units = self.targets(value, CETERMS.creditUnitType)
            if units == [CREDIT_UNIT.ClockHour]:
                for hours in self.numbers(value, SCHEMA.value):
                    self.g.add((node, IMH.clockHours, hours))
                continue
            for credits in self.numbers(value, SCHEMA.value):
                self.g.add((node, IMH.credits, credits))
            self.text(value, SCHEMA.description, IMH.creditUnit, subject=node)

    def program(self, node: Any) -> None:
        self.counts["programs"] += 1
        self._learning(node, IMH.TrainingProgram)
        for org in self.links(node, CETERMS.offeredBy) + self.links(node, CETERMS.ownedBy):
            self.g.add((node, IMH.offeredBy, org))
        for course in self.links(node, CETERMS.hasPart):
            self.g.add((node, IMH.hasCourse, course))
        for condition in self.s.objects(node, CETERMS.requires):
            self.condition(node, condition)
        for condition in self.s.objects(node, CETERMS.isPreparationFor):
            for credential in self.links(condition, CETERMS.targetCredential):
                self.g.add((node, IMH.preparesFor, credential))

    def course(self, node: Any) -> None:
        self.counts["courses"] += 1
        self._learning(node, IMH.Course)
        for program in self.links(node, CETERMS.isPartOf):
            self.g.add((program, IMH.hasCourse, node))


def _is_credential(local: str) -> bool:
    return local.endswith(("Degree", "Doctorate", "Certificate", "Certification", "License", "Badge",
                           "Diploma", "MicroCredential", "Credential", "GeneralEducationDevelopment"))


def _literal(value: Any) -> Literal:
    if isinstance(value, Literal) and value.language and value.language.lower() == DEFAULT_LANGUAGE:
        return Literal(str(value))
    if isinstance(value, Literal) and value.language:
        return Literal(str(value), lang=value.language)
    return Literal(str(value))


def _date(text: str) -> Literal:
    # CTDL writes a founding date as text; imhgraph types it as a year, year-month or date.
    for pattern, datatype in ((r"\d{4}", XSD.gYear), (r"\d{4}-\d{2}", XSD.gYearMonth), (r"\d{4}-\d{2}-\d{2}", XSD.date)):
        if re.fullmatch(pattern, text):
            return Literal(text, datatype=datatype)
    return Literal(text)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


__all__ = ["CtdlImport", "ctdl_graph", "import_ctdl", "read_documents"]
