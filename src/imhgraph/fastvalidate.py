"""SHACL Core validation compiled to SPARQL, so that large graphs validate where they live.

pySHACL needs an rdflib ``Graph`` and walks it in Python: at a million triples, converting the
Oxigraph store to rdflib and validating takes minutes. The shapes of imhgraph use a small part
of SHACL Core, and each of those constraints is one SPARQL query that returns only the nodes
that break it. This module turns a shapes graph into such queries, runs them on the
:class:`~imhgraph.stores.Backend` (any engine: memory, on-disk store or endpoint) and returns
the same results pySHACL gives: the same focus nodes, paths, values, source shapes,
constraint components and severities (checked by ``tests/test_fastvalidate.py`` against
pySHACL on every shape fixture).

Supported (what ``ontology/shapes.ttl`` uses, and a little more): targets ``sh:targetClass``
(with ``rdfs:subClassOf*``), ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``
and implicit class targets; ``sh:property`` with a predicate, inverse or sequence path (of
predicates and inverse predicates); ``sh:node``; ``sh:equals`` on property shapes;
``sh:minCount``, ``sh:maxCount``, ``sh:nodeKind``, ``sh:class``, ``sh:datatype``, ``sh:in``,
``sh:hasValue``, ``sh:minInclusive``/``maxInclusive``/``minExclusive``/``maxExclusive``,
``sh:minLength``/``maxLength``; ``sh:severity``, ``sh:message``, ``sh:deactivated``.
Anything else (``sh:or``, ``sh:pattern``, ``sh:sparql``, other complex paths …) raises
:class:`Unsupported`, and :mod:`imhgraph.validate` then hands the whole job to pySHACL.

The queries are generated from the shapes (IRIs and literals of the shapes graph written in
N-Triples syntax), not from user input, which is why they are not ``.rq`` files.

Why one module: each SHACL Core constraint compiles to its query by the same few helpers
(paths, value sets, class closures); the constraints are sections of one compiler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from .exact import written_language
from .stores import Backend
from .values import is_true

#: sh: predicates that say something about how to validate; any other sh: predicate on a
#: shape is a constraint this module does not know, and makes it hand over to pySHACL.
_KNOWN = {
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH.property,
    SH.node, SH.minCount, SH.maxCount, SH.nodeKind, SH["class"], SH.datatype, SH["in"], SH.hasValue,
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength,
    SH.severity, SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.equals, SH.uniqueLang,
}
#: parameters SHACL allows at most once per shape.
_SINGLE = {
    SH.minCount, SH.maxCount, SH.nodeKind, SH.datatype, SH["in"], SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.uniqueLang, SH.path,
}
_NODE_KINDS = {
    SH.IRI: "isIRI(?v)",
    SH.Literal: "isLiteral(?v)",
    SH.BlankNode: "isBlank(?v)",
    SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))",
    SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
    SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
}
_RANGES = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}
_MAX_DEPTH = 8
_PREFIX = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)

#: A focus pattern: given a variable name (``?f1``), a SPARQL group that binds it to the
#: distinct focus nodes of a shape.
FocusPattern = Callable[[str], str]


class Unsupported(Exception):
    """The shapes use a feature this module does not compile; validate with pySHACL instead."""


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result, as pySHACL reports it (top-level results only)."""

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    component: URIRef
    severity: URIRef
    #: which constraint of the shape (its parameter: the class of an ``sh:class``, the language
    #: of ``sh:uniqueLang``, …): two constraints of one component failing on the same focus
    #: node and value are two results, the same constraint reached twice is one.
    constraint: Node | None = None


class Compiler:
    """Checks the shapes graph and runs its constraints on a backend."""

    def __init__(self, shapes: Graph, backend: Backend | None = None) -> None:
        self.shapes = shapes
        self.backend = backend
        self._counter = 0
        self._classes: dict[str, str] = {}
        #: the backend's record of literals written in another form than the store keeps
        #: (imhgraph.exact), and per property how they differ: "lexical" (same datatype and
        #: value, "02" for "2"), "datatype" ("5"^^xsd:int stored as xsd:integer, a language
        #: tag's case) or "several" (two written forms stored as one triple).
        self.overlay: Any = None
        self.rewritten: dict[str, set[str]] = {}

    def use_overlay(self, overlay: Any) -> None:
        """Validate the literals as written where *overlay* (``Backend.overlay``) has them:
        results name the written values, and a constraint whose answer could differ between
        the written and the stored form (sh:in, sh:hasValue, lengths, sh:node on such values,
        datatypes when the datatype was rewritten, counts when forms were merged) is not
        compiled (:class:`Unsupported`: pySHACL gets the data as written)."""
        if not overlay:
            return
        self.overlay = overlay
        for (_, predicate, stored), written in overlay.entries.items():
            kinds = self.rewritten.setdefault(predicate.value, set())
            if len(written) > 1:
                kinds.add("several")
            for form in written:
                if stored.language and written_language(form) is not None:
                    # a language tag's case: no constraint tells it apart (SHACL compares tags
                    # without case), only the values reported are given back as written
                    kinds.add("case")
                    continue
                same = form.datatype == stored.datatype and form.language == stored.language
                kinds.add("lexical" if same else "datatype")
        for obj in self.shapes.objects(None, SH.targetObjectsOf):
            if str(obj) in self.rewritten:
                raise Unsupported(f"literals written in a form the store rewrites, as focus nodes ({obj})")

    def _check_rewritten(self, shape: Node, path_node: Node) -> bool:
        """Whether the values of *path_node* include literals the store rewrote (and raise
        :class:`Unsupported` where that changes an answer)."""
        if not self.rewritten:
            return False
        g = self.shapes
        inverse = g.value(path_node, SH.inversePath) if isinstance(path_node, BNode) else None
        if inverse is not None and str(inverse) in self.rewritten:
            raise Unsupported(f"literals written in a form the store rewrites, as focus nodes ({inverse})")
        if isinstance(path_node, BNode) and inverse is None:
            # a sequence path: its values are the objects of its last step
            steps, todo, seen = set(), [path_node], set()
            while todo:
                node = todo.pop()
                if node in seen:
                    continue
                seen.add(node)
                for _, o in g.predicate_objects(node):
                    if isinstance(o, URIRef):
                        steps.add(str(o))
                    elif isinstance(o, BNode):
                        todo.append(o)
            if steps & set(self.rewritten):
                raise Unsupported(f"literals written in a form the store rewrites, on a path through {sorted(steps & set(self.rewritten))[0]}")
            return False
        kinds = self.rewritten.get(str(path_node)) if isinstance(path_node, URIRef) else None
        if not kinds:
            return False
        if kinds == {"case"}:
            return True
        lexical = (SH["in"], SH.hasValue, SH.minLength, SH.maxLength, SH.uniqueLang, SH.node, SH.equals)
        if any(g.value(shape, c) is not None for c in lexical):
            raise Unsupported(f"literals written in a form the store rewrites, on {path_node}")
        if "datatype" in kinds and g.value(shape, SH.datatype) is not None:
            raise Unsupported(f"literals written with a datatype the store rewrites, on {path_node}")
        if "several" in kinds and (g.value(shape, SH.minCount) is not None or g.value(shape, SH.maxCount) is not None):
            raise Unsupported(f"literals written in several forms the store keeps as one, on {path_node}")
        return True

    def _written(self, focus: Node, path_node: Node, value: Node | None) -> list[Node | None]:
        """The value(s) as written for the stored *value* of *focus* on *path_node*."""
        from .stores import from_rdflib, to_rdflib

        if not isinstance(value, Literal):
            return [value]
        forms = self.overlay.objects(from_rdflib(focus), from_rdflib(path_node), from_rdflib(value))
        return [to_rdflib(o) for o in forms]

    # -- reading the shapes ---------------------------------------------------------------

    def targeted(self) -> list[tuple[Node, FocusPattern]]:
        """Every active shape with targets, with the pattern of its focus nodes."""
        g = self.shapes
        found: dict[Node, list[str]] = {}
        for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            for shape in g.subjects(pred, None):
                found.setdefault(shape, [])
        for cls in (RDFS.Class, OWL.Class):
            for shape in g.subjects(RDF.type, cls):
                if (shape, RDF.type, SH.NodeShape) in g or (shape, RDF.type, SH.PropertyShape) in g:
                    found.setdefault(shape, [])
        result = []
        for shape in sorted(found, key=str):
            if self._deactivated(shape):
                continue
            result.append((shape, self._target_pattern(shape)))
        return result

    def _target_pattern(self, shape: Node) -> FocusPattern:
        g = self.shapes
        parts: list[Callable[[str], str]] = []
        classes = list(g.objects(shape, SH.targetClass))
        if isinstance(shape, URIRef) and any((shape, RDF.type, c) in g for c in (RDFS.Class, OWL.Class)):
            classes.append(shape)
        for cls in classes:
            term = _term(cls)
            parts.append(lambda v, term=term: f"{{ {self._instance_of(v, term)} }}")
        nodes = [_term(n) for n in g.objects(shape, SH.targetNode)]
        if nodes:
            parts.append(lambda v, nodes=nodes: f"{{ VALUES {v} {{ {' '.join(nodes)} }} }}")
        for pred in g.objects(shape, SH.targetSubjectsOf):
            term = _term(pred)
            parts.append(lambda v, term=term: f"{{ {v} {term} [] }}")
        for pred in g.objects(shape, SH.targetObjectsOf):
            term = _term(pred)
            parts.append(lambda v, term=term: f"{{ [] {term} {v} }}")

        def pattern(v: str) -> str:
            return f"{{ SELECT DISTINCT {v} WHERE {{ {' UNION '.join(p(v) for p in parts)} }} }}"

        return pattern

    def _instance_of(self, v: str, cls: str) -> str:
        """*v* is an instance of *cls* or of a subclass (``v rdf:type/rdfs:subClassOf* cls``),
        written as ``VALUES`` of the classes, looked up once on the backend: Virtuoso 7 answers
        a ``*`` or ``+`` path joined with other patterns wrongly (its MINUS keeps rows, a
        datatype FILTER drops them), and every engine answers this form alike, as fast."""
        classes = self._classes.get(cls)
        if classes is None:
            if self.backend is None:
                raise RuntimeError("the compiler needs a backend to look up subclasses")
            rows = self.backend.select(f"{_PREFIX}SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* {cls} }}").rows
            found = {_term(r[0]) for r in rows if isinstance(r[0], URIRef)} | {cls}
            classes = self._classes[cls] = " ".join(sorted(found))
        self._counter += 1
        return f"VALUES ?c{self._counter} {{ {classes} }} {v} rdf:type ?c{self._counter} ."

    def _deactivated(self, shape: Node) -> bool:
        return any(is_true(v) for v in self.shapes.objects(shape, SH.deactivated))

    def check(self, shape: Node, depth: int = 0) -> None:
        """Raise :class:`Unsupported` when *shape* (or a shape it uses) has an unknown constraint."""
        if depth > _MAX_DEPTH:
            raise Unsupported("shapes nested too deep (or recursive)")
        for pred, obj in self.shapes.predicate_objects(shape):
            if str(pred).startswith(str(SH)) and pred not in _KNOWN:
                raise Unsupported(f"constraint {pred} is not compiled")
            if pred == SH.uniqueLang and not isinstance(obj, Literal):
                raise Unsupported("sh:uniqueLang with a non-literal value")
            if pred in _SINGLE and len(list(self.shapes.objects(shape, pred))) > 1:
                # not well-formed SHACL: pySHACL refuses it, and so the whole run says so
                raise Unsupported(f"{pred} given twice on one shape")
            if pred == SH.datatype and obj in (RDFS.Literal, RDFS.Datatype):
                raise Unsupported("sh:datatype rdfs:Literal")
            if pred == SH.nodeKind and obj not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {obj}")
        path = self.shapes.value(shape, SH.path)
        if path is not None:
            self._path(path)
        for sub in self.shapes.objects(shape, SH.property):
            self.check(sub, depth + 1)
        for sub in self.shapes.objects(shape, SH.node):
            self.check(sub, depth + 1)

    def _path(self, path: Node, sequence_allowed: bool = True) -> str:
        if isinstance(path, URIRef):
            return _term(path)
        inverse = self.shapes.value(path, SH.inversePath)
        if isinstance(path, BNode) and isinstance(inverse, URIRef) and len(list(self.shapes.predicate_objects(path))) == 1:
            return "^" + _term(inverse)
        # a list node and nothing else: a node that is also an inverse path (W3C path-strange) is
        # not a well-formed SHACL path, and goes to pySHACL
        only_list = {p for p, _ in self.shapes.predicate_objects(path)} <= {RDF.first, RDF.rest}
        if sequence_allowed and isinstance(path, BNode) and (path, RDF.first, None) in self.shapes and only_list:
            # A sequence path ( p1 p2 … ) of predicates and inverse predicates: p1/p2/…
            steps = list(Collection(self.shapes, path))
            if len(steps) >= 2:
                return "/".join(self._path(step, sequence_allowed=False) for step in steps)
        raise Unsupported("complex property paths are not compiled")

    # -- running -----------------------------------------------------------------------------

    def _var(self) -> str:
        self._counter += 1
        return f"?f{self._counter}"

    def run(self, backend: Backend, shape: Node, focus: FocusPattern, depth: int = 0) -> set[Finding]:
        """Every result of validating the focus nodes of *focus* against *shape*."""
        if depth > _MAX_DEPTH:
            raise Unsupported("shapes nested too deep (or recursive)")
        if self._deactivated(shape):
            return set()
        g = self.shapes
        severity = g.value(shape, SH.severity) or SH.Violation
        path_node = g.value(shape, SH.path)
        found: set[Finding] = set()
        f = self._var()
        fp = focus(f)
        path = self._path(path_node) if path_node is not None else None
        rewritten = path_node is not None and self._check_rewritten(shape, path_node)

        def step(v: str) -> str:
            # The value nodes of the focus node bound to variable *v*: built from the terms,
            # never by replacing text (an IRI may contain "?v").
            return f"{f} {path} {v} ." if path is not None else f"BIND({f} AS {v})"

        values = f"{fp} {step('?v')}"

        def written(rows: Iterable[tuple[Node, Node | None]]) -> Iterator[tuple[Node, Node | None]]:
            for node, value in rows:
                if rewritten and value is not None:
                    for form in self._written(node, path_node, value):
                        yield node, form
                else:
                    yield node, value

        def add(
            rows: Iterable[tuple[Node, Node | None]], component: URIRef, constraint: Node | None = None, *, expand: bool = True
        ) -> None:
            for node, value in written(rows) if expand else rows:
                found.add(Finding(node, path_node, value, shape, component, severity, constraint))

        for n in g.objects(shape, SH.minCount):
            rows = backend.select(
                f"{_PREFIX}SELECT {f} WHERE {{ {fp} OPTIONAL {{ {f} {path} ?v }} }} "
                f"GROUP BY {f} HAVING (COUNT(DISTINCT ?v) < {int(n)})"
            ).rows
            add(((r[0], None) for r in rows), SH.MinCountConstraintComponent, n)
        for n in g.objects(shape, SH.maxCount):
            rows = backend.select(
                f"{_PREFIX}SELECT {f} WHERE {{ {values} }} GROUP BY {f} HAVING (COUNT(DISTINCT ?v) > {int(n)})"
            ).rows
            add(((r[0], None) for r in rows), SH.MaxCountConstraintComponent, n)
        for kind in g.objects(shape, SH.nodeKind):
            add(self._values(backend, f, values, f"FILTER(!{_NODE_KINDS[kind]})"), SH.NodeKindConstraintComponent, kind)
        for cls in g.objects(shape, SH["class"]):
            rows = backend.select(
                f"{_PREFIX}SELECT {f} ?v WHERE {{ {{ {values} }} MINUS {{ {self._instance_of('?v', _term(cls))} }} }}"
            ).rows
            add(rows, SH.ClassConstraintComponent, cls)
        for dtype in g.objects(shape, SH.datatype):
            d = _term(dtype)
            add(self._values(backend, f, values, f"FILTER(!isLiteral(?v) || DATATYPE(?v) != {d})"), SH.DatatypeConstraintComponent, dtype)
            # Literals of the right datatype can still be ill-formed ("yes"^^xsd:boolean): the
            # same test pySHACL makes, on the same rdflib terms it would see.
            candidates = self._values(backend, f, values, f"FILTER(isLiteral(?v) && DATATYPE(?v) = {d})")
            ill_formed = [(node, v) for node, v in written(candidates) if not _datatype_ok(v, dtype)]
            add(ill_formed, SH.DatatypeConstraintComponent, dtype, expand=False)
        for members in g.objects(shape, SH["in"]):
            allowed = list(Collection(g, members))
            # !sameTerm && … rather than !(sameTerm || …): Virtuoso 7 gets a disjunction of sameTerm wrong.
            test = " && ".join(f"!sameTerm(?v, {_term(m)})" for m in allowed) or "true"
            add(self._values(backend, f, values, f"FILTER({test})"), SH.InConstraintComponent, members)
        for value in g.objects(shape, SH.hasValue):
            rows = backend.select(
                f"{_PREFIX}SELECT {f} WHERE {{ {fp} FILTER NOT EXISTS {{ {step('?v')} FILTER(sameTerm(?v, {_term(value)})) }} }}"
            ).rows
            add(((r[0], None) for r in rows), SH.HasValueConstraintComponent, value)
        for pred, (op, component) in _RANGES.items():
            for bound in g.objects(shape, pred):
                add(self._values(backend, f, values, f"FILTER(!COALESCE(isLiteral(?v) && ?v {op} {_term(bound)}, false))"), component, bound)
        for pred, op, component in (
            (SH.minLength, "<", SH.MinLengthConstraintComponent),
            (SH.maxLength, ">", SH.MaxLengthConstraintComponent),
        ):
            for n in g.objects(shape, pred):
                add(self._values(backend, f, values, f"FILTER(isBlank(?v) || STRLEN(STR(?v)) {op} {int(n)})"), component, n)
        for other in g.objects(shape, SH.equals):
            if path is None or not isinstance(other, URIRef):
                raise Unsupported("sh:equals on a node shape")
            e = _term(other)
            # values of the path missing from the other property, then the other way round
            rows = backend.select(f"{_PREFIX}SELECT {f} ?v WHERE {{ {values} FILTER NOT EXISTS {{ {f} {e} ?v }} }}").rows
            add(((r[0], r[1]) for r in rows), SH.EqualsConstraintComponent, other)
            rows = backend.select(
                f"{_PREFIX}SELECT {f} ?v WHERE {{ {fp} {f} {e} ?v FILTER NOT EXISTS {{ {f} {path} ?v }} }}"
            ).rows
            add(((r[0], r[1]) for r in rows), SH.EqualsConstraintComponent, other)
        for flag in g.objects(shape, SH.uniqueLang):
            # Only "true"^^xsd:boolean as written switches it on ("1"^^xsd:boolean does not).
            if path is None or not (isinstance(flag, Literal) and flag.datatype == XSD.boolean and str(flag) == "true"):
                continue
            rows = backend.select(
                f"{_PREFIX}SELECT {f} ?lang WHERE {{ {values} FILTER(isLiteral(?v) && LANG(?v) != \"\") }} "
                f"GROUP BY {f} (LANG(?v) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)"
            ).rows
            for node, lang in rows:
                found.add(Finding(node, path_node, None, shape, SH.UniqueLangConstraintComponent, severity, lang))
        for sub in g.objects(shape, SH.node):
            add(self._node(backend, f, fp, step, sub, depth), SH.NodeConstraintComponent, sub)
        for sub in g.objects(shape, SH.property):
            if path_node is not None:
                raise Unsupported("sh:property on a property shape")
            found |= self.run(backend, sub, focus, depth + 1)
        return found

    def _values(self, backend: Backend, f: str, values: str, test: str) -> list[tuple[Node, Node]]:
        rows = backend.select(f"{_PREFIX}SELECT {f} ?v WHERE {{ {values} {test} }}").rows
        return [(r[0], r[1]) for r in rows]

    def _node(
        self, backend: Backend, f: str, fp: str, step: Callable[[str], str], sub: Node, depth: int
    ) -> list[tuple[Node, Node]]:
        """(focus, value) where the value node does not conform to node shape *sub*."""

        def value_nodes(v: str) -> str:
            # The distinct value nodes of the outer focus nodes become the focus nodes of *sub*.
            return f"{{ SELECT DISTINCT {v} WHERE {{ {fp} {step(v)} }} }}"

        failing = {finding.focus for finding in self.run(backend, sub, value_nodes, depth + 1)}
        if not failing:
            return []
        rows = backend.select(f"{_PREFIX}SELECT {f} ?v WHERE {{ {fp} {step('?v')} }}").rows
        return [(r[0], r[1]) for r in rows if r[1] in failing]


_IRI_FORBIDDEN = set('<>"{}|^`\\ ') | {chr(c) for c in range(0x21)}


def _term(node: Node) -> str:
    """A shapes-graph term in SPARQL syntax (by the grammar: an IRI the grammar cannot write
    as an IRIREF, or a literal Oxigraph would store in another form, is not compiled)."""
    if isinstance(node, URIRef):
        if any(c in _IRI_FORBIDDEN for c in str(node)):
            raise Unsupported(f"IRI {node!r} cannot be written in SPARQL")
        return f"<{node}>"
    if isinstance(node, Literal):
        from .exact import stored_forms
        from .stores import from_rdflib

        written = from_rdflib(node)
        if not node.language and stored_forms([written])[0] != written:
            raise Unsupported(f"literal {node.n3()} is not in the form the store keeps")
        return _literal(node)
    raise Unsupported(f"blank node {node} used as a constant in a shape")


def _literal(node: Literal) -> str:
    """A literal in SPARQL syntax, its lexical form escaped by the grammar (ECHAR / UCHAR)."""
    text = str(node)
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    quoted = '"' + "".join(out) + '"'
    if node.language:
        return f"{quoted}@{node.language}"
    if node.datatype is not None:
        return f"{quoted}^^{_term(node.datatype)}"
    return quoted


def _datatype_ok(value: Node, dtype: Node) -> bool:
    """pySHACL's test of a literal whose datatype is *dtype*: well-formed and of the right kind."""
    from datetime import date, datetime, time
    from decimal import Decimal

    if not isinstance(value, Literal):
        return False
    if getattr(value, "ill_typed", None) is True:
        return False
    v = value.value
    checks: dict[Node, Callable[[object], bool]] = {
        XSD.string: lambda x: isinstance(x, (str, bytes)),
        RDF.langString: lambda x: isinstance(x, (str, bytes)),
        XSD.integer: lambda x: isinstance(x, int),
        XSD.float: lambda x: isinstance(x, float),
        XSD.decimal: lambda x: isinstance(x, Decimal),
        XSD.boolean: lambda x: isinstance(x, bool),
        XSD.date: lambda x: isinstance(x, date),
        XSD.time: lambda x: isinstance(x, time),
        XSD.dateTime: lambda x: isinstance(x, datetime),
    }
    check = checks.get(dtype)
    return True if check is None else check(v)


def compile_check(shapes: Graph) -> list[tuple[Node, FocusPattern]]:
    """The targeted shapes of *shapes*, after checking every constraint is supported.

    :raises Unsupported: a constraint or path this module does not compile.
    """
    compiler = Compiler(shapes)
    targeted = compiler.targeted()
    for shape, _ in targeted:
        compiler.check(shape)
    return targeted


def validate_findings(backend: Backend, shapes: Graph) -> list[Finding]:
    """Every top-level SHACL result of validating *backend*'s graph against *shapes*, sorted.

    :raises Unsupported: the shapes need pySHACL.
    """
    compiler = Compiler(shapes, backend)
    targeted = compiler.targeted()
    for shape, _ in targeted:
        compiler.check(shape)
    compiler.use_overlay(getattr(backend, "overlay", None))
    found: set[Finding] = set()
    for shape, pattern in targeted:
        found |= compiler.run(backend, shape, pattern)
    return sorted(
        found, key=lambda x: tuple(str(p) for p in (x.focus, x.path, x.shape, x.component, x.value, x.constraint))
    )


def results_graph(findings: Iterable[Finding], shapes: Graph, *, conforms: bool) -> Graph:
    """A SHACL validation report graph of *findings*, as pySHACL builds one (without the
    nested ``sh:detail`` results of ``sh:node``)."""
    report = Graph()
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(conforms)))
    for finding in findings:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, finding.focus))
        if finding.path is not None:
            report.add((node, SH.resultPath, finding.path))
            if isinstance(finding.path, BNode):
                _copy_path(shapes, finding.path, report)
        if finding.value is not None:
            report.add((node, SH.value, finding.value))
        report.add((node, SH.sourceShape, finding.shape))
        report.add((node, SH.sourceConstraintComponent, finding.component))
        report.add((node, SH.resultSeverity, finding.severity))
        for message in shapes.objects(finding.shape, SH.message):
            report.add((node, SH.resultMessage, message))
    return report


def _copy_path(shapes: Graph, node: Node, report: Graph) -> None:
    """Copy the (blank-node) path *node* of *shapes* into *report*, list cells and inverse steps included."""
    for p, o in shapes.predicate_objects(node):
        report.add((node, p, o))
        if isinstance(o, BNode):
            _copy_path(shapes, o, report)
