"""Query parameters: from what users type (``--param NAME=VALUE``) to RDF terms, and the terms
into the query's ``VALUES $NAME { }`` placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..errors import QueryError, UnknownIdError
from ..namespaces import PREFIXES, expand
from ..stores import Backend
from ..values import parse_boolean
from .named_queries import ID_KINDS, KIND_HELP, NamedQuery, Param
from .text import code_only, placeholder_pattern

# Characters that may not appear in an IRI written <…> (SPARQL IRIREF).
_BAD_IRI_CHARS = re.compile(r'[<>"{}|^`\\\s\x00-\x20]')


# ---------------------------------------------------------------------------
# Parameters: from what users type to RDF terms
# ---------------------------------------------------------------------------


def parse_param_args(args: Iterable[str]) -> dict[str, list[str]]:
    """``NAME=VALUE`` strings (from ``--param``) as NAME → values, repeated names collected.

    :raises QueryError: an argument without ``=``.
    """
    values: dict[str, list[str]] = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"bad --param {arg!r}", hint="Write --param NAME=VALUE.")
        values.setdefault(name.strip(), []).append(value)
    return values


def bind_values(
    backend: Backend, query: NamedQuery, given: Mapping[str, str | Sequence[str]]
) -> dict[str, list[Node]]:
    """The RDF terms for the parameters of *query* from the values *given* (by name).

    :raises QueryError: an undeclared, missing or malformed parameter.
    :raises UnknownIdError: an ID that names nothing of the declared kind.
    """
    declared = {p.name: p for p in query.params}
    for name in given:
        if name not in declared:
            takes = "; ".join(p.usage() for p in query.params) or "no parameters"
            raise QueryError(
                f"{query.where} has no parameter {name!r}",
                hint=f"It takes {takes}."
                + ("" if query.params else " Declare one with `# param: NAME KIND — …` in the header."),
            )
    terms: dict[str, list[Node]] = {}
    for param in query.params:
        raw = given.get(param.name)
        texts = [raw] if isinstance(raw, str) else list(raw or [])
        if param.is_list:
            texts = [part.strip() for text in texts for part in text.split(",")]
        texts = [t for t in texts if t.strip()] if param.kind != "string" else texts
        if not texts:
            raise QueryError(
                f"{query.where} needs the parameter {param.name!r}",
                hint=f"{param.usage()}.",
            )
        if len(texts) > 1 and not param.is_list:
            raise QueryError(
                f"parameter {param.name!r} of {query.where} takes one value, got {len(texts)}",
                hint=f"{param.usage()}.",
            )
        seen: dict[Node, None] = {}
        for text in texts:
            seen[to_term(backend, param, text)] = None
        terms[param.name] = list(seen)
    return terms


def to_term(backend: Backend, param: Param, text: str) -> Node:
    """The RDF term *text* stands for, as *param*'s kind says.

    :raises QueryError: a value that is not of the kind.
    :raises UnknownIdError: an ID kind with no such resource (with suggestions).
    """
    from .. import ids

    value = text.strip()
    kind = param.kind
    if kind in ID_KINDS:
        return ids.resolve(backend, kind, value)
    if kind == "iri":
        return _to_iri(backend, param, value)
    if kind == "string":
        return Literal(text)
    try:
        if kind == "integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise ValueError(value)
            return Literal(int(value), datatype=XSD.integer)
        if kind == "decimal":
            number = Decimal(value)
            if not number.is_finite():
                raise ValueError(value)
            return Literal(number, datatype=XSD.decimal)
        if kind == "boolean":
            answer = parse_boolean(value)
            if answer is None:
                raise ValueError(value)
            return Literal(answer)
    except (ValueError, InvalidOperation):
        raise QueryError(
            f"parameter {param.name!r}: {text!r} is not {KIND_HELP[kind]}", hint=f"{param.usage()}."
        ) from None
    raise QueryError(f"parameter {param.name!r}: unknown kind {kind!r}")  # pragma: no cover


def _to_iri(backend: Backend, param: Param, value: str) -> URIRef:
    from .. import ids

    full = expand(value)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", full) and not _BAD_IRI_CHARS.search(full):
        return URIRef(full)
    if ":" not in value:
        # A short ID: whichever kind of resource it names (one match only).
        found: list[URIRef] = []
        suggestions: list[str] = []
        for kind in ID_KINDS:
            try:
                found.append(ids.resolve(backend, kind, value))
            except UnknownIdError as exc:
                suggestions += [s for s in exc.suggestions if s not in suggestions]
        unique = sorted(set(found))
        if len(unique) == 1:
            return unique[0]
        if len(unique) > 1:
            raise QueryError(
                f"parameter {param.name!r}: {value!r} names several resources",
                hint="Give the full IRI or prefix:name of one of: "
                + ", ".join(f"{kind_prefix(i)}" for i in unique),
            )
        raise UnknownIdError("resource", value, suggestions[:3])
    raise QueryError(
        f"parameter {param.name!r}: {value!r} is not an IRI",
        hint=f"{param.usage()}.",
    )


def kind_prefix(iri: str) -> str:
    """*iri* as ``prefix:local`` where a project prefix applies (``program:x``), else in full."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and prefix != "imh":
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def serialise(term: Node) -> str:
    """*term* as SPARQL text for a VALUES block (see :func:`imhgraph.binding.term_text`).

    :raises QueryError: a term that cannot be written safely (an IRI with forbidden characters).
    """
    from .binding import term_text

    return term_text(term)


def fill_placeholders(text: str, terms: Mapping[str, Sequence[Node]]) -> tuple[str, dict[str, Node]]:
    """*text* with every ``VALUES $NAME { }`` placeholder filled with the terms of NAME, and the
    single-valued parameters without a placeholder, left for the engine to bind."""
    engine: dict[str, Node] = {}
    for name, values in terms.items():
        pattern = placeholder_pattern(name)
        if pattern.search(code_only(text)):
            block = " ".join(serialise(t) for t in values)
            # Replace by position in the blanked copy, so a look-alike inside a string or
            # comment is never touched.
            blanked = code_only(text)
            pieces: list[str] = []
            last = 0
            for match in pattern.finditer(blanked):
                pieces.append(text[last : match.start()])
                pieces.append(f"VALUES ${name} {{ {block} }}")
                last = match.end()
            pieces.append(text[last:])
            text = "".join(pieces)
        elif len(values) == 1:
            engine[name] = values[0]
        else:
            raise QueryError(
                f"list parameter {name!r} needs a `VALUES ${name} {{ }}` line in the query to bind it"
            )
    return text, engine
