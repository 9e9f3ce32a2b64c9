"""SHACL validation of the graph against ``ontology/shapes.ttl`` (or the user's shapes).

Results are turned into plain-language :class:`ValidationResult` rows: the focus
node's short ID and name, the property, the shape's own ``sh:message``, and the
severity. Exit codes follow pySHACL: 0 conforms, 1 violations (warnings count
only with ``fail_on="warning"``), 2 unusable input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from . import resources
from .namespaces import bind_all, show_term
from .blocks import Aligned, Blocks, Line, Row
from .render import Document, JsonList, Result, Serialised, Table, plural
from .stores import Backend, graph_from_files

SEVERITIES: dict[URIRef, str] = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_SEVERITY_ORDER = {"violation": 0, "warning": 1, "info": 2}
FAIL_ON = ("violation", "warning", "none")


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One SHACL result, in the words a program director reads."""

    severity: str
    focus: str
    label: str
    path: str
    message: str
    value: str
    shape: str


_FIELDS = tuple(f.name for f in fields(ValidationResult))


@dataclass(frozen=True)
class ValidationReport(Result):
    """All results of one validation run, sorted (violations first, then by focus node)."""

    results: tuple[ValidationResult, ...]
    #: builds the SHACL report graph; called only when it is asked for (``--format turtle``,
    #: tests): a graph of half a million results costs more than finding them.
    build_graph: Callable[[], Graph]

    @cached_property
    def results_graph(self) -> Graph:
        """The SHACL validation report graph (W3C vocabulary), built on first use."""
        return self.build_graph()

    @property
    def violations(self) -> int:
        """How many results are violations."""
        return sum(r.severity == "violation" for r in self.results)

    @property
    def warnings(self) -> int:
        """How many results are warnings."""
        return sum(r.severity == "warning" for r in self.results)

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings do not break conformance)."""
        return self.violations == 0

    def exit_code(self, fail_on: str = "violation") -> int:
        """0 or 1 by *fail_on*: ``violation`` (default), ``warning`` (warnings fail too) or ``none``."""
        if fail_on == "none":
            return 0
        if self.violations or (fail_on == "warning" and self.warnings):
            return 1
        return 0

    def to_json(self) -> dict[str, object]:
        """The report as a JSON-ready dict with stable keys."""
        return self.json_list().value()

    def json_list(self) -> JsonList:
        """:meth:`to_json`, written result by result (half a million results at 1M triples)."""
        return JsonList(
            {"conforms": self.conforms, "violations": self.violations, "warnings": self.warnings},
            "results",
            lambda: ({name: getattr(r, name) for name in _FIELDS} for r in self.results),
        )

    def document(self, fmt: str) -> Document | None:
        """``text`` (the default, for people: :meth:`blocks`) and ``turtle`` (the SHACL report
        graph, :meth:`turtle`)."""
        return self.blocks() if fmt == "text" else Serialised(self.turtle()) if fmt == "turtle" else None

    def table(self, fmt: str = "table") -> Table:
        """:meth:`to_table`."""
        return self.to_table()

    def to_table(self) -> Table:
        """The results as a table, with the counts as a closing note."""
        rows = [[r.severity.upper(), r.focus, r.label, r.path, r.message] for r in self.results]
        return Table(["severity", "id", "name", "property", "message"], rows, notes=[self.summary()])

    def summary(self) -> str:
        """One line: conforms or not, and the counts."""
        counts = f"{plural(self.violations, 'violation')}, {plural(self.warnings, 'warning')}"
        return ("The data conforms: " if self.conforms else "The data does not conform: ") + counts + "."

    def blocks(self) -> Blocks:
        """One line per result (its severity in a column as wide as the widest severity
        word), then the counts: the default ``validate`` output."""
        rows = []
        for r in self.results:
            name = f' "{r.label}"' if r.label and r.label != r.focus else ""
            where = f" [{r.path}]" if r.path else ""
            value = f" (value: {r.value})" if r.value else ""
            rows.append(Row((r.severity.upper(), f"{r.focus}{name}{where}: {r.message}{value}")))
        severity_w = max(len(word) for word in SEVERITIES.values())
        return Blocks((Aligned(tuple(rows), gaps=" ", least=(severity_w,), strip=False), Line(self.summary())))

    def turtle(self) -> str:
        """The SHACL validation report graph as canonical Turtle (written by Oxigraph, like
        ``export``: every literal as it is, an ill-formed ``"none"^^xsd:boolean`` included)."""
        from .export import to_turtle

        return to_turtle(self.results_graph)


def load_shapes(path: Path | None = None) -> Graph:
    """The shapes graph: *path* if given, else the bundled shapes."""
    return graph_from_files([path or resources.shapes_file()])


def validate_graph(data: Graph, shapes: Graph) -> ValidationReport:
    """Validate *data* (vocabulary included, so class targets follow rdfs:subClassOf) with pySHACL.

    :raises InputFileError: the shapes are not well-formed SHACL (pySHACL refuses them, e.g. two
        ``sh:maxLength`` on one shape).
    """
    import logging

    import pyshacl
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    from .errors import InputFileError

    logging.disable(logging.CRITICAL)  # pySHACL logs a refused shape with a traceback
    try:
        _conforms, results_graph, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            allow_warnings=True,
            advanced=False,
            meta_shacl=False,
            js=False,
        )
    except (ConstraintLoadError, ShapeLoadError, ReportableRuntimeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(
            f"the shapes are not well-formed SHACL: {first}",
            hint="See https://www.w3.org/TR/shacl/ for what each constraint allows; fix the shapes file.",
        ) from None
    finally:
        logging.disable(logging.NOTSET)
    _shacl_conformance(results_graph)
    return ValidationReport(_results(results_graph, lambda focus: _label(data, focus), shapes), lambda: results_graph)


def _shacl_conformance(results: Graph) -> None:
    """Set ``sh:conforms`` as SHACL defines it: true exactly when there is no result of any
    severity (pySHACL's ``allow_warnings`` lets warnings conform; the exit code has its own
    policy, ``--fail-on``)."""
    from rdflib import Literal

    for report in list(results.subjects(RDF.type, SH.ValidationReport)):
        results.set((report, SH.conforms, Literal(not any(results.objects(report, SH.result)))))


def validate(backend: Backend, shapes: Path | None = None) -> ValidationReport:
    """Validate the whole graph of *backend* against *shapes* (default: the bundled shapes).

    The shapes are compiled to SPARQL and run where the data lives (:mod:`imhgraph.fastvalidate`,
    same results as pySHACL, many times faster on large graphs); shapes using a feature it does
    not compile, or ``IMHGRAPH_VALIDATOR=pyshacl``, go to pySHACL on an rdflib copy instead.
    """
    import os

    shapes_graph = load_shapes(shapes)
    if os.environ.get("IMHGRAPH_VALIDATOR", "").lower() != "pyshacl":
        from .fastvalidate import Unsupported, validate_findings

        try:
            findings = validate_findings(backend, shapes_graph)
        except Unsupported:
            pass
        else:
            return _fast_report(backend, findings, shapes_graph)
    return validate_graph(backend.graph(), shapes_graph)


def _fast_report(backend: Backend, findings: list, shapes: Graph) -> ValidationReport:
    from .fastvalidate import results_graph
    from .ids import labels

    names = labels(backend)  # one query for every name, not one per focus node

    def label_for(focus: object) -> str:
        return names.get(str(focus), "") if isinstance(focus, URIRef) else ""

    # SHACL: a report conforms exactly when it has no result, warnings included.
    return ValidationReport(
        _rows_of_findings(findings, label_for, shapes),
        lambda: results_graph(findings, shapes, conforms=not findings),
    )


def _rows_of_findings(findings: Iterable, label_for: Callable[[object], str], shapes: Graph) -> tuple[ValidationResult, ...]:
    """The rows of the fast path's findings, read straight from them (what :func:`_results`
    reads back from their report graph, without building it)."""
    messages: dict[object, str] = {}
    paths: dict[object, str] = {}
    shown: dict[object, str] = {}  # a focus node has many results: show each term once

    def show(term: object) -> str:
        text = shown.get(term)
        if text is None:
            text = shown[term] = show_term(term)
        return text

    rows = set()
    for finding in findings:
        shape = finding.shape
        message = messages.get(shape)
        if message is None:
            message = messages[shape] = _message(shapes, shape)
        path = paths.get(finding.path)
        if path is None:
            path = paths[finding.path] = _show_path(shapes, finding.path)
        rows.add(
            ValidationResult(
                severity=SEVERITIES.get(finding.severity, "violation"),
                focus=show(finding.focus),
                label=label_for(finding.focus),
                path=path,
                message=message,
                value=show(finding.value) if finding.value is not None else "",
                shape=show(shape),
            )
        )
    return _sorted_rows(rows)


def _results(results: Graph, label_for: Callable[[object], str], shapes: Graph) -> tuple[ValidationResult, ...]:
    rows = set()
    # Only top-level results: pySHACL also types the nested sh:detail results of sh:node
    # constraints as ValidationResult, which would report one mistake two or three times.
    top_level = {r for report in results.subjects(RDF.type, SH.ValidationReport) for r in results.objects(report, SH.result)}
    for node in sorted(top_level, key=str):
        focus = results.value(node, SH.focusNode)
        path = results.value(node, SH.resultPath)
        value = results.value(node, SH.value)
        shape = results.value(node, SH.sourceShape)
        severity = SEVERITIES.get(results.value(node, SH.resultSeverity), "violation")
        message = _message(shapes, shape, results.objects(node, SH.resultMessage))
        rows.add(
            ValidationResult(
                severity=severity,
                focus=show_term(focus),
                label=label_for(focus),
                path=_show_path(results, path),
                message=message,
                value=show_term(value) if value is not None else "",
                shape=show_term(shape),
            )
        )
    return _sorted_rows(rows)


def _message(shapes: Graph, shape: object, reported: Iterable[object] = ()) -> str:
    """What a result says: the shape's own ``sh:message``, else the engine's, else a plain default."""
    own = sorted(str(m) for m in shapes.objects(shape, SH.message)) if shape is not None else []
    return (own or sorted(str(m) for m in reported) or ["does not meet the shape " + show_term(shape)])[0]


def _sorted_rows(rows: Iterable[ValidationResult]) -> tuple[ValidationResult, ...]:
    return tuple(sorted(rows, key=lambda r: (_SEVERITY_ORDER.get(r.severity, 9), r.focus, r.path, r.message, r.value)))


def _show_path(results: Graph, path: object) -> str:
    """A result path as it reads in a report: ``imh:covers``, ``^imh:hasCourse``, ``imh:coverage/imh:topic``."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return show_term(path)
    inverse = results.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return "^" + show_term(inverse)
    if (path, RDF.first, None) in results:
        from rdflib.collection import Collection

        steps = [_show_path(results, step) for step in Collection(results, path)]
        if steps and all(steps) and "(complex path)" not in steps:
            return "/".join(steps)
    return "(complex path)"


def _label(data: Graph, focus: object) -> str:
    from .ids import graph_label

    return graph_label(data, focus)
