"""The benchmark as a correctness check: at its smallest size, imhgraph and the plain-rdflib
baseline give the same answers for every benchmarked command. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


@pytest.fixture(scope="module")
def bench_modules():
    sys.path.insert(0, str(BENCH))
    import generate
    import run

    yield generate, run
    sys.path.remove(str(BENCH))


def test_generated_data_is_deterministic_and_sized(bench_modules, tmp_path: Path) -> None:
    generate, run = bench_modules
    a = generate.write(tmp_path / "a.ttl", 40, seed=3)
    b = generate.write(tmp_path / "b.ttl", 40, seed=3)
    c = generate.write(tmp_path / "c.ttl", 40, seed=4)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    triples = run.count_triples(a)
    # ≈ 6,400 triples of topics and vocabulary plus ≈ 46 per program.
    assert 6_500 < triples < 10_000


def test_generated_topics_hang_under_the_scheme(bench_modules, tmp_path: Path) -> None:
    generate, _ = bench_modules
    import pyoxigraph as ox

    path = generate.write(tmp_path / "g.ttl", 10, seed=1)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    store.load(path=str(ROOT / "ontology" / "topics.ttl"), format=ox.RdfFormat.TURTLE)
    q = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX imh: <https://w3id.org/imhgraph/ontology#>
    SELECT (COUNT(DISTINCT ?t) AS ?n) (MAX(?d) AS ?deepest) WHERE {
      { SELECT ?t (COUNT(?up) AS ?d) WHERE { ?t a imh:Topic ; skos:inScheme <https://w3id.org/imhgraph/topic/scheme> ;
          skos:prefLabel [] . ?t skos:broader+ ?up } GROUP BY ?t } }"""
    row = next(iter(store.query(q)))
    assert int(row["n"].value) >= 300  # several hundred topics below the top concepts
    assert int(row["deepest"].value) >= 5  # depth 4 under an existing topic, and more
    # Every program covers 15 to 45 topics.
    counts = [int(s["n"].value) for s in store.query(
        "SELECT (COUNT(?t) AS ?n) WHERE { ?p <https://w3id.org/imhgraph/ontology#covers> ?t } GROUP BY ?p")]
    assert len(counts) == 10 and min(counts) >= 15 and max(counts) <= 45


def test_benchmark_answers_equal_at_the_smallest_size(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "10k", "--repeat", "1", "--no-startup", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    rows = [line.split("|") for line in done.stdout.splitlines() if line.startswith("| ") and "10k" in line]
    table = {cells[1].strip(): cells[9].strip() for cells in rows}
    assert table == {c: "yes" for c in ("coverage", "gaps", "similarity", "validate", "export")}, done.stdout + done.stderr
    assert done.returncode == 0


def test_answers_compare_by_content_not_layout(bench_modules, tmp_path: Path) -> None:
    _, run = bench_modules
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    a.write_text('{"cells": [{"program": "p", "topic": "t", "value": "direct"}], "x": 0.1}\n')
    b.write_text('{\n  "x": 0.1000000000001,\n  "cells": [\n    {"value": "direct", "topic": "t", "program": "p"}\n  ]\n}\n')
    c.write_text('{"cells": [{"program": "p", "topic": "t", "value": "unknown"}], "x": 0.1}\n')
    assert run.digest(a, "json") == run.digest(b, "json") != run.digest(c, "json")
    ttl1, ttl2, ttl3 = tmp_path / "1.ttl", tmp_path / "2.ttl", tmp_path / "3.ttl"
    ttl1.write_text('<http://x/a> <http://x/p> [ <http://x/q> "v" ] , <http://x/b> .\n')
    ttl2.write_text('<http://x/a> <http://x/p> <http://x/b> .\n<http://x/a> <http://x/p> _:z .\n_:z <http://x/q> "v" .\n')
    ttl3.write_text('<http://x/a> <http://x/p> [ <http://x/q> "w" ] , <http://x/b> .\n')
    assert run.digest(ttl1, "rdf") == run.digest(ttl2, "rdf") != run.digest(ttl3, "rdf")


def test_against_an_earlier_install_compares_answers_and_reads_ratios(tmp_path: Path) -> None:
    """``bench/against.py`` against itself: same answers, a table row per command, and the
    verdicts it prints are the ones its noise rule gives (no timing asserted)."""
    sys.path.insert(0, str(BENCH))
    try:
        import against
    finally:
        sys.path.remove(str(BENCH))
    assert against.verdict(0.5) == "faster"
    assert against.verdict(1.05) == "same (within noise)"
    assert against.verdict(1.5) == "SLOWER"
    script = Path(sys.executable).with_name("imhgraph")
    out = subprocess.run(
        [sys.executable, str(BENCH / "against.py"), "--other", str(script), "--sizes", "10k",
         "--commands", "coverage,validate", "--repeat", "1", "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    rows = [line for line in out.stdout.splitlines() if line.startswith("| coverage") or line.startswith("| validate")]
    assert len(rows) == 2, out.stdout + out.stderr
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == "10k" and cells[8] == "yes", row
