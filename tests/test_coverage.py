"""Coverage, compare and gaps on a fixture written by someone else, cell by cell.

The fixture (tests/fixtures/coverage/curricula.ttl) draws its topic tree in its header;
EXPECTED below was worked out by hand from it, then an independent computation (plain rdflib,
one SPARQL ASK per cell) is compared with the library cell by cell.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from imhgraph.coverage import (
    CELL_VALUES,
    CoverageData,
    cell,
    compare,
    count_cells,
    gaps,
    load_coverage_data,
    matrix,
    rank_programs,
    select_topics,
)
from imhgraph.render import render, render_text_of
from imhgraph.stores import backend_from_graph

from .conftest import FIXTURES, ROOT

FIXTURE = FIXTURES / "coverage" / "curricula.ttl"
IMH = Namespace("https://w3id.org/imhgraph/ontology#")
T = "http://example.org/topic/"
P = "https://w3id.org/imhgraph/program/"
CRED = "https://w3id.org/imhgraph/credential/relationship-specialist"
ROOT_TOPIC = T + "curriculum"

#: Topic columns in hierarchy pre-order (siblings by ID; observation under attachment first).
TOPICS = [
    "curriculum", "ethics", "foundations", "attachment", "observation", "secure-base",
    "development", "early-brain", "synaptic-pruning", "motor-skills", "practice",
    "assessment", "intervention", "dyadic-therapy",
]
D, N, X, U = "direct", "narrower", "no", "unknown"
#: Worked out by hand: program → cell per topic of TOPICS.
EXPECTED = {
    # complete; covers synaptic-pruning, secure-base, ethics
    "alpha-certificate": [N, D, N, N, X, D, N, N, D, X, X, X, X, X],
    # partial (false); covers observation (two broader), intervention (via skos:narrower), foundations
    "beta-fellowship": [N, U, D, N, D, U, U, U, U, U, N, N, D, U],
    # complete ("1"^^xsd:boolean), covers nothing
    "delta-seminar": [X] * 14,
    # conflicting flags true and false: not complete; covers secure-base
    "epsilon-workshop": [N, U, N, N, U, D, U, U, U, U, U, U, U, U],
    # no flag; covers dyadic-therapy, motor-skills, intervention
    "gamma-course": [N, U, N, U, U, U, N, U, U, D, N, U, D, D],
}


def fixture_graph() -> Graph:
    graph = Graph()
    graph.parse(FIXTURE)
    graph.parse(ROOT / "ontology" / "imh.ttl")  # imh:Endorsement ⊑ imh:Credential
    return graph


@pytest.fixture(scope="module")
def graph() -> Graph:
    return fixture_graph()


@pytest.fixture(scope="module")
def data(graph: Graph) -> CoverageData:
    return load_coverage_data(backend_from_graph(graph))


# ---------------------------------------------------------------------------
# The cells
# ---------------------------------------------------------------------------


def test_programs_topics_and_flags_as_the_data_says(data: CoverageData) -> None:
    assert list(data.programs) == [P + p for p in EXPECTED]
    assert data.programs[P + "beta-fellowship"] == "Beta Fellowship"  # subclass ex:Fellowship counts
    assert list(data.topics) == [T + t for t in TOPICS]
    assert data.topics[T + "curriculum"] == "Consortium curriculum"  # English label preferred
    assert data.topics[T + "assessment"] == "Assessment"  # skos:prefLabel preferred
    assert data.complete == {
        P + "alpha-certificate": True,
        P + "beta-fellowship": False,
        P + "delta-seminar": True,
        P + "epsilon-workshop": False,
        P + "gamma-course": False,
    }
    assert data.broader[T + "observation"] == {T + "attachment", T + "assessment"}
    assert data.broader[T + "intervention"] == {T + "practice"}  # from skos:narrower only
    assert data.required[CRED] == {T + t for t in ("attachment", "observation", "dyadic-therapy", "ethics", "development")}
    assert data.required["https://w3id.org/imhgraph/credential/consortium-associate"] == frozenset()
    assert {t[len(T):]: d for t, d in data.depth.items()} == {
        "curriculum": 1, "ethics": 2, "foundations": 2, "practice": 2, "attachment": 3,
        "development": 3, "assessment": 3, "intervention": 3, "observation": 4, "secure-base": 4,
        "early-brain": 4, "motor-skills": 4, "dyadic-therapy": 4, "synaptic-pruning": 5,
    }


def test_every_cell_equals_the_hand_computed_matrix(data: CoverageData) -> None:
    for program, values in EXPECTED.items():
        for topic, value in zip(TOPICS, values):
            assert cell(data, P + program, T + topic) == value, (program, topic)
    m = matrix(data)
    assert {p[len(P):]: cells for p, cells in m.rows()} == EXPECTED
    assert set(CELL_VALUES) == {v for values in EXPECTED.values() for v in values}


def independent_cell(graph: Graph, program: str, topic: str) -> str:
    """Plain rdflib, one ASK per question, no imhgraph code."""
    bindings = {"p": URIRef(program), "t": URIRef(topic)}
    prefixes = "PREFIX imh: <https://w3id.org/imhgraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    if graph.query(prefixes + "ASK { ?p imh:covers ?t }", initBindings=bindings).askAnswer:
        return "direct"
    if graph.query(
        prefixes + "ASK { ?p imh:covers ?c . ?c (skos:broader|^skos:narrower)+ ?t }", initBindings=bindings
    ).askAnswer:
        return "narrower"
    complete = graph.query(
        prefixes + "ASK { ?p imh:coverageComplete ?v . FILTER(?v = true) "
        "FILTER NOT EXISTS { ?p imh:coverageComplete ?w . FILTER(?w != true) } }",
        initBindings={"p": URIRef(program)},
    ).askAnswer
    return "no" if complete else "unknown"


def test_independent_computation_agrees_cell_by_cell(graph: Graph, data: CoverageData) -> None:
    programs = sorted(
        str(p)
        for p in graph.query(
            "SELECT ?p WHERE { ?p a/rdfs:subClassOf* <https://w3id.org/imhgraph/ontology#TrainingProgram> }",
            initNs={"rdfs": RDFS},
        ).bindings
        for p in [p["p"]]
    )
    topics = sorted(str(t) for t in graph.subjects(RDF.type, IMH.Topic))
    assert set(programs) == set(data.programs) and set(topics) == set(data.topics)
    compared = 0
    for program in programs:
        for topic in topics:
            assert cell(data, program, topic) == independent_cell(graph, program, topic), (program, topic)
            compared += 1
    assert compared == 5 * 14


def test_counts_by_set_arithmetic_equal_counting_cells(data: CoverageData) -> None:
    counts = matrix(data).counts()
    assert {p[len(P):]: [c[v] for v in CELL_VALUES] for p, c in counts.items()} == {
        "alpha-certificate": [3, 5, 6, 0],
        "beta-fellowship": [3, 4, 0, 7],
        "delta-seminar": [0, 0, 14, 0],
        "epsilon-workshop": [1, 3, 0, 10],
        "gamma-course": [3, 4, 0, 7],
    }


def test_filters_subtree_depth_and_explicit_topics(data: CoverageData) -> None:
    def ids(topics: list[str]) -> list[str]:
        return [t[len(T):] for t in topics]

    assert ids(select_topics(data, under=[T + "practice"])) == ["observation", "practice", "assessment", "intervention", "dyadic-therapy"]
    # a subtree's own order: observation sits under assessment there
    assert [t[len(T):] for t in matrix(data, topics=select_topics(data, under=[T + "practice"])).topics] == [
        "practice", "assessment", "observation", "intervention", "dyadic-therapy"
    ]
    assert ids(select_topics(data, depth=2)) == ["curriculum", "ethics", "foundations", "practice"]
    assert ids(select_topics(data, depth=3, under=[T + "foundations"])) == ["foundations", "attachment", "development"]
    assert ids(select_topics(data, topics=[T + "ethics", T + "curriculum"])) == ["curriculum", "ethics"]
    m = matrix(data, programs=[P + "gamma-course", P + "alpha-certificate"], topics=[T + "ethics"])
    assert list(m.rows()) == [(P + "alpha-certificate", ["direct"]), (P + "gamma-course", ["unknown"])]


def test_cycles_untyped_topics_and_programs_without_topics() -> None:
    g = Graph()
    ex = Namespace("http://example.org/c/")
    for name in ("a", "b", "c"):
        g.add((ex[name], RDF.type, IMH.Topic))
    g.add((ex.a, SKOS.broader, ex.b))
    g.add((ex.b, SKOS.broader, ex.c))
    g.add((ex.c, SKOS.broader, ex.a))  # a cycle
    g.add((ex.p, RDF.type, IMH.TrainingProgram))
    g.add((ex.p, IMH.covers, ex.a))
    g.add((ex.p, IMH.covers, ex.untyped))  # not an imh:Topic: still a column
    g.add((ex.q, RDF.type, IMH.TrainingProgram))
    g.add((ex.q, IMH.coverageComplete, Literal(True)))
    data = load_coverage_data(backend_from_graph(g))
    assert data.ancestors(str(ex.a)) == {str(ex.a), str(ex.b), str(ex.c)}
    assert [cell(data, ex.p, t) for t in (ex.a, ex.b, ex.c, ex.untyped)] == ["direct", "narrower", "narrower", "direct"]
    assert [cell(data, ex.q, t) for t in (ex.a, ex.untyped)] == ["no", "no"]
    assert sorted(data.topics) == sorted(str(ex[n]) for n in ("a", "b", "c", "untyped"))
    assert set(data.depth.values()) <= {1, 2, 3} and len(data.topic_order()) == 4


# ---------------------------------------------------------------------------
# compare and gaps (library)
# ---------------------------------------------------------------------------


def test_compare_beta_gamma(data: CoverageData) -> None:
    result = compare(data, P + "beta-fellowship", P + "gamma-course").to_json()
    short = {k: [t[len(T):] for t in v] if isinstance(v, list) else v for k, v in result.items()}
    assert short == {
        "a": "beta-fellowship",
        "b": "gamma-course",
        "shared": ["intervention"],
        # only where the other side's cell is known: gamma's coverage of observation is unknown
        "only_a": ["foundations"],
        "only_b": [],
        "unknown_a": ["ethics", "secure-base", "development", "early-brain", "synaptic-pruning", "motor-skills", "dyadic-therapy"],
        "unknown_b": ["ethics", "attachment", "observation", "secure-base", "early-brain", "synaptic-pruning", "assessment"],
        "jaccard": 0.2,
        "a_label": "Beta Fellowship",
        "b_label": "Gamma Course",
        "a_covers_b_unknown": ["observation"],
        "b_covers_a_unknown": ["motor-skills", "dyadic-therapy"],
        "a_recorded": True,
        "b_recorded": True,
        "similarity": "known",
    }


def test_compare_text(data: CoverageData) -> None:
    text = render_text_of(compare(data, P + "beta-fellowship", P + "gamma-course"), "table")
    assert "Shared (both cover directly): 1\n  http://example.org/topic/intervention  A ● direct    B ● direct    Intervention\n" in text
    assert "  http://example.org/topic/attachment        A ◐ narrower  B ? unknown   Attachment\n" in text
    assert "Unknown (neither is known to cover it): 7\n" in text
    assert "B covers, A unknown (gamma-course covers directly; whether A does is unknown): 2\n" in text
    assert "Only B (gamma-course covers directly, A does not): 0\n" in text
    assert text.endswith("Jaccard similarity (direct coverage): 0.20 (1 shared of 5 covered by either, over what is recorded)\n")


def test_gaps_each_program_and_ranking(data: CoverageData) -> None:
    order = ["ethics", "attachment", "observation", "development", "dyadic-therapy"]
    expected = {
        "alpha-certificate": [D, N, X, N, X],
        "beta-fellowship": [U, N, D, U, U],
        "delta-seminar": [X, X, X, X, X],
        "epsilon-workshop": [U, N, U, U, U],
        "gamma-course": [U, U, U, N, D],
    }
    for program, values in expected.items():
        result = gaps(data, P + program, CRED)
        assert [(t[len(T):], v) for t, _, v in result.topics] == list(zip(order, values))
        # the gaps cells are the matrix cells
        assert values == [EXPECTED[program][TOPICS.index(t)] for t in order]
    alpha = gaps(data, P + "alpha-certificate", CRED)
    assert alpha.share == 0.6 and alpha.has_no
    assert alpha.summary_line() == "3 of 5 required topics covered (60%): 1 directly, 2 by narrower topics only; 2 not covered; 0 unknown."
    assert not gaps(data, P + "beta-fellowship", CRED).has_no
    ranking = rank_programs(data, CRED)
    assert [(rank, g.program[len(P):], g.share) for rank, g in ranking.entries] == [
        (1, "alpha-certificate", 0.6),
        (2, "beta-fellowship", 0.4),
        (2, "gamma-course", 0.4),
        (4, "epsilon-workshop", 0.2),
        (5, "delta-seminar", 0.0),
    ]
    from imhgraph.render import render_json

    assert "".join(render(ranking, "json")) == render_json(ranking.to_json())
    assert ranking.has_no
    empty = gaps(data, P + "alpha-certificate", "https://w3id.org/imhgraph/credential/consortium-associate")
    assert empty.topics == () and empty.share is None and not empty.has_no


# ---------------------------------------------------------------------------
# The command line, every command in every format
# ---------------------------------------------------------------------------

UNDER = ("--under", ROOT_TOPIC)

COVERAGE_TEXT = """\
Coverage of 5 programs × 14 topics

                                     1 1 1 1 1
program            1 2 3 4 5 6 7 8 9 0 1 2 3 4     ●   ◐   ✗   ?
-----------------  ---------------------------   --- --- --- ---
alpha-certificate  ◐ ● ◐ ◐ ✗ ● ◐ ◐ ● ✗ ✗ ✗ ✗ ✗     3   5   6   0
beta-fellowship    ◐ ? ● ◐ ● ? ? ? ? ? ◐ ◐ ● ?     3   4   0   7
delta-seminar      ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗     0   0  14   0
epsilon-workshop   ◐ ? ◐ ◐ ? ● ? ? ? ? ? ? ? ?     1   3   0  10
gamma-course       ◐ ? ◐ ? ? ? ◐ ? ? ● ◐ ? ● ●     3   4   0   7

Topics:
   1  http://example.org/topic/curriculum                Consortium curriculum
   2    http://example.org/topic/ethics                  Ethics
   3    http://example.org/topic/foundations             Foundations
   4      http://example.org/topic/attachment            Attachment
   5        http://example.org/topic/observation         Observing parent | infant interaction
   6        http://example.org/topic/secure-base         Secure base behaviour
   7      http://example.org/topic/development           Early development
   8        http://example.org/topic/early-brain         Early brain development
   9          http://example.org/topic/synaptic-pruning  Synaptic pruning
  10        http://example.org/topic/motor-skills        Motor skills
  11    http://example.org/topic/practice                Practice
  12      http://example.org/topic/assessment            Assessment
  13      http://example.org/topic/intervention          Intervention
  14        http://example.org/topic/dyadic-therapy      Dyadic therapy

● direct: the program covers the topic
◐ narrower: it covers only narrower topics (at any depth)
✗ no: not covered (the program declares its coverage complete)
? unknown: not covered as far as the data says (coverage not declared complete)
"""


def expected_json() -> dict:
    labels = {
        "curriculum": "Consortium curriculum", "ethics": "Ethics", "foundations": "Foundations",
        "attachment": "Attachment", "observation": "Observing parent | infant interaction",
        "secure-base": "Secure base behaviour", "development": "Early development",
        "early-brain": "Early brain development", "synaptic-pruning": "Synaptic pruning",
        "motor-skills": "Motor skills", "practice": "Practice", "assessment": "Assessment",
        "intervention": "Intervention", "dyadic-therapy": "Dyadic therapy",
    }
    program_labels = {
        "alpha-certificate": "Alpha Certificate", "beta-fellowship": "Beta Fellowship",
        "delta-seminar": "Delta Seminar", "epsilon-workshop": "Epsilon Workshop", "gamma-course": "Gamma Course",
    }
    return {
        "programs": [{"id": p, "label": program_labels[p]} for p in EXPECTED],
        "topics": [{"id": T + t, "label": labels[t]} for t in TOPICS],
        "cells": [
            {"program": p, "topic": T + t, "value": v}
            for p, values in EXPECTED.items()
            for t, v in zip(TOPICS, values)
        ],
    }


def test_coverage_text(run) -> None:
    result = run("--data", FIXTURE, "coverage", *UNDER)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == COVERAGE_TEXT


def test_coverage_json_is_the_spec_shape_with_every_cell(run) -> None:
    result = run("--data", FIXTURE, "coverage", *UNDER, "--format", "json")
    assert result.exit_code == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert parsed == expected_json()
    assert list(parsed) == ["programs", "topics", "cells"]
    assert list(parsed["cells"][0]) == ["program", "topic", "value"]
    assert result.stdout.startswith('{\n  "programs": [\n    {"id": "alpha-certificate", "label": "Alpha Certificate"},\n')
    assert '\n    {"program": "gamma-course", "topic": "http://example.org/topic/dyadic-therapy", "value": "direct"}\n  ]\n}\n' in result.stdout


def test_coverage_csv_tsv_markdown(run) -> None:
    csv_out = run("--data", FIXTURE, "coverage", *UNDER, "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "program,label," + ",".join(T + t for t in TOPICS)
    assert csv_out[1:] == [
        "alpha-certificate,Alpha Certificate,narrower,direct,narrower,narrower,no,direct,narrower,narrower,direct,no,no,no,no,no",
        "beta-fellowship,Beta Fellowship,narrower,unknown,direct,narrower,direct,unknown,unknown,unknown,unknown,unknown,narrower,narrower,direct,unknown",
        "delta-seminar,Delta Seminar," + ",".join(["no"] * 14),
        "epsilon-workshop,Epsilon Workshop,narrower,unknown,narrower,narrower,unknown,direct," + ",".join(["unknown"] * 8),
        "gamma-course,Gamma Course,narrower,unknown,narrower,unknown,unknown,unknown,narrower,unknown,unknown,direct,narrower,unknown,direct,direct",
    ]
    tsv_out = run("--data", FIXTURE, "coverage", *UNDER, "--format", "tsv", "--program", "delta-seminar").stdout
    assert tsv_out == "program\tlabel\t" + "\t".join(T + t for t in TOPICS) + "\ndelta-seminar\tDelta Seminar\t" + "\t".join(["no"] * 14) + "\n"
    md = run("--data", FIXTURE, "coverage", *UNDER, "--format", "markdown").stdout
    lines = md.splitlines()
    assert lines[0] == "| program | " + " | ".join(str(i) for i in range(1, 15)) + " |"
    assert lines[2] == "| alpha-certificate | ◐ | ● | ◐ | ◐ | ✗ | ● | ◐ | ◐ | ● | ✗ | ✗ | ✗ | ✗ | ✗ |"
    assert lines[6] == "| gamma-course | ◐ | ? | ◐ | ? | ? | ? | ◐ | ? | ? | ● | ◐ | ? | ● | ● |"
    assert "5. `http://example.org/topic/observation` Observing parent \\| infant interaction" in lines
    assert lines[-1] == "Legend: ● direct; ◐ narrower; ✗ no; ? unknown."


def test_coverage_summary_every_format(run) -> None:
    args = ("--data", FIXTURE, "coverage", *UNDER, "--summary")
    table = run(*args).stdout
    assert table.splitlines()[:8] == [
        "Coverage summary: 5 programs over 14 topics",
        "",
        "program            label              direct  narrower  no  unknown",
        "-----------------  -----------------  ------  --------  --  -------",
        "alpha-certificate  Alpha Certificate  3       5         6   0",
        "beta-fellowship    Beta Fellowship    3       4         0   7",
        "delta-seminar      Delta Seminar      0       0         14  0",
        "epsilon-workshop   Epsilon Workshop   1       3         0   10",
    ]
    assert run(*args, "--format", "csv").stdout.splitlines()[:2] == [
        "program,label,direct,narrower,no,unknown",
        "alpha-certificate,Alpha Certificate,3,5,6,0",
    ]
    assert "| gamma-course | Gamma Course | 3 | 4 | 0 | 7 |" in run(*args, "--format", "markdown").stdout
    assert json.loads(run(*args, "--format", "json").stdout) == {
        "topics": 14,
        "programs": [
            {"id": "alpha-certificate", "label": "Alpha Certificate", "direct": 3, "narrower": 5, "no": 6, "unknown": 0},
            {"id": "beta-fellowship", "label": "Beta Fellowship", "direct": 3, "narrower": 4, "no": 0, "unknown": 7},
            {"id": "delta-seminar", "label": "Delta Seminar", "direct": 0, "narrower": 0, "no": 14, "unknown": 0},
            {"id": "epsilon-workshop", "label": "Epsilon Workshop", "direct": 1, "narrower": 3, "no": 0, "unknown": 10},
            {"id": "gamma-course", "label": "Gamma Course", "direct": 3, "narrower": 4, "no": 0, "unknown": 7},
        ],
    }


def test_coverage_filters_on_the_command_line(run) -> None:
    out = run(
        "--data", FIXTURE, "coverage", "--program", "Gamma Course", "--program", "alpha-certificate",
        "--topic", T + "ethics", "--topic", T + "dyadic-therapy", "--format", "csv",
    ).stdout
    # unrelated topics: each is a root of the chosen set, so by ID
    assert out == (
        f"program,label,{T}dyadic-therapy,{T}ethics\n"
        "alpha-certificate,Alpha Certificate,no,direct\n"
        "gamma-course,Gamma Course,direct,unknown\n"
    )
    # --under combined with --depth: both must hold
    out = run("--data", FIXTURE, "coverage", *UNDER, "--depth", "2", "--program", "beta-fellowship", "--format", "csv").stdout
    assert out.splitlines() == [
        f"program,label,{T}curriculum,{T}ethics,{T}foundations,{T}practice",
        "beta-fellowship,Beta Fellowship,narrower,unknown,direct,narrower",
    ]
    # nothing matches: an empty matrix, said in words
    out = run("--data", FIXTURE, "coverage", "--under", T + "ethics", "--depth", "1").stdout
    assert out == "Coverage of 5 programs × 0 topics\n\n(nothing to show: no programs or no topics match)\n"
    assert json.loads(run("--data", FIXTURE, "coverage", "--under", T + "ethics", "--depth", "1", "--format", "json").stdout) == {
        "programs": expected_json()["programs"], "topics": [], "cells": []
    }


def test_compare_every_format(run) -> None:
    args = ("--data", FIXTURE, "compare", "alpha-certificate", "delta-seminar")
    assert run(*args).stdout == (
        "A: alpha-certificate (Alpha Certificate)\n"
        "B: delta-seminar (Delta Seminar)\n\n"
        "Shared (both cover directly): 0\n\n"
        "Only A (alpha-certificate covers directly, B does not): 3\n"
        "  http://example.org/topic/ethics            A ● direct    B ✗ no        Ethics\n"
        "  http://example.org/topic/secure-base       A ● direct    B ✗ no        Secure base behaviour\n"
        "  http://example.org/topic/synaptic-pruning  A ● direct    B ✗ no        Synaptic pruning\n\n"
        "Only B (delta-seminar covers directly, A does not): 0\n\n"
        "Unknown (neither is known to cover it): 0\n\n"
        "Jaccard similarity (direct coverage): 0.00 (0 shared of 3 covered by either, over what is recorded)\n"
    )
    assert run(*args, "--format", "csv").stdout == (
        "group,topic,label,a,b\n"
        f"only_a,{T}ethics,Ethics,direct,no\n"
        f"only_a,{T}secure-base,Secure base behaviour,direct,no\n"
        f"only_a,{T}synaptic-pruning,Synaptic pruning,direct,no\n"
    )
    assert run(*args, "--format", "tsv").stdout.splitlines()[1] == f"only_a\t{T}ethics\tEthics\tdirect\tno"
    assert f"| only_a | {T}secure-base | Secure base behaviour | direct | no |" in run(*args, "--format", "markdown").stdout
    assert json.loads(run(*args, "--format", "json").stdout) == {
        "a": "alpha-certificate", "b": "delta-seminar", "shared": [],
        "only_a": [T + "ethics", T + "secure-base", T + "synaptic-pruning"], "only_b": [],
        "unknown_a": [], "unknown_b": [], "jaccard": 0.0,
        "a_label": "Alpha Certificate", "b_label": "Delta Seminar",
        "a_covers_b_unknown": [], "b_covers_a_unknown": [], "a_recorded": True, "b_recorded": True,
        "similarity": "known",
    }
    # the bundled topics are loaded too and are unknown for a partial program
    both = json.loads(run("--data", FIXTURE, "compare", "beta-fellowship", "gamma-course", "--format", "json").stdout)
    assert both["shared"] == [T + "intervention"] and both["jaccard"] == 0.2
    assert [t for t in both["unknown_a"] if t.startswith(T)] == [T + t for t in ("ethics", "secure-base", "development", "early-brain", "synaptic-pruning", "motor-skills", "dyadic-therapy")]


def test_gaps_every_format_and_fail_on_gaps(run) -> None:
    args = ("--data", FIXTURE, "gaps", "alpha-certificate", "--credential", "relationship-specialist")
    text = run(*args)
    assert text.exit_code == 0
    assert text.stdout == (
        "Gaps of alpha-certificate (Alpha Certificate) against relationship-specialist (Relationship Specialist)\n\n"
        "topic                                    label                                  value\n"
        "---------------------------------------  -------------------------------------  ----------\n"
        f"{T}ethics          Ethics                                 ● direct\n"
        f"{T}attachment      Attachment                             ◐ narrower\n"
        f"{T}observation     Observing parent | infant interaction  ✗ no\n"
        f"{T}development     Early development                      ◐ narrower\n"
        f"{T}dyadic-therapy  Dyadic therapy                         ✗ no\n\n"
        "3 of 5 required topics covered (60%): 1 directly, 2 by narrower topics only; 2 not covered; 0 unknown.\n"
    )
    assert run(*args, "--format", "csv").stdout == (
        "topic,label,value\n"
        f"{T}ethics,Ethics,direct\n{T}attachment,Attachment,narrower\n"
        f"{T}observation,Observing parent | infant interaction,no\n"
        f"{T}development,Early development,narrower\n{T}dyadic-therapy,Dyadic therapy,no\n"
    )
    assert f"| {T}observation | Observing parent \\| infant interaction | ✗ no |" in run(*args, "--format", "markdown").stdout
    assert json.loads(run(*args, "--format", "json").stdout) == {
        "program": "alpha-certificate",
        "credential": "relationship-specialist",
        "topics": [
            {"id": T + "ethics", "label": "Ethics", "value": "direct"},
            {"id": T + "attachment", "label": "Attachment", "value": "narrower"},
            {"id": T + "observation", "label": "Observing parent | infant interaction", "value": "no"},
            {"id": T + "development", "label": "Early development", "value": "narrower"},
            {"id": T + "dyadic-therapy", "label": "Dyadic therapy", "value": "no"},
        ],
        "program_label": "Alpha Certificate",
        "credential_label": "Relationship Specialist",
        "summary": {"required": 5, "direct": 1, "narrower": 2, "no": 2, "unknown": 0, "covered": 0.6},
        "related_covered": [],
    }
    assert run(*args, "--fail-on-gaps").exit_code == 1
    # unknown is not a gap for certain
    assert run("--data", FIXTURE, "gaps", "beta-fellowship", "--credential", "relationship-specialist", "--fail-on-gaps").exit_code == 0


def test_gaps_all_programs_every_format(run) -> None:
    args = ("--data", FIXTURE, "gaps", "--all-programs", "--credential", "relationship-specialist")
    lines = run(*args).stdout.splitlines()
    assert lines[0] == "Programs against relationship-specialist (Relationship Specialist): 5 required topics"
    assert lines[4].split() == ["1", "alpha-certificate", "Alpha", "Certificate", "1", "2", "2", "0", "60%", f"{T}observation,", f"{T}dyadic-therapy"]
    assert lines[5].split() == ["2", "beta-fellowship", "Beta", "Fellowship", "1", "1", "0", "3", "40%"]
    assert run(*args, "--format", "csv").stdout.splitlines() == [
        "rank,program,label,direct,narrower,no,unknown,covered,not covered",
        f'1,alpha-certificate,Alpha Certificate,1,2,2,0,0.6,"{T}observation, {T}dyadic-therapy"',
        "2,beta-fellowship,Beta Fellowship,1,1,0,3,0.4,",
        "2,gamma-course,Gamma Course,1,1,0,3,0.4,",
        "4,epsilon-workshop,Epsilon Workshop,0,1,0,4,0.2,",
        f'5,delta-seminar,Delta Seminar,0,0,5,0,0,"{T}ethics, {T}attachment, {T}observation, {T}development, {T}dyadic-therapy"',
    ]
    assert "| 4 | epsilon-workshop | Epsilon Workshop | 0 | 1 | 0 | 4 | 20% |  |" in run(*args, "--format", "markdown").stdout
    parsed = json.loads(run(*args, "--format", "json").stdout)
    assert parsed["credential"] == "relationship-specialist"
    assert [(p["rank"], p["program"], p["summary"]["covered"]) for p in parsed["programs"]] == [
        (1, "alpha-certificate", 0.6), (2, "beta-fellowship", 0.4), (2, "gamma-course", 0.4),
        (4, "epsilon-workshop", 0.2), (5, "delta-seminar", 0.0),
    ]
    assert parsed["programs"][4]["topics"][0] == {"id": T + "ethics", "label": "Ethics", "value": "no"}
    assert run(*args, "--fail-on-gaps").exit_code == 1


@pytest.mark.parametrize(
    "args, message, suggestion",
    [
        (("coverage", "--program", "alpha-certficate"), "unknown program 'alpha-certficate'", "alpha-certificate"),
        (("coverage", "--topic", T + "ethic"), f"unknown topic '{T}ethic'", T + "ethics"),
        (("coverage", "--under", T + "practise"), f"unknown topic '{T}practise'", T + "practice"),
        (("compare", "alpha-certificate", "gama-course"), "unknown program 'gama-course'", "gamma-course"),
        (("gaps", "delta-seminr", "--credential", "relationship-specialist"), "unknown program 'delta-seminr'", "delta-seminar"),
        (("gaps", "delta-seminar", "--credential", "relationship-specialst"), "unknown credential", "relationship-specialist"),
    ],
)
def test_mistyped_ids_exit_2_with_suggestions(run, args, message, suggestion) -> None:
    result = run("--data", FIXTURE, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Did you mean:" in result.stderr and suggestion in result.stderr
    assert result.stdout == ""


def test_gaps_usage_errors(run) -> None:
    neither = run("--data", FIXTURE, "gaps", "--credential", "relationship-specialist")
    assert neither.exit_code == 2 and "name a PROGRAM, or use --all-programs" in neither.stderr
    both = run("--data", FIXTURE, "gaps", "alpha-certificate", "--all-programs", "--credential", "relationship-specialist")
    assert both.exit_code == 2 and "not both" in both.stderr
    assert run("--data", FIXTURE, "coverage", "--depth", "0").exit_code == 2


# ---------------------------------------------------------------------------
# --output is atomic
# ---------------------------------------------------------------------------


def test_output_file_equals_stdout_and_replaces_atomically(run, tmp_path: Path) -> None:
    target = tmp_path / "matrix.json"
    target.write_text("old content", encoding="utf-8")
    result = run("--data", FIXTURE, "coverage", *UNDER, "--format", "json", "--output", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert f"wrote {target}" in result.stderr
    assert json.loads(target.read_text(encoding="utf-8")) == expected_json()
    assert os.listdir(tmp_path) == ["matrix.json"]  # no temporary file left behind
    text_file = tmp_path / "matrix.txt"
    run("--data", FIXTURE, "coverage", *UNDER, "--output", text_file)
    assert text_file.read_text(encoding="utf-8") == COVERAGE_TEXT


def test_output_failures_leave_nothing_and_never_touch_inputs(run, tmp_path: Path) -> None:
    missing = run("--data", FIXTURE, "coverage", "--output", tmp_path / "no" / "such" / "dir.txt")
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    assert os.listdir(tmp_path) == []
    copy = tmp_path / "data.ttl"
    copy.write_bytes(FIXTURE.read_bytes())
    refused = run("--data", copy, "coverage", "--output", copy)
    assert refused.exit_code == 2 and "input" in refused.stderr
    assert copy.read_bytes() == FIXTURE.read_bytes()
    assert os.listdir(tmp_path) == ["data.ttl"]


def test_a_failing_writer_keeps_the_old_file(tmp_path: Path) -> None:
    from imhgraph.atomic import write_atomic

    target = tmp_path / "out.json"
    target.write_text("previous", encoding="utf-8")

    def chunks():
        yield '{"programs": ['
        raise RuntimeError("interrupted half-way")

    with pytest.raises(RuntimeError):
        write_atomic(target, chunks())
    assert target.read_text(encoding="utf-8") == "previous"
    assert os.listdir(tmp_path) == ["out.json"]


# ---------------------------------------------------------------------------
# Properties over random hierarchies and programs
# ---------------------------------------------------------------------------


@st.composite
def random_graphs(draw):
    """A random topic poly-hierarchy (edges point to earlier topics, plus maybe one cycle),
    programs with random covers and flags."""
    n_topics = draw(st.integers(min_value=1, max_value=12))
    ex = Namespace("http://example.org/r/")
    g = Graph()
    topics = [ex[f"t{i}"] for i in range(n_topics)]
    for i, topic in enumerate(topics):
        g.add((topic, RDF.type, IMH.Topic))
        if i:
            for parent in draw(st.sets(st.integers(0, i - 1), max_size=2)):
                g.add((topic, SKOS.broader, topics[parent]))
    if n_topics > 2 and draw(st.booleans()):
        g.add((topics[0], SKOS.broader, topics[-1]))  # close a cycle
    n_programs = draw(st.integers(min_value=1, max_value=5))
    for p in range(n_programs):
        program = ex[f"p{p}"]
        g.add((program, RDF.type, IMH.TrainingProgram))
        for t in draw(st.sets(st.integers(0, n_topics - 1), max_size=n_topics)):
            g.add((program, IMH.covers, topics[t]))
        flag = draw(st.sampled_from([None, True, False]))
        if flag is not None:
            g.add((program, IMH.coverageComplete, Literal(flag, datatype=XSD.boolean)))
    return g


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_graphs())
def test_properties_of_cells(g: Graph) -> None:
    data = load_coverage_data(backend_from_graph(g))
    full = matrix(data)
    cells = {(p, t): v for p, row in full.rows() for t, v in zip(full.topics, row)}
    # every (program, topic) pair has exactly one cell
    assert len(cells) == len(data.programs) * len(data.topics)
    for (program, topic), value in cells.items():
        covered = (URIRef(program), IMH.covers, URIRef(topic)) in g
        # a cell is direct exactly when the program covers the topic
        assert (value == "direct") == covered
        assert value == cell(data, program, topic)
        # narrower: reachable by one or more broader steps from a covered topic (rdflib's closure)
        reachable = any(
            URIRef(topic) in set(g.transitive_objects(parent, SKOS.broader))
            for c in g.objects(URIRef(program), IMH.covers)
            for parent in g.objects(c, SKOS.broader)
        )
        if not covered:
            assert (value == "narrower") == reachable
    # a covered topic's ancestors are never 'no' or 'unknown'
    for program in data.programs:
        for topic in data.covers.get(program, ()):
            for ancestor in data.ancestors(topic):
                assert cells[(program, ancestor)] in ("direct", "narrower")
    # the subtree filter equals the full matrix restricted
    for root in data.topics:
        sub = matrix(data, topics=select_topics(data, under=[root]))
        assert set(sub.topics) == data.subtree(root)
        for program, row in sub.rows():
            for topic, value in zip(sub.topics, row):
                assert value == cells[(program, topic)]
    # counts by set arithmetic equal counting the cells
    for program, counts in full.counts().items():
        row = [cells[(program, t)] for t in full.topics]
        assert counts == {v: row.count(v) for v in CELL_VALUES}
        assert counts == count_cells(data, program, frozenset(full.topics))
    # the streamed JSON is the same matrix
    parsed = json.loads("".join(render(full, "json")))
    assert len(parsed["cells"]) == len(cells)


# ---------------------------------------------------------------------------
# The bundled data
# ---------------------------------------------------------------------------


def test_bundled_data_agrees_with_plain_rdflib(bundled) -> None:
    data = load_coverage_data(bundled)
    if not data.programs:
        pytest.skip("no bundled programs yet")
    graph = bundled.graph()
    # A program covers a topic itself or through one of its courses (issue 12), computed here
    # independently of the query fragment that the code uses.
    courses = {(str(c), str(p)) for p, c in graph.subject_objects(IMH.hasCourse)}
    stated = {(str(s), str(t)) for s, t in graph.subject_objects(IMH.covers)}
    covers = stated | {(p, t) for c, p in courses for s, t in stated if s == c}
    reach = set()
    for s, t in graph.query(
        "SELECT ?p ?t WHERE { ?p <https://w3id.org/imhgraph/ontology#covers>/(skos:broader|^skos:narrower)+ ?t }",
        initNs={"skos": SKOS},
    ):
        reach.add((str(s), str(t)))
        reach |= {(p, str(t)) for c, p in courses if c == str(s)}
    complete = {str(p) for p in graph.subjects(IMH.coverageComplete, Literal(True))}
    for program in data.programs:
        for topic in data.topics:
            expected = (
                "direct" if (program, topic) in covers
                else "narrower" if (program, topic) in reach
                else "no" if program in complete else "unknown"
            )
            assert cell(data, program, topic) == expected, (program, topic)


def test_bundled_summary_and_imhs_ranking(run, bundled) -> None:
    data = load_coverage_data(bundled)
    if "https://w3id.org/imhgraph/credential/imhs" not in data.credentials:
        pytest.skip("bundled MI-AIMH data not there yet")
    summary = json.loads(run("coverage", "--summary", "--format", "json").stdout)
    assert [p["id"] for p in summary["programs"]] == sorted(p["id"] for p in summary["programs"])
    assert len(summary["programs"]) == len(data.programs)
    assert all(sum(p[v] for v in CELL_VALUES) == summary["topics"] for p in summary["programs"])
    ranking = json.loads(run("gaps", "--all-programs", "--credential", "imhs", "--format", "json").stdout)
    assert len(ranking["programs"]) == len(data.programs)
    shares = [p["summary"]["covered"] for p in ranking["programs"]]
    assert shares == sorted(shares, reverse=True)


@pytest.mark.parametrize(
    "args",
    [
        ("compare", "alpha-certificate", "gamma-course", "--format", "json"),
        ("gaps", "alpha-certificate", "--credential", "relationship-specialist", "--format", "csv"),
        ("gaps", "--all-programs", "--credential", "relationship-specialist"),
        ("coverage", "--summary", "--format", "markdown"),
    ],
)
def test_every_command_writes_its_output_file_as_it_prints(run, tmp_path: Path, args) -> None:
    printed = run("--data", FIXTURE, *args).stdout
    target = tmp_path / "out"
    written = run("--data", FIXTURE, *args, "--output", target)
    assert written.stdout == "" and target.read_text(encoding="utf-8") == printed
