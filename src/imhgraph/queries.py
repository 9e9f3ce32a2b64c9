"""Named SPARQL queries: the catalogue in ``queries/*.rq``, their headers, and running them safely.

Every query file starts with a header of ``# key: value`` comment lines::

    # title: Programs covering a topic
    # description: The programs that teach the topic, directly or through a narrower topic.
    #   Continuation lines start with "#" and at least two spaces.
    # param: topic topic — the topic, as a short ID, IRI or label. Example: attachment-theory
    # columns: program, how, via

``param`` lines read ``NAME KIND — what it takes. Example: VALUE``; KIND is one of
:data:`PARAM_KINDS`, or ``list of KIND`` for a parameter that takes several values.
In the query text a parameter is written ``$NAME`` (``?NAME`` elsewhere is an ordinary
variable), and its value is bound in one of two ways, never by pasting user text:

* a placeholder ``VALUES $NAME { }`` is filled with the resolved
  terms, each serialised by rdflib's ``n3()`` — this works on every backend, for single
  values and lists, wherever the variable is used (also when it is not projected);
* otherwise the value is passed to :meth:`Backend.select`/``ask``/``construct`` as an
  engine binding.

Queries are read-only: an UPDATE is refused, and so is a ``SERVICE`` clause on local data
(it would fetch from the network). Syntax errors name the query and the line and column.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import QueryError, UnknownIdError, UnknownQueryError
from .namespaces import KINDS, PREFIXES, expand, short_id
from .render import Table
from .resources import queries_dir
from .stores import Backend, SelectResult

#: kinds a ``param`` line may declare: the instance kinds (resolved with :func:`ids.resolve`)
#: and plain value kinds.
ID_KINDS: tuple[str, ...] = KINDS
VALUE_KINDS: tuple[str, ...] = ("iri", "string", "integer", "decimal", "boolean")
PARAM_KINDS: tuple[str, ...] = ID_KINDS + VALUE_KINDS

#: what a value of each kind looks like, for messages.
KIND_HELP: dict[str, str] = {
    "program": "a program's short ID, IRI or label",
    "topic": "a topic's short ID, IRI or label",
    "credential": "a credential's short ID, IRI or label",
    "org": "an organization's short ID, IRI or label",
    "profession": "a profession's short ID, IRI or label",
    "education": "an education level (cda, associate, bachelor, master, doctorate)",
    "iri": "a full IRI, a prefix:name, or the short ID of a program, topic, credential, …",
    "string": "any text",
    "integer": "a whole number",
    "decimal": "a number",
    "boolean": "true or false",
}

FORMS: tuple[str, ...] = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
GRAPH_FORMATS: tuple[str, ...] = ("turtle", "json-ld", "ntriples")

_HEADER_LINE = re.compile(r"^#\s*([A-Za-z_-]+)\s*:\s?(.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(\S.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<list>list\s+of\s+)?(?P<kind>[a-z]+)"
    r"\s*(?:—|–|--|-|:)?\s*(?P<doc>.*)$"
)
_EXAMPLE = re.compile(r"(?:Example|e\.g\.)\s*:?\s*(?P<example>.+?)\s*\.?\s*$")
# Strings, IRIs and comments, so that variables are only looked for in query code.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
)
_VARIABLE = re.compile(r"([?$])([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)")
_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")
_SERVICE = re.compile(r"(?i)(?<![\w?$:])SERVICE\b")
# Characters that may not appear in an IRI written <…> (SPARQL IRIREF).
_BAD_IRI_CHARS = re.compile(r'[<>"{}|^`\\\s\x00-\x20]')


@dataclass(frozen=True)
class Param:
    """One parameter a query takes, as its header declares it."""

    name: str
    kind: str
    description: str = ""
    example: str | None = None
    is_list: bool = False

    @property
    def kind_text(self) -> str:
        """The kind as written in headers: ``topic`` or ``list of topic``."""
        return f"list of {self.kind}" if self.is_list else self.kind

    def usage(self) -> str:
        """One line saying what the parameter takes, for messages."""
        what = KIND_HELP.get(self.kind, self.kind)
        if self.is_list:
            what = f"one or more of: {what} (repeat --param or separate with commas)"
        text = f"{self.name} ({self.kind_text}): {self.description or what}"
        if self.example:
            text += f" — e.g. --param {self.name}={self.example}"
        return text


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with its header: name (file stem), title, description, params, columns."""

    name: str
    text: str
    path: Path | None = None
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    header: Mapping[str, str] = field(default_factory=dict)

    def param(self, name: str) -> Param | None:
        """The declared parameter called *name*, if any."""
        return next((p for p in self.params if p.name == name), None)

    @property
    def where(self) -> str:
        """How to name this query in messages: its name and file."""
        return f"query {self.name!r}" + (f" ({self.path})" if self.path else "")


@dataclass(frozen=True)
class Parsed:
    """What the read-only check learned about a query."""

    form: str
    #: projected variables of a SELECT, None for ``SELECT *`` and other forms.
    projection: tuple[str, ...] | None
    #: (variable, descending) per ORDER BY condition, None when a condition is an expression.
    order: tuple[tuple[str, bool], ...] | None
    has_order: bool


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query: rows (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE)."""

    query: NamedQuery
    form: str
    select: SelectResult | None = None
    boolean: bool | None = None
    graph: Graph | None = None


# ---------------------------------------------------------------------------
# Reading queries and their headers
# ---------------------------------------------------------------------------


def parse_header(text: str) -> tuple[dict[str, str], list[str]]:
    """The ``# key: value`` header at the top of *text*: single keys (title, description,
    columns, …) as a dict, and the ``param`` lines as a list, continuation lines joined."""
    header: dict[str, str] = {}
    params: list[str] = []
    last: tuple[str, int] | None = None  # (key, index in params or -1)
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if not line.startswith("#"):
            break
        more = _CONTINUATION.match(line)
        if more and last is not None:
            key, index = last
            if index >= 0:
                params[index] = f"{params[index]} {more.group(1).strip()}"
            else:
                header[key] = f"{header[key]} {more.group(1).strip()}".strip()
            continue
        match = _HEADER_LINE.match(line)
        if not match:
            last = None
            continue
        key, value = match.group(1).lower(), match.group(2).strip()
        if key == "param":
            params.append(value)
            last = (key, len(params) - 1)
        else:
            header[key] = value
            last = (key, -1)
    return header, params


def parse_param(line: str) -> Param:
    """A :class:`Param` from the text of a ``# param:`` line.

    :raises QueryError: the line does not read ``NAME KIND — description``.
    """
    match = _PARAM.match(line.strip())
    if not match or match.group("kind") not in PARAM_KINDS:
        raise QueryError(
            f"bad parameter declaration {line!r}",
            hint="Write `# param: NAME KIND — what it takes. Example: VALUE`, KIND one of "
            + ", ".join(PARAM_KINDS)
            + " (or `list of KIND`).",
        )
    doc = match.group("doc").strip()
    example_match = _EXAMPLE.search(doc)
    example = example_match.group("example").strip() if example_match else None
    if example_match:
        doc = doc[: example_match.start()].rstrip(" ,;")
    doc = doc.rstrip(" .")
    return Param(
        name=match.group("name"),
        kind=match.group("kind"),
        description=doc,
        example=example,
        is_list=bool(match.group("list")),
    )


def load_query(path: Path, name: str | None = None) -> NamedQuery:
    """Read the query file at *path* with its header.

    :raises QueryError: the file cannot be read, or a ``param`` line is malformed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query file ({exc})") from None
    return query_from_text(text, name=name or path.stem, path=path)


def query_from_text(text: str, *, name: str = "query", path: Path | None = None) -> NamedQuery:
    """A :class:`NamedQuery` from query *text* (header optional)."""
    header, param_lines = parse_header(text)
    params = tuple(parse_param(line) for line in param_lines)
    # "a, b (what b means), c": the names, without explanations in parentheses.
    columns = tuple(
        c.split()[0] for c in _split_outside_parentheses(header.get("columns", "")) if c.strip()
    )
    return NamedQuery(
        name=name,
        text=text,
        path=path,
        title=header.get("title", ""),
        description=header.get("description", ""),
        params=params,
        columns=columns,
        header=header,
    )


def _split_outside_parentheses(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


@cache
def _catalogue(folder: Path) -> dict[str, NamedQuery]:
    return {p.stem: load_query(p) for p in sorted(folder.glob("*.rq"))}


def catalogue(folder: Path | None = None) -> dict[str, NamedQuery]:
    """The public named queries (``queries/*.rq``, not ``internal/``), by name, sorted."""
    return dict(_catalogue((folder or queries_dir()).resolve()))


def find_query(name_or_file: str) -> NamedQuery:
    """The named query *name_or_file*, or the ``.rq`` file it names.

    :raises UnknownQueryError: no such name (with the closest names) or no such file.
    """
    text = name_or_file.strip()
    path = Path(text)
    looks_like_file = text.endswith(".rq") or "/" in text or "\\" in text
    if path.is_file() and (looks_like_file or text not in catalogue()):
        return load_query(path)
    known = catalogue()
    if text in known:
        return known[text]
    if looks_like_file:
        raise UnknownQueryError(f"{text}: no such query file", hint="Check the path.")
    close = difflib.get_close_matches(text, list(known), n=3, cutoff=0.4)
    if not close:
        close = [n for n in known if text and text.casefold() in n.casefold()][:3]
    hint = (
        "Did you mean: " + ", ".join(close) + "? " if close else ""
    ) + "`imhgraph queries` lists the named queries."
    raise UnknownQueryError(f"unknown query {text!r}", hint=hint)


# ---------------------------------------------------------------------------
# Checking: syntax, read-only, parameters used
# ---------------------------------------------------------------------------


def code_only(text: str) -> str:
    """*text* with strings, IRIs and comments blanked out (same length, same line breaks)."""
    return _NOT_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def dollar_variables(text: str) -> list[str]:
    """The names of the ``$NAME`` variables (parameters) the query code uses, in order."""
    found: dict[str, None] = {}
    for sigil, name in _VARIABLE.findall(code_only(text)):
        if sigil == "$":
            found[name] = None
    return list(found)


def variables(text: str) -> set[str]:
    """Every variable name (``?x`` or ``$x``) the query code uses."""
    return {name for _sigil, name in _VARIABLE.findall(code_only(text))}


def placeholders(text: str) -> set[str]:
    """The parameters that have a ``VALUES $NAME { }`` placeholder line."""
    return {m.group("name") for m in _placeholder_pattern(None).finditer(code_only(text))}


def _placeholder_pattern(name: str | None) -> re.Pattern[str]:
    var = re.escape(name) if name else r"[A-Za-z0-9_]+"
    return re.compile(rf"(?i)(?<![\w?$:])VALUES\s+\$(?P<name>{var})\s*\{{\s*\}}")


def with_prefixes(text: str) -> str:
    """*text* with PREFIX declarations for the project's prefixes it does not declare itself,
    all on the first line so that line numbers in errors stay those of the file."""
    declared = {(m.group(1) or "") for m in _PREFIX_DECL.finditer(code_only(text))}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    return (" ".join(missing) + " " + text) if missing else text


def check(query: NamedQuery, *, allow_service: bool = False) -> Parsed:
    """Parse *query* and make sure it is a read-only query.

    :param allow_service: accept ``SERVICE`` (only for a remote endpoint, which decides).
    :raises QueryError: a syntax error (with line and column), an UPDATE, or SERVICE.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if not code_only(query.text).strip():
        raise QueryError(f"{query.where} is empty", hint="Write a SELECT, ASK, CONSTRUCT or DESCRIBE query.")
    if not allow_service and _SERVICE.search(code_only(query.text)):
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
        hint="Remove the SERVICE clause, or run against that endpoint with --endpoint URL.",
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
    from . import ids

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
            lowered = value.casefold()
            if lowered in ("true", "yes", "1"):
                return Literal(True)
            if lowered in ("false", "no", "0"):
                return Literal(False)
            raise ValueError(value)
    except (ValueError, InvalidOperation):
        raise QueryError(
            f"parameter {param.name!r}: {text!r} is not {KIND_HELP[kind]}", hint=f"{param.usage()}."
        ) from None
    raise QueryError(f"parameter {param.name!r}: unknown kind {kind!r}")  # pragma: no cover


def _to_iri(backend: Backend, param: Param, value: str) -> URIRef:
    from . import ids

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
        pattern = _placeholder_pattern(name)
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


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def run(
    backend: Backend,
    query: NamedQuery,
    params: Mapping[str, str | Sequence[str]] | None = None,
) -> QueryResult:
    """Check *query* (read-only, syntax), bind *params* and run it on *backend*.

    SELECT rows come back in a deterministic order: the query's ORDER BY, ties broken by
    the whole row; without ORDER BY, sorted by the whole row.

    :param params: parameter name → value(s) as users type them (IDs, IRIs, literals).
    :raises QueryError: syntax error, UPDATE, SERVICE on local data, bad parameters.
    :raises UnknownIdError: a parameter naming no resource of its kind.
    """
    parsed = check(query, allow_service=backend.kind == "endpoint")
    terms = bind_values(backend, query, params or {})
    text, engine = fill_placeholders(query.text, terms)
    text = with_prefixes(text)
    bindings = engine or None
    try:
        if parsed.form == "SELECT":
            result = backend.select(text, bindings)
            rows = sort_rows(result.variables, result.rows, parsed)
            return QueryResult(query, "SELECT", select=SelectResult(result.variables, rows))
        if parsed.form == "ASK":
            return QueryResult(query, "ASK", boolean=backend.ask(text, bindings))
        return QueryResult(query, parsed.form, graph=backend.construct(text, bindings))
    except SyntaxError as exc:
        # The engine's grammar is stricter than rdflib's in places; report its words.
        raise QueryError(f"{query.where}: SPARQL syntax error: {exc}", hint="Fix the query.") from None


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


# ---------------------------------------------------------------------------
# Presenting results
# ---------------------------------------------------------------------------


def term_json(term: Node) -> dict[str, str]:
    """One RDF term in the W3C SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def results_json(result: QueryResult) -> dict[str, Any]:
    """The W3C SPARQL 1.1 Query Results JSON document for a SELECT or ASK result."""
    if result.form == "ASK":
        return {"head": {}, "boolean": bool(result.boolean)}
    assert result.select is not None
    variables = list(result.select.variables)
    bindings = [
        {var: term_json(term) for var, term in zip(variables, row) if term is not None}
        for row in result.select.rows
    ]
    return {"head": {"vars": variables}, "results": {"bindings": bindings}}


def cell(term: Node | None) -> str:
    """How a term reads in a table: short IDs for IRIs, the text of literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return short_id(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_table(backend: Backend, result: QueryResult) -> Table:
    """A SELECT result as a :class:`Table`: IRIs as short IDs, and beside each column of IRIs
    that has no ``NAME_label`` column of its own, a ``NAME_label`` column with their names."""
    from . import ids

    assert result.select is not None
    variables = list(result.select.variables)
    names = ids.labels(backend)
    columns: list[str] = []
    extractors: list[Any] = []
    for i, var in enumerate(variables):
        columns.append(var)
        extractors.append(lambda row, i=i: cell(row[i]))
        label_col = f"{var}_label"
        if label_col in variables:
            continue
        iris = [row[i] for row in result.select.rows if isinstance(row[i], URIRef)]
        if any(str(iri) in names for iri in iris):
            columns.append(label_col)
            extractors.append(
                lambda row, i=i: names.get(str(row[i]), "") if isinstance(row[i], URIRef) else ""
            )
    rows = [[extract(row) for extract in extractors] for row in result.select.rows]
    return Table(columns, rows)


def render_result(backend: Backend, result: QueryResult, fmt: str) -> str:
    """*result* as text in *fmt*: a table format or ``json`` for SELECT; ``true``/``false`` (or
    JSON) for ASK; Turtle, JSON-LD (also ``json``) or N-Triples for CONSTRUCT/DESCRIBE.

    :raises QueryError: a format that does not fit the query form.
    """
    from .render import TABLE_FORMATS, render, render_json

    if result.form in ("CONSTRUCT", "DESCRIBE"):
        from .export import to_jsonld, to_ntriples, to_turtle

        assert result.graph is not None
        writers = {"turtle": to_turtle, "json-ld": to_jsonld, "json": to_jsonld, "ntriples": to_ntriples}
        if fmt not in writers:
            raise QueryError(
                f"{result.query.where} is a {result.form} query: its answer is a graph, not a table",
                hint="Use --format turtle, json-ld or ntriples.",
            )
        return writers[fmt](result.graph)
    if fmt in GRAPH_FORMATS:
        raise QueryError(
            f"{result.query.where} is a {result.form} query: --format {fmt} is for graphs",
            hint="Use --format " + ", ".join(TABLE_FORMATS) + ".",
        )
    if fmt == "json":
        return render_json(results_json(result))
    if result.form == "ASK":
        return "true\n" if result.boolean else "false\n"
    return render(to_table(backend, result), fmt)


# ---------------------------------------------------------------------------
# Documentation
# ---------------------------------------------------------------------------


def catalogue_table(queries: Mapping[str, NamedQuery] | None = None) -> Table:
    """The catalogue as a table: name, title, parameters."""
    rows = [
        [q.name, q.title, ", ".join(f"{p.name} ({p.kind_text})" for p in q.params)]
        for q in (queries or catalogue()).values()
    ]
    return Table(["name", "title", "parameters"], rows)


def catalogue_json(queries: Mapping[str, NamedQuery] | None = None) -> list[dict[str, Any]]:
    """The catalogue for scripts: every query's header, stable keys."""
    return [describe_json(q) for q in (queries or catalogue()).values()]


def describe_json(query: NamedQuery) -> dict[str, Any]:
    """One query's header and text as a JSON-ready dict."""
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "params": [
            {
                "name": p.name,
                "kind": p.kind,
                "list": p.is_list,
                "description": p.description,
                "example": p.example,
            }
            for p in query.params
        ],
        "columns": list(query.columns),
        "text": query.text,
    }


def example_command(query: NamedQuery) -> str:
    """A command line that runs *query* with its example values."""
    parts = ["imhgraph", "query", query.name]
    for p in query.params:
        example = p.example or f"<{p.kind}>"
        parts.append(f"--param {p.name}={_shell_word(example)}")
    return " ".join(parts)


def _shell_word(text: str) -> str:
    return text if re.fullmatch(r"[\w.,:/@%+=-]+", text) else "'" + text.replace("'", "'\\''") + "'"


def describe(query: NamedQuery) -> str:
    """One query's documentation (title, question, parameters, columns, example) and its text."""
    lines = [f"{query.name}: {query.title}" if query.title else query.name, ""]
    if query.description:
        lines += [query.description, ""]
    if query.params:
        lines.append("Parameters:")
        for p in query.params:
            lines.append(f"  {p.name} ({p.kind_text}): {p.description or KIND_HELP.get(p.kind, '')}")
            if p.example:
                lines.append(f"      example: {p.example}")
        lines.append("")
    if query.columns:
        lines += [f"Columns: {', '.join(query.columns)}", ""]
    lines += [f"Run: {example_command(query)}", ""]
    if query.path:
        lines += [f"File: {query.path.name}", ""]
    lines.append(query.text.rstrip("\n"))
    return "\n".join(lines) + "\n"


def catalogue_markdown(queries: Mapping[str, NamedQuery] | None = None) -> str:
    """The README's catalogue table, generated from the headers (a test keeps it in sync)."""
    lines = ["| query | answers | parameters | columns |", "|---|---|---|---|"]
    for q in (queries or catalogue()).values():
        params = "<br>".join(
            f"`{p.name}` ({p.kind_text})" + (f", e.g. `{p.example}`" if p.example else "") for p in q.params
        )
        answers = f"**{q.title}.** {q.description}".replace("|", "\\|")
        columns = ", ".join(f"`{c}`" for c in q.columns)
        lines.append(f"| `{q.name}` | {answers} | {params or '—'} | {columns} |")
    return "\n".join(lines) + "\n"


README_SECTION = "queries-catalogue"
