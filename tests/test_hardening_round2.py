"""Hardening, second round (issue 17): the hostile inputs the first catalogue did not think of.

Each test is named after its finding. Runs as root here (CI too); where permissions matter,
the test also runs the command as an unprivileged user when one can be switched to.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imhgraph.sparql.readonly import decode_codepoints, may_federate

from .netguard import CountingServer
from .unprivileged import CLI, nobody, nobody_folder, run_as_nobody

BYPASS = (
    'SELECT * WHERE {{ BIND(<urn:a\xa0#> AS ?i) BIND("a\\U0000005C" AS ?v1) '
    "SERVICE <{url}/sparql> {{ ?s ?p ?o }} # \" AS ?v1)\n}}\n"
)


# -- 1. the SERVICE guard ----------------------------------------------------------------------

def test_service_bypass_by_parser_differential_is_refused_and_nothing_is_sent(run, tmp_path: Path) -> None:
    with CountingServer() as server:
        query = tmp_path / "bypass.rq"
        query.write_text(BYPASS.format(url=server.url), encoding="utf-8")
        result = run("query", str(query))
        store = run("--store", str(tmp_path / "store"), "query", str(query))
    assert result.exit_code == 2 and "SERVICE" in result.stderr, result.stderr
    assert store.exit_code == 2
    assert server.requests == [], server.requests


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\U00000053\\U00000045RVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o .SERVICE<http://x/>{ } }",
        "SELECT * WHERE { service silent <http://x/> { } }",
        "SELECT * WHERE { SERVICE#c\n<http://x/> { } }",
        'SELECT * WHERE { BIND("x" AS ?a) } # SERVICE <http://x/> hidden in a comment',
    ],
)
def test_every_spelling_of_service_is_caught(text: str) -> None:
    assert may_federate(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s <https://w3id.org/imhgraph/topic/consultative-services> ?o }",
        "PREFIX topic: <https://w3id.org/imhgraph/topic/> SELECT * WHERE { ?s ?p topic:outpatient-services }",
        "SELECT ?service WHERE { ?service ?p ?o }",
        "SELECT * WHERE { ?s <http://example.org/service/x> ?o }",
    ],
)
def test_names_that_only_contain_the_word_pass(text: str) -> None:
    assert not may_federate(text)


def test_codepoint_escapes_are_decoded_as_sparql_says() -> None:
    assert decode_codepoints("\\u0053ERVICE") == "SERVICE"
    assert decode_codepoints("\\U0001F600") == "\U0001F600"
    assert decode_codepoints("\\uD800") == "\\uD800"  # a lone surrogate stays as written


_PIECES = st.sampled_from([
    "SERVICE", "service", "SeRvIcE", "\\u0053ERVICE", "SERV\\u0049CE", "\\U00000053ERVICE",
    " ", "\n", "\t", "#", "# x\n", '"', "'", '"""', "\\", "\\\\", "<", ">", "<urn:a\xa0#>", "{", "}",
    ".", ";", "?v", "$v", "ex:", "-", "/", "LOAD", "INSERT DATA", "DELETE", "CLEAR ALL", "SILENT",
    "<http://127.0.0.1:1/sparql>", "BIND(1 AS ?b)", "\u00a0", "\u2028", "\x00",
])


@pytest.fixture(scope="module")
def listener() -> CountingServer:
    with CountingServer() as server:
        yield server


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_PIECES, min_size=1, max_size=14))
def test_fuzzed_queries_never_federate_or_update_through_the_guard(listener: CountingServer, pieces: list[str]) -> None:
    """Random escapes, comments, strings and unicode around SERVICE and update keywords: a
    query the guard lets through never makes Oxigraph contact the listener nor change the store."""
    import pyoxigraph as ox

    from imhgraph.errors import QueryError
    from imhgraph.sparql.named_queries import query_from_text
    from imhgraph.sparql.readonly import check

    body = "".join(pieces).replace("<http://127.0.0.1:1/sparql>", f"<{listener.url}/sparql>")
    text = "SELECT * WHERE { " + body + " }"
    before = len(listener.requests)
    try:
        check(query_from_text(text))
    except QueryError:
        return  # refused: nothing ran
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))
    try:
        result = store.query(text)
        if hasattr(result, "__iter__"):
            for _ in result:
                pass
    except Exception:  # noqa: BLE001 — Oxigraph refusing the text is fine
        pass
    assert len(listener.requests) == before, (text, listener.requests)
    assert len(store) == 1


# -- 3. inputs overwritten ----------------------------------------------------------------------

def test_query_file_as_its_own_output_is_refused(run, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n", encoding="utf-8")
    before = query.read_bytes()
    result = run("query", str(query), "--output", str(query))
    assert result.exit_code == 2 and "input" in result.stderr
    assert query.read_bytes() == before


def test_catalogue_query_file_is_never_an_output(run) -> None:
    from imhgraph.sparql.named_queries import catalogue

    path = catalogue()["list-programs"].path
    before = path.read_bytes()
    result = run("query", "list-programs", "--output", str(path))
    assert result.exit_code == 2
    assert path.read_bytes() == before


def test_nothing_inside_a_store_folder_is_an_output(run, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("--store", str(store), "stats").exit_code == 0
    current = store / "CURRENT"
    result = run("--store", str(store), "export", "--format", "ntriples", "--output", str(current))
    assert result.exit_code == 2 and "store" in result.stderr
    # The store rewrites CURRENT itself as it opens; what matters is that it is still its own.
    assert current.read_bytes().startswith(b"MANIFEST-")
    assert run("--store", str(store), "stats").exit_code == 0


# -- 5. named graphs ----------------------------------------------------------------------------

def test_trig_named_graphs_are_read_not_dropped(run, tmp_path: Path) -> None:
    trig = tmp_path / "graphs.trig"
    trig.write_text(
        "@prefix imh: <https://w3id.org/imhgraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "<https://example.org/g> {\n"
        "  <https://w3id.org/imhgraph/program/named-graph-program> a imh:TrainingProgram ;\n"
        '    rdfs:label "Named Graph Program" ; dcterms:source <https://example.org/p> .\n'
        "}\n",
        encoding="utf-8",
    )
    result = run("--data", str(trig), "query", "list-programs", "--format", "csv")
    assert result.exit_code == 0
    assert "named-graph-program" in result.stdout
    nquads = tmp_path / "graphs.nq"
    nquads.write_text(
        "<https://w3id.org/imhgraph/program/nq-program> <http://www.w3.org/2000/01/rdf-schema#label> "
        '"NQ Program" <https://example.org/g> .\n'
        "<https://w3id.org/imhgraph/program/nq-program> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/imhgraph/ontology#TrainingProgram> <https://example.org/g> .\n",
        encoding="utf-8",
    )
    result = run("--data", str(nquads), "query", "list-programs", "--format", "csv")
    assert "nq-program" in result.stdout


# -- 7. read-only outputs -----------------------------------------------------------------------

def test_read_only_output_file_is_refused_as_root(run, tmp_path: Path) -> None:
    out = tmp_path / "kept.ttl"
    out.write_text("# keep me\n", encoding="utf-8")
    out.chmod(0o444)
    result = run("export", "--output", str(out))
    assert result.exit_code == 2 and "read-only" in result.stderr
    assert out.read_text(encoding="utf-8") == "# keep me\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o444


def test_read_only_output_file_is_refused_for_its_unprivileged_owner() -> None:
    with nobody_folder() as folder:
        out = folder / "kept.txt"
        out.write_text("keep\n", encoding="utf-8")
        os.chown(out, *nobody())  # type: ignore[misc]
        out.chmod(0o444)
        code = (
            "from imhgraph.atomic import write_atomic\nfrom imhgraph.errors import OutputError\n"
            "try:\n    write_atomic(sys.argv[1], 'new')\nexcept OutputError as e:\n    print(e); sys.exit(2)\n"
        )
        done = run_as_nobody(code, str(out), cwd=folder)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "read-only" in done.stdout
        assert out.read_text(encoding="utf-8") == "keep\n"
        # The command line says the same, for its owner too.
        cli = run_as_nobody(CLI, "export", "--output", str(out), cwd=folder)
        assert cli.returncode == 2 and "read-only" in cli.stderr, cli.stderr
        assert out.read_text(encoding="utf-8") == "keep\n"


# -- 10. a FIFO as input ------------------------------------------------------------------------

def test_import_csv_on_a_fifo_is_refused_not_hung(run, tmp_path: Path) -> None:
    fifo = tmp_path / "sheet.csv"
    os.mkfifo(fifo)
    outcome: dict[str, object] = {}

    def go() -> None:
        outcome["result"] = run("import-csv", str(fifo), "--output", str(tmp_path / "out.ttl"))

    worker = threading.Thread(target=go, daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():
        # Unblock the reader so the thread can end, then fail.
        with open(fifo, "w", encoding="utf-8"):
            pass
        pytest.fail("import-csv blocked on a FIFO")
    result = outcome["result"]
    assert result.exit_code == 2 and "regular file" in result.stderr  # type: ignore[attr-defined]


# -- 11. --timeout bounds -----------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1e10", "1e400", "-1", "0"])
def test_timeout_out_of_range_is_a_usage_error(run, value: str) -> None:
    result = run("--timeout", value, "stats")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and "timeout" in result.stderr.lower()


# -- 12. misleading messages --------------------------------------------------------------------

def test_output_whose_parent_is_a_file_says_so(run, tmp_path: Path) -> None:
    parent = tmp_path / "afile"
    parent.write_text("x", encoding="utf-8")
    result = run("export", "--output", str(parent / "out.ttl"))
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.stderr


# -- 2. an endpoint's RDF/XML answer and 8. answers that do not fit the query -----------------

def _serve(content_type: str, body: bytes):  # noqa: ANN202 — a FakeServer handler
    def handle(h) -> None:  # noqa: ANN001
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handle


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n'
    + b"".join(b'<!ENTITY %c "%s">\n' % (ord("b") + i, (b"&" + bytes([ord("a") + i]) + b";") * 10) for i in range(8))
    + b']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="urn:x"><rdf:value>&i;</rdf:value></rdf:Description></rdf:RDF>\n'
)


def test_endpoint_rdfxml_answer_with_nested_entities_is_refused(run) -> None:
    from .servers import FakeServer

    with FakeServer(_serve("application/rdf+xml", LAUGHS)) as server:
        result = run("--endpoint", server.url, "--timeout", "10", "export", "--format", "ntriples")
    assert result.exit_code == 2, result.stderr
    assert "unsafe RDF/XML" in result.stderr and server.url in result.stderr
    assert "Traceback" not in result.stderr


def test_endpoint_answer_with_other_variables_is_the_servers_fault(run) -> None:
    from .servers import FakeServer

    body = json.dumps({"head": {"vars": ["zzz"]}, "results": {"bindings": [{"zzz": {"type": "literal", "value": "1"}}]}})
    with FakeServer(_serve("application/sparql-results+json", body.encode())) as server:
        for args in (["stats"], ["coverage"], ["query", "list-programs"], ["analyze", "centrality"]):
            result = run("--endpoint", server.url, "--timeout", "10", *args)
            assert result.exit_code == 2, (args, result.stderr)
            assert "does not fit the query" in result.stderr and server.url in result.stderr
            assert "Traceback" not in result.stderr


def test_projected_variables_read_from_the_query() -> None:
    from imhgraph.endpoint import projected_variables

    assert projected_variables("SELECT ?a ?b WHERE { ?a ?p ?b }") == ("a", "b")
    assert projected_variables("SELECT DISTINCT ?p (COUNT(?x) AS ?n) WHERE { ?p ?q ?x } GROUP BY ?p") == ("p", "n")
    assert projected_variables("PREFIX x: <urn:x#> SELECT * WHERE { ?s ?p ?o }") is None
    assert projected_variables("SELECT ?program (GROUP_CONCAT(STR(?t); separator=\" \") AS ?topics) WHERE {}") == ("program", "topics")


# -- 9. local queries: a time limit, and Ctrl-C ---------------------------------------------------

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n"


def _imhgraph() -> list[str]:
    return [sys.executable, "-c", "from imhgraph.cli import main; main()"]


def test_local_query_stops_at_the_timeout(tmp_path: Path) -> None:
    query = tmp_path / "cartesian.rq"
    query.write_text(CARTESIAN, encoding="utf-8")
    done = subprocess.run([*_imhgraph(), "--timeout", "1", "query", str(query)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "did not finish within 1 s" in done.stderr and "Traceback" not in done.stderr


def test_ctrl_c_stops_a_running_query_and_writes_nothing(tmp_path: Path) -> None:
    import signal
    import time

    query = tmp_path / "cartesian.rq"
    query.write_text(CARTESIAN, encoding="utf-8")
    out = tmp_path / "answer.csv"
    process = subprocess.Popen([*_imhgraph(), "--timeout", "600", "query", str(query), "--output", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)  # loaded and running the query by now (a slow machine only makes it later)
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("Ctrl-C did not stop the command")
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".answer.csv.*"))


# -- 13. smaller findings -------------------------------------------------------------------------

def test_control_characters_in_labels_never_reach_the_terminal(run, tmp_path: Path) -> None:
    data = tmp_path / "escapes.ttl"
    data.write_text(
        "@prefix imh: <https://w3id.org/imhgraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "<https://w3id.org/imhgraph/program/esc> a imh:TrainingProgram ;\n"
        '  rdfs:label "Evil \\u001B]0;owned\\u0007 \\u001B[2J\\r Program" ; dcterms:source <https://example.org/p> .\n',
        encoding="utf-8",
    )
    for args in (("query", "list-programs"), ("show", "esc"), ("coverage", "--summary")):
        result = run("--data", str(data), *args)
        assert result.exit_code in (0, 1), result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\r" not in result.stdout
        assert "\\x1b" in result.stdout
    # JSON keeps the data exactly.
    result = run("--data", str(data), "show", "esc", "--format", "json")
    assert json.loads(result.stdout)["label"].startswith("Evil \x1b]0;owned\x07")


def test_a_link_out_of_a_data_folder_is_refused_without_quoting_its_target(run, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:$6$hash-that-must-not-be-echoed\n", encoding="utf-8")
    (folder / "evil.ttl").symlink_to(secret)
    result = run("--data", str(folder), "stats")
    assert result.exit_code == 2
    assert "leads outside" in result.stderr
    assert "hash-that-must-not-be-echoed" not in result.stderr + result.stdout


def test_an_unreadable_subfolder_is_an_error_not_a_silent_skip() -> None:
    """Root reads every folder: checked as an unprivileged user ('nobody')."""
    with nobody_folder() as home:
        folder = home / "data"
        (folder / "closed").mkdir(parents=True)
        (folder / "open.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
        for path in (folder, folder / "closed", folder / "open.ttl"):
            os.chown(path, *nobody())  # type: ignore[misc]
        (folder / "closed").chmod(0)
        done = run_as_nobody(CLI, "--data", str(folder), "stats", cwd=home)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "closed" in done.stderr and "cannot be read" in done.stderr
        assert "Traceback" not in done.stderr


# -- 4. reloading a store on a full disk ---------------------------------------------------------

def _can_unshare() -> bool:
    import shutil as sh

    if os.geteuid() != 0 or sh.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True,
                          check=False).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs root and mount namespaces (unshare -m) for a small disk")
def test_reloading_a_store_on_a_full_disk_keeps_the_old_store(tmp_path: Path) -> None:
    """A real full disk: a 48 MB tmpfs in a private mount namespace holds the store; a filler
    file takes the rest; the reload fails plainly, and once space is freed the old store
    answers as before (the new content was to be built beside it, never over it)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    store = disk / "store"
    exe = f"{sys.executable} -c 'from imhgraph.cli import main; main()'"
    script = (
        f"set -e; mount -t tmpfs -o size=48m none {disk}; "
        f"{exe} --store {store} stats --format json > {tmp_path}/before.json; "
        f"dd if=/dev/zero of={disk}/filler bs=1M count=100 2>/dev/null || true; "
        f"set +e; {exe} --store {store} --data data --data tests/fixtures/other/valid.ttl stats "
        f"> /dev/null 2> {tmp_path}/reload.err; echo $? > {tmp_path}/reload.code; "
        f"rm -f {disk}/filler; "  # space freed, as a user would: the old store must be whole
        f"{exe} --store {store} stats --format json > {tmp_path}/after.json 2> {tmp_path}/after.err; "
        f"echo $? > {tmp_path}/after.code"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], cwd=root,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    reload_err = (tmp_path / "reload.err").read_text(encoding="utf-8")
    assert (tmp_path / "reload.code").read_text().strip() == "2", reload_err
    assert "Traceback" not in reload_err and "unchanged" in reload_err
    assert (tmp_path / "after.code").read_text().strip() == "0", (tmp_path / "after.err").read_text()
    before = json.loads((tmp_path / "before.json").read_text(encoding="utf-8"))
    after = json.loads((tmp_path / "after.json").read_text(encoding="utf-8"))
    assert after["counts"] == before["counts"]


# -- 6. loading and querying one store at once -----------------------------------------------------

def _programs_in(stdout: str) -> int:
    return json.loads(stdout)["counts"]["programs"]


def _generated(tmp_path: Path, programs: int, seed: int) -> Path:
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / f"generated-{programs}-{seed}.ttl"
    subprocess.run([sys.executable, str(root / "bench" / "generate.py"), "--programs", str(programs),
                    "--seed", str(seed), "--output", str(out)], check=True, timeout=120)
    return out


def _load_lock_held(store: Path) -> bool:
    """Whether some process holds the load lock of *store* (the file beside it)."""
    import fcntl

    lock = store.parent / f".{store.name}.lock"
    if not lock.exists():
        return False
    with open(lock, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*_imhgraph(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until(condition, process: subprocess.Popen[str], seconds: float = 120) -> None:  # noqa: ANN001
    import time

    deadline = time.monotonic() + seconds
    while not condition() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)


def _finish(process: subprocess.Popen[str], seconds: float = 240) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"{process.args} hung")
    return process.returncode, out, err


def test_readers_of_a_store_being_loaded_for_the_first_time_wait_for_it(tmp_path: Path) -> None:
    """A first load (no previous state): readers started while it runs wait for it (a note on
    stderr) and answer from the loaded data — never "was interrupted", never hang."""
    data = _generated(tmp_path, 300, 1)
    store = tmp_path / "store"
    writer = _start("--store", str(store), "--data", str(data), "stats", "--format", "json")
    _wait_until(lambda: _load_lock_held(store), writer)
    readers = [_start("--timeout", "200", "--store", str(store), "stats", "--format", "json") for _ in range(3)]
    code, out, err = _finish(writer)
    assert code == 0, err
    assert _programs_in(out) == 300
    for reader in readers:
        code, out, err = _finish(reader)
        assert code == 0, err
        assert _programs_in(out) == 300  # the loaded data, never the bundled data nor half of it
        assert "interrupted" not in err and "Traceback" not in err and "locked" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store.lock", data.name, "store"]


def test_readers_during_a_reload_read_the_old_or_the_new_state(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first, second = _generated(tmp_path, 120, 1), _generated(tmp_path, 300, 2)
    assert run_cli("--store", str(store), "--data", str(first), "stats").returncode == 0
    writer = _start("--store", str(store), "--data", str(second), "stats", "--format", "json")
    _wait_until(lambda: _load_lock_held(store), writer)
    readers = [_start("--store", str(store), "stats", "--format", "json") for _ in range(3)]
    code, out, err = _finish(writer)
    assert code == 0, err
    for reader in readers:
        code, out, err = _finish(reader)
        assert code == 0, err
        assert _programs_in(out) in (120, 300)  # the last complete state, whichever it was
        assert "interrupted" not in err and "Traceback" not in err
    after = run_cli("--store", str(store), "stats", "--format", "json")
    assert _programs_in(after.stdout) == 300
    # Nothing left beside the store: the previous content is removed once nobody reads it.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [".store.lock"]


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_imhgraph(), *args], capture_output=True, text=True, timeout=timeout, check=False)


def test_a_reader_waits_at_most_the_timeout_for_a_load_then_says_so(run, tmp_path: Path) -> None:
    import fcntl
    import time

    store = tmp_path / "store"
    lock = tmp_path / ".store.lock"
    with open(lock, "wb") as handle:  # a load is running (this test holds its lock)
        fcntl.flock(handle, fcntl.LOCK_EX)
        started = time.monotonic()
        result = run("--timeout", "1", "--store", str(store), "stats")
        waited = time.monotonic() - started
    assert result.exit_code == 2
    assert "note: " in result.stderr and "is being loaded by another process; waiting for it (at most 1 s)" in result.stderr
    assert "is being loaded by another process, which did not finish within 1 s" in result.stderr
    assert "--timeout" in result.stderr and "interrupted" not in result.stderr
    assert waited < 60  # bounded (generously: the machine may be busy), not a hang
    assert not store.exists()  # the reader built nothing of its own


def test_a_complete_store_is_read_at_once_while_a_load_runs(run, tmp_path: Path) -> None:
    import fcntl

    store = tmp_path / "store"
    assert run("--store", str(store), "stats").exit_code == 0
    before = run("--store", str(store), "stats", "--format", "json").stdout
    with open(tmp_path / ".store.lock", "wb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = run("--timeout", "1", "--store", str(store), "stats", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == before and result.stderr == ""


def test_a_reload_keeps_the_previous_content_for_its_readers(tmp_path: Path) -> None:
    """A process still reading the previous content keeps reading it after the swap; the load
    removes that folder only once it is no longer read (or leaves it for the next load)."""
    from imhgraph.disk import disk_backend

    store = tmp_path / "store"
    other = Path(__file__).resolve().parent / "fixtures" / "other" / "valid.ttl"
    reader = disk_backend(store)  # the bundled data
    count = reader.triple_count()
    done = run_cli("--timeout", "1", "--store", str(store), "--data", str(other), "stats", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "still being read" in done.stderr and "the next load of" in done.stderr
    assert reader.triple_count() == count  # the old state, whole
    reader.close()
    again = run_cli("--store", str(store), "--data", str(other), "stats")
    assert again.returncode == 0 and again.stderr == ""
    assert not [p for p in tmp_path.iterdir() if ".old-" in p.name or ".loading-" in p.name]


# -- 13. the store's own graphs are not the data --------------------------------------------------

@pytest.mark.parametrize(
    "graph",
    [
        "https://w3id.org/imhgraph/graph/meta",
        "https://w3id.org/imhgraph/graph/vocabulary",
        "https://w3id.org/imhgraph/store#exact",
    ],
)
def test_store_marker_graph_is_not_readable_with_from(run, tmp_path: Path, graph: str) -> None:
    """A user query sees the data only: FROM <graph> reads the data as if it were absent,
    FROM NAMED and GRAPH see no graph at all (on --store and in memory)."""
    store = tmp_path / "store"
    data = tmp_path / "exact.ttl"
    data.write_text('<https://w3id.org/imhgraph/program/p> <https://w3id.org/imhgraph/ontology#minTrainingHours> '
                    '"020"^^<http://www.w3.org/2001/XMLSchema#integer> .\n', encoding="utf-8")  # an exact record
    named = "FILTER(!isBlank(?s) && !isBlank(?o))"  # blank nodes are named anew by each query
    plain = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o {named} }}"
    texts = {
        "from": f"SELECT ?s ?p ?o FROM <{graph}> WHERE {{ ?s ?p ?o {named} }}",
        "named": f"SELECT ?s ?p ?o FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "graph": f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
    }
    for way in (["--store", str(store), "--data", str(data)], ["--store", str(store)], ["--data", str(data)]):
        answers = {}
        for name, text in {"plain": plain, **texts}.items():
            query = tmp_path / f"{name}.rq"
            query.write_text(text + "\n", encoding="utf-8")
            result = run(*way, "query", str(query), "--format", "csv")
            assert result.exit_code in (0, 1), result.stderr
            answers[name] = result.stdout
        assert answers["from"] == answers["plain"] and "minTrainingHours" in answers["plain"]
        assert answers["named"].strip() == answers["graph"].strip() == "s,p,o"  # no row


# -- 12. misleading messages: a term too long, JSON nested too deep, unreadable requirements -------

def test_a_literal_longer_than_the_parsers_limit_says_so_not_memory(run, tmp_path: Path) -> None:
    data = tmp_path / "long.ttl"
    data.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<urn:a> rdfs:label \"short\" .\n"
        '<urn:a> rdfs:comment "' + "x" * (17 * 1024 * 1024) + '" .\n',
        encoding="utf-8",
    )
    for way in (["--data", str(data)], ["--store", str(tmp_path / "store"), "--data", str(data)]):
        result = run(*way, "stats")
        assert result.exit_code == 2
        assert f"{data}, line 3: a single term (a literal or an IRI) is longer than the 16.0 MB" in result.stderr
        assert "memory" not in result.stderr and "--store" not in result.stderr  # no hint that fails the same way


def test_endpoint_answer_nested_too_deeply_names_the_server(run) -> None:
    from .servers import FakeServer

    deep = b'{"head": {"vars": ["a"]}, "results": {"bindings": [' + b"[" * 200_000 + b"]" * 200_000 + b"]}}"
    with FakeServer(_serve("application/sparql-results+json", deep)) as server:
        for args in (["stats"], ["query", "list-programs"]):
            result = run("--endpoint", server.url, "--timeout", "10", *args)
            assert result.exit_code == 2, result.stderr
            assert f"the endpoint {server.url}" in result.stderr and "nested too deeply" in result.stderr
            assert "blank nodes" not in result.stderr and "Traceback" not in result.stderr


def test_eligible_with_ill_typed_requirements_says_unreadable_not_none(run, tmp_path: Path) -> None:
    data = tmp_path / "odd.ttl"
    data.write_text(
        "@prefix imh: <https://w3id.org/imhgraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        '<https://w3id.org/imhgraph/credential/odd> a imh:Credential ; rdfs:label "Odd Credential" ;\n'
        "  dcterms:source <https://example.org/c> ;\n"
        '  imh:minYearsExperience "two"^^xsd:integer ; imh:minTrainingHours "lots"^^xsd:decimal .\n',
        encoding="utf-8",
    )
    result = run("--data", str(data), "eligible", "--education", "master", "--years", "10",
                 "--training-hours", "999", "--format", "json")
    assert result.exit_code == 0, result.stderr
    odd = json.loads(result.stdout)["credentials"][0]
    assert odd["status"] == "unknown"
    assert "the data records no entry requirements" not in odd["missing"]
    assert 'the recorded years of experience required ("two") is not a valid number, so this requirement is unknown' in odd["missing"]
    assert any('"lots"' in m for m in odd["missing"])
    text = run("--data", str(data), "eligible", "--education", "master").stdout
    assert "no entry requirements recorded" not in text and 'unreadable years of experience ("two")' in text


# -- 13. JSON-LD @ids that are no IRIs, relative IRIs ---------------------------------------------

def test_jsonld_id_with_a_space_is_reported_not_dropped(run, tmp_path: Path) -> None:
    data = tmp_path / "spaces.jsonld"
    data.write_text(
        '{"@context": {"imh": "https://w3id.org/imhgraph/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},\n'
        ' "@graph": [\n'
        '  {"@id": "https://w3id.org/imhgraph/program/ok", "@type": "imh:TrainingProgram", "rdfs:label": "OK"},\n'
        '  {"@id": "https://w3id.org/imhgraph/program/has space", "@type": "imh:TrainingProgram", "rdfs:label": "Spacey"}\n'
        "]}\n",
        encoding="utf-8",
    )
    result = run("--data", str(data), "query", "list-programs")
    assert result.exit_code == 2
    assert f"{data}, line 4: the @id 'https://w3id.org/imhgraph/program/has space' is not a valid IRI: it holds a space" in result.stderr
    assert "%20" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("rel.ttl", "<https://w3id.org/imhgraph/program/x> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <notes.html> .\n"
                    "<> <http://www.w3.org/2000/01/rdf-schema#label> \"this document\" .\n"),
        ("rel.jsonld", '{"@id": "https://w3id.org/imhgraph/program/x",\n "http://www.w3.org/2000/01/rdf-schema#seeAlso": {"@id": "notes.html"}}\n'),
        ("rel.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
         'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description rdf:about="https://w3id.org/imhgraph/program/x">'
         '<rdfs:seeAlso rdf:resource="notes.html"/></rdf:Description></rdf:RDF>\n'),
    ],
)
def test_relative_iris_never_become_local_paths(run, tmp_path: Path, name: str, text: str) -> None:
    """Relative IRIs resolve against a fixed base named after the file: the same triples on
    every machine, and no file:///… path of the user's in the data or its exports."""
    for folder in (tmp_path / "one", tmp_path / "deeper" / "two"):
        folder.mkdir(parents=True)
        data = folder / name
        data.write_text(text, encoding="utf-8")
        result = run("--data", str(data), "export", "--format", "ntriples")
        assert result.exit_code == 0, result.stderr
        assert "file:" not in result.stdout and str(tmp_path) not in result.stdout
        assert "<https://w3id.org/imhgraph/relative/notes.html>" in result.stdout
        if name.endswith(".ttl"):
            assert f'<https://w3id.org/imhgraph/relative/{name}> <http://www.w3.org/2000/01/rdf-schema#label> "this document"' in result.stdout
            data.write_text("@base <https://example.org/docs/> .\n" + text, encoding="utf-8")  # a declared base wins
            declared = run("--data", str(data), "export", "--format", "ntriples")
            assert "<https://example.org/docs/notes.html>" in declared.stdout


def test_relative_iri_in_ntriples_says_ntriples_needs_full_iris(run, tmp_path: Path) -> None:
    data = tmp_path / "rel.nt"
    data.write_text("<https://w3id.org/imhgraph/program/x> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <notes.html> .\n",
                    encoding="utf-8")
    result = run("--data", str(data), "export")
    assert result.exit_code == 2
    assert f"{data}, line 1, column 86: the relative IRI <notes.html>: N-Triples and N-Quads need full IRIs" in result.stderr


# -- 13. a CSV with very many columns --------------------------------------------------------------

def test_csv_with_thousands_of_bad_columns_gets_a_bounded_error(run, tmp_path: Path) -> None:
    columns = 3000
    sheet = tmp_path / "wide.csv"
    header = ["program_id", "program_label", "organization_id", "organization_label", "source"]
    header += [f"bogus-topic-{i}" for i in range(columns)]
    row = ["p", "P", "o", "O", "https://example.org/p"] + ["yes"] * columns
    sheet.write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    result = run("import-csv", str(sheet), "--output", str(tmp_path / "out.ttl"))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"error [IMH070]: {sheet}: {columns} problems; nothing was written:"
    assert len(lines) == 1 + 50 + 1 + 1  # the first 50 problems, the count of the others, the hint
    assert lines[51] == f"  … and {columns - 50} more problems (the first 50 are shown)"
    assert all("unknown topic ID" in line for line in lines[1:51])
    assert not (tmp_path / "out.ttl").exists()


def test_might_name_is_false_only_where_resolve_finds_nothing(bundled) -> None:  # noqa: ANN001
    from imhgraph.errors import UnknownIdError
    from imhgraph.ids import members, might_name, resolve
    from imhgraph.namespaces import short_id

    might = might_name(bundled, "topic")
    names = []
    for iri, label in members(bundled, "topic").items():
        names += [short_id(iri), short_id(iri).upper(), str(iri), label, label.lower() + " ", label.replace("'", "")]
    names += ["bogus", "attachment", "attachment theory", "Attachment-Theory", "topic:attachment-theory", ""]
    for name in names:
        try:
            resolve(bundled, "topic", name)
            found = True
        except UnknownIdError as exc:
            found = type(exc).__name__ == "AmbiguousIdError"
        if found:
            assert might(name), name


def test_a_store_is_read_by_a_user_who_may_not_write_it(run) -> None:
    """Readers open a store read-only: another user, without write permission on the store or
    beside it, reads it (a first load by that user would be refused plainly)."""
    with nobody_folder() as home:
        shared = home / "shared"
        shared.mkdir()  # root's folder: 'nobody' may not write in it
        store = shared / "store"
        assert run("--store", str(store), "stats").exit_code == 0
        expected = run("--store", str(store), "stats", "--format", "json").stdout
        done = run_as_nobody(CLI, "--store", str(store), "stats", "--format", "json", cwd=home)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["counts"] == json.loads(expected)["counts"]
        fresh = run_as_nobody(CLI, "--store", str(shared / "new"), "stats", cwd=home)
        assert fresh.returncode == 2 and "cannot write beside the store" in fresh.stderr, fresh.stderr
        assert "Traceback" not in fresh.stderr
