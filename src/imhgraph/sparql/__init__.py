"""Everything SPARQL, in one package (see docs/ARCHITECTURE.md):

* :mod:`.text` — the one masker (strings, IRIs and comments blanked), variables, placeholders,
  PREFIX lines;
* :mod:`.binding` — values bound as a ``VALUES`` block of checked, escaped terms, the same on
  every backend (the backends use it; it imports no backend);
* :mod:`.named_queries` — the catalogue ``queries/*.rq`` and its headers, ``internal_query``
  for the building blocks in ``queries/internal/``, the catalogue's documentation;
* :mod:`.readonly` — the read-only check (syntax, form, no UPDATE, no SERVICE on local data);
* :mod:`.params` — ``--param`` values to RDF terms and into ``VALUES $NAME { }`` placeholders;
* :mod:`.running` — check, bind, run on a backend, rows in a deterministic order;
* :mod:`.results` — an answer as W3C results JSON, a table, or a graph serialisation.

``from imhgraph.sparql import run`` (or ``sparql.run``) works for every public name below.
"""

from __future__ import annotations

from .binding import term_text, with_values
from .named_queries import (
    FORMS,
    Catalogue,
    QueryDocs,
    GRAPH_FORMATS,
    ID_KINDS,
    KIND_HELP,
    PARAM_KINDS,
    README_SECTION,
    VALUE_KINDS,
    NamedQuery,
    Param,
    catalogue,
    catalogue_json,
    catalogue_table,
    describe,
    describe_json,
    example_command,
    find_query,
    internal_query,
    load_query,
    parse_header,
    parse_param,
    query_from_text,
)
from .params import bind_values, fill_placeholders, kind_prefix, parse_param_args, serialise, to_term
from .readonly import Parsed, check
from .results import Answer, cell, render_result, results_json, term_json, to_table
from .running import QueryResult, run, run_named, sort_rows, term_key
from .text import code_only, dollar_variables, placeholder_pattern, placeholders, variables, with_prefixes

__all__ = [
    "Answer",
    "Catalogue",
    "FORMS",
    "GRAPH_FORMATS",
    "ID_KINDS",
    "KIND_HELP",
    "NamedQuery",
    "PARAM_KINDS",
    "Param",
    "Parsed",
    "QueryDocs",
    "QueryResult",
    "README_SECTION",
    "VALUE_KINDS",
    "bind_values",
    "catalogue",
    "catalogue_json",
    "catalogue_table",
    "cell",
    "check",
    "code_only",
    "describe",
    "describe_json",
    "dollar_variables",
    "example_command",
    "fill_placeholders",
    "find_query",
    "internal_query",
    "kind_prefix",
    "load_query",
    "parse_header",
    "parse_param",
    "parse_param_args",
    "placeholder_pattern",
    "placeholders",
    "query_from_text",
    "render_result",
    "results_json",
    "run",
    "run_named",
    "serialise",
    "sort_rows",
    "term_json",
    "term_key",
    "term_text",
    "to_table",
    "to_term",
    "variables",
    "with_prefixes",
    "with_values",
]
