"""The plain-rdflib way to do what imhgraph does: the baseline of the benchmark.

``python bench/baseline.py COMMAND --data FILE [...]`` parses the vocabulary (``ontology/*.ttl``
but the shapes) and the data into one rdflib ``Graph``, asks rdflib's own SPARQL engine the
questions a user would write, computes the answer in plain Python and prints the same JSON as
the matching imhgraph command. It is meant to be what a careful user writes without imhgraph:
simple and honest, not tuned and not sabotaged. It imports nothing from imhgraph.

Commands (and the imhgraph command each one mirrors):

``coverage``
    ``imhgraph coverage --format json``: one SPARQL query for the programs, one for the topics,
    one for direct coverage and one ``skos:broader+`` query for coverage through narrower topics.
``gaps --credential ID``
    ``imhgraph gaps --all-programs --credential ID --format json``.
``similarity [--top K]``
    ``imhgraph analyze similarity [--top K] --format json``: Jaccard of every pair of the
    programs' topic sets, with Python sets, keeping each program's K most similar.
``validate``
    ``imhgraph validate --format json``: pySHACL run plainly on the same graph.
``export``
    ``imhgraph export --format turtle``: ``Graph.serialize(format="turtle")``.
"""

from __future__ import annotations

import argparse
import heapq
import json
import sys
from pathlib import Path

import rdflib
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

# Plain rdflib, but keeping every literal as written ("P12M"^^xsd:duration stays "P12M"), as
# imhgraph does: an export that rewrote the data would not be the same answer.
rdflib.NORMALIZE_LITERALS = False

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/imhgraph/"
KINDS = ("org", "program", "credential", "topic", "profession", "education")
SH = "http://www.w3.org/ns/shacl#"

PREFIXES = """
PREFIX imh: <https://w3id.org/imhgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def load_graph(data: list[Path]) -> Graph:
    """The vocabulary and *data* in one rdflib Graph."""
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path.name != "shapes.ttl":
            graph.parse(path, format="turtle")
    for path in data:
        graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    return graph


def short(iri: object) -> str:
    """The short ID: the slug of an imhgraph instance IRI, ``prefix:name`` for a few vocabularies."""
    text = str(iri)
    if text.startswith(BASE):
        kind, _, slug = text[len(BASE):].partition("/")
        if kind in KINDS and slug:
            return slug
    for prefix, ns in (
        ("imh", BASE + "ontology#"), ("skos", "http://www.w3.org/2004/02/skos/core#"),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"), ("dcterms", "http://purl.org/dc/terms/"),
        ("imhsh", BASE + "shapes#"), ("schema", "https://schema.org/"),
    ):
        if text.startswith(ns) and all(c.isalnum() or c in "-_." for c in text[len(ns):]):
            return f"{prefix}:{text[len(ns):]}"
    return text


def best_label(labels: list[object], iri: str) -> str:
    """An English or untagged label (the smallest text), else the short ID."""
    english = [l for l in labels if not getattr(l, "language", None) or str(l.language).lower().startswith("en")]
    chosen = english or labels
    return min(str(l) for l in chosen) if chosen else short(iri)


# --------------------------------------------------------------------------- coverage


class Coverage:
    """What the coverage questions need, read from the graph with rdflib SPARQL."""

    def __init__(self, graph: Graph) -> None:
        labels: dict[str, list[object]] = {}
        flags: dict[str, list[bool]] = {}
        for row in graph.query(PREFIXES + """
            SELECT ?program ?label ?complete WHERE {
              ?program a/rdfs:subClassOf* imh:TrainingProgram .
              OPTIONAL { ?program rdfs:label|skos:prefLabel ?label }
              OPTIONAL { ?program imh:coverageComplete ?complete }
            }"""):
            p = str(row.program)
            labels.setdefault(p, [])
            if row.label is not None and row.label not in labels[p]:
                labels[p].append(row.label)
            if row.complete is not None:
                flags.setdefault(p, []).append(str(row.complete).lower() in ("true", "1"))
        self.programs = {p: best_label(labels[p], p) for p in sorted(labels, key=short)}
        self.complete = {p: bool(flags.get(p)) and all(flags[p]) for p in self.programs}

        topic_labels: dict[str, list[object]] = {}
        for row in graph.query(PREFIXES + """
            SELECT ?topic ?label WHERE {
              ?topic a/rdfs:subClassOf* imh:Topic .
              OPTIONAL { ?topic skos:prefLabel ?label }
            }"""):
            t = str(row.topic)
            topic_labels.setdefault(t, [])
            if row.label is not None and row.label not in topic_labels[t]:
                topic_labels[t].append(row.label)
        labels_of = {t: best_label(v, t) for t, v in topic_labels.items()}

        self.broader: dict[str, set[str]] = {}
        for row in graph.query(PREFIXES + "SELECT ?t ?b WHERE { { ?t skos:broader ?b } UNION { ?b skos:narrower ?t } }"):
            t, b = str(row.t), str(row.b)
            if t in labels_of and b in labels_of and t != b:
                self.broader.setdefault(t, set()).add(b)
        self.topics = {t: labels_of[t] for t in self._preorder(labels_of)}

        self.covers: dict[str, set[str]] = {}
        for row in graph.query(PREFIXES + "SELECT ?program ?topic WHERE { ?program imh:covers ?topic }"):
            self.covers.setdefault(str(row.program), set()).add(str(row.topic))
        # The question "which topics does a program reach through a narrower topic?" in SPARQL.
        self.reached: dict[str, set[str]] = {}
        for row in graph.query(PREFIXES + """
            SELECT DISTINCT ?program ?topic WHERE {
              ?program imh:covers ?covered .
              ?covered (skos:broader|^skos:narrower)+ ?topic .
            }"""):
            self.reached.setdefault(str(row.program), set()).add(str(row.topic))

        self.credentials: dict[str, str] = {}
        self.required: dict[str, set[str]] = {}
        cred_labels: dict[str, list[object]] = {}
        for row in graph.query(PREFIXES + """
            SELECT ?credential ?label ?topic WHERE {
              ?credential a/rdfs:subClassOf* imh:Credential .
              OPTIONAL { ?credential rdfs:label|skos:prefLabel ?label }
              OPTIONAL { ?credential imh:requiresTopic ?topic }
            }"""):
            c = str(row.credential)
            cred_labels.setdefault(c, [])
            self.required.setdefault(c, set())
            if row.label is not None and row.label not in cred_labels[c]:
                cred_labels[c].append(row.label)
            if row.topic is not None:
                self.required[c].add(str(row.topic))
        self.credentials = {c: best_label(v, c) for c, v in cred_labels.items()}

    def _preorder(self, labels: dict[str, str]) -> list[str]:
        """Topics in hierarchy pre-order: roots by short ID, each followed by its narrower topics."""
        children: dict[str, list[str]] = {}
        for t, parents in self.broader.items():
            for p in parents:
                children.setdefault(p, []).append(t)
        for kids in children.values():
            kids.sort(key=short)
        order: list[str] = []
        placed: set[str] = set()

        def visit(root: str) -> None:
            stack = [root]
            while stack:
                t = stack.pop()
                if t in placed:
                    continue
                placed.add(t)
                order.append(t)
                stack.extend(reversed([c for c in children.get(t, []) if c not in placed]))

        by_id = sorted(labels, key=short)
        for t in by_id:
            if not self.broader.get(t):
                visit(t)
        for t in by_id:
            if t not in placed:
                visit(t)
        return order

    def cell(self, program: str, topic: str) -> str:
        if topic in self.covers.get(program, ()):
            return "direct"
        if topic in self.reached.get(program, ()):
            return "narrower"
        return "no" if self.complete[program] else "unknown"


def coverage(graph: Graph, _args: argparse.Namespace) -> object:
    cov = Coverage(graph)
    return {
        "programs": [{"id": short(p), "label": l} for p, l in cov.programs.items()],
        "topics": [{"id": short(t), "label": l} for t, l in cov.topics.items()],
        "cells": [
            {"program": short(p), "topic": short(t), "value": cov.cell(p, t)}
            for p in cov.programs
            for t in cov.topics
        ],
    }


def gaps(graph: Graph, args: argparse.Namespace) -> object:
    cov = Coverage(graph)
    credential = next((c for c in cov.credentials if short(c) == args.credential), None)
    if credential is None:
        raise SystemExit(f"no credential {args.credential!r}")
    required = [t for t in cov.topics if t in cov.required[credential]]
    entries = []
    for program, label in cov.programs.items():
        cells = [cov.cell(program, t) for t in required]
        counts = {v: cells.count(v) for v in ("direct", "narrower", "no", "unknown")}
        share = round((counts["direct"] + counts["narrower"]) / len(required), 4) if required else None
        entries.append({
            "program": short(program),
            "credential": short(credential),
            "topics": [{"id": short(t), "label": cov.topics[t], "value": v} for t, v in zip(required, cells)],
            "program_label": label,
            "credential_label": cov.credentials[credential],
            "summary": {"required": len(required), **counts, "covered": share},
        })

    def figures(e: dict) -> tuple:
        s = e["summary"]
        return (s["covered"] if s["covered"] is not None else -1.0, s["direct"], s["narrower"])

    entries.sort(key=lambda e: (tuple(-x for x in figures(e)), e["program"]))
    ranked, previous = [], None
    for position, entry in enumerate(entries, start=1):
        rank = ranked[-1]["rank"] if previous is not None and figures(entry) == previous else position
        ranked.append({"rank": rank, **entry})
        previous = figures(entry)
    return {"credential": short(credential), "credential_label": cov.credentials[credential], "programs": ranked}


# --------------------------------------------------------------------------- similarity


def similarity(graph: Graph, args: argparse.Namespace) -> object:
    covers: dict[str, set[str]] = {}
    for row in graph.query(PREFIXES + """
        SELECT ?program ?topic WHERE {
          ?program a/rdfs:subClassOf* imh:TrainingProgram .
          OPTIONAL { ?program imh:covers ?topic }
        }"""):
        covers.setdefault(str(row.program), set())
        if row.topic is not None:
            covers[str(row.program)].add(str(row.topic))
    programs = sorted(covers, key=short)
    index = {p: i for i, p in enumerate(programs)}
    top = args.top
    best: dict[str, list] = {p: [] for p in programs}  # per program: heap of (jaccard, -index, other)
    pairs: dict[tuple[str, str], float] = {}
    # Every pair once, with Python sets (networkx.jaccard_coefficient gives the same numbers
    # but spends ten times longer per pair building the union set).
    for i, a in enumerate(programs):
        set_a = covers[a]
        for b in programs[i + 1:]:
            set_b = covers[b]
            shared = len(set_a & set_b)
            if not shared:
                continue
            jac = shared / (len(set_a) + len(set_b) - shared)
            if top is None:
                pairs[(a, b)] = jac
                continue
            for me, other in ((a, b), (b, a)):
                item = (jac, -index[other], other)
                heap = best[me]
                if len(heap) < top:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
    if top is not None:
        for me, heap in best.items():
            for jac, _, other in heap:
                a, b = sorted((me, other), key=lambda p: index[p])
                pairs[(a, b)] = jac
    result = []
    for (a, b), jac in sorted(pairs.items(), key=lambda kv: (-kv[1], index[kv[0][0]], index[kv[0][1]])):
        shared = len(covers[a] & covers[b])
        result.append({
            "a": short(a), "b": short(b), "jaccard": jac, "shared": shared,
            "only_a": len(covers[a]) - shared, "only_b": len(covers[b]) - shared,
        })
    return result


# --------------------------------------------------------------------------- validate, export


def validate(graph: Graph, args: argparse.Namespace) -> object:
    import pyshacl

    shapes = Graph().parse(args.shapes or ROOT / "ontology" / "shapes.ttl", format="turtle")
    conforms, report, _text = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    results = []
    for top_report in report.subjects(URIRef(SH + "conforms"), None):
        for node in report.objects(top_report, URIRef(SH + "result")):
            path = report.value(node, URIRef(SH + "resultPath"))
            results.append({
                "focus": short(report.value(node, URIRef(SH + "focusNode"))),
                "path": _path(report, path),
                "severity": short(report.value(node, URIRef(SH + "resultSeverity"))).split("#")[-1].lower(),
                "shape": short(report.value(node, URIRef(SH + "sourceShape"))),
            })
    results.sort(key=lambda r: (r["severity"], r["focus"], r["path"], r["shape"]))
    return {"conforms": bool(conforms), "results": results}


def _path(report: Graph, path: object) -> str:
    # How imhgraph shows a result path: p, ^p, or a sequence p1/p2; anything else "(complex path)".
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return short(path)
    inverse = report.value(path, URIRef(SH + "inversePath"))
    if isinstance(inverse, URIRef):
        return "^" + short(inverse)
    from rdflib.collection import Collection

    if report.value(path, RDF.first) is not None:
        steps = [_path(report, step) for step in Collection(report, path)]
        if steps and all(steps) and "(complex path)" not in steps:
            return "/".join(steps)
    return "(complex path)"


def export(graph: Graph, _args: argparse.Namespace) -> str:
    return graph.serialize(format="turtle")


COMMANDS = {"coverage": coverage, "gaps": gaps, "similarity": similarity, "validate": validate, "export": export}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--data", type=Path, action="append", required=True)
    parser.add_argument("--credential", help="gaps: the credential's short ID")
    parser.add_argument("--top", type=int, help="similarity: each program's K most similar others")
    parser.add_argument("--shapes", type=Path, help="validate: shapes file (default: ontology/shapes.ttl)")
    parser.add_argument("--output", type=Path, help="write here instead of standard output")
    args = parser.parse_args(argv)
    graph = load_graph(args.data)
    answer = COMMANDS[args.command](graph, args)
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    if isinstance(answer, str):
        out.write(answer)
    else:
        # json.dump writes as it encodes; json.dumps would first build the whole text.
        json.dump(answer, out, indent=2, ensure_ascii=False)
        out.write("\n")
    if args.output:
        out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
