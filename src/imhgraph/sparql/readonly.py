"""The read-only check of a query: its syntax (with line and column), its form, no UPDATE, no
SERVICE on local data, and what ORDER BY it declares."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError
from .named_queries import NamedQuery
from .text import code_only, with_prefixes

_SERVICE = re.compile(r"(?i)(?<![\w?$:])SERVICE\b")

# Anywhere in the text — strings, comments and IRIs included — the letters SERVICE where a
# SPARQL lexer could read the keyword: not inside a longer name (a word character, a variable
# sign, a prefix colon, an IRI's / or #, a hyphen before; a word character or hyphen after).
_SERVICE_ANYWHERE = re.compile(r"(?i)(?<![\w?$:/#-])SERVICE(?![\w-])")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def decode_codepoints(text: str) -> str:
    """*text* with SPARQL's codepoint escapes (``\\u0053``, ``\\U00000053``) replaced by their
    characters, as the grammar applies them before any parsing (SPARQL 1.1 §19.2)."""
    def char(match: re.Match[str]) -> str:
        value = int(match.group(1) or match.group(2), 16)
        return chr(value) if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else match.group(0)

    return _CODEPOINT.sub(char, text)


def may_federate(text: str) -> bool:
    """Whether any SPARQL parser could read *text* as holding a ``SERVICE`` clause.

    Decided on the letters, not on a parse: the engine that runs a local query (Oxigraph)
    and the parser that checks it (rdflib) disagree on some spellings — escapes, comments,
    odd characters in IRIs — so a check that trusts either parse can be walked around. Only
    text that no lexer can read as the keyword passes: the cost is that a string or comment
    holding the word "service" on its own is refused too, with the same plain message."""
    return any(_SERVICE_ANYWHERE.search(t) for t in (text, decode_codepoints(text)))


@dataclass(frozen=True)
class Parsed:
    """What the read-only check learned about a query."""

    form: str
    #: projected variables of a SELECT, None for ``SELECT *`` and other forms.
    projection: tuple[str, ...] | None
    #: (variable, descending) per ORDER BY condition, None when a condition is an expression.
    order: tuple[tuple[str, bool], ...] | None
    has_order: bool


def check(query: NamedQuery, *, allow_service: bool = False) -> Parsed:
    """Parse *query* and make sure it is a read-only query.

    :param allow_service: accept ``SERVICE`` (only for a remote endpoint, which decides).
    :raises QueryError: a syntax error (with line and column), an UPDATE, or SERVICE.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if not code_only(query.text).strip():
        raise QueryError(f"{query.where} is empty", hint="Write a SELECT, ASK, CONSTRUCT or DESCRIBE query.")
    if not allow_service and (_SERVICE.search(code_only(query.text)) or may_federate(query.text)):
        # Checked on the tokens as well as the parse tree: rdflib's parser fails on some
        # SERVICE queries, which must still be refused as SERVICE, not as a syntax error.
        raise _service_refused(query)
    prepared = with_prefixes(query.text)
    shift = len(prepared) - len(query.text)
    try:
        tree = parseQuery(prepared)
    except ParseException as exc:
        if _is_update(prepared, parseUpdate):
            raise QueryError(
                f"{query.where} is a SPARQL UPDATE; `query` is read-only and refuses it",
                hint="Only SELECT, ASK, CONSTRUCT and DESCRIBE queries run; change data by editing "
                "the data files.",
            ) from None
        line, column = exc.lineno, exc.col
        if line == 1:
            column = max(1, column - shift)
        lines = query.text.splitlines() or [""]
        near = lines[min(line, len(lines)) - 1].strip()
        raise QueryError(
            f"{query.where}: SPARQL syntax error at line {line}, column {column}: "
            f"the query cannot be read from there ({_parser_message(exc)}), in: {near}",
            hint="Fix the query at that position (a missing object, dot, brace or PREFIX is common).",
        ) from None
    except Exception as exc:  # noqa: BLE001 — rdflib raises plain exceptions for bad prefixes, IRIs
        raise QueryError(f"{query.where}: SPARQL error: {exc}", hint="Fix the query.") from None
    body = tree[1]
    form = {
        "SelectQuery": "SELECT",
        "AskQuery": "ASK",
        "ConstructQuery": "CONSTRUCT",
        "DescribeQuery": "DESCRIBE",
    }.get(body.name)
    if form is None:  # pragma: no cover — the grammar has no other query forms
        raise QueryError(f"{query.where}: unsupported query form {body.name}")
    if not allow_service and _contains(body, "ServiceGraphPattern"):
        raise _service_refused(query)
    projection: tuple[str, ...] | None = None
    if form == "SELECT" and "projection" in body:
        projection = tuple(
            str(v["evar"] if "evar" in v else v["var"]) for v in body["projection"]
        )
    order, has_order = _order_conditions(body)
    return Parsed(form=form, projection=projection, order=order, has_order=has_order)


def _service_refused(query: NamedQuery) -> QueryError:
    return QueryError(
        f"{query.where} uses SERVICE, which would fetch data from the network; refused on local data",
        hint="Remove the SERVICE clause (the word SERVICE is refused anywhere in a local query, in "
        "strings and comments too, since no spelling of it may reach the network), or run against "
        "that endpoint with --endpoint URL.",
    )


def _is_update(text: str, parse_update: Any) -> bool:
    try:
        tree = parse_update(text)
    except Exception:  # noqa: BLE001 — not an update either: report the query's error
        return False
    return bool(tree.get("request"))


def _parser_message(exc: Exception) -> str:
    message = str(getattr(exc, "msg", "") or exc)
    return re.sub(r"\s*\(at char \d+\).*$", "", message).strip()


def _contains(node: Any, name: str) -> bool:
    if getattr(node, "name", None) == name:
        return True
    if isinstance(node, Mapping):
        return any(_contains(v, name) for v in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_contains(v, name) for v in node)
    return False


def _order_conditions(body: Any) -> tuple[tuple[tuple[str, bool], ...] | None, bool]:
    from rdflib.term import Variable

    if "orderby" not in body:
        return (), False
    conditions: list[tuple[str, bool]] = []
    for cond in body["orderby"]["condition"]:
        if isinstance(cond, Variable):
            conditions.append((str(cond), False))
            continue
        expr = cond.get("expr")
        # Unwrap the grammar's single-child expression chain down to a bare variable.
        while expr is not None and not isinstance(expr, Variable) and len(expr) == 1 and "expr" in expr:
            expr = expr["expr"]
        if not isinstance(expr, Variable):
            return None, True
        conditions.append((str(expr), cond.get("order") == "DESC"))
    return tuple(conditions), True
