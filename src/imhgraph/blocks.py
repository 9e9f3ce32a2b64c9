"""The text for people, declared as blocks: what a result says, not how it is laid out.

A result whose ``table`` view is more than a table (``validate``'s one line per result,
``eligible``'s sections, ``compare``'s groups, ``show``'s profile …) returns, from its
``document(fmt)`` hook, a :class:`Blocks` of the blocks below. The words are the result's;
everything about the layout — padding columns to a common width, where detail lines start,
wrapping, underlining — is here, and :func:`imhgraph.render.render` fits the lines to the
terminal afterwards (see :func:`imhgraph.render.fit_text`). The domain never pads, wraps or
joins lines itself (``tests/test_structure.py`` checks).

The blocks:

* :class:`Line` — one line (indented), as it is;
* :class:`Blank` — an empty line;
* :class:`Lines` — lines kept exactly as given (the text of a query);
* :class:`Paragraph` — text wrapped at a fixed measure, with a label on its first line;
* :class:`Aligned` — rows of cells in aligned columns without a header, each row with
  optional detail lines under its last column;
* :class:`Fields` — ``name: value`` lines, values aligned and wrapped under themselves;
* :class:`Note` — a line fitted to the width where it stands;
* :class:`Heading` — a line underlined with ``=``;
* :class:`TableBlock` — a :class:`~imhgraph.render.Table` as the ``table`` format draws it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Union

from .render import Document, Table, fit_line, render_text, text_width, wrap


@dataclass(frozen=True)
class Line:
    """One line of text, *indent* spaces in."""

    text: str
    indent: int = 0


@dataclass(frozen=True)
class Blank:
    """An empty line between blocks."""


@dataclass(frozen=True)
class Lines:
    """Lines kept exactly as they are (trailing spaces included): a query's text."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Paragraph:
    """*text* wrapped at *measure* columns whatever the terminal (the terminal's width then
    fits it like any line), *indent* spaces in; *label* starts the first line, padded so
    that the text starts *hanging* columns in, where the following lines start too."""

    text: str
    measure: int
    indent: int = 0
    label: str = ""
    hanging: int = 0


@dataclass(frozen=True)
class Row:
    """A row of :class:`Aligned`: its *cells*, and *details*, lines shown under its last
    column (what a person must still do, the routes to a credential …)."""

    cells: tuple[str, ...]
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Aligned:
    """Rows of cells in columns: every column but the last is padded to its widest cell, and
    to at least *least* columns (the widest word the column can hold, so that the layout
    does not change with the data); *gaps* separate the columns (one string for every
    boundary, or one per boundary); the block is *indent* spaces in. *strip* drops the
    spaces a row ends with (an empty last cell)."""

    rows: tuple[Row, ...]
    indent: int = 0
    gaps: str | tuple[str, ...] = "  "
    least: tuple[int, ...] = ()
    strip: bool = True


@dataclass(frozen=True)
class Fields:
    """``name: value`` lines with the values in one column; a value too long for the width
    wraps under itself."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Note:
    """A closing remark, wrapped to the width where it stands (a hanging indent)."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A title on its own line, underlined with ``=`` (never wider than the terminal)."""

    text: str


@dataclass(frozen=True)
class TableBlock:
    """A table inside a document, drawn as the ``table`` format draws it (fitted to the width)."""

    table: Table


Block = Union[Line, Blank, Lines, Paragraph, Aligned, Fields, Note, Heading, TableBlock]


@dataclass(frozen=True)
class Blocks(Document):
    """A document for people: *blocks* one after the other, each on its own lines (a
    :class:`Blank` between them where a blank line is wanted). *strip*: no line ends in
    spaces."""

    blocks: tuple[Block, ...]
    strip: bool = False

    def write(self, fmt: str, width: int | None = None) -> str:
        lines = [line for block in self.blocks for line in _lines(block, width)]
        if self.strip:
            lines = [line.rstrip() for line in lines]
        return "\n".join(lines) + "\n"


def _lines(block: Block, width: int | None) -> Iterator[str]:
    if isinstance(block, Line):
        yield " " * block.indent + block.text
    elif isinstance(block, Blank):
        yield ""
    elif isinstance(block, Lines):
        yield from block.lines
    elif isinstance(block, Paragraph):
        first = " " * block.indent + block.label
        first += " " * (block.hanging - len(first))
        yield from wrap(block.text, block.measure, first, " " * max(block.hanging, block.indent))
    elif isinstance(block, Aligned):
        yield from _aligned(block)
    elif isinstance(block, Fields):
        yield from _fields(block, width)
    elif isinstance(block, Note):
        yield from fit_line(block.text, width) if width else [block.text]
    elif isinstance(block, Heading):
        yield block.text
        yield "=" * min(len(block.text), width or len(block.text))
    elif isinstance(block, TableBlock):
        yield from render_text(block.table, width).rstrip("\n").split("\n")
    else:
        raise TypeError(f"not a block: {block!r}")


def _pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))


def _aligned(block: Aligned) -> Iterator[str]:
    if not block.rows:
        return
    n = max(len(row.cells) for row in block.rows)
    gaps = [block.gaps] * (n - 1) if isinstance(block.gaps, str) else list(block.gaps)
    widths = [0] * (n - 1)
    for i in range(n - 1):
        least = block.least[i] if i < len(block.least) else 0
        widths[i] = max([least, *(text_width(row.cells[i]) for row in block.rows if i < len(row.cells))])
    start = block.indent + sum(widths) + sum(len(g) for g in gaps)
    for row in block.rows:
        line = " " * block.indent
        for i, cell in enumerate(row.cells):
            line += cell if i == n - 1 else _pad(cell, widths[i]) + gaps[i]
        yield line.rstrip() if block.strip else line
        for detail in row.details:
            yield " " * start + detail


def _fields(block: Fields, width: int | None) -> Iterator[str]:
    name_w = max((len(name) for name, _ in block.pairs), default=0) + 2
    for name, value in block.pairs:
        key = (name + ":").ljust(name_w)
        first = key + value
        if width is None or text_width(first) <= width:
            yield first
        else:
            yield from wrap(value, width, key, " " * name_w)


__all__ = [
    "Aligned", "Blank", "Block", "Blocks", "Fields", "Heading", "Line", "Lines", "Note", "Paragraph", "Row",
    "TableBlock",
]
