"""The program × topic coverage matrix (the ``coverage`` command): which topics, which rows,
and the cells computed on demand so that millions of cells stream."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..namespaces import short_id
from ..render import Result, Table
from ..render_matrix import MatrixDocument
from ..stores import Backend
from .data import EMPTY, CELL_VALUES, MEANINGS, SYMBOLS, CoverageData, cell, count_cells, load_coverage_data, select_topics


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
class CoverageMatrix(Result):
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
        covered = self.data.covers.get(program, EMPTY)
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

    def complete(self, program: str) -> bool:
        """Whether *program* declares its coverage complete (its blank cells read ``no``)."""
        return self.data.complete.get(program, False)

    def key_rows(self) -> list[tuple[int, str, str, int]]:
        """The key below the matrix: (column number, topic ID, label, level in the hierarchy)."""
        levels = dict(self.data.topic_order(self.topics))
        return [(i, short_id(t), self.topic_label(t), levels.get(t, 0)) for i, t in enumerate(self.topics, start=1)]

    def fill(self, program: str, values: Sequence[Any], default: Sequence[Any]) -> list[Any]:
        """:meth:`_fill` (for the writers of :mod:`imhgraph.render_matrix`)."""
        return self._fill(program, values, default)

    # -- what it is in each format (see imhgraph.render.Result) ------------

    def document(self, fmt: str) -> MatrixDocument:
        """Every format of the matrix streams (:mod:`imhgraph.render_matrix`)."""
        return MatrixDocument(self, CELL_VALUES, SYMBOLS, MEANINGS)

    def summary(self) -> CoverageSummary:
        """Per program, only the counts (``coverage --summary``)."""
        return CoverageSummary(self)


@dataclass(frozen=True)
class CoverageSummary(Result):
    """``coverage --summary``: per program, the counts of each cell value over the matrix's topics."""

    matrix: CoverageMatrix

    def summary_table(self) -> Table:
        """Per program: counts of direct / narrower / no / unknown over the matrix's topics."""
        counts = self.matrix.counts()
        return Table(
            ["program", "label", *CELL_VALUES],
            [[short_id(p), self.matrix.program_label(p), *(counts[p][v] for v in CELL_VALUES)] for p in self.matrix.programs],
            title=f"Coverage summary: {len(self.matrix.programs)} programs over {len(self.matrix.topics)} topics",
            notes=[
                "direct: covers the topic; narrower: covers only narrower topics;",
                "no: not covered (coverage declared complete); unknown: the data does not say.",
            ],
        )

    def summary_json(self) -> dict[str, Any]:
        """``{"topics": n, "programs": [{"id", "label", "direct", "narrower", "no", "unknown"}]}``."""
        counts = self.matrix.counts()
        return {
            "topics": len(self.matrix.topics),
            "programs": [
                {"id": short_id(p), "label": self.matrix.program_label(p), **counts[p]} for p in self.matrix.programs
            ],
        }

    def table(self, fmt: str = "table") -> Table:
        """:meth:`summary_table`."""
        return self.summary_table()

    def to_json(self) -> dict[str, Any]:
        """:meth:`summary_json`."""
        return self.summary_json()


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
    from ..ids import resolve_many

    data = load_coverage_data(backend)
    chosen_p = [str(p) for p in resolve_many(backend, "program", programs)] if programs else None
    chosen_t = [str(t) for t in resolve_many(backend, "topic", topics)] if topics else None
    roots = [str(t) for t in resolve_many(backend, "topic", under)] if under else []
    columns = select_topics(data, topics=chosen_t, under=roots, depth=depth)
    return matrix(data, chosen_p, columns)
