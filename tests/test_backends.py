"""Three backends, one set of answers: memory, ``--store DIR`` and ``--endpoint URL``.

The endpoint is a real Oxigraph server (``oxigraph serve``) started by the tests on
127.0.0.1. The same commands run on all three and must print byte-identical JSON, both for
fixture data written by "someone else" and for the bundled data. Data loaded into the
server with its own tool (``oxigraph load``), not with ``push``, must read back the same.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib import Namespace

from imhgraph import cli as cli_module
from imhgraph import disk, resources
from imhgraph.sparql.binding import term_text, with_values
from imhgraph.endpoint import endpoint_backend, endpoint_urls
from imhgraph.errors import EndpointError, QueryError, StoreError
from imhgraph.stores import OxigraphBackend, memory_backend

from .servers import VIRTUOSO_MISSING, OxigraphServer, VirtuosoServer, oxigraph_binary, virtuoso_binaries

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "backends" / "riverbend.ttl"
IMH = "https://w3id.org/imhgraph/ontology#"
PROGRAM = "https://w3id.org/imhgraph/program/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

needs_server = pytest.mark.skipif(oxigraph_binary() is None, reason="the oxigraph server binary is not installed")


def invoke(*args: str) -> tuple[int, str, str]:
    """``imhgraph ARGS…`` in-process: exit code, stdout, stderr."""
    result = CliRunner().invoke(cli_module.cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --- binding parameters as VALUES -------------------------------------------------------------


def _store_with(*triples: tuple[str, str, str]) -> OxigraphBackend:
    store = ox.Store()
    for s, p, o in triples:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)))
    return OxigraphBackend(store)


TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SMALL = _store_with(
    ("http://e/a", TYPE, "http://e/A"),
    ("http://e/b", TYPE, "http://e/A"),
    ("http://e/c", TYPE, "http://e/B"),
)


def _rows(query: str, **bindings: object) -> list[list[str]]:
    text = with_values(query, bindings)  # type: ignore[arg-type]
    return sorted([str(t) for t in row] for row in SMALL.select(text).rows)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # ORDER BY / LIMIT apply after the binding: the last member of A, not of everything.
        ("SELECT ?s WHERE { ?s a ?class } ORDER BY DESC(?s) LIMIT 1", [["http://e/b"]]),
        # An aggregate over a bound, unprojected variable counts only A's members.
        ("SELECT (COUNT(?s) AS ?n) WHERE { ?s a ?class }", [["2"]]),
        # A FILTER inside the group sees the bound value.
        ("SELECT ?s WHERE { ?s a ?c FILTER(?c = ?class) }", [["http://e/a"], ["http://e/b"]]),
        # Braces, '#' and keywords inside IRIs, strings and comments do not confuse the insertion.
        (
            'PREFIX x: <http://e/#x> # SELECT { not here\nSELECT ?s WHERE { ?s a ?class FILTER(STR(?s) != "}{ WHERE") }',
            [["http://e/a"], ["http://e/b"]],
        ),
        # WHERE { SELECT … }: the sub-select is nested, not broken.
        ("SELECT ?s WHERE { SELECT ?s ?class WHERE { ?s a ?class } }", [["http://e/a"], ["http://e/b"]]),
    ],
)
def test_values_block_binds_like_the_engine(query: str, expected: list[list[str]]) -> None:
    assert _rows(query, **{"class": URIRef("http://e/A")}) == expected


def test_values_block_in_construct_and_its_short_form() -> None:
    bound = {"class": URIRef("http://e/A")}
    long_form = with_values("CONSTRUCT { ?s a ?class } WHERE { ?s a ?class }", bound)
    short_form = with_values("CONSTRUCT WHERE { ?s a ?class }", bound)
    assert short_form.rstrip().endswith("VALUES (?class) { (<http://e/A>) }")
    for text in (long_form, short_form):
        assert sorted(str(s) for s, _p, _o in SMALL.construct(text)) == ["http://e/a", "http://e/b"]


def test_terms_are_serialised_safely() -> None:
    tricky = Literal('say "}" \\ and\nbye')
    text = with_values('SELECT ?x WHERE { BIND("x" AS ?y) }', {"x": tricky})
    assert SMALL.select(text).rows == [(tricky,)]
    assert term_text(Literal("Säugling", lang="de")) == '"Säugling"@de'
    assert term_text(Literal("2.50", datatype=XSD.decimal)) == '"2.50"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert term_text(Literal("plain", datatype=XSD.string)) == '"plain"'
    with pytest.raises(QueryError, match="not a valid IRI"):
        term_text(URIRef("http://x> } ; DROP ALL #"))
    with pytest.raises(QueryError, match="variable name"):
        with_values("SELECT * { ?s ?p ?o }", {"s) {} DROP ALL": URIRef("http://x")})


@pytest.mark.parametrize(
    ("url", "query", "update", "gsp"),
    [
        ("http://h:7878", "http://h:7878", "http://h:7878/update", "http://h:7878/store"),  # as given
        ("http://h:7878/", "http://h:7878/", "http://h:7878/update", "http://h:7878/store"),
        ("http://h:7878/query", "http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        ("http://h:3030/ds/query", "http://h:3030/ds/query", "http://h:3030/ds/update", "http://h:3030/ds/data"),
        ("http://h:3030/ds/sparql", "http://h:3030/ds/sparql", "http://h:3030/ds/update", "http://h:3030/ds/data"),
        ("http://h:3030/ds", "http://h:3030/ds", "http://h:3030/ds", "http://h:3030/ds"),
        (
            "http://h:7200/repositories/imh",
            "http://h:7200/repositories/imh",
            "http://h:7200/repositories/imh/statements",
            "http://h:7200/repositories/imh/rdf-graphs/service",
        ),
        ("http://h:8890/sparql", "http://h:8890/sparql", "http://h:8890/sparql", "http://h:8890/sparql-graph-crud"),
    ],
)
def test_endpoint_layouts_are_recognised(url: str, query: str, update: str, gsp: str) -> None:
    assert endpoint_urls(url) == (endpoint_urls(url).__class__(query, update, gsp))


def test_explicit_urls_win_and_credentials_in_urls_are_refused() -> None:
    urls = endpoint_urls("http://h:3030/ds/query", gsp="http://h:3030/ds/graphs")
    assert (urls.update, urls.gsp) == ("http://h:3030/ds/update", "http://h:3030/ds/graphs")
    with pytest.raises(EndpointError) as caught:
        endpoint_urls("http://alice:s3cret@h:3030/ds/query")
    assert "s3cret" not in str(caught.value) and "s3cret" not in (caught.value.hint or "")
    with pytest.raises(EndpointError, match="not an http"):
        endpoint_urls("ftp://h/ds")


# --- the on-disk store ---------------------------------------------------------------------------


def _labels(backend: object) -> list[str]:
    rows = backend.select(  # type: ignore[attr-defined]
        f"SELECT ?l WHERE {{ ?p a <{IMH}TrainingProgram> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    ).rows
    return sorted(str(r[0]) for r in rows)


def test_store_loads_once_and_reads_back_without_the_files(tmp_path: Path) -> None:
    data = tmp_path / "riverbend.ttl"
    data.write_bytes(FIXTURE.read_bytes())
    store_dir = tmp_path / "store"
    loaded = disk.disk_backend(store_dir, [data])
    expected = memory_backend([FIXTURE]).triple_count()
    assert loaded.triple_count() == expected
    loaded.close()
    data.unlink()  # reading back must not need (or re-parse) the file
    again = disk.disk_backend(store_dir)
    assert again.kind == "store" and again.origin == [str(store_dir)]
    assert again.triple_count() == expected
    assert _labels(again) == ["Riverbend Clinical Practicum", "Riverbend Foundations in Infant Mental Health"]
    again.close()
    info = disk.store_info(store_dir)
    assert info["status"] == "ready" and info["files"] == [str(data.resolve())]
    assert info["vocabularyHash"] == disk.vocabulary_hash() and info["dataTriples"] == "40"


def test_marker_never_leaks_into_answers_or_exports(tmp_path: Path, run: Callable[..., object]) -> None:
    store_dir = tmp_path / "store"
    backend = disk.disk_backend(store_dir, [FIXTURE])
    assert backend.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows == []
    assert not backend.ask("ASK { GRAPH <https://w3id.org/imhgraph/graph/meta> { ?s ?p ?o } }")
    assert all("imhgraph/store#" not in str(p) for _s, p, _o in backend.graph())
    backend.close()
    result = run("--store", store_dir, "export", "--format", "ntriples")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert "graph/meta" not in result.stdout and "imhgraph/store#" not in result.stdout  # type: ignore[attr-defined]


def test_empty_new_store_gets_the_bundled_data(tmp_path: Path) -> None:
    backend = disk.disk_backend(tmp_path / "fresh")
    assert backend.triple_count() == memory_backend().triple_count()
    backend.close()
    assert disk.store_info(tmp_path / "fresh")["files"] == [str(p.resolve()) for p in resources.bundled_data_files()]


def test_store_data_replaced_not_added(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    disk.disk_backend(store_dir, [FIXTURE]).close()
    other = tmp_path / "other.ttl"
    other.write_text(
        f"<{PROGRAM}solo> a <{IMH}TrainingProgram> ; <http://www.w3.org/2000/01/rdf-schema#label> \"Solo\" .\n",
        encoding="utf-8",
    )
    backend = disk.disk_backend(store_dir, [other])
    assert _labels(backend) == ["Solo"]
    backend.close()


def test_bad_data_leaves_the_store_as_it_was(tmp_path: Path, run: Callable[..., object]) -> None:
    store_dir = tmp_path / "store"
    disk.disk_backend(store_dir, [FIXTURE]).close()
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://e/a> <http://e/b> .\n", encoding="utf-8")
    result = run("--store", store_dir, "--data", broken, "stats")
    assert result.exit_code == 2 and "broken.ttl, line 1" in result.stderr  # type: ignore[attr-defined]
    backend = disk.disk_backend(store_dir)
    assert len(_labels(backend)) == 2
    backend.close()


def test_store_with_another_vocabulary_is_refreshed_and_keeps_the_data(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    backend = disk.disk_backend(store_dir, [FIXTURE])
    expected = backend.triple_count()
    backend.close()
    # Make it look like an older imhgraph built it: another hash and a vocabulary triple that
    # the current vocabulary no longer has (written with a read-write handle: imhgraph reads read-only).
    writer = ox.Store(str(store_dir))
    stale = ox.Quad(ox.NamedNode(IMH + "OldClass"), ox.NamedNode(TYPE), ox.NamedNode("http://www.w3.org/2002/07/owl#Class"))
    writer.add(stale)
    writer.add(ox.Quad(stale.subject, stale.predicate, stale.object, disk.VOCAB_GRAPH))
    hash_quad = next(writer.quads_for_pattern(disk.META_GRAPH, disk._VOCAB_HASH, None, disk.META_GRAPH))
    writer.remove(hash_quad)
    writer.add(ox.Quad(disk.META_GRAPH, disk._VOCAB_HASH, ox.Literal("old"), disk.META_GRAPH))
    writer.flush()
    del writer

    refreshed = disk.disk_backend(store_dir)
    assert not refreshed.ask(f"ASK {{ <{IMH}OldClass> ?p ?o }}")
    assert refreshed.triple_count() == expected
    assert len(_labels(refreshed)) == 2
    refreshed.close()
    assert disk.store_info(store_dir)["vocabularyHash"] == disk.vocabulary_hash()


def test_half_loaded_and_foreign_stores_are_refused(tmp_path: Path, run: Callable[..., object]) -> None:
    store_dir = tmp_path / "store"
    disk.disk_backend(store_dir, [FIXTURE]).close()
    writer = ox.Store(str(store_dir))  # as an older imhgraph, which loaded in place, left it
    disk._write_marker(writer, "loading")
    del writer
    with pytest.raises(StoreError, match="half-loaded"):
        disk.disk_backend(store_dir)

    foreign = tmp_path / "foreign"
    store = ox.Store(str(foreign))
    store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode(TYPE), ox.NamedNode("http://e/A")))
    store.flush()
    del store
    with pytest.raises(StoreError, match="did not load"):
        disk.disk_backend(foreign)

    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("--store", folder, "stats")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stderr.startswith("error [IMH050]: ") and "not an Oxigraph store" in result.stderr  # type: ignore[attr-defined]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_locked_store_reads_but_refuses_writes(tmp_path: Path, run: Callable[..., object]) -> None:
    store_dir = tmp_path / "store"
    disk.disk_backend(store_dir, [FIXTURE]).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); print('ok', flush=True); sys.stdin.read()", str(store_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"ok"
        reading = run("--store", store_dir, "stats", "--format", "json")
        assert reading.exit_code == 0, reading.stderr  # type: ignore[attr-defined]
        assert json.loads(reading.stdout)["counts"]["programs"] == 2  # type: ignore[attr-defined]
        writing = run("--store", store_dir, "--data", FIXTURE, "stats")
        assert writing.exit_code == 2  # type: ignore[attr-defined]
        assert writing.stderr.splitlines()[0] == f"error [IMH050]: {store_dir} is in use by another process (the store is locked)"  # type: ignore[attr-defined]
    finally:
        holder.communicate(b"", timeout=10)


# --- the same answers on memory, --store and --endpoint ---------------------------------------------

#: command → argument list (``{a}``, ``{b}``: two programs; ``{credential}``: a credential; ``{education}``).
MATRIX: dict[str, list[str]] = {
    "stats": ["stats", "--format", "json"],
    "export": ["export", "--format", "ntriples"],
    "export-turtle": ["export", "--format", "turtle"],
    "validate": ["validate", "--format", "json"],
    "coverage": ["coverage", "--format", "json"],
    "gaps": ["gaps", "{a}", "--credential", "{credential}", "--format", "json"],
    "compare": ["compare", "{a}", "{b}", "--format", "json"],
    "eligible": ["eligible", "--education", "master", "--format", "json"],
    "analyze": ["analyze", "similarity", "--format", "json"],
    "analyze-centrality": ["analyze", "centrality", "--format", "json"],
    "analyze-communities": ["analyze", "communities", "--format", "json"],
    "queries": ["queries", "--format", "json"],
    "gaps-all": ["gaps", "--all-programs", "--credential", "{credential}", "--format", "json"],
    "report": ["report", "--output", "{out}"],
    "query": ["query", "{query}", "--format", "json"],
}


class Dataset:
    """One dataset served several ways: CLI arguments selecting memory, --store and --endpoint
    (an Oxigraph server's default graph, and a named graph of Virtuoso where it is installed)."""

    def __init__(self, name: str, files: list[Path], ways: dict[str, list[str]], ids: dict[str, str], folder: Path) -> None:
        self.name, self.files, self.ways, self.ids, self.folder = name, files, ways, ids, folder
        self.outputs: dict[tuple[str, tuple[str, ...]], tuple[int, str]] = {}

    def output(self, way: str, command: str, args: list[str]) -> tuple[int, str]:
        """Exit code and comparable output of ``imhgraph WAY-ARGS ARGS`` (memoised: the
        Oxigraph and the Virtuoso comparisons share the local answers)."""
        key = (way, tuple(args))
        if key not in self.outputs:
            written = self.folder / f"{command}-{way}.out"
            code, out, err = invoke(*self.ways[way], *[a.replace("{out}", str(written)) for a in args])
            assert code in (0, 1), f"{way} {' '.join(args)}: exit {code}\n{err}"
            if "{out}" in args:  # a command that writes a file: compare the files
                out = written.read_text(encoding="utf-8")
            self.outputs[key] = (code, _comparable(command, out))
        return self.outputs[key]


def _ids(data: list[Path] | None) -> dict[str, str]:
    from imhgraph.ids import members
    from imhgraph.namespaces import short_id

    backend = memory_backend(data)
    programs = [short_id(i) for i in members(backend, "program")]
    credentials = [short_id(i) for i in members(backend, "credential")]
    return {
        "a": programs[0] if programs else "",
        "b": programs[1] if len(programs) > 1 else "",
        "credential": credentials[0] if credentials else "",
    }


@pytest.fixture(scope="module", params=["fixture", "bundled"])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dataset]:
    """The fixture data or the bundled data, in memory, in a store, and pushed to a real server."""
    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server binary is not installed")
    files = [FIXTURE] if request.param == "fixture" else []
    data_args = [a for f in files for a in ("--data", str(f))]
    folder = tmp_path_factory.mktemp(f"backends-{request.param}")
    code, _out, err = invoke(*data_args, "--store", folder / "store", "stats")
    assert code == 0, err
    with OxigraphServer(folder / "server") as server:
        code, out, err = invoke(*data_args, "push", "--endpoint", server.url)
        assert code == 0, err
        ways = {"memory": data_args, "store": ["--store", str(folder / "store")], "endpoint": ["--endpoint", server.url]}
        if virtuoso_binaries() is not None:
            # Virtuoso stores xsd:duration as a number ("P2Y" comes back as "24"): no query can
            # get it back, so this comparison runs on the data without durations (compared with
            # the same files locally, "memory-virtuoso"), and test_virtuoso.py checks the warning.
            virtuoso: VirtuosoServer = request.getfixturevalue("virtuoso")
            graph = f"https://example.org/graph/{request.param}"
            plain = folder / "without-durations.nt"
            local = Graph()  # the data files only (the vocabulary is always loaded beside them)
            for path in files or resources.bundled_data_files():
                local.parse(path)
            local.remove((None, URIRef(IMH + "duration"), None))
            local.serialize(plain, format="nt", encoding="utf-8")
            code, out, err = invoke("--data", plain, "push", "--endpoint", virtuoso.url, "--graph", graph)
            assert code == 0 and f"to the graph <{graph}>" in out, err
            ways["virtuoso"] = ["--endpoint", virtuoso.url, "--endpoint-graph", graph]
            ways["memory-virtuoso"] = ["--data", str(plain)]
        yield Dataset(request.param, files, ways, _ids(files or None), folder)


def _comparable(command: str, stdout: str) -> str:
    if command == "stats":
        # backend kind and origin differ by design; the counts and sources must not.
        document = json.loads(stdout)
        return json.dumps({k: document[k] for k in ("triples", "counts", "sources")}, indent=2)
    if command == "report":
        # the page names its backend and origin in one line, by design
        return re.sub(r"Data: \w+ backend, [^<]*", "Data: (backend)", stdout)
    return stdout


def _catalogue_queries(with_examples: bool = False) -> list[list[str]]:
    """``query`` arguments for the named queries: those that need no parameter and, with
    *with_examples* (the bundled data), the others with the example values of their headers."""
    runs = []
    for path in sorted(resources.queries_dir().glob("*.rq")):
        header = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# param:")]
        if all("optional" in line or "default" in line for line in header):
            runs.append([path.stem])
        elif with_examples:
            params = []
            for line in header:
                name = line.removeprefix("# param:").split()[0]
                example = line.rpartition("Example:")[2].strip() if "Example:" in line else ""
                if not example:
                    break
                params += ["--param", f"{name}={example}"]
            else:
                runs.append([path.stem, *params])
    return runs


def _arg_sets(dataset: Dataset, command: str) -> list[list[str]]:
    verb = MATRIX[command][0]
    if verb not in cli_module.COMMANDS or importlib.util.find_spec(f"imhgraph.commands.{cli_module.COMMANDS[verb]}") is None:
        pytest.skip(f"`{verb}` is not a command yet")
    if verb == "query":
        runs = _catalogue_queries(with_examples=dataset.name == "bundled")
        if not runs:
            pytest.skip("no named query in queries/ to run")
        return [["query", *run, *MATRIX[command][2:]] for run in runs]
    if any("{" in a and a != "{out}" for a in MATRIX[command]) and not all(dataset.ids.values()):
        pytest.skip(f"the {dataset.name} data has fewer than two programs or no credential")
    return [[a.format(out="{out}", **dataset.ids) for a in MATRIX[command]]]


@needs_server
@pytest.mark.server
@pytest.mark.parametrize("command", list(MATRIX))
def test_same_answers_on_every_backend(dataset: Dataset, command: str) -> None:
    for args in _arg_sets(dataset, command):
        memory = dataset.output("memory", command, args)
        assert memory[1].strip(), f"{' '.join(args)} printed nothing"
        assert dataset.output("store", command, args) == memory, f"--store differs for {' '.join(args)}"
        assert dataset.output("endpoint", command, args) == memory, f"--endpoint differs for {' '.join(args)}"


@needs_server
@pytest.mark.server
@pytest.mark.skipif(virtuoso_binaries() is None, reason=VIRTUOSO_MISSING)
@pytest.mark.parametrize("command", list(MATRIX))
def test_same_answers_on_virtuoso(dataset: Dataset, command: str) -> None:
    """Every command (and every named query) on a Virtuoso graph pushed with ``push --graph``
    and read with ``--endpoint-graph`` answers exactly as the local files."""
    for args in _arg_sets(dataset, command):
        memory = dataset.output("memory-virtuoso", command, args)
        assert memory[1].strip(), f"{' '.join(args)} printed nothing"
        virtuoso = dataset.output("virtuoso", command, args)
        if virtuoso != memory:
            import difflib

            diff = "\n".join(list(difflib.unified_diff(memory[1].splitlines(), virtuoso[1].splitlines(), "files", "virtuoso", lineterm=""))[:60])
            pytest.fail(f"Virtuoso differs for {' '.join(args)} (exit {virtuoso[0]} vs {memory[0]}):\n{diff}")


# --- the coverage queries Virtuoso 7 answered wrongly, against rows computed in Python ----------

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class _Coverage:
    """The answers of ``uncovered-topics`` and ``programs-covering-topic`` worked out in plain
    Python from the triples (not with SPARQL): a program covers a topic itself or through one of
    its courses (``imhq:covers``), and a topic is reached from any narrower topic."""

    def __init__(self, graph: Graph) -> None:
        covers, course, broader = URIRef(IMH + "covers"), URIRef(IMH + "hasCourse"), URIRef(SKOS + "broader")
        self.pairs = set(graph.subject_objects(covers))
        self.pairs |= {(p, t) for p, c in graph.subject_objects(course) for t in graph.objects(c, covers)}
        self.courses = set(graph.subjects(RDF_TYPE, URIRef(IMH + "Course")))
        self.broader = {(n, b) for n, b in graph.subject_objects(broader)}
        self.parents: dict[URIRef, set[URIRef]] = {}
        for n, b in self.broader:
            self.parents.setdefault(n, set()).add(b)
        self._ancestors: dict[URIRef, set[URIRef]] = {}
        topic_classes = set(graph.transitive_subjects(URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), URIRef(IMH + "Topic")))
        self.topics = {t for c in topic_classes for t in graph.subjects(RDF_TYPE, c) if isinstance(t, URIRef)}

    def ancestors(self, topic: URIRef) -> set[URIRef]:
        """The topics strictly broader than *topic*, at any depth."""
        if topic not in self._ancestors:
            found, todo = set(), [topic]
            while todo:
                step = todo.pop()
                for b in self.parents.get(step, ()):
                    if b not in found:
                        found.add(b)
                        todo.append(b)
            self._ancestors[topic] = found
        return self._ancestors[topic]

    def uncovered(self) -> list[tuple[str, str | None]]:
        reached = {t for _p, c in self.pairs for t in {c} | self.ancestors(c)}
        rows = []
        for topic in self.topics - reached:
            rows += [(str(topic), str(b)) for b in self.parents.get(topic, ())] or [(str(topic), None)]
        return sorted(rows, key=lambda r: (r[0], r[1] or ""))

    def covering(self, topic: URIRef) -> list[tuple[str, str, str | None]]:
        programs = {p for p, _t in self.pairs} - self.courses
        direct = {p for p in programs if (p, topic) in self.pairs}
        rows = [(str(p), "direct", None) for p in direct]
        rows += [(str(p), "narrower", str(v)) for p, v in self.pairs
                 if p in programs and p not in direct and topic in self.ancestors(v)]
        return sorted(set(rows), key=lambda r: (r[0], r[1], r[2] or ""))


#: topics checked on every engine (on the others, every topic): three depths of the scheme
SAMPLE_TOPICS = ("treatment-approaches", "core-content", "attachment-theory")


def _result_rows(result) -> list[tuple[str | None, ...]]:
    return [tuple(None if v is None else str(v) for v in row) for row in result.select.rows]


def _rdflib_rows(graph: Graph, name: str, params: dict[str, URIRef]) -> list[tuple[str | None, ...]]:
    """The named query run by rdflib's own SPARQL engine (the third engine beside Oxigraph and
    Virtuoso), the parameter filled into its VALUES placeholders as the loader does."""
    from imhgraph.sparql.named_queries import find_query
    from imhgraph.sparql.params import fill_placeholders
    from imhgraph.sparql.text import with_prefixes

    query = find_query(name)
    text, engine = fill_placeholders(query.text, {k: [v] for k, v in params.items()})
    assert not engine
    rows = [tuple(None if v is None else str(v) for v in row) for row in graph.query(with_prefixes(text))]
    return sorted(rows, key=lambda r: tuple(v or "" for v in r))


@needs_server
@pytest.mark.server
def test_coverage_queries_answer_the_computed_rows_on_every_engine(dataset: Dataset) -> None:
    """``uncovered-topics`` and ``programs-covering-topic`` give exactly the rows worked out in
    Python: in memory and on Virtuoso (where installed; these two lost rows there in earlier
    forms) for every topic, in a store, on the Oxigraph server and in rdflib for a few."""
    from imhgraph.sparql.running import run_named

    if dataset.name != "bundled":
        pytest.skip("the bundled data is the one with courses and a deep topic scheme")
    graph = Graph()
    for path in [*resources.vocabulary_files(), *resources.bundled_data_files()]:
        graph.parse(path)
    truth = _Coverage(graph)
    backends = {"memory": memory_backend(None), "endpoint": endpoint_backend(dataset.ways["endpoint"][1])}
    if "virtuoso" in dataset.ways:
        url, graph_iri = dataset.ways["virtuoso"][1], dataset.ways["virtuoso"][3]
        backends["virtuoso"] = endpoint_backend(url, endpoint_graph=graph_iri, timeout=60)
    store = disk.disk_backend(dataset.folder / "store")
    backends["store"] = store
    try:
        expected = truth.uncovered()
        # the answer is neither everything nor nothing (the wrong answers Virtuoso gave)
        assert 0 < len({t for t, _b in expected}) < len(truth.topics) // 2, expected
        for way, backend in backends.items():
            assert _result_rows(run_named(backend, "uncovered-topics")) == expected, f"uncovered-topics on {way}"
        assert _rdflib_rows(graph, "uncovered-topics", {}) == expected, "uncovered-topics in rdflib"
        assert {"https://w3id.org/imhgraph/topic/" + t for t in SAMPLE_TOPICS} <= {str(t) for t in truth.topics}
        shapes = set()
        for topic in sorted(truth.topics):
            expected = truth.covering(topic)
            shapes.add((any(r[1] == "direct" for r in expected), any(r[1] == "narrower" for r in expected)))
            for way, backend in backends.items():
                if way in ("store", "endpoint") and topic.rpartition("/")[2] not in SAMPLE_TOPICS:
                    continue  # Oxigraph again: a few topics are enough there
                got = _result_rows(run_named(backend, "programs-covering-topic", {"topic": str(topic)}))
                assert got == expected, f"programs-covering-topic {topic} on {way}"
        # the data has topics covered only directly, only through narrower topics, both, and none
        assert shapes == {(True, False), (False, True), (True, True), (False, False)}, shapes
        for name in SAMPLE_TOPICS:
            topic = URIRef("https://w3id.org/imhgraph/topic/" + name)
            assert _rdflib_rows(graph, "programs-covering-topic", {"topic": topic}) == truth.covering(topic), name
    finally:
        store.close()


@needs_server
@pytest.mark.server
def test_fixture_answers_are_the_expected_ones(dataset: Dataset) -> None:
    if dataset.name != "fixture":
        pytest.skip("hand-computed answers are for the fixture data")
    code, out, _err = invoke(*dataset.ways["endpoint"], "stats", "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert document["counts"] == {
        "organizations": 1,
        "programs": 2,
        "credentials": 1,
        "topics": document["counts"]["topics"],  # the bundled topic scheme; checked below
        "professions": document["counts"]["professions"],
        "sources": 4,
    }
    assert document["counts"]["topics"] == memory_backend([FIXTURE]).select(
        f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ ?t a <{IMH}Topic> }}"
    ).rows[0][0].toPython()
    assert document["backend"] == "endpoint" and document["origin"] == [dataset.ways["endpoint"][1] + "/query"]


@needs_server
@pytest.mark.server
def test_terms_come_back_exactly_from_the_server(tmp_path: Path) -> None:
    with OxigraphServer(tmp_path / "server") as server:
        assert invoke("--data", FIXTURE, "push", "--endpoint", server.url)[0] == 0
        remote = endpoint_backend(server.url, timeout=10)
        local = memory_backend([FIXTURE])
        query = (
            "SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) "
            "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/imhgraph/program/riverbend') || STRSTARTS(STR(?s), 'https://w3id.org/imhgraph/org/riverbend')) }"
        )
        got = sorted(remote.select(query).rows, key=lambda r: r[0].n3())
        want = sorted(local.select(query).rows, key=lambda r: r[0].n3())
        assert got == want
        kinds = {(o.language, o.datatype) for (o,) in got}
        assert ("de", None) in kinds and (None, None) in kinds  # language tag kept, plain stays plain
        assert (None, XSD.decimal) in kinds and (None, XSD.gYearMonth) in kinds and (None, XSD.boolean) in kinds
        # a bound parameter with ORDER BY / LIMIT, sent as VALUES
        bound = {"class": URIRef(IMH + "TrainingProgram")}
        text = "SELECT ?p WHERE { ?p a ?class } ORDER BY ?p LIMIT 1"
        assert remote.select(text, bound).rows == [(URIRef(PROGRAM + "riverbend-clinical"),)]
        assert remote.ask("ASK { ?p a ?class }", bound) is True
        assert len(remote.construct("CONSTRUCT { ?p a ?class } WHERE { ?p a ?class }", bound)) == 2


@needs_server
@pytest.mark.server
def test_data_loaded_by_the_servers_own_tool_reads_back(tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "server")
    server.load(*resources.vocabulary_files(), FIXTURE)  # `oxigraph load`, not push
    with server:
        for args in (["export", "--format", "ntriples"], ["validate", "--format", "json"]):
            remote = invoke("--endpoint", server.url + "/query", *args)
            local = invoke("--data", FIXTURE, *args)
            assert remote == local
        code, out, _ = invoke("--endpoint", server.url, "stats", "--format", "json")
        assert code == 0 and json.loads(out)["counts"]["programs"] == 2


@needs_server
@pytest.mark.server
def test_server_stopped_between_queries_gives_a_clear_error(tmp_path: Path) -> None:
    with OxigraphServer(tmp_path / "server") as server:
        backend = endpoint_backend(server.url, timeout=5)
        assert backend.ask("ASK {}") is True
    with pytest.raises(EndpointError, match="refused the connection"):
        backend.ask("ASK {}")
