"""The bad-input catalogue (SPEC §4): every bad input gets a clear answer, nothing is lost,
nothing is fetched.

Each case asserts the exit code, the message (file, line, column where there is one), that
the output file named with ``--output`` was not created or was left exactly as it was, and —
through the autouse :func:`offline` guard — that no connection left the machine.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from imhgraph import atomic, load
from tools.readme import CATALOGUE, GUARANTEES, SHOWCASE
from imhgraph.errors import OutputError, UnsafeInputError

from .conftest import FIXTURES, ROOT
from .netguard import CountingServer, guard

BAD = FIXTURES / "bad"
VALID = FIXTURES / "other" / "valid.ttl"
FORMULA = BAD / "formula-labels.ttl"
PREVIOUS = "previous output, must survive\n"


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Every test here runs with the network refused; any attempt fails the test."""
    with guard(monkeypatch) as attempts:
        yield attempts
    assert attempts == [], f"network access attempted: {attempts}"


@pytest.fixture
def previous(tmp_path) -> Path:
    """An output file from an earlier run, which a failed run must leave untouched."""
    path = tmp_path / "out" / "previous.ttl"
    path.parent.mkdir()
    path.write_text(PREVIOUS, encoding="utf-8")
    return path


def assert_untouched(previous: Path) -> None:
    """The earlier output is byte-identical and no temporary file is left beside it."""
    assert previous.read_text(encoding="utf-8") == PREVIOUS
    assert sorted(p.name for p in previous.parent.iterdir()) == [previous.name]


def assert_user_error(result, code: str, *parts: str, exit_code: int = 2) -> None:
    """A user's mistake: the exit code, ``error [code]`` first, every part, no traceback."""
    assert result.exit_code == exit_code, result.stderr
    assert result.stderr.startswith(f"error [{code}]: "), result.stderr
    for part in parts:
        assert part in result.stderr, (part, result.stderr)
    assert "Traceback" not in result.stderr
    assert "IMH999" not in result.stderr


# --- RDF input files -------------------------------------------------------------------------

#: file under tests/fixtures/bad → error ID and what the message must say.
RDF_CATALOGUE: dict[str, tuple[str, tuple[str, ...]]] = {
    "empty.ttl": ("IMH010", ("empty.ttl: the file is empty",)),
    "blank.ttl": ("IMH010", ("blank.ttl: the file is empty",)),
    "garbage.ttl": ("IMH010", ("garbage.ttl: not an RDF text file: the content is binary data, not text",)),
    "spreadsheet.ttl": ("IMH010", ("spreadsheet.ttl: not an RDF text file: the content is a ZIP archive",)),
    "utf16.ttl": ("IMH010", ("the content is UTF-16 text (save it as UTF-8)",)),
    "latin1.ttl": (
        "IMH011",
        ("latin1.ttl, line 2: not UTF-8 text: byte 0xe9 (probably 'é' saved as Latin-1/Windows-1252)",
         "hint: Save the file as UTF-8"),
    ),
    "json-in.ttl": (
        "IMH011",
        ("json-in.ttl: the file name says Turtle (.ttl) but the content looks like JSON-LD",
         "hint: Rename it to end in .jsonld."),
    ),
    "turtle-in.jsonld": (
        "IMH011",
        ("turtle-in.jsonld: the file name says JSON-LD (.jsonld) but the content looks like Turtle",
         "hint: Rename it to end in .ttl."),
    ),
    "html-in.ttl": ("IMH011", ("the content looks like HTML", "A web page was saved instead of the data")),
    "csv-in.ttl": ("IMH011", ("the content looks like CSV", "imhgraph import-csv")),
    "unterminated-string.ttl": (
        "IMH011",
        ("unterminated-string.ttl, line 4, column 42: a string is not closed before the end of the line",),
    ),
    "unclosed-string-at-end.ttl": (
        "IMH011",
        ("unclosed-string-at-end.ttl, line 4, column 18: a string starts here and is never closed",),
    ),
    "missing-dot.ttl": (
        "IMH011",
        ("missing-dot.ttl, line 5, column 1: a '.' is missing at the end of the statement before this point",),
    ),
    "bad-iri.ttl": ("IMH011", ("bad-iri.ttl, line 5, column 20: invalid character ' ' inside an IRI", "%20")),
    "unclosed-iri.ttl": (
        "IMH011",
        ("unclosed-iri.ttl, line 4, column 18: an IRI starts here and is never closed with '>'",),
    ),
    "undefined-prefix.ttl": (
        "IMH011",
        ("undefined-prefix.ttl, line 6, column 5: undefined prefix 'foo'", "@prefix foo: <IRI> ."),
    ),
    "misspelt-prefix.ttl": ("IMH011", ("line 5, column 5: undefined prefix 'rdf'", "Did you mean: rdfs:?")),
    "bad-json.jsonld": ("IMH011", ("bad-json.jsonld, line 4, column 1: Trailing commas are not allowed",)),
    "remote-context.jsonld": (
        "IMH012",
        ("the JSON-LD refers to the external @context 'https://schema.org/'; imhgraph never fetches contexts",
         "context.jsonld"),
    ),
    "billion-laughs.rdf": ("IMH012", ("entity &lol1; is defined through other entities", "billion laughs")),
    "xxe-file.rdf": ("IMH012", ('external entity &secret; (SYSTEM "file:///etc/passwd"); refused, nothing was read',)),
    "xxe-parameter.rdf": ("IMH012", ("declares the parameter entity %remote; refused",)),
}


@pytest.mark.parametrize("name", sorted(RDF_CATALOGUE))
def test_bad_rdf_file_is_refused_with_its_reason_and_nothing_is_written(run, previous, name):
    code, parts = RDF_CATALOGUE[name]
    result = run("--data", BAD / name, "export", "--format", "turtle", "--output", previous)
    assert_user_error(result, code, *parts)
    assert str(BAD / name) in result.stderr.splitlines()[0]
    assert result.stdout == ""
    assert_untouched(previous)


@pytest.mark.parametrize("name", sorted(RDF_CATALOGUE))
def test_every_command_that_reads_data_refuses_the_bad_file_alike(run, name):
    code, parts = RDF_CATALOGUE[name]
    for args in (("validate",), ("stats",), ("coverage",), ("query", "list-programs")):
        result = run("--data", BAD / name, *args)
        assert_user_error(result, code, *parts)
    # diff reads both sides with the same loader.
    assert_user_error(run("diff", VALID, BAD / name), code, *parts)


def test_syntax_error_quotes_the_line_with_a_caret_under_the_column(run):
    result = run("--data", BAD / "undefined-prefix.ttl", "stats")
    assert result.stderr.splitlines() == [
        f"error [IMH011]: {BAD / 'undefined-prefix.ttl'}, line 6, column 5: undefined prefix 'foo' "
        "(no @prefix foo: declaration)",
        "  6 |     foo:covers <https://w3id.org/imhgraph/topic/attachment-theory> .",
        "    |     ^",
        "hint: Declare it at the top: @prefix foo: <IRI> .",
    ]


def test_a_byte_order_mark_is_ignored(run):
    with_bom = run("--data", BAD / "bom.ttl", "export", "--format", "ntriples")
    without = run("--data", VALID, "export", "--format", "ntriples")
    assert with_bom.exit_code == 0, with_bom.stderr
    assert with_bom.stdout == without.stdout
    assert "northwind-foundations" in with_bom.stdout


def test_rdfxml_namespace_entities_as_protege_writes_them_still_load(run):
    result = run("--data", BAD / "protege-entities.owl", "query", "list-organizations", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ["protege-org,Protégé Org,0,0"]


def test_rdfxml_entities_that_would_expand_too_far_are_refused(run, tmp_path, monkeypatch):
    monkeypatch.setattr(load, "MAX_ENTITY_EXPANSION", 1000)
    uses = "&imh;" * 100  # 100 uses of a 35-character entity: 3,500 bytes > 1,000
    path = tmp_path / "many.rdf"
    path.write_text(
        (BAD / "protege-entities.owl").read_text(encoding="utf-8").replace("Protégé Org", uses),
        encoding="utf-8",
    )
    assert_user_error(run("--data", path, "stats"), "IMH012", "entities would expand to more than 1000 bytes")


def test_external_entity_never_reads_the_file(run, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER\n", encoding="utf-8")
    doc = tmp_path / "xxe.rdf"
    doc.write_text(
        (BAD / "xxe-file.rdf").read_text(encoding="utf-8").replace("file:///etc/passwd", secret.as_uri()),
        encoding="utf-8",
    )
    result = run("--data", doc, "export", "--format", "ntriples")
    assert_user_error(result, "IMH012", "external entity &secret;")
    assert "TOP-SECRET-MARKER" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("deep-objects.jsonld", "JSON objects and arrays nest 5001 levels deep (more than 256)"),
        ("brace-strings-interleaved.jsonld", "JSON objects and arrays nest 301 levels deep"),
        ("deep-elements.rdf", "XML elements nest 6001 levels deep (more than 256)"),
    ],
)
def test_nesting_that_would_crash_or_stall_a_parser_is_refused(run, previous, name, message):
    """Found by fuzzing: Oxigraph's JSON-LD parser overflowed its stack (the process died) on
    objects nested ~4,000 deep; braces inside strings must not hide the depth."""
    result = run("--data", BAD / "fuzz" / name, "export", "--output", previous)
    assert_user_error(result, "IMH012", message, "convert the file to Turtle")
    assert_untouched(previous)


def test_unsafe_xml_is_refused_before_the_parser_sees_it():
    with pytest.raises(UnsafeInputError, match="billion laughs"):
        load.check_xml_entities(Path("x.rdf"), (BAD / "billion-laughs.rdf").read_bytes())
    # single quotes and a '>' inside a value are read as values, not as the end of the declaration
    load.check_xml_entities(Path("x.rdf"), b"<!DOCTYPE r [ <!ENTITY a 'x>y'> ]><r>&a;</r>")


def test_remote_context_external_dtd_and_entities_are_never_fetched(run, tmp_path):
    """Oxigraph's parsers run in Rust, where the socket guard cannot look: a loopback server
    that counts requests proves that no layer fetched anything."""
    with CountingServer() as server:
        cases = {
            "context.jsonld": (
                '{"@context": "%s/context.jsonld", "@id": "https://w3id.org/imhgraph/org/x", "name": "X"}',
                "IMH012",
            ),
            "imported.jsonld": (
                '{"@context": {"@import": "%s/ctx", "ex": "http://e/"}, "@id": "http://e/a", "ex:p": "v"}',
                "IMH012",
            ),
            "nested.jsonld": (
                '{"@id": "http://e/a", "http://e/p": {"@context": "%s/nested", "@value": "v"}}',
                "IMH012",
            ),
            "dtd.rdf": (
                '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "%s/evil.dtd">\n'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
                '<rdf:Description rdf:about="https://w3id.org/imhgraph/org/x"><rdfs:label>X</rdfs:label>'
                "</rdf:Description></rdf:RDF>\n",
                None,
            ),
            "entity.rdf": (
                '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "%s/entity"> ]>\n'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
                '<rdf:Description rdf:about="https://w3id.org/imhgraph/org/x"><rdfs:label>&e;</rdfs:label>'
                "</rdf:Description></rdf:RDF>\n",
                "IMH012",
            ),
        }
        for name, (text, code) in cases.items():
            path = tmp_path / name
            path.write_text(text % server.url, encoding="utf-8")
            result = run("--data", path, "export", "--format", "ntriples")
            if code:
                assert_user_error(result, code, server.url)
            else:
                # An external DTD is ignored (Oxigraph never loads DTDs): the data loads.
                assert result.exit_code == 0, result.stderr
                assert (
                    '<https://w3id.org/imhgraph/org/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .'
                    in result.stdout.splitlines()
                )
        assert server.requests == []


def test_file_larger_than_the_limit_is_refused_before_reading(run, tmp_path, monkeypatch, previous):
    from imhgraph import resources

    # a limit the vocabulary (always loaded) fits in, and a file with one huge literal twice as big
    limit = 1024 * (max(p.stat().st_size for p in resources.vocabulary_files()) // 1024 + 1)
    big = tmp_path / "big.ttl"
    big.write_text(
        '<https://w3id.org/imhgraph/org/x> <http://www.w3.org/2000/01/rdf-schema#label> "'
        + "x" * (2 * limit) + '" .\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("IMHGRAPH_MAX_FILE_BYTES", str(limit))
    result = run("--data", big, "export", "--output", previous)
    assert_user_error(
        result, "IMH010",
        f"big.ttl: {load.human_size(big.stat().st_size)} is larger than imhgraph reads into memory "
        f"({limit // 1024}.0 KB); nothing was loaded",
        "--store DIR",
    )
    assert_untouched(previous)
    monkeypatch.setenv("IMHGRAPH_MAX_FILE_BYTES", "lots")
    assert_user_error(run("--data", big, "stats"), "IMH001", "IMHGRAPH_MAX_FILE_BYTES='lots' is not a positive number")
    monkeypatch.delenv("IMHGRAPH_MAX_FILE_BYTES")
    assert run("--data", big, "stats").exit_code == 0


def test_a_file_that_grows_while_read_is_cut_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("IMHGRAPH_MAX_FILE_BYTES", "100")
    # /dev/zero reports size 0 and never ends: reading must stop at the limit.
    with pytest.raises(Exception) as caught:
        load.read_input(Path("/dev/zero"))
    assert "larger than imhgraph reads into memory (100 bytes)" in str(caught.value)


def test_unknown_file_type_points_spreadsheets_to_import_csv(run, tmp_path):
    sheet = tmp_path / "programs.csv"
    sheet.write_text("program_id\nx\n", encoding="utf-8")
    assert_user_error(run("--data", sheet, "stats"), "IMH010", "unknown file type '.csv'", "imhgraph import-csv")
    assert_user_error(run("--data", tmp_path / "missing.ttl", "stats"), "IMH010", "missing.ttl: no such file or folder")


# --- unknown IDs ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (("compare", "formula-program", "formula-programm"), "unknown program 'formula-programm'",
         "hint: Did you mean: formula-program, plain-program?"),
        (("coverage", "--topic", "atachment-theory"), "unknown topic 'atachment-theory'",
         "hint: Did you mean: attachment-theory"),
        (("gaps", "formula-program", "--credential", "formula-credentail"), "unknown credential 'formula-credentail'",
         "hint: Did you mean: formula-credential?"),
        (("eligible", "--education", "mastrs"), "unknown education level 'mastrs'", "hint: Did you mean: master"),
        (("eligible", "--education", "master", "--profession", "socialworker"), "unknown profession 'socialworker'",
         "hint: Did you mean: social-worker"),
        (("gaps", "formula-program", "--credential", "zzzz"), "unknown credential 'zzzz'",
         "hint: `imhgraph query list-credentials` lists them."),
        (("query", "program-topics", "--param", "program=formula-programm"), "unknown program 'formula-programm'",
         "hint: Did you mean: formula-program"),
    ],
)
def test_unknown_id_says_so_and_suggests_the_closest(run, args, message, hint):
    result = run("--data", FORMULA, *args)
    assert_user_error(result, "IMH020", message, hint)
    assert len(result.stderr.splitlines()) == 2  # the error and the hint, nothing else


# --- SPARQL: read-only, local, and parameters bound as values --------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "DELETE WHERE { ?s ?p ?o }",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "LOAD <http://example.org/data.ttl>",
        "PREFIX x: <http://x/>\nDELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    ],
)
def test_sparql_update_is_refused_and_changes_nothing(run, tmp_path, text):
    store = tmp_path / "store"
    assert run("--store", store, "--data", FORMULA, "stats").exit_code == 0
    before = run("--store", store, "export", "--format", "ntriples").stdout
    query = tmp_path / "change.rq"
    query.write_text(text + "\n", encoding="utf-8")
    result = run("--store", store, "query", query)
    assert_user_error(result, "IMH030", f"query 'change' ({query}) is a SPARQL UPDATE; `query` is read-only")
    assert run("--store", store, "export", "--format", "ntriples").stdout == before


def test_service_is_refused_without_contacting_the_service(run, tmp_path):
    with CountingServer() as server:
        query = tmp_path / "remote.rq"
        query.write_text(f"SELECT * WHERE {{ SERVICE <{server.url}/sparql> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
        result = run("--data", FORMULA, "query", query)
        assert_user_error(result, "IMH030", "uses SERVICE, which would fetch data from the network; refused")
        assert server.requests == []


def test_sparql_syntax_error_names_the_query_and_position(run, tmp_path):
    query = tmp_path / "broken.rq"
    query.write_text("SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?s = )\n}\n", encoding="utf-8")
    assert_user_error(
        run("--data", FORMULA, "query", query), "IMH030", f"query 'broken' ({query}): SPARQL syntax error at line 3"
    )


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("topic=x> } ; DROP ALL ; #", "unknown topic 'x> } ; DROP ALL ; #'"),
        ('topic=attachment-theory" } ; DELETE WHERE { ?s ?p ?o } #', "unknown topic"),
    ],
)
def test_parameters_that_try_to_inject_sparql_are_values(run, tmp_path, param, message):
    store = tmp_path / "store"
    assert run("--store", store, "--data", FORMULA, "stats").exit_code == 0
    before = run("--store", store, "export", "--format", "ntriples").stdout
    result = run("--store", store, "query", "programs-covering-topic", "--param", param)
    assert_user_error(result, "IMH020", message)
    assert len(result.stderr.splitlines()) == 2  # no rdflib "not a valid URI" noise
    assert run("--store", store, "export", "--format", "ntriples").stdout == before


def test_a_text_parameter_is_bound_as_a_literal_not_pasted(run, tmp_path):
    query = tmp_path / "echo.rq"
    query.write_text(
        "# title: Echo\n# param: text string — any text\n# columns: text, n\n"
        "SELECT ?text (COUNT(?s) AS ?n) WHERE { OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?text } }"
        " GROUP BY ?text\n",
        encoding="utf-8",
    )
    injected = run("--data", FORMULA, "query", query, "--param", 'text=x" } ; DROP ALL ; #', "--format", "tsv")
    assert injected.exit_code == 0, injected.stderr
    assert injected.stdout == 'text\tn\n"x"" } ; DROP ALL ; #"\t0\n'
    # the same mechanism finds a real label, so the parameter did reach the query
    found = run("--data", FORMULA, "query", query, "--param", "text=@SUM(1+1)", "--format", "tsv")
    assert found.stdout == "text\tn\n'@SUM(1+1)\t1\n"


def test_iri_parameter_with_injected_text_is_not_an_iri(run):
    result = run(
        "--data", FORMULA, "query", "sources-of", "--param",
        "resource=https://w3id.org/imhgraph/program/formula-program> } ; DROP ALL ; #",
    )
    assert_user_error(result, "IMH030", "is not an IRI")


# --- CSV: encoding, BOM, ragged rows, formula injection --------------------------------------

CSV_HEADER = "program_id,program_label,organization_id,organization_label,topic_id,source\n"
CSV_ROW = "csv-prog,CSV Program,csv-org,CSV Org,attachment-theory,https://example.org/csv\n"


def test_csv_in_latin1_is_refused_with_its_line(run, tmp_path, previous):
    sheet = tmp_path / "latin1.csv"
    sheet.write_bytes((CSV_HEADER + CSV_ROW.replace("CSV Org", "Université")).encode("latin-1"))
    result = run("import-csv", sheet, "--output", previous)
    assert_user_error(result, "IMH010", "latin1.csv: not UTF-8 text (byte", "line 2)", "CSV UTF-8")
    assert_untouched(previous)


def test_csv_with_a_byte_order_mark_imports_like_without(run, tmp_path):
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    plain.write_text(CSV_HEADER + CSV_ROW, encoding="utf-8")
    bom.write_bytes(b"\xef\xbb\xbf" + (CSV_HEADER + CSV_ROW).encode("utf-8"))
    a, b = run("import-csv", plain), run("import-csv", bom)
    assert a.exit_code == b.exit_code == 0, b.stderr
    assert a.stdout == b.stdout and "program:csv-prog" in b.stdout


def test_ragged_csv_rows_are_reported_by_row_and_nothing_is_written(run, tmp_path, previous):
    sheet = tmp_path / "ragged.csv"
    sheet.write_text(CSV_HEADER + CSV_ROW + "csv-prog,CSV Program,csv-org\n" + CSV_ROW.strip() + ",x,y\n",
                     encoding="utf-8")
    result = run("import-csv", sheet, "--output", previous)
    assert_user_error(
        result, "IMH070", "nothing was written", "row 3, column organization_label: empty organization label",
        "row 4: 8 cells but the header has 6 columns",
    )
    assert_untouched(previous)


def test_formula_cells_in_a_spreadsheet_stay_data(run, tmp_path):
    sheet = tmp_path / "formula.csv"
    sheet.write_text(CSV_HEADER + 'formula-prog,"=HYPERLINK(""http://evil.example/"",""x"")",csv-org,'
                     "+cmd|' /C calc'!A0,attachment-theory,https://example.org/f\n", encoding="utf-8")
    out = tmp_path / "formula.ttl"
    assert run("import-csv", sheet, "--output", out).exit_code == 0
    assert 'rdfs:label "=HYPERLINK(\\"http://evil.example/\\",\\"x\\")"' in out.read_text(encoding="utf-8")
    # …and once in the graph, every CSV output neutralises it
    listed = run("--data", out, "query", "list-programs", "--format", "csv")
    assert listed.stdout.splitlines()[1].startswith("formula-prog,\"'=HYPERLINK(")


def test_formula_in_an_id_cell_is_rejected_with_its_row(run, tmp_path):
    sheet = tmp_path / "formula-id.csv"
    sheet.write_text(CSV_HEADER + "=1+1,X,csv-org,O,attachment-theory,https://example.org/f\n", encoding="utf-8")
    assert_user_error(run("import-csv", sheet), "IMH070", "row 2, column program_id, value '=1+1': not a valid ID")


def test_spreadsheet_file_given_to_import_csv_is_refused(run, tmp_path):
    sheet = tmp_path / "programs.csv"
    sheet.write_bytes((BAD / "spreadsheet.ttl").read_bytes())
    assert_user_error(run("import-csv", sheet), "IMH010", "not UTF-8 text")


# --- output paths ----------------------------------------------------------------------------

def test_output_in_a_missing_folder(run, tmp_path):
    target = tmp_path / "no" / "such" / "out.ttl"
    assert_user_error(run("--data", VALID, "export", "--output", target), "IMH040", "the folder", "does not exist")
    assert not (tmp_path / "no").exists()


def test_output_that_is_a_folder(run, tmp_path):
    result = run("--data", VALID, "coverage", "--output", tmp_path)
    assert result.exit_code == 2 and "is a directory" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(OutputError, match="it is a folder"):
        atomic.write_atomic(tmp_path, "x")


def test_output_without_permission_is_refused(monkeypatch, tmp_path):
    # Root ignores permissions, so the check's logic is tested by what os.access answers.
    monkeypatch.setattr(atomic.os, "access", lambda path, mode: False)
    with pytest.raises(OutputError, match="no permission to write in"):
        atomic.write_atomic(tmp_path / "out.ttl", "x")
    assert list(tmp_path.iterdir()) == []


def test_output_in_a_folder_without_write_permission(run, tmp_path):
    if os.geteuid() == 0:  # root may write in a folder without write permission: ask 'nobody'
        from .unprivileged import CLI, nobody_folder, run_as_nobody

        with nobody_folder() as home:
            folder = home / "ro"
            folder.mkdir()
            folder.chmod(0o555)
            done = run_as_nobody(CLI, "--data", str(VALID), "export", "--output", str(folder / "x.ttl"), cwd=home)
            assert done.returncode == 2 and "error [IMH040]" in done.stderr and "no permission" in done.stderr, done.stderr
            assert list(folder.iterdir()) == []
        return
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert_user_error(run("--data", VALID, "export", "--output", folder / "x.ttl"), "IMH040", "no permission")
    finally:
        folder.chmod(0o755)


def _can_mount_read_only() -> bool:
    import shutil
    import subprocess

    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs root and mount namespaces (unshare -m)")
def test_output_on_a_read_only_file_system(tmp_path):
    """Even root cannot write there: a real read-only mount, in a private mount namespace."""
    import subprocess
    import sys

    folder = tmp_path / "ro"
    folder.mkdir()
    imhgraph = Path(sys.executable).parent / "imhgraph"
    script = (f"mount -t tmpfs -o ro none {folder} && "
              f"{imhgraph} --data {VALID} export --output {folder / 'x.ttl'}")
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[0] == (
        f"error [IMH040]: cannot write {folder / 'x.ttl'}: {folder} is on a read-only file system"
    )


def test_output_equal_to_an_input_is_refused_and_the_input_kept(run, tmp_path):
    data = tmp_path / "data.ttl"
    data.write_bytes(VALID.read_bytes())
    original = data.read_bytes()
    link = tmp_path / "link.ttl"
    link.symlink_to(data)
    hard = tmp_path / "hard.ttl"
    os.link(data, hard)
    for target in (data, link, hard, tmp_path / "." / "data.ttl"):
        result = run("--data", data, "export", "--format", "turtle", "--output", target)
        assert_user_error(result, "IMH040", "it is one of the input files")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(CSV_HEADER + CSV_ROW, encoding="utf-8")
    assert_user_error(run("import-csv", sheet, "--output", sheet), "IMH040", "one of the input files")
    assert_user_error(run("diff", data, VALID, "--output", data), "IMH040", "one of the input files")
    assert data.read_bytes() == original
    assert sheet.read_text(encoding="utf-8") == CSV_HEADER + CSV_ROW


# --- atomic outputs --------------------------------------------------------------------------

def _no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("content", ["new text", b"new bytes", ["chunk 1", "chunk 2"]])
def test_disk_full_while_writing_keeps_the_previous_file(monkeypatch, previous, content):
    monkeypatch.setattr(atomic.os, "fsync", _no_space)
    with pytest.raises(OutputError, match="No space left on device; the previous file is unchanged") as caught:
        atomic.write_atomic(previous, content)
    assert caught.value.hint and "Free some disk space" in caught.value.hint
    assert_untouched(previous)


def test_disk_full_on_the_first_write(monkeypatch, previous):
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd: int) -> None:
            self.handle = real_fdopen(fd, "wb")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            _no_space()

    monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: Full(fd))
    with pytest.raises(OutputError, match="No space left on device"):
        atomic.write_atomic(previous, "x" * 10_000)
    assert_untouched(previous)


def test_an_exception_halfway_through_a_stream_keeps_the_previous_file(previous):
    def chunks():
        yield "first half\n"
        raise RuntimeError("the backend went away")

    with pytest.raises(RuntimeError):
        atomic.write_atomic(previous, chunks())
    assert_untouched(previous)

    def interrupted():
        yield "first half\n"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomic(previous, interrupted())
    assert_untouched(previous)


def test_disk_full_through_the_cli_is_a_clear_error(run, monkeypatch, previous):
    monkeypatch.setattr(atomic.os, "fsync", _no_space)
    result = run("--data", VALID, "export", "--format", "turtle", "--output", previous)
    assert_user_error(result, "IMH040", "No space left on device; the previous file is unchanged", "Free some disk space")
    assert_untouched(previous)


def test_a_new_output_gets_the_usual_permissions_and_a_replaced_one_keeps_its_own(tmp_path):
    fresh = atomic.write_atomic(tmp_path / "fresh.txt", "x")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    kept = tmp_path / "kept.txt"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    atomic.write_atomic(kept, "new")
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text(encoding="utf-8") == "new"


# --- bugs versus mistakes --------------------------------------------------------------------

def test_a_bug_is_exit_3_and_debug_shows_the_traceback(run, monkeypatch):
    from imhgraph import stats

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("deliberate")

    for name in dir(stats):
        if callable(getattr(stats, name)) and not name.startswith("_") and getattr(getattr(stats, name), "__module__", "") == stats.__name__:
            monkeypatch.setattr(stats, name, broken)
    result = run("--data", VALID, "stats")
    assert result.exit_code == 3
    assert "error [IMH999]: internal error in imhgraph: ZeroDivisionError: deliberate" in result.stderr
    assert "This is a bug" in result.stderr and "--debug" in result.stderr
    debug = run("--debug", "--data", VALID, "stats")
    assert debug.exit_code == 3
    assert "Traceback (most recent call last)" in debug.stderr and "def broken" not in debug.stderr
    assert "in broken" in debug.stderr


def test_a_mistake_shows_no_traceback_unless_debug(run):
    plain = run("--data", BAD / "missing-dot.ttl", "stats")
    assert "Traceback" not in plain.stderr
    debug = run("--debug", "--data", BAD / "missing-dot.ttl", "stats")
    assert debug.exit_code == 2 and "Traceback" in debug.stderr


# --- formula injection: every CSV/TSV writer --------------------------------------------------

#: representative runs, on data whose names start with = + - @, of every command offering csv/tsv.
CSV_RUNS: dict[str, tuple[str, ...]] = {
    "coverage": ("coverage",),
    "compare": ("compare", "formula-program", "plain-program"),
    "gaps": ("gaps", "--all-programs", "--credential", "formula-credential"),
    "eligible": ("eligible", "--education", "master"),
    "analyze similarity": ("analyze", "similarity"),
    "analyze centrality": ("analyze", "centrality"),
    "analyze communities": ("analyze", "communities"),
    "query": ("query", "list-programs"),
    "queries": ("queries",),
    "validate": ("validate", "--data", str(BAD / "formula-violations.ttl")),
    "stats": ("stats",),
    "show": ("show", "formula-program"),
    "search": ("search", "program"),
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _commands_with_csv() -> set[str]:
    import click

    from imhgraph.cli import COMMANDS, cli

    found: set[str] = set()
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        subcommands = (
            {f"{name} {s}": command.get_command(ctx, s) for s in command.list_commands(ctx)}
            if isinstance(command, click.Group) else {name: command}
        )
        for full, sub in subcommands.items():
            for param in sub.params:
                if getattr(param, "name", "") == "fmt" and isinstance(param.type, click.Choice):
                    if {"csv", "tsv"} & set(param.type.choices):
                        found.add(full)
    return found


def test_every_csv_writer_is_in_the_formula_check():
    assert _commands_with_csv() <= set(CSV_RUNS), sorted(_commands_with_csv() - set(CSV_RUNS))


@pytest.mark.parametrize("name", sorted(CSV_RUNS))
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_no_csv_output_emits_a_formula(run, name, fmt):
    import csv
    import io

    result = run("--data", FORMULA, *CSV_RUNS[name], "--format", fmt)
    if fmt not in _choices(name):
        assert result.exit_code == 2
        return
    assert result.exit_code in (0, 1), result.stderr
    cells = [c for row in csv.reader(io.StringIO(result.stdout), delimiter="," if fmt == "csv" else "\t")
             for c in row]
    formulas = [c for c in cells if c.startswith(FORMULA_START) and not _is_number(c)]
    assert formulas == []
    if name in ("query", "coverage", "eligible", "validate"):
        # the names are there, neutralised by a leading apostrophe
        assert any(c.startswith("'=HYPERLINK(") or c.startswith("'-2+3") for c in cells), cells


def _choices(name: str) -> set[str]:
    import click

    from imhgraph.cli import cli

    ctx = click.Context(cli)
    parts = name.split()
    command = cli.get_command(ctx, parts[0])
    if len(parts) > 1:
        command = command.get_command(ctx, parts[1])
    return {c for p in command.params if getattr(p, "name", "") == "fmt" for c in p.type.choices}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- the README's promises are the tests' promises ---------------------------------------------

def test_every_test_the_readme_names_exists():
    for _text, tests in GUARANTEES:
        for test in tests:
            path, name = test.split("::")
            assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), test


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e[0])
def test_readme_catalogue_is_what_imhgraph_says(run, monkeypatch, entry):
    import shlex

    _what, command, first = entry
    monkeypatch.chdir(ROOT)
    before = sorted(p.name for p in ROOT.iterdir())
    result = run(*shlex.split(command)[1:])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines()[0] == first
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in ROOT.iterdir()) == before  # nothing written


@pytest.mark.parametrize("entry", SHOWCASE, ids=lambda e: e[0])
def test_readme_showcase_is_the_whole_output(run, monkeypatch, entry):
    import shlex

    command, output = entry
    monkeypatch.chdir(ROOT)
    result = run(*shlex.split(command)[1:])
    assert result.exit_code == 2 and result.stderr == output


def test_a_blank_node_chain_too_deep_to_write_is_a_clear_error(run, tmp_path, previous):
    """Valid, flat N-Triples can hold a chain of anonymous nodes; rdflib's JSON-LD writer
    recurses once per link and runs out of stack at a few hundred. Turtle and N-Triples are
    written by Oxigraph with labelled blank nodes, so they export the chain."""
    chain = tmp_path / "chain.nt"
    chain.write_text(
        "<https://w3id.org/imhgraph/org/x> <http://example.org/next> _:b0 .\n"
        + "".join(f"_:b{i} <http://example.org/next> _:b{i + 1} .\n" for i in range(400)),
        encoding="utf-8",
    )
    result = run("--data", chain, "export", "--format", "json-ld", "--output", previous)
    assert_user_error(result, "IMH012", "the data nests blank nodes too deeply to process",
                      "export as N-Triples (--format ntriples)")
    assert_untouched(previous)
    for fmt in ("ntriples", "turtle"):
        flat = run("--data", chain, "export", "--format", fmt)
        assert flat.exit_code == 0 and flat.stdout.count("<http://example.org/next>") == 401


def test_turtle_that_opens_with_a_blank_node_is_not_called_json(run, tmp_path):
    path = tmp_path / "blank.ttl"
    path.write_text("[ a <https://w3id.org/imhgraph/ontology#Organization> ] .\n<x> <y> .\n", encoding="utf-8")
    result = run("--data", path, "stats")
    assert_user_error(result, "IMH011", "blank.ttl, line 2")
    assert "looks like" not in result.stderr
    trig = tmp_path / "graph.trig"
    trig.write_text("{ <http://e/a> <http://e/b> <http://e/c> .\n", encoding="utf-8")
    assert "looks like" not in run("--data", trig, "stats").stderr
