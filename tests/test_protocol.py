"""How imhgraph talks to a SPARQL server, checked on stub servers of the test's own (127.0.0.1):

* queries travel as form-encoded POST (the form every SPARQL 1.1 server answers), so a server
  that never answers ``application/sparql-query`` (Virtuoso 7) is still served; ``--query-method``
  chooses ``direct`` or ``get`` where a server needs it;
* HTTP Digest authentication beside Basic and Bearer, with credentials from the environment;
* ``--endpoint`` is used exactly as given; errors name the derived Graph Store URL.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from imhgraph.endpoint import endpoint_backend
from imhgraph.errors import EndpointError

from .servers import FakeServer

Handler = http.server.BaseHTTPRequestHandler
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "backends" / "riverbend.ttl"
ROWS = {
    "head": {"vars": ["n"]},
    "results": {"bindings": [{"n": {"type": "literal", "value": "7", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]},
}


def _json(h: Handler, document: object, status: int = 200) -> None:
    body = json.dumps(document).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/sparql-results+json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


class Recorder:
    """A stub SPARQL server that records every request and answers like Virtuoso 7: a form-encoded
    query or a GET is answered, ``application/sparql-query`` never (the connection just hangs)."""

    def __init__(self) -> None:
        self.seen: list[dict[str, object]] = []

    def __call__(self, h: Handler) -> None:
        body = getattr(h, "request_body", b"")
        content_type = (h.headers.get("Content-Type") or "").split(";")[0]
        self.seen.append({"method": h.command, "path": h.path, "type": content_type, "body": body})
        if content_type == "application/sparql-query":
            time.sleep(3)  # never answered within the client's timeout
            return
        fields = parse_qs(body.decode()) if h.command == "POST" else parse_qs(urlsplit(h.path).query)
        if "query" not in fields:
            _json(h, {"error": "no query"}, 400)
            return
        _json(h, ROWS)


def test_queries_are_form_encoded_and_a_server_deaf_to_sparql_query_is_served() -> None:
    stub = Recorder()
    with FakeServer(stub) as server:
        backend = endpoint_backend(server.url, timeout=5, endpoint_graph="https://example.org/g")
        backend.union_default_graph = False
        assert backend.select("SELECT (7 AS ?n) WHERE {}").rows[0][0].toPython() == 7
        request = stub.seen[0]
        assert (request["method"], request["path"], request["type"]) == ("POST", "/query", "application/x-www-form-urlencoded")
        assert parse_qs(request["body"].decode()) == {  # type: ignore[union-attr]
            "query": ["SELECT (7 AS ?n) WHERE {}"],
            "default-graph-uri": ["https://example.org/g"],
        }
        # GET, where a server (or a cache in front of it) wants it: the query in the URL
        getter = endpoint_backend(server.url, timeout=5, query_method="get")
        getter.union_default_graph = False
        assert getter.select("SELECT (7 AS ?n) WHERE {}").rows[0][0].toPython() == 7
        assert stub.seen[-1]["method"] == "GET" and parse_qs(urlsplit(str(stub.seen[-1]["path"])).query)["query"] == [
            "SELECT (7 AS ?n) WHERE {}"
        ]
        # The old form (POST application/sparql-query) is what such a server never answers.
        direct = endpoint_backend(server.url, timeout=1, query_method="direct")
        with pytest.raises(EndpointError, match="did not answer within 1 s"):
            direct.select("SELECT (7 AS ?n) WHERE {}")
        assert stub.seen[-1]["type"] == "application/sparql-query"


def _query_file(tmp_path: Path) -> Path:
    path = tmp_path / "seven.rq"
    path.write_text("SELECT (7 AS ?n) WHERE {}\n", encoding="utf-8")
    return path


def test_query_method_is_a_global_option(run: Callable[..., object], tmp_path: Path) -> None:
    stub = Recorder()
    with FakeServer(stub) as server:
        result = run("--endpoint", server.url, "--query-method", "get", "--timeout", "5", "query", _query_file(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"] == "7"  # type: ignore[attr-defined]
    assert {r["method"] for r in stub.seen} == {"GET"}


# --- HTTP Digest -------------------------------------------------------------------------------

REALM, NONCE, OPAQUE = "SPARQL", "5e1f0c2b9a", "0a1b2c"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 — RFC 7616's MD5, as the server does


class DigestStub:
    """Requires ``Authorization: Digest`` (qop=auth, MD5) for user alice with *password*,
    verifying the response hash as a server does; records the Authorization headers."""

    def __init__(self, password: str) -> None:
        self.password = password
        self.authorizations: list[str | None] = []

    def __call__(self, h: Handler) -> None:
        header = h.headers.get("Authorization")
        self.authorizations.append(header)
        if header and header.startswith("Digest ") and self._valid(h.command, header[7:]):
            if h.command == "PUT":
                h.send_response(201)
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
            _json(h, ROWS)
            return
        h.send_response(401)
        h.send_header("WWW-Authenticate", f'Digest realm="{REALM}", nonce="{NONCE}", opaque="{OPAQUE}", qop="auth", algorithm="MD5"')
        h.send_header("Content-Length", "0")
        h.end_headers()

    def _valid(self, method: str, text: str) -> bool:
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', text))
        if fields.get("username") != "alice" or fields.get("realm") != REALM or fields.get("nonce") != NONCE:
            return False
        ha1 = _md5(f"alice:{REALM}:{self.password}")
        ha2 = _md5(f"{method}:{fields['uri']}")
        expected = _md5(f"{ha1}:{NONCE}:{fields['nc']}:{fields['cnonce']}:{fields['qop']}:{ha2}")
        return fields.get("response") == expected and fields.get("opaque") == OPAQUE


def test_digest_authentication_answers_the_challenge(monkeypatch: pytest.MonkeyPatch, run: Callable[..., object]) -> None:
    stub = DigestStub("s3cret-pw")
    monkeypatch.setenv("IMHGRAPH_ENDPOINT_USER", "alice")
    monkeypatch.setenv("IMHGRAPH_ENDPOINT_PASSWORD", "s3cret-pw")
    monkeypatch.setenv("IMHGRAPH_ENDPOINT_AUTH", "digest")
    with FakeServer(stub) as server:
        backend = endpoint_backend(server.url, timeout=5)
        backend.union_default_graph = False
        assert backend.select("SELECT (7 AS ?n) WHERE {}").rows[0][0].toPython() == 7
        # the first request carries no password at all; the second the Digest answer
        assert stub.authorizations[0] is None and stub.authorizations[1].startswith('Digest username="alice"')  # type: ignore[union-attr]
        assert all("s3cret" not in (a or "") for a in stub.authorizations)
        # push: the PUT is answered the same way (the body is sent again with the answer)
        pushed = run("--data", FIXTURE, "push", "--endpoint", server.url, "--gsp-endpoint", server.url.replace("/query", "/crud-auth"), "--graph", "https://example.org/g", "--format", "json")
        assert pushed.exit_code == 0, pushed.stderr  # type: ignore[attr-defined]
        assert json.loads(pushed.stdout)["endpoint_triples"] == 7  # type: ignore[attr-defined]
        # a wrong password: the server refuses the answer, imhgraph says so and shows no secret
        monkeypatch.setenv("IMHGRAPH_ENDPOINT_PASSWORD", "wrong-pw")
        refused = run("--endpoint", server.url, "stats")
    assert refused.exit_code == 2  # type: ignore[attr-defined]
    assert "answered HTTP 401" in refused.stderr and "wrong-pw" not in refused.stderr  # type: ignore[attr-defined]


def test_basic_is_sent_up_front_and_a_digest_challenge_is_still_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    stub = DigestStub("pw")
    monkeypatch.setenv("IMHGRAPH_ENDPOINT_USER", "alice")
    monkeypatch.setenv("IMHGRAPH_ENDPOINT_PASSWORD", "pw")
    monkeypatch.delenv("IMHGRAPH_ENDPOINT_AUTH", raising=False)
    with FakeServer(stub) as server:
        backend = endpoint_backend(server.url, timeout=5)
        backend.union_default_graph = False
        assert backend.select("SELECT (7 AS ?n) WHERE {}").rows[0][0].toPython() == 7
    assert stub.authorizations[0] == "Basic YWxpY2U6cHc=" and stub.authorizations[1].startswith("Digest ")  # type: ignore[union-attr]


# --- URLs as given ---------------------------------------------------------------------------------


def test_an_endpoint_at_the_root_is_used_as_given(run: Callable[..., object], tmp_path: Path) -> None:
    stub = Recorder()
    with FakeServer(stub) as server:
        root = server.url.removesuffix("/query") + "/"
        result = run("--endpoint", root, "query", _query_file(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert {r["path"] for r in stub.seen} == {"/"}


def test_a_root_that_does_not_answer_queries_is_asked_at_query_and_says_so(run: Callable[..., object]) -> None:
    def oxigraph_like(h: Handler) -> None:
        if urlsplit(h.path).path != "/query":
            h.send_response(404)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        _json(h, ROWS)

    with FakeServer(oxigraph_like) as server:
        root = server.url.removesuffix("/query")
        backend = endpoint_backend(root, timeout=5)
        backend.union_default_graph = False
        assert backend.select("SELECT (7 AS ?n) WHERE {}").rows[0][0].toPython() == 7
        assert backend.origin == [root + "/query"] and backend.urls.query == root + "/query"


def test_graph_store_errors_name_the_derived_url_and_the_options(run: Callable[..., object]) -> None:
    def no_store(h: Handler) -> None:
        h.send_response(404)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", "9")
        h.end_headers()
        h.wfile.write(b"Not found")

    with FakeServer(no_store) as server:
        base = server.url.removesuffix("/query")
        result = run("--data", FIXTURE, "push", "--endpoint", base + "/ds/sparql")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert lines[0].startswith(f"error [IMH060]: the Graph Store endpoint {base}/ds/data?default answered HTTP 404")
    assert lines[1].startswith(f"hint: {base}/ds/data is the Graph Store URL derived from the endpoint URL")
    assert "--gsp-endpoint" in lines[1] and "--update-endpoint" in lines[1]
