"""A SPARQL 1.1 endpoint as a backend (``--endpoint URL``): Oxigraph, Fuseki, GraphDB, Virtuoso …

Queries go to the server as SPARQL (SPARQL 1.1 Protocol, ``POST application/sparql-query``),
so the server does the work; results come back as rdflib terms, exactly as from the
embedded backends. Parameters are bound by sending a ``VALUES`` block made of serialised
rdflib terms (never user text) inside the query's WHERE group.

Every request has a connect timeout and a total deadline that covers reading the body, so
a server that is down, slow, dies mid-answer or answers something that is not SPARQL gives
a one-line :class:`~imhgraph.errors.EndpointError` in bounded time, never a hang.

Credentials come only from the environment (``IMHGRAPH_ENDPOINT_TOKEN`` for a bearer token,
or ``IMHGRAPH_ENDPOINT_USER`` + ``IMHGRAPH_ENDPOINT_PASSWORD`` for HTTP basic auth) and are
never printed.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .sparql.binding import with_values
from .sparql.named_queries import internal_query
from .errors import EndpointError, QueryError
from .namespaces import bind_all
from .namespaces import XSD_STRING as _XSD_STRING
from .stores import Backend, SelectResult, to_rdflib

SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
USER_AGENT = "imhgraph (SPARQL 1.1 Protocol client)"
#: connecting takes at most this long (or --timeout, if shorter): a live server accepts at once.
CONNECT_TIMEOUT = 10.0

# --- endpoint URLs -------------------------------------------------------------------------


@dataclass(frozen=True)
class EndpointUrls:
    """Where a server takes queries, updates and Graph Store Protocol requests."""

    query: str
    update: str
    gsp: str


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def endpoint_urls(url: str, *, update: str | None = None, gsp: str | None = None) -> EndpointUrls:
    """The query, update and Graph Store URLs for *url*, recognising the common layouts:

    * Oxigraph: ``http://host:7878`` or ``…/query`` → ``/query``, ``/update``, ``/store``;
    * Fuseki: ``…/ds/query`` or ``…/ds/sparql`` → ``/ds/update``, ``/ds/data`` (``…/ds`` serves all three);
    * GraphDB / RDF4J: ``…/repositories/R`` → ``…/statements``, ``…/rdf-graphs/service``;
    * Virtuoso: ``…/sparql`` → the same URL for updates, ``/sparql-graph-crud`` for the store.

    Explicit *update* / *gsp* URLs always win.

    :raises EndpointError: not an http(s) URL, or one that carries credentials.
    """
    check_url(url)
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path:  # Oxigraph's root (its HTML UI lives at "/")
        q, u, g = (_with_path(url, p) for p in ("/query", "/update", "/store"))
    elif path.endswith("/query") and path.count("/") == 1:  # Oxigraph: /query
        q, u, g = url, _with_path(url, "/update"), _with_path(url, "/store")
    elif (m := re.match(r"^(.*/repositories/[^/]+)$", path)):  # GraphDB, RDF4J
        q, u, g = url, _with_path(url, m.group(1) + "/statements"), _with_path(url, m.group(1) + "/rdf-graphs/service")
    elif path == "/sparql":  # Virtuoso
        q, u, g = url, url, _with_path(url, "/sparql-graph-crud")
    elif (m := re.match(r"^(/.+)/(query|sparql)$", path)):  # Fuseki: /ds/query, /ds/sparql
        base = m.group(1)
        q, u, g = url, _with_path(url, base + "/update"), _with_path(url, base + "/data")
    else:  # a Fuseki dataset URL (or an unknown layout): one URL for everything
        q = u = g = url
    if update:
        check_url(update)
    if gsp:
        check_url(gsp)
    return EndpointUrls(q, update or u, gsp or g)


def check_url(url: str) -> None:
    """Refuse what is not an http(s) URL, and URLs with credentials in them (those belong in
    environment variables, not on a command line where ``ps`` and shell history show them)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(
            f"{_redact(url)!r} is not an http(s) URL of a SPARQL endpoint",
            hint="For example http://localhost:7878/query (Oxigraph) or http://localhost:3030/ds/query (Fuseki).",
        )
    if parts.username or parts.password:
        raise EndpointError(
            f"the endpoint URL {_redact(url)!r} carries credentials",
            hint="Remove them from the URL and set IMHGRAPH_ENDPOINT_USER and IMHGRAPH_ENDPOINT_PASSWORD "
            "(or IMHGRAPH_ENDPOINT_TOKEN) instead.",
        )


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return urlunsplit((parts.scheme, "***@" + host, parts.path, parts.query, parts.fragment))
    return url


def auth_headers() -> dict[str, str]:
    """The Authorization header from the environment (token first, then user + password)."""
    token = os.environ.get("IMHGRAPH_ENDPOINT_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = os.environ.get("IMHGRAPH_ENDPOINT_USER")
    if user:
        password = os.environ.get("IMHGRAPH_ENDPOINT_PASSWORD", "")
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}
    return {}


# --- HTTP with a deadline -------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """A complete HTTP response."""

    status: int
    reason: str
    content_type: str
    body: bytes


def max_response_bytes() -> int:
    """The most bytes one answer may have (``IMHGRAPH_MAX_RESPONSE_BYTES``, default 2 GiB)."""
    try:
        return int(os.environ.get("IMHGRAPH_MAX_RESPONSE_BYTES", 2 * 1024**3))
    except ValueError:
        return 2 * 1024**3


def http_request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    what: str = "the endpoint",
) -> Response:
    """One HTTP request that finishes (or fails with :class:`EndpointError`) within *timeout*
    seconds, reading the body included; the status is not checked here.

    :raises EndpointError: DNS failure, refused or reset connection, timeout, not HTTP.
    """
    check_url(url)
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    where = f"{what} {url}"

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=min(CONNECT_TIMEOUT, timeout))
    all_headers = {"User-Agent": USER_AGENT, **auth_headers(), **(headers or {})}
    try:
        connection.connect()
        sock = connection.sock
        sock.settimeout(remaining())
        connection.request(method, target, body=body, headers=all_headers)
        sock.settimeout(remaining())
        response = connection.getresponse()
        chunks = []
        received = 0
        limit = max_response_bytes()
        while True:
            # Reset the socket timeout before each read: a server that trickles bytes
            # cannot stretch the request beyond the deadline.
            sock.settimeout(remaining())
            chunk = response.read1(65536)
            if not chunk:
                break
            received += len(chunk)
            if received > limit:
                # A server answering garbage fast could otherwise fill the memory in time.
                raise EndpointError(
                    f"{_redact(url)} sent more than {limit:,} bytes; stopped reading",
                    hint="Ask for less (a narrower query), or raise IMHGRAPH_MAX_RESPONSE_BYTES.",
                )
            chunks.append(chunk)
        if response.length:  # the connection ended before the promised Content-Length
            raise http.client.IncompleteRead(b"".join(chunks), response.length)
        return Response(
            response.status,
            response.reason or "",
            (response.getheader("Content-Type") or "").split(";")[0].strip().lower(),
            b"".join(chunks),
        )
    except (TimeoutError, socket.timeout):
        raise EndpointError(
            f"{where} did not answer within {timeout:g} s",
            hint="Check that the server is up and not overloaded, or allow more time with --timeout.",
        ) from None
    except socket.gaierror:
        raise EndpointError(
            f"cannot find the host {parts.hostname!r} of {where} (DNS lookup failed)",
            hint="Check the spelling of the URL and the network.",
        ) from None
    except ConnectionRefusedError:
        raise EndpointError(
            f"{where} refused the connection (nothing is listening on {parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)})",
            hint="Start the server (e.g. `oxigraph serve --location DIR`) or check the port.",
        ) from None
    except (http.client.IncompleteRead, http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
        raise EndpointError(
            f"{where} closed the connection in the middle of its answer",
            hint="The server may have stopped or crashed; check its log and try again.",
        ) from None
    except ssl.SSLError as exc:
        raise EndpointError(f"TLS failed with {where}: {exc.reason or exc}") from None
    except http.client.HTTPException as exc:
        raise EndpointError(f"{where} did not answer in HTTP ({type(exc).__name__})") from None
    except OSError as exc:
        raise EndpointError(f"cannot reach {where}: {exc.strerror or exc}") from None
    finally:
        connection.close()


def check_status(response: Response, url: str, what: str = "the endpoint") -> None:
    """Raise a one-line :class:`EndpointError` for an HTTP error status (with a short snippet)."""
    if 200 <= response.status < 300:
        return
    snippet = _snippet(response.body)
    hint = None
    if response.status in (401, 403):
        hint = "Set IMHGRAPH_ENDPOINT_USER and IMHGRAPH_ENDPOINT_PASSWORD (or IMHGRAPH_ENDPOINT_TOKEN)."
    elif response.status == 404:
        hint = "Check the URL: Oxigraph serves /query, /update, /store; Fuseki /DATASET/query, /update, /data."
    elif 300 <= response.status < 400:
        hint = "Use the URL the server redirects to."
    raise EndpointError(
        f"{what} {url} answered HTTP {response.status} {response.reason}".rstrip()
        + (f": {snippet}" if snippet else ""),
        hint=hint,
    )


def _snippet(body: bytes, limit: int = 160) -> str:
    text = body[:4000].decode("utf-8", errors="replace")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- results -----------------------------------------------------------------------------------

_RDF_FORMATS = {
    "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES",
    "text/turtle": "TURTLE",
    "application/x-turtle": "TURTLE",
    "application/rdf+xml": "RDF_XML",
    "application/n-quads": "N_QUADS",
    "application/ld+json": "JSON_LD",
}


def _not_sparql(url: str, response: Response, expected: str) -> EndpointError:
    got = response.content_type or "no content type"
    if "html" in got:
        hint = "That looks like a web page: is this the query endpoint? Oxigraph: http://HOST:7878/query; Fuseki: http://HOST:3030/DATASET/query."
    else:
        hint = "Check that the URL is a SPARQL 1.1 query endpoint."
    snippet = _snippet(response.body, 80)
    return EndpointError(
        f"the endpoint {url} did not answer with {expected} (got {got}"
        + (f": {snippet}" if snippet else "")
        + ")",
        hint=hint,
    )


def _json_results(url: str, response: Response) -> dict[str, Any]:
    if "html" in response.content_type or "xml" in response.content_type:
        raise _not_sparql(url, response, "SPARQL JSON results")
    try:
        document = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _not_sparql(url, response, "SPARQL JSON results") from None
    if not isinstance(document, dict):
        raise _not_sparql(url, response, "SPARQL JSON results")
    return document


def _term(value: Any, url: str) -> Node:
    if not isinstance(value, dict) or "type" not in value or "value" not in value:
        raise EndpointError(f"the endpoint {url} answered a malformed SPARQL result term: {str(value)[:80]}")
    kind, text = value["type"], value["value"]
    if kind == "uri":
        return URIRef(text)
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        if lang:
            return Literal(text, lang=lang)
        datatype = value.get("datatype")
        if datatype and datatype != _XSD_STRING:
            return Literal(text, datatype=URIRef(datatype))
        return Literal(text)
    if kind == "bnode":
        return BNode(text)
    raise EndpointError(f"the endpoint {url} answered an unsupported term type {kind!r}")


def parse_select(url: str, response: Response) -> SelectResult:
    """SPARQL 1.1 Query Results JSON (SELECT) → :class:`SelectResult` with rdflib terms."""
    document = _json_results(url, response)
    try:
        variables = tuple(document["head"]["vars"])
        bindings = document["results"]["bindings"]
        if not all(isinstance(v, str) for v in variables) or not isinstance(bindings, list):
            raise TypeError
        rows = [
            tuple(_term(b[v], url) if v in b else None for v in variables)
            for b in bindings
        ]
    except (KeyError, TypeError, AttributeError):
        raise _not_sparql(url, response, "SPARQL SELECT results") from None
    return SelectResult(variables, rows)


def parse_ask(url: str, response: Response) -> bool:
    """SPARQL 1.1 Query Results JSON (ASK) → bool."""
    document = _json_results(url, response)
    answer = document.get("boolean")
    if not isinstance(answer, bool):
        raise _not_sparql(url, response, "an ASK result")
    return answer


def parse_graph(url: str, response: Response) -> Graph:
    """An RDF answer (N-Triples, Turtle, RDF/XML …) → rdflib Graph, terms converted exactly as
    the embedded backends convert them."""
    import pyoxigraph as ox

    name = _RDF_FORMATS.get(response.content_type)
    if name is None:
        raise _not_sparql(url, response, "RDF (N-Triples or Turtle)")
    graph = bind_all(Graph())
    try:
        for t in ox.parse(response.body, getattr(ox.RdfFormat, name)):
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    except (SyntaxError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise EndpointError(f"the endpoint {url} answered malformed {name.replace('_', '-')}: {first}") from None
    return graph


# --- the backend ---------------------------------------------------------------------------------


class EndpointBackend(Backend):
    """A remote SPARQL 1.1 endpoint; every query runs on the server."""

    def __init__(
        self,
        urls: EndpointUrls,
        *,
        timeout: float = 30.0,
        default_graph: str | None = None,
    ) -> None:
        super().__init__(kind="endpoint", origin=[urls.query])
        self.urls = urls
        self.timeout = timeout
        self.default_graph = default_graph

    def _post(self, query: str, bindings: Mapping[str, Node] | None, accept: str) -> Response:
        text = with_values(query, bindings)
        url = self.urls.query
        if self.default_graph:
            url += ("&" if "?" in url else "?") + urlencode({"default-graph-uri": self.default_graph})
        response = http_request(
            "POST",
            url,
            body=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
            timeout=self.timeout,
        )
        if response.status == 400:
            raise QueryError(
                f"the endpoint {self.urls.query} refused the query: {_snippet(response.body)}",
            )
        check_status(response, self.urls.query)
        return response

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        return parse_select(self.urls.query, self._post(query, bindings, SELECT_ACCEPT))

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        return parse_ask(self.urls.query, self._post(query, bindings, SELECT_ACCEPT))

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph:
        return parse_graph(self.urls.query, self._post(query, bindings, GRAPH_ACCEPT))

    def graph(self) -> Graph:
        cached = self.memo.get("graph")
        if cached is None:
            cached = self.construct(internal_query("all-triples"))
            self.memo["graph"] = cached
        return cached


def endpoint_backend(
    url: str,
    timeout: float = 30.0,
    *,
    update_endpoint: str | None = None,
    gsp_endpoint: str | None = None,
    endpoint_graph: str | None = None,
    **_ignored: Any,
) -> EndpointBackend:
    """A backend over the SPARQL endpoint at *url* (query URL or a server/dataset base URL;
    see :func:`endpoint_urls`). Nothing is contacted until the first query.

    :param endpoint_graph: query this named graph as the default graph (``default-graph-uri``),
        e.g. after ``push --graph IRI``.
    :raises EndpointError: a URL that is not http(s) or carries credentials.
    """
    urls = endpoint_urls(url, update=update_endpoint, gsp=gsp_endpoint)
    return EndpointBackend(urls, timeout=timeout, default_graph=endpoint_graph)
