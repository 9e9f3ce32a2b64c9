"""The catalogue of named SPARQL queries (``queries/*.rq``) and their headers, the building
blocks the code uses (``queries/internal/*.rq``), and the catalogue's documentation.

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import QueryError, UnknownQueryError
from ..namespaces import KINDS, PREFIXES
from ..blocks import Blank, Block, Blocks, Line, Lines
from ..render import Result, Table
from ..resources import queries_dir
from .text import code_only

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
    """A :class:`NamedQuery` from query *text* (header optional); its text has the fixed
    fragments expanded (:func:`expand_fragments`)."""
    text = expand_fragments(text)
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
    from ..atomic import register_input

    text = name_or_file.strip()
    path = Path(text)
    looks_like_file = text.endswith(".rq") or "/" in text or "\\" in text
    if path.is_file() and (looks_like_file or text not in catalogue()):
        register_input(path)  # a query file is an input: no output of this run replaces it
        return load_query(path)
    known = catalogue()
    if text in known:
        if known[text].path is not None:
            register_input(known[text].path)
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


@cache
def internal_query(name: str) -> str:
    """The text of ``queries/internal/NAME.rq``, fixed fragments expanded."""
    return expand_fragments((queries_dir() / "internal" / f"{name}.rq").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# Fixed fragments: definitions written once, used by every query that needs them
# ---------------------------------------------------------------------------

#: the namespace of fragment names: ``imhq:covers`` is ``queries/fragments/covers.rq``.
FRAGMENT_NS = "https://w3id.org/imhgraph/query#"
_FRAGMENT_USE = re.compile(r"(?<![\w:.-])imhq:(?P<name>[A-Za-z][\w-]*)")
_PREFIXED = re.compile(r"(?<![\w:<])(?P<prefix>[A-Za-z][\w.-]*):(?P<local>[A-Za-z_][\w-]*)")


@cache
def fragment(name: str) -> str:
    """The property path that ``imhq:NAME`` stands for: ``queries/fragments/NAME.rq`` without its
    comments, prefixed names written out as full IRIs, in parentheses (so that it can be one
    step of a longer path).

    :raises QueryError: no such fragment.
    """
    path = queries_dir() / "fragments" / f"{name}.rq"
    if not re.fullmatch(r"[A-Za-z][\w-]*", name) or not path.is_file():
        known = sorted(p.stem for p in (queries_dir() / "fragments").glob("*.rq"))
        raise QueryError(f"imhq:{name}: no such fragment", hint="Known fragments: " + ", ".join(f"imhq:{k}" for k in known) + ".")
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    body = " ".join(line for line in lines if line)

    def full(match: re.Match[str]) -> str:
        prefix, local = match.group("prefix"), match.group("local")
        if prefix not in PREFIXES:
            raise QueryError(f"{path}: unknown prefix {prefix}: in the fragment")
        return f"<{PREFIXES[prefix]}{local}>"

    body = _PREFIXED.sub(full, body)
    return body if _wrapped(body) else f"({body})"


def _wrapped(text: str) -> bool:
    """True when *text* is one parenthesised expression: its first "(" closes at its end."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for i, char in enumerate(code_only(text)):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


def expand_fragments(text: str) -> str:
    """*text* with every ``imhq:NAME`` in query code (not in strings, IRIs or comments)
    replaced by :func:`fragment` ``(NAME)``. ``imhq:covers`` is the one definition of "a program
    covers a topic": directly or through one of its courses. Text without ``imhq:`` is
    returned unchanged."""
    if "imhq:" not in text:
        return text
    code = code_only(text)
    parts, last = [], 0
    for match in _FRAGMENT_USE.finditer(code):
        parts += [text[last:match.start()], fragment(match.group("name"))]
        last = match.end()
    return "".join(parts) + text[last:] if parts else text


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


def describe(query: NamedQuery) -> Blocks:
    """One query's documentation (title, question, parameters, columns, example) and its text."""
    blocks: list[Block] = [Line(f"{query.name}: {query.title}" if query.title else query.name), Blank()]
    if query.description:
        blocks += [Line(query.description), Blank()]
    if query.params:
        blocks.append(Line("Parameters:"))
        for p in query.params:
            blocks.append(Line(f"{p.name} ({p.kind_text}): {p.description or KIND_HELP.get(p.kind, '')}", 2))
            if p.example:
                blocks.append(Line(f"example: {p.example}", 6))
        blocks.append(Blank())
    if query.columns:
        blocks += [Line(f"Columns: {', '.join(query.columns)}"), Blank()]
    blocks += [Line(f"Run: {example_command(query)}"), Blank()]
    if query.path:
        blocks += [Line(f"File: {query.path.name}"), Blank()]
    blocks.append(Lines(tuple(query.text.rstrip("\n").split("\n"))))
    return Blocks(tuple(blocks))


@dataclass(frozen=True)
class Catalogue(Result):
    """``imhgraph queries``: every named query (name, title, parameters)."""

    queries: Mapping[str, NamedQuery]

    def to_json(self) -> list[dict[str, Any]]:
        return catalogue_json(self.queries)

    def table(self, fmt: str = "table") -> Table:
        found = catalogue_table(self.queries)
        note = "`imhgraph queries NAME` shows a query; `imhgraph query NAME --param …` runs it."
        return Table(found.columns, found.rows, found.title, [*found.notes, note])


@dataclass(frozen=True)
class QueryDocs(Result):
    """``imhgraph queries NAME``: one query's documentation and text (:func:`describe`)."""

    query: NamedQuery

    def to_json(self) -> dict[str, Any]:
        return describe_json(self.query)

    def document(self, fmt: str) -> Blocks | None:
        return None if fmt == "json" else describe(self.query)


README_SECTION = "queries-catalogue"
