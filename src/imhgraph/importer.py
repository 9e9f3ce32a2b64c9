"""Spreadsheets (CSV) of programs and the topics they cover, turned into Turtle.

Two layouts, told apart by the header row:

* **long** (SPEC §3): one row per program and topic, with a ``topic_id`` column; optionally
  at the course level too: ``course_code``, ``course_title`` and ``credits`` name the course
  (module, unit) of the program that teaches the topic, and ``evidence`` quotes the words of
  the source that justify the claim. A row with a course but no topic lists the course
  without a topic. Rows without these columns work as before (the program covers the topic);
  with ``evidence`` every claim gets its ``imh:coverage`` node (topic, evidence, the row's
  source), so that the output validates without warnings;
* **wide**: one row per program, one column per topic ID (or topic name), a mark such
  as ``x``, ``yes``, ``1``, ``true`` or ``✓`` where the program covers the topic.
  A blank, ``no``, ``0`` or ``false`` cell asserts nothing: on a program whose
  ``coverage_complete`` is true it reads as *not covered*, otherwise as *unknown*.

Every row is checked before anything is built, and every problem is reported at
once, with its row number as a spreadsheet counts (the header is row 1), the column
and the value (:class:`~imhgraph.errors.ImportCsvError`). The result is a graph in
the SPEC vocabulary, written as canonical Turtle by :func:`~imhgraph.export.to_turtle`.

Why one module: both layouts share every row check and the one graph they build; split,
each half would need the other's checks.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from .errors import ImportCsvError, InputFileError, UnknownIdError
from .namespaces import IMH, bind_all, iri_for
from .render import plural
from .stores import Backend
from .values import parse_boolean

#: the columns every layout needs, in the order they are reported when missing.
BASE_COLUMNS: tuple[str, ...] = (
    "program_id",
    "program_label",
    "organization_id",
    "organization_label",
    "source",
)
#: columns that may be present in either layout.
OPTIONAL_COLUMNS: tuple[str, ...] = ("coverage_complete", "organization_source", "retrieved")
#: optional columns of the long layout only: the course that teaches the topic, and the words of
#: the source that justify the claim.
COURSE_COLUMNS: tuple[str, ...] = ("course_code", "course_title", "credits", "evidence")
LONG_COLUMNS: tuple[str, ...] = BASE_COLUMNS[:4] + ("topic_id",) + BASE_COLUMNS[4:]
KNOWN_COLUMNS: frozenset[str] = frozenset(LONG_COLUMNS + OPTIONAL_COLUMNS + COURSE_COLUMNS)
#: the longest evidence phrase accepted (ontology/shapes.ttl warns above it).
MAX_EVIDENCE: int = 160

#: cell values of the wide layout (compared case-insensitively, after trimming).
YES_MARKS: frozenset[str] = frozenset({"x", "yes", "y", "1", "true", "✓", "✔", "covered"})
NO_MARKS: frozenset[str] = frozenset({"", "no", "n", "0", "false", "-"})

#: a short ID: lower-case letters and digits in words joined by single - _ or . characters.
SLUG = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
_RETRIEVED = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the spreadsheet, where a spreadsheet user will find it."""

    row: int
    column: str
    value: str
    message: str

    def text(self) -> str:
        """``row 3, column topic_id, value 'atachment': unknown topic …``."""
        where = f"row {self.row}"
        if self.column:
            where += f", column {self.column}"
        value = f", value {self.value!r}" if self.value else ""
        return f"{where}{value}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    """What a spreadsheet became: the graph, counts for the summary, and notes."""

    graph: Graph
    layout: str
    rows: int
    programs: int
    organizations: int
    links: int
    notes: tuple[str, ...] = ()
    courses: int = 0

    def summary(self, source: str) -> str:
        """One line for the user: what was imported from *source*."""
        courses = f"{plural(self.courses, 'course')}, " if self.courses else ""
        return (
            f"imported {plural(self.programs, 'program')}, {courses}"
            f"{plural(self.organizations, 'organization')} and "
            f"{plural(self.links, 'program–topic link' if not self.courses else 'topic link')} from {source} "
            f"({self.layout} layout, {plural(self.rows, 'row')})"
        )

    def turtle(self) -> str:
        """The graph as canonical Turtle."""
        from .export import to_turtle

        return to_turtle(self.graph)


@dataclass
class _Program:
    row: int
    label: str
    organization: str
    complete: bool | None = None
    complete_row: int = 0
    sources: set[str] = field(default_factory=set)
    retrieved: str | None = None
    topics: set[URIRef] = field(default_factory=set)
    declined: set[URIRef] = field(default_factory=set)  # wide layout: marked "no"
    #: topic → (evidence, source) pairs of the program's own claims
    evidence: dict[URIRef, set[tuple[str, str]]] = field(default_factory=dict)
    #: course key (code, else title) → the course
    courses: dict[str, "_Course"] = field(default_factory=dict)


@dataclass
class _Course:
    row: int
    code: str
    title: str
    credits: str = ""
    sources: set[str] = field(default_factory=set)
    topics: set[URIRef] = field(default_factory=set)
    evidence: dict[URIRef, set[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class _Organization:
    row: int
    label: str
    sources: set[str] = field(default_factory=set)
    own_sources: set[str] = field(default_factory=set)


def import_csv(path: str | Path, backend: Backend) -> ImportResult:
    """Read the spreadsheet at *path* and build its graph; topic IDs are checked against the
    topics of *backend* (the bundled topic scheme plus any ``--data``).

    :raises InputFileError: the file is missing, empty or not UTF-8 text.
    :raises ImportCsvError: one or more bad rows or columns; ``.problems`` lists them all.
    """
    path = Path(path)
    text = _read_text(path)
    return import_text(text, backend, name=str(path))


def import_text(text: str, backend: Backend, *, name: str = "<csv>") -> ImportResult:
    """:func:`import_csv` on spreadsheet text already read (for tests and library users)."""
    header, rows = _parse(text, name)
    problems: list[Problem] = []
    columns = [_normalise_column(c) for c in header]
    layout = "long" if "topic_id" in columns else "wide"
    problems += _check_header(header, columns, layout)

    topics = _TopicLookup(backend)
    topic_columns: dict[int, URIRef] = {}
    if layout == "wide":
        seen_topics: dict[URIRef, str] = {}
        for i, (raw, col) in enumerate(zip(header, columns)):
            if col in KNOWN_COLUMNS or not raw.strip():
                continue
            iri, message = topics.lookup(raw.strip())
            if iri is None:
                # In the wide layout every column that is not a known one names a topic.
                problems.append(Problem(1, raw.strip(), raw.strip(), message + "; in the wide layout "
                                        "every column other than " + ", ".join(BASE_COLUMNS + OPTIONAL_COLUMNS)
                                        + " names a topic"))
            elif iri in seen_topics:
                problems.append(
                    Problem(1, raw.strip(), raw.strip(), f"names the same topic as column {seen_topics[iri]}")
                )
            else:
                seen_topics[iri] = raw.strip()
                topic_columns[i] = iri
        if not topic_columns and not problems:
            problems.append(
                Problem(
                    1,
                    "",
                    "",
                    "no topic_id column and no topic columns: add a topic_id column (one row per "
                    "program and topic) or one column per topic ID (one row per program)",
                )
            )
    if not rows:
        problems.append(Problem(2, "", "", "no rows under the header: add one row per program and topic"
                                if layout == "long" else "no rows under the header: add one row per program"))
    if any(p.row == 1 and p.message.startswith("missing required column") for p in problems) or not rows:
        raise _error(name, problems)

    programs: dict[str, _Program] = {}
    organizations: dict[str, _Organization] = {}
    for number, cells in rows:
        record = {col: cells[i] if i < len(cells) else "" for i, col in enumerate(columns)}
        if len(cells) > len(columns):
            problems.append(
                Problem(number, "", "", f"{len(cells)} cells but the header has {len(columns)} columns "
                        "(a comma inside a value needs the value in double quotes)")
            )
            continue
        problems += _check_row(number, record, layout, topics, topic_columns, cells, header, programs, organizations)

    if problems:
        raise _error(name, problems)
    graph, links = _build(programs, organizations)
    courses = sum(len(p.courses) for p in programs.values())
    notes = tuple(
        f"program {pid}: topics marked 'no' ({len(p.declined)}) read as unknown, not as not "
        "covered, because its coverage_complete is not true"
        for pid, p in sorted(programs.items())
        if p.declined and p.complete is not True
    )
    return ImportResult(graph, layout, len(rows), len(programs), len(organizations), links, notes, courses)


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    from .load import read_input, require_regular_file

    require_regular_file(path)
    raw = read_input(path)
    try:
        # utf-8-sig drops the byte-order mark that Excel writes ("CSV UTF-8").
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(
            f"{path}: not UTF-8 text (byte {exc.start + 1}, line {line})",
            hint="Save the spreadsheet as \"CSV UTF-8 (comma delimited)\" and try again.",
        ) from exc


def _parse(text: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    # Rows are numbered as a spreadsheet shows them: the header is row 1, and a quoted cell
    # spanning several lines is still one row.
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=lambda d: (_known_count(first_line, d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        raise ImportCsvError(
            f"{name}: row {reader.line_num}: the CSV cannot be read ({exc})",
            hint="Check the quotes on that row: a value with commas or quotes goes in double "
            "quotes, and a quote inside it is written twice (\"\").",
        ) from exc
    while records and not any(c.strip() for c in records[0]):
        records.pop(0)
    if not records:
        raise InputFileError(f"{name}: the spreadsheet is empty", hint="The first row must name the columns.")
    header = [unicodedata.normalize("NFC", c) for c in records[0]]
    rows = [
        (i + 2, [unicodedata.normalize("NFC", c).strip() for c in record])
        for i, record in enumerate(records[1:])
        if any(c.strip() for c in record)
    ]
    return header, rows


def _known_count(line: str, delimiter: str) -> int:
    return sum(_normalise_column(c) in KNOWN_COLUMNS for c in line.split(delimiter))


def _normalise_column(name: str) -> str:
    # "Program ID" and "program-id" are the program_id column.
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


# ---------------------------------------------------------------------------
# checking
# ---------------------------------------------------------------------------


class _TopicLookup:
    """Topic IDs (or names) → IRIs, with suggestions for unknown ones; cached per value."""

    def __init__(self, backend: Backend) -> None:
        from .ids import might_name

        self.backend = backend
        self.cache: dict[str, tuple[URIRef | None, str]] = {}
        self.might = might_name(backend, "topic")
        self.unknown = 0

    def lookup(self, given: str) -> tuple[URIRef | None, str]:
        if given not in self.cache:
            from .ids import resolve

            if not self.might(given):
                # Surely unknown: suggestions (slow, a comparison with every topic) only for the
                # problems that are shown; a sheet of 100,000 bad columns is checked in a moment.
                self.unknown += 1
                if self.unknown > SHOWN_PROBLEMS:
                    self.cache[given] = (None, "unknown topic ID")
                    return self.cache[given]
            try:
                self.cache[given] = (resolve(self.backend, "topic", given), "")
            except UnknownIdError as exc:
                hint = f" (did you mean: {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
                self.cache[given] = (None, f"unknown topic ID{hint}")
        return self.cache[given]


def _check_header(header: Sequence[str], columns: Sequence[str], layout: str) -> list[Problem]:
    problems = []
    required = LONG_COLUMNS if layout == "long" else BASE_COLUMNS
    for col in required:
        if col not in columns:
            problems.append(Problem(1, col, "", "missing required column"))
    seen: set[str] = set()
    for raw, col in zip(header, columns):
        if not col:
            continue
        if col in seen:
            problems.append(Problem(1, raw.strip(), raw.strip(), "this column appears twice in the header"))
        seen.add(col)
        if layout == "long" and col not in KNOWN_COLUMNS:
            problems.append(
                Problem(1, raw.strip(), raw.strip(),
                        "unknown column; expected: " + ", ".join(LONG_COLUMNS + OPTIONAL_COLUMNS + COURSE_COLUMNS))
            )
        if layout == "wide" and col in COURSE_COLUMNS:
            problems.append(
                Problem(1, raw.strip(), raw.strip(),
                        "courses and evidence need the long layout: one row per program (or course) and "
                        "topic, with a topic_id column")
            )
    return problems


def _check_row(
    number: int,
    record: dict[str, str],
    layout: str,
    topics: _TopicLookup,
    topic_columns: dict[int, URIRef],
    cells: list[str],
    header: Sequence[str],
    programs: dict[str, _Program],
    organizations: dict[str, _Organization],
) -> list[Problem]:
    problems: list[Problem] = []

    def need(col: str, what: str) -> str:
        value = record.get(col, "")
        if not value:
            problems.append(Problem(number, col, "", f"empty {what}"))
        return value

    pid = need("program_id", "program ID")
    plabel = need("program_label", "program label")
    oid = need("organization_id", "organization ID")
    olabel = need("organization_label", "organization label")
    for col, value in (("program_id", pid), ("organization_id", oid)):
        if value and not SLUG.match(value):
            problems.append(
                Problem(number, col, value, "not a valid ID: use lower-case letters, digits and single "
                        f"hyphens, such as {_slugify(value)!r}")
            )
    sources = _urls(number, "source", need("source", "source"), problems)
    org_sources = _urls(number, "organization_source", record.get("organization_source", ""), problems)

    complete: bool | None = None
    raw_complete = record.get("coverage_complete", "")
    if raw_complete:
        complete = parse_boolean(raw_complete)
        if complete is None:
            problems.append(Problem(number, "coverage_complete", raw_complete, "not true or false (leave it blank if unknown)"))
    retrieved = record.get("retrieved", "")
    if retrieved and not _RETRIEVED.match(retrieved):
        problems.append(Problem(number, "retrieved", retrieved, "not a date such as 2024-05-31 or a month such as 2024-05"))
        retrieved = ""

    covered: set[URIRef] = set()
    declined: set[URIRef] = set()
    code, title = record.get("course_code", ""), record.get("course_title", "")
    credits, evidence = record.get("credits", ""), record.get("evidence", "")
    if layout == "long":
        given = record.get("topic_id", "")
        if given:
            iri, message = topics.lookup(given)
            if iri is None:
                problems.append(Problem(number, "topic_id", given, message))
            else:
                covered.add(iri)
        elif not title:
            # A course may be listed without a topic; a program row always names one.
            problems.append(Problem(number, "topic_id", "", "empty topic ID"))
        if code and not title:
            problems.append(Problem(number, "course_title", "", f"empty course title: course {code!r} needs its "
                                    "title as the program writes it"))
        if credits and not title:
            problems.append(Problem(number, "credits", credits, "credits belong to a course: add its course_title"))
        if credits and not _is_credit_number(credits):
            problems.append(Problem(number, "credits", credits, "not a number of zero or more, such as 3 or 1.5"))
            credits = ""
        if evidence and not given:
            problems.append(Problem(number, "evidence", evidence, "evidence justifies a topic: add the topic_id it "
                                    "is the evidence for"))
        if len(evidence) > MAX_EVIDENCE:
            problems.append(Problem(number, "evidence", evidence[:40] + "…", f"{len(evidence)} characters: quote only "
                                    f"the few words (at most about 15, {MAX_EVIDENCE} characters) that name the topic"))
    else:
        for i, iri in topic_columns.items():
            mark = cells[i].strip().lower() if i < len(cells) else ""
            if mark in YES_MARKS:
                covered.add(iri)
            elif mark in NO_MARKS:
                if mark:
                    declined.add(iri)
            else:
                problems.append(
                    Problem(number, header[i].strip(), cells[i],
                            "not a mark: write x, yes, 1, true or ✓ where covered; leave blank, no, 0 or false where not")
                )

    if pid and plabel and oid:
        program = programs.get(pid)
        if program is None:
            program = programs[pid] = _Program(number, plabel, oid)
        else:
            if program.label != plabel:
                problems.append(Problem(number, "program_label", plabel,
                                        f"program {pid} is called {program.label!r} on row {program.row}"))
            if program.organization != oid:
                problems.append(Problem(number, "organization_id", oid,
                                        f"program {pid} is offered by {program.organization!r} on row {program.row}"))
        if complete is not None:
            if program.complete is not None and program.complete != complete:
                problems.append(Problem(number, "coverage_complete", raw_complete,
                                        f"program {pid} says {str(program.complete).lower()} on row {program.complete_row}"))
            elif program.complete is None:
                program.complete, program.complete_row = complete, number
        if retrieved and (program.retrieved is None or retrieved > program.retrieved):
            program.retrieved = retrieved  # the latest reading of the program's sources
        program.sources |= sources
        program.declined |= declined
        claim = {(evidence, url) for url in sources} if evidence else set()
        if title:
            key = code.casefold() if code else title.casefold()
            course = program.courses.get(key)
            if course is None:
                course = program.courses[key] = _Course(number, code, title)
            else:
                if course.title != title:
                    problems.append(Problem(number, "course_title", title,
                                            f"course {code!r} is called {course.title!r} on row {course.row}"))
                if course.code and code and course.code != code:
                    problems.append(Problem(number, "course_code", code,
                                            f"course {title!r} has code {course.code!r} on row {course.row}"))
            if credits:
                if course.credits and Decimal(course.credits) != Decimal(credits):
                    problems.append(Problem(number, "credits", credits,
                                            f"course {course.code or course.title!r} has {course.credits} credits on row {course.row}"))
                course.credits = course.credits or credits
            course.sources |= sources
            course.topics |= covered
            for topic in covered:
                course.evidence.setdefault(topic, set()).update(claim)
        else:
            program.topics |= covered
            for topic in covered:
                program.evidence.setdefault(topic, set()).update(claim)
    if oid and olabel:
        org = organizations.get(oid)
        if org is None:
            org = organizations[oid] = _Organization(number, olabel)
        elif org.label != olabel:
            problems.append(Problem(number, "organization_label", olabel,
                                    f"organization {oid} is called {org.label!r} on row {org.row}"))
        org.sources |= sources
        org.own_sources |= org_sources
    return problems


def _urls(number: int, column: str, value: str, problems: list[Problem]) -> set[str]:
    if not value:
        return set()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value) or "." not in parts.netloc:
        problems.append(Problem(number, column, value, "not a web address (it must start with https:// or http://)"))
        return set()
    return {value}


def _is_credit_number(text: str) -> bool:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return False
    return value.is_finite() and value >= 0


def _slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "my-id"


#: at most this many problems are listed; the others are counted.
SHOWN_PROBLEMS = 50


def _error(name: str, problems: list[Problem]) -> ImportCsvError:
    ordered = sorted(set(problems), key=lambda p: (p.row, p.column, p.value, p.message))
    lines = "\n".join("  " + p.text() for p in ordered[:SHOWN_PROBLEMS])
    if len(ordered) > SHOWN_PROBLEMS:
        lines += f"\n  … and {plural(len(ordered) - SHOWN_PROBLEMS, 'more problem')} (the first {SHOWN_PROBLEMS} are shown)"
    error = ImportCsvError(
        f"{name}: {plural(len(ordered), 'problem')}; nothing was written:\n{lines}",
        hint="Fix these rows and run import-csv again. Topic IDs are the short IDs of the topic "
        "scheme (ontology/topics.ttl), such as attachment-theory.",
    )
    error.problems = ordered  # type: ignore[attr-defined]
    return error


# ---------------------------------------------------------------------------
# building
# ---------------------------------------------------------------------------


def _build(programs: dict[str, _Program], organizations: dict[str, _Organization]) -> tuple[Graph, int]:
    graph = bind_all(Graph())
    links = 0
    for oid, org in organizations.items():
        node = iri_for("org", oid)
        graph.add((node, RDF.type, IMH.Organization))
        graph.add((node, RDFS.label, Literal(org.label)))
        # An organization's own source column wins; otherwise the pages its programs come from.
        for url in org.own_sources or org.sources:
            graph.add((node, DCTERMS.source, URIRef(url)))
    for pid, program in programs.items():
        node = iri_for("program", pid)
        graph.add((node, RDF.type, IMH.TrainingProgram))
        graph.add((node, RDFS.label, Literal(program.label)))
        graph.add((node, IMH.offeredBy, iri_for("org", program.organization)))
        for url in program.sources:
            graph.add((node, DCTERMS.source, URIRef(url)))
        if program.complete is not None:
            graph.add((node, IMH.coverageComplete, Literal(program.complete)))
        if program.retrieved:
            datatype = XSD.date if len(program.retrieved) == 10 else XSD.gYearMonth
            graph.add((node, IMH.retrieved, Literal(program.retrieved, datatype=datatype)))
        links += _add_claims(graph, node, program.topics, program.evidence)
        taken: set[str] = set()
        for key in sorted(program.courses):
            course = program.courses[key]
            slug = _course_slug(pid, course, taken)
            course_node = iri_for("course", slug)
            graph.add((node, IMH.hasCourse, course_node))
            graph.add((course_node, RDF.type, IMH.Course))
            graph.add((course_node, RDFS.label, Literal(course.title)))
            if course.code:
                graph.add((course_node, IMH.code, Literal(course.code)))
            if course.credits:
                graph.add((course_node, IMH.credits, Literal(Decimal(course.credits))))
            for url in course.sources:
                graph.add((course_node, DCTERMS.source, URIRef(url)))
            links += _add_claims(graph, course_node, course.topics, course.evidence)
    return graph, links


def _add_claims(graph: Graph, node: URIRef, topics: set[URIRef], evidence: dict[URIRef, set[tuple[str, str]]]) -> int:
    """``imh:covers`` for each topic, with an ``imh:coverage`` node for each (evidence, source)."""
    for topic in topics:
        graph.add((node, IMH.covers, topic))
        for words, url in sorted(evidence.get(topic, ())):
            claim = BNode()
            graph.add((node, IMH.coverage, claim))
            graph.add((claim, IMH.topic, topic))
            graph.add((claim, IMH.evidence, Literal(words)))
            graph.add((claim, DCTERMS.source, URIRef(url)))
    return len(topics)


def _course_slug(pid: str, course: _Course, taken: set[str]) -> str:
    """``<program-id>-<code or title>``, lower case with hyphens, unique within the program."""
    base = f"{pid}-{_slugify(course.code or course.title)}"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


__all__ = ["ImportResult", "Problem", "import_csv", "import_text"]
