"""The text for people declared as blocks (imhgraph.blocks) and laid out by render: exact lines."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from imhgraph.blocks import Aligned, Blank, Blocks, Fields, Heading, Line, Lines, Note, Paragraph, Row, TableBlock
from imhgraph.render import Result, Serialised, Table, render


@dataclass(frozen=True)
class Said(Result):
    """A result whose ``table`` view is the given blocks, whose ``turtle`` is a serialisation."""

    blocks: Blocks

    def document(self, fmt: str):  # noqa: ANN201 - a test double
        return self.blocks if fmt == "table" else Serialised("<a> <b> <c> .\n") if fmt == "turtle" else None


def test_aligned_pads_every_column_but_the_last_and_puts_details_under_it() -> None:
    rows = (
        Row(("eligible", "ifa", "Infant Family Associate"), ("requires: 30 hours", "- nothing missing")),
        Row(("not yet", "illinois-aimh", "Illinois credential")),
    )
    text = Blocks((Aligned(rows, indent=2, least=(8,)),)).write("table")
    assert text == (
        "  eligible  ifa            Infant Family Associate\n"
        "                           requires: 30 hours\n"
        "                           - nothing missing\n"
        "  not yet   illinois-aimh  Illinois credential\n"
    )


def test_aligned_keeps_a_column_as_wide_as_its_least_and_takes_gaps_per_boundary() -> None:
    rows = (Row(("WARNING", "a: message")), Row(("INFO", "")))
    assert Blocks((Aligned(rows, gaps=" ", least=(9,), strip=False),)).write("text") == "WARNING   a: message\nINFO      \n"
    assert Blocks((Aligned(rows, gaps=" ", least=(9,)),)).write("text") == "WARNING   a: message\nINFO\n"
    cells = (Row(("t1", "A", "●", "direct", "B", "?", "unknown", "Topic one")),)
    gaps = ("  ", " ", " ", "  ", " ", " ", "  ")
    line = Blocks((Aligned(cells, indent=2, gaps=gaps, least=(0, 0, 0, 8, 0, 0, 8)),)).write("table")
    assert line == "  t1  A ● direct    B ? unknown   Topic one\n"


def test_a_paragraph_is_set_at_its_measure_with_its_label_hanging() -> None:
    words = ", ".join(f"program-{n:02d}" for n in range(12))
    text = Blocks((Paragraph("none recorded: " + words, measure=60, indent=2, label="unknown", hanging=12),)).write("table")
    assert text == (
        "  unknown   none recorded: program-00, program-01,\n"
        "            program-02, program-03, program-04, program-05,\n"
        "            program-06, program-07, program-08, program-09,\n"
        "            program-10, program-11\n"
    )


def test_fields_align_values_and_wrap_a_long_one_under_itself() -> None:
    fields = Fields((("id", "ifa"), ("about", "a credential for people who work with infants and families")))
    assert Blocks((fields,)).write("table") == (
        "id:    ifa\nabout: a credential for people who work with infants and families\n"
    )
    assert Blocks((fields,)).write("table", 40) == (
        "id:    ifa\n"
        "about: a credential for people who work\n"
        "       with infants and families\n"
    )


def test_heading_note_lines_blank_and_a_table_block() -> None:
    table = Table(["topic", "cell"], [["adult-learning", "direct"]])
    doc = Blocks((
        Heading("Infant Family Associate  (credential ifa)"), Blank(), TableBlock(table), Blank(),
        Note("a note long enough to be wrapped at a narrow width, with a hanging indent"),
        Lines(("SELECT ?x WHERE {  ", "}")), Line("done", 4),
    ))
    assert doc.write("table", 40) == (
        "Infant Family Associate  (credential ifa)\n"
        + "=" * 40 + "\n"
        "\n"
        "topic           cell\n"
        "--------------  ------\n"
        "adult-learning  direct\n"
        "\n"
        "a note long enough to be wrapped at a\n"
        "    narrow width, with a hanging indent\n"
        "SELECT ?x WHERE {  \n"
        "}\n"
        "    done\n"
    )
    assert Blocks((Line("trailing  "), Lines(("kept  ",))), strip=True).write("table") == "trailing\nkept\n"


def test_render_fits_blocks_to_the_width_only_in_the_formats_for_people() -> None:
    long = "word " * 20
    said = Said(Blocks((Line(long.strip()), Line("\x1b[31mred"))))
    assert render(said, "table", 40) == (
        "word word word word word word word word\n"
        "    word word word word word word word\n"
        "    word word word word word\n"
        "\\x1b[31mred\n"
    )
    assert render(said, "table") == long.strip() + "\n\\x1b[31mred\n"
    assert render(said, "turtle", 40) == "<a> <b> <c> .\n"


def test_render_refuses_a_document_hook_that_returns_text() -> None:
    @dataclass(frozen=True)
    class Composes(Result):
        def document(self, fmt: str):  # noqa: ANN201 - the mistake under test
            return "composed text\n"

    with pytest.raises(TypeError, match=r"Composes.document\(\) returned str, not a render.Document"):
        render(Composes(), "table")
