"""Nothing is fetched unless the user named a URL (SPEC §4).

The whole command surface — every command in ``cli.COMMANDS`` with representative
arguments, on the bundled data and on fixtures, including the inputs that *would* make a
careless tool fetch (remote JSON-LD contexts, external XML entities and DTDs, SPARQL
``SERVICE``) — runs twice:

* in-process with Python's socket layer guarded (:mod:`tests.netguard`): any non-loopback
  connection or name lookup fails the test;
* in a subprocess traced with ``strace`` at the system-call level, which also sees what
  Oxigraph's Rust code does: no ``connect``/``sendto`` to a non-loopback address, no DNS.

``push`` is the one command meant to talk to a server; it is pointed at a loopback server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from imhgraph import resources
from imhgraph.cli import COMMANDS, cli

from .conftest import FIXTURES, ROOT
from .netguard import CountingServer, guard

BAD = FIXTURES / "bad"
FORMULA = BAD / "formula-labels.ttl"
VALID = FIXTURES / "other" / "valid.ttl"
BROKEN = FIXTURES / "other" / "broken.ttl"
CTDL_REGISTRY = FIXTURES / "ctdl" / "registry"


def surface(tmp: Path, server_url: str) -> list[tuple[tuple[str, ...], frozenset[int]]]:
    """Representative invocations of every command: (arguments, acceptable exit codes).

    *tmp* receives outputs and generated inputs; *server_url* is a loopback server (push).
    """
    tmp.mkdir(parents=True, exist_ok=True)
    ok, finding, refused = frozenset({0}), frozenset({1}), frozenset({2})
    remote_ctx = tmp / "remote.jsonld"
    remote_ctx.write_text(
        '{"@context": "https://schema.org/", "@id": "https://w3id.org/imhgraph/org/x", "name": "X"}\n',
        encoding="utf-8",
    )
    service = tmp / "service.rq"
    service.write_text("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }\n",
                       encoding="utf-8")
    adhoc = tmp / "adhoc.rq"
    adhoc.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n", encoding="utf-8")
    sheet = resources.data_dir() / "templates" / "programs.csv"
    f = ("--data", str(FORMULA))
    runs: list[tuple[tuple[str, ...], frozenset[int]]] = [
        (("validate",), ok),
        (("validate", "--format", "json"), ok),
        (("--data", str(BROKEN), "validate"), finding),
        (("export", "--format", "turtle", "--output", str(tmp / "all.ttl")), ok),
        (("export", "--format", "json-ld", "--output", str(tmp / "all.jsonld")), ok),
        (("export", "--format", "ntriples"), ok),
        (("export", "--format", "ctdl", "--output", str(tmp / "ctdl.jsonld")), ok),
        (("export", "--format", "ctdl", "--all", "--output", str(tmp / "ctdl-all.jsonl")), ok),
        (("export", "--format", "ctdl", "--check"), finding),
        (("stats", "--format", "json"), ok),
        (("queries",), ok),
        (("show", "uw-imh-nursing-certificate"), ok),
        ((*f, "show", "formula-program", "--format", "json"), ok),
        (("search", "attachment", "--format", "json"), ok),
        ((*f, "search", "formula", "--format", "csv"), ok),
        (("queries", "programs-covering-topic"), ok),
        (("query", "list-programs", "--format", "json"), ok),
        ((*f, "query", "program-topics", "--param", "program=formula-program", "--format", "csv"), ok),
        ((*f, "query", "program-graph", "--param", "program=formula-program", "--format", "json-ld"), ok),
        ((*f, "query", str(adhoc)), ok),
        ((*f, "query", str(service)), refused),
        (("coverage", "--format", "json", "--output", str(tmp / "coverage.json")), ok),
        ((*f, "coverage", "--format", "csv"), ok),
        ((*f, "compare", "formula-program", "plain-program", "--format", "json"), ok),
        ((*f, "gaps", "formula-program", "--credential", "formula-credential", "--fail-on-gaps"), finding),
        ((*f, "gaps", "--all-programs", "--credential", "formula-credential", "--format", "json"), ok),
        (("eligible", "--education", "master", "--years", "3", "--format", "json"), ok),
        (("analyze", "similarity", "--format", "json"), ok),
        (("analyze", "centrality"), ok),
        (("analyze", "communities", "--format", "csv"), ok),
        (("report", "--output", str(tmp / "report.html")), ok),
        (("import-csv", str(sheet), "--output", str(tmp / "imported.ttl")), ok),
        (("import-ctdl", str(CTDL_REGISTRY), "--output", str(tmp / "imported-ctdl.ttl")), ok),
        # CTDL documents name their context by URL: resolved to the bundled copy, never fetched
        (("import-ctdl", str(tmp / "ctdl-all.jsonl"), "--output", str(tmp / "back.ttl")), ok),
        (("import-ctdl", str(remote_ctx)), refused),
        (("diff", str(VALID), str(FORMULA), "--format", "json"), finding),
        (("push", "--endpoint", server_url), frozenset({0, 2})),
        # inputs that would make a careless tool fetch: refused, never fetched
        (("--data", str(remote_ctx), "stats"), refused),
        (("--data", str(BAD / "xxe-file.rdf"), "stats"), refused),
        (("--data", str(BAD / "xxe-parameter.rdf"), "stats"), refused),
        (("--data", str(BAD / "remote-context.jsonld"), "validate"), refused),
    ]
    return runs


def _covered_commands(runs) -> set[str]:
    names: set[str] = set()
    for args, _codes in runs:
        rest = list(args)
        while rest and rest[0].startswith("--"):
            rest = rest[2:]  # every global option used here takes a value
        names.add(rest[0])
        if rest[0] == "analyze":
            names.add("analyze " + rest[1])
    return names


def test_the_surface_covers_every_command(tmp_path):
    covered = _covered_commands(surface(tmp_path, "http://127.0.0.1:9"))
    missing = set(COMMANDS) - covered
    analyze = cli.get_command(click.Context(cli), "analyze")
    if isinstance(analyze, click.Group):
        missing |= {f"analyze {s}" for s in analyze.list_commands(click.Context(analyze))} - covered
    assert not missing, f"add representative runs for {sorted(missing)} to surface()"


def test_whole_command_surface_runs_with_sockets_disabled(monkeypatch, tmp_path):
    from click.testing import CliRunner

    with CountingServer() as server:
        runs = surface(tmp_path, server.url)
        with guard(monkeypatch) as attempts:
            outcomes = []
            for args, codes in runs:
                result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
                outcomes.append((args, result.exit_code, codes, result.stderr))
        assert attempts == [], f"network access attempted: {attempts}"
    wrong = [(a, code, err) for a, code, codes, err in outcomes if code not in codes]
    assert not wrong, wrong
    assert not [a for a, _c, _k, err in outcomes if "Traceback" in err or "IMH999" in err]
    # only push contacted the loopback server, and only where the user named it
    assert server.requests and all(not r.startswith("GET /context") for r in server.requests)


_SCRIPT = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from click.testing import CliRunner
from imhgraph.cli import cli
from tests.netguard import CountingServer
from tests.test_no_network import surface

with CountingServer() as server:
    codes = []
    for args, expected in surface(Path(sys.argv[2]), server.url):
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        codes.append([list(args), result.exit_code, sorted(expected), "Traceback" in result.stderr])
print(json.dumps(codes))
"""


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(["strace", "-f", "-e", "trace=connect", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _strace_works(), reason="strace is not installed or ptrace is not allowed here")
def test_no_connection_at_the_system_call_level(tmp_path):
    """strace sees every connect/sendto of the process and its threads, Rust code included."""
    trace = tmp_path / "trace.txt"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-e", "signal=none", "-o", str(trace),
         sys.executable, "-c", _SCRIPT, str(ROOT), str(tmp_path / "work")],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcomes = json.loads(done.stdout.strip().splitlines()[-1])
    assert [o for o in outcomes if o[1] not in o[2] or o[3]] == []
    outside = _off_machine(trace.read_text(encoding="utf-8", errors="replace"))
    assert outside == [], "\n".join(outside)


def _off_machine(trace: str) -> list[str]:
    """The lines of an strace log that reach off this machine or look a host name up."""
    outside = []
    for line in trace.splitlines():
        if "sa_family=AF_UNIX" in line:
            # nscd also answers user-name lookups, so only systemd-resolved counts as DNS here
            if "resolve" in line:
                outside.append(line)
            continue
        address = re.search(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"', line)
        if address is None:
            continue
        host = address.group(1) or address.group(2)
        if "htons(53)" in line or not (host.startswith("127.") or host in ("::1", "0.0.0.0", "::")):
            outside.append(line)  # a DNS query (port 53), or any address off this machine
    return outside


def test_the_guards_do_catch_an_attempt(monkeypatch, tmp_path):
    """Positive controls: both guards see a real attempt, so their silence above means something."""
    from click.testing import CliRunner

    with guard(monkeypatch) as attempts:
        result = CliRunner().invoke(cli, ["--endpoint", "http://imhgraph-test.invalid/sparql", "stats"])
    assert result.exit_code == 2 and attempts == ["connect imhgraph-test.invalid:80"]
    if _strace_works():
        trace = tmp_path / "trace.txt"
        subprocess.run(
            ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace), sys.executable, "-c",
             "import socket; s = socket.socket(); s.setblocking(False); s.connect_ex(('192.0.2.1', 80))"],
            capture_output=True, check=True, timeout=60,
        )
        assert len(_off_machine(trace.read_text(encoding="utf-8"))) == 1
