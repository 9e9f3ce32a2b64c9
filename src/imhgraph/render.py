"""Every ``--format``: aligned text tables, CSV, TSV, Markdown and JSON.

Commands build a :class:`Table` (or a JSON-ready dict for the shapes the SPEC
fixes) and this module turns it into text. Output is deterministic: rows are
rendered in the order given (callers sort), JSON keys in insertion order.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "markdown", "json")

# A spreadsheet treats a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """Rows under named columns, with optional title and notes (legend, summary)."""

    columns: list[str]
    rows: list[list[Any]]
    title: str | None = None
    notes: list[str] = field(default_factory=list)


def render(table: Table, fmt: str) -> str:
    """*table* as text in *fmt* (one of :data:`TABLE_FORMATS`)."""
    if fmt == "table":
        return render_text(table)
    if fmt == "csv":
        return render_delimited(table, ",")
    if fmt == "tsv":
        return render_delimited(table, "\t")
    if fmt == "markdown":
        return render_markdown(table)
    if fmt == "json":
        return render_json([dict(zip(table.columns, row)) for row in table.rows])
    raise ValueError(f"unknown format {fmt!r}")


def cell_text(value: Any) -> str:
    """How one value reads in a text cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def render_text(table: Table) -> str:
    """An aligned plain-text table with a header rule, title above and notes below."""
    cells = [[cell_text(v) for v in row] for row in table.rows]
    widths = [len(c) for c in table.columns]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], len(text))
    lines: list[str] = []
    if table.title:
        lines += [table.title, ""]
    lines.append("  ".join(c.ljust(w) for c, w in zip(table.columns, widths)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(t.ljust(w) for t, w in zip(row, widths)).rstrip())
    if not cells:
        lines.append("(no rows)")
    if table.notes:
        lines.append("")
        lines.extend(table.notes)
    return "\n".join(lines) + "\n"


def csv_safe(text: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula, by a leading apostrophe."""
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def render_delimited(table: Table, delimiter: str) -> str:
    """CSV (RFC 4180 quoting) or TSV, header first; formula-like cells are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow([csv_safe(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_safe(cell_text(v)) for v in row])
    return out.getvalue()


def _markdown_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table (pipes escaped), title as a heading, notes after."""
    lines: list[str] = []
    if table.title:
        lines += [f"### {_markdown_cell(table.title)}", ""]
    lines.append("| " + " | ".join(_markdown_cell(c) for c in table.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_markdown_cell(cell_text(v)) for v in row) + " |")
    if table.notes:
        lines.append("")
        lines.extend(table.notes)
    return "\n".join(lines) + "\n"


def render_json(value: Any) -> str:
    """Stable, readable JSON (keys in the order built, UTF-8 kept, two-space indent)."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def render_result(result: Any, fmt: str) -> str:
    """A command's result object in *fmt*: ``to_json()`` for json, its own ``text()`` (where it
    has one) for the default table, else its ``table()`` rendered."""
    if fmt == "json":
        return render_json(result.to_json())
    if fmt == "table" and hasattr(result, "text"):
        return result.text()
    return render(result.table(), fmt)


def render_tables(tables: Sequence[Table], fmt: str) -> str:
    """Several tables one after another (blank line between), for text formats."""
    return "\n".join(render(t, fmt) for t in tables)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
