"""Two programs side by side (the ``compare`` command)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..blocks import Aligned, Blank, Block, Blocks, Line, Row
from ..namespaces import short_id
from ..render import Result, Table
from ..stores import Backend
from .data import CELL_VALUES, SYMBOLS, CoverageData, cell, load_coverage_data


@dataclass(frozen=True)
class Comparison(Result):
    """Two programs side by side, by direct coverage, with the topics left unknown."""

    a: str
    b: str
    a_label: str
    b_label: str
    #: topic → (cell of A, cell of B), for every topic, in hierarchy order.
    cells: dict[str, tuple[str, str]]
    topic_labels: dict[str, str]
    #: whether each program's curriculum is recorded (see :meth:`CoverageData.recorded`).
    a_recorded: bool = True
    b_recorded: bool = True

    def _where(self, test: Any) -> list[str]:
        return [t for t, (x, y) in self.cells.items() if test(x, y)]

    @property
    def shared(self) -> list[str]:
        """Topics both cover directly."""
        return self._where(lambda x, y: x == "direct" and y == "direct")

    @property
    def only_a(self) -> list[str]:
        """Topics A covers directly and B certainly does not (B's cell is known: ``no`` or
        ``narrower``). Where B's cell is unknown the topic is in :attr:`a_covers_b_unknown`."""
        return self._where(lambda x, y: x == "direct" and y in ("no", "narrower"))

    @property
    def only_b(self) -> list[str]:
        """Topics B covers directly and A certainly does not (A's cell is known)."""
        return self._where(lambda x, y: y == "direct" and x in ("no", "narrower"))

    @property
    def a_covers_b_unknown(self) -> list[str]:
        """Topics A covers directly while B's coverage is unknown: not "only A"."""
        return self._where(lambda x, y: x == "direct" and y == "unknown")

    @property
    def b_covers_a_unknown(self) -> list[str]:
        """Topics B covers directly while A's coverage is unknown: not "only B"."""
        return self._where(lambda x, y: y == "direct" and x == "unknown")

    @property
    def unknown_a(self) -> list[str]:
        """Topics whose coverage by A is unknown."""
        return self._where(lambda x, y: x == "unknown")

    @property
    def unknown_b(self) -> list[str]:
        """Topics whose coverage by B is unknown."""
        return self._where(lambda x, y: y == "unknown")

    @property
    def similarity_known(self) -> bool:
        """False when either program has no recorded curriculum: their similarity is unknown."""
        return self.a_recorded and self.b_recorded

    @property
    def jaccard(self) -> float | None:
        """|shared| / |covered directly by A or B|, over what is recorded; None when either
        program has no recorded curriculum (unknown) or neither covers anything."""
        if not self.similarity_known:
            return None
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
            "a_covers_b_unknown": ids(self.a_covers_b_unknown),
            "b_covers_a_unknown": ids(self.b_covers_a_unknown),
            "a_recorded": self.a_recorded,
            "b_recorded": self.b_recorded,
            "similarity": "known" if self.similarity_known else "unknown",
        }

    def groups(self) -> list[tuple[str, list[str]]]:
        """(group name, topics): shared, only A, only B (the other's cell known), A covers with
        B unknown, B covers with A unknown, then unknown (neither covers, at least one unknown)."""
        listed = set(self.shared) | set(self.only_a) | set(self.only_b)
        listed |= set(self.a_covers_b_unknown) | set(self.b_covers_a_unknown)
        unknown = [t for t in self._where(lambda x, y: "unknown" in (x, y)) if t not in listed]
        return [
            ("shared", self.shared), ("only_a", self.only_a), ("only_b", self.only_b),
            ("a_covers_b_unknown", self.a_covers_b_unknown), ("b_covers_a_unknown", self.b_covers_a_unknown),
            ("unknown", unknown),
        ]

    def table(self, fmt: str = "table") -> Table:
        """One row per topic that is in a group: group, topic, label, A's cell, B's cell."""
        rows = [
            [group, short_id(t), self.topic_labels.get(t, short_id(t)), *self.cells[t]]
            for group, topics in self.groups()
            for t in topics
        ]
        return Table(["group", "topic", "label", "a", "b"], rows)

    def document(self, fmt: str) -> Blocks | None:
        """For people (``table``): shared, only A, only B, unknown, each topic with both cells,
        then the similarity; the other formats are the table."""
        if fmt != "table":
            return None
        a_id, b_id = short_id(self.a), short_id(self.b)
        blocks: list[Block] = [Line(f"A: {a_id} ({self.a_label})"), Line(f"B: {b_id} ({self.b_label})"), Blank()]
        titles = {
            "shared": "Shared (both cover directly)",
            "only_a": f"Only A ({a_id} covers directly, B does not)",
            "only_b": f"Only B ({b_id} covers directly, A does not)",
            "a_covers_b_unknown": f"A covers, B unknown ({a_id} covers directly; whether B does is unknown)",
            "b_covers_a_unknown": f"B covers, A unknown ({b_id} covers directly; whether A does is unknown)",
            "unknown": "Unknown (neither is known to cover it)",
        }
        for side, recorded, pid in (("A", self.a_recorded, a_id), ("B", self.b_recorded, b_id)):
            if not recorded:
                blocks.append(Line(f"No curriculum is recorded for {side} ({pid}): every one of its cells is unknown."))
        if not self.similarity_known:
            blocks.append(Blank())
        value_w = max(len(v) for v in CELL_VALUES)
        for group, topics in self.groups():
            if group.endswith("_unknown") and not topics:
                continue
            blocks.append(Line(f"{titles[group]}: {len(topics)}"))
            rows = tuple(
                Row((short_id(t), "A", SYMBOLS[x], x, "B", SYMBOLS[y], y, self.topic_labels.get(t, short_id(t))))
                for t in topics
                for x, y in [self.cells[t]]
            )
            blocks.append(Aligned(rows, indent=2, gaps=("  ", " ", " ", "  ", " ", " ", "  "),
                                  least=(0, 0, 0, value_w, 0, 0, value_w)))
            blocks.append(Blank())
        j = self.jaccard
        if not self.similarity_known:
            which = " and ".join(s for s, r in (("A", self.a_recorded), ("B", self.b_recorded)) if not r)
            verdict = f"unknown (no curriculum recorded for {which})"
        elif j is None:
            verdict = "undefined (neither covers any topic)"
        else:
            union = len(self._where(lambda x, y: "direct" in (x, y)))
            verdict = f"{j:.2f} ({len(self.shared)} shared of {union} covered by either, over what is recorded)"
        blocks.append(Line("Jaccard similarity (direct coverage): " + verdict))
        return Blocks(tuple(blocks))


def compare(data: CoverageData, a: str, b: str) -> Comparison:
    """Compare programs *a* and *b* over every topic."""
    a, b = str(a), str(b)
    cells = {t: (cell(data, a, t), cell(data, b, t)) for t in data.topics}
    return Comparison(
        a, b, data.programs.get(a, short_id(a)), data.programs.get(b, short_id(b)), cells, data.topics,
        data.recorded(a), data.recorded(b),
    )


def compare_programs(backend: Backend, a: str, b: str) -> Comparison:
    """The ``compare`` command: programs *a* and *b* as users type them, compared.

    :raises UnknownIdError: either ID names no program.
    """
    from ..ids import resolve

    data = load_coverage_data(backend)
    return compare(data, str(resolve(backend, "program", a)), str(resolve(backend, "program", b)))
