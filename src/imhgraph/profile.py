"""``imhgraph show ID``: one program, credential, organization, topic or course in plain words.

A profile is written from what the graph says of the resource (``queries/internal/
profile-facts.rq``: every property both ways) and from the answers other commands already
give — the courses and evidence of :mod:`imhgraph.coverage.evidence`, the coverage cells of
:mod:`imhgraph.coverage.data`, the entry requirements as :mod:`imhgraph.eligibility` reads
them — so that ``show`` never states a fact another command would state differently.
Unknown stays unknown: a program without a recorded curriculum says so, a topic counts the
programs whose coverage of it is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import AmbiguousIdError, UnknownIdError
from .ids import KIND_NAMES, labels, resolve
from rdflib.namespace import DCTERMS, RDFS, SKOS

from .namespaces import IMH, SCHEMA, short_id
from .blocks import Blank, Block, Blocks, Fields, Heading, Note, TableBlock
from .render import Result, Table
from .sparql.named_queries import internal_query
from .stores import Backend

#: the kinds ``show`` describes, in the order a bare ID is tried (a program and the
#: certificate it awards often share an ID: the program comes first, the other is named).
SHOWN_KINDS: tuple[str, ...] = ("program", "credential", "org", "topic", "course")


@dataclass(frozen=True)
class Profile(Result):
    """One resource for people: a headline, facts as ``name: value`` lines, then sections
    (tables: courses, topics, programs, sources …) and closing notes."""

    id: str
    kind: str
    label: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"id", "kind", "label", "facts": [{"name", "value"}], "sections": [{"title",
        "columns", "rows": [{column: value}]}], "notes"}``."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "facts": [{"name": n, "value": v} for n, v in self.facts],
            "sections": [
                {"title": t.title, "columns": t.columns, "rows": [dict(zip(t.columns, r)) for r in t.rows]}
                for t in self.sections
            ],
            "notes": list(self.notes),
        }

    def table(self, fmt: str = "table") -> list[Table]:
        """The facts as a two-column table, then each section (CSV, TSV, Markdown)."""
        facts = Table(["fact", "value"], [list(f) for f in self.facts], title=f"{self.label} ({self.kind} {self.id})")
        return [facts, *self.sections]

    def document(self, fmt: str) -> Blocks | None:
        """For people (``table``): the headline, ``name: value`` facts, sections as tables,
        notes; the other formats are the tables."""
        if fmt != "table":
            return None
        blocks: list[Block] = [Heading(f"{self.label}  ({KIND_NAMES.get(self.kind, self.kind)} {self.id})"), Blank()]
        blocks.append(Fields(self.facts))
        for section in self.sections:
            blocks += [Blank(), TableBlock(section)]
        if self.notes:
            blocks.append(Blank())
            blocks += [Note(note) for note in self.notes]
        return Blocks(tuple(blocks), strip=True)


@dataclass
class _Facts:
    """What the graph says of one resource: property → values, and who points at it."""

    out: dict[str, list[Any]] = field(default_factory=dict)
    into: dict[str, list[str]] = field(default_factory=dict)

    def values(self, prop: Any) -> list[Any]:
        return sorted(self.out.get(str(prop), []), key=str)

    def first(self, prop: Any) -> str | None:
        found = self.values(prop)
        return str(found[0]) if found else None

    def pointing(self, prop: Any) -> list[str]:
        return sorted(self.into.get(str(prop), []), key=short_id)


def find(backend: Backend, given: str) -> tuple[str, str, list[tuple[str, str]]]:
    """``(kind, IRI, others)``: what *given* names among :data:`SHOWN_KINDS`, as people type
    it (see :func:`imhgraph.ids.resolve`); *others* are resources of other kinds with the same
    name, as ``(kind, short ID)``.

    :raises UnknownIdError: nothing of any shown kind has that name (with the closest IDs).
    :raises AmbiguousIdError: one kind has several resources of that name.
    """
    found: list[tuple[str, str]] = []
    suggestions: list[str] = []
    for kind in SHOWN_KINDS:
        try:
            found.append((kind, str(resolve(backend, kind, given))))
        except AmbiguousIdError:
            raise
        except UnknownIdError as exc:
            suggestions += [s for s in getattr(exc, "suggestions", []) if s not in suggestions]
    if not found:
        raise UnknownIdError("program, credential, organization, topic or course", given, suggestions[:5])
    kind, iri = found[0]
    return kind, iri, [(k, short_id(i)) for k, i in found[1:]]


def show(backend: Backend, given: str) -> Profile:
    """The profile of the program, credential, organization, topic or course *given* names.

    :raises UnknownIdError: nothing has that name; :raises AmbiguousIdError: several have.
    """
    kind, iri, others = find(backend, given)
    facts = _facts(backend, iri)
    writer = {"program": _program, "credential": _credential, "org": _organization, "topic": _topic, "course": _course}
    profile = writer[kind](backend, iri, facts)
    notes = list(profile.notes)
    for other_kind, other_id in others:
        notes.append(f"Also a {KIND_NAMES[other_kind]} with this ID: imhgraph show {other_kind}:{other_id}")
    return Profile(profile.id, profile.kind, profile.label, profile.facts, profile.sections, tuple(notes))


# -- what the graph says ------------------------------------------------------------------------

def _facts(backend: Backend, iri: str) -> _Facts:
    from rdflib import URIRef

    facts = _Facts()
    for direction, prop, value in backend.select_written(internal_query("profile-facts"), {"resource": URIRef(iri)}).rows:
        if str(direction) == "out":
            facts.out.setdefault(str(prop), []).append(value)
        else:
            facts.into.setdefault(str(prop), []).append(str(value))
    return facts


def _name(backend: Backend, iri: Any) -> str:
    return labels(backend).get(str(iri), short_id(str(iri)))


def _named(backend: Backend, iris: Iterable[Any]) -> str:
    return "; ".join(f"{_name(backend, i)} ({short_id(str(i))})" for i in iris)


def duration_words(value: str) -> str:
    """An ``xsd:duration`` as people say it: ``P2Y`` → "2 years", ``P1Y6M`` → "1 year 6 months";
    anything else as written."""
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", value.strip())
    if not match or not any(match.groups()):
        return value
    words = []
    for number, unit in zip(match.groups(), ("year", "month", "week", "day")):
        if number:
            words.append(f"{int(number)} {unit}{'s' if int(number) != 1 else ''}")
    return " ".join(words)


def _sources(backend: Backend, iris: Iterable[str], title: str = "Sources") -> Table | None:
    rows = []
    meta = _source_meta(backend)
    for source in sorted(set(iris)):
        page_title, retrieved = meta.get(source, (None, None))
        rows.append([source, page_title or "", retrieved or "not recorded"])
    if not rows:
        return None
    return Table(["page", "title", "read on"], rows, title=title)


def _source_meta(backend: Backend) -> dict[str, tuple[str | None, str | None]]:
    key = "profile-source-meta"
    if key not in backend.memo:
        found: dict[str, tuple[str | None, str | None]] = {}
        for source, page_title, retrieved in backend.select_written(internal_query("source-meta")).rows:
            found[str(source)] = (str(page_title) if page_title is not None else None,
                                  str(retrieved) if retrieved is not None else None)
        backend.memo[key] = found
    return backend.memo[key]


def _description(facts: _Facts) -> list[tuple[str, str]]:
    for prop in (DCTERMS.description, RDFS.comment, SKOS.definition):
        text = facts.first(prop)
        if text:
            return [("about", text)]
    return []


# -- one writer per kind ------------------------------------------------------------------------

def _program(backend: Backend, iri: str, facts: _Facts) -> Profile:
    from .coverage.data import load_coverage_data
    from .coverage.evidence import load_evidence

    rows: list[tuple[str, str]] = []
    rows += _description(facts)
    if facts.values(IMH.offeredBy):
        rows.append(("organization", _named(backend, facts.values(IMH.offeredBy))))
    if facts.values(IMH.awards):
        rows.append(("awards", _named(backend, facts.values(IMH.awards))))
    if facts.values(IMH.preparesFor):
        rows.append(("prepares for", _named(backend, facts.values(IMH.preparesFor))))
    length = [duration_words(str(v)) for v in facts.values(IMH.duration)] + [str(v) for v in facts.values(IMH.durationText)]
    rows.append(("duration", "; ".join(length) if length else "not recorded"))
    modes = [str(v) for v in facts.values(IMH.deliveryMode)]
    rows.append(("format", ", ".join(modes) if modes else "not recorded"))
    if facts.values(SCHEMA.url):
        rows.append(("web page", ", ".join(str(v) for v in facts.values(SCHEMA.url))))
    rows += _entry(backend, iri)
    data = load_coverage_data(backend)
    covered = data.covers.get(iri, frozenset())
    complete = data.complete.get(iri, False)
    evidence = load_evidence(backend, iri)
    courses = evidence.courses.get(iri, ())
    claims = evidence.claims.get(iri, ())
    if complete:
        rows.append(("curriculum", f"complete as published: {len(courses)} courses; a topic none of them covers reads 'no'"))
    elif covered:
        rows.append(("curriculum", f"partly recorded: {len(covered)} topics known; the others are unknown, not 'no'"))
    else:
        rows.append(("curriculum", "not recorded: every topic is unknown"))
    sections: list[Table] = []
    topic_names = data.topics
    by_course: dict[str | None, list[Any]] = {}
    for claim in claims:
        by_course.setdefault(claim.course, []).append(claim)
    if courses:
        course_rows = []
        for course in courses:
            size = " ".join(x for x in (course.credits, course.unit) if x) or (f"{course.hours} h" if course.hours else "")
            kind = "" if course.required is None else ("required" if course.required else "elective")
            topics = by_course.get(course.iri, [])
            if not topics:
                course_rows.append([course.code or "", course.label, size, kind, "", ""])
            for n, claim in enumerate(topics):
                first = n == 0
                course_rows.append([
                    (course.code or "") if first else "", course.label if first else "", size if first else "",
                    kind if first else "", topic_names.get(claim.topic, short_id(claim.topic)),
                    f"“{claim.evidence}”" if claim.evidence else "(no evidence recorded)",
                ])
        sections.append(Table(["code", "course", "size", "kind", "topic", "evidence"], course_rows, title="Courses"))
    own = by_course.get(None, [])
    if own:
        sections.append(Table(
            ["topic", "evidence"],
            [[topic_names.get(c.topic, short_id(c.topic)), f"“{c.evidence}”" if c.evidence else "(no evidence recorded)"] for c in own],
            title="Topics the program itself names",
        ))
    if covered:
        sections.append(_topics_by_area(data, covered))
    sources = [str(v) for v in facts.values(DCTERMS.source)]
    sources += [c.source for c in claims if c.source]
    sources += [s for c in courses for s in c.sources]
    table = _sources(backend, sources)
    if table is not None:
        sections.append(table)
    return Profile(short_id(iri), "program", _name(backend, iri), tuple(rows), tuple(sections))


def _topics_by_area(data: Any, covered: Iterable[str]) -> Table:
    areas: dict[str, list[str]] = {}
    for topic in covered:
        tops = sorted(a for a in data.ancestors(topic) if data.depth.get(a) == 1) or [topic]
        for top in tops:
            areas.setdefault(top, []).append(topic)
    order = list(data.topics)
    rows = []
    for top in sorted(areas, key=lambda t: order.index(t) if t in order else len(order)):
        names = sorted(data.topics.get(t, short_id(t)) for t in set(areas[top]))
        rows.append([data.topics.get(top, short_id(top)), ", ".join(names)])
    return Table(["area", "topics covered (directly or through a course)"], rows, title="Topics by area")


def _entry(backend: Backend, iri: str) -> list[tuple[str, str]]:
    """Entry requirements as :mod:`imhgraph.eligibility` reads them (for no one in particular)."""
    from .eligibility import eligible

    key = "profile-requirements"
    if key not in backend.memo:
        # Assessed for someone who states nothing: only the requirements' words are read.
        backend.memo[key] = eligible(backend, "none")
    try:
        found = backend.memo[key].assessment(iri)
    except KeyError:
        return [("entry", "no entry requirements recorded")]
    if not found.recorded:
        return [("entry", "no entry requirements recorded")]
    rows = [("entry", found.requires)]
    for route in found.routes:
        rows.append(("  route", route.label))
    if found.audience:
        rows.append(("trainees", "described as (not a rule): " + ", ".join(found.audience)))
    if found.steps:
        rows.append(("application", "will ask: " + "; ".join(found.steps)))
    return rows


def _credential(backend: Backend, iri: str, facts: _Facts) -> Profile:
    from .coverage.data import count_cells, load_coverage_data

    rows: list[tuple[str, str]] = []
    rows += [("code", c) for c in (str(v) for v in facts.values(IMH.code))]
    rows += _description(facts)
    if facts.values(IMH.awardedBy):
        rows.append(("awarded by", _named(backend, facts.values(IMH.awardedBy))))
    if facts.values(IMH.level):
        rows.append(("level", ", ".join(str(v) for v in facts.values(IMH.level)) + " (the body's number for the category)"))
    if facts.values(IMH.track):
        rows.append(("track", _named(backend, facts.values(IMH.track))))
    rows += _entry(backend, iri)
    data = load_coverage_data(backend)
    required = data.required.get(iri, frozenset())
    sections: list[Table] = []
    if required:
        sections.append(Table(["topic", "name"], [[short_id(t), data.topics.get(t, short_id(t))] for t in
                                                  sorted(required, key=lambda t: list(data.topics).index(t) if t in data.topics else 0)],
                              title=f"Required topics ({len(required)})"))
    programs = sorted(set(facts.pointing(IMH.awards)) | set(facts.pointing(IMH.preparesFor)), key=short_id)
    if programs:
        prog_rows = []
        for program in programs:
            how = "awards it" if program in facts.pointing(IMH.awards) else "prepares for it"
            if required:
                counts = count_cells(data, program, required)
                cover = f"{counts['direct'] + counts['narrower']} of {len(required)} covered, {counts['no']} not, {counts['unknown']} unknown"
            else:
                cover = "no required topics recorded"
            prog_rows.append([short_id(program), _name(backend, program), how, cover])
        sections.append(Table(["program", "name", "link", "required topics"], prog_rows, title="Programs"))
    table = _sources(backend, [str(v) for v in facts.values(DCTERMS.source)])
    if table is not None:
        sections.append(table)
    notes = () if programs else ("No program in the data is recorded as preparing for this credential.",)
    return Profile(short_id(iri), "credential", _name(backend, iri), tuple(rows), tuple(sections), notes)


def _organization(backend: Backend, iri: str, facts: _Facts) -> Profile:
    rows: list[tuple[str, str]] = []
    rows += [("also called", str(v)) for v in facts.values(SCHEMA.alternateName)]
    rows += _description(facts)
    if facts.values(SCHEMA.parentOrganization):
        rows.append(("part of", _named(backend, facts.values(SCHEMA.parentOrganization))))
    for prop, name in ((SCHEMA.address, "address"), (SCHEMA.email, "email"), (SCHEMA.url, "web page")):
        if facts.values(prop):
            rows.append((name, ", ".join(str(v) for v in facts.values(prop))))
    sections = []
    offered = facts.pointing(IMH.offeredBy)
    if offered:
        sections.append(_named_table(backend, "program", offered, "Programs offered"))
    awarded = facts.pointing(IMH.awardedBy)
    if awarded:
        sections.append(_named_table(backend, "credential", awarded, "Credentials awarded"))
    parts = facts.pointing(SCHEMA.parentOrganization)
    if parts:
        sections.append(_named_table(backend, "organization", parts, "Parts"))
    table = _sources(backend, [str(v) for v in facts.values(DCTERMS.source)])
    if table is not None:
        sections.append(table)
    return Profile(short_id(iri), "org", _name(backend, iri), tuple(rows), tuple(sections))


def _named_table(backend: Backend, kind: str, iris: Sequence[str], title: str) -> Table:
    """A section listing *iris* (of *kind*) by ID and name."""
    return Table([kind, "name"], [[short_id(i), _name(backend, i)] for i in iris], title=title)


def _topic(backend: Backend, iri: str, facts: _Facts) -> Profile:
    from .coverage.data import cell, load_coverage_data

    rows: list[tuple[str, str]] = []
    if facts.values(SKOS.definition):
        rows.append(("definition", str(facts.values(SKOS.definition)[0])))
    synonyms = [str(v) for v in facts.values(SKOS.altLabel)]
    if synonyms:
        rows.append(("synonyms", ", ".join(synonyms)))
    for prop, name in ((SKOS.broader, "broader"), (SKOS.narrower, "narrower"), (SKOS.related, "related")):
        linked = set(str(v) for v in facts.values(prop))
        if prop == SKOS.narrower:
            linked |= set(facts.pointing(SKOS.broader))
        if prop == SKOS.related:
            linked |= set(facts.pointing(SKOS.related))
        if linked:
            rows.append((name, _named(backend, sorted(linked, key=short_id))))
    data = load_coverage_data(backend)
    values: dict[str, list[str]] = {"direct": [], "narrower": [], "no": [], "unknown": []}
    for program in data.programs:
        values[cell(data, program, iri)].append(program)
    known = len(values["direct"]) + len(values["narrower"]) + len(values["no"])
    rows.append((
        "programs",
        f"{len(values['direct'])} cover it, {len(values['narrower'])} cover a narrower topic, "
        f"{len(values['no'])} do not, {len(values['unknown'])} unknown (of {len(data.programs)}; known for {known})",
    ))
    prog_rows = [[short_id(p), _name(backend, p), v] for v in ("direct", "narrower", "no") for p in values[v]]
    sections = []
    if prog_rows:
        sections.append(Table(["program", "name", "cell"], prog_rows, title="Programs known to cover it, or not"))
    required_by = facts.pointing(IMH.requiresTopic)
    if required_by:
        sections.append(_named_table(backend, "credential", required_by, "Required by"))
    table = _sources(backend, [str(v) for v in facts.values(DCTERMS.source)])
    if table is not None:
        sections.append(table)
    notes = (f"{len(values['unknown'])} programs' curricula do not say whether they teach it: unknown is not 'no'.",) if values["unknown"] else ()
    return Profile(short_id(iri), "topic", _name(backend, iri), tuple(rows), tuple(sections), notes)


def _course(backend: Backend, iri: str, facts: _Facts) -> Profile:
    from .coverage.data import load_coverage_data
    from .coverage.evidence import load_evidence

    rows: list[tuple[str, str]] = []
    programs = facts.pointing(IMH.hasCourse)
    if programs:
        rows.append(("program", _named(backend, programs)))
    for prop, name in ((IMH.code, "code"), (IMH.credits, "credits"), (IMH.creditUnit, "credit unit"),
                       (IMH.clockHours, "clock hours")):
        if facts.values(prop):
            rows.append((name, ", ".join(str(v) for v in facts.values(prop))))
    if facts.values(IMH.required):
        required = str(facts.values(IMH.required)[0]).strip().lower() in ("true", "1")
        rows.append(("kind", "required" if required else "elective"))
    rows += _description(facts)
    topic_names = load_coverage_data(backend).topics
    claims = [c for p in programs for c in load_evidence(backend, p).claims.get(p, ()) if c.course == iri]
    sections = []
    if claims:
        sections.append(Table(
            ["topic", "evidence", "page"],
            [[topic_names.get(c.topic, short_id(c.topic)), f"“{c.evidence}”" if c.evidence else "(no evidence recorded)", c.source or ""]
             for c in claims],
            title="Topics, with the words of the source",
        ))
    table = _sources(backend, [str(v) for v in facts.values(DCTERMS.source)])
    if table is not None:
        sections.append(table)
    return Profile(short_id(iri), "course", _name(backend, iri), tuple(rows), tuple(sections))


