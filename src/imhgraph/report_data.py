"""What the HTML report (:mod:`imhgraph.report`) shows, gathered from a backend in one place:
counts, coverage data and matrix, similarity, communities, centrality, gap rankings, and the
sources behind each program. The report itself only draws what is gathered here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .namespaces import short_id
from .report import ProgramSources, ReportInputs, render_report
from .stores import Backend


def gather(backend: Backend, *, rollup: bool = False) -> ReportInputs:
    """Collect what the report shows from *backend*.

    :param rollup: similarity, communities and centrality over direct *and* broader-of-covered
        topics (the coverage heatmap always shows all four cell values).
    """
    from . import analyze, coverage
    from .sparql.named_queries import internal_query
    from .stats import stats

    counts = stats(backend)
    data = coverage.load_coverage_data(backend)
    grid = coverage.matrix(data)
    similar = analyze.similarity(data, rollup=rollup)
    groups = analyze.communities(data, similar=similar)
    central = analyze.centrality(data, rollup=rollup)
    rankings = [coverage.rank_programs(data, c) for c in data.credentials if data.required.get(c)]
    dates = backend.select_written(internal_query("report-retrieved")).rows
    retrieved = sorted({str(when) for _, when in dates})
    dated = frozenset(str(resource) for resource, _ in dates)
    sources = _program_sources(backend.select(internal_query("report-program-sources")).rows)
    from .coverage.evidence import load_evidence

    return ReportInputs(counts, data, grid, similar, groups, central, rankings, retrieved, sources, backend.kind,
                        load_evidence(backend), dated)


def _program_sources(rows: Iterable[Sequence[Any]]) -> dict[str, ProgramSources]:
    found: dict[str, ProgramSources] = {}
    for program, org, org_label, source, title, retrieved in rows:
        entry = found.setdefault(str(program), ProgramSources())
        if org is not None:
            name = str(org_label) if org_label is not None else short_id(str(org))
            previous = entry.organizations.get(str(org))
            entry.organizations[str(org)] = min(name, previous) if previous else name
        if source is not None:
            text = str(title) if title is not None else ""
            previous = entry.sources.get(str(source))
            entry.sources[str(source)] = min(text, previous) if previous else text
        if retrieved is not None:
            entry.retrieved.add(str(retrieved))
    return found


def build_report(backend: Backend, *, rollup: bool = False, title: str = "Infant Mental Health training: imhgraph report") -> str:
    """The whole HTML page for the graph behind *backend* (gathered by :func:`gather`,
    drawn by :func:`imhgraph.report.render_report`).

    :param rollup: similarity, communities and centrality over direct *and* broader-of-covered
        topics (the coverage heatmap always shows all four cell values).
    """
    return render_report(gather(backend, rollup=rollup), title=title)
