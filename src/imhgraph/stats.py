"""Counts of what the graph holds, and the sources behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .sparql.named_queries import internal_query
from .render import Result, Table
from .stores import Backend


@dataclass(frozen=True)
class Stats(Result):
    """Counts of programs, organizations, credentials, topics, professions, sources and triples."""

    counts: dict[str, int]
    triples: int
    backend: str
    origin: list[str] = field(default_factory=list)
    sources: list[tuple[str, str, int]] = field(default_factory=list)
    #: which graph of an endpoint was read ("default graph" or "graph <IRI>"); None for files
    graph: str | None = None
    #: the curricula figures (:class:`~imhgraph.coverage.evidence.CurriculaFigures`)
    curricula: Any = None

    def to_json(self) -> dict[str, object]:
        """Stable-keyed JSON for scripts."""
        return {
            "backend": self.backend,
            "triples": self.triples,
            "counts": self.counts,
            "origin": self.origin,
            "graph": self.graph,
            "sources": [{"iri": iri, "title": title, "resources": n} for iri, title, n in self.sources],
            **({"curricula": self.curricula.to_json()} if self.curricula is not None else {}),
        }

    def table(self, fmt: str = "table") -> list[Table]:
        """:meth:`tables` (see :class:`~imhgraph.render.Result`)."""
        return self.tables()

    def tables(self) -> list[Table]:
        """The counts, the curricula figures, then the sources with how many resources cite each."""
        counts = Table(
            ["what", "count"],
            [[k, v] for k, v in self.counts.items()] + [["triples", self.triples]],
            title=f"imhgraph data ({self.backend}: {len(self.origin)} "
            f"{'file' if len(self.origin) == 1 else 'files'})"
            if self.backend == "memory"
            else f"imhgraph data ({self.backend}: {', '.join(self.origin)}"
            + (f", {self.graph})" if self.graph else ")"),
        )
        sources = Table(
            ["source", "title", "cited by"],
            [[iri, title, n] for iri, title, n in self.sources],
            title="Sources",
        )
        return [counts, *([self.curricula.table()] if self.curricula is not None else []), sources]


def stats(backend: Backend) -> Stats:
    """Gather the counts and sources of the graph behind *backend*."""
    row = backend.select(internal_query("stats")).rows[0]
    names = ("organizations", "programs", "credentials", "topics", "professions", "sources")
    counts = {name: int(value) if value is not None else 0 for name, value in zip(names, row)}
    sources = []
    for source, title, n in backend.select(internal_query("sources")).rows:
        sources.append((str(source), str(title) if title is not None else "", int(n)))
    sources.sort(key=lambda s: (-s[2], s[0]))
    graph = getattr(backend, "graph_description", None)  # an endpoint says which of its graphs it read
    from .coverage.evidence import curricula_figures

    return Stats(counts, backend.triple_count(), backend.kind, list(backend.origin), sources, graph,
                 curricula_figures(backend))

