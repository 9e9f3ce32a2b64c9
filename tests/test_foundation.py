"""Issue 2: validate, export, stats and the global options on bundled and someone else's data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from imhgraph import export as export_mod
from imhgraph.errors import RdfSyntaxError
from imhgraph.stores import memory_backend

from .conftest import FIXTURES, ROOT

OTHER = FIXTURES / "other"


def test_bundled_data_validates(run):
    result = run("validate")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "The data conforms: 0 violations" in result.stdout


def test_someone_elses_valid_data_validates(run):
    result = run("--data", OTHER / "valid.ttl", "validate", "--format", "json")
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["conforms"] is True
    assert report["violations"] == 0
    # Plain imh:covers (the SPEC's vocabulary, no evidence nodes) stays valid: one warning per
    # topic claim without evidence, and nothing else.
    assert report["warnings"] == 4
    assert {(r["shape"], r["path"]) for r in report["results"]} == {("imhsh:CoversEvidenceShape", "imh:coverage/imh:topic")}
    assert sorted(r["value"] for r in report["results"]) == [
        "attachment-theory", "infant-child-development", "infant-parent-psychotherapy", "reflective-practice"]


def test_broken_resources_reported_by_short_id_in_plain_words(run):
    result = run("--data", OTHER / "broken.ttl", "validate")
    assert result.exit_code == 1
    out = result.stdout
    # Every broken resource appears by its short ID, with the property and a sentence.
    assert "southport-nameless" in out and "[rdfs:label]" in out
    assert "southport-odd-topic" in out and "[imh:covers]" in out
    assert "southport-unsourced" in out and "[dcterms:source]" in out
    assert "southport-badge" in out and "[imh:minTrainingHours]" in out and "(value: -5)" in out
    assert "[imh:level]" in out and "(value: 0)" in out
    # Nothing is reported about the organization, which is fine.
    assert "southport-institute" not in out
    # No RDF jargon leaks in place of the shapes' own messages.
    assert "Less than 1 values" not in out
    assert out.strip().splitlines()[-1].startswith("The data does not conform:")
    assert "Traceback" not in result.stderr


def test_validate_json_lists_each_violation(run):
    result = run("--data", OTHER / "broken.ttl", "validate", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    focus = {(r["focus"], r["path"]) for r in report["results"] if r["severity"] == "violation"}
    assert ("southport-nameless", "rdfs:label") in focus
    assert ("southport-unsourced", "dcterms:source") in focus
    assert ("southport-badge", "imh:level") in focus
    assert ("southport-badge", "imh:minTrainingHours") in focus
    assert ("southport-odd-topic", "imh:covers") in focus
    assert report["violations"] == sum(r["severity"] == "violation" for r in report["results"])


def test_validate_turtle_report_is_a_shacl_report(run):
    result = run("--data", OTHER / "broken.ttl", "validate", "--format", "turtle")
    assert result.exit_code == 1
    graph = Graph().parse(data=result.stdout, format="turtle")
    from rdflib.namespace import RDF, SH

    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) >= 5
    again = run("--data", OTHER / "broken.ttl", "validate", "--format", "turtle")
    assert again.stdout == result.stdout


def test_warnings_exit_zero_unless_fail_on_warning(run, tmp_path):
    data = (OTHER / "valid.ttl").read_text(encoding="utf-8").replace(
        "    imh:coverageComplete false ;\n", ""
    )
    path = tmp_path / "weak.ttl"
    path.write_text(data, encoding="utf-8")
    result = run("--data", path, "validate")
    assert result.exit_code == 0
    assert "WARNING" in result.stdout and "northwind-clinical" in result.stdout
    assert run("--data", path, "validate", "--fail-on", "warning").exit_code == 1


def test_syntax_error_names_file_and_line(run, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix imh: <https://w3id.org/imhgraph/ontology#> .\n"
        "<https://w3id.org/imhgraph/program/x> a imh:TrainingProgram ;\n"
        '    <http://www.w3.org/2000/01/rdf-schema#label> "X" \n'
        "<https://w3id.org/imhgraph/program/y> a imh:TrainingProgram .\n",
        encoding="utf-8",
    )
    result = run("--data", bad, "validate")
    assert result.exit_code == 2
    assert f"{bad}, line 4" in result.stderr
    assert result.stderr.startswith("error [IMH011]")
    assert "Traceback" not in result.stderr
    with pytest.raises(RdfSyntaxError) as info:
        memory_backend([bad])
    assert info.value.line == 4


def test_missing_file_and_unknown_extension(run, tmp_path):
    result = run("--data", tmp_path / "nope.ttl", "stats")
    assert result.exit_code == 2 and "no such file or folder" in result.stderr
    odd = tmp_path / "data.xyz"
    odd.write_text("x", encoding="utf-8")
    result = run("--data", odd, "stats")
    assert result.exit_code == 2 and "unknown file type" in result.stderr


def test_data_folder_is_searched(run, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.ttl").write_text((OTHER / "valid.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("--data", folder, "stats", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["counts"]["programs"] == 2


def test_stats_counts_someone_elses_data(run):
    result = run("--data", OTHER / "valid.ttl", "stats", "--format", "json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["counts"]["organizations"] == 1
    assert stats["counts"]["programs"] == 2
    assert stats["counts"]["credentials"] == 1
    assert stats["counts"]["sources"] == 4
    assert stats["counts"]["topics"] > 17
    cited = {s["iri"]: s["resources"] for s in stats["sources"]}
    assert cited["https://example.org/northwind/foundations"] == 1
    text = run("--data", OTHER / "valid.ttl", "stats").stdout
    assert "programs" in text and "Sources" in text


def test_stats_on_bundled_data_has_sources(run):
    stats = json.loads(run("stats", "--format", "json").stdout)
    assert stats["counts"]["programs"] >= 6
    assert stats["counts"]["organizations"] >= 6
    assert stats["counts"]["credentials"] >= 6
    assert stats["counts"]["sources"] >= 10
    # web addresses (the stored copy's address, http or https), never a minted placeholder
    assert all(s["iri"].startswith(("https://", "http://")) for s in stats["sources"])
    assert not any(s["iri"].startswith("https://w3id.org/imhgraph/source/") for s in stats["sources"])


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "ntriples"])
def test_exports_are_byte_identical_and_complete(run, fmt):
    first = run("export", "--format", fmt)
    second = run("export", "--format", fmt)
    assert first.exit_code == 0
    assert first.stdout == second.stdout
    # parsed by Oxigraph's parser, which keeps every literal as written (rdflib's Turtle parser
    # rewrites "P20M"^^xsd:duration to "P1Y8M"): the export is the graph as it went in
    import pyoxigraph as ox

    from imhgraph.stores import to_rdflib

    ox_format = {"turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD, "ntriples": ox.RdfFormat.N_TRIPLES}[fmt]
    graph = Graph()
    for t in ox.parse(first.stdout.encode("utf-8"), format=ox_format):
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    assert isomorphic(graph, memory_backend().graph())


def test_turtle_and_jsonld_describe_the_same_graph_via_independent_processor(run):
    from pyld import jsonld

    def no_network(url, options=None):  # noqa: ARG001
        raise AssertionError(f"pyld tried to fetch {url}")

    jsonld.set_document_loader(no_network)
    document = json.loads(run("export", "--format", "json-ld").stdout)
    assert "@context" in document and isinstance(document["@context"], dict)
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    from_pyld = Graph().parse(data=nquads, format="nquads")
    from_turtle = Graph().parse(data=run("export", "--format", "turtle").stdout, format="turtle")
    assert len(from_pyld) == len(from_turtle)
    assert isomorphic(from_pyld, from_turtle)


def test_jsonld_is_compacted_with_local_context(run):
    document = json.loads(run("--data", OTHER / "valid.ttl", "export", "--format", "json-ld").stdout)
    nodes = {node["@id"]: node for node in document["@graph"]}
    program = nodes["program:northwind-foundations"]
    # compact terms from ontology/context.jsonld, not full IRIs
    assert not any(key.startswith("http") for key in program)


def test_export_output_is_atomic_and_refuses_inputs(run, tmp_path):
    target = tmp_path / "out.ttl"
    result = run("--data", OTHER / "valid.ttl", "export", "--output", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert "northwind-foundations" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]
    copy = tmp_path / "in.ttl"
    copy.write_text((OTHER / "valid.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    before = copy.read_bytes()
    result = run("--data", copy, "export", "--output", copy)
    assert result.exit_code == 2 and "input" in result.stderr
    assert copy.read_bytes() == before
    result = run("export", "--output", tmp_path / "missing" / "x.ttl")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_bug_shows_traceback_only_as_a_bug(run, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(export_mod, "export", broken)
    result = run("export")
    assert result.exit_code == 3
    assert "internal error" in result.stderr and "boom" in result.stderr
    assert "--debug" in result.stderr
    full = run("--debug", "export")
    assert full.exit_code == 3 and "Traceback (most recent call last)" in full.stderr


def test_unknown_command_suggests(run):
    result = run("valdate")
    assert result.exit_code == 2 and "validate" in result.stderr


def test_every_command_has_help(run):
    from imhgraph.cli import COMMANDS

    for name in COMMANDS:
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert len(result.stdout.splitlines()) > 3, name


def test_bundled_files_are_found_from_resources():
    from imhgraph import resources

    names = {p.name for p in resources.vocabulary_files()}
    assert {"imh.ttl", "topics.ttl"} <= names and "shapes.ttl" not in names
    assert resources.shapes_file().is_file()
    assert resources.context_file().is_file()
    assert len(resources.bundled_data_files()) >= 6
    assert Path(resources.queries_dir(), "internal", "members.rq").is_file()
    assert ROOT.joinpath("pyproject.toml").is_file()


def test_global_options_may_follow_the_command(run):
    before = run("--data", OTHER / "valid.ttl", "stats", "--format", "json")
    after = run("stats", "--format", "json", "--data", OTHER / "valid.ttl")
    assert before.exit_code == after.exit_code == 0
    assert json.loads(after.stdout)["counts"] == json.loads(before.stdout)["counts"]
    assert json.loads(after.stdout)["counts"]["programs"] == 2


def test_endpoint_with_data_is_refused_plainly(run):
    result = run("--endpoint", "http://127.0.0.1:9/sparql", "--data", OTHER / "valid.ttl", "stats")
    assert result.exit_code == 2
    assert "cannot be combined" in result.stderr and "Traceback" not in result.stderr
