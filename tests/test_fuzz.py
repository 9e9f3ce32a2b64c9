"""A bounded fuzz run of the loaders: mutated bytes of real Turtle, N-Triples, JSON-LD and
RDF/XML files fed to :func:`imhgraph.load.parse_into`. Loading may succeed or raise an
:class:`~imhgraph.errors.ImhgraphError` (a clear message for the user); anything else —
a Python exception, a crash, a message without the file name — fails.

Every input that ever failed is kept under ``tests/fixtures/bad/fuzz/`` and replayed (in a
child process, as some crashed the interpreter): JSON-LD objects nested a few thousand deep
overflowed the stack of Oxigraph's JSON-LD parser (SIGSEGV at ~4,000 levels, quadratic memory
before that), and deeply nested RDF/XML took quadratic time.
``IMHGRAPH_FUZZ_EXAMPLES`` (default 1,500 per test, about 25 s in all) lets CI or a
developer run longer.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imhgraph import load
from imhgraph.errors import ImhgraphError

from .conftest import FIXTURES

CRASHERS = FIXTURES / "bad" / "fuzz"
EXAMPLES = int(os.environ.get("IMHGRAPH_FUZZ_EXAMPLES", "1500"))

_TURTLE = (FIXTURES / "other" / "valid.ttl").read_bytes()
_RDFXML = (FIXTURES / "bad" / "protege-entities.owl").read_bytes()


def _seeds() -> dict[str, bytes]:
    """One real document per format: the same small graph as Turtle, N-Triples, JSON-LD, RDF/XML."""
    from rdflib import Graph

    graph = Graph().parse(data=_TURTLE.decode("utf-8"), format="turtle")
    return {
        ".ttl": _TURTLE,
        ".nt": graph.serialize(format="nt").encode("utf-8"),
        ".jsonld": graph.serialize(format="json-ld").encode("utf-8"),
        ".rdf": _RDFXML,
    }


SEEDS = _seeds()


def check_loads_or_explains(path: Path) -> None:
    """Parse *path*; only success or an ImhgraphError naming the file is acceptable."""
    try:
        load.parse_into(ox.Store(), path)
    except ImhgraphError as exc:
        assert str(path) in exc.message, exc.message
        assert exc.code.startswith("IMH0")


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """*seed* with a few random edits: flipped, inserted, deleted or duplicated bytes, a
    truncation, or a splice of a syntax-laden token."""
    data = bytearray(seed)
    tokens = [b'"', b"'", b"<", b">", b"{", b"}", b"[", b"]", b"@prefix", b":", b".", b";", b",", b"\\",
              b'"""', b"\x00", b"\xff", b"\xef\xbb\xbf", b"&", b"<!ENTITY a \"&a;\">", b"@context", b"\n",
              b"^^", b"_:", b"#", b"\xe9", b"<!DOCTYPE", b"]]>", b"\\u00", b"@id", b"@list"]
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "token", "duplicate", "truncate"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif action == "token":
            data[at:at] = draw(st.sampled_from(tokens))
        elif action == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 64)))
            data[at:at] = data[at:end]
        else:
            del data[at:]
    return bytes(data)


_REPLAY = """
import json, sys
import pyoxigraph as ox
from imhgraph import load
from imhgraph.errors import ImhgraphError
out = {}
for name in sys.argv[1:]:
    try:
        load.parse_into(ox.Store(), load.Path(name))
        out[name] = "loaded"
    except ImhgraphError as exc:
        out[name] = exc.code + " " + exc.message
print(json.dumps(out))
"""


def test_kept_crashers_now_load_or_explain():
    """Inputs that once crashed a parser, replayed in a child process: a crash of the
    interpreter (a parser's stack overflow) must fail this test, not end the test run."""
    import json
    import subprocess
    import sys

    paths = sorted(str(p) for p in CRASHERS.iterdir())
    assert paths, "the regression fixtures are missing"
    done = subprocess.run([sys.executable, "-c", _REPLAY, *paths], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, f"a kept crasher crashed again (exit {done.returncode}): {done.stderr[-2000:]}"
    outcomes = json.loads(done.stdout)
    assert outcomes == {
        str(CRASHERS / "brace-strings-interleaved.jsonld"): (
            f"IMH012 {CRASHERS / 'brace-strings-interleaved.jsonld'}: JSON objects and arrays nest 301 levels "
            "deep (more than 256); refused, as parsing it could exhaust the memory or crash the parser"
        ),
        str(CRASHERS / "deep-elements.rdf"): (
            f"IMH012 {CRASHERS / 'deep-elements.rdf'}: XML elements nest 6001 levels deep (more than 256); "
            "refused, as parsing it could exhaust the memory or crash the parser"
        ),
        str(CRASHERS / "deep-objects.jsonld"): (
            f"IMH012 {CRASHERS / 'deep-objects.jsonld'}: JSON objects and arrays nest 5001 levels deep "
            "(more than 256); refused, as parsing it could exhaust the memory or crash the parser"
        ),
    }


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_fuzz_loader(suffix, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=os.environ.get("IMHGRAPH_FUZZ_RANDOM") is None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(SEEDS[suffix]))
    def run(content: bytes) -> None:
        path = folder / f"input{suffix}"
        path.write_bytes(content)
        try:
            check_loads_or_explains(path)
        except BaseException:
            # keep the input for the regression fixtures before failing
            keep = folder / f"crash-{abs(hash(content)) % 10**8}{suffix}"
            keep.write_bytes(content)
            raise

    run()


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=os.environ.get("IMHGRAPH_FUZZ_RANDOM") is None)
@given(st.binary(max_size=512), st.sampled_from(sorted(SEEDS)))
def test_fuzz_random_bytes(content, suffix):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random{suffix}"
        path.write_bytes(content)
        check_loads_or_explains(path)


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=os.environ.get("IMHGRAPH_FUZZ_RANDOM") is None)
@given(st.text(max_size=300), st.sampled_from(sorted(SEEDS)))
def test_fuzz_random_text(text, suffix):
    """Text (valid UTF-8) goes further into the parsers than random bytes do."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"text{suffix}"
        path.write_text(text, encoding="utf-8")
        check_loads_or_explains(path)
