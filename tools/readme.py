"""README sections generated from the code, so the documentation cannot drift.

``python tools/readme.py README.md`` rewrites the generated sections of README.md in place;
``tests/test_docs.py`` fails when the README differs from what this module generates. A
development tool: it is not part of the installed package.
"""

from __future__ import annotations

import sys
from pathlib import Path

from imhgraph.errors import ALL_ERRORS, ImhgraphError

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success; `validate`: the data conforms (warnings allowed); `diff`: no change"),
    (1, "a finding: SHACL violations (or warnings with `--fail-on warning`), gaps with `--fail-on-gaps`, "
        "`diff` found changes, an ASK answered false with `--fail-on-false`"),
    (2, "unusable input or usage: a file that cannot be read or parsed, an unknown ID, a bad option, "
        "a refused query, an endpoint that is down"),
    (3, "a bug in imhgraph (the message says so; `--debug` shows the full traceback)"),
)


def errors_markdown() -> str:
    """The "Error messages" section: exit codes, then one row per error ID."""
    lines = [
        "## Exit codes and error messages",
        "",
        "| exit code | meaning |",
        "|---|---|",
        *[f"| {code} | {meaning} |" for code, meaning in EXIT_CODES],
        "",
        "Every error a user can cause is one line `error [ID]: what is wrong`, usually followed by",
        "`hint: what to do`, on standard error — never a traceback. The IDs are stable:",
        "",
        "| ID | kind | when |",
        "|---|---|---|",
    ]
    for cls in sorted(ALL_ERRORS, key=lambda c: c.code):
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        lines.append(f"| `{cls.code}` | {_kind(cls)} | {doc} |")
    lines.append("| `IMH999` | bug | an internal error in imhgraph: please report it with the command you ran |")
    return "\n".join(lines) + "\n"


def _kind(cls: type[ImhgraphError]) -> str:
    name = cls.__name__
    return "".join(" " + c.lower() if c.isupper() else c for c in name).strip().removesuffix(" error") or name


def queries_catalogue_markdown() -> str:
    """The README's catalogue table of named queries, generated from their headers (a test
    keeps it in sync)."""
    from imhgraph.render import markdown_escape
    from imhgraph.sparql import catalogue

    lines = ["| query | answers | parameters | columns |", "|---|---|---|---|"]
    for q in catalogue().values():
        params = "<br>".join(
            f"`{p.name}` ({p.kind_text})" + (f", e.g. `{p.example}`" if p.example else "") for p in q.params
        )
        answers = markdown_escape(f"**{q.title}.** {q.description}")
        columns = ", ".join(f"`{c}`" for c in q.columns)
        lines.append(f"| `{q.name}` | {answers} | {params or '—'} | {columns} |")
    return "\n".join(lines) + "\n"


#: What imhgraph promises about bad input, and the tests (``file::name``) that prove each promise;
#: tests/test_hardening.py checks that every test named here exists.
GUARANTEES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "**No traceback for a mistake.** A user's mistake is one `error [ID]` line and a hint, exit 2. "
        "A bug says so (`IMH999`, exit 3) and `--debug` shows its traceback. Random IDs, parameters "
        "and query text never produce a traceback.",
        (
            "tests/test_hardening.py::test_a_mistake_shows_no_traceback_unless_debug",
            "tests/test_hardening.py::test_a_bug_is_exit_3_and_debug_shows_the_traceback",
            "tests/test_properties.py::test_random_ids_never_make_a_traceback",
            "tests/test_properties.py::test_random_parameters_never_make_a_traceback",
            "tests/test_properties.py::test_random_query_text_never_makes_a_traceback",
        ),
    ),
    (
        "**Nothing is fetched unless you name a URL** (`--endpoint`, `push`). Remote JSON-LD contexts, "
        "external XML entities and SPARQL `SERVICE` are refused without a connection; an external DTD "
        "is ignored. Every command is run with sockets guarded, and again under `strace`, which also "
        "sees what Oxigraph's Rust parsers do.",
        (
            "tests/test_no_network.py::test_whole_command_surface_runs_with_sockets_disabled",
            "tests/test_no_network.py::test_no_connection_at_the_system_call_level",
            "tests/test_hardening.py::test_remote_context_external_dtd_and_entities_are_never_fetched",
            "tests/test_hardening.py::test_service_is_refused_without_contacting_the_service",
        ),
    ),
    (
        "**Nothing is lost.** Outputs are written to a temporary file and then renamed. A full disk or "
        "a failure halfway leaves the previous file as it was, with no temporary file left behind.",
        (
            "tests/test_hardening.py::test_disk_full_while_writing_keeps_the_previous_file",
            "tests/test_hardening.py::test_an_exception_halfway_through_a_stream_keeps_the_previous_file",
            "tests/test_hardening.py::test_disk_full_through_the_cli_is_a_clear_error",
            "tests/test_hardening.py::test_bad_rdf_file_is_refused_with_its_reason_and_nothing_is_written",
        ),
    ),
    (
        "**Inputs are never overwritten**, whether the output path names an input directly or through "
        "a symbolic or hard link.",
        ("tests/test_hardening.py::test_output_equal_to_an_input_is_refused_and_the_input_kept",),
    ),
    (
        "**`query` only reads.** SPARQL UPDATE (`INSERT`, `DELETE`, `LOAD`, `DROP`, `CLEAR`) is refused "
        "and the store stays unchanged. Parameters are bound as values (a VALUES block of checked, escaped terms), so "
        "`--param \"topic=x> } ; DROP ALL ; #\"` is just a topic that does not exist.",
        (
            "tests/test_hardening.py::test_sparql_update_is_refused_and_changes_nothing",
            "tests/test_hardening.py::test_parameters_that_try_to_inject_sparql_are_values",
            "tests/test_properties.py::test_a_text_parameter_comes_back_exactly_as_given",
        ),
    ),
    (
        "**No entity tricks in RDF/XML.** A file cannot make imhgraph read another file, and cannot "
        "expand into gigabytes (\"billion laughs\"). Only plain namespace abbreviations, as Protégé "
        "writes them, are expanded.",
        (
            "tests/test_hardening.py::test_external_entity_never_reads_the_file",
            "tests/test_hardening.py::test_unsafe_xml_is_refused_before_the_parser_sees_it",
            "tests/test_hardening.py::test_rdfxml_namespace_entities_as_protege_writes_them_still_load",
        ),
    ),
    (
        "**Bounded memory.** A file larger than `IMHGRAPH_MAX_FILE_BYTES` is refused before it is read. "
        "The default is 2 GiB, or a quarter of the machine's memory if that is less; larger data "
        "belongs in `--store`. JSON-LD or RDF/XML nested more than 256 levels deep is refused: fuzzing "
        "found that about 4,000 levels crash Oxigraph's JSON-LD parser.",
        (
            "tests/test_hardening.py::test_file_larger_than_the_limit_is_refused_before_reading",
            "tests/test_hardening.py::test_nesting_that_would_crash_or_stall_a_parser_is_refused",
        ),
    ),
    (
        "**No formulas in CSV or TSV.** A cell that starts with `=`, `+`, `-` or `@` and is not a number "
        "gets a leading apostrophe, so `=HYPERLINK(…)` is shown as text, not run. This holds for every "
        "command that writes CSV.",
        ("tests/test_hardening.py::test_no_csv_output_emits_a_formula",),
    ),
    (
        "**Spreadsheets are all or nothing.** Every bad row is reported with its row number and column, "
        "and nothing is written unless every row is valid. What imports is valid Turtle.",
        (
            "tests/test_properties.py::test_random_spreadsheets_import_validly_or_name_their_rows",
            "tests/test_hardening.py::test_ragged_csv_rows_are_reported_by_row_and_nothing_is_written",
        ),
    ),
    (
        "**Round trips are faithful.** Any valid graph in the vocabulary goes Turtle → JSON-LD → Turtle "
        "and comes back the same graph, byte for byte, and still valid. Numbers come back in canonical "
        "form: `2.50` becomes `2.5`.",
        ("tests/test_properties.py::test_random_graphs_round_trip_turtle_jsonld_turtle_and_validate",),
    ),
    (
        "**The loaders are fuzzed on every test run**: about 9,000 mutated Turtle, N-Triples, JSON-LD "
        "and RDF/XML documents and random bytes. Each either loads or gets a clear error. Inputs that "
        "once crashed a parser are kept and replayed.",
        (
            "tests/test_fuzz.py::test_fuzz_loader",
            "tests/test_fuzz.py::test_kept_crashers_now_load_or_explain",
        ),
    ),
)

#: The bad-input catalogue: (what you gave, the command, the first line it prints, exit 2).
#: tests/test_hardening.py runs every command from the checkout and compares the line.
CATALOGUE: tuple[tuple[str, str, str], ...] = (
    ("an empty file", "imhgraph --data tests/fixtures/bad/empty.ttl validate",
     "error [IMH010]: tests/fixtures/bad/empty.ttl: the file is empty"),
    ("binary garbage", "imhgraph --data tests/fixtures/bad/garbage.ttl validate",
     "error [IMH010]: tests/fixtures/bad/garbage.ttl: not an RDF text file: the content is binary data, not text"),
    ("a spreadsheet renamed .ttl", "imhgraph --data tests/fixtures/bad/spreadsheet.ttl validate",
     "error [IMH010]: tests/fixtures/bad/spreadsheet.ttl: not an RDF text file: the content is a ZIP archive "
     "(an Excel .xlsx or a zipped download?)"),
    ("JSON in a .ttl file", "imhgraph --data tests/fixtures/bad/json-in.ttl validate",
     "error [IMH011]: tests/fixtures/bad/json-in.ttl: the file name says Turtle (.ttl) but the content looks like JSON-LD"),
    ("Turtle in a .jsonld file", "imhgraph --data tests/fixtures/bad/turtle-in.jsonld validate",
     "error [IMH011]: tests/fixtures/bad/turtle-in.jsonld: the file name says JSON-LD (.jsonld) but the content "
     "looks like Turtle"),
    ("a saved web page", "imhgraph --data tests/fixtures/bad/html-in.ttl validate",
     "error [IMH011]: tests/fixtures/bad/html-in.ttl: the file name says Turtle (.ttl) but the content looks like HTML"),
    ("Latin-1 text", "imhgraph --data tests/fixtures/bad/latin1.ttl validate",
     "error [IMH011]: tests/fixtures/bad/latin1.ttl, line 2: not UTF-8 text: byte 0xe9 (probably 'é' saved as "
     "Latin-1/Windows-1252)"),
    ("a string not closed", "imhgraph --data tests/fixtures/bad/unterminated-string.ttl validate",
     "error [IMH011]: tests/fixtures/bad/unterminated-string.ttl, line 4, column 42: a string is not closed before "
     "the end of the line"),
    ("a missing dot", "imhgraph --data tests/fixtures/bad/missing-dot.ttl validate",
     "error [IMH011]: tests/fixtures/bad/missing-dot.ttl, line 5, column 1: a '.' is missing at the end of the "
     "statement before this point"),
    ("a space in an IRI", "imhgraph --data tests/fixtures/bad/bad-iri.ttl validate",
     "error [IMH011]: tests/fixtures/bad/bad-iri.ttl, line 5, column 20: invalid character ' ' inside an IRI <…>"),
    ("an undefined prefix", "imhgraph --data tests/fixtures/bad/undefined-prefix.ttl validate",
     "error [IMH011]: tests/fixtures/bad/undefined-prefix.ttl, line 6, column 5: undefined prefix 'foo' "
     "(no @prefix foo: declaration)"),
    ("malformed JSON", "imhgraph --data tests/fixtures/bad/bad-json.jsonld validate",
     "error [IMH011]: tests/fixtures/bad/bad-json.jsonld, line 4, column 1: Trailing commas are not allowed"),
    ("a remote JSON-LD @context", "imhgraph --data tests/fixtures/bad/remote-context.jsonld validate",
     "error [IMH012]: tests/fixtures/bad/remote-context.jsonld: the JSON-LD refers to the external @context "
     "'https://schema.org/'; imhgraph never fetches contexts"),
    ("\"billion laughs\" RDF/XML", "imhgraph --data tests/fixtures/bad/billion-laughs.rdf validate",
     "error [IMH012]: tests/fixtures/bad/billion-laughs.rdf: RDF/XML entity &lol1; is defined through other "
     "entities (an entity expansion attack, \"billion laughs\"); refused"),
    ("an external XML entity", "imhgraph --data tests/fixtures/bad/xxe-file.rdf validate",
     "error [IMH012]: tests/fixtures/bad/xxe-file.rdf: RDF/XML declares the external entity &secret; "
     "(SYSTEM \"file:///etc/passwd\"); refused, nothing was read"),
    ("JSON-LD nested 5,000 deep", "imhgraph --data tests/fixtures/bad/fuzz/deep-objects.jsonld validate",
     "error [IMH012]: tests/fixtures/bad/fuzz/deep-objects.jsonld: JSON objects and arrays nest 5001 levels deep "
     "(more than 256); refused, as parsing it could exhaust the memory or crash the parser"),
    ("a misspelt topic", "imhgraph coverage --topic atachment-theory",
     "error [IMH020]: unknown topic 'atachment-theory'"),
    ("a misspelt education level", "imhgraph eligible --education mastrs",
     "error [IMH020]: unknown education level 'mastrs'"),
    ("a name two programs share", "imhgraph --data tests/fixtures/bad/ambiguous-names.ttl coverage --program \"imh certificate\"",
     "error [IMH021]: ambiguous program 'imh certificate': it names 2 programs"),
    ("SPARQL injection in a parameter", "imhgraph query programs-covering-topic --param \"topic=x> } ; DROP ALL ; #\"",
     "error [IMH020]: unknown topic 'x> } ; DROP ALL ; #'"),
    ("a SPARQL UPDATE", "imhgraph query tests/fixtures/bad/update.rq",
     "error [IMH030]: query 'update' (tests/fixtures/bad/update.rq) is a SPARQL UPDATE; `query` is read-only "
     "and refuses it"),
    ("a SERVICE clause", "imhgraph query tests/fixtures/bad/service.rq",
     "error [IMH030]: query 'service' (tests/fixtures/bad/service.rq) uses SERVICE, which would fetch data from "
     "the network; refused on local data"),
    ("a SPARQL syntax error", "imhgraph query tests/fixtures/bad/syntax-error.rq",
     "error [IMH030]: query 'syntax-error' (tests/fixtures/bad/syntax-error.rq): SPARQL syntax error at line 3, "
     "column 3: the query cannot be read from there (Expected SelectQuery), in: ?program imh:covers"),
    ("a Latin-1 spreadsheet", "imhgraph import-csv tests/fixtures/bad/latin1.csv",
     "error [IMH010]: tests/fixtures/bad/latin1.csv: not UTF-8 text (byte 97, line 2)"),
    ("ragged spreadsheet rows", "imhgraph import-csv tests/fixtures/bad/ragged.csv",
     "error [IMH070]: tests/fixtures/bad/ragged.csv: 4 problems; nothing was written:"),
    ("an output folder that does not exist", "imhgraph export --output no/such/folder/all.ttl",
     "error [IMH040]: cannot write no/such/folder/all.ttl: the folder no/such/folder does not exist"),
    ("an output that is an input",
     "imhgraph import-csv data/templates/programs.csv --output data/templates/programs.csv",
     "error [IMH040]: refusing to write data/templates/programs.csv: it is one of the input files"),
    ("SERVICE spelt with a codepoint escape",
     "imhgraph query tests/fixtures/bad/service-escaped.rq",
     "error [IMH030]: query 'service-escaped' (tests/fixtures/bad/service-escaped.rq) uses SERVICE, which "
     "would fetch data from the network; refused on local data"),
    ("a query file as its own output",
     "imhgraph query tests/fixtures/bad/count.rq --output tests/fixtures/bad/count.rq",
     "error [IMH040]: refusing to write tests/fixtures/bad/count.rq: it is one of the input files"),
    ("an output whose folder is a file",
     "imhgraph export --output README.md/all.ttl",
     "error [IMH040]: cannot write README.md/all.ttl: README.md is a file, not a folder"),
)

#: catalogue entries shown in full (message, the quoted line, the hint), as a terminal shows them.
SHOWCASE: tuple[tuple[str, str], ...] = (
    (
        "imhgraph --data tests/fixtures/bad/misspelt-prefix.ttl validate",
        "error [IMH011]: tests/fixtures/bad/misspelt-prefix.ttl, line 5, column 5: undefined prefix 'rdf' "
        "(no @prefix rdf: declaration)\n"
        "  5 |     rdf:label \"X\" .\n"
        "    |     ^\n"
        "hint: Did you mean: rdfs:? Or declare it: @prefix rdf: <IRI> .\n",
    ),
    (
        "imhgraph coverage --topic atachment-theory",
        "error [IMH020]: unknown topic 'atachment-theory'\n"
        "hint: Did you mean: attachment-theory, infant-parent-psychotherapy, attachment-biobehavioral-catch-up?\n",
    ),
)


def guarantees_markdown() -> str:
    """The "What imhgraph guarantees" section: each promise with the tests that prove it, then
    the bad-input catalogue (the first line each mistake prints) and two errors in full."""
    lines = [
        "## What imhgraph guarantees",
        "",
        "People will feed imhgraph spreadsheets from other people, half-edited Turtle, JSON-LD from",
        "the web and SPARQL they half remember. These promises hold for all of it, and each names",
        "the tests that try to break it:",
        "",
    ]
    for text, tests in GUARANTEES:
        lines.append(f"- {text} *Tests:* " + ", ".join(f"`{t.split('::')[1]}`" for t in tests) + ".")
    lines += [
        "",
        "### Bad input, and what you see",
        "",
        "Each row is run by the test suite from a checkout (`test_readme_catalogue_is_what_imhgraph_says`);",
        "every one exits with 2, writes nothing and fetches nothing. The hint that follows is left out here.",
        "",
        "| you give it | you run | the first line on standard error |",
        "|---|---|---|",
    ]
    for what, command, first in CATALOGUE:
        lines.append(f"| {what} | {_code(command)} | {_code(first)} |")
    lines += ["", "Two of them in full, as a terminal shows them:", ""]
    for command, output in SHOWCASE:
        lines += ["```console", f"$ {command}", output.rstrip("\n"), "```", ""]
    return "\n".join(lines)


def _code(text: str) -> str:
    """*text* as inline code inside a Markdown table cell (pipes escaped; double backticks
    around text that holds a backtick)."""
    text = text.replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


#: section name → generator; the README holds each between BEGIN/END markers.
SECTIONS = {
    "errors": errors_markdown,
    "queries-catalogue": queries_catalogue_markdown,
    "guarantees": guarantees_markdown,
}


def replace_section(text: str, name: str, content: str) -> str:
    """*text* with the body between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` replaced."""
    begin, end = f"<!-- BEGIN {name} -->\n", f"<!-- END {name} -->"
    start = text.index(begin) + len(begin)
    stop = text.index(end, start)
    return text[:start] + content + text[stop:]


def section(text: str, name: str) -> str:
    """The body of section *name* in *text*."""
    begin, end = f"<!-- BEGIN {name} -->\n", f"<!-- END {name} -->"
    start = text.index(begin) + len(begin)
    return text[start : text.index(end, start)]


def regenerate(readme: Path) -> bool:
    """Rewrite every generated section of *readme*; True when something changed."""
    old = readme.read_text(encoding="utf-8")
    new = old
    for name, generate in SECTIONS.items():
        new = replace_section(new, name, generate())
    if new != old:
        from imhgraph.atomic import write_atomic

        write_atomic(readme, new)
    return new != old


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("README.md")
    print("updated" if regenerate(target) else "up to date", target)
