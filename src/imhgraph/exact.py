"""Exact terms: every literal comes out as it was written, although Oxigraph rewrites some.

Oxigraph stores the *value* of a literal of the XSD types it knows, and gives back its canonical
form: ``"02"^^xsd:integer`` comes back as ``"2"``, ``"4.0"^^xsd:decimal`` as ``"4"``, ``"5"^^xsd:int``
as ``"5"^^xsd:integer``, ``"1"^^xsd:boolean`` as ``"true"``, a language tag ``en-US`` as ``en-us``;
two triples that differ only there become one. That is what makes its queries fast, and what
every query that compares values wants, so the default graph keeps Oxigraph's forms.

What was written is kept beside it, in the store itself: when a file is loaded, every literal the
store would rewrite (found by letting a scratch store canonicalise each distinct typed literal
once) is recorded in the named graph :data:`EXACT_GRAPH` as ``(subject, predicate, written)``,
the written literal encoded so that Oxigraph keeps it (its lexical form as a literal of the
datatype ``urn:imhgraph:exact:`` + the percent-encoded datatype, or ``urn:imhgraph:exact-lang:``
+ the tag). Where a stored triple ``(s, p, canonical)`` has such records, the records *are*
that triple's exact forms (one or several: ``"02"`` and ``"2"`` written for the same subject
and property are one stored triple and two records). Queries never see the named graph; the
:class:`Overlay` read from it turns stored triples back into the written ones for whatever
must show terms as written: exports, the rdflib graph given to pySHACL, reports and ``query``.

Data that Oxigraph stores as written (the common case: strings, IRIs, canonical numbers and
dates) has no records, and costs nothing but the check at load time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import quote, unquote

import pyoxigraph as ox

from .namespaces import XSD_STRING

#: the named graph holding the written forms of the literals Oxigraph rewrote.
EXACT_GRAPH = ox.NamedNode("https://w3id.org/imhgraph/store#exact")
_DT = "urn:imhgraph:exact:"
_LANG = "urn:imhgraph:exact-lang:"
_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SCRATCH_P = ox.NamedNode("urn:imhgraph:scratch:p")

Key = tuple[object, object, object]


def may_be_rewritten(literal: ox.Literal) -> bool:
    """Whether Oxigraph might store *literal* differently from how it is written."""
    language = literal.language
    if language:
        return language != language.lower()
    return literal.datatype.value != XSD_STRING


def stored_forms(literals: list[ox.Literal]) -> list[ox.Literal]:
    """What Oxigraph stores for each of *literals* (in the same order)."""
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:imhgraph:scratch:{i}"), _SCRATCH_P, literal) for i, literal in enumerate(literals)
    )
    result: list[ox.Literal] = list(literals)
    for quad in scratch.quads_for_pattern(None, _SCRATCH_P, None, ox.DefaultGraph()):
        result[int(quad.subject.value.rsplit(":", 1)[1])] = quad.object
    return result


def encode(literal: ox.Literal) -> ox.Literal:
    """*literal* in a form Oxigraph stores as it is (for :data:`EXACT_GRAPH`)."""
    if literal.language:
        return ox.Literal(literal.value, datatype=ox.NamedNode(_LANG + quote(literal.language, safe="")))
    return ox.Literal(literal.value, datatype=ox.NamedNode(_DT + quote(literal.datatype.value, safe="")))


def decode(literal: ox.Literal) -> ox.Literal | None:
    """The written literal that :func:`encode` gave *literal*; None if it is not one."""
    datatype = literal.datatype.value
    if datatype.startswith(_LANG):
        return ox.Literal(literal.value, language=unquote(datatype[len(_LANG):]))
    if datatype.startswith(_DT):
        return ox.Literal(literal.value, datatype=ox.NamedNode(unquote(datatype[len(_DT):])))
    return None


class Loader:
    """Adds parsed quads to a store and records, for its default graph, the literals the store
    rewrote. Call :meth:`finish` once after the last :meth:`add` (the records are made over
    everything added, so ``"2"`` in one file and ``"02"`` in another are both kept)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._typed: list[ox.Quad] = []

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add *quads* to the store (watching the literals that may be rewritten)."""
        typed = self._typed
        default = ox.DefaultGraph()

        def watched() -> Iterator[ox.Quad]:
            for quad in quads:
                obj = quad.object
                if type(obj) is ox.Literal and quad.graph_name == default and may_be_rewritten(obj):
                    typed.append(quad)
                yield quad

        self.store.extend(watched())

    def finish(self) -> int:
        """Record the rewritten literals in :data:`EXACT_GRAPH`; how many records were made."""
        typed, self._typed = self._typed, []
        if not typed:
            return 0
        distinct = list({q.object for q in typed})
        canonical = dict(zip(distinct, stored_forms(distinct)))
        rewritten = {
            (q.subject, q.predicate, canonical[q.object]) for q in typed if canonical[q.object] != q.object
        }
        if not rewritten:
            return 0
        records = {
            ox.Quad(q.subject, q.predicate, encode(q.object), EXACT_GRAPH)
            for q in typed
            if (q.subject, q.predicate, canonical[q.object]) in rewritten
        }
        self.store.extend(records)
        return len(records)


class Overlay:
    """The written forms of the literals a store rewrote: stored triple → exact objects."""

    def __init__(self, entries: dict[Key, tuple[ox.Literal, ...]] | None = None) -> None:
        self.entries: dict[Key, tuple[ox.Literal, ...]] = entries or {}
        self.predicates = {key[1] for key in self.entries}

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __len__(self) -> int:
        return sum(len(v) for v in self.entries.values())

    @classmethod
    def from_records(cls, records: Iterable[tuple[object, object, ox.Literal]]) -> Overlay:
        """The overlay of ``(subject, predicate, encoded literal)`` records."""
        written = [(s, p, decode(o)) for s, p, o in records]
        written = [(s, p, o) for s, p, o in written if o is not None]
        if not written:
            return cls()
        distinct = list({o for _, _, o in written})
        canonical = dict(zip(distinct, stored_forms(distinct)))
        entries: dict[Key, set[ox.Literal]] = {}
        for s, p, o in written:
            entries.setdefault((s, p, canonical[o]), set()).add(o)
        return cls({key: tuple(sorted(v, key=str)) for key, v in entries.items()})

    @classmethod
    def of_store(cls, store: ox.Store) -> Overlay:
        """The overlay recorded in *store*."""
        return cls.from_records(
            (q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, EXACT_GRAPH)
        )

    def objects(self, subject: object, predicate: object, obj: object) -> tuple[object, ...]:
        """The written objects of the stored triple (``(obj,)`` when nothing was rewritten)."""
        if type(obj) is ox.Literal and predicate in self.predicates:
            found = self.entries.get((subject, predicate, obj))
            if found:
                return found
        return (obj,)

    def triples(self, triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        """*triples* (as stored) with every literal as written."""
        if not self.entries:
            yield from triples
            return
        for t in triples:
            objects = self.objects(t.subject, t.predicate, t.object)
            if len(objects) == 1 and objects[0] is t.object:
                yield t
            else:
                for o in objects:
                    yield ox.Triple(t.subject, t.predicate, o)

    def records(self) -> Iterator[ox.Quad]:
        """The records of this overlay, as quads of :data:`EXACT_GRAPH` (to copy a store)."""
        for (s, p, _), objects in self.entries.items():
            for o in objects:
                yield ox.Quad(s, p, encode(o), EXACT_GRAPH)


def quiet_rdflib() -> None:
    """Keep rdflib from printing on stderr about literals that are not well-formed (a logged
    traceback for ``"abc"^^xsd:integer``, a warning for ``"none"^^xsd:boolean``): such a literal
    is data like any other, reported by ``validate`` as a violation with its value as written."""
    import logging
    import warnings

    class _IllTyped(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return not str(record.msg).startswith("Failed to convert Literal lexical form")

    logger = logging.getLogger("rdflib.term")
    if not any(isinstance(f, _IllTyped) or type(f).__name__ == "_IllTyped" for f in logger.filters):
        logger.addFilter(_IllTyped())
    warnings.filterwarnings("ignore", message="Parsing weird boolean", category=UserWarning)
    warnings.filterwarnings("ignore", message="Serializing weird numerical")


def records_graph_for(graph: str | None) -> str:
    """The named graph an endpoint keeps the records in, for data pushed to *graph* (None:
    the default graph)."""
    if graph is None:
        return EXACT_GRAPH.value
    return EXACT_GRAPH.value + "?graph=" + quote(graph, safe="")

