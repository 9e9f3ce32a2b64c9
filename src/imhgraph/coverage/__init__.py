"""Curricula coverage: which program teaches which topic, compared across programs and
against what credentials require.

* :mod:`.data` — the data fetched once (:class:`CoverageData`, :func:`load_coverage_data`),
  the hierarchy walks and the cell of a program for a topic (``direct`` / ``narrower`` /
  ``no`` / ``unknown``);
* :mod:`.grid` — the program × topic matrix (``coverage``);
* :mod:`.comparison` — two programs side by side (``compare``);
* :mod:`.gap_analysis` — a program against a credential, and every program ranked (``gaps``);
* :mod:`.evidence` — the courses and the evidence behind each program's coverage
  (``coverage --explain``, the report's heatmap titles, the curricula figures of ``stats``).

A program covers a topic directly or through one of its courses: the one definition is the
query fragment ``imhq:covers`` (``queries/fragments/covers.rq``), which every query that means
"covers" uses, including the loader of :mod:`.data`.

The names below are the package's public interface: ``from imhgraph.coverage import X``.
"""

from __future__ import annotations

from .comparison import Comparison, compare, compare_programs
from .data import (
    CELL_VALUES,
    MEANINGS,
    SYMBOLS,
    CoverageData,
    cell,
    count_cells,
    curricula_note,
    load_coverage_data,
    select_topics,
)
from .evidence import Caveat, query_caveat
from .gap_analysis import Gaps, GapsRanking, credential_gaps, gaps, rank_programs
from .grid import CoverageMatrix, CoverageSummary, coverage_matrix, matrix

__all__ = [
    "CELL_VALUES",
    "Caveat",
    "MEANINGS",
    "SYMBOLS",
    "Comparison",
    "CoverageData",
    "CoverageMatrix",
    "CoverageSummary",
    "Gaps",
    "GapsRanking",
    "cell",
    "compare",
    "compare_programs",
    "count_cells",
    "curricula_note",
    "coverage_matrix",
    "credential_gaps",
    "gaps",
    "load_coverage_data",
    "matrix",
    "query_caveat",
    "rank_programs",
    "select_topics",
]
