"""Virtuoso Open Source 7 (Debian's ``virtuoso-opensource-7-bin``) as the endpoint: what differs
from Oxigraph and how imhgraph handles it. The full command comparison is in test_backends.py;
the server is the session's one (``virtuoso`` in conftest.py), each test writes its own graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from imhgraph import cli as cli_module
from imhgraph.stores import memory_backend

from .servers import VIRTUOSO_MISSING, VirtuosoServer, virtuoso_binaries

pytestmark = [pytest.mark.server, pytest.mark.skipif(virtuoso_binaries() is None, reason=VIRTUOSO_MISSING)]

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "backends" / "riverbend.ttl"


def invoke(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_module.cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_durations_come_back_as_numbers_and_imhgraph_says_so(virtuoso: VirtuosoServer) -> None:
    graph = "https://example.org/graph/durations"
    code, _out, err = invoke("push", "--endpoint", virtuoso.url, "--graph", graph)  # the bundled data
    assert code == 0, err
    code, out, err = invoke("--endpoint", virtuoso.url, "--endpoint-graph", graph, "export", "--format", "ntriples")
    assert code == 0
    local = invoke("export", "--format", "ntriples")[1]
    assert '"P2Y"^^<http://www.w3.org/2001/XMLSchema#duration>' in local
    assert '"P2Y"' not in out and '"24"^^<http://www.w3.org/2001/XMLSchema#duration>' in out
    assert err.startswith(f"warning: the endpoint {virtuoso.url} (Virtuoso/") and "as bare numbers" in err
    assert err.count("warning:") == 1 and "Traceback" not in err
    # everything but the durations is the same
    def without(text: str) -> list[str]:
        return sorted(line for line in text.splitlines() if "#duration>" not in line)

    assert without(out) == without(local)


def test_the_default_graph_is_the_union_and_imhgraph_says_so(virtuoso: VirtuosoServer, tmp_path: Path) -> None:
    # Virtuoso has no default graph of its own: push there is refused with advice …
    code, _out, err = invoke("--data", FIXTURE, "push", "--endpoint", virtuoso.url)
    assert code == 2
    assert "sparql-graph-crud?default answered HTTP 500" in err
    assert "hint: This store has no default graph of its own: push with --graph IRI and read with --endpoint-graph IRI." in err
    # … and reading the default graph reads every graph of the server, Virtuoso's own included.
    code, out, err = invoke("--endpoint", virtuoso.url, "stats")
    assert code == 0
    assert out.splitlines()[0] == f"imhgraph data (endpoint: {virtuoso.url}, default graph)"
    assert "warning: imhgraph reads the default graph of" in err and "--endpoint-graph IRI" in err
    code, out, err = invoke("--endpoint", virtuoso.url, "stats", "--format", "json")
    total = json.loads(out)["triples"]
    # a named graph is read alone, and imhgraph says which
    graph = "https://example.org/graph/union-check"
    assert invoke("--data", FIXTURE, "push", "--endpoint", virtuoso.url, "--graph", graph)[0] == 0
    code, out, err = invoke("--endpoint", virtuoso.url, "--endpoint-graph", graph, "stats", "--format", "json")
    document = json.loads(out)
    assert code == 0 and err == ""
    assert document["graph"] == f"graph <{graph}>"
    assert document["triples"] == memory_backend([FIXTURE]).triple_count() < total
    page = tmp_path / "report.html"
    assert invoke("--endpoint", virtuoso.url, "--endpoint-graph", graph, "report", "--output", page)[0] == 0
    assert f"Data: endpoint backend, {virtuoso.url} (graph &lt;{graph}&gt;)." in page.read_text(encoding="utf-8")


def test_push_with_digest_authentication_to_the_protected_graph_store(
    virtuoso: VirtuosoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = "https://example.org/graph/digest"
    protected = virtuoso.base + "/sparql-graph-crud-auth"
    monkeypatch.setenv("IMHGRAPH_ENDPOINT_USER", virtuoso.user)
    monkeypatch.setenv("IMHGRAPH_ENDPOINT_PASSWORD", "not-the-password")
    monkeypatch.setenv("IMHGRAPH_ENDPOINT_AUTH", "digest")
    code, _out, err = invoke("--data", FIXTURE, "push", "--endpoint", virtuoso.url, "--gsp-endpoint", protected, "--graph", graph)
    assert code == 2 and "answered HTTP 401" in err and "not-the-password" not in err
    monkeypatch.setenv("IMHGRAPH_ENDPOINT_PASSWORD", virtuoso.password)
    code, out, err = invoke(
        "--data", FIXTURE, "push", "--endpoint", virtuoso.url, "--gsp-endpoint", protected, "--graph", graph, "--format", "json"
    )
    assert code == 0, err
    expected = memory_backend([FIXTURE]).triple_count()
    assert json.loads(out) == {
        "triples": expected,
        "graph": graph,
        "url": protected,
        "endpoint_triples": expected,
        "default_graph_is_union": False,
        "literals_not_as_written": 0,
    }


def test_data_loaded_by_virtuosos_own_loader_reads_back(virtuoso: VirtuosoServer, tmp_path: Path) -> None:
    from imhgraph import resources

    graph = "https://example.org/graph/ttlp"
    virtuoso.load(graph, *resources.vocabulary_files(), FIXTURE)  # DB.DBA.TTLP, not push
    for args in (["export", "--format", "ntriples"], ["validate", "--format", "json"], ["coverage", "--format", "json"]):
        remote = invoke("--endpoint", virtuoso.url, "--endpoint-graph", graph, *args)
        assert remote == invoke("--data", FIXTURE, *args)
