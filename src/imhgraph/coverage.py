"""Curricula coverage: which program teaches which topic, compared across programs and
against what credentials require.

The data is fetched once, set-based, by :func:`load_coverage_data` (five SELECTs, whatever
the number of programs) into a frozen :class:`CoverageData`; every cell is then computed in
Python. A cell (SPEC §3) is one of:

``direct``
    the program covers the topic (``imh:covers``);
``narrower``
    it does not, but it covers a topic whose ``skos:broader`` chain reaches this one, at any
    depth (a topic may have several broader topics; cycles are tolerated);
``no``
    neither, and the program declares its coverage complete (``imh:coverageComplete true``);
``unknown``
    neither, and the program's coverage is not declared complete (false, absent, or
    contradictory): the data does not say, so neither do we.

Which resources count:

* programs: instances of ``imh:TrainingProgram`` or of a subclass, with an IRI;
* topics: instances of ``imh:Topic`` or of a subclass, in any concept scheme (the bundled
  scheme ``topic:scheme`` and, say, a fixture's own), plus any resource that a program
  covers or a credential requires without being typed as a topic (SHACL reports those; we
  still show them rather than silently drop what the data says);
* the hierarchy: ``skos:broader`` edges between topics, also where only the inverse
  ``skos:narrower`` is stated.

IRIs are plain ``str`` throughout this module (not rdflib ``URIRef``, which never compares
equal to a ``str``); the public functions accept either.

Output order is deterministic: programs by short ID; topics in the pre-order of the
hierarchy (roots, then each topic's narrower topics, siblings by short ID, each topic
once, at its first place), so that a subtree's columns sit side by side.
"""

from __future__ import annotations

import csv
import io
import json
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import UsageError
from .ids import best_label, internal_query
from .namespaces import short_id
from .render import Table
from .stores import Backend

#: The four cell values, in the order reports list them.
CELL_VALUES: tuple[str, ...] = ("direct", "narrower", "no", "unknown")

#: One symbol per cell value for the text and Markdown matrices.
SYMBOLS: dict[str, str] = {"direct": "●", "narrower": "◐", "no": "✗", "unknown": "?"}

#: What each value means, in the words of the legend.
MEANINGS: dict[str, str] = {
    "direct": "the program covers the topic",
    "narrower": "it covers only narrower topics (at any depth)",
    "no": "not covered (the program declares its coverage complete)",
    "unknown": "not covered as far as the data says (coverage not declared complete)",
}

_EMPTY: frozenset[str] = frozenset()


# ---------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageData:
    """Everything coverage needs, fetched once from a backend (see :func:`load_coverage_data`).

    All keys and members are IRIs as ``str``. Derived facts (ancestors, subtrees, the topic
    order) are computed on first use and memoised in private fields.
    """

    #: program IRI → label, sorted by short ID.
    programs: dict[str, str]
    #: topic IRI → label, in hierarchy pre-order (see :meth:`topic_order`).
    topics: dict[str, str]
    #: program IRI → the topics it covers directly (programs covering nothing are absent).
    covers: dict[str, frozenset[str]]
    #: program IRI → True when its coverage is declared complete (every program is present).
    complete: dict[str, bool]
    #: topic IRI → its direct broader topics (topics without any are absent).
    broader: dict[str, frozenset[str]]
    #: topic IRI → level in the hierarchy: 1 for top topics, else 1 + the smallest depth of
    #: its broader topics (shortest path to a top topic).
    depth: dict[str, int]
    #: credential IRI → the topics it requires (every credential is present, maybe empty).
    required: dict[str, frozenset[str]]
    #: credential IRI → label, sorted by short ID.
    credentials: dict[str, str] = field(default_factory=dict)
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    _reached: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def ancestors(self, topic: str) -> frozenset[str]:
        """Every topic reached from *topic* by one or more ``skos:broader`` steps.

        A breadth-first walk with a visited set, so cycles end; *topic* itself is included
        only when it lies on a cycle.
        """
        topic = str(topic)
        found = self._ancestors.get(topic)
        if found is None:
            seen: set[str] = set()
            queue = deque(self.broader.get(topic, _EMPTY))
            while queue:
                node = queue.popleft()
                if node not in seen:
                    seen.add(node)
                    queue.extend(self.broader.get(node, _EMPTY))
            found = self._ancestors[topic] = frozenset(seen)
        return found

    def reached(self, program: str) -> frozenset[str]:
        """The topics *program* reaches through narrower topics: the union of the ancestors
        of the topics it covers (it may contain covered topics too)."""
        program = str(program)
        found = self._reached.get(program)
        if found is None:
            covered = self.covers.get(program, _EMPTY)
            memo = self._ancestors
            for topic in covered:
                if topic not in memo:
                    self.ancestors(topic)
            # map() over the memo keeps the union at C speed (this runs once per program).
            found = frozenset().union(*map(memo.__getitem__, covered)) if covered else _EMPTY
            self._reached[program] = found
        return found

    def children(self) -> dict[str, list[str]]:
        """Topic → its direct narrower topics, sorted by short ID."""
        if "children" not in self._derived:
            kids: dict[str, list[str]] = {}
            for topic, parents in self.broader.items():
                for parent in parents:
                    kids.setdefault(parent, []).append(topic)
            for topic in kids:
                kids[topic].sort(key=short_id)
            self._derived["children"] = kids
        return self._derived["children"]

    def subtree(self, topic: str) -> frozenset[str]:
        """*topic* and every topic below it (narrower, at any depth)."""
        topic = str(topic)
        kids = self.children()
        seen = {topic}
        queue = deque([topic])
        while queue:
            for child in kids.get(queue.popleft(), ()):
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
        return frozenset(seen)

    def topic_order(self, subset: Iterable[str] | None = None) -> list[tuple[str, int]]:
        """Every topic (or every topic of *subset*) once, in hierarchy pre-order, with its
        indentation level there.

        Roots (topics with no broader topic in the set) by short ID, each followed by its
        narrower topics in the set; a topic with several broader topics appears under the
        first one reached. Topics only on cycles are placed from the smallest short ID among
        them. The order of the whole set is memoised.
        """
        if subset is None and "order" in self._derived:
            return self._derived["order"]
        members = set(self.topics) if subset is None else {str(t) for t in subset}
        kids = self.children()
        placed: set[str] = set()
        order: list[tuple[str, int]] = []

        def visit(root: str) -> None:
            stack = [(root, 0)]
            while stack:
                topic, level = stack.pop()
                if topic in placed:
                    continue
                placed.add(topic)
                order.append((topic, level))
                for child in reversed(kids.get(topic, ())):
                    if child in members and child not in placed:
                        stack.append((child, level + 1))

        by_id = sorted(members, key=short_id)
        for topic in by_id:
            if not (self.broader.get(topic, _EMPTY) & members):
                visit(topic)
        for topic in by_id:  # what is left hangs on a cycle
            if topic not in placed:
                visit(topic)
        if subset is None:
            self._derived["order"] = order
        return order


def load_coverage_data(backend: Backend) -> CoverageData:
    """Fetch programs, topics, the hierarchy, covers and credential requirements from
    *backend* with five SELECTs (``queries/internal/coverage-*.rq``), memoised per backend.

    Only :class:`~imhgraph.stores.Backend` methods are used, so this works the same on the
    in-memory store, the on-disk store and a remote SPARQL endpoint.
    """
    cached = backend.memo.get("coverage-data")
    if isinstance(cached, CoverageData):
        return cached

    # Programs: names and the completeness flag.
    program_labels: dict[str, list[Any]] = {}
    flags: dict[str, list[bool]] = {}
    for program, label, complete in backend.select(internal_query("coverage-programs")).rows:
        key = str(program)
        names = program_labels.setdefault(key, [])
        if label is not None and label not in names:
            names.append(label)
        if complete is not None:
            flags.setdefault(key, []).append(_truthy(complete))
    programs = {p: best_label(p, other=program_labels[p]) for p in sorted(program_labels, key=short_id)}
    # Conflicting flags (true and false) cannot close the world: only all-true is complete.
    complete = {p: bool(flags.get(p)) and all(flags[p]) for p in programs}

    # Topics: typed topics first, with skos:prefLabel preferred over rdfs:label.
    prefs: dict[str, list[Any]] = {}
    names_: dict[str, list[Any]] = {}
    for topic, pref, name in backend.select(internal_query("coverage-topics")).rows:
        key = str(topic)
        prefs.setdefault(key, [])
        names_.setdefault(key, [])
        if pref is not None and pref not in prefs[key]:
            prefs[key].append(pref)
        if name is not None and name not in names_[key]:
            names_[key].append(name)
    topic_labels = {t: best_label(t, prefs[t], names_[t]) for t in prefs}

    # Covers, one row per program; topic strings are shared (canonical) to save memory.
    canonical: dict[str, str] = {t: t for t in topic_labels}
    covers: dict[str, frozenset[str]] = {}
    for program, joined in backend.select(internal_query("coverage-covers")).rows:
        key = str(program)
        if key not in programs or joined is None:
            continue
        covered = []
        for iri in str(joined).split():
            covered.append(canonical.setdefault(iri, iri))
        covers[key] = frozenset(covered)

    # Credentials and the topics they require.
    credential_labels: dict[str, list[Any]] = {}
    required_sets: dict[str, set[str]] = {}
    for credential, label, topic in backend.select(internal_query("coverage-credentials")).rows:
        key = str(credential)
        names = credential_labels.setdefault(key, [])
        if label is not None and label not in names:
            names.append(label)
        required_sets.setdefault(key, set())
        if topic is not None:
            required_sets[key].add(canonical.setdefault(str(topic), str(topic)))
    credentials = {c: best_label(c, other=credential_labels[c]) for c in sorted(credential_labels, key=short_id)}
    required = {c: frozenset(required_sets[c]) for c in credentials}

    # What is covered or required without being a typed topic still gets a column.
    for iri in canonical:
        if iri not in topic_labels:
            topic_labels[iri] = short_id(iri)

    edges: dict[str, set[str]] = {}
    for topic, parent in backend.select(internal_query("coverage-broader")).rows:
        child, up = str(topic), str(parent)
        if child in topic_labels and up in topic_labels and child != up:
            edges.setdefault(child, set()).add(up)
    broader = {t: frozenset(ups) for t, ups in edges.items()}

    data = CoverageData(
        programs=programs,
        topics=topic_labels,
        covers=covers,
        complete=complete,
        broader=broader,
        depth=_depths(topic_labels, broader),
        required=required,
        credentials=credentials,
    )
    # Put the topics in hierarchy order (the dict order is what callers iterate).
    ordered = {t: topic_labels[t] for t, _ in data.topic_order()}
    topic_labels.clear()
    topic_labels.update(ordered)
    backend.memo["coverage-data"] = data
    return data


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1")


def _depths(topics: dict[str, str], broader: dict[str, frozenset[str]]) -> dict[str, int]:
    """Shortest distance to a top topic, plus one (top topics: 1). Topics that only hang on a
    cycle start a new level 1 at the smallest short ID among them."""
    kids: dict[str, list[str]] = {}
    for topic, parents in broader.items():
        for parent in parents:
            kids.setdefault(parent, []).append(topic)
    depth: dict[str, int] = {}

    def spread(starts: list[str]) -> None:
        queue = deque(starts)
        for start in starts:
            depth[start] = 1
        while queue:
            topic = queue.popleft()
            for child in kids.get(topic, ()):
                if child not in depth:
                    depth[child] = depth[topic] + 1
                    queue.append(child)

    spread(sorted((t for t in topics if not broader.get(t)), key=short_id))
    for topic in sorted(topics, key=short_id):
        if topic not in depth:
            spread([topic])
    return depth


# ---------------------------------------------------------------------------
# Cells and the matrix
# ---------------------------------------------------------------------------


def cell(data: CoverageData, program: str, topic: str) -> str:
    """The coverage cell of *program* for *topic*: ``direct``, ``narrower``, ``no`` or
    ``unknown`` (see the module docstring)."""
    program, topic = str(program), str(topic)
    if topic in data.covers.get(program, _EMPTY):
        return "direct"
    if topic in data.reached(program):
        return "narrower"
    return "no" if data.complete.get(program, False) else "unknown"


def count_cells(data: CoverageData, program: str, topics: frozenset[str] | set[str]) -> dict[str, int]:
    """How many of *topics* are direct / narrower / no / unknown for *program*, by set
    arithmetic (no per-cell work)."""
    program = str(program)
    covered = data.covers.get(program, _EMPTY)
    direct = len(covered & topics) if len(covered) < len(topics) else len(topics & covered)
    narrower = len((data.reached(program) - covered) & topics)
    rest = len(topics) - direct - narrower
    complete = data.complete.get(program, False)
    return {"direct": direct, "narrower": narrower, "no": rest if complete else 0, "unknown": 0 if complete else rest}


def select_topics(
    data: CoverageData,
    *,
    topics: Iterable[str] | None = None,
    under: Iterable[str] = (),
    depth: int | None = None,
) -> list[str]:
    """The topics that pass every filter given, in hierarchy order.

    :param topics: only these topics.
    :param under: only topics in the subtree of one of these (each topic included).
    :param depth: only the top *depth* levels (1 = top topics).
    :raises UsageError: *depth* below 1.
    """
    keep: set[str] | None = None
    if topics is not None:
        keep = {str(t) for t in topics}
    under = [str(t) for t in under]
    if under:
        sub: set[str] = set()
        for root in under:
            sub |= data.subtree(root)
        keep = sub if keep is None else keep & sub
    if depth is not None:
        if depth < 1:
            raise UsageError(f"--depth must be 1 or more, not {depth}", hint="--depth 1 shows the top topics only.")
        top = {t for t, d in data.depth.items() if d <= depth}
        keep = top if keep is None else keep & top
    return [t for t in data.topics if keep is None or t in keep]


def matrix(
    data: CoverageData,
    programs: Iterable[str] | None = None,
    topics: Iterable[str] | None = None,
) -> CoverageMatrix:
    """The program × topic matrix for *programs* (default: all) and *topics* (default: all),
    rows by short ID and columns in hierarchy order whatever order they are given in."""
    wanted_p = None if programs is None else {str(p) for p in programs}
    wanted_t = None if topics is None else {str(t) for t in topics}
    rows = tuple(p for p in data.programs if wanted_p is None or p in wanted_p)
    # Programs asked for but not in the data (a bare IRI) still get a row, last.
    if wanted_p:
        rows += tuple(sorted(wanted_p - set(rows), key=short_id))
    if wanted_t is None:
        cols = tuple(data.topics)
    else:
        # The hierarchy order of the chosen topics among themselves, so that a subtree's
        # topics are indented under its root in the key.
        cols = tuple(t for t, _ in data.topic_order(wanted_t))
    return CoverageMatrix(data, rows, cols)


@dataclass(frozen=True)
class CoverageMatrix:
    """Cells for a set of programs (rows) and topics (columns), computed on demand so that a
    matrix of millions of cells is never held in memory; every writer streams."""

    data: CoverageData
    programs: tuple[str, ...]
    topics: tuple[str, ...]
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def value(self, program: str, topic: str) -> str:
        """The cell of *program* for *topic* (see :func:`cell`)."""
        return cell(self.data, program, topic)

    def _index(self) -> dict[str, int]:
        found = self._memo.get("index")
        if found is None:
            found = self._memo["index"] = {t: i for i, t in enumerate(self.topics)}
        return found

    def _fill(self, program: str, values: Sequence[Any], default: Sequence[Any]) -> list[Any]:
        """A row built from per-column *values* ``(direct, narrower)`` over a copy of the
        *default* row: only the covered and reached columns are touched, so a row costs its
        program's topics, not the number of columns."""
        index = self._index()
        row = list(default)
        covered = self.data.covers.get(program, _EMPTY)
        for topic in self.data.reached(program):
            i = index.get(topic)
            if i is not None:
                row[i] = values[1][i]
        for topic in covered:
            i = index.get(topic)
            if i is not None:
                row[i] = values[0][i]
        return row

    def row(self, program: str) -> list[str]:
        """The cells of one program, in column order."""
        n = len(self.topics)
        default = ["no" if self.data.complete.get(program, False) else "unknown"] * n
        return self._fill(program, (["direct"] * n, ["narrower"] * n), default)

    def rows(self) -> Iterator[tuple[str, list[str]]]:
        """``(program, cells)`` for every row, in order."""
        for program in self.programs:
            yield program, self.row(program)

    def counts(self) -> dict[str, dict[str, int]]:
        """Program → counts of each cell value over the matrix's topics."""
        columns = frozenset(self.topics)
        return {p: count_cells(self.data, p, columns) for p in self.programs}

    def program_label(self, program: str) -> str:
        """The name of a row."""
        return self.data.programs.get(program, short_id(program))

    def topic_label(self, topic: str) -> str:
        """The name of a column."""
        return self.data.topics.get(topic, short_id(topic))

    # -- JSON (SPEC §3 shape, streamed) -------------------------------------

    def json_chunks(self) -> Iterator[str]:
        """The SPEC §3 JSON, ``{"programs", "topics", "cells"}``, as text chunks (one per
        program row of cells), one object per line, keys in a fixed order."""
        dump = json.dumps
        yield "{\n"
        yield '  "programs": ['
        yield ",".join(
            f'\n    {{"id": {dump(short_id(p), ensure_ascii=False)}, "label": {dump(self.program_label(p), ensure_ascii=False)}}}'
            for p in self.programs
        )
        yield "\n  ],\n" if self.programs else "],\n"
        yield '  "topics": ['
        yield ",".join(
            f'\n    {{"id": {dump(short_id(t), ensure_ascii=False)}, "label": {dump(self.topic_label(t), ensure_ascii=False)}}}'
            for t in self.topics
        )
        yield "\n  ],\n" if self.topics else "],\n"
        yield '  "cells": ['
        # Every cell line is "<program part><topic part + value>"; the second halves are built
        # once per column and value, and a row is one C-level join over a list of them.
        suffix = {
            v: [f', "topic": {dump(short_id(t), ensure_ascii=False)}, "value": "{v}"}}' for t in self.topics]
            for v in CELL_VALUES
        }
        first = True
        for program in self.programs:
            if not self.topics:
                break
            head = f'    {{"program": {dump(short_id(program), ensure_ascii=False)}'
            default = suffix["no"] if self.data.complete.get(program, False) else suffix["unknown"]
            parts = self._fill(program, (suffix["direct"], suffix["narrower"]), default)
            yield ("\n" if first else ",\n") + head + (",\n" + head).join(parts)
            first = False
        yield "]\n" if first else "\n  ]\n"
        yield "}\n"

    def json_text(self) -> str:
        """:meth:`json_chunks` joined."""
        return "".join(self.json_chunks())

    # -- CSV / TSV (wide, one row per program) ------------------------------

    def delimited_chunks(self, delimiter: str = ",") -> Iterator[str]:
        """A wide table: ``program, label`` then one column per topic ID holding the cell
        word; one chunk per row."""
        from .render import csv_safe

        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(["program", "label"] + [csv_safe(short_id(t)) for t in self.topics])
        yield out.getvalue()
        for program, cells in self.rows():
            out.seek(0)
            out.truncate()
            writer.writerow([csv_safe(short_id(program)), csv_safe(self.program_label(program)), *cells])
            yield out.getvalue()

    # -- text and Markdown (symbols, numbered columns, key below) ------------

    def _key_rows(self) -> list[tuple[int, str, str, int]]:
        levels = dict(self.data.topic_order(self.topics))
        return [(i, short_id(t), self.topic_label(t), levels.get(t, 0)) for i, t in enumerate(self.topics, start=1)]

    def legend(self) -> list[str]:
        """One line per symbol."""
        return [f"{SYMBOLS[v]} {v}: {MEANINGS[v]}" for v in CELL_VALUES]

    def text(self, width: int = 100) -> str:
        """The matrix for a terminal: rows are programs, columns are numbered topics (numbers
        written downwards), split into blocks that fit *width* characters; each row ends with
        its counts; the key (number → topic, indented by hierarchy) and the legend follow."""
        return "".join(self.text_chunks(width))

    def text_chunks(self, width: int = 100) -> Iterator[str]:
        """:meth:`text` in chunks."""
        n_p, n_t = len(self.programs), len(self.topics)
        yield f"Coverage of {n_p} program{'s' * (n_p != 1)} × {n_t} topic{'s' * (n_t != 1)}\n\n"
        if not self.programs or not self.topics:
            yield "(nothing to show: no programs or no topics match)\n"
            return
        ids = [short_id(p) for p in self.programs]
        label_w = max(len("program"), *(len(i) for i in ids))
        per_block = max(10, (width - label_w - 2) // 2)
        counts = self.counts()
        rows = list(self.rows()) if n_p * n_t <= 2_000_000 else None
        for start in range(0, n_t, per_block):
            stop = min(start + per_block, n_t)
            numbers = [str(i) for i in range(start + 1, stop + 1)]
            digits = max(len(x) for x in numbers)
            last = stop == n_t
            for d in range(digits):
                head = "program" if d == digits - 1 else ""
                line = head.ljust(label_w) + "  " + " ".join(x.rjust(digits)[d] for x in numbers)
                if last and d == digits - 1:
                    line += "   " + " ".join(f"{SYMBOLS[v]:>3}" for v in CELL_VALUES)
                yield line.rstrip() + "\n"
            rule = "-" * label_w + "  " + "-" * (2 * len(numbers) - 1)
            if last:
                rule += "   " + " ".join("---" for _ in CELL_VALUES)
            yield rule + "\n"
            for index, program in enumerate(self.programs):
                cells = rows[index][1] if rows is not None else self.row(program)
                line = ids[index].ljust(label_w) + "  " + " ".join(SYMBOLS[v] for v in cells[start:stop])
                if last:
                    line += "   " + " ".join(f"{counts[program][v]:>3}" for v in CELL_VALUES)
                yield line + "\n"
            yield "\n"
        yield "Topics:\n"
        key = self._key_rows()
        num_w = len(str(n_t))
        id_w = max(len("  " * lvl + tid) for _, tid, _, lvl in key)
        for number, tid, label, level in key:
            yield f"  {number:>{num_w}}  {('  ' * level + tid).ljust(id_w)}  {label}\n"
        yield "\n"
        for line in self.legend():
            yield line + "\n"

    def markdown(self) -> str:
        """A Markdown table with numbered topic columns, then the key and the legend."""
        def esc(text: str) -> str:
            return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

        lines = [
            "| program | " + " | ".join(str(i) for i in range(1, len(self.topics) + 1)) + " |",
            "| --- |" + "".join(" :-: |" for _ in self.topics),
        ]
        for program, cells in self.rows():
            lines.append(f"| {esc(short_id(program))} | " + " | ".join(SYMBOLS[v] for v in cells) + " |")
        lines += ["", "Topics:", ""]
        for number, tid, label, _level in self._key_rows():
            lines.append(f"{number}. `{tid}` {esc(label)}")
        lines += ["", "Legend: " + "; ".join(f"{SYMBOLS[v]} {v}" for v in CELL_VALUES) + "."]
        return "\n".join(lines) + "\n"

    # -- summary -------------------------------------------------------------

    def summary_table(self) -> Table:
        """Per program: counts of direct / narrower / no / unknown over the matrix's topics."""
        counts = self.counts()
        return Table(
            ["program", "label", *CELL_VALUES],
            [[short_id(p), self.program_label(p), *(counts[p][v] for v in CELL_VALUES)] for p in self.programs],
            title=f"Coverage summary: {len(self.programs)} programs over {len(self.topics)} topics",
            notes=[
                "direct: covers the topic; narrower: covers only narrower topics;",
                "no: not covered (coverage declared complete); unknown: the data does not say.",
            ],
        )

    def summary_json(self) -> dict[str, Any]:
        """``{"topics": n, "programs": [{"id", "label", "direct", "narrower", "no", "unknown"}]}``."""
        counts = self.counts()
        return {
            "topics": len(self.topics),
            "programs": [
                {"id": short_id(p), "label": self.program_label(p), **counts[p]} for p in self.programs
            ],
        }


# ---------------------------------------------------------------------------
# compare A B
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Two programs side by side, by direct coverage, with the topics left unknown."""

    a: str
    b: str
    a_label: str
    b_label: str
    #: topic → (cell of A, cell of B), for every topic, in hierarchy order.
    cells: dict[str, tuple[str, str]]
    topic_labels: dict[str, str]

    def _where(self, test: Any) -> list[str]:
        return [t for t, (x, y) in self.cells.items() if test(x, y)]

    @property
    def shared(self) -> list[str]:
        """Topics both cover directly."""
        return self._where(lambda x, y: x == "direct" and y == "direct")

    @property
    def only_a(self) -> list[str]:
        """Topics A covers directly and B does not."""
        return self._where(lambda x, y: x == "direct" and y != "direct")

    @property
    def only_b(self) -> list[str]:
        """Topics B covers directly and A does not."""
        return self._where(lambda x, y: y == "direct" and x != "direct")

    @property
    def unknown_a(self) -> list[str]:
        """Topics whose coverage by A is unknown."""
        return self._where(lambda x, y: x == "unknown")

    @property
    def unknown_b(self) -> list[str]:
        """Topics whose coverage by B is unknown."""
        return self._where(lambda x, y: y == "unknown")

    @property
    def jaccard(self) -> float | None:
        """|shared| / |covered directly by A or B|; None when neither covers anything."""
        union = len(self._where(lambda x, y: "direct" in (x, y)))
        return round(len(self.shared) / union, 4) if union else None

    def to_json(self) -> dict[str, Any]:
        """SPEC §3 shape plus the unknown lists, the Jaccard figure and the labels."""
        ids = lambda topics: [short_id(t) for t in topics]  # noqa: E731
        return {
            "a": short_id(self.a),
            "b": short_id(self.b),
            "shared": ids(self.shared),
            "only_a": ids(self.only_a),
            "only_b": ids(self.only_b),
            "unknown_a": ids(self.unknown_a),
            "unknown_b": ids(self.unknown_b),
            "jaccard": self.jaccard,
            "a_label": self.a_label,
            "b_label": self.b_label,
        }

    def groups(self) -> list[tuple[str, list[str]]]:
        """(group name, topics): shared, only A, only B, then unknown (where either cell is
        unknown and the topic is in none of the first three)."""
        listed = set(self.shared) | set(self.only_a) | set(self.only_b)
        unknown = [t for t in self._where(lambda x, y: "unknown" in (x, y)) if t not in listed]
        return [("shared", self.shared), ("only_a", self.only_a), ("only_b", self.only_b), ("unknown", unknown)]

    def table(self) -> Table:
        """One row per topic that is in a group: group, topic, label, A's cell, B's cell."""
        rows = [
            [group, short_id(t), self.topic_labels.get(t, short_id(t)), *self.cells[t]]
            for group, topics in self.groups()
            for t in topics
        ]
        return Table(["group", "topic", "label", "a", "b"], rows)

    def text(self) -> str:
        """Sections for people: shared, only A, only B, unknown, each with both cells."""
        a_id, b_id = short_id(self.a), short_id(self.b)
        lines = [f"A: {a_id} ({self.a_label})", f"B: {b_id} ({self.b_label})", ""]
        titles = {
            "shared": "Shared (both cover directly)",
            "only_a": f"Only A ({a_id} covers directly, B does not)",
            "only_b": f"Only B ({b_id} covers directly, A does not)",
            "unknown": "Unknown (at least one program's coverage is unknown)",
        }
        for group, topics in self.groups():
            lines.append(f"{titles[group]}: {len(topics)}")
            if topics:
                id_w = max(len(short_id(t)) for t in topics)
                for t in topics:
                    x, y = self.cells[t]
                    lines.append(
                        f"  {short_id(t).ljust(id_w)}  A {SYMBOLS[x]} {x:<8}  B {SYMBOLS[y]} {y:<8}  "
                        f"{self.topic_labels.get(t, short_id(t))}".rstrip()
                    )
            lines.append("")
        j = self.jaccard
        lines.append(
            "Jaccard similarity (direct coverage): "
            + (f"{j:.2f} ({len(self.shared)} shared of {len(self._where(lambda x, y: 'direct' in (x, y)))} covered by either)" if j is not None else "undefined (neither covers any topic)")
        )
        return "\n".join(lines) + "\n"


def compare(data: CoverageData, a: str, b: str) -> Comparison:
    """Compare programs *a* and *b* over every topic."""
    a, b = str(a), str(b)
    cells = {t: (cell(data, a, t), cell(data, b, t)) for t in data.topics}
    return Comparison(
        a, b, data.programs.get(a, short_id(a)), data.programs.get(b, short_id(b)), cells, data.topics
    )


# ---------------------------------------------------------------------------
# gaps PROGRAM --credential CRED
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Gaps:
    """A program's cell for each topic a credential requires."""

    program: str
    program_label: str
    credential: str
    credential_label: str
    #: (topic IRI, label, cell), in hierarchy order.
    topics: tuple[tuple[str, str, str], ...]

    @property
    def counts(self) -> dict[str, int]:
        """How many required topics have each cell value."""
        found = {v: 0 for v in CELL_VALUES}
        for _, _, value in self.topics:
            found[value] += 1
        return found

    @property
    def share(self) -> float | None:
        """Share of required topics covered directly or by narrower topics; None when the
        credential requires no topic."""
        if not self.topics:
            return None
        c = self.counts
        return round((c["direct"] + c["narrower"]) / len(self.topics), 4)

    @property
    def has_no(self) -> bool:
        """True when a required topic is certainly not covered (``no``)."""
        return any(value == "no" for _, _, value in self.topics)

    def to_json(self) -> dict[str, Any]:
        """SPEC §3 shape, plus labels and a summary."""
        return {
            "program": short_id(self.program),
            "credential": short_id(self.credential),
            "topics": [{"id": short_id(t), "label": label, "value": v} for t, label, v in self.topics],
            "program_label": self.program_label,
            "credential_label": self.credential_label,
            "summary": {"required": len(self.topics), **self.counts, "covered": self.share},
        }

    def summary_line(self) -> str:
        """One sentence: how much is covered, and how much is not or unknown."""
        if not self.topics:
            return f"The data records no required topics for {short_id(self.credential)}."
        c, n = self.counts, len(self.topics)
        covered = c["direct"] + c["narrower"]
        return (
            f"{covered} of {n} required topics covered ({_percent(self.share)}): {c['direct']} directly, "
            f"{c['narrower']} by narrower topics only; {c['no']} not covered; {c['unknown']} unknown."
        )

    def table(self, symbols: bool = True) -> Table:
        """One row per required topic: topic, label, cell (with its symbol when *symbols*)."""
        return Table(
            ["topic", "label", "value"],
            [[short_id(t), label, f"{SYMBOLS[v]} {v}" if symbols else v] for t, label, v in self.topics],
            title=(
                f"Gaps of {short_id(self.program)} ({self.program_label}) against "
                f"{short_id(self.credential)} ({self.credential_label})"
            ),
            notes=[self.summary_line()],
        )


def gaps(data: CoverageData, program: str, credential: str) -> Gaps:
    """*program*'s cell for each topic *credential* requires."""
    program, credential = str(program), str(credential)
    required = data.required.get(credential, _EMPTY)
    ordered = [t for t in data.topics if t in required]
    return Gaps(
        program,
        data.programs.get(program, short_id(program)),
        credential,
        data.credentials.get(credential, short_id(credential)),
        tuple((t, data.topics.get(t, short_id(t)), cell(data, program, t)) for t in ordered),
    )


@dataclass(frozen=True)
class GapsRanking:
    """Every program against one credential, best covered first. Ranked from counts alone
    (set arithmetic); each program's per-topic :class:`Gaps` is built only when written out,
    so that a ranking of tens of thousands of programs streams."""

    data: CoverageData
    credential: str
    credential_label: str
    #: (rank, program IRI, counts of each cell value); equal figures share a rank.
    ranked: tuple[tuple[int, str, dict[str, int]], ...]

    @property
    def entries(self) -> tuple[tuple[int, Gaps], ...]:
        """(rank, gaps) for each program, in rank order (built on each call; the JSON writer
        does not need them all at once)."""
        return tuple((rank, gaps(self.data, program, self.credential)) for rank, program, _ in self.ranked)

    @property
    def has_no(self) -> bool:
        """True when some program certainly leaves a required topic uncovered."""
        return any(counts["no"] for _, _, counts in self.ranked)

    def to_json(self) -> dict[str, Any]:
        """``{"credential", "credential_label", "programs": [{"rank", …gaps JSON…}]}``."""
        return {
            "credential": short_id(self.credential),
            "credential_label": self.credential_label,
            "programs": [{"rank": rank, **g.to_json()} for rank, g in self.entries],
        }

    def json_chunks(self) -> Iterator[str]:
        """:meth:`to_json` as ``render_json`` would write it, one program per chunk."""
        dump = json.dumps
        yield (
            "{\n"
            f'  "credential": {dump(short_id(self.credential), ensure_ascii=False)},\n'
            f'  "credential_label": {dump(self.credential_label, ensure_ascii=False)},\n'
            '  "programs": ['
        )
        # json.dumps(indent=...) runs the pure-Python encoder; at tens of thousands of programs
        # the entries are assembled from per-topic blocks built once (the test suite checks the
        # result is byte-identical to render_json(to_json())).
        required = [t for t in self.data.topics if t in self.data.required.get(self.credential, _EMPTY)]
        blocks = {
            v: [
                "        {\n"
                f'          "id": {dump(short_id(t), ensure_ascii=False)},\n'
                f'          "label": {dump(self.data.topics.get(t, short_id(t)), ensure_ascii=False)},\n'
                f'          "value": "{v}"\n'
                "        }"
                for t in required
            ]
            for v in CELL_VALUES
        }
        position = {v: i for i, v in enumerate(CELL_VALUES)}
        credential = dump(short_id(self.credential), ensure_ascii=False)
        credential_label = dump(self.credential_label, ensure_ascii=False)
        first = True
        for rank, program, counts in self.ranked:
            cells = [cell(self.data, program, t) for t in required]
            topics = (
                "[\n" + ",\n".join(blocks[v][i] for i, v in enumerate(cells)) + "\n      ]" if cells else "[]"
            )
            share = (
                round((counts["direct"] + counts["narrower"]) / len(required), 4) if required else None
            )
            summary = ",\n".join(
                [f'        "required": {len(required)}']
                + [f'        "{v}": {counts[v]}' for v in sorted(counts, key=position.__getitem__)]
                + [f'        "covered": {dump(share)}']
            )
            yield ("\n" if first else ",\n") + (
                "    {\n"
                f'      "rank": {rank},\n'
                f'      "program": {dump(short_id(program), ensure_ascii=False)},\n'
                f"      \"credential\": {credential},\n"
                f'      "topics": {topics},\n'
                f'      "program_label": {dump(self.data.programs.get(program, short_id(program)), ensure_ascii=False)},\n'
                f"      \"credential_label\": {credential_label},\n"
                f'      "summary": {{\n{summary}\n      }}\n'
                "    }"
            )
            first = False
        yield "]\n}\n" if first else "\n  ]\n}\n"

    def table(self, fmt: str = "table") -> Table:
        """One row per program: rank, counts, the covered share and the topics it does not
        cover (``no``); unknown topics are counted, not listed, as they are not gaps for certain."""
        n_required = len(self.data.required.get(self.credential, _EMPTY))
        rows = []
        for rank, g in self.entries:
            c = g.counts
            covered = _percent(g.share) if fmt in ("table", "markdown") else g.share
            missing = [short_id(t) for t, _, v in g.topics if v == "no"]
            rows.append([rank, short_id(g.program), g.program_label, *(c[v] for v in CELL_VALUES), covered, missing])
        return Table(
            ["rank", "program", "label", *CELL_VALUES, "covered", "not covered"],
            rows,
            title=(
                f"Programs against {short_id(self.credential)} ({self.credential_label}): "
                f"{n_required} required topics"
            ),
            notes=[
                "covered: share of required topics covered directly or by narrower topics.",
                "not covered: required topics the program certainly does not cover (its coverage is complete);"
                " unknown ones are counted, not listed.",
            ],
        )


def rank_programs(data: CoverageData, credential: str, programs: Iterable[str] | None = None) -> GapsRanking:
    """Every program (or *programs*) against *credential*, ranked by covered share, then
    direct count, then short ID; equal (share, direct, narrower) figures share a rank."""
    credential = str(credential)
    required = data.required.get(credential, _EMPTY)
    chosen = list(data.programs) if programs is None else [str(p) for p in programs]

    def figures(counts: dict[str, int]) -> tuple[float, int, int]:
        share = (counts["direct"] + counts["narrower"]) / len(required) if required else -1.0
        return (round(share, 4), counts["direct"], counts["narrower"])

    scored = [(figures(c), p, c) for p in chosen for c in [count_cells(data, p, required)]]
    scored.sort(key=lambda item: (tuple(-x for x in item[0]), short_id(item[1])))
    ranked: list[tuple[int, str, dict[str, int]]] = []
    previous: tuple[float, int, int] | None = None
    for position, (score, program, counts) in enumerate(scored, start=1):
        rank = ranked[-1][0] if ranked and score == previous else position
        ranked.append((rank, program, counts))
        previous = score
    return GapsRanking(data, credential, data.credentials.get(credential, short_id(credential)), tuple(ranked))


def coverage_matrix(
    backend: Backend,
    *,
    programs: Sequence[str] = (),
    topics: Sequence[str] = (),
    under: Sequence[str] = (),
    depth: int | None = None,
) -> CoverageMatrix:
    """The ``coverage`` command's matrix: IDs as users type them resolved (unknown ones raise
    :class:`~imhgraph.errors.UnknownIdError` with suggestions), filters combined (a topic must
    pass all of them), all programs and topics by default."""
    from .ids import resolve_many

    data = load_coverage_data(backend)
    chosen_p = [str(p) for p in resolve_many(backend, "program", programs)] if programs else None
    chosen_t = [str(t) for t in resolve_many(backend, "topic", topics)] if topics else None
    roots = [str(t) for t in resolve_many(backend, "topic", under)] if under else []
    columns = select_topics(data, topics=chosen_t, under=roots, depth=depth)
    return matrix(data, chosen_p, columns)


def compare_programs(backend: Backend, a: str, b: str) -> Comparison:
    """The ``compare`` command: programs *a* and *b* as users type them, compared.

    :raises UnknownIdError: either ID names no program.
    """
    from .ids import resolve

    data = load_coverage_data(backend)
    return compare(data, str(resolve(backend, "program", a)), str(resolve(backend, "program", b)))


def credential_gaps(
    backend: Backend, program: str | None, credential: str, *, all_programs: bool = False
) -> Gaps | GapsRanking:
    """The ``gaps`` command: one program against a credential, or every program ranked.

    :raises UsageError: neither or both of *program* and *all_programs*.
    :raises UnknownIdError: an ID names no program or credential.
    """
    from .ids import resolve

    if all_programs and program:
        raise UsageError(
            "give either a PROGRAM or --all-programs, not both",
            hint="`imhgraph gaps --all-programs --credential CRED` ranks every program.",
        )
    if not all_programs and not program:
        raise UsageError(
            "name a PROGRAM, or use --all-programs",
            hint="e.g. `imhgraph gaps PROGRAM --credential CRED`; `imhgraph coverage --summary` lists the programs.",
        )
    data = load_coverage_data(backend)
    cred = str(resolve(backend, "credential", credential))
    if all_programs:
        return rank_programs(data, cred)
    return gaps(data, str(resolve(backend, "program", program or "")), cred)


def render_matrix(m: CoverageMatrix, fmt: str, *, summary: bool = False) -> Iterator[str]:
    """*m* in *fmt* (table, csv, tsv, markdown, json) as text chunks; with *summary*, only
    the per-program counts."""
    from .render import render, render_json

    if summary:
        yield render_json(m.summary_json()) if fmt == "json" else render(m.summary_table(), fmt)
    elif fmt == "json":
        yield from m.json_chunks()
    elif fmt in ("csv", "tsv"):
        yield from m.delimited_chunks("," if fmt == "csv" else "\t")
    elif fmt == "markdown":
        yield m.markdown()
    elif fmt == "table":
        yield from m.text_chunks()
    else:
        raise ValueError(f"unknown format {fmt!r}")


def _percent(share: float | None) -> str:
    if share is None:
        return "n/a"
    return f"{share * 100:.0f}%"
