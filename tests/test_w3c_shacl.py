"""The W3C SHACL Core test suite (98 tests, ``tests/w3c-shacl-core``), on every way to validate.

* ``library``: :func:`imhgraph.validate.validate`, the function the CLI uses (the SPARQL fast
  path, handing over to pySHACL for what it does not compile exactly);
* ``fast``: the fast path alone; a test it hands over is skipped here (``library`` covers it),
  a test it accepts it must get exactly right;
* ``pyshacl``: the pySHACL fallback alone (``IMHGRAPH_VALIDATOR=pyshacl``), on the data exactly
  as written; pySHACL itself fails ``property/uniqueLang-002`` (it takes ``"1"^^xsd:boolean`` for
  ``true``), marked as an expected failure;
* ``cli``: ``imhgraph --data DATA validate --shapes SHAPES --format turtle``.

Each report is compared with the expected one: ``sh:conforms`` and the multiset of results
(focus node, path, constraint component, value, severity).
"""

from __future__ import annotations

import pytest

from imhgraph.fastvalidate import Unsupported, results_graph, validate_findings
from imhgraph.stores import memory_backend
from imhgraph.validate import load_shapes, validate

from .w3c import describe, parse, reduce_report, same_report, tests

ALL = tests()
PYSHACL_FAILS = {"property/uniqueLang-002"}


def test_the_whole_core_suite_is_there() -> None:
    assert len(ALL) == 98
    assert len({t.name for t in ALL}) == 98


def _check(test, actual_graph) -> None:
    actual = reduce_report(actual_graph)
    assert same_report(test.expected, actual), (
        f"{test.name}\nexpected:\n{describe(test.expected)}\nactual:\n{describe(actual)}"
    )


@pytest.mark.parametrize("test", ALL, ids=str)
def test_library(test) -> None:
    report = validate(memory_backend([test.data]), test.shapes)
    _check(test, report.results_graph)


@pytest.mark.parametrize("test", ALL, ids=str)
def test_fast_path(test) -> None:
    backend = memory_backend([test.data])
    shapes = load_shapes(test.shapes)
    try:
        findings = validate_findings(backend, shapes)
    except Unsupported as exc:
        pytest.skip(f"handed over to pySHACL: {exc}")
    _check(test, results_graph(findings, shapes, conforms=not findings))


@pytest.mark.parametrize(
    "test",
    [pytest.param(t, marks=pytest.mark.xfail(strict=True, reason="pySHACL's own answer")) if t.name in PYSHACL_FAILS else t for t in ALL],
    ids=str,
)
def test_pyshacl_fallback(test, monkeypatch) -> None:
    monkeypatch.setenv("IMHGRAPH_VALIDATOR", "pyshacl")
    report = validate(memory_backend([test.data]), test.shapes)
    _check(test, report.results_graph)


@pytest.mark.parametrize("test", ALL, ids=str)
def test_cli(test, run, tmp_path) -> None:
    result = run("--data", test.data, "validate", "--shapes", test.shapes, "--format", "turtle")
    assert result.exit_code in (0, 1), result.stderr
    assert result.stderr == ""  # no traceback, no rdflib warning about ill-typed literals
    out = tmp_path / "report.ttl"
    out.write_text(result.stdout, encoding="utf-8")
    _check(test, parse(out))
