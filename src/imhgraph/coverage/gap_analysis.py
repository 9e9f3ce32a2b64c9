"""A program's gaps against a credential's required topics, and every program ranked by them
(the ``gaps`` command)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError
from ..namespaces import short_id
from ..render import JsonList, Result, Table
from ..stores import Backend
from .data import EMPTY, CELL_VALUES, SYMBOLS, CoverageData, cell, count_cells, load_coverage_data


@dataclass(frozen=True)
class Gaps(Result):
    """A program's cell for each topic a credential requires."""

    program: str
    program_label: str
    credential: str
    credential_label: str
    #: (topic IRI, label, cell), in hierarchy order.
    topics: tuple[tuple[str, str, str], ...]
    #: required topic → the ``skos:related`` topics the program covers (directly or by narrower
    #: topics), for required topics it is not known to cover. A note beside the cell: the cell
    #: itself stays as defined.
    related: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """How many required topics have each cell value."""
        found = {v: 0 for v in CELL_VALUES}
        for _, _, value in self.topics:
            found[value] += 1
        return found

    @property
    def share(self) -> float | None:
        """Share of required topics covered directly or by narrower topics; None when the
        credential requires no topic."""
        if not self.topics:
            return None
        c = self.counts
        return round((c["direct"] + c["narrower"]) / len(self.topics), 4)

    @property
    def has_no(self) -> bool:
        """True when a required topic is certainly not covered (``no``)."""
        return any(value == "no" for _, _, value in self.topics)

    def to_json(self) -> dict[str, Any]:
        """SPEC §3 shape, plus labels and a summary."""
        return {
            "program": short_id(self.program),
            "credential": short_id(self.credential),
            "topics": [{"id": short_id(t), "label": label, "value": v} for t, label, v in self.topics],
            "program_label": self.program_label,
            "credential_label": self.credential_label,
            "summary": {"required": len(self.topics), **self.counts, "covered": self.share},
            "related_covered": [
                {"topic": short_id(t), "related": [short_id(r) for r, _ in self.related[t]]}
                for t, _, _ in self.topics if t in self.related
            ],
        }

    def summary_line(self) -> str:
        """One sentence: how much is covered, and how much is not or unknown."""
        if not self.topics:
            return f"The data records no required topics for {short_id(self.credential)}."
        c, n = self.counts, len(self.topics)
        covered = c["direct"] + c["narrower"]
        return (
            f"{covered} of {n} required topics covered ({_percent(self.share)}): {c['direct']} directly, "
            f"{c['narrower']} by narrower topics only; {c['no']} not covered; {c['unknown']} unknown."
        )

    def table(self, fmt: str = "table") -> Table:
        """One row per required topic: topic, label, cell (with its symbol for people: in the
        ``table`` and ``markdown`` formats)."""
        symbols = fmt in ("table", "markdown")
        notes = [self.summary_line()]
        if self.related:
            notes.append("note: a related topic (skos:related) that the program covers; the cell itself is unchanged.")
        rows = [[short_id(t), label, f"{SYMBOLS[v]} {v}" if symbols else v] for t, label, v in self.topics]
        columns = ["topic", "label", "value"]
        if self.related:  # a note column only where a related topic is covered
            columns.append("note")
            for row, (t, _, _) in zip(rows, self.topics):
                row.append(self.related_note(t))
        return Table(
            columns,
            rows,
            title=(
                f"Gaps of {short_id(self.program)} ({self.program_label}) against "
                f"{short_id(self.credential)} ({self.credential_label})"
            ),
            notes=notes,
        )

    def related_note(self, topic: str) -> str:
        """"covers related: Label (id), …" for a required topic, or ""."""
        found = self.related.get(str(topic), ())
        return ("covers related: " + ", ".join(f"{label} ({short_id(r)})" for r, label in found)) if found else ""


def gaps(data: CoverageData, program: str, credential: str) -> Gaps:
    """*program*'s cell for each topic *credential* requires."""
    program, credential = str(program), str(credential)
    required = data.required.get(credential, EMPTY)
    ordered = [t for t in data.topics if t in required]
    cells = tuple((t, data.topics.get(t, short_id(t)), cell(data, program, t)) for t in ordered)
    return Gaps(
        program,
        data.programs.get(program, short_id(program)),
        credential,
        data.credentials.get(credential, short_id(credential)),
        cells,
        related_covered(data, program, [t for t, _, v in cells if v in ("no", "unknown")]),
    )


def related_covered(data: CoverageData, program: str, topics: Iterable[str]) -> dict[str, tuple[tuple[str, str], ...]]:
    """For each of *topics*: the ``skos:related`` topics that *program* covers (directly or by
    narrower topics), with their labels, in short-ID order; topics with none are absent."""
    program = str(program)
    reach = data.covers.get(program, EMPTY) | data.reached(program)
    found: dict[str, tuple[tuple[str, str], ...]] = {}
    for topic in topics:
        near = sorted((r for r in data.related.get(str(topic), EMPTY) if r in reach), key=short_id)
        if near:
            found[str(topic)] = tuple((r, data.topics.get(r, short_id(r))) for r in near)
    return found


@dataclass(frozen=True)
class GapsRanking(Result):
    """Every program against one credential, best covered first. Ranked from counts alone
    (set arithmetic); each program's per-topic :class:`Gaps` is built only when written out,
    so that a ranking of tens of thousands of programs streams."""

    data: CoverageData
    credential: str
    credential_label: str
    #: (rank, program IRI, counts of each cell value); equal figures share a rank. Programs
    #: without a recorded curriculum come last, in their own group, with rank None.
    ranked: tuple[tuple[int | None, str, dict[str, int]], ...]

    @property
    def without_data(self) -> list[str]:
        """The programs without a recorded curriculum (not ranked), in ID order."""
        return [program for rank, program, _ in self.ranked if rank is None]

    @property
    def entries(self) -> tuple[tuple[int, Gaps], ...]:
        """(rank, gaps) for each program, in rank order (built on each call; the JSON writer
        does not need them all at once)."""
        return tuple((rank, gaps(self.data, program, self.credential)) for rank, program, _ in self.ranked)

    @property
    def has_no(self) -> bool:
        """True when some program certainly leaves a required topic uncovered."""
        return any(counts["no"] for _, _, counts in self.ranked)

    def to_json(self) -> dict[str, Any]:
        """``{"credential", "credential_label", "programs": [{"rank", …gaps JSON…}]}``."""
        return {
            "credential": short_id(self.credential),
            "credential_label": self.credential_label,
            "programs": [{"rank": rank, **_ranked_json(g)} for rank, g in self.entries],
        }

    def json_list(self) -> JsonList:
        """:meth:`to_json`, one program at a time (a ranking of tens of thousands of programs
        streams). The entries of the topic lists are built once per topic and value and
        shared, so each program costs its cells, not their text."""
        required = [t for t in self.data.topics if t in self.data.required.get(self.credential, EMPTY)]
        entries = {
            v: [{"id": short_id(t), "label": self.data.topics.get(t, short_id(t)), "value": v} for t in required]
            for v in CELL_VALUES
        }
        credential, credential_label = short_id(self.credential), self.credential_label
        position = {v: i for i, v in enumerate(CELL_VALUES)}

        def items() -> Iterator[dict[str, Any]]:
            for rank, program, counts in self.ranked:
                cells = [cell(self.data, program, t) for t in required]
                share = round((counts["direct"] + counts["narrower"]) / len(required), 4) if required else None
                yield {
                    "rank": rank,
                    "program": short_id(program),
                    "credential": credential,
                    "topics": [entries[v][i] for i, v in enumerate(cells)],
                    "program_label": self.data.programs.get(program, short_id(program)),
                    "credential_label": credential_label,
                    "summary": {
                        "required": len(required),
                        **{v: counts[v] for v in sorted(counts, key=position.__getitem__)},
                        "covered": share,
                    },
                }

        return JsonList({"credential": credential, "credential_label": credential_label}, "programs", items)

    def table(self, fmt: str = "table") -> Table:
        """One row per program: rank, counts, the covered share and the topics it does not
        cover (``no``); unknown topics are counted, not listed, as they are not gaps for certain."""
        n_required = len(self.data.required.get(self.credential, EMPTY))
        rows = []
        for rank, g in self.entries:
            c = g.counts
            covered = _percent(g.share) if fmt in ("table", "markdown") else g.share
            missing = [short_id(t) for t, _, v in g.topics if v == "no"]
            shown_rank: Any = rank if rank is not None else "no data"
            if rank is None:
                covered = "unknown" if fmt in ("table", "markdown") else None
            rows.append([shown_rank, short_id(g.program), g.program_label, *(c[v] for v in CELL_VALUES), covered, missing])
        ranked = len(self.ranked) - len(self.without_data)
        notes = [
            "covered: share of required topics covered directly or by narrower topics.",
            "not covered: required topics the program certainly does not cover (its coverage is complete);"
            " unknown ones are counted, not listed.",
        ]
        if self.without_data:
            notes.append(
                f"Ranked: the {ranked} programs with a recorded curriculum. The {len(self.without_data)} programs "
                "without one are listed last as 'no data', unranked: every cell of theirs is unknown."
            )
        return Table(
            ["rank", "program", "label", *CELL_VALUES, "covered", "not covered"],
            rows,
            title=(
                f"Programs against {short_id(self.credential)} ({self.credential_label}): "
                f"{n_required} required topics"
            ),
            notes=notes,
        )


def _ranked_json(g: Gaps) -> dict[str, Any]:
    # The ranking writes each program's gaps without the related-topic notes (streamed alike).
    out = g.to_json()
    out.pop("related_covered", None)
    return out


def rank_programs(data: CoverageData, credential: str, programs: Iterable[str] | None = None) -> GapsRanking:
    """Every program (or *programs*) against *credential*, ranked by covered share, then
    direct count, then short ID; equal (share, direct, narrower) figures share a rank."""
    credential = str(credential)
    required = data.required.get(credential, EMPTY)
    chosen = list(data.programs) if programs is None else [str(p) for p in programs]

    def figures(counts: dict[str, int]) -> tuple[float, int, int]:
        share = (counts["direct"] + counts["narrower"]) / len(required) if required else -1.0
        return (round(share, 4), counts["direct"], counts["narrower"])

    scored = [(figures(c), p, c) for p in chosen if data.recorded(p) for c in [count_cells(data, p, required)]]
    scored.sort(key=lambda item: (tuple(-x for x in item[0]), short_id(item[1])))
    ranked: list[tuple[int | None, str, dict[str, int]]] = []
    previous: tuple[float, int, int] | None = None
    for position, (score, program, counts) in enumerate(scored, start=1):
        rank = ranked[-1][0] if ranked and score == previous else position
        ranked.append((rank, program, counts))
        previous = score
    # Programs without a recorded curriculum: their own group, after the ranked ones.
    for program in sorted((p for p in chosen if not data.recorded(p)), key=short_id):
        ranked.append((None, program, count_cells(data, program, required)))
    return GapsRanking(data, credential, data.credentials.get(credential, short_id(credential)), tuple(ranked))


def credential_gaps(
    backend: Backend, program: str | None, credential: str, *, all_programs: bool = False
) -> Gaps | GapsRanking:
    """The ``gaps`` command: one program against a credential, or every program ranked.

    :raises UsageError: neither or both of *program* and *all_programs*.
    :raises UnknownIdError: an ID names no program or credential.
    """
    from ..ids import resolve

    if all_programs and program:
        raise UsageError(
            "give either a PROGRAM or --all-programs, not both",
            hint="`imhgraph gaps --all-programs --credential CRED` ranks every program.",
        )
    if not all_programs and not program:
        raise UsageError(
            "name a PROGRAM, or use --all-programs",
            hint="e.g. `imhgraph gaps PROGRAM --credential CRED`; `imhgraph coverage --summary` lists the programs.",
        )
    data = load_coverage_data(backend)
    cred = str(resolve(backend, "credential", credential))
    if all_programs:
        return rank_programs(data, cred)
    return gaps(data, str(resolve(backend, "program", program or "")), cred)


def _percent(share: float | None) -> str:
    if share is None:
        return "n/a"
    return f"{share * 100:.0f}%"
