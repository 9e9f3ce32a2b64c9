"""The coverage matrix (:class:`~imhgraph.coverage.CoverageMatrix`) in every ``--format``,
streamed: a matrix of millions of cells is written row by row, never held as text.

* ``table``: rows are programs, columns numbered topics (numbers written downwards), in blocks
  that fit the width, each row ending with its counts; the key and the legend below;
* ``markdown``: the same as a Markdown table;
* ``csv`` / ``tsv``: a wide table, one column per topic ID holding the cell word;
* ``json``: the SPEC §3 shape ``{"programs", "topics", "cells"}``, one object per line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .namespaces import short_id
from .render import Document, csv_safe, markdown_escape


class Matrix(Protocol):
    """What the writers read of a matrix (:class:`imhgraph.coverage.CoverageMatrix` is one):
    rows and columns as IRIs, cells as words computed on demand."""

    programs: Sequence[str]
    topics: Sequence[str]

    def row(self, program: str) -> list[str]: ...
    def rows(self) -> Iterator[tuple[str, list[str]]]: ...
    def counts(self) -> dict[str, dict[str, int]]: ...
    def fill(self, program: str, values: Sequence[Any], default: Sequence[Any]) -> list[Any]: ...
    def complete(self, program: str) -> bool: ...
    def program_label(self, program: str) -> str: ...
    def topic_label(self, topic: str) -> str: ...
    def key_rows(self) -> list[tuple[int, str, str, int]]: ...


@dataclass(frozen=True)
class MatrixDocument(Document):
    """A matrix in every format: its cells (*matrix*), the cell words in column order of the
    counts (*values*), the symbol of each word in the text and Markdown views (*symbols*) and
    what each means (*meanings*, the legend)."""

    matrix: Matrix
    values: tuple[str, ...]
    symbols: Mapping[str, str]
    meanings: Mapping[str, str]

    def write(self, fmt: str, width: int | None = None) -> Iterator[str]:
        """The matrix in *fmt* (table, csv, tsv, markdown, json) as text chunks; *width*
        splits the ``table`` view into blocks of topic columns (default 100 columns)."""
        if fmt == "json":
            return json_chunks(self)
        if fmt in ("csv", "tsv"):
            return delimited_chunks(self, "," if fmt == "csv" else "\t")
        if fmt == "markdown":
            return iter([markdown(self)])
        if fmt == "table":
            return text_chunks(self, width or 100)
        raise ValueError(f"unknown format {fmt!r}")

    def legend(self) -> list[str]:
        """One line per symbol."""
        return [f"{self.symbols[v]} {v}: {self.meanings[v]}" for v in self.values]


def json_chunks(doc: MatrixDocument) -> Iterator[str]:
    """The SPEC §3 JSON, ``{"programs", "topics", "cells"}``, as text chunks (one per
    program row of cells), one object per line, keys in a fixed order."""
    matrix = doc.matrix
    dump = json.dumps
    yield "{\n"
    yield '  "programs": ['
    yield ",".join(
        f'\n    {{"id": {dump(short_id(p), ensure_ascii=False)}, "label": {dump(matrix.program_label(p), ensure_ascii=False)}}}'
        for p in matrix.programs
    )
    yield "\n  ],\n" if matrix.programs else "],\n"
    yield '  "topics": ['
    yield ",".join(
        f'\n    {{"id": {dump(short_id(t), ensure_ascii=False)}, "label": {dump(matrix.topic_label(t), ensure_ascii=False)}}}'
        for t in matrix.topics
    )
    yield "\n  ],\n" if matrix.topics else "],\n"
    yield '  "cells": ['
    # Every cell line is "<program part><topic part + value>"; the second halves are built
    # once per column and value, and a row is one C-level join over a list of them.
    suffix = {
        v: [f', "topic": {dump(short_id(t), ensure_ascii=False)}, "value": "{v}"}}' for t in matrix.topics]
        for v in doc.values
    }
    first = True
    for program in matrix.programs:
        if not matrix.topics:
            break
        head = f'    {{"program": {dump(short_id(program), ensure_ascii=False)}'
        default = suffix["no"] if matrix.complete(program) else suffix["unknown"]
        parts = matrix.fill(program, (suffix["direct"], suffix["narrower"]), default)
        yield ("\n" if first else ",\n") + head + (",\n" + head).join(parts)
        first = False
    yield "]\n" if first else "\n  ]\n"
    yield "}\n"


def delimited_chunks(doc: MatrixDocument, delimiter: str = ",") -> Iterator[str]:
    """A wide table: ``program, label`` then one column per topic ID holding the cell
    word; one chunk per row."""
    matrix = doc.matrix
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["program", "label"] + [csv_safe(short_id(t)) for t in matrix.topics])
    yield out.getvalue()
    for program, cells in matrix.rows():
        out.seek(0)
        out.truncate()
        writer.writerow([csv_safe(short_id(program)), csv_safe(matrix.program_label(program)), *cells])
        yield out.getvalue()


def text_chunks(doc: MatrixDocument, width: int = 100) -> Iterator[str]:
    """The matrix for a terminal: rows are programs, columns are numbered topics (numbers
    written downwards), split into blocks that fit *width* characters; each row ends with
    its counts; the key (number → topic, indented by hierarchy) and the legend follow."""
    matrix, values, symbols = doc.matrix, doc.values, doc.symbols
    n_p, n_t = len(matrix.programs), len(matrix.topics)
    yield f"Coverage of {n_p} program{'s' * (n_p != 1)} × {n_t} topic{'s' * (n_t != 1)}\n\n"
    if not matrix.programs or not matrix.topics:
        yield "(nothing to show: no programs or no topics match)\n"
        return
    ids = [short_id(p) for p in matrix.programs]
    # The counts (4 × 4 columns after 3 spaces) close the last block; an ID longer than a
    # third of the width gets a line of its own above its cells, so the cells keep the room.
    counts_w = 3 + 4 * len(values) - 1
    label_w = min(max(len("program"), *(len(i) for i in ids)), max(len("program"), width // 3))
    per_block = max(10, (width - label_w - 2 - counts_w + 1) // 2)
    counts = matrix.counts()
    rows = list(matrix.rows()) if n_p * n_t <= 2_000_000 else None
    for start in range(0, n_t, per_block):
        stop = min(start + per_block, n_t)
        numbers = [str(i) for i in range(start + 1, stop + 1)]
        digits = max(len(x) for x in numbers)
        last = stop == n_t
        for d in range(digits):
            head = "program" if d == digits - 1 else ""
            line = head.ljust(label_w) + "  " + " ".join(x.rjust(digits)[d] for x in numbers)
            if last and d == digits - 1:
                line += "   " + " ".join(f"{symbols[v]:>3}" for v in values)
            yield line.rstrip() + "\n"
        rule = "-" * label_w + "  " + "-" * (2 * len(numbers) - 1)
        if last:
            rule += "   " + " ".join("---" for _ in values)
        yield rule + "\n"
        for index, program in enumerate(matrix.programs):
            cells = rows[index][1] if rows is not None else matrix.row(program)
            name = ids[index]
            if len(name) > label_w:
                yield name + "\n"
                name = ""
            line = name.ljust(label_w) + "  " + " ".join(symbols[v] for v in cells[start:stop])
            if last:
                line += "   " + " ".join(f"{counts[program][v]:>3}" for v in values)
            yield line + "\n"
        yield "\n"
    yield "Topics:\n"
    key = matrix.key_rows()
    num_w = len(str(n_t))
    id_w = max(len("  " * lvl + tid) for _, tid, _, lvl in key)
    for number, tid, label, level in key:
        yield f"  {number:>{num_w}}  {('  ' * level + tid).ljust(id_w)}  {label}\n"
    yield "\n"
    for line in doc.legend():
        yield line + "\n"


def markdown(doc: MatrixDocument) -> str:
    """A Markdown table with numbered topic columns, then the key and the legend."""
    matrix, symbols = doc.matrix, doc.symbols
    lines = [
        "| program | " + " | ".join(str(i) for i in range(1, len(matrix.topics) + 1)) + " |",
        "| --- |" + "".join(" :-: |" for _ in matrix.topics),
    ]
    for program, cells in matrix.rows():
        lines.append(f"| {markdown_escape(short_id(program))} | " + " | ".join(symbols[v] for v in cells) + " |")
    lines += ["", "Topics:", ""]
    for number, tid, label, _level in matrix.key_rows():
        lines.append(f"{number}. `{tid}` {markdown_escape(label)}")
    lines += ["", "Legend: " + "; ".join(f"{symbols[v]} {v}" for v in doc.values) + "."]
    return "\n".join(lines) + "\n"
