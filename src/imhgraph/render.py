"""Every ``--format``: the one place a command's result becomes text.

A command's result is a :class:`Table` or a :class:`Result` (a frozen dataclass of the
library that declares, through the hooks of :class:`Result`, its JSON value, its table(s) and
any format where it is more than a table: the text for people, Turtle, the coverage matrix).
:func:`render` turns any of them into any ``--format``: aligned text tables, CSV, TSV,
Markdown and JSON. Large JSON lists are streamed (:class:`JsonList`), byte-identical to
:func:`render_json` of the whole value. Output is deterministic: rows are rendered in the
order given (callers sort), JSON keys in insertion order.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: the formats every table takes (the first is the default); the one definition of this list.
TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "markdown", "json")

# A spreadsheet treats a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """Rows under named columns, with optional title and notes (legend, summary)."""

    columns: list[str]
    rows: list[list[Any]]
    title: str | None = None
    notes: list[str] = field(default_factory=list)


def render_table(table: Table, fmt: str) -> str:
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


@dataclass(frozen=True)
class JsonList:
    """A JSON object one of whose members is a long list, written item by item: ``{**head,
    key: [*items()], **tail}``, byte-identical to :func:`render_json` of that object."""

    head: Mapping[str, Any]
    key: str
    items: Callable[[], Iterable[Any]]
    tail: Mapping[str, Any] = field(default_factory=dict)

    def value(self) -> dict[str, Any]:
        """The whole object in memory (for library callers and tests)."""
        return {**self.head, self.key: list(self.items()), **self.tail}


class Result:
    """The base of every command's answer (each a frozen dataclass). It declares what it is
    in each format by these hooks; :func:`render` is the only function that writes it out."""

    def to_json(self) -> Any:
        """The ``--format json`` value: JSON-ready data (dicts, lists, strings, numbers)."""
        raise NotImplementedError

    def json_list(self) -> JsonList | None:
        """:meth:`to_json` as a :class:`JsonList`, for results too large to build in memory
        first (written item by item, the same bytes); None for the others."""
        return None

    def table(self, fmt: str) -> Table | Sequence[Table]:
        """The table(s) for ``table``, ``csv``, ``tsv`` and ``markdown`` (*fmt* is given for
        cells that read differently for people and for spreadsheets)."""
        raise NotImplementedError

    def document(self, fmt: str) -> str | Iterable[str] | None:
        """The text of *fmt* where it is more than the table (the ``table`` view for people,
        Turtle, …), in one string or in chunks; None where the table or JSON says it all."""
        return None


def render(result: Table | Result, fmt: str) -> str | Iterator[str]:
    """*result* in *fmt*: a string, or chunks of text for results that stream."""
    if isinstance(result, Table):
        return render_table(result, fmt)
    text = result.document(fmt)
    if text is not None:
        return text
    if fmt == "json":
        stream = result.json_list()
        return stream_json(stream) if stream is not None else render_json(result.to_json())
    tables = result.table(fmt)
    if isinstance(tables, Table):
        return render_table(tables, fmt)
    return "\n".join(render_table(t, fmt) for t in tables)


def render_text_of(result: Table | Result, fmt: str) -> str:
    """:func:`render`, joined into one string."""
    out = render(result, fmt)
    return out if isinstance(out, str) else "".join(out)


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


def markdown_escape(text: str) -> str:
    """*text* safe in a Markdown table cell: backslashes and pipes escaped, line breaks as spaces."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def plural(n: int, word: str) -> str:
    """``1 violation``, ``2 violations``: a count and its noun (regular plurals)."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table (pipes escaped), title as a heading, notes after."""
    lines: list[str] = []
    if table.title:
        lines += [f"### {markdown_escape(table.title)}", ""]
    lines.append("| " + " | ".join(markdown_escape(c) for c in table.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(markdown_escape(cell_text(v)) for v in row) + " |")
    if table.notes:
        lines.append("")
        lines.extend(table.notes)
    return "\n".join(lines) + "\n"


def render_json(value: Any) -> str:
    """Stable, readable JSON (keys in the order built, UTF-8 kept, two-space indent)."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def stream_json(value: JsonList) -> Iterator[str]:
    """*value* as :func:`render_json` writes it, one list item per chunk. Items are encoded
    by :func:`json_text` (the C encoder for every scalar; flat objects that repeat, like the
    entries of a topic list, are encoded once)."""
    memo: dict[tuple[Any, ...], str] = {}
    members = [f"  {_key(k)}: {json_text(v, 1, memo)}" for k, v in value.head.items()]
    yield "{\n" + "".join(m + ",\n" for m in members) + f"  {_key(value.key)}: ["
    first = True
    for item in value.items():
        yield ("\n" if first else ",\n") + "    " + json_text(item, 2, memo)
        first = False
    end = "]" if first else "\n  ]"
    rest = [f"  {_key(k)}: {json_text(v, 1, memo)}" for k, v in value.tail.items()]
    yield end + "".join(",\n" + m for m in rest) + "\n}\n"


_dumps = json.JSONEncoder(ensure_ascii=False).encode


def _key(key: Any) -> str:
    return _dumps(key if isinstance(key, str) else _dumps(key))


def json_text(value: Any, level: int = 0, memo: dict[tuple[Any, ...], str] | None = None) -> str:
    """*value* as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it at nesting
    *level*; *memo* (optional) keeps the text of objects of strings already written at that level."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        # Only objects of strings are memoised: 1, 1.0 and True are equal keys but not equal text.
        flat = memo is not None and all(isinstance(v, str) for v in value.values())
        if flat:
            key = (level, *value.items())
            found = memo.get(key)  # type: ignore[union-attr]
            if found is not None:
                return found
        pad = "  " * (level + 1)
        text = (
            "{\n"
            + ",\n".join(f"{pad}{_key(k)}: {json_text(v, level + 1, memo)}" for k, v in value.items())
            + "\n" + "  " * level + "}"
        )
        if flat:
            memo[key] = text  # type: ignore[index]
        return text
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        pad = "  " * (level + 1)
        return "[\n" + ",\n".join(pad + json_text(v, level + 1, memo) for v in value) + "\n" + "  " * level + "]"
    return _dumps(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
