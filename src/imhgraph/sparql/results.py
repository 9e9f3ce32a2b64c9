"""A query's answer as output: W3C SPARQL results JSON, a table with names beside IRIs, or a
graph serialisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError
from ..namespaces import short_id
from ..blocks import Blocks, Line
from ..render import TABLE_FORMATS, Document, Result, Serialised, Table, render_text_of
from ..stores import Backend
from .named_queries import GRAPH_FORMATS
from .running import QueryResult



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
    from .. import ids

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


@dataclass(frozen=True)
class Answer(Result):
    """A query's answer as a command result: W3C SPARQL results JSON; a table with names beside
    IRIs (SELECT); ``true``/``false`` (ASK); Turtle, JSON-LD (also ``json``) or N-Triples
    (CONSTRUCT/DESCRIBE)."""

    result: QueryResult
    #: where the names beside IRIs come from (asked only when a table is written).
    backend: Backend

    def to_json(self) -> dict[str, Any]:
        return results_json(self.result)

    def table(self, fmt: str = "table") -> Table:
        return to_table(self.backend, self.result)

    def document(self, fmt: str) -> Document | None:
        """The graph of a CONSTRUCT/DESCRIBE (written by :mod:`imhgraph.export`), the word of an ASK.

        :raises QueryError: a format that does not fit the query form.
        """
        result = self.result
        if result.form in ("CONSTRUCT", "DESCRIBE"):
            from ..export import to_jsonld, to_ntriples, to_turtle

            assert result.graph is not None
            writers = {"turtle": to_turtle, "json-ld": to_jsonld, "json": to_jsonld, "ntriples": to_ntriples}
            if fmt not in writers:
                raise QueryError(
                    f"{result.query.where} is a {result.form} query: its answer is a graph, not a table",
                    hint="Use --format turtle, json-ld or ntriples.",
                )
            return Serialised(writers[fmt](result.graph))
        if fmt in GRAPH_FORMATS:
            raise QueryError(
                f"{result.query.where} is a {result.form} query: --format {fmt} is for graphs",
                hint="Use --format " + ", ".join(TABLE_FORMATS) + ".",
            )
        if result.form == "ASK" and fmt != "json":
            return Blocks((Line("true" if result.boolean else "false"),))
        return None


def render_result(backend: Backend, result: QueryResult, fmt: str) -> str:
    """*result* as text in *fmt* (see :class:`Answer`).

    :raises QueryError: a format that does not fit the query form.
    """
    return render_text_of(Answer(result, backend), fmt)
