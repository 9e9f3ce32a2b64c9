"""``import-csv``: spreadsheets (long and wide layout) into Turtle, bad rows rejected by row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from imhgraph import resources
from imhgraph.errors import ImportCsvError
from imhgraph.importer import import_csv, import_text
from imhgraph.namespaces import IMH, iri_for
from imhgraph.stores import graph_from_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
TEMPLATES = resources.data_dir() / "templates"
TOPIC = "https://w3id.org/imhgraph/topic/"


def _covers(graph: Graph) -> set[tuple[str, str]]:
    return {
        (str(p).rsplit("/", 1)[1], str(t).rsplit("/", 1)[1]) for p, t in graph.subject_objects(IMH.covers)
    }


def _shape_violations(graph: Graph) -> list[str]:
    """SHACL violations of *graph* merged with the always-loaded vocabulary."""
    from imhgraph.validate import load_shapes, validate_graph

    merged = graph_from_files(resources.vocabulary_files())
    merged += graph
    report = validate_graph(merged, load_shapes())
    return [f"{r.focus} {r.path}: {r.message}" for r in report.results if r.severity == "violation"]


# --- long layout -------------------------------------------------------------------------------


def test_long_layout_with_bom_crlf_quotes_commas_and_non_ascii(bundled) -> None:
    result = import_csv(FIXTURES / "long-good.csv", bundled)
    g = result.graph
    assert result.layout == "long"
    assert (result.rows, result.programs, result.organizations, result.links) == (5, 2, 1, 5)
    assert _covers(g) == {
        ("nord-imh-cert", "attachment-theory"),
        ("nord-imh-cert", "perinatal-mental-health"),
        ("nord-imh-cert", "reflective-practice"),
        ("quote-fellowship", "infant-parent-psychotherapy"),
        ("quote-fellowship", "attachment-theory"),
    }
    nord = iri_for("program", "nord-imh-cert")
    fellowship = iri_for("program", "quote-fellowship")
    org = iri_for("org", "nord-institute")
    assert g.value(nord, RDFS.label) == Literal("Nordic Certificate in Infant Mental Health, Level 1")
    assert g.value(fellowship, RDFS.label) == Literal('The "Early Years" Fellowship')
    assert g.value(org, RDFS.label) == Literal("Nørre Institut for Småbørn")
    assert g.value(nord, IMH.coverageComplete) == Literal(True)
    # A blank coverage_complete asserts nothing: the program's other topics stay unknown.
    assert g.value(fellowship, IMH.coverageComplete) is None
    assert set(g.objects(nord, IMH.offeredBy)) == {org}
    assert set(g.objects(nord, DCTERMS.source)) == {URIRef("https://example.org/nord/imh")}
    assert set(g.objects(org, DCTERMS.source)) == {
        URIRef("https://example.org/nord/imh"),
        URIRef("https://example.org/nord/fellowship"),
    }
    assert set(g.subjects(RDF.type, IMH.TrainingProgram)) == {nord, fellowship}
    assert set(g.subjects(RDF.type, IMH.Organization)) == {org}
    assert len(g) == 18


def test_long_layout_output_conforms_to_the_shapes(bundled) -> None:
    if not resources.shapes_file().is_file():
        pytest.skip("ontology/shapes.ttl has not landed yet")
    assert _shape_violations(import_csv(FIXTURES / "long-good.csv", bundled).graph) == []


def test_cli_writes_turtle_that_reparses_to_the_same_graph(run, tmp_path: Path) -> None:
    out = tmp_path / "programs.ttl"
    result = run("import-csv", FIXTURES / "long-good.csv", "--output", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "imported 2 programs, 1 organization and 5 program–topic links" in result.stderr
    assert "(long layout, 5 rows)" in result.stderr
    written = graph_from_files([out])
    assert _covers(written) == _covers(import_csv(FIXTURES / "long-good.csv", _vocab_backend()).graph)
    assert 'rdfs:label "The \\"Early Years\\" Fellowship"' in out.read_text(encoding="utf-8")
    # Deterministic: a second run gives byte-identical Turtle.
    again = tmp_path / "again.ttl"
    run("import-csv", FIXTURES / "long-good.csv", "--output", again)
    assert again.read_bytes() == out.read_bytes()


def _vocab_backend():
    from imhgraph.stores import backend_from_graph

    return backend_from_graph(graph_from_files(resources.vocabulary_files()))


# --- wide layout -------------------------------------------------------------------------------


def test_wide_layout_marks_and_blank_cells(bundled) -> None:
    result = import_csv(FIXTURES / "wide-good.csv", bundled)
    g = result.graph
    assert result.layout == "wide"
    assert (result.rows, result.programs, result.organizations, result.links) == (2, 2, 2, 4)
    assert _covers(g) == {
        ("alpha-cert", "attachment-theory"),
        ("alpha-cert", "perinatal-mental-health"),
        ("beta-course", "attachment-theory"),
        ("beta-course", "reflective-practice"),
    }
    assert g.value(iri_for("program", "alpha-cert"), IMH.coverageComplete) == Literal(True)
    assert g.value(iri_for("program", "beta-course"), IMH.coverageComplete) is None
    assert g.value(iri_for("program", "alpha-cert"), RDFS.label) == Literal("Alpha Certificate, Infant & Family")
    # "no" on a program whose list is not complete cannot mean "not covered": say so.
    assert result.notes == (
        "program beta-course: topics marked 'no' (1) read as unknown, not as not covered, "
        "because its coverage_complete is not true",
    )
    if resources.shapes_file().is_file():
        assert _shape_violations(g) == []


def test_wide_layout_accepts_topic_names_as_column_headers(bundled) -> None:
    text = (
        "Program ID,Program label,Organization ID,Organization label,Source,Attachment theory\n"
        "p1,P One,o1,O One,https://example.org/p1,✓\n"
    )
    result = import_text(text, bundled)
    assert _covers(result.graph) == {("p1", "attachment-theory")}


def test_semicolon_delimited_export_from_a_european_spreadsheet(bundled) -> None:
    text = (
        "program_id;program_label;organization_id;organization_label;topic_id;source\n"
        "p1;Programme, one;o1;Org;attachment-theory;https://example.org/p1\n"
    )
    result = import_text(text, bundled)
    assert _covers(result.graph) == {("p1", "attachment-theory")}
    assert result.graph.value(iri_for("program", "p1"), RDFS.label) == Literal("Programme, one")


# --- bad spreadsheets: every problem, by row and column, nothing written -------------------------


def test_bad_long_rows_are_all_reported_with_row_column_and_value(bundled) -> None:
    with pytest.raises(ImportCsvError) as caught:
        import_csv(FIXTURES / "long-bad.csv", bundled)
    problems = [(p.row, p.column, p.value) for p in caught.value.problems]  # type: ignore[attr-defined]
    assert problems == [
        (3, "program_label", "Good Program Renamed"),
        (3, "topic_id", "atachment-theory"),
        (4, "coverage_complete", "maybe"),
        (4, "program_id", "Bad Prog"),
        (4, "program_label", ""),
        (4, "source", "not a url"),
        (5, "coverage_complete", "false"),
        (5, "organization_id", "other-org"),
        (5, "source", "ftp://example.org/x"),
    ]
    message = caught.value.message
    assert "9 problems; nothing was written" in message
    assert "row 3, column topic_id, value 'atachment-theory': unknown topic ID (did you mean: attachment-theory" in message
    assert "row 3, column program_label, value 'Good Program Renamed': program good-prog is called 'Good Program' on row 2" in message
    assert "row 5, column organization_id, value 'other-org': program good-prog is offered by 'good-org' on row 2" in message
    assert "such as 'bad-prog'" in message


def test_bad_file_exits_2_and_writes_nothing(run, tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    result = run("import-csv", FIXTURES / "long-bad.csv", "--output", out)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error [IMH070]" in result.stderr
    assert "row 4, column source, value 'not a url': not a web address" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_bad_file_leaves_an_existing_output_untouched(run, tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    out.write_text("# previous content\n", encoding="utf-8")
    assert run("import-csv", FIXTURES / "wide-bad.csv", "--output", out).exit_code == 2
    assert out.read_text(encoding="utf-8") == "# previous content\n"


def test_missing_required_columns(run) -> None:
    result = run("import-csv", FIXTURES / "missing-column.csv")
    assert result.exit_code == 2
    assert "row 1, column organization_id: missing required column" in result.stderr
    assert "row 1, column source: missing required column" in result.stderr


def test_bad_wide_header_and_marks(bundled) -> None:
    with pytest.raises(ImportCsvError) as caught:
        import_csv(FIXTURES / "wide-bad.csv", bundled)
    problems = [(p.row, p.column, p.value) for p in caught.value.problems]  # type: ignore[attr-defined]
    assert problems == [(1, "perinatl-mental-health", "perinatl-mental-health"), (3, "attachment-theory", "maybe")]
    assert "did you mean: perinatal-mental-health" in caught.value.message


def test_organization_label_disagreement_and_empty_topic(bundled) -> None:
    text = (
        "program_id,program_label,organization_id,organization_label,topic_id,source\n"
        "p1,P1,o1,Org One,attachment-theory,https://example.org/a\n"
        "p2,P2,o1,Org 1,,https://example.org/b\n"
    )
    with pytest.raises(ImportCsvError) as caught:
        import_text(text, bundled)
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [  # type: ignore[attr-defined]
        (3, "organization_label", "organization o1 is called 'Org One' on row 2"),
        (3, "topic_id", "empty topic ID"),
    ]


def test_row_with_more_cells_than_header_names_the_row(bundled) -> None:
    text = (
        "program_id,program_label,organization_id,organization_label,topic_id,source\n"
        "p1,Label, with comma,o1,Org,attachment-theory,https://example.org/a\n"
    )
    with pytest.raises(ImportCsvError) as caught:
        import_text(text, bundled)
    assert "row 2: 7 cells but the header has 6 columns" in caught.value.message


def test_quoted_cell_spanning_lines_counts_as_one_row(bundled) -> None:
    text = (
        "program_id,program_label,organization_id,organization_label,topic_id,source\n"
        '"p1","Two\nlines",o1,Org,attachment-theory,https://example.org/a\n'
        "p2,P2,o1,Org,nonexistent-topic,https://example.org/a\n"
    )
    with pytest.raises(ImportCsvError) as caught:
        import_text(text, bundled)
    assert [p.row for p in caught.value.problems] == [3]  # type: ignore[attr-defined]


def test_not_utf8_is_refused_with_a_hint(run, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("program_id,program_label\np1,Nørre\n".encode("latin-1"))
    result = run("import-csv", bad)
    assert result.exit_code == 2
    assert "not UTF-8 text" in result.stderr
    assert "CSV UTF-8" in result.stderr


def test_empty_file(run, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    result = run("import-csv", empty)
    assert result.exit_code == 2
    assert "empty" in result.stderr


# --- the templates in data/templates ------------------------------------------------------------


@pytest.mark.parametrize("name", ["programs.csv", "programs-wide.csv"])
def test_templates_import_into_valid_turtle(bundled, name: str) -> None:
    path = TEMPLATES / name
    if not path.is_file():
        pytest.skip(f"data/templates/{name} has not been written yet")
    result = import_csv(path, bundled)
    assert result.programs >= 1
    assert result.links >= 1
    assert result.layout == ("wide" if "wide" in name else "long")
    assert len(set(result.graph.subjects(RDF.type, IMH.TrainingProgram))) == result.programs
    assert len(set(result.graph.subject_objects(IMH.covers))) == result.links
    if resources.shapes_file().is_file():
        assert _shape_violations(result.graph) == []


def test_long_and_wide_templates_describe_the_same_programs(bundled) -> None:
    long, wide = TEMPLATES / "programs.csv", TEMPLATES / "programs-wide.csv"
    if not (long.is_file() and wide.is_file()):
        pytest.skip("the templates have not been written yet")
    from rdflib.compare import isomorphic

    assert isomorphic(import_csv(long, bundled).graph, import_csv(wide, bundled).graph)


def test_any_text_gives_a_result_or_a_plain_error(bundled) -> None:
    """No spreadsheet, however broken, ends in a traceback: a result or an ImhgraphError."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from imhgraph.errors import ImhgraphError

    header = "program_id,program_label,organization_id,organization_label,topic_id,source\n"
    cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
    row = st.lists(cell, min_size=0, max_size=8).map(lambda cells: ",".join(cells))

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.one_of(st.text(max_size=200), st.lists(row, max_size=5).map(lambda rows: header + "\n".join(rows))))
    def check(text: str) -> None:
        try:
            result = import_text(text, bundled)
        except ImhgraphError:
            return
        assert result.programs >= 1

    check()


def test_header_without_rows_is_refused(bundled) -> None:
    with pytest.raises(ImportCsvError) as caught:
        import_text("program_id,program_label,organization_id,organization_label,topic_id,source\n", bundled)
    assert "row 2: no rows under the header" in caught.value.message


# --- long layout at the course level (issue 12) --------------------------------------------------


def _results(graph: Graph) -> list[tuple[str, str, str]]:
    """(severity, focus, shape) of every SHACL result of *graph* merged with the vocabulary."""
    from imhgraph.validate import load_shapes, validate_graph

    merged = graph_from_files(resources.vocabulary_files())
    merged += graph
    report = validate_graph(merged, load_shapes())
    return [(r.severity, r.focus, r.shape) for r in report.results]


def _evidence(graph: Graph, subject: URIRef) -> set[tuple[str, str, str]]:
    return {
        (str(graph.value(node, IMH.topic)).rsplit("/", 1)[1], str(graph.value(node, IMH.evidence)),
         str(graph.value(node, DCTERMS.source)))
        for node in graph.objects(subject, IMH.coverage)
    }


def test_long_layout_with_courses_credits_and_evidence(bundled) -> None:
    result = import_csv(FIXTURES / "long-courses.csv", bundled)
    g = result.graph
    assert (result.rows, result.programs, result.courses, result.organizations, result.links) == (5, 1, 3, 1, 4)
    program = iri_for("program", "nord-imh-cert")
    c501, c502, c590 = (iri_for("course", f"nord-imh-cert-imh-{n}") for n in (501, 502, 590))
    assert set(g.objects(program, IMH.hasCourse)) == {c501, c502, c590}
    assert set(g.subjects(RDF.type, IMH.Course)) == {c501, c502, c590}
    assert g.value(c501, RDFS.label) == Literal("Attachment, Bonding and Early Relationships")
    assert g.value(c501, IMH.code) == Literal("IMH 501")
    assert g.value(c590, IMH.credits) == Literal("2", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))
    assert set(g.objects(c590, DCTERMS.source)) == {URIRef("https://example.org/nord/imh")}
    # Topics sit on the course that teaches them; the program keeps only its own claim.
    assert _covers(g) == {
        ("nord-imh-cert-imh-501", "attachment-theory"),
        ("nord-imh-cert-imh-502", "infant-child-development"),
        ("nord-imh-cert-imh-502", "reflective-practice"),
        ("nord-imh-cert", "perinatal-mental-health"),
    }
    assert list(g.objects(c590, IMH.covers)) == []  # a course listed without a topic
    assert _evidence(g, c502) == {
        ("infant-child-development", "Development in the First Three Years", "https://example.org/nord/imh"),
        ("reflective-practice", "observation and reflective practice with families", "https://example.org/nord/imh"),
    }
    assert _evidence(g, program) == {
        ("perinatal-mental-health", "perinatal mental health across the first year", "https://example.org/nord/about"),
    }
    # With evidence on every claim, the output validates with no violation and no warning.
    assert _results(g) == []


def test_course_rows_without_evidence_give_plain_covers_and_only_evidence_warnings(bundled) -> None:
    text = (
        "program_id,program_label,organization_id,organization_label,topic_id,source,coverage_complete,course_title\n"
        "p1,P One,o1,O One,attachment-theory,https://example.org/p1,false,Attachment Basics\n"
        "p1,P One,o1,O One,reflective-practice,https://example.org/p1,false,\n"
    )
    g = import_text(text, bundled).graph
    course = iri_for("course", "p1-attachment-basics")
    assert _covers(g) == {("p1-attachment-basics", "attachment-theory"), ("p1", "reflective-practice")}
    assert list(g.objects(None, IMH.coverage)) == []
    results = _results(g)
    assert sorted(results) == [
        ("warning", "p1", "imhsh:CoversEvidenceShape"),
        ("warning", "p1-attachment-basics", "imhsh:CoversEvidenceShape"),
    ]
    assert g.value(course, RDFS.label) == Literal("Attachment Basics")


def test_rows_without_course_columns_work_as_before(bundled) -> None:
    # The same spreadsheet as long-good.csv, with the course columns present but empty.
    lines = (FIXTURES / "long-good.csv").read_text(encoding="utf-8-sig").splitlines()
    text = "\n".join([lines[0] + ",course_code,course_title,credits,evidence"] + [line + ",,,," for line in lines[1:]])
    before = import_csv(FIXTURES / "long-good.csv", bundled)
    after = import_text(text, bundled)
    from rdflib.compare import isomorphic

    assert isomorphic(before.graph, after.graph)
    assert after.summary("x") == before.summary("x")
    assert "5 program–topic links" in after.summary("x")


def test_bad_course_rows_are_all_reported(bundled) -> None:
    with pytest.raises(ImportCsvError) as caught:
        import_csv(FIXTURES / "long-courses-bad.csv", bundled)
    found = {(p.row, p.column) for p in caught.value.problems}  # type: ignore[attr-defined]
    assert found == {
        (2, "course_title"),  # a code without a title
        (2, "credits"), (4, "credits"),  # credits without a course
        (3, "credits"),  # "three"
        (8, "credits"),  # -1
        (5, "evidence"), (5, "topic_id"),  # evidence without a topic
        (6, "evidence"),  # longer than a short phrase
        (7, "course_title"),  # the same code with another title
    }
    messages = {(p.row, p.column): p.message for p in caught.value.problems}  # type: ignore[attr-defined]
    assert "needs its title" in messages[(2, "course_title")]
    assert "called 'Relationships' on row 6" in messages[(7, "course_title")]
    assert "at most about 15" in messages[(6, "evidence")]


def test_course_columns_need_the_long_layout(bundled) -> None:
    text = "program_id,program_label,organization_id,organization_label,source,attachment-theory,course_title\n" \
           "p1,P One,o1,O One,https://example.org/p1,x,Attachment\n"
    with pytest.raises(ImportCsvError) as caught:
        import_text(text, bundled)
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "course_title")]  # type: ignore[attr-defined]
    assert "long layout" in caught.value.problems[0].message  # type: ignore[attr-defined]


def test_cli_imports_courses_and_the_output_validates_without_warnings(run, tmp_path: Path) -> None:
    out = tmp_path / "courses.ttl"
    result = run("import-csv", FIXTURES / "long-courses.csv", "--output", out)
    assert result.exit_code == 0, result.stderr
    assert "imported 1 program, 3 courses, 1 organization and 4 topic links" in result.stderr
    checked = run("--data", out, "validate", "--fail-on", "warning")
    assert checked.exit_code == 0, checked.stdout
    assert "0 violations, 0 warnings" in checked.stdout
