"""Uploading the graph to a SPARQL store with the SPARQL 1.1 Graph Store Protocol.

``push`` sends the vocabulary and the data (the bundled data, ``--data`` files or a
``--store``) as one N-Triples document with ``HTTP PUT`` to the store's Graph Store
endpoint, which replaces the target graph (the default graph, or ``--graph IRI``), so
that afterwards the endpoint serves exactly what the files say.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from .endpoint import EndpointBackend, EndpointUrls, check_status, http_request
from .errors import EndpointError, UsageError
from .sparql.binding import term_text
from .blocks import Blocks, Line
from .render import Result
from .stores import Backend


@dataclass(frozen=True)
class PushResult(Result):
    """What was uploaded where, and what the endpoint holds afterwards."""

    triples: int
    graph: str | None
    url: str
    endpoint_triples: int | None
    #: written forms of literals of blank nodes that reading the endpoint cannot give back
    #: (blank nodes writing one value differently: imhgraph.exact.blank_records).
    unrecorded: int = 0

    @property
    def union(self) -> bool:
        """The default graph holds more than was pushed into it: the server's default graph is
        the union of its graphs (Virtuoso), so reading it mixes in other data."""
        return self.graph is None and self.endpoint_triples is not None and self.endpoint_triples > self.triples

    def to_json(self) -> dict[str, object]:
        """Stable-keyed JSON for scripts."""
        return {
            "triples": self.triples,
            "graph": self.graph,
            "url": self.url,
            "endpoint_triples": self.endpoint_triples,
            "default_graph_is_union": self.union,
            "literals_not_as_written": self.unrecorded,
        }

    def document(self, fmt: str) -> Blocks | None:
        """``text``: one line for a person."""
        if fmt != "text":
            return None
        target = f"the graph <{self.graph}>" if self.graph else "the default graph"
        line = f"pushed {self.triples} triples (vocabulary and data) to {target} at {self.url}"
        if self.endpoint_triples is not None:
            line += f"; the endpoint now holds {self.endpoint_triples} triples there"
        return Blocks((Line(line),))

    def advice(self) -> tuple[str, ...]:
        """What to tell the person on stderr, one note each, if anything."""
        notes = []
        if self.unrecorded:
            notes.append(
                f"note: {self.unrecorded} literal(s) of blank nodes are written in forms the endpoint stores "
                "as one value, and different blank nodes write that value differently (e.g. \"02\" and \"2\"): "
                "read back from the endpoint they come in the store's form. Give those nodes IRIs to keep them as written."
            )
        if self.union:
            notes.append(self._union_warning())
        return tuple(notes)

    def _union_warning(self) -> str:
        return (
            f"warning: the endpoint's default graph holds {self.endpoint_triples} triples, more than the "
            f"{self.triples} pushed: it is the union of all the server's graphs (as Virtuoso's is), so "
            "commands reading it would see other data too. Push with --graph IRI and read with "
            "--endpoint-graph IRI instead."
        )


def ntriples(backend: Backend) -> tuple[bytes, int]:
    """The whole graph of a local *backend* as N-Triples, and its triple count."""
    store = getattr(backend, "store", None)
    if store is not None:
        import pyoxigraph as ox

        # every literal as written (imhgraph.exact), not as the local store keeps it
        from .exact import written_text

        body = ox.serialize(backend.exact_triples(), format=ox.RdfFormat.N_TRIPLES)
        if b"urn:imhgraph:exact-lang:" in body:  # language tags as written
            body = written_text(body.decode("utf-8")).encode("utf-8")
        return body, body.count(b"\n")
    graph = backend.graph()
    return graph.serialize(format="nt", encoding="utf-8"), len(graph)


def gsp_url(base: str, graph: str | None) -> str:
    """The Graph Store Protocol URL addressing the default graph (``?default``) or *graph*."""
    joiner = "&" if "?" in base else "?"
    if graph is None:
        return base + joiner + "default"
    return base + joiner + "graph=" + quote(graph, safe="")


def push(
    backend: Backend,
    urls: EndpointUrls,
    *,
    graph: str | None = None,
    timeout: float = 30.0,
    query_method: str = "form",
) -> PushResult:
    """Replace the default graph (or *graph*) of the endpoint at *urls* with the graph of *backend*,
    then count what the endpoint holds there.

    :raises UsageError: *graph* is not an absolute IRI.
    :raises EndpointError: the store is down, refuses, or answers an HTTP error.
    """
    if graph is not None:
        from rdflib import URIRef

        if ":" not in graph:
            raise UsageError(f"--graph {graph!r} is not an absolute IRI", hint="For example https://example.org/graph/imh.")
        term_text(URIRef(graph))  # refuses characters an IRI cannot hold
    body, count = ntriples(backend)
    url = gsp_url(urls.gsp, graph)
    response = http_request(
        "PUT",
        url,
        body=body,
        headers={"Content-Type": "application/n-triples"},
        timeout=timeout,
        what="the Graph Store endpoint",
    )
    try:
        check_status(response, url, "the Graph Store endpoint")
    except EndpointError as exc:
        if graph is None and b"default graph" in response.body.lower():
            # Virtuoso: "… the endpoint is not configured to have default graph"
            exc.hint = "This store has no default graph of its own: push with --graph IRI and read with --endpoint-graph IRI."
        raise
    lost = _push_records(backend, urls, graph, timeout)
    return PushResult(count, graph, urls.gsp, _count_at(urls, graph, timeout, query_method), lost)


def _push_records(backend: Backend, urls: EndpointUrls, graph: str | None, timeout: float) -> int:
    """The literals as written where a store rewrites them (imhgraph.exact), into their own
    named graph, so that reading the endpoint back gives them as written even when the server
    canonicalises (as Oxigraph does). Sent also when there are none: the graph is replaced, so
    records of data pushed before never apply to this data. Returns how many written forms of
    literals of blank nodes could not be recorded (:func:`imhgraph.exact.blank_records`)."""
    import pyoxigraph as ox

    from .exact import blank_records, records_graph_for

    overlay = backend.overlay
    records, lost = blank_records(overlay, backend.stored_keys) if overlay else ([], 0)
    url = gsp_url(urls.gsp, records_graph_for(graph))
    response = http_request(
        "PUT",
        url,
        body=ox.serialize(records, format=ox.RdfFormat.N_TRIPLES),
        headers={"Content-Type": "application/n-triples"},
        timeout=timeout,
        what="the Graph Store endpoint",
    )
    if records:
        check_status(response, url, "the Graph Store endpoint")
    # with no records the PUT only clears old ones; a server refusing it loses nothing
    return lost


def _count_at(urls: EndpointUrls, graph: str | None, timeout: float, query_method: str) -> int:
    """How many triples the endpoint holds in *graph* (read as the default graph, as
    ``--endpoint-graph`` does) or in its default graph."""
    endpoint = EndpointBackend(urls, timeout=timeout, default_graph=graph, query_method=query_method)
    endpoint.union_default_graph = False  # push judges the union itself, by the count
    return endpoint.triple_count()
