"""Two versions of the data compared as graphs and reported in the domain's words.

Each side (files or folders) is parsed by the same loader as every other command
(:func:`~imhgraph.stores.graph_from_files`). The two graphs are first compared as
graphs (:mod:`rdflib.compare`, so blank-node labels and serialization do not matter);
only if they differ are the differences described resource by resource: programs,
credentials and organizations added or removed, topics gained or lost per program,
requirement, coverage, label and source changes. Statements about blank nodes that no
named resource explains are listed as statements.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from .namespaces import IMH, short_id, show_term
from .blocks import Blocks, Line
from .render import Result, Table

#: kind of resource (as reported) → the class its members belong to (subclasses included).
#: Order matters: the first kind whose class a resource has wins (a profession is also a concept).
KINDS: tuple[tuple[str, URIRef], ...] = (
    ("program", IMH.TrainingProgram),
    ("course", IMH.Course),
    ("credential", IMH.Credential),
    ("organization", IMH.Organization),
    ("profession", IMH.Profession),
    ("education level", IMH.EducationLevel),
    ("entry route", IMH.EntryRoute),
    ("topic", IMH.Topic),
    ("topic", SKOS.Concept),
    ("scheme", SKOS.ConceptScheme),
)
_KIND_ORDER = ["organization", "program", "course", "credential", "topic", "scheme", "profession",
               "education level", "entry route", "resource", "statement"]

#: property → the name a program director uses for it.
PROPERTY_NAMES: dict[URIRef, str] = {
    RDF.type: "type",
    RDFS.label: "label",
    SKOS.prefLabel: "label",
    SKOS.altLabel: "other name",
    SKOS.definition: "definition",
    SKOS.broader: "broader topic",
    RDFS.comment: "note",
    IMH.offeredBy: "offered by",
    IMH.awardedBy: "awarded by",
    IMH.awards: "awards",
    IMH.preparesFor: "prepares for",
    IMH.covers: "topic",
    IMH.coverageComplete: "coverage complete",
    IMH.requiresEducation: "education",
    IMH.minYearsExperience: "years of experience",
    IMH.alternativeMinYearsExperience: "alternative years of experience",
    IMH.minTrainingHours: "training hours",
    IMH.minReflectiveSupervisionHours: "reflective supervision hours",
    IMH.requiresExam: "exam",
    IMH.requiresTopic: "required topic",
    IMH.admitsProfession: "admitted profession",
    IMH.audienceProfession: "trainee profession (description)",
    IMH.entryRoute: "entry route",
    IMH.includesCriteriaOf: "includes the criteria of",
    IMH.minYearsProvidingSupervision: "years providing reflective supervision",
    IMH.minYearsPolicyLeadership: "years of policy leadership",
    IMH.minYearsTeachingResearch: "years of teaching or research",
    IMH.minYearsInternship: "years of graduate internship",
    IMH.minFamiliesServed: "families served",
    IMH.requiresEnrolmentAt: "enrolment at",
    IMH.otherRequirement: "other requirement",
    IMH.applicationStep: "application step",
    IMH.level: "level",
    IMH.track: "track",
    IMH.code: "code",
    IMH.duration: "duration",
    IMH.deliveryMode: "delivery mode",
    IMH.durationText: "duration (as written)",
    IMH.hasCourse: "course",
    IMH.coverage: "coverage evidence",
    IMH.credits: "credits",
    IMH.creditUnit: "credit unit",
    IMH.clockHours: "clock hours",
    IMH.required: "required",
    DCTERMS.source: "source",
    IMH.retrieved: "retrieved",
}
#: properties with one value per resource: a change reads "X changed: old → new".
SINGLE_VALUED: frozenset[URIRef] = frozenset({
    RDFS.label, SKOS.prefLabel, SKOS.definition, RDFS.comment, IMH.offeredBy,
    IMH.coverageComplete, IMH.requiresEducation, IMH.minYearsExperience,
    IMH.alternativeMinYearsExperience, IMH.minTrainingHours, IMH.minReflectiveSupervisionHours,
    IMH.requiresExam, IMH.level, IMH.code, IMH.duration, IMH.retrieved,
    IMH.durationText, IMH.credits, IMH.creditUnit, IMH.clockHours, IMH.required,
})
#: the order in which a resource's changes are listed.
_PROPERTY_ORDER = {p: i for i, p in enumerate(PROPERTY_NAMES)}
FORMATS: tuple[str, ...] = ("table", "markdown", "json")


@dataclass(frozen=True)
class Change:
    """One difference: what kind of resource, which one, what changed, from what to what."""

    kind: str
    id: str
    label: str
    change: str
    old: str
    new: str


@dataclass(frozen=True)
class DiffReport(Result):
    """All changes from *old* to *new*, in a stable order."""

    old: tuple[str, ...]
    new: tuple[str, ...]
    changes: tuple[Change, ...]

    @property
    def equal(self) -> bool:
        """True when the two versions hold the same graph."""
        return not self.changes

    @property
    def exit_code(self) -> int:
        """0 when equal, 1 when different (for CI)."""
        return 0 if self.equal else 1

    def summary(self) -> dict[str, dict[str, int]]:
        """Per kind: how many resources were added, removed or changed."""
        counts: dict[str, Counter[str]] = {}
        changed: dict[str, set[str]] = {}
        for c in self.changes:
            bucket = counts.setdefault(c.kind, Counter())
            if c.change in ("added", "removed"):
                bucket[c.change] += 1
            else:
                changed.setdefault(c.kind, set()).add(c.id)
        for kind, ids in changed.items():
            counts.setdefault(kind, Counter())["changed"] = len(ids)
        return {
            kind: {k: counts[kind][k] for k in ("added", "removed", "changed") if counts[kind][k]}
            for kind in sorted(counts, key=_KIND_ORDER.index)
        }

    def summary_line(self) -> str:
        """``No differences.`` or ``3 changes: program 1 added, 1 changed; …``."""
        if self.equal:
            return "No differences: both versions hold the same graph."
        parts = [
            f"{kind} " + ", ".join(f"{n} {what}" for what, n in counts.items())
            for kind, counts in self.summary().items()
        ]
        return f"{len(self.changes)} change{'' if len(self.changes) == 1 else 's'}: " + "; ".join(parts) + "."

    def document(self, fmt: str) -> Blocks | None:
        """Equal versions: the one summary line, in every format but JSON."""
        return Blocks((Line(self.summary_line()),)) if self.equal and fmt != "json" else None

    def table(self, fmt: str = "table") -> Table:
        """:meth:`to_table`."""
        return self.to_table()

    def to_table(self) -> Table:
        """The changes as a table (kind, id, name, change, old, new) with the summary below."""
        rows = [[c.kind, c.id, c.label, c.change, c.old, c.new] for c in self.changes]
        return Table(["kind", "id", "name", "change", "old", "new"], rows, notes=[self.summary_line()])

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict with stable keys."""
        return {
            "equal": self.equal,
            "old": list(self.old),
            "new": list(self.new),
            "summary": self.summary(),
            "changes": [asdict(c) for c in self.changes],
        }


def diff_paths(
    old: Sequence[str | os.PathLike[str]], new: Sequence[str | os.PathLike[str]]
) -> DiffReport:
    """Compare the RDF files or folders *old* with *new*.

    :raises InputFileError, RdfSyntaxError, UnsafeInputError: a side cannot be read.
    """
    from .load import expand_paths
    from .stores import graph_from_files

    old_graph = graph_from_files(expand_paths(old))
    new_graph = graph_from_files(expand_paths(new))
    return DiffReport(
        tuple(str(p) for p in old), tuple(str(p) for p in new), diff_graphs(old_graph, new_graph)
    )


def diff_graphs(old: Graph, new: Graph) -> tuple[Change, ...]:
    """The changes from *old* to *new*; empty when the graphs are isomorphic."""
    from rdflib.compare import isomorphic

    from .export import canonical

    if isomorphic(old, new):
        return ()
    # Canonical blank-node labels: the same unnamed structure gets the same label on both sides.
    old_c, new_c = canonical(old), canonical(new)
    hierarchy = _class_hierarchy(old_c, new_c)
    changes: list[Change] = []
    subjects = {s for s in _subjects(old_c) | _subjects(new_c) if isinstance(s, URIRef)}
    for subject in subjects:
        changes += _resource_changes(subject, old_c, new_c, hierarchy)
    # Statements about blank nodes: attached to the named resource that points at them
    # (an address, say), else listed as bare statements.
    for graph, verb in ((old_c, "removed"), (new_c, "added")):
        other = new_c if graph is old_c else old_c
        for s, p, o in graph:
            if not isinstance(s, BNode) or (s, p, o) in other:
                continue
            text = _statement(p, o)
            before, after = ("", text) if verb == "added" else (text, "")
            owner, via = _owner(graph, s)
            if owner is None:
                changes.append(Change("statement", "(unnamed node)", "", verb, before, after))
            else:
                kind = _kind(owner, old_c, new_c, hierarchy)
                label = _label(owner, new_c) or _label(owner, old_c)
                name = PROPERTY_NAMES.get(via, short_id(str(via)))  # type: ignore[arg-type]
                changes.append(Change(kind, short_id(str(owner)), label, f"{name} detail {verb}", before, after))
    return tuple(sorted(changes, key=_sort_key))


def _owner(graph: Graph, node: BNode) -> tuple[URIRef | None, URIRef | None]:
    """The named resource that reaches *node* through blank nodes, and its first property."""
    seen = {node}
    frontier = [node]
    while frontier:
        current = frontier.pop()
        for s, p in sorted(graph.subject_predicates(current), key=lambda sp: (str(sp[0]), str(sp[1]))):
            if isinstance(s, URIRef):
                return s, p  # type: ignore[return-value]
            if isinstance(s, BNode) and s not in seen:
                seen.add(s)
                frontier.append(s)
    return None, None


def _resource_changes(subject: URIRef, old: Graph, new: Graph, hierarchy: dict[URIRef, set[URIRef]]) -> list[Change]:
    kind = _kind(subject, old, new, hierarchy)
    ident = short_id(str(subject))
    in_old = (subject, None, None) in old
    in_new = (subject, None, None) in new
    label = _label(subject, new if in_new else old)
    if not in_old:
        return [Change(kind, ident, label, "added", "", label)]
    if not in_new:
        return [Change(kind, ident, label, "removed", label, "")]
    changes = []
    predicates = set(old.predicates(subject)) | set(new.predicates(subject))
    for p in predicates:
        before = set(old.objects(subject, p))
        after = set(new.objects(subject, p))
        if before == after:
            continue
        name = PROPERTY_NAMES.get(p, short_id(str(p)))  # type: ignore[arg-type]
        # The same value written differently ("02" and "2", "5"^^xsd:int and "5"^^xsd:integer,
        # "P20M" and "P1Y8M") is its own kind of change, not a change of value.
        for was, now in _written_differently(before - after, after - before):
            changes.append(Change(kind, ident, label, f"{name} written differently", show_term(was), show_term(now)))
            before.discard(was)
            after.discard(now)
        if before == after:
            continue
        if p in SINGLE_VALUED and len(before) <= 1 and len(after) <= 1:
            if before and after:
                verb = f"{name} changed"
            else:
                verb = f"{name} {'added' if after else 'removed'}"
            changes.append(Change(kind, ident, label, verb, _show_all(before), _show_all(after)))
            continue
        gained, lost = ("gained", "lost") if p == IMH.covers else ("added", "removed")
        for value in sorted(after - before, key=show_term):
            changes.append(Change(kind, ident, label, f"{name} {gained}", "", show_term(value)))
        for value in sorted(before - after, key=show_term):
            changes.append(Change(kind, ident, label, f"{name} {lost}", show_term(value), ""))
    return changes


def _written_differently(lost: set[Node], gained: set[Node]) -> list[tuple[Node, Node]]:
    """Pairs (old, new) of literals with the same value written differently."""
    from rdflib import Literal

    pairs = []
    remaining = sorted((o for o in lost if isinstance(o, Literal)), key=show_term)
    for new in sorted((o for o in gained if isinstance(o, Literal)), key=show_term):
        for old in remaining:
            if _same_value(old, new):
                pairs.append((old, new))
                remaining.remove(old)
                break
    return pairs


def _same_value(a: Node, b: Node) -> bool:
    from rdflib import Literal

    if not (isinstance(a, Literal) and isinstance(b, Literal)) or a.ill_typed or b.ill_typed:
        return False
    if a.language or b.language:
        return str(a) == str(b) and str(a.language).lower() == str(b.language).lower()
    va, vb = a.value, b.value
    if va is None or vb is None or type(va) is not type(vb) or isinstance(va, str):
        return False
    try:
        return bool(va == vb)
    except TypeError:
        return False


def _subjects(graph: Graph) -> set[Node]:
    return set(graph.subjects(unique=True))


def _class_hierarchy(*graphs: Graph) -> dict[URIRef, set[URIRef]]:
    """Class → itself and every superclass, from the vocabulary and both sides."""
    from . import resources
    from .stores import graph_from_files

    merged = Graph()
    try:
        vocabulary = graph_from_files(resources.vocabulary_files())
    except Exception:  # noqa: BLE001 — the hierarchy only improves names; both sides still compare
        vocabulary = Graph()
    for g in (vocabulary, *graphs):
        for s, o in g.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                merged.add((s, RDFS.subClassOf, o))
    closure: dict[URIRef, set[URIRef]] = {}
    for cls in set(merged.subjects()) | set(merged.objects()):
        closure[cls] = set(merged.transitive_objects(cls, RDFS.subClassOf))  # type: ignore[arg-type]
    return closure


def _kind(subject: URIRef, old: Graph, new: Graph, hierarchy: dict[URIRef, set[URIRef]]) -> str:
    types: set[URIRef] = set()
    for g in (new, old):
        types |= {t for t in g.objects(subject, RDF.type) if isinstance(t, URIRef)}
    supers: set[URIRef] = set()
    for t in types:
        supers |= hierarchy.get(t, {t})
    for kind, cls in KINDS:
        if cls in supers:
            return kind
    return "resource"


def _label(subject: URIRef, graph: Graph) -> str:
    """The name :func:`imhgraph.ids.best_label` gives, or "" where *subject* has none."""
    from .ids import graph_label

    return graph_label(graph, subject)


def _show_all(terms: Iterable[Node]) -> str:
    return ", ".join(sorted(show_term(t) for t in terms))


def _statement(p: Node, o: Node) -> str:
    return f"{short_id(str(p))} {show_term(o)}"


def _sort_key(c: Change) -> tuple[object, ...]:
    head = c.change.rsplit(" ", 1)[0] if c.change not in ("added", "removed") else ""
    prop = next((i for p, i in _PROPERTY_ORDER.items() if PROPERTY_NAMES[p] == head), len(_PROPERTY_ORDER))
    return (_KIND_ORDER.index(c.kind), c.id, c.change not in ("added", "removed"), prop, c.change, c.old, c.new)


__all__ = ["Change", "DiffReport", "diff_graphs", "diff_paths"]
