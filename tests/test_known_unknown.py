"""Known and unknown in every answer (issue 14): analyses, rankings, comparisons, query answers
and the report are computed over the programs whose curricula are recorded, say how many they
left out, and never read "unknown" as "not covered"."""

from __future__ import annotations

import json

import pytest

from imhgraph import analyze
from imhgraph.coverage import compare, gaps, load_coverage_data, rank_programs
from imhgraph.namespaces import short_id
from imhgraph.stores import memory_backend

P = "https://w3id.org/imhgraph/program/"
T = "https://w3id.org/imhgraph/topic/"
C = "https://w3id.org/imhgraph/credential/"
NO_DATA = "erikson-imh-certificate"  # its curriculum is not stated by the sources [S36]
WITH_DATA = "uw-imh-nursing-certificate"

# A small world, worked out by hand: alpha and beta list partial curricula, gamma a complete one,
# delta nothing at all.
WORLD = """
@prefix imh: <https://w3id.org/imhgraph/ontology#> .
@prefix program: <https://w3id.org/imhgraph/program/> .
@prefix topic: <https://w3id.org/imhgraph/topic/> .
@prefix credential: <https://w3id.org/imhgraph/credential/> .
@prefix org: <https://w3id.org/imhgraph/org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
org:o a imh:Organization ; rdfs:label "O" ; dcterms:source <http://example.org/o> .
topic:t1 a imh:Topic ; skos:prefLabel "T1" . topic:t2 a imh:Topic ; skos:prefLabel "T2" .
topic:t3 a imh:Topic ; skos:prefLabel "T3" ; skos:related topic:t4 . topic:t4 a imh:Topic ; skos:prefLabel "T4" .
program:alpha a imh:TrainingProgram ; rdfs:label "Alpha" ; imh:offeredBy org:o ; imh:covers topic:t1 , topic:t2 , topic:t4 .
program:beta a imh:TrainingProgram ; rdfs:label "Beta" ; imh:offeredBy org:o ; imh:covers topic:t1 .
program:gamma a imh:TrainingProgram ; rdfs:label "Gamma" ; imh:offeredBy org:o ; imh:covers topic:t1 ;
    imh:coverageComplete true .
program:delta a imh:TrainingProgram ; rdfs:label "Delta" ; imh:offeredBy org:o .
credential:cred a imh:Credential ; rdfs:label "Cred" ; imh:requiresTopic topic:t1 , topic:t3 .
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("world") / "world.ttl"
    path.write_text(WORLD, encoding="utf-8")
    return load_coverage_data(memory_backend([path])), path


def test_recorded_is_any_claim_or_a_complete_declaration(world) -> None:
    data, _ = world
    assert [data.recorded(P + p) for p in ("alpha", "beta", "gamma", "delta")] == [True, True, True, False]


def test_centrality_shares_over_known_cells(world) -> None:
    data, _ = world
    result = analyze.centrality(data)
    by_id = {short_id(t.topic): t for t in result.topics}
    # t1: alpha, beta, gamma cover it: 3 of 3 known; delta left out.
    assert (by_id["t1"].programs, by_id["t1"].known, by_id["t1"].share, by_id["t1"].role) == (3, 3, 1.0, "core")
    # t2: alpha covers it; gamma (complete) does not; beta's cell is unknown: 1 of 2 known.
    assert (by_id["t2"].programs, by_id["t2"].known, by_id["t2"].share) == (1, 2, 0.5)
    assert result.program_count == 3 and [short_id(p) for p in result.left_out] == ["delta"]
    assert "1 left out for lack of data: delta" in " ".join(result.table().notes)


def test_similarity_and_communities_leave_out_unrecorded(world) -> None:
    data, _ = world
    similar = analyze.similarity(data)
    assert [short_id(p) for p in similar.programs] == ["alpha", "beta", "gamma"]
    assert [short_id(p) for p in similar.left_out] == ["delta"]
    groups = analyze.communities(data)
    members = [short_id(p) for c in groups.communities for p in c.programs]
    assert "delta" not in members and [short_id(p) for p in groups.left_out] == ["delta"]


def test_compare_unknown_is_not_only(world) -> None:
    data, _ = world
    result = compare(data, P + "alpha", P + "delta")
    assert result.only_a == [] and [short_id(t) for t in result.a_covers_b_unknown] == ["t1", "t2", "t4"]
    assert result.jaccard is None and result.to_json()["similarity"] == "unknown"
    known = compare(data, P + "alpha", P + "gamma")
    # gamma is complete: t2 and t4 are only alpha's for certain.
    assert [short_id(t) for t in known.only_a] == ["t2", "t4"] and known.jaccard == pytest.approx(1 / 3, abs=1e-4)


def test_gaps_ranking_puts_no_data_apart_and_notes_related(world) -> None:
    data, _ = world
    ranking = rank_programs(data, C + "cred")
    assert [(r, short_id(p)) for r, p, _ in ranking.ranked][-1] == (None, "delta")
    assert all(r is not None for r, p, _ in ranking.ranked[:-1])
    g = gaps(data, P + "alpha", C + "cred")
    assert g.related_note(T + "t3") == "covers related: T4 (t4)"
    assert dict((short_id(t), v) for t, _, v in g.topics)["t3"] == "unknown"  # the cell stays as defined


# ---------------------------------------------------------------------------------- bundled data


def test_bundled_centrality_names_core_topics(run) -> None:
    out = run("analyze", "centrality", "--format", "json")
    assert out.exit_code == 0, out.stderr
    topics = json.loads(out.stdout)
    core = [t["id"] for t in topics if t["role"] == "core"]
    assert core, "no core topic"
    assert all(t["known"] >= t["programs"] for t in topics)
    text = run("analyze", "centrality").stdout
    assert "left out for lack of data" in text and NO_DATA in text


def test_bundled_communities_have_no_no_data_singleton(run, bundled) -> None:
    data = load_coverage_data(bundled)
    out = json.loads(run("analyze", "communities", "--format", "json").stdout)
    for community in out:
        for program in community["programs"]:
            assert data.recorded(P + program), program
    assert NO_DATA not in {p for c in out for p in c["programs"]}
    assert "are in no community" in run("analyze", "communities").stdout


def test_bundled_compare_with_a_no_data_side(run) -> None:
    out = run("compare", WITH_DATA, NO_DATA, "--format", "json")
    assert out.exit_code == 0, out.stderr
    parsed = json.loads(out.stdout)
    assert {"a", "b", "shared", "only_a", "only_b"} <= set(parsed)
    assert parsed["jaccard"] is None and parsed["similarity"] == "unknown"
    assert parsed["only_a"] == [] and parsed["a_covers_b_unknown"]
    text = run("compare", NO_DATA, WITH_DATA).stdout
    assert "Only B" in text and "Only B (uw-imh-nursing-certificate covers directly, A does not): 0" in text
    assert "Jaccard similarity (direct coverage): unknown (no curriculum recorded for A)" in text


def test_bundled_uncovered_topics_prints_its_caveat(run) -> None:
    out = run("query", "uncovered-topics")
    assert out.exit_code == 0, out.stderr
    assert "caveat: " in out.stdout and "no recorded curriculum" in out.stdout
    parsed = json.loads(run("query", "uncovered-topics", "--format", "json").stdout)
    assert set(parsed) == {"head", "results"}  # W3C format unchanged


def test_bundled_gaps_all_programs_group_no_data_apart(run, bundled) -> None:
    data = load_coverage_data(bundled)
    parsed = json.loads(run("gaps", "--all-programs", "--credential", "imhs", "--format", "json").stdout)
    ranks = [(p["rank"], p["program"]) for p in parsed["programs"]]
    first_none = next(i for i, (r, _) in enumerate(ranks) if r is None)
    assert all(r is None for r, _ in ranks[first_none:]) and all(r is not None for r, _ in ranks[:first_none])
    assert {p for r, p in ranks if r is None} == {short_id(p) for p in data.programs if not data.recorded(p)}
    assert "no data" in run("gaps", "--all-programs", "--credential", "imhs").stdout


def test_report_overview_counts_curricula(run, tmp_path, bundled) -> None:
    data = load_coverage_data(bundled)
    recorded, missing = data.split_recorded()
    target = tmp_path / "r.html"
    assert run("report", "--output", target).exit_code == 0
    html = target.read_text(encoding="utf-8")
    assert f"{len(recorded)} of {len(recorded) + len(missing)} programs have a recorded curriculum" in html


def test_bundled_gaps_note_a_covered_related_topic(bundled) -> None:
    # Some program leaves a required topic not known to be covered while covering a topic
    # skos:related to it (topics.ttl): the note names it, the cell stays as defined.
    data = load_coverage_data(bundled)
    found = []
    for credential in data.credentials:
        for program in data.programs:
            g = gaps(data, program, credential)
            for topic, _, value in g.topics:
                if topic in g.related:
                    found.append((value, g.related_note(topic), g.related[topic]))
    assert found, "no related-topic note anywhere in the bundled data"
    for value, note, related in found:
        assert value in ("no", "unknown") and note.startswith("covers related: ")
        assert all(short_id(r) in note for r, _ in related)
