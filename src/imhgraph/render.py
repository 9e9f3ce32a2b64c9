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
import re
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


#: the formats written for people, which fit the terminal's width when one is given.
PEOPLE_FORMATS: tuple[str, ...] = ("table", "text")

#: the narrowest width honoured: below it a table would be one word per line.
MIN_WIDTH = 40


def render_table(table: Table, fmt: str, width: int | None = None) -> str:
    """*table* as text in *fmt* (one of :data:`TABLE_FORMATS`); *width* bounds the
    ``table`` format's lines (None: one line per row, however long)."""
    if fmt == "table":
        return render_text(table, width)
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


class Document:
    """What a result is in a format where it is more than its table or its JSON value: the
    text for people (:class:`imhgraph.blocks.Blocks`), a serialisation (:class:`Serialised`),
    the coverage matrix (:class:`imhgraph.render_matrix.MatrixDocument`). Only :func:`render`
    writes it out."""

    def write(self, fmt: str, width: int | None = None) -> str | Iterable[str]:
        """The text in *fmt*, in one string or in chunks; *width* as :func:`render` has it."""
        raise NotImplementedError


@dataclass(frozen=True)
class Serialised(Document):
    """Text a serialiser wrote (the Turtle of a SHACL report or of ``export``, a CONSTRUCT's
    graph as JSON-LD, CTDL documents as JSON Lines, the HTML report), in one string or in
    chunks: written as it is."""

    text: str | Iterable[str]

    def write(self, fmt: str, width: int | None = None) -> str | Iterable[str]:
        return self.text


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

    def document(self, fmt: str) -> Document | None:
        """What *fmt* is where it is more than the table: a :class:`Document` (the ``table``
        view for people as :mod:`imhgraph.blocks`, Turtle, …); None where the table or JSON
        says it all. A result declares; :func:`render` lays out, at the width it is given."""
        return None


def render(result: Table | Result | Document, fmt: str, width: int | None = None) -> str | Iterator[str]:
    """*result* in *fmt*: a string, or chunks of text for results that stream.

    *width*: for the people's formats (:data:`PEOPLE_FORMATS`), the longest line wanted —
    tables wrap inside their columns or stack into records, other lines wrap on word
    boundaries with a hanging indent; None keeps one line per row (``--wide``, files)."""
    if width is not None:
        width = max(width, MIN_WIDTH)
    if isinstance(result, Table):
        return render_table(result, fmt, width)
    document = result if isinstance(result, Document) else result.document(fmt)
    if document is not None:
        if not isinstance(document, Document):
            raise TypeError(f"{type(result).__name__}.document() returned {type(document).__name__}, not a render.Document")
        text = document.write(fmt, width)
        if fmt not in PEOPLE_FORMATS:
            return text
        if width is None:
            return printable(text) if isinstance(text, str) else (printable(chunk) for chunk in text)
        return fit_text(text, width) if isinstance(text, str) else fit_chunks(text, width)
    assert isinstance(result, Result)
    if fmt == "json":
        stream = result.json_list()
        return stream_json(stream) if stream is not None else render_json(result.to_json())
    tables = result.table(fmt)
    if isinstance(tables, Table):
        return render_table(tables, fmt, width)
    return "\n".join(render_table(t, fmt, width) for t in tables)


def render_text_of(result: Table | Result, fmt: str, width: int | None = None) -> str:
    """:func:`render`, joined into one string."""
    out = render(result, fmt, width)
    return out if isinstance(out, str) else "".join(out)


# -- fitting text to a terminal ------------------------------------------------------------

def text_width(text: str) -> int:
    """How many terminal columns *text* takes (East Asian wide characters take two,
    combining marks none)."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        for ch in text
    )


def wrap(text: str, width: int, indent: str = "", hanging: str = "") -> list[str]:
    """*text* broken on word boundaries into lines of at most *width* columns (a word longer
    than a whole line — a URL — is the only thing ever cut); never an empty list."""
    import textwrap

    lines = textwrap.wrap(
        text,
        width=max(width, len(indent) + 1, len(hanging) + 1),
        initial_indent=indent,
        subsequent_indent=hanging,
        break_long_words=True,
        break_on_hyphens=False,
    )
    return lines or [indent.rstrip()]


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """*text* with control characters (terminal escapes such as ESC, CR, C1 codes) shown as
    ``\\x1b`` and the like: text from the data must never steer the reader's terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def fit_line(line: str, width: int) -> list[str]:
    """One line of free text within *width*: kept as is when it fits, else wrapped with a
    hanging indent four columns deeper than its own."""
    if text_width(line) <= width:
        return [line]
    body = line.lstrip(" ")
    indent = line[: len(line) - len(body)]
    if len(indent) > width // 2:
        indent = indent[: width // 2]
    return wrap(body, width, indent, indent + "    ")


def fit_text(text: str, width: int) -> str:
    """Every line of *text* within *width* (see :func:`fit_line`), control characters shown."""
    text = printable(text)
    ends = text.endswith("\n")
    lines = text.split("\n")
    if ends:
        lines.pop()
    out = [part for line in lines for part in fit_line(line, width)]
    return "\n".join(out) + ("\n" if ends else "")


def fit_chunks(chunks: Iterable[str], width: int) -> Iterator[str]:
    """:func:`fit_text` over streamed chunks, a whole line at a time."""
    pending = ""
    for chunk in chunks:
        pending += chunk
        if "\n" not in pending:
            continue
        head, _, pending = pending.rpartition("\n")
        yield fit_text(head + "\n", width)
    if pending:
        yield fit_text(pending, width)


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


def render_text(table: Table, width: int | None = None) -> str:
    """An aligned plain-text table with a header rule, title above and notes below.

    Within *width* (None: unbounded) when the natural layout is wider: long cells wrap on
    word boundaries inside their columns; where even the columns' longest words cannot sit
    side by side, each row becomes a record of ``column: value`` lines."""
    cells = [[printable(cell_text(v)) for v in row] for row in table.rows]
    widths = [text_width(c) for c in table.columns]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], *(text_width(part) for part in text.split("\n")))
    gap = 2 * (len(widths) - 1)
    lines: list[str] = []
    if table.title:
        lines += [*_fit(table.title, width), ""]
    if width is None or sum(widths) + gap <= width:
        lines += _aligned(table.columns, cells, widths)
    else:
        fitted = _column_widths(table.columns, cells, widths, width - gap)
        lines += _aligned(table.columns, cells, fitted, wrapped=True) if fitted else _records(table.columns, cells, width)
    if not cells:
        lines.append("(no rows)")
    if table.notes:
        lines.append("")
        for note in table.notes:
            lines.extend(_fit(note, width))
    return "\n".join(lines) + "\n"


def _fit(line: str, width: int | None) -> list[str]:
    return [line] if width is None else fit_line(line, width)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))


def _aligned(columns: list[str], cells: list[list[str]], widths: list[int], *, wrapped: bool = False) -> list[str]:
    def row_lines(row: Sequence[str]) -> list[str]:
        if not wrapped:
            return ["  ".join(_pad(t, w) for t, w in zip(row, widths)).rstrip()]
        parts = [[p for chunk in t.split("\n") for p in wrap(chunk, w)] for t, w in zip(row, widths)]
        depth = max(len(p) for p in parts)
        return [
            "  ".join(_pad(p[i] if i < len(p) else "", w) for p, w in zip(parts, widths)).rstrip()
            for i in range(depth)
        ]

    lines = row_lines(columns)
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.extend(row_lines(row))
    return lines


#: cells up to this wide are never wrapped (codes, amounts, cell values).
_UNBROKEN = 10


def _column_widths(columns: list[str], cells: list[list[str]], natural: list[int], room: int) -> list[int] | None:
    """Column widths summing to at most *room*: each at least its longest word, the rest of
    the room shared in proportion to how much each column would still like; None when the
    longest words alone do not fit."""
    least = [max(text_width(w) for w in c.split() or [""]) for c in columns]
    for row in cells:
        for i, text in enumerate(row):
            # A short cell (a code such as "EDUC 231", a number with its unit) stays whole.
            words = [text] if text_width(text) <= _UNBROKEN else text.split()
            if words:
                least[i] = max(least[i], *(text_width(w) for w in words))
    if sum(least) > room:
        return None
    widths = list(least)
    spare = room - sum(widths)
    wants = [n - w for n, w in zip(natural, widths)]
    total = sum(wants)
    if total:
        for i, want in enumerate(wants):
            widths[i] += min(want, spare * want // total)
        rest = room - sum(widths)
        for i in sorted(range(len(widths)), key=lambda i: wants[i] - (widths[i] - least[i]), reverse=True):
            if rest <= 0:
                break
            extra = min(rest, natural[i] - widths[i])
            widths[i] += extra
            rest -= extra
    return widths


def _records(columns: list[str], cells: list[list[str]], width: int) -> list[str]:
    """Each row as a block of ``column: value`` lines, values wrapped under themselves."""
    key_w = min(max(text_width(c) for c in columns) + 2, width // 3)
    lines: list[str] = []
    for n, row in enumerate(cells):
        if n:
            lines.append("")
        for column, text in zip(columns, row):
            key = _pad(column + ":", key_w) if text_width(column) + 1 < key_w else column + ": "
            for k, chunk in enumerate(text.split("\n") or [""]):
                lines += wrap(chunk, width, key if k == 0 else " " * key_w, " " * key_w)
    return lines


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


#: how many distinct objects :func:`json_text` remembers the text of.
_MEMO_LIMIT = 10_000


def json_text(value: Any, level: int = 0, memo: dict[tuple[Any, ...], str] | None = None) -> str:
    """*value* as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it at nesting
    *level*; *memo* (optional) keeps the text of objects of strings already written at that level."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        key = None
        if memo is not None:
            # Looked up before anything else: only objects whose values are all strings are
            # kept, and a value equal to a string is a string (1, 1.0 and True, equal to one
            # another but not written alike, never match an entry).
            key = (level, *value.items())
            try:
                found = memo.get(key)
            except TypeError:  # a list or an object among the values: not kept
                key = found = None
            if found is not None:
                return found
        pad = "  " * (level + 1)
        flat = all(type(v) is str for v in value.values())
        if flat:  # every member a string: the C encoder writes each one, no recursion
            members = [f"{pad}{_key(k)}: {_dumps(v)}" for k, v in value.items()]
        else:
            members = [f"{pad}{_key(k)}: {json_text(v, level + 1, memo)}" for k, v in value.items()]
        text = "{\n" + ",\n".join(members) + "\n" + "  " * level + "}"
        # Bounded: objects that never repeat (half a million validation results) would
        # otherwise all be kept.
        if flat and key is not None and len(memo) < _MEMO_LIMIT:  # type: ignore[arg-type]
            memo[key] = text  # type: ignore[index]
        return text
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        pad = "  " * (level + 1)
        return "[\n" + ",\n".join([pad + json_text(v, level + 1, memo) for v in value]) + "\n" + "  " * level + "]"
    return _dumps(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
