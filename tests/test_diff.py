"""``diff OLD NEW``: versions compared as graphs, changes reported in the domain's words."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from imhgraph.diff import diff_graphs, diff_paths
from imhgraph.export import to_jsonld, to_ntriples, to_turtle

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "diff"
OLD, NEW = FIXTURES / "old", FIXTURES / "new"

EXPECTED = [
    ("organization", "acme", "label changed", "Acme Institute", "ACME Institute of Infant Mental Health"),
    ("organization", "acme", "schema:address detail added", "", "schema:addressLocality Ann Arbor"),
    ("organization", "acme", "schema:address detail removed", "schema:addressLocality Detroit", ""),
    ("organization", "beta", "added", "", "Beta Org"),
    ("program", "p1", "topic gained", "", "reflective-practice"),
    ("program", "p1", "topic lost", "perinatal-mental-health", ""),
    ("program", "p1", "coverage complete changed", "false", "true"),
    ("program", "p1", "source added", "", "https://example.org/p1/curriculum"),
    ("program", "p2", "removed", "Program Two", ""),
    ("program", "p3", "added", "", "Program Three"),
    ("credential", "c1", "education changed", "bachelor", "master"),
    ("credential", "c1", "years of experience changed", "2", "3"),
    ("credential", "c1", "exam changed", "false", "true"),
    ("credential", "c1", "required topic added", "", "reflective-practice"),
]


def test_fixture_pair_reports_exactly_the_changes_made() -> None:
    report = diff_paths([OLD], [NEW])
    assert [(c.kind, c.id, c.change, c.old, c.new) for c in report.changes] == EXPECTED
    assert report.summary() == {
        "organization": {"added": 1, "changed": 1},
        "program": {"added": 1, "removed": 1, "changed": 1},
        "credential": {"changed": 1},
    }
    assert report.exit_code == 1


def test_reverse_direction_swaps_added_and_removed() -> None:
    report = diff_paths([NEW], [OLD])
    got = {(c.kind, c.id, c.change, c.old, c.new) for c in report.changes}
    assert ("program", "p2", "added", "", "Program Two") in got
    assert ("program", "p3", "removed", "Program Three", "") in got
    assert ("program", "p1", "topic lost", "reflective-practice", "") in got
    assert ("credential", "c1", "education changed", "master", "bachelor") in got
    assert len(got) == len(EXPECTED)


def test_cli_table_exit_1_and_markdown(run) -> None:
    result = run("diff", OLD, NEW)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["kind", "id", "name", "change", "old", "new"]
    assert [line.split()[:5] for line in lines if " topic lost " in line] == [
        ["program", "p1", "Program", "One", "topic"]
    ]
    assert lines[-1] == (
        "14 changes: organization 1 added, 1 changed; program 1 added, 1 removed, 1 changed; "
        "credential 1 changed."
    )
    md = run("diff", OLD, NEW, "--format", "markdown")
    assert md.exit_code == 1
    assert "| program | p2 | Program Two | removed | Program Two |  |" in md.stdout


def test_cli_json_shape(run) -> None:
    result = run("diff", OLD, NEW, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert list(doc) == ["equal", "old", "new", "summary", "changes"]
    assert doc["equal"] is False
    assert doc["changes"][0] == {
        "kind": "organization",
        "id": "acme",
        "label": "ACME Institute of Infant Mental Health",
        "change": "label changed",
        "old": "Acme Institute",
        "new": "ACME Institute of Infant Mental Health",
    }
    assert len(doc["changes"]) == 14


def test_same_folder_is_equal(run) -> None:
    result = run("diff", OLD, OLD)
    assert result.exit_code == 0
    assert result.stdout == "No differences: both versions hold the same graph.\n"
    doc = json.loads(run("diff", OLD, OLD, "--format", "json").stdout)
    assert doc["equal"] is True and doc["changes"] == [] and doc["summary"] == {}


def test_reserialized_copies_report_nothing(run, bundled, tmp_path: Path) -> None:
    graph = bundled.graph()
    (tmp_path / "a.nt").write_text(to_ntriples(graph), encoding="utf-8")
    (tmp_path / "b.jsonld").write_text(to_jsonld(graph), encoding="utf-8")
    (tmp_path / "c.ttl").write_text(to_turtle(graph), encoding="utf-8")
    for left, right in (("a.nt", "b.jsonld"), ("a.nt", "c.ttl")):
        result = run("diff", tmp_path / left, tmp_path / right)
        assert (result.exit_code, result.stdout) == (0, "No differences: both versions hold the same graph.\n")


def test_blank_node_labels_do_not_count() -> None:
    a = Graph().parse(data='<http://e/x> <http://e/p> [ <http://e/q> "v" ] .', format="turtle")
    b = Graph().parse(data='<http://e/x> <http://e/p> _:other . _:other <http://e/q> "v" .', format="turtle")
    assert diff_graphs(a, b) == ()


def test_folder_against_single_file_with_the_same_triples(tmp_path: Path) -> None:
    merged = Graph()
    for f in sorted(OLD.glob("*.ttl")):
        merged.parse(f)
    (tmp_path / "merged.ttl").write_text(merged.serialize(format="turtle"), encoding="utf-8")
    assert diff_paths([OLD], [tmp_path / "merged.ttl"]).equal


def test_bad_input_exits_2(run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://e/x> <http://e/p> .\n", encoding="utf-8")
    result = run("diff", OLD, broken)
    assert result.exit_code == 2
    assert "broken.ttl, line 1" in result.stderr
    missing = run("diff", OLD, tmp_path / "nope.ttl")
    assert missing.exit_code == 2
    assert "no such file or folder" in missing.stderr


def test_diff_ignores_the_global_data_option(run) -> None:
    result = run("--data", NEW, "diff", OLD, OLD)
    assert result.exit_code == 0


def test_hours_and_required_topic_changes_in_words() -> None:
    head = (
        "@prefix imh: <https://w3id.org/imhgraph/ontology#> . "
        "@prefix credential: <https://w3id.org/imhgraph/credential/> . "
        "@prefix topic: <https://w3id.org/imhgraph/topic/> . "
        "credential:c a imh:Certificate ; "
    )
    old = Graph().parse(data=head + "imh:minTrainingHours 30 ; imh:requiresTopic topic:a , topic:b .", format="turtle")
    new = Graph().parse(
        data=head + "imh:minTrainingHours 40 ; imh:minReflectiveSupervisionHours 24 ; imh:requiresTopic topic:a .",
        format="turtle",
    )
    assert [(c.kind, c.id, c.change, c.old, c.new) for c in diff_graphs(old, new)] == [
        ("credential", "c", "training hours changed", "30", "40"),
        ("credential", "c", "reflective supervision hours added", "", "24"),
        ("credential", "c", "required topic removed", "b", ""),
    ]
