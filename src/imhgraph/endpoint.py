"""A SPARQL 1.1 endpoint as a backend (``--endpoint URL``): Oxigraph, Fuseki, GraphDB, Virtuoso …

Queries go to the server as SPARQL 1.1 Protocol requests, by default ``POST`` with an
``application/x-www-form-urlencoded`` body (``query=…``): the one form every SPARQL 1.1 server
answers (Virtuoso 7 never answers ``POST application/sparql-query``). ``--query-method direct``
or ``get`` chooses another form where a server needs it. The server does the work; results come back as rdflib terms, exactly as from the
embedded backends. Parameters are bound by sending a ``VALUES`` block made of serialised
rdflib terms (never user text) inside the query's WHERE group.

Every request has a connect timeout and a total deadline that covers reading the body, so
a server that is down, slow, dies mid-answer or answers something that is not SPARQL gives
a one-line :class:`~imhgraph.errors.EndpointError` in bounded time, never a hang.

Credentials come only from the environment (``IMHGRAPH_ENDPOINT_TOKEN`` for a bearer token,
or ``IMHGRAPH_ENDPOINT_USER`` + ``IMHGRAPH_ENDPOINT_PASSWORD`` for HTTP Basic auth, or HTTP
Digest auth when the server asks for it, as Virtuoso's ``/sparql-graph-crud-auth`` does) and
are never printed. ``IMHGRAPH_ENDPOINT_AUTH=digest`` never sends the password in Basic form.

Why one module: the SPARQL 1.1 Protocol client (URLs, HTTP, authentication, limits,
result parsing) and the backend built on it change together.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import os
import re
from pathlib import Path
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

    * Oxigraph: ``http://host:7878`` or ``…/query`` → ``/update``, ``/store`` (queries sent to a
      server root that does not answer them go to its ``/query``: see :class:`EndpointBackend`);
    * Fuseki: ``…/ds/query`` or ``…/ds/sparql`` → ``/ds/update``, ``/ds/data`` (``…/ds`` serves all three);
    * GraphDB / RDF4J: ``…/repositories/R`` → ``…/statements``, ``…/rdf-graphs/service``;
    * Virtuoso: ``…/sparql`` → the same URL for updates, ``/sparql-graph-crud`` for the store.

    The query URL is always *url* exactly as given. Explicit *update* / *gsp* URLs always win.

    :raises EndpointError: not an http(s) URL, or one that carries credentials.
    """
    check_url(url)
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path:  # a server's root: queries go there as given (Oxigraph's go on to /query)
        q, u, g = url, _with_path(url, "/update"), _with_path(url, "/store")
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
    """The Authorization header sent up front, from the environment: a bearer token first,
    then user + password as HTTP Basic (unless ``IMHGRAPH_ENDPOINT_AUTH=digest``, which sends
    the password only as a Digest answer to the server's challenge)."""
    token = os.environ.get("IMHGRAPH_ENDPOINT_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = os.environ.get("IMHGRAPH_ENDPOINT_USER")
    if user and os.environ.get("IMHGRAPH_ENDPOINT_AUTH", "").strip().lower() != "digest":
        password = os.environ.get("IMHGRAPH_ENDPOINT_PASSWORD", "")
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}
    return {}


def digest_authorization(method: str, url: str, body: bytes | None, challenges: list[str]) -> str | None:
    """The ``Authorization: Digest …`` answer (RFC 7616, computed by the standard library's
    :class:`urllib.request.HTTPDigestAuthHandler`) to a server's ``WWW-Authenticate: Digest``
    challenge, with the user and password from the environment; None when there is no Digest
    challenge, no user, a bearer token is set, or the algorithm is one urllib does not know."""
    import urllib.request

    user = os.environ.get("IMHGRAPH_ENDPOINT_USER")
    if not user or os.environ.get("IMHGRAPH_ENDPOINT_TOKEN"):
        return None
    for challenge in challenges:
        scheme, _, rest = challenge.strip().partition(" ")
        if scheme.lower() != "digest":
            continue
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user, os.environ.get("IMHGRAPH_ENDPOINT_PASSWORD", ""))
        handler = urllib.request.HTTPDigestAuthHandler(passwords)
        try:
            answer = handler.get_authorization(urllib.request.Request(url, data=body, method=method), fields)
        except (ValueError, KeyError):
            return None
        if answer:
            return f"Digest {answer}"
    return None


# --- HTTP with a deadline -------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """A complete HTTP response."""

    status: int
    reason: str
    content_type: str
    body: bytes
    #: the ``WWW-Authenticate`` headers of a 401 answer
    challenges: tuple[str, ...] = ()
    #: the ``Server`` header (names the engine, e.g. ``Virtuoso/07.20.3229``)
    server: str = ""


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
    seconds, reading the body included; the status is not checked here. A ``401`` with a
    Digest challenge is answered once (credentials from the environment), within the same time.

    :raises EndpointError: DNS failure, refused or reset connection, timeout, not HTTP.
    """
    check_url(url)
    deadline = time.monotonic() + timeout
    response = _exchange(method, url, body, {**auth_headers(), **(headers or {})}, deadline, timeout, what)
    if response.status == 401 and response.challenges:
        answer = digest_authorization(method, url, body, list(response.challenges))
        if answer:
            response = _exchange(method, url, body, {**(headers or {}), "Authorization": answer}, deadline, timeout, what)
    return response


def _exchange(
    method: str,
    url: str,
    body: bytes | None,
    headers: Mapping[str, str],
    deadline: float,
    timeout: float,
    what: str,
) -> Response:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    where = f"{what} {url}"

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    try:
        connection = connection_class(parts.hostname, parts.port, timeout=min(CONNECT_TIMEOUT, remaining()))
    except TimeoutError:
        raise EndpointError(
            f"{where} did not answer within {timeout:g} s",
            hint="Check that the server is up and not overloaded, or allow more time with --timeout.",
        ) from None
    all_headers = {"User-Agent": USER_AGENT, **headers}
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
            tuple(response.msg.get_all("WWW-Authenticate") or ()) if response.status == 401 else (),
            (response.getheader("Server") or "").strip(),
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


#: Where each server keeps its query, update and Graph Store URLs (for hints).
_LAYOUTS = (
    "Oxigraph: /query, /update, /store; Fuseki: /DATASET/query, /update, /data; "
    "Virtuoso: /sparql, /sparql, /sparql-graph-crud; GraphDB: /repositories/R, …/statements, …/rdf-graphs/service"
)


def check_status(response: Response, url: str, what: str = "the endpoint") -> None:
    """Raise a one-line :class:`EndpointError` for an HTTP error status (with a short snippet)."""
    if 200 <= response.status < 300:
        return
    snippet = _snippet(response.body)
    hint = None
    if response.status in (401, 403):
        hint = "Set IMHGRAPH_ENDPOINT_USER and IMHGRAPH_ENDPOINT_PASSWORD (or IMHGRAPH_ENDPOINT_TOKEN)."
    elif response.status in (404, 405) and "Graph Store" in what:
        hint = (
            f"{url.split('?')[0]} is the Graph Store URL derived from the endpoint URL; give the right one "
            f"with --gsp-endpoint URL (and the update URL with --update-endpoint URL). {_LAYOUTS}."
        )
    elif response.status in (404, 405):
        hint = (
            f"Check the URL ({_LAYOUTS}); where the update or Graph Store URL is not derived right, "
            "give them with --update-endpoint URL and --gsp-endpoint URL."
        )
    elif 300 <= response.status < 400:
        hint = "Use the URL the server redirects to."
    raise EndpointError(
        f"{what} {url} answered HTTP {response.status} {response.reason}".rstrip()
        + (f": {snippet}" if snippet else ""),
        hint=hint,
    )


#: How a query travels (SPARQL 1.1 Protocol §2.1): ``form`` = POST with a form-encoded body
#: (every server answers it), ``direct`` = POST ``application/sparql-query``, ``get`` = GET.
QUERY_METHODS = ("form", "direct", "get")


def query_request(
    url: str,
    text: str,
    *,
    accept: str,
    method: str = "form",
    default_graph: str | None = None,
    timeout: float = 30.0,
) -> Response:
    """Send the SPARQL *text* to the query endpoint *url* as *method* (see :data:`QUERY_METHODS`),
    reading *default_graph* as the default graph when given; the status is not checked here.

    :raises EndpointError: the server is unreachable, slow, or does not speak HTTP.
    """
    if method not in QUERY_METHODS:
        raise EndpointError(f"unknown query method {method!r}", hint=f"Use one of {', '.join(QUERY_METHODS)}.")
    fields = [("query", text)] + ([("default-graph-uri", default_graph)] if default_graph else [])
    headers = {"Accept": accept}
    joiner = "&" if "?" in url else "?"
    if method == "direct":
        target = url + (joiner + urlencode(fields[1:]) if default_graph else "")
        body: bytes | None = text.encode("utf-8")
        headers["Content-Type"] = "application/sparql-query; charset=utf-8"
    elif method == "get":
        target, body = url + joiner + urlencode(fields), None
    else:
        target, body = url, urlencode(fields).encode("ascii")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return http_request("GET" if method == "get" else "POST", target, body=body, headers=headers, timeout=timeout)


def check_query_status(response: Response, url: str) -> None:
    """:func:`check_status` for a query: HTTP 400 means the server refused the query itself.

    :raises QueryError: HTTP 400.
    :raises EndpointError: any other error status.
    """
    if response.status == 400:
        raise QueryError(f"the endpoint {url} refused the query: {_snippet(response.body)}")
    check_status(response, url)


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


def _too_deep(url: str) -> EndpointError:
    """The error for an answer whose JSON nests deeper than Python reads (a SPARQL result
    nests five levels): the server's answer, not the data's blank nodes."""
    return EndpointError(
        f"the endpoint {url} answered JSON nested too deeply to read (thousands of levels); "
        "a SPARQL result nests a handful",
        hint="Check that the URL is a SPARQL 1.1 query endpoint, and who runs it.",
    )


def _json_results(url: str, response: Response) -> dict[str, Any]:
    if "html" in response.content_type or "xml" in response.content_type:
        raise _not_sparql(url, response, "SPARQL JSON results")
    try:
        document = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _not_sparql(url, response, "SPARQL JSON results") from None
    except RecursionError:
        raise _too_deep(url) from None
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


_XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"
_NUMBER = re.compile(r"^[+-]?\d+(\.\d*)?$")


def numeric_durations(terms: Any) -> bool:
    """Whether *terms* hold an ``xsd:duration`` literal written as a bare number ("24" for "P2Y"):
    what an engine that stores durations as numbers (Virtuoso 7) answers."""
    return any(
        isinstance(t, Literal) and t.datatype is not None and str(t.datatype) == _XSD_DURATION and _NUMBER.match(str(t))
        for t in terms
    )


_PROJECTION = re.compile(r"(?is)\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\s*(?:FROM\b|WHERE\b|\{)")
_AS_VARIABLE = re.compile(r"(?i)\bAS\s+[?$](\w+)")
_VARIABLE = re.compile(r"[?$](\w+)")


def projected_variables(query: str) -> tuple[str, ...] | None:
    """The variables the (first) SELECT of *query* projects, in order; None for ``SELECT *``
    or text this reading cannot tell (then the answer is taken as it comes)."""
    from .sparql.text import code_only

    match = _PROJECTION.search(code_only(query))
    if match is None:
        return None
    clause = match.group(1).strip()
    if clause.startswith("*"):
        return None
    names: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(clause + " "):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                found = _AS_VARIABLE.findall(clause[start : i + 1])
                if found:
                    names.append(found[-1])
        elif depth == 0 and ch in "?$":
            var = _VARIABLE.match(clause, i)
            if var:
                names.append(var.group(1))
    return tuple(names) or None


def fit_projection(url: str, query: str, result: SelectResult) -> SelectResult:
    """*result* with its columns in the order *query* projects them.

    :raises EndpointError: the server answered other variables than the query asked for."""
    wanted = projected_variables(query)
    if wanted is None or tuple(result.variables) == wanted:
        return result
    if set(wanted) - set(result.variables):
        raise EndpointError(
            f"the endpoint {url} answered variables {', '.join(result.variables) or '(none)'} "
            f"where the query asked for {', '.join(wanted)}: its answer does not fit the query",
            hint="The server, not your data, is at fault; check that the URL is a SPARQL 1.1 endpoint.",
        )
    index = [list(result.variables).index(v) for v in wanted]
    return SelectResult(wanted, [tuple(row[i] for i in index) for row in result.rows])


class _IllTypedLiteralFilter(logging.Filter):
    """rdflib logs a traceback for every literal it cannot convert ("24"^^xsd:duration from
    Virtuoso); the literal is kept as it came, and the warnings of imhgraph say why."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_IllTypedLiteralFilter())


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
    except RecursionError:  # a term nesting deep enough that quoting it recurses too far
        raise _too_deep(url) from None
    return SelectResult(variables, rows)


def parse_ask(url: str, response: Response) -> bool:
    """SPARQL 1.1 Query Results JSON (ASK) → bool."""
    document = _json_results(url, response)
    answer = document.get("boolean")
    if answer is None and _virtuoso_ask(document):
        # Virtuoso 7 answers ASK as a one-column SELECT: a row whose __ASK_RETVAL is 1, or no row.
        rows = document["results"]["bindings"]
        answer = any(str(row.get("__ASK_RETVAL", {}).get("value")) not in ("0", "false") for row in rows)
    if not isinstance(answer, bool):
        raise _not_sparql(url, response, "an ASK result")
    return answer


def _virtuoso_ask(document: dict[str, Any]) -> bool:
    try:
        return document["head"]["vars"] == ["__ASK_RETVAL"] and isinstance(document["results"]["bindings"], list)
    except (KeyError, TypeError):
        return False


def parse_graph(url: str, response: Response) -> Graph:
    """An RDF answer (N-Triples, Turtle, RDF/XML …) → rdflib Graph, terms converted exactly as
    the embedded backends convert them."""
    import pyoxigraph as ox

    name = _RDF_FORMATS.get(response.content_type)
    if name is None:
        raise _not_sparql(url, response, "RDF (N-Triples or Turtle)")
    if name == "RDF_XML":
        # The same guard as local files: entity declarations could expand without bound
        # (a 1.4 KB answer became 960 MB) or read local files.
        from .errors import UnsafeInputError
        from .load import check_nesting, check_xml_entities

        try:
            check_xml_entities(Path(f"the answer of {url}"), response.body)
            check_nesting(Path(f"the answer of {url}"), ox.RdfFormat.RDF_XML, response.body)
        except UnsafeInputError as exc:
            raise EndpointError(f"the endpoint {url} answered unsafe RDF/XML: {exc.message}",
                                hint="Ask the server for N-Triples or Turtle, or check who runs it.") from None
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
    """A remote SPARQL 1.1 endpoint; every query runs on the server.

    The query URL is used exactly as given. Only a server root (``http://host:port`` or ``…/``)
    that does not answer queries itself (HTTP 404/405, or a web page) is asked again at its
    ``/query`` (Oxigraph's layout); from then on that URL is the backend's origin, so ``stats``
    and every error name the URL actually used.
    """

    def __init__(
        self,
        urls: EndpointUrls,
        *,
        timeout: float = 30.0,
        default_graph: str | None = None,
        query_method: str = "form",
    ) -> None:
        super().__init__(kind="endpoint", origin=[urls.query])
        if query_method not in QUERY_METHODS:
            raise EndpointError(f"unknown query method {query_method!r}", hint=f"Use one of {', '.join(QUERY_METHODS)}.")
        self.urls = urls
        self.timeout = timeout
        self.default_graph = default_graph
        self.query_method = query_method
        parts = urlsplit(urls.query)
        self._root_fallback = _with_path(urls.query, "/query") if parts.path in ("", "/") and not parts.query else None
        #: None until checked; then whether the default graph also holds the named graphs' triples
        self.union_default_graph: bool | None = None
        self._durations_noted = False
        #: what a person should know about this endpoint's answers (the CLI prints them as warnings)
        self.notices: list[str] = []

    @property
    def graph_description(self) -> str:
        """Which graph the backend reads, for a person: ``graph <IRI>`` or ``default graph``."""
        return f"graph <{self.default_graph}>" if self.default_graph else "default graph"

    def _request(self, url: str, text: str, accept: str) -> Response:
        return query_request(
            url, text, accept=accept, method=self.query_method, default_graph=self.default_graph, timeout=self.timeout
        )

    def _post(self, query: str, bindings: Mapping[str, Node] | None, accept: str) -> Response:
        text = with_values(query, bindings)
        url = self.urls.query
        response = self._request(url, text, accept)
        fallback, self._root_fallback = self._root_fallback, None
        if fallback and (response.status in (404, 405) or "html" in response.content_type):
            retried = self._request(fallback, text, accept)
            if retried.status < 300 or retried.status == 400:
                self.urls = EndpointUrls(fallback, self.urls.update, self.urls.gsp)
                self.origin = [fallback]
                url, response = fallback, retried
        check_query_status(response, url)
        if self.union_default_graph is None:
            self.union_default_graph = False  # decided once; set before probing (the probe queries too)
            if self.default_graph is None:
                self._check_union()
        return response

    def _check_union(self) -> None:
        """Add a notice (once) when the default graph also holds the triples of the named
        graphs, as Virtuoso's does: answers then mix in every other graph of the server."""
        try:
            rows = self.select(internal_query("named-graph-sample")).rows
            if not rows or len(rows[0]) != 3 or not all(isinstance(t, URIRef) for t in rows[0]):
                return  # no named graph (or an answer that is not one): nothing to warn about
            s, p, o = rows[0]
            union = self.ask(internal_query("default-graph-holds"), {"s": s, "p": p, "o": o})
        except (EndpointError, QueryError):
            return  # the probe is advice; the command's own queries report real failures
        self.union_default_graph = union
        if union:
            self.notices.append(
                f"imhgraph reads the default graph of {self.urls.query}, which also holds the "
                "triples of the server's named graphs (its default graph is the union of all graphs, as "
                "Virtuoso's is), so answers include other data than imhgraph's. Push with --graph IRI "
                "and read with --endpoint-graph IRI."
            )

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        """Run a SELECT on the server; its answer must name the variables the query projects.

        :raises EndpointError: the answer does not fit the query (the server's fault: exit 2)."""
        result = self._select(query, bindings)
        return fit_projection(self.urls.query, query, result)

    def _select(self, query: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        response = self._post(query, bindings, SELECT_ACCEPT)
        result = parse_select(self.urls.query, response)
        if not self._durations_noted and numeric_durations(t for row in result.rows for t in row):
            self._note_durations(response.server)
        return result

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        response = self._post(query, bindings, SELECT_ACCEPT)
        return parse_ask(self.urls.query, response)

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph:
        response = self._post(query, bindings, GRAPH_ACCEPT)
        graph = parse_graph(self.urls.query, response)
        if not self._durations_noted and numeric_durations(graph.objects()):
            self._note_durations(response.server)
        return graph

    def _note_durations(self, server: str) -> None:
        """A notice, once: no query can get the durations back from an engine that stores them as
        numbers, so say so rather than let export and validate differ silently."""
        self._durations_noted = True
        engine = f" ({server})" if server else ""
        self.notices.append(
            f"the endpoint {self.urls.query}{engine} answers xsd:duration values as bare numbers "
            '(e.g. "24"^^xsd:duration where the data says "P2Y"): it stores durations as numbers, as '
            "Virtuoso does. Durations read from it are not the ones pushed: export writes the numbers and "
            "validate reports them as ill-formed. Read durations from the files (or another engine)."
        )

    def graph(self) -> Graph:
        cached = self.memo.get("graph")
        if cached is None:
            from .stores import apply_overlay

            cached = self.construct(internal_query("all-triples"))
            self.memo["graph"] = apply_overlay(cached, self.overlay)
        return cached

    @property
    def overlay(self) -> Any:
        """The literals as written that ``push`` recorded beside the data (imhgraph.exact),
        for a server that stores another form of them."""
        cached = self.memo.get("overlay")
        if cached is None:
            from .exact import Overlay, records_graph_for
            from .stores import from_rdflib

            records = self.select(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH <{records_graph_for(self.default_graph)}> {{ ?s ?p ?o }} }}"
            )
            cached = self.memo["overlay"] = Overlay.from_records(
                (from_rdflib(s), from_rdflib(p), from_rdflib(o))
                for s, p, o in records.rows
                if s is not None and p is not None and o is not None
            )
        return cached


def endpoint_backend(
    url: str,
    timeout: float = 30.0,
    *,
    update_endpoint: str | None = None,
    gsp_endpoint: str | None = None,
    endpoint_graph: str | None = None,
    query_method: str = "form",
    **_ignored: Any,
) -> EndpointBackend:
    """A backend over the SPARQL endpoint at *url* (query URL or a server/dataset base URL;
    see :func:`endpoint_urls`). Nothing is contacted until the first query.

    :param endpoint_graph: query this named graph as the default graph (``default-graph-uri``),
        e.g. after ``push --graph IRI``.
    :param query_method: how queries travel: ``form`` (default), ``direct`` or ``get``
        (:data:`QUERY_METHODS`).
    :raises EndpointError: a URL that is not http(s) or carries credentials.
    """
    urls = endpoint_urls(url, update=update_endpoint, gsp=gsp_endpoint)
    return EndpointBackend(urls, timeout=timeout, default_graph=endpoint_graph, query_method=query_method)
