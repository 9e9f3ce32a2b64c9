"""Network analyses of the program–topic graph: similarity, topic centrality, communities.

Everything here works on a :class:`~imhgraph.coverage.CoverageData` (which programs cover
which topics, and the topic hierarchy), never on SPARQL directly, so that the analyses run
the same on every backend and the data is read once.

Scale: pairwise program similarity is computed as a matrix product over a program × topic
incidence matrix (numpy, BLAS), block by block, so that memory stays bounded and only the
pairs, nearest neighbours or top-K lists that were asked for are kept. A pure-Python
all-pairs loop (or networkx's ``jaccard_coefficient``) is two orders of magnitude slower at
tens of thousands of programs.

Why one module: the three analyses share one incidence matrix and its helpers
(:class:`_Incidence`); each analysis is a section of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .namespaces import short_id
from .render import Result, Table

if TYPE_CHECKING:  # pragma: no cover - only for type checkers

    from .coverage import CoverageData

#: Refuse to hold more pairs than this: the caller should ask for --top or a higher --min.
MAX_PAIRS = 5_000_000
#: Refuse a square matrix larger than this many programs (it would not be readable anyway).
MAX_MATRIX = 300
#: Elements of a float64 block of the similarity matrix held at once (≈134 MB).
_BLOCK_ELEMENTS = 1 << 24


# ---------------------------------------------------------------------------------------------
# Topic sets
# ---------------------------------------------------------------------------------------------


def topic_sets(
    data: CoverageData, programs: Sequence[str] | None = None, *, rollup: bool = False
) -> dict[str, frozenset[str]]:
    """Program IRI → the set of topic IRIs it covers, for *programs* (all, sorted by ID, if None).

    :param rollup: also count every broader topic of a covered topic as covered, so that two
        programs teaching different kinds of the same thing resemble each other.
    """
    chosen = sorted((str(p) for p in (programs if programs is not None else data.programs)), key=short_id)
    result: dict[str, frozenset[str]] = {}
    for program in chosen:
        covered = data.covers.get(program, frozenset())
        # reached(): every broader topic of a covered topic (coverage's own closure).
        result[program] = covered | data.reached(program) if rollup else covered
    return result


@dataclass
class _Incidence:
    """Programs (rows, in ID order) × topics (columns) as a dense 0/1 float32 matrix."""

    programs: list[str]
    topics: list[str]
    matrix: Any  # np.ndarray (n_programs, n_topics) float32
    sizes: Any  # np.ndarray (n_programs,) float64

    @classmethod
    def build(cls, sets: Mapping[str, frozenset[str]]) -> _Incidence:
        import numpy as np

        programs = list(sets)
        topics = sorted({t for s in sets.values() for t in s}, key=short_id)
        column = {t: i for i, t in enumerate(topics)}
        matrix = np.zeros((len(programs), max(len(topics), 1)), dtype=np.float32)
        rows: list[int] = []
        cols: list[int] = []
        for i, program in enumerate(programs):
            for topic in sets[program]:
                rows.append(i)
                cols.append(column[topic])
        if rows:
            matrix[np.asarray(rows), np.asarray(cols)] = 1.0
        return cls(programs, topics, matrix, matrix.sum(axis=1, dtype=np.float64))

    def blocks(self) -> Iterator[tuple[int, Any, Any]]:
        """(first row, intersection counts, Jaccard) for consecutive blocks of rows; the
        diagonal (a program with itself) is set to 0 in the Jaccard block.

        Both are float32 and computed in place (memory traffic dominates): counts are exact
        integers, and two different fractions with denominators below a few thousand stay
        different and in order in float32, so ranking and ties are exact. Reported values are
        recomputed from the integer counts (see :func:`_collect_pairs`).
        """
        import numpy as np

        n = len(self.programs)
        if n == 0:
            return
        step = max(1, min(n, _BLOCK_ELEMENTS // n))
        transposed = np.ascontiguousarray(self.matrix.T)
        sizes = self.sizes.astype(np.float32)
        # Two buffers reused for every block: fresh 100 MB arrays cost more in page faults
        # than the arithmetic. Callers copy what they keep before asking for the next block.
        inter_buf = np.empty((step, n), dtype=np.float32)
        jac_buf = np.empty((step, n), dtype=np.float32)
        for start in range(0, n, step):
            stop = min(n, start + step)
            inter, jac = inter_buf[: stop - start], jac_buf[: stop - start]
            np.matmul(self.matrix[start:stop], transposed, out=inter)
            np.add(sizes[start:stop, None], sizes[None, :], out=jac)
            jac -= inter
            np.maximum(jac, 1.0, out=jac)  # union 0 only where both sets are empty: Jaccard 0
            np.divide(inter, jac, out=jac)
            rows = np.arange(stop - start)
            jac[rows, rows + start] = 0.0
            yield start, inter, jac


# ---------------------------------------------------------------------------------------------
# Similarity
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """Two programs (``a`` before ``b`` by ID) and how alike their topic sets are."""

    a: str
    b: str
    jaccard: float
    shared: int
    only_a: int
    only_b: int

    def to_json(self) -> dict[str, Any]:
        """Stable-keyed JSON: short IDs, Jaccard, and the counts it comes from."""
        return {
            "a": short_id(self.a),
            "b": short_id(self.b),
            "jaccard": self.jaccard,
            "shared": self.shared,
            "only_a": self.only_a,
            "only_b": self.only_b,
        }


@dataclass(frozen=True)
class Nearest:
    """A program's most similar other program(s): every one tied at the best Jaccard."""

    program: str
    nearest: tuple[str, ...]
    jaccard: float
    shared: int


@dataclass
class Similarity:
    """Pairwise Jaccard similarity of programs' topic sets."""

    programs: list[str]
    labels: dict[str, str]
    topic_counts: dict[str, int]
    pairs: list[Pair]
    nearest: list[Nearest]
    rollup: bool = False
    min_jaccard: float = 0.0
    top: int | None = None
    #: programs asked for but without a recorded curriculum: their similarity is unknown.
    left_out: list[str] = field(default_factory=list)

    def _basis(self) -> str:
        return "direct and broader-of-covered topics (--rollup)" if self.rollup else "directly covered topics"

    def _left_out_note(self) -> list[str]:
        if not self.left_out:
            return []
        return [f"Computed over the {len(self.programs)} programs with a recorded curriculum; "
                f"{len(self.left_out)} without one {'is' if len(self.left_out) == 1 else 'are'} left out "
                "(their similarity is unknown, not 0): "
                + ", ".join(short_id(p) for p in self.left_out) + "."]

    def pairs_table(self) -> Table:
        """One row per pair with Jaccard > 0, most similar first."""
        rows = [
            [short_id(p.a), short_id(p.b), round(p.jaccard, 3), p.shared, p.only_a, p.only_b]
            for p in self.pairs
        ]
        notes = [f"Jaccard = shared / (shared + only_a + only_b) over {self._basis()}; "
                 "pairs with nothing in common are left out."]
        if self.top:
            notes.append(f"Only each program's {self.top} most similar programs are listed (--top).")
        if self.min_jaccard > 0:
            notes.append(f"Only pairs with Jaccard ≥ {self.min_jaccard:g} are listed (--min).")
        notes += self._left_out_note()
        return Table(["a", "b", "jaccard", "shared", "only_a", "only_b"], rows,
                     title=f"Program similarity ({len(self.pairs)} pairs)", notes=notes)

    def nearest_table(self) -> Table:
        """Per program, its nearest neighbour(s) and their Jaccard."""
        rows = [
            [short_id(n.program), self.labels.get(n.program, ""), [short_id(x) for x in n.nearest],
             round(n.jaccard, 3), n.shared]
            for n in self.nearest
        ]
        return Table(["program", "label", "nearest", "jaccard", "shared"], rows,
                     title="Nearest neighbour of each program",
                     notes=[f"Over {self._basis()}; ties are all listed; an empty 'nearest' means "
                            "the program shares no topic with any other.", *self._left_out_note()])

    def matrix(self) -> list[list[float]]:
        """The square Jaccard matrix in program order (1.0 on the diagonal for non-empty sets)."""
        index = {p: i for i, p in enumerate(self.programs)}
        size = len(self.programs)
        grid = [[0.0] * size for _ in range(size)]
        for i, program in enumerate(self.programs):
            grid[i][i] = 1.0 if self.topic_counts.get(program) else 0.0
        for pair in self.pairs:
            i, j = index[pair.a], index[pair.b]
            grid[i][j] = grid[j][i] = pair.jaccard
        return grid

    def matrix_table(self) -> Table:
        """The matrix as a table: one row per program, one column per program (by ID)."""
        ids = [short_id(p) for p in self.programs]
        rows = [[ids[i], *[round(v, 3) for v in row]] for i, row in enumerate(self.matrix())]
        return Table(["program", *ids], rows, title="Jaccard similarity matrix",
                     notes=[f"Over {self._basis()}.", *self._left_out_note()])

    def to_json(self, view: str = "pairs") -> Any:
        """JSON for *view*: ``pairs`` (a list of pair objects), ``nearest`` or ``matrix``."""
        if view == "nearest":
            return [
                {"program": short_id(n.program), "nearest": [short_id(x) for x in n.nearest],
                 "jaccard": n.jaccard, "shared": n.shared}
                for n in self.nearest
            ]
        if view == "matrix":
            return {"programs": [short_id(p) for p in self.programs], "matrix": self.matrix(),
                    "left_out": [short_id(p) for p in self.left_out]}
        return [p.to_json() for p in self.pairs]


@dataclass(frozen=True)
class SimilarityView(Result):
    """One view of a :class:`Similarity` (``analyze similarity --view``): pairs, nearest or matrix."""

    similarity: Similarity
    view: str = "pairs"

    def to_json(self) -> Any:
        return self.similarity.to_json(self.view)

    def table(self, fmt: str = "table") -> Table:
        s = self.similarity
        return {"pairs": s.pairs_table, "nearest": s.nearest_table, "matrix": s.matrix_table}[self.view]()


def similarity(
    data: CoverageData,
    programs: Sequence[str] | None = None,
    *,
    rollup: bool = False,
    min_jaccard: float = 0.0,
    top: int | None = None,
    for_matrix: bool = False,
) -> Similarity:
    """Pairwise Jaccard similarity of the topic sets of *programs* (all if None) that have a
    recorded curriculum; the others are left out (``left_out``): their similarity is unknown.

    Pairs with Jaccard 0 are never listed. ``min_jaccard`` keeps pairs at or above it; ``top``
    keeps, for each program, its ``top`` most similar others (ties broken by ID), a pair being
    kept when either side keeps it. The nearest neighbours are always computed over all pairs.

    :raises UsageError: bad thresholds, or more pairs than :data:`MAX_PAIRS` would be listed.
    """
    import numpy as np

    if not 0.0 <= min_jaccard <= 1.0:
        raise UsageError(f"--min must be between 0 and 1, not {min_jaccard:g}")
    if top is not None and top < 1:
        raise UsageError(f"--top must be at least 1, not {top}")
    recorded, left_out = data.split_recorded(programs)
    sets = topic_sets(data, recorded, rollup=rollup)
    if for_matrix and len(sets) > MAX_MATRIX:
        raise UsageError(
            f"a similarity matrix of {len(sets)} programs would be unreadable",
            hint=f"Choose at most {MAX_MATRIX} programs with --program, or use the pairs or nearest view.",
        )
    inc = _Incidence.build(sets)
    n = len(inc.programs)
    found_rows: list[Any] = []
    found_cols: list[Any] = []
    found_inter: list[Any] = []
    nearest: list[Nearest] = []
    kept = 0
    for start, inter, jac in inc.blocks():
        local = np.arange(jac.shape[0])
        rows_global = local + start
        # Nearest: all columns tied at the row maximum (when it is above zero).
        best = jac.max(axis=1)
        tie_r, tie_c = np.nonzero((jac == best[:, None]) & (best[:, None] > 0))
        ties: dict[int, list[int]] = {}
        for r, c in zip(tie_r.tolist(), tie_c.tolist()):
            ties.setdefault(r, []).append(c)
        for r in local.tolist():
            cols = ties.get(r, [])
            shared = int(inter[r, cols[0]]) if cols else 0
            union = int(inc.sizes[start + r]) + int(inc.sizes[cols[0]]) - shared if cols else 0
            nearest.append(Nearest(
                inc.programs[start + r], tuple(inc.programs[c] for c in cols),
                shared / union if cols else 0.0, shared,
            ))
        # Pairs to keep from this block.
        keep = jac > 0
        if min_jaccard > 0:
            # A hair below, in float32; the exact test on integer counts follows in _collect_pairs.
            keep &= jac >= np.float32(min_jaccard * (1 - 1e-6))
        if top is not None:
            keep &= _top_mask(jac, top)
        r_idx, c_idx = np.nonzero(keep)
        kept += len(r_idx)
        if top is None:
            # Each unordered pair once: the row before the column.
            upper = c_idx > rows_global[r_idx]
            r_idx, c_idx = r_idx[upper], c_idx[upper]
            kept = kept - int((~upper).sum())
        if kept > MAX_PAIRS * (2 if top is not None else 1):
            raise UsageError(
                f"more than {MAX_PAIRS:,} similar pairs among {n:,} programs",
                hint="Ask for fewer: --top K (each program's K most similar) or --min 0.5.",
            )
        found_rows.append(rows_global[r_idx])
        found_cols.append(c_idx)
        found_inter.append(inter[r_idx, c_idx])
    pairs = _collect_pairs(inc, found_rows, found_cols, found_inter)
    if min_jaccard > 0:
        pairs = [p for p in pairs if p.jaccard >= min_jaccard]
    return Similarity(
        programs=inc.programs,
        labels={p: data.programs.get(p, short_id(p)) for p in [*inc.programs, *left_out]},
        topic_counts={p: len(sets[p]) for p in inc.programs},
        pairs=pairs,
        nearest=nearest,
        rollup=rollup,
        min_jaccard=min_jaccard,
        top=top,
        left_out=left_out,
    )


def _top_mask(jac: Any, k: int) -> Any:
    """Per row, True for the *k* largest values above zero, ties broken by column (lower first)."""
    import numpy as np

    rows, width = jac.shape
    mask = np.zeros_like(jac, dtype=bool)
    if width == 0:
        return mask
    if k == 1:  # the common case, without a partition: the first column at the row maximum
        best = jac.max(axis=1)
        first = np.argmax(jac == best[:, None], axis=1)
        chosen = best > 0
        mask[np.nonzero(chosen)[0], first[chosen]] = True
        return mask
    k = min(k, width)
    kth = -np.partition(-jac, k - 1, axis=1)[:, k - 1]
    # Candidates: at or above the k-th value; more than k only where there are ties.
    cand_r, cand_c = np.nonzero((jac >= kth[:, None]) & (jac > 0))
    values = jac[cand_r, cand_c]
    order = np.lexsort((cand_c, -values, cand_r))
    cand_r, cand_c = cand_r[order], cand_c[order]
    starts = np.searchsorted(cand_r, cand_r, side="left")
    rank = np.arange(len(cand_r)) - starts
    chosen = rank < k
    mask[cand_r[chosen], cand_c[chosen]] = True
    return mask


def _collect_pairs(inc: _Incidence, rows: list[Any], cols: list[Any], inters: list[Any]) -> list[Pair]:
    """Unordered, de-duplicated pairs, most similar first, then by IDs."""
    import numpy as np

    if not rows:
        return []
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    shared = np.concatenate(inters)
    a, b = np.minimum(r, c), np.maximum(r, c)
    n = len(inc.programs)
    _, first = np.unique(a.astype(np.int64) * n + b, return_index=True)
    a, b, shared = a[first], b[first], shared[first]
    sizes = inc.sizes
    pairs = []
    for i, j, s in zip(a.tolist(), b.tolist(), shared.tolist()):
        s = int(s)
        only_a, only_b = int(sizes[i]) - s, int(sizes[j]) - s
        pairs.append(Pair(inc.programs[i], inc.programs[j], s / (s + only_a + only_b), s, only_a, only_b))
    # Programs are in ID order, so index order is ID order.
    position = {p: i for i, p in enumerate(inc.programs)}
    pairs.sort(key=lambda p: (-p.jaccard, position[p.a], position[p.b]))
    return pairs


# ---------------------------------------------------------------------------------------------
# Centrality
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicCentrality:
    """How central one topic is: programs covering it, co-occurrence degree and betweenness."""

    topic: str
    label: str
    programs: int
    share: float
    degree: int
    betweenness: float
    role: str
    #: programs whose cell for this topic is known (they cover it, or their coverage is complete):
    #: the denominator of *share*.
    known: int = 0

    def to_json(self) -> dict[str, Any]:
        """Stable-keyed JSON."""
        return {
            "id": short_id(self.topic),
            "label": self.label,
            "programs": self.programs,
            "known": self.known,
            "share": self.share,
            "degree": self.degree,
            "betweenness": self.betweenness,
            "role": self.role,
        }


@dataclass
class Centrality(Result):
    """Topic centrality for a set of programs."""

    topics: list[TopicCentrality]
    program_count: int
    core: float
    distinctive: int
    sampled: int | None = None
    rollup: bool = False
    #: programs asked for but without a recorded curriculum (left out).
    left_out: list[str] = field(default_factory=list)

    def table(self, fmt: str = "table") -> Table:
        """One row per topic covered by at least one program, most covered first."""
        rows = [
            [short_id(t.topic), t.label, t.programs, t.known, round(t.share, 3), t.degree,
             round(t.betweenness, 3), t.role]
            for t in self.topics
        ]
        notes = [
            "share: programs covering the topic / programs whose cell for it is known (column known: they "
            "cover it, or their coverage is declared complete); a program whose coverage of a topic is "
            "unknown counts in neither.",
            f"core: share ≥ {self.core:g}; distinctive: covered by "
            f"{'exactly one program' if self.distinctive == 1 else f'at most {self.distinctive} programs'}; "
            "common: the rest.",
            f"Computed over the {self.program_count} programs with a recorded curriculum; "
            f"{len(self.left_out)} left out for lack of data"
            + (": " + ", ".join(short_id(p) for p in self.left_out) + "." if self.left_out else "."),
            "degree and betweenness: in the graph of topics linked when one program covers both"
            + (f" (betweenness estimated from {self.sampled} sampled sources, fixed seed)." if self.sampled else "."),
        ]
        return Table(["topic", "label", "programs", "known", "share", "degree", "betweenness", "role"], rows,
                     title=f"Topic centrality ({len(self.topics)} topics, {self.program_count} programs with "
                           f"curricula, {len(self.left_out)} left out)",
                     notes=notes)

    def to_json(self) -> list[dict[str, Any]]:
        """A list of topic objects."""
        return [t.to_json() for t in self.topics]


def role_of(count: int, share: float, *, core: float, distinctive: int) -> str:
    """``core``, ``distinctive`` or ``common`` for a topic covered by *count* programs (*share*)."""
    # With very few programs one program can be half of them: "one program only" wins then,
    # unless that program is all there is.
    if 1 <= count <= distinctive and share < 1.0:
        return "distinctive"
    if share >= core:
        return "core"
    return "common"


def centrality(
    data: CoverageData,
    programs: Sequence[str] | None = None,
    *,
    rollup: bool = False,
    core: float = 0.5,
    distinctive: int = 1,
    samples: int = 200,
    seed: int = 42,
) -> Centrality:
    """Per topic covered by at least one of *programs* (those with a recorded curriculum; the
    others are left out and named): how many cover it, the share of the programs whose cell for
    it is known, its degree and betweenness in the topic co-occurrence graph, and a role.

    :param core: share of programs at or above which a topic is ``core``.
    :param distinctive: a topic covered by at most this many programs is ``distinctive``.
    :param samples: with more topics than this, betweenness is estimated from this many
        source topics chosen with *seed* (exact betweenness is cubic in the topic count).
    """
    import networkx as nx
    import numpy as np

    if not 0.0 < core <= 1.0:
        raise UsageError(f"--core must be a share above 0 and at most 1, not {core:g}")
    if distinctive < 1:
        raise UsageError(f"--distinctive must be at least 1, not {distinctive}")
    if samples < 1:
        raise UsageError(f"--samples must be at least 1, not {samples}")
    recorded, left_out = data.split_recorded(programs)
    sets = topic_sets(data, recorded, rollup=rollup)
    inc = _Incidence.build(sets)
    n_programs = len(inc.programs)
    if not inc.topics:
        return Centrality([], n_programs, core, distinctive, None, rollup, left_out)
    # Per topic, the programs whose cell is known: complete ones, and the others where they
    # cover the topic directly or by a narrower topic.
    complete = sum(1 for p in inc.programs if data.complete.get(p, False))
    known_count: dict[str, int] = {}
    for p in inc.programs:
        if not data.complete.get(p, False):
            for t in data.covers.get(p, frozenset()) | data.reached(p):
                known_count[t] = known_count.get(t, 0) + 1
    # Topic co-occurrence counts: topics × topics, from one matrix product.
    co = inc.matrix.T @ inc.matrix
    counts = np.diagonal(co).astype(int).tolist()
    graph = nx.Graph()
    graph.add_nodes_from(range(len(inc.topics)))
    upper_r, upper_c = np.nonzero(np.triu(co, k=1))
    graph.add_edges_from(zip(upper_r.tolist(), upper_c.tolist()))
    sampled = samples if len(inc.topics) > samples else None
    between = nx.betweenness_centrality(graph, k=sampled, seed=seed if sampled else None, normalized=True)
    rows = []
    for i, topic in enumerate(inc.topics):
        known = complete + known_count.get(topic, 0)
        share = counts[i] / known if known else 0.0
        rows.append(TopicCentrality(
            topic, data.topics.get(topic, short_id(topic)), counts[i], share, graph.degree(i),
            round(between[i], 6), role_of(counts[i], share, core=core, distinctive=distinctive), known,
        ))
    rows.sort(key=lambda t: (-t.programs, -t.degree, short_id(t.topic)))
    return Centrality(rows, n_programs, core, distinctive, sampled, rollup, left_out)


# ---------------------------------------------------------------------------------------------
# Communities
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicContrast:
    """A topic that sets a community apart: share of members and of non-members covering it."""

    topic: str
    label: str
    inside: float
    outside: float


@dataclass(frozen=True)
class Community:
    """A group of similar programs and the topics that set it apart."""

    number: int
    programs: tuple[str, ...]
    topics: tuple[TopicContrast, ...]

    def to_json(self) -> dict[str, Any]:
        """Stable-keyed JSON."""
        return {
            "community": self.number,
            "size": len(self.programs),
            "programs": [short_id(p) for p in self.programs],
            "topics": [
                {"id": short_id(t.topic), "label": t.label, "inside": round(t.inside, 6),
                 "outside": round(t.outside, 6)}
                for t in self.topics
            ],
        }


@dataclass
class Communities(Result):
    """Louvain communities of the program similarity graph."""

    communities: list[Community]
    labels: dict[str, str] = field(default_factory=dict)
    seed: int = 42
    resolution: float = 1.0
    #: programs without a recorded curriculum: in no community (their similarity is unknown).
    left_out: list[str] = field(default_factory=list)

    def table(self, fmt: str = "table") -> Table:
        """One row per community: its programs and the topics that set it apart."""
        rows = []
        for c in self.communities:
            apart = [f"{t.label} ({t.inside:.0%} in, {t.outside:.0%} out)" for t in c.topics]
            rows.append([c.number, len(c.programs), [short_id(p) for p in c.programs], "; ".join(apart)])
        return Table(["community", "size", "programs", "sets it apart"], rows,
                     title=f"Communities of similar programs ({len(self.communities)})",
                     notes=[f"Louvain on the Jaccard similarity graph (seed {self.seed}, resolution "
                            f"{self.resolution:g}); 'in'/'out': share of members / of other programs "
                            "covering the topic.",
                            *([f"Over the programs with a recorded curriculum; {len(self.left_out)} without one "
                               "are in no community (their similarity is unknown): "
                               + ", ".join(short_id(p) for p in self.left_out) + "."] if self.left_out else [])])

    def to_json(self) -> list[dict[str, Any]]:
        """A list of community objects."""
        return [c.to_json() for c in self.communities]


def communities(
    data: CoverageData,
    programs: Sequence[str] | None = None,
    *,
    rollup: bool = False,
    min_jaccard: float = 0.0,
    top: int | None = None,
    resolution: float = 1.0,
    seed: int = 42,
    describe: int = 5,
    similar: Similarity | None = None,
) -> Communities:
    """Groups of similar programs: Louvain communities of the graph whose edges are the program
    pairs of :func:`similarity` weighted by Jaccard, with a fixed *seed* and nodes and edges
    added in ID order, so that the same data gives the same groups.

    Each community is described by up to *describe* topics covered by at least half of its
    members, ranked by how much more often members cover them than other programs do.
    """
    import networkx as nx
    import numpy as np

    if resolution <= 0:
        raise UsageError(f"--resolution must be above 0, not {resolution:g}")
    if describe < 0:
        raise UsageError(f"--describe must be 0 or more, not {describe}")
    if similar is None:
        similar = similarity(data, programs, rollup=rollup, min_jaccard=min_jaccard, top=top)
    graph = nx.Graph()
    graph.add_nodes_from(similar.programs)
    for pair in sorted(similar.pairs, key=lambda p: (short_id(p.a), short_id(p.b))):
        graph.add_edge(pair.a, pair.b, weight=pair.jaccard)
    found = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
    groups = [sorted(group, key=short_id) for group in found]
    groups.sort(key=lambda g: (-len(g), short_id(g[0])))
    # Topic shares inside and outside each community, from one matrix product.
    sets = topic_sets(data, similar.programs, rollup=similar.rollup)
    inc = _Incidence.build(sets)
    row = {p: i for i, p in enumerate(inc.programs)}
    total = inc.matrix.sum(axis=0, dtype=np.float64)
    result = []
    for number, group in enumerate(groups, start=1):
        members = inc.matrix[[row[p] for p in group]].sum(axis=0, dtype=np.float64)
        size, others = len(group), len(inc.programs) - len(group)
        contrasts = []
        for j, topic in enumerate(inc.topics):
            inside = members[j] / size
            outside = (total[j] - members[j]) / others if others else 0.0
            if inside >= 0.5 and inside > outside:
                contrasts.append(TopicContrast(topic, data.topics.get(topic, short_id(topic)),
                                               float(inside), float(outside)))
        contrasts.sort(key=lambda t: (-(t.inside - t.outside), -t.inside, short_id(t.topic)))
        result.append(Community(number, tuple(group), tuple(contrasts[:describe])))
    return Communities(result, dict(similar.labels), seed, resolution, list(similar.left_out))


def load(backend: Any) -> CoverageData:
    """The coverage data of *backend* (read once per backend)."""
    from .coverage import load_coverage_data

    return load_coverage_data(backend)
