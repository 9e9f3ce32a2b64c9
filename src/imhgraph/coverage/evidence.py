"""Curricula: the courses behind each program's coverage and the evidence of every topic claim
(issue 12).

A program covers a topic directly or through one of its courses (``imhq:covers``,
``queries/fragments/covers.rq``); :mod:`.data` loads those pairs for every cell. This module
loads what explains them: for each program its courses (code, credits, required or elective,
sources) and each claim of the program or of a course with its evidence phrase and source
page (``imh:coverage`` nodes), from ``queries/internal/coverage-evidence.rq`` and
``coverage-courses.rq``. It serves ``coverage --program X --explain``, the report's heatmap
titles, the curricula figures of ``stats`` (:func:`curricula_figures`), which the targets
test reads too, and the caveat after the answer of a named query that depends on coverage
(:func:`query_caveat`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..blocks import Blank, Blocks, Line
from ..ids import labels
from ..namespaces import short_id
from ..render import Result, Table
from ..sparql.named_queries import NamedQuery, internal_query
from ..stores import Backend
from ..values import is_true
from .data import count_cells, curricula_note, load_coverage_data

#: at least this many courses with evidence make a program's curriculum "recorded".
MIN_COURSES: int = 2


@dataclass(frozen=True)
class Claim:
    """One topic claim (``imh:covers``) of a program or of one of its courses, with its evidence."""

    topic: str
    course: str | None  # None: the program's own claim
    evidence: str | None
    source: str | None


@dataclass(frozen=True)
class Course:
    """A course, module or unit of a program, as the data describes it."""

    iri: str
    label: str
    code: str | None = None
    credits: str | None = None
    unit: str | None = None
    hours: str | None = None
    required: bool | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """For each program: its courses and every claim behind its coverage (see :func:`load_evidence`)."""

    #: program IRI → its courses, by code then short ID.
    courses: dict[str, tuple[Course, ...]]
    #: program IRI → its claims and those of its courses.
    claims: dict[str, tuple[Claim, ...]]
    _behind: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def courses_behind(self, program: str, topic: str) -> tuple[str, ...]:
        """The names of the courses through which *program* covers *topic* ("the program itself"
        first where it also claims the topic directly); empty when nothing claims it."""
        key = (str(program), str(topic))
        if key not in self._behind:
            names = {c.iri: c.label for c in self.courses.get(key[0], ())}
            found = []
            claims = [c for c in self.claims.get(key[0], ()) if c.topic == key[1]]
            if any(c.course is None for c in claims):
                found.append("the program itself")
            for course in sorted({c.course for c in claims if c.course is not None}, key=short_id):
                found.append(names.get(course, short_id(course)))
            self._behind[key] = tuple(found)
        return self._behind[key]


def load_evidence(backend: Backend, program: str | None = None) -> Evidence:
    """The courses and claims of every program, or of *program* only (an IRI)."""
    key = f"coverage-evidence:{program or ''}"
    cached = backend.memo.get(key)
    if isinstance(cached, Evidence):
        return cached
    from rdflib import URIRef

    bindings = {"program": URIRef(str(program))} if program else None
    names = labels(backend)
    details: dict[tuple[str, str], dict[str, Any]] = {}
    for prog, course, code, credits, unit, hours, required, source in backend.select_written(
        internal_query("coverage-courses"), bindings
    ).rows:
        d = details.setdefault((str(prog), str(course)), {"sources": set()})
        for name, value in (("code", code), ("credits", credits), ("unit", unit), ("hours", hours)):
            if value is not None:
                d.setdefault(name, str(value))
        if required is not None:
            d.setdefault("required", is_true(required))
        if source is not None:
            d["sources"].add(str(source))
    courses: dict[str, list[Course]] = {}
    for (prog, course), d in details.items():
        courses.setdefault(prog, []).append(
            Course(course, names.get(course, short_id(course)), d.get("code"), d.get("credits"), d.get("unit"),
                   d.get("hours"), d.get("required"), tuple(sorted(d["sources"])))
        )
    claims: dict[str, set[Claim]] = {}
    for prog, course, topic, words, source in backend.select(internal_query("coverage-evidence"), bindings).rows:
        if topic is None:
            continue  # a course listed without a topic
        claims.setdefault(str(prog), set()).add(
            Claim(str(topic), str(course) if course is not None else None,
                  str(words) if words is not None else None, str(source) if source is not None else None)
        )
    result = Evidence(
        courses={p: tuple(sorted(cs, key=lambda c: ((c.code or "~").casefold(), short_id(c.iri))))
                 for p, cs in sorted(courses.items())},
        claims={p: tuple(sorted(cs, key=lambda c: (c.course or "", c.topic, c.evidence or "", c.source or "")))
                for p, cs in sorted(claims.items())},
    )
    backend.memo[key] = result
    return result


# ---------------------------------------------------------------------------
# coverage --program X --explain
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation(Result):
    """``coverage --explain``: one table per program (its courses, topics, evidence, sources)."""

    tables: tuple[Table, ...]

    def to_json(self) -> list[dict[str, Any]]:
        """Every row of every table as an object keyed by column."""
        return [dict(zip(t.columns, row)) for t in self.tables for row in t.rows]

    def table(self, fmt: str = "table") -> list[Table]:
        return list(self.tables)


def explain_table(backend: Backend, program: str) -> Table:
    """One program's curriculum as the data records it: each course with each topic it covers
    and the evidence, then the program's own claims; the sources in the notes."""
    evidence = load_evidence(backend, program)
    names = labels(backend)
    program = str(program)
    rows: list[list[Any]] = []
    by_course: dict[str | None, list[Claim]] = {}
    for claim in evidence.claims.get(program, ()):
        by_course.setdefault(claim.course, []).append(claim)
    sources: set[str] = set()

    def topic_rows(course_cells: list[Any], claims: list[Claim]) -> None:
        ordered = sorted(claims, key=lambda c: (short_id(c.topic), c.evidence or "", c.source or ""))
        if not ordered:
            rows.append(course_cells + ["", "", ""])
        for claim in ordered:
            rows.append(course_cells + [short_id(claim.topic), claim.evidence or "(no evidence recorded)",
                                        claim.source or ""])
            if claim.source:
                sources.add(claim.source)

    for course in evidence.courses.get(program, ()):
        credits = " ".join(x for x in (course.credits, course.unit) if x) or (
            f"{course.hours} clock hours" if course.hours else "")
        kind = {True: "required", False: "elective", None: ""}[course.required]
        topic_rows([course.label, course.code or "", credits, kind], by_course.get(course.iri, []))
        sources.update(course.sources)
    if by_course.get(None):
        topic_rows(["(the program itself)", "", "", ""], by_course[None])
    data = load_coverage_data(backend)
    counts = count_cells(data, program, frozenset(data.topics))
    complete = data.complete.get(program, False)
    notes = [
        f"{len(evidence.courses.get(program, ()))} courses; covers {counts['direct']} of {len(data.topics)} topics "
        f"directly (itself or through a course), {counts['narrower']} through narrower topics; "
        + ("curriculum declared complete: every other topic reads no (not in the published curriculum, "
           "as mapped from the course titles and descriptions)." if complete
           else "curriculum not declared complete: every other topic reads unknown."),
    ]
    titles = _source_titles(backend)
    for source in sorted(sources):
        notes.append(f"source: {source}" + (f" — {titles[source]}" if titles.get(source) else ""))
    return Table(["course", "code", "credits", "required", "topic", "evidence", "source"], rows,
                 title=f"{names.get(program, short_id(program))} ({short_id(program)}): courses, topics and evidence",
                 notes=notes)


def _source_titles(backend: Backend) -> dict[str, str]:
    titles: dict[str, str] = {}
    for source, title in backend.select(internal_query("source-titles")).rows:
        if title is not None:
            titles[str(source)] = str(title)
    return titles


# ---------------------------------------------------------------------------
# stats: the curricula figures
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CurriculaFigures:
    """What the graph knows of curricula (``stats``; the targets test checks the same numbers)."""

    programs: int
    #: programs with at least MIN_COURSES courses that each have a claim with evidence
    programs_with_curriculum: int
    #: programs whose coverage is declared complete (imh:coverageComplete true)
    complete: int
    courses: int
    claims: int
    claims_with_evidence: int
    cells: int
    unknown_cells: int

    @property
    def unknown_share(self) -> float:
        """Share of program × topic cells that read unknown (0 when there are no cells)."""
        return self.unknown_cells / self.cells if self.cells else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "programs": self.programs,
            "programs_with_curriculum": self.programs_with_curriculum,
            "programs_complete": self.complete,
            "courses": self.courses,
            "claims": self.claims,
            "claims_with_evidence": self.claims_with_evidence,
            "cells": self.cells,
            "unknown_cells": self.unknown_cells,
            "unknown_share": round(self.unknown_share, 4),
        }

    def table(self) -> Table:
        share = f"{self.unknown_cells} of {self.cells} ({self.unknown_share:.1%})"
        return Table(
            ["what", "count"],
            [
                [f"programs with a recorded curriculum (≥ {MIN_COURSES} courses with evidence)",
                 f"{self.programs_with_curriculum} of {self.programs}"],
                ["programs with a complete curriculum (coverageComplete true)", f"{self.complete} of {self.programs}"],
                ["courses, modules and units", self.courses],
                ["topic claims with evidence (program or course)", f"{self.claims_with_evidence} of {self.claims}"],
                ["unknown coverage cells", share],
            ],
            title="Curricula",
        )


def curricula_figures(backend: Backend) -> CurriculaFigures:
    """Count programs with curricula, complete ones, courses, claims with evidence and unknown cells."""
    courses, claims, evidenced = (int(v) if v is not None else 0
                                  for v in backend.select(internal_query("curricula-stats")).rows[0])
    recorded = sum(
        1 for _program, _n, good in backend.select(internal_query("curricula-programs")).rows
        if int(good) >= MIN_COURSES
    )
    data = load_coverage_data(backend)
    topics = frozenset(data.topics)
    unknown = sum(count_cells(data, p, topics)["unknown"] for p in data.programs)
    return CurriculaFigures(
        programs=len(data.programs),
        programs_with_curriculum=recorded,
        complete=sum(1 for p in data.programs if data.complete.get(p)),
        courses=courses,
        claims=claims,
        claims_with_evidence=evidenced,
        cells=len(data.programs) * len(topics),
        unknown_cells=unknown,
    )


@dataclass(frozen=True)
class Caveat(Result):
    """What a named query's answer depends on that the data may not say: the query's own
    caveat (its ``# caveat:`` header) and how many programs' curricula are unknown."""

    caveat: str
    unknown: str

    def to_json(self) -> dict[str, str]:
        return {"caveat": self.caveat, "unknown": self.unknown}

    def document(self, fmt: str) -> Blocks:
        """After a blank line, the caveat, then how much is unknown."""
        return Blocks((Blank(), Line("caveat: " + self.caveat), Line(self.unknown)))


#: the formats of a query's answer that get its caveat: the ones people read (csv and tsv stay
#: machine-readable; json is the W3C results format).
CAVEAT_FORMATS: tuple[str, ...] = ("table", "markdown")


def query_caveat(backend: Backend, query: NamedQuery, form: str, fmt: str) -> Caveat | None:
    """The caveat to show after the answer of *query* (a *form* query, written in *fmt*):
    None unless its header declares one, it is a SELECT and *fmt* is for people."""
    caveat = query.header.get("caveat")
    if not caveat or form != "SELECT" or fmt not in CAVEAT_FORMATS:
        return None
    return Caveat(caveat, curricula_note(load_coverage_data(backend)))
