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
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .coverage.data import CELL_VALUES, SYMBOLS
from .namespaces import short_id
from .render import csv_safe, markdown_escape

if TYPE_CHECKING:
    from .coverage.grid import CoverageMatrix


def matrix_chunks(matrix: CoverageMatrix, fmt: str, width: int | None = None) -> Iterator[str]:
    """*matrix* in *fmt* (table, csv, tsv, markdown, json) as text chunks; *width* splits
    the ``table`` view into blocks of topic columns (default 100 columns)."""
    if fmt == "json":
        yield from json_chunks(matrix)
    elif fmt in ("csv", "tsv"):
        yield from delimited_chunks(matrix, "," if fmt == "csv" else "\t")
    elif fmt == "markdown":
        yield markdown(matrix)
    elif fmt == "table":
        yield from text_chunks(matrix, width or 100)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def json_chunks(matrix: CoverageMatrix) -> Iterator[str]:
    """The SPEC §3 JSON, ``{"programs", "topics", "cells"}``, as text chunks (one per
    program row of cells), one object per line, keys in a fixed order."""
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
        for v in CELL_VALUES
    }
    first = True
    for program in matrix.programs:
        if not matrix.topics:
            break
        head = f'    {{"program": {dump(short_id(program), ensure_ascii=False)}'
        default = suffix["no"] if matrix.data.complete.get(program, False) else suffix["unknown"]
        parts = matrix.fill(program, (suffix["direct"], suffix["narrower"]), default)
        yield ("\n" if first else ",\n") + head + (",\n" + head).join(parts)
        first = False
    yield "]\n" if first else "\n  ]\n"
    yield "}\n"


def delimited_chunks(matrix: CoverageMatrix, delimiter: str = ",") -> Iterator[str]:
    """A wide table: ``program, label`` then one column per topic ID holding the cell
    word; one chunk per row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["program", "label"] + [csv_safe(short_id(t)) for t in matrix.topics])
    yield out.getvalue()
    for program, cells in matrix.rows():
        out.seek(0)
        out.truncate()
        writer.writerow([csv_safe(short_id(program)), csv_safe(matrix.program_label(program)), *cells])
        yield out.getvalue()


def text(matrix: CoverageMatrix, width: int = 100) -> str:
    """The matrix for a terminal: rows are programs, columns are numbered topics (numbers
    written downwards), split into blocks that fit *width* characters; each row ends with
    its counts; the key (number → topic, indented by hierarchy) and the legend follow."""
    return "".join(text_chunks(matrix, width))


def text_chunks(matrix: CoverageMatrix, width: int = 100) -> Iterator[str]:
    """:meth:`text` in chunks."""
    n_p, n_t = len(matrix.programs), len(matrix.topics)
    yield f"Coverage of {n_p} program{'s' * (n_p != 1)} × {n_t} topic{'s' * (n_t != 1)}\n\n"
    if not matrix.programs or not matrix.topics:
        yield "(nothing to show: no programs or no topics match)\n"
        return
    ids = [short_id(p) for p in matrix.programs]
    # The counts (4 × 4 columns after 3 spaces) close the last block; an ID longer than a
    # third of the width gets a line of its own above its cells, so the cells keep the room.
    counts_w = 3 + 4 * len(CELL_VALUES) - 1
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
                line += "   " + " ".join(f"{SYMBOLS[v]:>3}" for v in CELL_VALUES)
            yield line.rstrip() + "\n"
        rule = "-" * label_w + "  " + "-" * (2 * len(numbers) - 1)
        if last:
            rule += "   " + " ".join("---" for _ in CELL_VALUES)
        yield rule + "\n"
        for index, program in enumerate(matrix.programs):
            cells = rows[index][1] if rows is not None else matrix.row(program)
            name = ids[index]
            if len(name) > label_w:
                yield name + "\n"
                name = ""
            line = name.ljust(label_w) + "  " + " ".join(SYMBOLS[v] for v in cells[start:stop])
            if last:
                line += "   " + " ".join(f"{counts[program][v]:>3}" for v in CELL_VALUES)
            yield line + "\n"
        yield "\n"
    yield "Topics:\n"
    key = matrix.key_rows()
    num_w = len(str(n_t))
    id_w = max(len("  " * lvl + tid) for _, tid, _, lvl in key)
    for number, tid, label, level in key:
        yield f"  {number:>{num_w}}  {('  ' * level + tid).ljust(id_w)}  {label}\n"
    yield "\n"
    for line in matrix.legend():
        yield line + "\n"


def markdown(matrix: CoverageMatrix) -> str:
    """A Markdown table with numbered topic columns, then the key and the legend."""
    lines = [
        "| program | " + " | ".join(str(i) for i in range(1, len(matrix.topics) + 1)) + " |",
        "| --- |" + "".join(" :-: |" for _ in matrix.topics),
    ]
    for program, cells in matrix.rows():
        lines.append(f"| {markdown_escape(short_id(program))} | " + " | ".join(SYMBOLS[v] for v in cells) + " |")
    lines += ["", "Topics:", ""]
    for number, tid, label, _level in matrix.key_rows():
        lines.append(f"{number}. `{tid}` {markdown_escape(label)}")
    lines += ["", "Legend: " + "; ".join(f"{SYMBOLS[v]} {v}" for v in CELL_VALUES) + "."]
    return "\n".join(lines) + "\n"
