"""Curricula coverage: which program teaches which topic, compared across programs and
against what credentials require.

The data is fetched once, set-based, by :func:`load_coverage_data` (five SELECTs, whatever
the number of programs) into a frozen :class:`CoverageData`; every cell is then computed in
Python. A cell (SPEC §3) is one of:

``direct``
    the program covers the topic (``imh:covers``), itself or through one of its courses
    (``imh:hasCourse``; the fragment ``imhq:covers`` of ``queries/fragments/covers.rq``);
``narrower``
    it does not, but it covers a topic whose ``skos:broader`` chain reaches this one, at any
    depth (a topic may have several broader topics; cycles are tolerated);
``no``
    neither, and the program declares its coverage complete (``imh:coverageComplete true``);
``unknown``
    neither, and the program's coverage is not declared complete (false, absent, or
    contradictory): the data does not say, so neither do we.

Which resources count:

* programs: instances of ``imh:TrainingProgram`` or of a subclass, with an IRI;
* topics: instances of ``imh:Topic`` or of a subclass, in any concept scheme (the bundled
  scheme ``topic:scheme`` and, say, a fixture's own), plus any resource that a program
  covers or a credential requires without being typed as a topic (SHACL reports those; we
  still show them rather than silently drop what the data says);
* the hierarchy: ``skos:broader`` edges between topics, also where only the inverse
  ``skos:narrower`` is stated.

IRIs are plain ``str`` throughout this module (not rdflib ``URIRef``, which never compares
equal to a ``str``); the public functions accept either.

Output order is deterministic: programs by short ID; topics in the pre-order of the
hierarchy (roots, then each topic's narrower topics, siblings by short ID, each topic
once, at its first place), so that a subtree's columns sit side by side.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError
from ..ids import best_label
from ..sparql.named_queries import internal_query
from ..namespaces import short_id
from ..stores import Backend
from ..values import is_true

#: The four cell values, in the order reports list them.
CELL_VALUES: tuple[str, ...] = ("direct", "narrower", "no", "unknown")

#: One symbol per cell value for the text and Markdown matrices.
SYMBOLS: dict[str, str] = {"direct": "●", "narrower": "◐", "no": "✗", "unknown": "?"}

#: What each value means, in the words of the legend.
MEANINGS: dict[str, str] = {
    "direct": "the program covers the topic",
    "narrower": "it covers only narrower topics (at any depth)",
    "no": "not covered (the program declares its coverage complete)",
    "unknown": "not covered as far as the data says (coverage not declared complete)",
}

#: The empty set, shared (a program covering nothing, a topic with no broader topic).
EMPTY: frozenset[str] = frozenset()


# ---------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageData:
    """Everything coverage needs, fetched once from a backend (see :func:`load_coverage_data`).

    All keys and members are IRIs as ``str``. Derived facts (ancestors, subtrees, the topic
    order) are computed on first use and memoised in private fields.
    """

    #: program IRI → label, sorted by short ID.
    programs: dict[str, str]
    #: topic IRI → label, in hierarchy pre-order (see :meth:`topic_order`).
    topics: dict[str, str]
    #: program IRI → the topics it covers directly (programs covering nothing are absent).
    covers: dict[str, frozenset[str]]
    #: program IRI → True when its coverage is declared complete (every program is present).
    complete: dict[str, bool]
    #: topic IRI → its direct broader topics (topics without any are absent).
    broader: dict[str, frozenset[str]]
    #: topic IRI → level in the hierarchy: 1 for top topics, else 1 + the smallest depth of
    #: its broader topics (shortest path to a top topic).
    depth: dict[str, int]
    #: credential IRI → the topics it requires (every credential is present, maybe empty).
    required: dict[str, frozenset[str]]
    #: credential IRI → label, sorted by short ID.
    credentials: dict[str, str] = field(default_factory=dict)
    #: topic IRI → the topics ``skos:related`` to it (both directions; topics without any are absent).
    related: dict[str, frozenset[str]] = field(default_factory=dict)
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    _reached: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def ancestors(self, topic: str) -> frozenset[str]:
        """Every topic reached from *topic* by one or more ``skos:broader`` steps.

        A breadth-first walk with a visited set, so cycles end; *topic* itself is included
        only when it lies on a cycle.
        """
        topic = str(topic)
        found = self._ancestors.get(topic)
        if found is None:
            seen: set[str] = set()
            queue = deque(self.broader.get(topic, EMPTY))
            while queue:
                node = queue.popleft()
                if node not in seen:
                    seen.add(node)
                    queue.extend(self.broader.get(node, EMPTY))
            found = self._ancestors[topic] = frozenset(seen)
        return found

    def recorded(self, program: str) -> bool:
        """True when *program*'s curriculum is recorded: it has at least one coverage claim
        (directly or through a course) or declares its coverage complete. Programs without a
        recorded curriculum have every cell unknown; analyses leave them out and say so."""
        program = str(program)
        return bool(self.covers.get(program)) or self.complete.get(program, False)

    def split_recorded(self, programs: Iterable[str] | None = None) -> tuple[list[str], list[str]]:
        """(programs with a recorded curriculum, programs without), among *programs* (all if
        None), each in short-ID order."""
        chosen = sorted((str(p) for p in (programs if programs is not None else self.programs)), key=short_id)
        return [p for p in chosen if self.recorded(p)], [p for p in chosen if not self.recorded(p)]

    def reached(self, program: str) -> frozenset[str]:
        """The topics *program* reaches through narrower topics: the union of the ancestors
        of the topics it covers (it may contain covered topics too)."""
        program = str(program)
        found = self._reached.get(program)
        if found is None:
            covered = self.covers.get(program, EMPTY)
            memo = self._ancestors
            for topic in covered:
                if topic not in memo:
                    self.ancestors(topic)
            # map() over the memo keeps the union at C speed (this runs once per program).
            found = frozenset().union(*map(memo.__getitem__, covered)) if covered else EMPTY
            self._reached[program] = found
        return found

    def children(self) -> dict[str, list[str]]:
        """Topic → its direct narrower topics, sorted by short ID."""
        if "children" not in self._derived:
            kids: dict[str, list[str]] = {}
            for topic, parents in self.broader.items():
                for parent in parents:
                    kids.setdefault(parent, []).append(topic)
            for topic in kids:
                kids[topic].sort(key=short_id)
            self._derived["children"] = kids
        return self._derived["children"]

    def subtree(self, topic: str) -> frozenset[str]:
        """*topic* and every topic below it (narrower, at any depth)."""
        topic = str(topic)
        kids = self.children()
        seen = {topic}
        queue = deque([topic])
        while queue:
            for child in kids.get(queue.popleft(), ()):
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
        return frozenset(seen)

    def topic_order(self, subset: Iterable[str] | None = None) -> list[tuple[str, int]]:
        """Every topic (or every topic of *subset*) once, in hierarchy pre-order, with its
        indentation level there.

        Roots (topics with no broader topic in the set) by short ID, each followed by its
        narrower topics in the set; a topic with several broader topics appears under the
        first one reached. Topics only on cycles are placed from the smallest short ID among
        them. The order of the whole set is memoised.
        """
        if subset is None and "order" in self._derived:
            return self._derived["order"]
        members = set(self.topics) if subset is None else {str(t) for t in subset}
        kids = self.children()
        placed: set[str] = set()
        order: list[tuple[str, int]] = []

        def visit(root: str) -> None:
            stack = [(root, 0)]
            while stack:
                topic, level = stack.pop()
                if topic in placed:
                    continue
                placed.add(topic)
                order.append((topic, level))
                for child in reversed(kids.get(topic, ())):
                    if child in members and child not in placed:
                        stack.append((child, level + 1))

        by_id = sorted(members, key=short_id)
        for topic in by_id:
            if not (self.broader.get(topic, EMPTY) & members):
                visit(topic)
        for topic in by_id:  # what is left hangs on a cycle
            if topic not in placed:
                visit(topic)
        if subset is None:
            self._derived["order"] = order
        return order


def load_coverage_data(backend: Backend) -> CoverageData:
    """Fetch programs, topics, the hierarchy, covers and credential requirements from
    *backend* with six SELECTs (``queries/internal/coverage-*.rq``), memoised per backend.

    Only :class:`~imhgraph.stores.Backend` methods are used, so this works the same on the
    in-memory store, the on-disk store and a remote SPARQL endpoint.
    """
    cached = backend.memo.get("coverage-data")
    if isinstance(cached, CoverageData):
        return cached

    # Programs: names and the completeness flag.
    program_labels: dict[str, list[Any]] = {}
    flags: dict[str, list[bool]] = {}
    for program, label, complete in backend.select(internal_query("coverage-programs")).rows:
        key = str(program)
        names = program_labels.setdefault(key, [])
        if label is not None and label not in names:
            names.append(label)
        if complete is not None:
            flags.setdefault(key, []).append(is_true(complete))
    programs = {p: best_label(p, other=program_labels[p]) for p in sorted(program_labels, key=short_id)}
    # Conflicting flags (true and false) cannot close the world: only all-true is complete.
    complete = {p: bool(flags.get(p)) and all(flags[p]) for p in programs}

    # Topics: typed topics first, with skos:prefLabel preferred over rdfs:label.
    prefs: dict[str, list[Any]] = {}
    names_: dict[str, list[Any]] = {}
    for topic, pref, name in backend.select(internal_query("coverage-topics")).rows:
        key = str(topic)
        prefs.setdefault(key, [])
        names_.setdefault(key, [])
        if pref is not None and pref not in prefs[key]:
            prefs[key].append(pref)
        if name is not None and name not in names_[key]:
            names_[key].append(name)
    topic_labels = {t: best_label(t, prefs[t], names_[t]) for t in prefs}

    # Covers, one row per program; topic strings are shared (canonical) to save memory.
    canonical: dict[str, str] = {t: t for t in topic_labels}
    covers: dict[str, frozenset[str]] = {}
    for program, joined in backend.select(internal_query("coverage-covers")).rows:
        key = str(program)
        if key not in programs or joined is None:
            continue
        covered = []
        for iri in str(joined).split():
            covered.append(canonical.setdefault(iri, iri))
        covers[key] = frozenset(covered)

    # Credentials and the topics they require.
    credential_labels: dict[str, list[Any]] = {}
    required_sets: dict[str, set[str]] = {}
    for credential, label, topic in backend.select(internal_query("coverage-credentials")).rows:
        key = str(credential)
        names = credential_labels.setdefault(key, [])
        if label is not None and label not in names:
            names.append(label)
        required_sets.setdefault(key, set())
        if topic is not None:
            required_sets[key].add(canonical.setdefault(str(topic), str(topic)))
    credentials = {c: best_label(c, other=credential_labels[c]) for c in sorted(credential_labels, key=short_id)}
    required = {c: frozenset(required_sets[c]) for c in credentials}

    # What is covered or required without being a typed topic still gets a column.
    for iri in canonical:
        if iri not in topic_labels:
            topic_labels[iri] = short_id(iri)

    edges: dict[str, set[str]] = {}
    for topic, parent in backend.select(internal_query("coverage-broader")).rows:
        child, up = str(topic), str(parent)
        if child in topic_labels and up in topic_labels and child != up:
            edges.setdefault(child, set()).add(up)
    broader = {t: frozenset(ups) for t, ups in edges.items()}

    related: dict[str, set[str]] = {}
    for topic, other in backend.select(internal_query("coverage-related")).rows:
        one, two = str(topic), str(other)
        if one in topic_labels and two in topic_labels and one != two:
            related.setdefault(one, set()).add(two)
            related.setdefault(two, set()).add(one)

    data = CoverageData(
        programs=programs,
        topics=topic_labels,
        covers=covers,
        complete=complete,
        broader=broader,
        depth=_depths(topic_labels, broader),
        required=required,
        credentials=credentials,
        related={t: frozenset(others) for t, others in related.items()},
    )
    # Put the topics in hierarchy order (the dict order is what callers iterate).
    ordered = {t: topic_labels[t] for t, _ in data.topic_order()}
    topic_labels.clear()
    topic_labels.update(ordered)
    backend.memo["coverage-data"] = data
    return data


def _depths(topics: dict[str, str], broader: dict[str, frozenset[str]]) -> dict[str, int]:
    """Shortest distance to a top topic, plus one (top topics: 1). Topics that only hang on a
    cycle start a new level 1 at the smallest short ID among them."""
    kids: dict[str, list[str]] = {}
    for topic, parents in broader.items():
        for parent in parents:
            kids.setdefault(parent, []).append(topic)
    depth: dict[str, int] = {}

    def spread(starts: list[str]) -> None:
        queue = deque(starts)
        for start in starts:
            depth[start] = 1
        while queue:
            topic = queue.popleft()
            for child in kids.get(topic, ()):
                if child not in depth:
                    depth[child] = depth[topic] + 1
                    queue.append(child)

    spread(sorted((t for t in topics if not broader.get(t)), key=short_id))
    for topic in sorted(topics, key=short_id):
        if topic not in depth:
            spread([topic])
    return depth


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------


def curricula_note(data: CoverageData) -> str:
    """One sentence: how many programs' curricula are unknown in whole or in part."""
    recorded, missing = data.split_recorded()
    partial = sum(1 for p in recorded if not data.complete.get(p, False))
    total = len(recorded) + len(missing)
    return (
        f"{len(missing)} of {total} programs have no recorded curriculum and {partial} more list theirs "
        "only in part (coverage not declared complete): what they teach is unknown, not absent."
    )


def cell(data: CoverageData, program: str, topic: str) -> str:
    """The coverage cell of *program* for *topic*: ``direct``, ``narrower``, ``no`` or
    ``unknown`` (see the module docstring)."""
    program, topic = str(program), str(topic)
    if topic in data.covers.get(program, EMPTY):
        return "direct"
    if topic in data.reached(program):
        return "narrower"
    return "no" if data.complete.get(program, False) else "unknown"


def count_cells(data: CoverageData, program: str, topics: frozenset[str] | set[str]) -> dict[str, int]:
    """How many of *topics* are direct / narrower / no / unknown for *program*, by set
    arithmetic (no per-cell work)."""
    program = str(program)
    covered = data.covers.get(program, EMPTY)
    direct = len(covered & topics) if len(covered) < len(topics) else len(topics & covered)
    narrower = len((data.reached(program) - covered) & topics)
    rest = len(topics) - direct - narrower
    complete = data.complete.get(program, False)
    return {"direct": direct, "narrower": narrower, "no": rest if complete else 0, "unknown": 0 if complete else rest}


def select_topics(
    data: CoverageData,
    *,
    topics: Iterable[str] | None = None,
    under: Iterable[str] = (),
    depth: int | None = None,
) -> list[str]:
    """The topics that pass every filter given, in hierarchy order.

    :param topics: only these topics.
    :param under: only topics in the subtree of one of these (each topic included).
    :param depth: only the top *depth* levels (1 = top topics).
    :raises UsageError: *depth* below 1.
    """
    keep: set[str] | None = None
    if topics is not None:
        keep = {str(t) for t in topics}
    under = [str(t) for t in under]
    if under:
        sub: set[str] = set()
        for root in under:
            sub |= data.subtree(root)
        keep = sub if keep is None else keep & sub
    if depth is not None:
        if depth < 1:
            raise UsageError(f"--depth must be 1 or more, not {depth}", hint="--depth 1 shows the top topics only.")
        top = {t for t, d in data.depth.items() if d <= depth}
        keep = top if keep is None else keep & top
    return [t for t in data.topics if keep is None or t in keep]
