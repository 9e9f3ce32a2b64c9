"""The program × topic coverage matrix (the ``coverage`` command): which topics, which rows,
and the cells computed on demand so that millions of cells stream."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..namespaces import short_id
from ..render import Table
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
        from ..render import csv_safe

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


def render_matrix(m: CoverageMatrix, fmt: str, *, summary: bool = False) -> Iterator[str]:
    """*m* in *fmt* (table, csv, tsv, markdown, json) as text chunks; with *summary*, only
    the per-program counts."""
    from ..render import render, render_json

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
