"""Running a named query: check, bind, run on a backend, and rows in a deterministic order."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError
from ..stores import Backend, SelectResult
from .named_queries import NamedQuery, find_query
from .readonly import Parsed, check
from .params import bind_values, fill_placeholders
from .text import with_prefixes


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query: rows (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE)."""

    query: NamedQuery
    form: str
    select: SelectResult | None = None
    boolean: bool | None = None
    graph: Graph | None = None


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def within(seconds: float | None, work: Callable[[], Any], what: str) -> Any:
    """The value of *work*, run in a worker thread while this thread waits for at most
    *seconds* (None: no limit) and stays responsive to Ctrl-C.

    Oxigraph runs a query without holding Python's lock, so this thread can give up on it:
    a query that would run on (a cartesian product grows memory by tens of MB a second) is
    abandoned to its daemon thread, which ends with the process.

    :raises QueryError: *work* did not finish within *seconds*."""
    if seconds is None:
        return work()
    box: dict[str, Any] = {}

    def worker() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 — handed to the waiting thread
            box["error"] = exc

    thread = threading.Thread(target=worker, name="imhgraph-query", daemon=True)
    thread.start()
    deadline = time.monotonic() + seconds
    while thread.is_alive():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QueryError(
                f"{what} did not finish within {seconds:g} s and was stopped",
                hint="Narrow the query (a pattern without shared variables multiplies every "
                "match by every other), or allow more time with --timeout SECONDS.",
            )
        thread.join(min(0.2, remaining))  # short waits: Ctrl-C is seen within a fraction of a second
    if "error" in box:
        raise box["error"]
    return box.get("value")


def run(
    backend: Backend,
    query: NamedQuery,
    params: Mapping[str, str | Sequence[str]] | None = None,
    *,
    timeout: float | None = None,
) -> QueryResult:
    """Check *query* (read-only, syntax), bind *params* and run it on *backend*.

    SELECT rows come back in a deterministic order: the query's ORDER BY, ties broken by
    the whole row; without ORDER BY, sorted by the whole row.

    :param params: parameter name → value(s) as users type them (IDs, IRIs, literals).
    :param timeout: seconds a local query may run (an endpoint has its own HTTP deadline).
    :raises QueryError: syntax error, UPDATE, SERVICE on local data, bad parameters, too slow.
    :raises UnknownIdError: a parameter naming no resource of its kind.
    """
    parsed = check(query, allow_service=backend.kind == "endpoint")
    terms = bind_values(backend, query, params or {})
    text, engine = fill_placeholders(query.text, terms)
    text = with_prefixes(text)
    bindings = engine or None
    limit = timeout if backend.kind != "endpoint" else None
    try:
        if parsed.form == "SELECT":
            # literals as written where the answer shows their triples (imhgraph.exact)
            result = within(limit, lambda: backend.select_written(text, bindings), query.where)
            rows = sort_rows(result.variables, result.rows, parsed)
            return QueryResult(query, "SELECT", select=SelectResult(result.variables, rows))
        if parsed.form == "ASK":
            return QueryResult(query, "ASK", boolean=within(limit, lambda: backend.ask(text, bindings), query.where))
        graph = within(limit, lambda: backend.construct(text, bindings), query.where)
        # a triple of the answer that is a stored triple comes back as written (imhgraph.exact)
        return QueryResult(query, parsed.form, graph=_as_written(backend, graph))
    except SyntaxError as exc:
        # The engine's grammar is stricter than rdflib's in places; report its words.
        raise QueryError(f"{query.where}: SPARQL syntax error: {exc}", hint="Fix the query.") from None


def _as_written(backend: Backend, graph: Graph) -> Graph:
    from ..errors import EndpointError
    from ..stores import apply_overlay

    try:
        overlay = backend.overlay
    except EndpointError:  # a server that cannot say: its answer as it gave it
        return graph
    return apply_overlay(graph, overlay)


def run_named(
    backend: Backend, name: str, params: Mapping[str, str | Sequence[str]] | None = None
) -> QueryResult:
    """Run the catalogue query *name* (see :func:`run`)."""
    return run(backend, find_query(name), params)


def term_key(term: Node | None) -> tuple[Any, ...]:
    """A sort key following SPARQL's ORDER BY: unbound < blank < IRI < literal; numbers by value."""
    if term is None:
        return (0,)
    if isinstance(term, BNode):
        return (1, str(term))
    if isinstance(term, URIRef):
        return (2, str(term))
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            number = Decimal(str(value))
            if number.is_nan():  # NaN compares with nothing: after every number, by text
                return (3, 0, Decimal("Infinity"), "\uffff" + str(term))
            return (3, 0, number, str(term))
        return (3, 1, str(term), str(term.datatype or ""), str(term.language or ""))
    return (4, str(term))


def sort_rows(
    variables: Sequence[str], rows: Sequence[tuple[Node | None, ...]], parsed: Parsed
) -> list[tuple[Node | None, ...]]:
    """*rows* in a deterministic order: the query's ORDER BY (when it orders by variables that
    are in the result), ties broken by the whole row; without ORDER BY by the whole row."""
    if parsed.has_order and (
        parsed.order is None or any(v not in variables for v, _ in parsed.order)
    ):
        return list(rows)  # ORDER BY an expression or hidden variable: the engine's order
    ordered = sorted(rows, key=lambda row: tuple(term_key(t) for t in row))
    for name, descending in reversed(parsed.order or ()):
        i = list(variables).index(name)
        ordered.sort(key=lambda row: term_key(row[i]), reverse=descending)
    return ordered
