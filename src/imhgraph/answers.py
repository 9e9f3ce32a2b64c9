"""Answers as written: the literals of a query's answer given back as they were written.

A query answers with the store's forms (:mod:`imhgraph.exact`). A literal in an answer is given
back as written when the query shows where it comes from: a variable that is the object of
triple patterns (not computed by BIND, an aggregate or VALUES; SAMPLE, MIN and MAX pass a term
through) comes from the stored triples those patterns match, with the subject and predicate the
row (or the query's constants and bound values) gives. When every such triple was written the
same way, that is the literal's written form; when the literal is exactly one stored triple
written in several forms ("02" and "2" for one subject and property), the row comes back once
per form, as it would from the graph as written; otherwise (the same value written differently
by triples the row cannot tell apart, or a computed value) the store's form is kept.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef, Variable

from .exact import from_rdflib, to_rdflib

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
    if isinstance(term, Variable):
        return ("var", str(term))
    if isinstance(term, (URIRef, Literal)) and not isinstance(term, BNode):
        return ("term", term)
    return None  # a blank node of the query (a variable of its own) or a property path


def _walk(node: object, sources: _Sources, in_graph: bool) -> None:
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
    written (see the module's docstring); the same list when the backend rewrote nothing."""
    if not rows:
        return rows
    from .errors import EndpointError

    try:
        overlay = getattr(backend, "overlay", None)
    except EndpointError:  # a server that cannot say: its answer as it gave it
        return rows
    if not overlay:
        return rows
    index = overlay.by_object()
    texts = {literal.value for literal in index}  # a cheap first test, on the text alone
    columns = [i for i, _ in enumerate(variables) if any(type(r[i]) is Literal for r in rows)]
    if not columns or not any(
        type(r[i]) is Literal and str(r[i]) in texts and from_rdflib(r[i]) in index for r in rows for i in columns
    ):
        return rows
    sources = query_sources(query)
    if sources is None:
        return rows
    origins = {i: sources.of(variables[i]) for i in columns}
    position = {v: i for i, v in enumerate(variables)}
    chosen: dict[tuple[object, ...], list[object] | None] = {}
    converted: dict[ox.Literal, object] = {}  # rdflib reads some lexical forms slowly

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
        if not patterns:
            return [cell]
        stored = from_rdflib(cell)
        if stored not in index:
            return [cell]
        where = tuple((resolve(s_spec, row), resolve(p_spec, row)) for s_spec, p_spec in patterns)
        decided = chosen.get((where, stored))
        if decided is None:
            decided = chosen[(where, stored)] = choose(where, stored)
        return decided or [cell]

    def choose(where: tuple[tuple[object, object], ...], stored: ox.Literal) -> list[object] | None:
        """The written forms of *stored* coming from the triples *where* allows (None: keep it)."""
        keys: set[tuple[object, object]] = set()
        for s, p in where:
            if s is not None and p is not None:
                # the row matched this triple (or, in MINUS or NOT EXISTS, a triple that is not
                # there: it has no records, and only adds the stored form as a choice)
                keys.add((s, p))
                continue
            try:
                keys.update(backend.stored_keys(s, p, stored))  # type: ignore[attr-defined]
            except (TypeError, ValueError):  # a literal as subject: no triple
                pass
        forms: list[ox.Literal] = []
        for s, p in sorted(keys, key=str):
            for form in overlay.objects(s, p, stored):
                if form not in forms:
                    forms.append(form)
        if len(forms) == 1 or (len(keys) == 1 and forms):
            return [converted[f] if f in converted else converted.setdefault(f, to_rdflib(f)) for f in forms]
        return None

    out: list[tuple[object, ...]] = []
    for row in rows:
        choices: dict[int, list[object]] = {}
        for i in columns:
            cell = row[i]
            if type(cell) is Literal and str(cell) in texts:  # the few that may have records
                choice = options(row, i)
                if len(choice) != 1 or choice[0] is not cell:
                    choices[i] = choice
        if not choices:
            out.append(row)
            continue
        order = list(choices)
        for combination in itertools.product(*(choices[i] for i in order)):
            cells = list(row)
            for i, value in zip(order, combination):
                cells[i] = value
            out.append(tuple(cells))
    return out
