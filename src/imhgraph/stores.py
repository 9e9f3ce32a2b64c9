"""Where the graph lives, behind one interface: :class:`Backend`.

* memory (default): an in-memory Oxigraph store filled from the bundled or ``--data`` files;
* ``--store DIR``: an on-disk Oxigraph store (see :mod:`imhgraph.disk`);
* ``--endpoint URL``: a SPARQL 1.1 endpoint (see :mod:`imhgraph.endpoint`).

Which of them the global options mean is decided in :mod:`imhgraph.backends`.

Every command talks SPARQL to a backend, so the same query gives the same answer on
each. Results come back as rdflib terms so the rest of the library is backend-blind.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .exact import Overlay, from_rdflib, quiet_rdflib, to_rdflib  # noqa: F401 — the conversions live with the written forms
from .namespaces import XSD_STRING, bind_all

quiet_rdflib()



@dataclass(frozen=True)
class SelectResult:
    """The answer to a SELECT: variable names and rows of rdflib terms (None where unbound)."""

    variables: tuple[str, ...]
    rows: list[tuple[Node | None, ...]]

    def dicts(self) -> Iterator[dict[str, Node | None]]:
        """The rows as dicts keyed by variable name."""
        for row in self.rows:
            yield dict(zip(self.variables, row))

    def column(self, name: str) -> list[Node | None]:
        """The values of one variable, in row order."""
        i = self.variables.index(name)
        return [row[i] for row in self.rows]


@dataclass
class Backend(ABC):
    """A place that answers SPARQL over the whole graph (vocabulary + data)."""

    #: "memory", "store" or "endpoint"; shown by ``stats``.
    kind: str = "memory"
    #: human-readable description of where the data came from (files, store folder, URL).
    origin: list[str] = field(default_factory=list)
    #: per-backend memo for lookups that do not change while it is open (labels, ID indexes).
    memo: dict[str, Any] = field(default_factory=dict)

    @abstractmethod
    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        """Run a SELECT; *bindings* pre-bind variables (by the engine, never by text pasting)."""

    @abstractmethod
    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        """Run an ASK."""

    @abstractmethod
    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE and return the triples as an rdflib Graph."""

    @abstractmethod
    def graph(self) -> Graph:
        """The whole graph as an rdflib Graph (for SHACL validation and export)."""

    def triple_count(self) -> int:
        """How many triples the graph holds."""
        from .sparql.named_queries import internal_query

        result = self.select(internal_query("triple-count"))
        value = result.rows[0][0] if result.rows else None
        return int(value) if value is not None else 0

    def close(self) -> None:
        """Release what the backend holds (files, connections)."""

    @property
    def overlay(self) -> Overlay:
        """The literals as written where the store keeps another form (:mod:`imhgraph.exact`)."""
        return Overlay()

    def stored_keys(self, subject: Any, predicate: Any, obj: Any) -> list[tuple[Any, Any]]:
        """``(subject, predicate)`` of the stored triples with object *obj* (Oxigraph terms;
        a subject or predicate of None matches any)."""
        bindings = {"o": to_rdflib(obj)}
        if subject is not None:
            bindings["s"] = to_rdflib(subject)
        if predicate is not None:
            bindings["p"] = to_rdflib(predicate)
        rows = self.select("SELECT ?s ?p WHERE { ?s ?p ?o }", bindings).rows
        return [(from_rdflib(s), from_rdflib(p)) for s, p in rows if s is not None and p is not None]

    def select_written(self, query: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        """:meth:`select` with the literals of the answer as written, where the answer shows
        which triples they come from (:func:`imhgraph.answers.written_rows`): for whatever is
        shown to people or written out (``query``, ``show``)."""
        from .answers import written_rows

        result = self.select(query, bindings)
        rows = written_rows(self, query, result.variables, result.rows, bindings)
        return result if rows is result.rows else SelectResult(result.variables, rows)


class OxigraphBackend(Backend):
    """An Oxigraph store, in memory or on disk; all SPARQL runs in Oxigraph."""

    def __init__(self, store: ox.Store, *, kind: str = "memory", origin: Sequence[str] = ()) -> None:
        super().__init__(kind=kind, origin=list(origin))
        self.store = store

    def _run(self, query: str, bindings: Mapping[str, Node] | None) -> Any:
        from .sparql.binding import with_values

        # A VALUES block, as on every backend: Oxigraph's own substitutions refuse
        # variables the query does not project, and the same text means the same everywhere.
        # The dataset is the default graph, whatever a query's FROM / FROM NAMED say, and GRAPH
        # clauses see nothing: the records of imhgraph.exact (and a store's marker) are no
        # graph of the data (every named graph of an input file is read into the default graph).
        return self.store.query(with_values(query, bindings), default_graph=ox.DefaultGraph(), named_graphs=[])

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        solutions = self._run(query, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        variables = tuple(v.value for v in solutions.variables)
        rows = [tuple(to_rdflib(term) for term in solution) for solution in solutions]
        return SelectResult(variables, rows)

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        answer = self._run(query, bindings)
        if not isinstance(answer, ox.QueryBoolean):
            raise TypeError("ask() needs an ASK query")
        return bool(answer)

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph:
        triples = self._run(query, bindings)
        if not isinstance(triples, ox.QueryTriples):
            raise TypeError("construct() needs a CONSTRUCT or DESCRIBE query")
        graph = bind_all(Graph())
        for t in triples:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return graph

    @property
    def overlay(self) -> Overlay:
        """The literals as written where the store rewrote them (:mod:`imhgraph.exact`)."""
        cached = self.memo.get("overlay")
        if cached is None:
            cached = self.memo["overlay"] = Overlay.of_store(self.store)
        return cached

    def stored_keys(self, subject: Any, predicate: Any, obj: Any) -> list[tuple[Any, Any]]:
        return [
            (q.subject, q.predicate)
            for q in self.store.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph())
        ]

    def exact_triples(self) -> Iterator[ox.Triple]:
        """The default graph's triples with every literal as written."""
        return self.overlay.triples(
            q.triple for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        )

    def graph(self) -> Graph:
        cached = self.memo.get("graph")
        if cached is None:
            cached = bind_all(Graph())
            cached.addN(
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), cached)
                for t in self.exact_triples()
            )
            self.memo["graph"] = cached
        return cached

    def triple_count(self) -> int:
        # COUNT runs in Rust over the default graph (len(store) would count the named graphs
        # too); a stored triple standing for several written ones counts as those.
        stored = Backend.triple_count(self)
        return stored + sum(len(v) - 1 for v in self.overlay.entries.values())

    def close(self) -> None:
        if self.kind == "store":
            self.store.flush()


def apply_overlay(graph: Graph, overlay: Overlay) -> Graph:
    """*graph* (rdflib, as a store gave it) with its literals as written (:mod:`imhgraph.exact`),
    changed in place."""
    if not overlay:
        return graph
    changes = []
    for s, p, o in graph:
        if isinstance(o, Literal):
            stored = from_rdflib(o)
            objects = overlay.objects(from_rdflib(s), from_rdflib(p), stored)
            if len(objects) != 1 or objects[0] != stored:
                changes.append(((s, p, o), [to_rdflib(w) for w in objects]))
    for triple, written in changes:
        graph.remove(triple)
        for w in written:
            graph.add((triple[0], triple[1], w))
    return graph


def memory_backend(data: Sequence[str | os.PathLike[str]] | None = None) -> OxigraphBackend:
    """An in-memory backend holding the vocabulary and *data* (the bundled data if None).

    :raises InputFileError, RdfSyntaxError, UnsafeInputError: bad input files.
    """
    from .load import load_files, vocabulary_and

    vocabulary, files = vocabulary_and(data)
    store = ox.Store()
    load_files(store, vocabulary + files)
    return OxigraphBackend(store, kind="memory", origin=[str(p) for p in files])


def backend_from_graph(graph: Graph) -> OxigraphBackend:
    """An in-memory backend holding exactly the triples of an rdflib *graph* (for tests and
    for library users who already have a Graph)."""
    from .exact import Loader

    store = ox.Store()
    loader = Loader(store)
    loader.add(ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), ox.DefaultGraph()) for s, p, o in graph)
    loader.finish()
    return OxigraphBackend(store, kind="memory", origin=["<rdflib graph>"])


def graph_from_files(paths: Sequence[Path]) -> Graph:
    """Parse *paths* (with the error handling of :mod:`imhgraph.load`) into one rdflib Graph."""
    from .load import load_files

    store = ox.Store()
    load_files(store, list(paths))
    return OxigraphBackend(store).graph()
