"""Issue 5: analyze similarity | centrality | communities, checked against answers worked out by hand.

Fixture tests/fixtures/analyze/programs.ttl (topic slugs from the SPEC seed list):

    alpha   {A, D, P, C}      complete        A attachment-theory, D infant-child-development,
    beta    {A, D, P, R}      complete        P perinatal-mental-health, C cultural-competence,
    gamma   {A, D, C}         not complete    R reflective-practice, S clinical-supervision-mentoring,
    delta   {R, S, I}         complete        I infant-parent-psychotherapy, X diagnostic-classification
    epsilon {R, S, X}         not declared
    zeta    {}                not complete

Jaccard = |shared| / |union|:
    alpha–gamma 3/4, alpha–beta 3/5, delta–epsilon 2/4, beta–gamma 2/5, beta–delta 1/6,
    beta–epsilon 1/6; every other pair 0.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from imhgraph import analyze
from imhgraph.coverage import CoverageData, load_coverage_data
from imhgraph.errors import UsageError
from imhgraph.stores import memory_backend

from .conftest import FIXTURES

PROGRAMS = FIXTURES / "analyze" / "programs.ttl"
T = "https://w3id.org/imhgraph/topic/"
P = "https://w3id.org/imhgraph/program/"

EXPECTED_PAIRS = [
    ("alpha", "gamma", 3 / 4, 3, 1, 0),
    ("alpha", "beta", 3 / 5, 3, 1, 1),
    ("delta", "epsilon", 2 / 4, 2, 1, 1),
    ("beta", "gamma", 2 / 5, 2, 2, 1),
    ("beta", "delta", 1 / 6, 1, 3, 2),
    ("beta", "epsilon", 1 / 6, 1, 3, 2),
]


@pytest.fixture(scope="module")
def data() -> CoverageData:
    return load_coverage_data(memory_backend([PROGRAMS]))


def _json(run, *args):
    result = run("--data", PROGRAMS, "analyze", *args, "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


# -- similarity -------------------------------------------------------------------------------


def test_similarity_pairs_equal_hand_computed_jaccard(run):
    pairs = _json(run, "similarity")
    assert [(p["a"], p["b"], p["jaccard"], p["shared"], p["only_a"], p["only_b"]) for p in pairs] == EXPECTED_PAIRS
    assert list(pairs[0]) == ["a", "b", "jaccard", "shared", "only_a", "only_b"]


def test_similarity_nearest_neighbours(run):
    nearest = {n["program"]: (n["nearest"], n["jaccard"]) for n in _json(run, "similarity", "--view", "nearest")}
    assert nearest == {
        "alpha": (["gamma"], 0.75),
        "beta": (["alpha"], 0.6),
        "gamma": (["alpha"], 0.75),
        "delta": (["epsilon"], 0.5),
        "epsilon": (["delta"], 0.5),
    }  # zeta has no recorded curriculum: left out, its similarity unknown (not 0)


def test_similarity_matrix_is_symmetric_with_hand_values(run):
    result = _json(run, "similarity", "--view", "matrix")
    ids = result["programs"]
    assert ids == ["alpha", "beta", "delta", "epsilon", "gamma"]
    assert result["left_out"] == ["zeta"]  # no recorded curriculum: unknown, not a row of zeros
    m = {(a, b): result["matrix"][i][j] for i, a in enumerate(ids) for j, b in enumerate(ids)}
    for a, b, jac, *_ in EXPECTED_PAIRS:
        assert m[a, b] == m[b, a] == jac
    assert m["alpha", "delta"] == 0.0 and m["gamma", "epsilon"] == 0.0
    assert m["alpha", "alpha"] == 1.0


def test_similarity_top_and_min(run):
    top1 = [(p["a"], p["b"]) for p in _json(run, "similarity", "--top", "1")]
    # alpha→gamma, beta→alpha, gamma→alpha, delta→epsilon, epsilon→delta
    assert top1 == [("alpha", "gamma"), ("alpha", "beta"), ("delta", "epsilon")]
    at_least = [(p["a"], p["b"]) for p in _json(run, "similarity", "--min", "0.4")]
    assert at_least == [("alpha", "gamma"), ("alpha", "beta"), ("delta", "epsilon"), ("beta", "gamma")]
    # Ties at the K-th place are broken by ID: beta's 3rd most similar is delta (1/6), not epsilon.
    top3 = {(p["a"], p["b"]) for p in _json(run, "similarity", "--top", "3", "--program", "beta",
                                              "--program", "delta", "--program", "epsilon", "--program", "gamma")}
    assert top3 == {("beta", "gamma"), ("beta", "delta"), ("beta", "epsilon"), ("delta", "epsilon")}


def test_similarity_program_selection(run):
    pairs = _json(run, "similarity", "--program", "beta", "--program", "Gamma Seminar Series")
    assert [(p["a"], p["b"], p["jaccard"]) for p in pairs] == [("beta", "gamma", 0.4)]


def test_similarity_rollup_counts_broader_topics():
    # Own small hierarchy: x1, x2 narrower of x; y on its own.
    data = CoverageData(
        programs={P + "p": "P", P + "q": "Q", P + "r": "R"},
        topics={T + "x": "X", T + "x1": "X1", T + "x2": "X2", T + "y": "Y"},
        covers={P + "p": frozenset({T + "x1"}), P + "q": frozenset({T + "x2", T + "y"}), P + "r": frozenset({T + "y"})},
        complete={P + "p": True, P + "q": True, P + "r": True},
        broader={T + "x1": frozenset({T + "x"}), T + "x2": frozenset({T + "x"})},
        depth={T + "x": 1, T + "x1": 2, T + "x2": 2, T + "y": 1},
        required={},
    )
    direct = {(short(p.a), short(p.b)): p.jaccard for p in analyze.similarity(data).pairs}
    assert direct == {("q", "r"): 1 / 2}
    rolled = {(short(p.a), short(p.b)): p.jaccard for p in analyze.similarity(data, rollup=True).pairs}
    # p {x1, x}; q {x2, y, x}; r {y}
    assert rolled == {("p", "q"): 1 / 4, ("q", "r"): 1 / 3}


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_similarity_blocks_give_the_same_answer(data, monkeypatch):
    whole = analyze.similarity(data)
    monkeypatch.setattr(analyze, "_BLOCK_ELEMENTS", 7)  # one row per block
    assert analyze.similarity(data).pairs == whole.pairs
    assert analyze.similarity(data).nearest == whole.nearest
    assert analyze.similarity(data, top=1).pairs == analyze.similarity(data, top=1).pairs


def test_similarity_agrees_with_networkx_on_random_sets():
    import random

    import networkx as nx

    rng = random.Random(7)
    topics = [f"{T}t{i}" for i in range(12)]
    programs = [f"{P}p{i:02d}" for i in range(25)]
    covers = {p: frozenset(rng.sample(topics, rng.randint(0, 6))) for p in programs}
    data = CoverageData(
        programs={p: p[-3:] for p in programs}, topics={t: t for t in topics}, covers=covers,
        complete={p: True for p in programs}, broader={}, depth={t: 1 for t in topics}, required={},
    )
    graph = nx.Graph()
    graph.add_edges_from((p, t) for p, ts in covers.items() for t in ts)
    graph.add_nodes_from(programs)
    expected = {}
    for a, b, value in nx.jaccard_coefficient(graph, [(a, b) for a in programs for b in programs if a < b]):
        if value > 0:
            expected[a, b] = value
    got = {(p.a, p.b): p.jaccard for p in analyze.similarity(data).pairs}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=1e-12)


def test_similarity_refuses_bad_thresholds(data):
    with pytest.raises(UsageError):
        analyze.similarity(data, min_jaccard=1.5)
    with pytest.raises(UsageError):
        analyze.similarity(data, top=0)


# -- centrality -------------------------------------------------------------------------------


def test_centrality_counts_roles_degree_betweenness(run):
    rows = _json(run, "centrality")
    got = [(r["id"], r["programs"], r["known"], r["degree"], r["role"]) for r in rows]
    # Shares over the programs whose cell is known: alpha, beta, delta (complete) always; gamma and
    # epsilon (partial) only for the topics they cover; zeta (no curriculum) never.
    assert got == [
        ("reflective-practice", 3, 4, 6, "core"),  # beta, delta, epsilon of the 3 complete + epsilon
        ("attachment-theory", 3, 4, 4, "core"),
        ("infant-child-development", 3, 4, 4, "core"),
        ("perinatal-mental-health", 2, 3, 4, "core"),  # alpha, beta of the 3 complete: gamma's cell is unknown
        ("clinical-supervision-mentoring", 2, 4, 3, "core"),
        ("cultural-competence", 2, 4, 3, "core"),
        ("diagnostic-classification", 1, 4, 2, "distinctive"),
        ("infant-parent-psychotherapy", 1, 3, 2, "distinctive"),
    ]
    by_id = {r["id"]: r for r in rows}
    assert by_id["attachment-theory"]["share"] == 0.75
    # Betweenness by hand (normalised by (n-1)(n-2)/2 = 21 for 8 topics): reflective practice is the
    # only bridge between the two clusters: 4×3 pairs + half of I–X = 12.5.
    assert by_id["reflective-practice"]["betweenness"] == round(12.5 / 21, 6)
    assert by_id["clinical-supervision-mentoring"]["betweenness"] == round(0.5 / 21, 6)
    assert by_id["attachment-theory"]["betweenness"] == round((4 / 3) / 21, 6)
    assert by_id["cultural-competence"]["betweenness"] == 0.0


def test_centrality_thresholds_are_options(run):
    rows = {r["id"]: r["role"] for r in _json(run, "centrality", "--core", "0.3", "--distinctive", "2")}
    # Two programs are now "distinctive"; 3 of 6 programs is still at least 0.3.
    assert rows["perinatal-mental-health"] == "distinctive"
    assert rows["reflective-practice"] == "core"
    assert rows["diagnostic-classification"] == "distinctive"


def test_centrality_samples_betweenness_deterministically(data):
    first = analyze.centrality(data, samples=3)
    again = analyze.centrality(data, samples=3)
    assert first.sampled == 3
    assert first.to_json() == again.to_json()


def test_role_of_small_cases():
    assert analyze.role_of(1, 1.0, core=0.5, distinctive=1) == "core"  # the only program
    assert analyze.role_of(1, 0.5, core=0.5, distinctive=1) == "distinctive"
    assert analyze.role_of(2, 0.4, core=0.5, distinctive=1) == "common"


# -- communities ------------------------------------------------------------------------------


def test_communities_groups_and_distinguishing_topics(run):
    groups = _json(run, "communities")
    assert [(g["community"], g["programs"]) for g in groups] == [
        (1, ["alpha", "beta", "gamma"]),
        (2, ["delta", "epsilon"]),
    ]  # zeta (no recorded curriculum) is in no community
    first = [(t["id"], t["inside"], t["outside"]) for t in groups[0]["topics"]]
    assert first == [
        ("attachment-theory", 1.0, 0.0),
        ("infant-child-development", 1.0, 0.0),
        ("cultural-competence", round(2 / 3, 6), 0.0),
        ("perinatal-mental-health", round(2 / 3, 6), 0.0),
    ]
    second = [(t["id"], t["inside"], t["outside"]) for t in groups[1]["topics"]]
    assert second == [
        ("clinical-supervision-mentoring", 1.0, 0.0),
        ("reflective-practice", 1.0, round(1 / 3, 6)),
        ("diagnostic-classification", 0.5, 0.0),
        ("infant-parent-psychotherapy", 0.5, 0.0),
    ]


def test_communities_are_stable_across_runs(run, data):
    outputs = {run("--data", PROGRAMS, "analyze", "communities", "--format", "json").stdout for _ in range(3)}
    assert len(outputs) == 1
    # On larger random data too: same seed, same groups.
    import random

    rng = random.Random(3)
    topics = [f"{T}t{i}" for i in range(20)]
    programs = [f"{P}p{i:02d}" for i in range(40)]
    covers = {p: frozenset(rng.sample(topics[(i % 4) * 5:(i % 4) * 5 + 5] + rng.sample(topics, 2), 4))
              for i, p in enumerate(programs)}
    big = CoverageData(
        programs={p: p for p in programs}, topics={t: t for t in topics}, covers=covers,
        complete={p: True for p in programs}, broader={}, depth={t: 1 for t in topics}, required={},
    )
    results = [analyze.communities(big).to_json() for _ in range(3)]
    assert results[0] == results[1] == results[2]
    assert len(results[0]) >= 2


# -- formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize("analysis", ["similarity", "centrality", "communities"])
def test_every_format(run, analysis):
    outputs = {}
    for fmt in ("table", "csv", "tsv", "markdown", "json"):
        result = run("--data", PROGRAMS, "analyze", analysis, "--format", fmt)
        assert result.exit_code == 0, result.stderr
        outputs[fmt] = result.stdout
    rows = list(csv.reader(io.StringIO(outputs["csv"])))
    first_col = {"similarity": "a", "centrality": "topic", "communities": "community"}[analysis]
    assert rows[0][0] == first_col
    assert len(rows) - 1 == len(json.loads(outputs["json"]))
    assert outputs["markdown"].splitlines()[2].startswith(f"| {first_col} |")
    assert outputs["tsv"].split("\n", 1)[0].split("\t")[0] == first_col
    if analysis == "similarity":
        assert rows[1] == ["alpha", "gamma", "0.75", "3", "1", "0"]
        assert "alpha  gamma    0.75" in outputs["table"]
    if analysis == "centrality":
        assert rows[1][:3] == ["reflective-practice", "Reflective practice", "3"]
    if analysis == "communities":
        assert rows[1][:3] == ["1", "3", "alpha, beta, gamma"]


def test_output_file_is_written(run, tmp_path):
    target = tmp_path / "sim.json"
    result = run("--data", PROGRAMS, "analyze", "similarity", "--format", "json", "--output", target)
    assert result.exit_code == 0
    assert json.loads(target.read_text())[0]["a"] == "alpha"


def test_unknown_program_is_a_user_error(run):
    result = run("--data", PROGRAMS, "analyze", "similarity", "--program", "alpah")
    assert result.exit_code == 2
    assert "alpha" in result.stderr and "Traceback" not in result.stderr


def test_matrix_is_refused_beyond_the_limit(data, monkeypatch):
    monkeypatch.setattr(analyze, "MAX_MATRIX", 3)
    with pytest.raises(UsageError, match="unreadable"):
        analyze.similarity(data, for_matrix=True)


def test_bundled_data_analyses_run(bundled):
    data = load_coverage_data(bundled)
    sim = analyze.similarity(data)
    assert len(sim.nearest) + len(sim.left_out) == len(data.programs)
    assert all(not data.recorded(p) for p in sim.left_out) and all(data.recorded(p) for p in sim.programs)
    for pair in sim.pairs:
        assert 0 < pair.jaccard <= 1
        assert pair.jaccard == pair.shared / (pair.shared + pair.only_a + pair.only_b)
    central = analyze.centrality(data)
    covered = {t for topics in data.covers.values() for t in topics}
    assert {t.topic for t in central.topics} == covered
    groups = analyze.communities(data)
    assert sorted(p for c in groups.communities for p in c.programs) == sorted(sim.programs)
