"""``imhgraph push``: the Graph Store Protocol upload, checked against a real Oxigraph server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from imhgraph.push import gsp_url
from imhgraph.stores import memory_backend

from .servers import FakeServer, OxigraphServer, free_port, oxigraph_binary

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "backends" / "riverbend.ttl"
GRAPH = "https://example.org/graph/imh"

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(oxigraph_binary() is None, reason="the oxigraph server binary is not installed"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh, empty Oxigraph server for one test."""
    with OxigraphServer(tmp_path / "server") as started:
        yield started


def _other_data(tmp_path: Path) -> Path:
    path = tmp_path / "solo.ttl"
    path.write_text(
        "<https://w3id.org/imhgraph/program/solo> a <https://w3id.org/imhgraph/ontology#TrainingProgram> ;\n"
        '    <http://www.w3.org/2000/01/rdf-schema#label> "Solo Program" .\n',
        encoding="utf-8",
    )
    return path


def test_gsp_urls() -> None:
    assert gsp_url("http://h:7878/store", None) == "http://h:7878/store?default"
    assert gsp_url("http://h:7878/store", GRAPH) == "http://h:7878/store?graph=https%3A%2F%2Fexample.org%2Fgraph%2Fimh"
    assert gsp_url("http://h/x?key=1", None) == "http://h/x?key=1&default"


def test_push_replaces_the_default_graph(server: OxigraphServer, run: Callable[..., object], tmp_path: Path) -> None:
    expected = memory_backend([FIXTURE]).triple_count()
    first = run("--data", FIXTURE, "push", "--endpoint", server.url)
    assert first.exit_code == 0, first.stderr  # type: ignore[attr-defined]
    assert first.stdout == (  # type: ignore[attr-defined]
        f"pushed {expected} triples (vocabulary and data) to the default graph at {server.url}/store; "
        f"the endpoint now holds {expected} triples there\n"
    )
    # Pushing other data replaces, never adds: the Riverbend programs are gone afterwards.
    second = run("push", "--endpoint", server.url + "/query", "--data", _other_data(tmp_path), "--format", "json")
    assert second.exit_code == 0, second.stderr  # type: ignore[attr-defined]
    report = json.loads(second.stdout)  # type: ignore[attr-defined]
    solo = memory_backend([_other_data(tmp_path)]).triple_count()
    assert report == {
        "triples": solo,
        "graph": None,
        "url": f"{server.url}/store",
        "endpoint_triples": solo,
        "default_graph_is_union": False,
        "literals_not_as_written": 0,
    }
    listing = run("--endpoint", server.url, "stats", "--format", "json")
    assert json.loads(listing.stdout)["counts"]["programs"] == 1  # type: ignore[attr-defined]


def test_push_to_a_named_graph_and_read_it_back(server: OxigraphServer, run: Callable[..., object]) -> None:
    result = run("--data", FIXTURE, "push", "--endpoint", server.url, "--graph", GRAPH, "--format", "json")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    report = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert report["graph"] == GRAPH and report["endpoint_triples"] == report["triples"]
    # The default graph is untouched; --endpoint-graph reads the named graph as the default.
    empty = run("--endpoint", server.url, "stats", "--format", "json")
    assert json.loads(empty.stdout)["triples"] == 0  # type: ignore[attr-defined]
    remote = run("--endpoint", server.url, "--endpoint-graph", GRAPH, "export", "--format", "ntriples")
    local = run("--data", FIXTURE, "export", "--format", "ntriples")
    assert remote.exit_code == 0 and remote.stdout == local.stdout  # type: ignore[attr-defined]


def test_push_from_a_store(server: OxigraphServer, run: Callable[..., object], tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("--store", store, "--data", FIXTURE, "stats").exit_code == 0  # type: ignore[attr-defined]
    result = run("--store", store, "push", "--endpoint", server.url, "--format", "json")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert json.loads(result.stdout)["triples"] == memory_backend([FIXTURE]).triple_count()  # type: ignore[attr-defined]
    remote = run("--endpoint", server.url, "export", "--format", "ntriples")
    local = run("--data", FIXTURE, "export", "--format", "ntriples")
    assert remote.stdout == local.stdout  # type: ignore[attr-defined]


def test_push_errors(run: Callable[..., object]) -> None:
    missing = run("push")
    assert missing.exit_code == 2 and missing.stderr.startswith("error [IMH001]: push needs an endpoint")  # type: ignore[attr-defined]
    port = free_port()
    down = run("push", "--endpoint", f"http://127.0.0.1:{port}")
    assert down.exit_code == 2  # type: ignore[attr-defined]
    assert down.stderr.splitlines()[0] == (  # type: ignore[attr-defined]
        f"error [IMH060]: the Graph Store endpoint http://127.0.0.1:{port}/store?default refused the connection "
        f"(nothing is listening on 127.0.0.1:{port})"
    )
    bad_graph = run("push", "--endpoint", "http://127.0.0.1:1", "--graph", "not an iri")
    assert bad_graph.exit_code == 2 and "not an absolute IRI" in bad_graph.stderr  # type: ignore[attr-defined]


def test_push_refused_by_the_store(run: Callable[..., object]) -> None:
    def forbid(h: object) -> None:
        h.send_response(403)  # type: ignore[attr-defined]
        h.send_header("Content-Type", "text/plain")  # type: ignore[attr-defined]
        h.end_headers()  # type: ignore[attr-defined]
        h.wfile.write(b"read-only dataset")  # type: ignore[attr-defined]

    with FakeServer(forbid) as fake:
        result = run("push", "--endpoint", fake.url, "--gsp-endpoint", fake.url.replace("/query", "/gsp"))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    first = result.stderr.splitlines()[0]  # type: ignore[attr-defined]
    assert first.startswith("error [IMH060]: the Graph Store endpoint ") and "/gsp?default answered HTTP 403" in first
    assert first.endswith(": read-only dataset")
