"""An endpoint that is down or misbehaves: exit 2, one error line, no traceback, bounded time.

Each case runs a small HTTP server of the test's own on 127.0.0.1 (see tests/servers.py)
that answers the way a broken server does. Elapsed times are checked only loosely, to catch
a hang (timeout + a generous margin), never as a benchmark.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable

import pytest

from imhgraph.endpoint import endpoint_backend
from imhgraph.errors import EndpointError

from .servers import FakeServer, free_port

Handler = http.server.BaseHTTPRequestHandler


def _answer(status: int, content_type: str, body: bytes) -> Callable[[Handler], None]:
    def handle(h: Handler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handle


def _truncated(h: Handler) -> None:
    # Promises 5000 bytes, sends a fragment of JSON, then the connection goes away.
    h.send_response(200)
    h.send_header("Content-Type", "application/sparql-results+json")
    h.send_header("Content-Length", "5000")
    h.end_headers()
    h.wfile.write(b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "val')
    h.wfile.flush()
    h.close_connection = True


def _slow_headers(h: Handler) -> None:
    time.sleep(4)
    _answer(200, "application/sparql-results+json", b'{"head":{},"boolean":true}')(h)


def _trickle(h: Handler) -> None:
    # Each byte arrives well within a socket timeout, but the whole answer never ends.
    h.send_response(200)
    h.send_header("Content-Type", "application/sparql-results+json")
    h.end_headers()
    try:
        for _ in range(40):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass


CASES: dict[str, tuple[Callable[[Handler], None], str]] = {
    "http-500": (
        _answer(500, "text/plain", b"Internal error: the store exploded\n" + b"x" * 1000),
        "answered HTTP 500 Internal Server Error: Internal error: the store exploded",
    ),
    "http-404-html": (
        _answer(404, "text/html", b"<html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>"),
        "answered HTTP 404 Not Found: Not Found Not Found",
    ),
    "html-page": (
        _answer(200, "text/html; charset=utf-8", b"<!DOCTYPE html><html><body><h1>Welcome to our portal</h1></body></html>"),
        "did not answer with SPARQL JSON results (got text/html: Welcome to our portal)",
    ),
    "garbage-json": (
        _answer(200, "application/sparql-results+json", b'{"head": {"vars": ["s"]}, "results": '),
        "did not answer with SPARQL JSON results",
    ),
    "json-not-sparql": (
        _answer(200, "application/json", json.dumps({"status": "ok", "items": []}).encode()),
        "did not answer with SPARQL SELECT results",
    ),
    "truncated": (_truncated, "closed the connection in the middle of its answer"),
}


def _one_error_line(stderr: str, fragment: str) -> None:
    lines = stderr.splitlines()
    assert "Traceback" not in stderr
    assert len(lines) <= 2 and lines[0].startswith("error [IMH060]: ") or lines[0].startswith("error [IMH030]: ")
    assert fragment in lines[0]
    assert all(line.startswith("hint: ") for line in lines[1:])


@pytest.mark.parametrize("case", list(CASES))
def test_misbehaving_endpoint(case: str, run: Callable[..., object]) -> None:
    handler, fragment = CASES[case]
    with FakeServer(handler) as server:
        result = run("--endpoint", server.url, "--timeout", "5", "stats")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    _one_error_line(result.stderr, fragment)  # type: ignore[attr-defined]
    assert server.url in result.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize("handler", [_slow_headers, _trickle], ids=["slow-headers", "trickling-body"])
def test_slow_endpoint_gives_up_at_the_timeout(handler: Callable[[Handler], None], run: Callable[..., object]) -> None:
    with FakeServer(handler) as server:
        started = time.monotonic()
        result = run("--endpoint", server.url, "--timeout", "1", "export")
        elapsed = time.monotonic() - started
    assert result.exit_code == 2  # type: ignore[attr-defined]
    _one_error_line(result.stderr, f"the endpoint {server.url} did not answer within 1 s")  # type: ignore[attr-defined]
    assert elapsed < 1 + 2.5  # loose: it must not hang, not a benchmark


def test_refused_connection(run: Callable[..., object]) -> None:
    port = free_port()
    result = run("--endpoint", f"http://127.0.0.1:{port}/query", "stats")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    _one_error_line(
        result.stderr,  # type: ignore[attr-defined]
        f"the endpoint http://127.0.0.1:{port}/query refused the connection (nothing is listening on 127.0.0.1:{port})",
    )


def test_unknown_host(run: Callable[..., object]) -> None:
    # .invalid never resolves (RFC 2606), so no network is touched.
    result = run("--endpoint", "http://imhgraph-test.invalid/query", "--timeout", "5", "stats")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    _one_error_line(result.stderr, "cannot find the host 'imhgraph-test.invalid'")  # type: ignore[attr-defined]


def test_server_stopped_mid_run(run: Callable[..., object]) -> None:
    """The first query of ``stats`` is answered, then the server goes away."""
    box: dict[str, FakeServer] = {}
    answered: list[int] = []

    def first_then_stop(h: Handler) -> None:
        if answered:  # the server is going down: hang up without an answer
            h.close_connection = True
            return
        answered.append(1)
        body = {
            "head": {"vars": ["organizations", "programs", "credentials", "topics", "professions", "sources"]},
            "results": {
                "bindings": [
                    {
                        v: {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
                        for v in ("organizations", "programs", "credentials", "topics", "professions", "sources")
                    }
                ]
            },
        }
        _answer(200, "application/sparql-results+json", json.dumps(body).encode())(h)
        server = box["server"]
        threading.Thread(target=lambda: (server.httpd.shutdown(), server.httpd.server_close())).start()

    server = FakeServer(first_then_stop)
    box["server"] = server
    with server:
        result = run("--endpoint", server.url, "--timeout", "5", "stats")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr and lines[0].startswith("error [IMH060]: ")  # type: ignore[attr-defined]
    assert "refused the connection" in lines[0] or "closed the connection" in lines[0]


def test_query_rejected_by_the_server_is_a_query_error() -> None:
    handler = _answer(400, "text/plain", b"Parser error at line 1: unexpected token")
    with FakeServer(handler) as server:
        with pytest.raises(Exception) as caught:
            endpoint_backend(server.url, timeout=5).select("SELECT * WHERE { ?s ?p }")
    assert caught.value.code == "IMH030"  # type: ignore[attr-defined]
    assert "refused the query: Parser error at line 1: unexpected token" in str(caught.value)


def test_credentials_from_the_environment_are_sent_and_never_shown(
    monkeypatch: pytest.MonkeyPatch, run: Callable[..., object]
) -> None:
    seen: list[str | None] = []

    def deny(h: Handler) -> None:
        seen.append(h.headers.get("Authorization"))
        _answer(401, "text/plain", b"Unauthorized")(h)

    monkeypatch.setenv("IMHGRAPH_ENDPOINT_USER", "alice")
    monkeypatch.setenv("IMHGRAPH_ENDPOINT_PASSWORD", "s3cret-pw")
    with FakeServer(deny) as server:
        result = run("--endpoint", server.url, "stats")
        assert seen == ["Basic YWxpY2U6czNjcmV0LXB3"]  # base64 of alice:s3cret-pw
        monkeypatch.setenv("IMHGRAPH_ENDPOINT_TOKEN", "tok-123")
        with pytest.raises(EndpointError):
            endpoint_backend(server.url, timeout=5).ask("ASK {}")
        assert seen[-1] == "Bearer tok-123"
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "s3cret" not in result.stderr + result.stdout and "YWxpY2" not in result.stderr  # type: ignore[attr-defined]
    assert "answered HTTP 401 Unauthorized" in result.stderr  # type: ignore[attr-defined]
    assert "IMHGRAPH_ENDPOINT_USER" in result.stderr  # type: ignore[attr-defined]


def test_an_endless_answer_is_cut_off_at_the_size_limit(
    run: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server streaming garbage fast must not fill the memory before the timeout."""

    def flood(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.end_headers()
        try:
            for _ in range(2000):
                h.wfile.write(b"x" * 65536)
        except OSError:
            pass

    monkeypatch.setenv("IMHGRAPH_MAX_RESPONSE_BYTES", str(1024 * 1024))
    with FakeServer(flood) as server:
        result = run("--endpoint", server.url, "--timeout", "20", "stats")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    _one_error_line(result.stderr, "sent more than 1,048,576 bytes; stopped reading")  # type: ignore[attr-defined]
