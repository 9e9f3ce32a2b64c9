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

from collections.abc import Iterable, Iterator, Mapping
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

    def by_object(self) -> dict[ox.Literal, list[Key]]:
        """The stored literals that have written forms, each with its stored triples."""
        index = self.__dict__.get("_by_object")
        if index is None:
            index = {}
            for key in self.entries:
                index.setdefault(key[2], []).append(key)
            self.__dict__["_by_object"] = index
        return index

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



# --- results as written ------------------------------------------------------------------------
#
# A query answers with the store's forms. A literal in an answer is given back as written when
# the query shows where it comes from: a variable that is the object of triple patterns (not
# computed by BIND, an aggregate or VALUES; SAMPLE, MIN and MAX pass a term through) comes from
# the stored triples those patterns match, with the subject and predicate the row (or the
# query's constants and bound values) gives. When every such triple was written the same way,
# that is the literal's written form; when the literal is exactly one stored triple written in
# several forms ("02" and "2" for one subject and property), the row comes back once per form,
# as it would from the graph as written; otherwise (the same value written differently by
# triples the row cannot tell apart, or a computed value) the store's form is kept.

Spec = tuple[str, object] | None  # ("var", name) | ("term", rdflib term) | None: unknown


class _Sources:
    """Which triple patterns each variable of a query is the object of."""

    def __init__(self) -> None:
        self.patterns: dict[str, list[tuple[Spec, Spec]]] = {}
        self.aliases: dict[str, set[str]] = {}
        self.computed: set[str] = set()

    def of(self, var: str, seen: frozenset[str] = frozenset()) -> list[tuple[Spec, Spec]] | None:
        """The patterns *var*'s values come from; None when some of them are computed."""
        if var in self.computed or var in seen:
            return None if var in self.computed else []
        found = list(self.patterns.get(var, ()))
        for source in self.aliases.get(var, ()):
            if source == var:
                continue
            more = self.of(source, seen | {var})
            if more is None:
                return None
            found += more
        return found


_PASS_THROUGH = ("Aggregate_Sample", "Aggregate_Min", "Aggregate_Max")


def _spec(term: object) -> Spec:
    from rdflib import BNode, Literal, URIRef, Variable

    if isinstance(term, Variable):
        return ("var", str(term))
    if isinstance(term, (URIRef, Literal)) and not isinstance(term, BNode):
        return ("term", term)
    return None  # a blank node of the query (a variable of its own) or a property path


def _walk(node: object, sources: _Sources, in_graph: bool) -> None:
    from rdflib import Variable
    from rdflib.paths import Path
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        name = node.name
        if name == "BGP":
            for s, p, o in node.get("triples") or ():
                if isinstance(o, Variable):
                    if in_graph:
                        sources.computed.add(str(o))  # a named graph's: not recorded
                    else:
                        path = isinstance(p, Path)
                        sources.patterns.setdefault(str(o), []).append(
                            (None if path else _spec(s), None if path else _spec(p))
                        )
        elif name == "Extend":
            var, expr = str(node["var"]), node.get("expr")
            if isinstance(expr, Variable):
                sources.aliases.setdefault(var, set()).add(str(expr))
            else:
                sources.computed.add(var)
        elif name.startswith("Aggregate_"):
            res = node.get("res")
            if res is not None:
                inner = node.get("vars")
                if name in _PASS_THROUGH and isinstance(inner, Variable):
                    sources.aliases.setdefault(str(res), set()).add(str(inner))
                else:
                    sources.computed.add(str(res))
        elif name == "values":
            for row in node.get("res") or ():
                sources.computed.update(str(v) for v in row)
        for key, value in node.items():
            if key != "_vars":
                _walk(value, sources, in_graph or name == "Graph" and key == "p")
    elif isinstance(node, dict):
        for value in node.values():
            _walk(value, sources, in_graph)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _walk(value, sources, in_graph)


_SOURCES_CACHE: dict[str, _Sources | None] = {}


def query_sources(text: str) -> _Sources | None:
    """What the query *text* says about where its variables' values come from (None: a query
    rdflib cannot translate, whose literals are then left as the store gives them)."""
    if text in _SOURCES_CACHE:
        return _SOURCES_CACHE[text]
    try:
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery

        algebra = translateQuery(parseQuery(text)).algebra
        sources: _Sources | None = _Sources()
        _walk(algebra, sources, False)
    except Exception:  # noqa: BLE001 — a query rdflib cannot read: nothing is mapped
        sources = None
    if len(_SOURCES_CACHE) > 256:
        _SOURCES_CACHE.clear()
    _SOURCES_CACHE[text] = sources
    return sources


def written_rows(
    backend: object,
    query: str,
    variables: tuple[str, ...],
    rows: list[tuple[object, ...]],
    bindings: Mapping[str, object] | None = None,
) -> list[tuple[object, ...]]:
    """The SELECT *rows* (rdflib terms, as *backend* answered *query*) with their literals as
    written (see above); the same list when the backend rewrote nothing."""
    if not rows:
        return rows
    from .errors import EndpointError

    try:
        overlay = getattr(backend, "overlay", None)
    except EndpointError:  # a server that cannot say: its answer as it gave it
        return rows
    if not overlay:
        return rows
    from rdflib import Literal

    from .stores import from_rdflib, to_rdflib

    index = overlay.by_object()
    columns = [i for i, _ in enumerate(variables) if any(isinstance(r[i], Literal) for r in rows)]
    if not columns or not any(
        isinstance(r[i], Literal) and from_rdflib(r[i]) in index for r in rows for i in columns
    ):
        return rows
    sources = query_sources(query)
    if sources is None:
        return rows
    origins = {i: sources.of(variables[i]) for i in columns}
    position = {v: i for i, v in enumerate(variables)}
    memo: dict[tuple[object, object, object], list[tuple[object, object]]] = {}

    def resolve(spec: Spec, row: tuple[object, ...]) -> object:
        if spec is None:
            return None
        kind, value = spec
        if kind == "var":
            i = position.get(value)  # type: ignore[arg-type]
            value = row[i] if i is not None else (bindings or {}).get(value)  # type: ignore[arg-type]
            if value is None:
                return None
        term = from_rdflib(value)
        return None if type(term) is ox.BlankNode and getattr(backend, "kind", "") == "endpoint" else term

    def options(row: tuple[object, ...], i: int) -> list[object]:
        cell = row[i]
        patterns = origins.get(i)
        if not isinstance(cell, Literal) or not patterns:
            return [cell]
        stored = from_rdflib(cell)
        if stored not in index:
            return [cell]
        keys: set[tuple[object, object]] = set()
        for s_spec, p_spec in patterns:
            s, p = resolve(s_spec, row), resolve(p_spec, row)
            if (s, p, stored) not in memo:
                memo[(s, p, stored)] = backend.stored_keys(s, p, stored)  # type: ignore[attr-defined]
            keys.update(memo[(s, p, stored)])
        forms: list[ox.Literal] = []
        for s, p in sorted(keys, key=str):
            for form in overlay.objects(s, p, stored):
                if form not in forms:
                    forms.append(form)
        if len(forms) == 1 or (len(keys) == 1 and forms):
            return [to_rdflib(f) for f in forms]
        return [cell]

    out: list[tuple[object, ...]] = []
    for row in rows:
        choices = {i: options(row, i) for i in columns}
        if all(len(c) == 1 for c in choices.values()):
            cells = list(row)
            for i, c in choices.items():
                cells[i] = c[0]
            out.append(tuple(cells))
            continue
        import itertools

        order = list(choices)
        for combination in itertools.product(*(choices[i] for i in order)):
            cells = list(row)
            for i, value in zip(order, combination):
                cells[i] = value
            out.append(tuple(cells))
    return out


# --- well-formed lexical forms -------------------------------------------------------------------
#
# SHACL's sh:datatype asks for a literal that is well-formed for its datatype. rdflib (and so
# pySHACL) accepts some lexical forms that XSD does not: "2011-01-01"^^xsd:dateTime (no time),
# " 5"^^xsd:integer (spaces). The grammar of XSD 1.1 Part 2 decides, for the datatypes below;
# a literal rdflib reads although XSD does not is marked ill-typed (:func:`mark_ill_formed`),
# so that both validation engines flag it, with its value as written.

import re as _re

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RX_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_RX_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_RX_DATE = _RX_YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_RX_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_RX_DT = r"(([0-9]+H)([0-9]+M)?([0-9]+(\.[0-9]+)?S)?|([0-9]+M)([0-9]+(\.[0-9]+)?S)?|[0-9]+(\.[0-9]+)?S)"
_RX_YM = r"([0-9]+Y([0-9]+M)?|[0-9]+M)"
_RX_INTEGER = r"[+-]?[0-9]+"
_RX_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_RX_FLOAT = r"([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)"
LEXICAL_SPACE: dict[str, _re.Pattern[str]] = {
    _XSD + name: _re.compile(pattern)
    for name, pattern in {
        "boolean": r"true|false|1|0",
        "decimal": _RX_DECIMAL,
        "float": _RX_FLOAT,
        "double": _RX_FLOAT,
        "date": _RX_DATE + _RX_TZ,
        "time": _RX_TIME + _RX_TZ,
        "dateTime": _RX_DATE + "T" + _RX_TIME + _RX_TZ,
        "dateTimeStamp": _RX_DATE + "T" + _RX_TIME + r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))",
        "gYear": _RX_YEAR + _RX_TZ,
        "gYearMonth": _RX_YEAR + r"-(0[1-9]|1[0-2])" + _RX_TZ,
        "duration": r"-?P(" + _RX_YM + r"([0-9]+D)?(T" + _RX_DT + r")?|[0-9]+D(T" + _RX_DT + r")?|T" + _RX_DT + ")",
        "dayTimeDuration": r"-?P([0-9]+D(T" + _RX_DT + r")?|T" + _RX_DT + ")",
        "yearMonthDuration": r"-?P" + _RX_YM,
        **{
            name: _RX_INTEGER
            for name in (
                "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
                "unsignedByte",
            )
        },
    }.items()
}


def well_formed(lexical: str, datatype: str) -> bool | None:
    """Whether *lexical* is in the lexical space of the XSD *datatype* (None: a datatype this
    module has no grammar for)."""
    pattern = LEXICAL_SPACE.get(datatype)
    return None if pattern is None else pattern.fullmatch(lexical) is not None


def mark_ill_formed(literal: object) -> object:
    """*literal* (rdflib), marked ill-typed where rdflib reads a lexical form that XSD's
    grammar does not allow (see above); the same literal otherwise."""
    datatype = getattr(literal, "datatype", None)
    if datatype is not None and literal.ill_typed is False:  # type: ignore[attr-defined]
        pattern = LEXICAL_SPACE.get(str(datatype))
        if pattern is not None and pattern.fullmatch(str(literal)) is None:
            literal._ill_typed = True  # type: ignore[attr-defined]
    return literal
