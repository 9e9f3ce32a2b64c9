"""Binding query parameters as SPARQL text: a ``VALUES`` block of safely serialised terms.

Every backend binds the same way, so a parameterised query means the same on memory, on
disk and on an endpoint. Oxigraph's own substitutions are not used: they refuse variables
the query does not project. Terms are written by rdflib's ``n3()`` after their IRIs are
checked against the IRIREF grammar, so no value typed by a user can change a query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError
from ..namespaces import XSD_STRING
from .text import code_only

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_VARNAME = re.compile(r"^\w+$")
_FORM = re.compile(r"(?<![?$:\w])(SELECT|CONSTRUCT|DESCRIBE|ASK)(?![\w:])", re.IGNORECASE)


def _matching(masked: str, open_at: int) -> int:
    """The index of the brace closing the one at *open_at* (or -1)."""
    depth = 0
    for k in range(open_at, len(masked)):
        if masked[k] == "{":
            depth += 1
        elif masked[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return -1


def _where_brace(masked: str) -> int:
    """The index of the ``{`` opening the outermost WHERE group, or -1 where there is none
    (``DESCRIBE <iri>``, or the ``CONSTRUCT WHERE {…}`` short form whose group is also the template)."""
    form = _FORM.search(masked)
    if form is None:
        return -1
    start = form.end()
    if form.group(1).upper() == "CONSTRUCT":
        rest = masked[start:].lstrip()
        if not rest.startswith("{"):
            return -1
        template = masked.index("{", start)
        start = _matching(masked, template) + 1
        if start <= 0:
            return -1
    parens = 0
    for k in range(start, len(masked)):
        ch = masked[k]
        if ch == "(":
            parens += 1
        elif ch == ")":
            parens -= 1
        elif ch == "{" and parens == 0:
            return k
    return -1


def term_text(term: Node) -> str:
    """*term* in SPARQL syntax, safe to put in a query: IRIs checked against the IRIREF grammar,
    literals serialised (escaped) by rdflib's ``n3()``.

    :raises QueryError: a blank node (cannot be named in a query) or an IRI with forbidden characters.
    """
    if isinstance(term, URIRef):
        text = f"<{term}>"
        if not _IRI.fullmatch(text):
            raise QueryError(f"{str(term)!r} is not a valid IRI and cannot be sent to an endpoint")
        return text
    if isinstance(term, Literal):
        if term.datatype is not None and not _IRI.fullmatch(f"<{term.datatype}>"):
            raise QueryError(f"{str(term.datatype)!r} is not a valid datatype IRI")
        if term.datatype is not None and str(term.datatype) == XSD_STRING:
            return Literal(str(term)).n3()
        return term.n3()
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be bound as a query parameter on an endpoint")
    raise QueryError(f"cannot bind a {type(term).__name__} as a query parameter")


def with_values(query: str, bindings: Mapping[str, Node] | None) -> str:
    """*query* with *bindings* as a ``VALUES`` block at the start of its WHERE group (so that
    FILTERs, OPTIONALs and aggregates see the bound values, like engine pre-binding); where the
    query has no WHERE group of its own, as the trailing SPARQL 1.1 ``ValuesClause``.

    :raises QueryError: a variable name or term that cannot be written safely.
    """
    if not bindings:
        return query
    names = []
    for name in bindings:
        if not _VARNAME.match(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
        names.append(f"?{name}")
    values = "VALUES (" + " ".join(names) + ") { (" + " ".join(term_text(v) for v in bindings.values()) + ") }"
    masked = code_only(query)
    brace = _where_brace(masked)
    if brace < 0:
        return query.rstrip() + "\n" + values + "\n"
    after = masked[brace + 1 :].lstrip()
    if _FORM.match(after) and after[:6].upper() == "SELECT":
        # WHERE { SELECT … }: a sub-select must stand alone in its group, so nest it.
        close = _matching(masked, brace)
        if close < 0:
            return query.rstrip() + "\n" + values + "\n"
        return query[: brace + 1] + " " + values + " {" + query[brace + 1 : close] + "} " + query[close:]
    return query[: brace + 1] + " " + values + " " + query[brace + 1 :]
