"""Two programs side by side (the ``compare`` command)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..namespaces import short_id
from ..render import Result, Table
from ..stores import Backend
from .data import SYMBOLS, CoverageData, cell, load_coverage_data


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

    def _where(self, test: Any) -> list[str]:
        return [t for t, (x, y) in self.cells.items() if test(x, y)]

    @property
    def shared(self) -> list[str]:
        """Topics both cover directly."""
        return self._where(lambda x, y: x == "direct" and y == "direct")

    @property
    def only_a(self) -> list[str]:
        """Topics A covers directly and B does not."""
        return self._where(lambda x, y: x == "direct" and y != "direct")

    @property
    def only_b(self) -> list[str]:
        """Topics B covers directly and A does not."""
        return self._where(lambda x, y: y == "direct" and x != "direct")

    @property
    def unknown_a(self) -> list[str]:
        """Topics whose coverage by A is unknown."""
        return self._where(lambda x, y: x == "unknown")

    @property
    def unknown_b(self) -> list[str]:
        """Topics whose coverage by B is unknown."""
        return self._where(lambda x, y: y == "unknown")

    @property
    def jaccard(self) -> float | None:
        """|shared| / |covered directly by A or B|; None when neither covers anything."""
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
        }

    def groups(self) -> list[tuple[str, list[str]]]:
        """(group name, topics): shared, only A, only B, then unknown (where either cell is
        unknown and the topic is in none of the first three)."""
        listed = set(self.shared) | set(self.only_a) | set(self.only_b)
        unknown = [t for t in self._where(lambda x, y: "unknown" in (x, y)) if t not in listed]
        return [("shared", self.shared), ("only_a", self.only_a), ("only_b", self.only_b), ("unknown", unknown)]

    def table(self, fmt: str = "table") -> Table:
        """One row per topic that is in a group: group, topic, label, A's cell, B's cell."""
        rows = [
            [group, short_id(t), self.topic_labels.get(t, short_id(t)), *self.cells[t]]
            for group, topics in self.groups()
            for t in topics
        ]
        return Table(["group", "topic", "label", "a", "b"], rows)

    def document(self, fmt: str, width: int | None = None) -> str | None:
        """For people (``table``), the sections of :meth:`text`; the other formats are the table."""
        return self.text() if fmt == "table" else None

    def text(self) -> str:
        """Sections for people: shared, only A, only B, unknown, each with both cells."""
        a_id, b_id = short_id(self.a), short_id(self.b)
        lines = [f"A: {a_id} ({self.a_label})", f"B: {b_id} ({self.b_label})", ""]
        titles = {
            "shared": "Shared (both cover directly)",
            "only_a": f"Only A ({a_id} covers directly, B does not)",
            "only_b": f"Only B ({b_id} covers directly, A does not)",
            "unknown": "Unknown (at least one program's coverage is unknown)",
        }
        for group, topics in self.groups():
            lines.append(f"{titles[group]}: {len(topics)}")
            if topics:
                id_w = max(len(short_id(t)) for t in topics)
                for t in topics:
                    x, y = self.cells[t]
                    lines.append(
                        f"  {short_id(t).ljust(id_w)}  A {SYMBOLS[x]} {x:<8}  B {SYMBOLS[y]} {y:<8}  "
                        f"{self.topic_labels.get(t, short_id(t))}".rstrip()
                    )
            lines.append("")
        j = self.jaccard
        lines.append(
            "Jaccard similarity (direct coverage): "
            + (f"{j:.2f} ({len(self.shared)} shared of {len(self._where(lambda x, y: 'direct' in (x, y)))} covered by either)" if j is not None else "undefined (neither covers any topic)")
        )
        return "\n".join(lines) + "\n"


def compare(data: CoverageData, a: str, b: str) -> Comparison:
    """Compare programs *a* and *b* over every topic."""
    a, b = str(a), str(b)
    cells = {t: (cell(data, a, t), cell(data, b, t)) for t in data.topics}
    return Comparison(
        a, b, data.programs.get(a, short_id(a)), data.programs.get(b, short_id(b)), cells, data.topics
    )


def compare_programs(backend: Backend, a: str, b: str) -> Comparison:
    """The ``compare`` command: programs *a* and *b* as users type them, compared.

    :raises UnknownIdError: either ID names no program.
    """
    from ..ids import resolve

    data = load_coverage_data(backend)
    return compare(data, str(resolve(backend, "program", a)), str(resolve(backend, "program", b)))
