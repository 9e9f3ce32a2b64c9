"""Exact terms: every literal comes out as it was written, although Oxigraph rewrites some.

Oxigraph stores the *value* of a literal of the XSD types it knows, and gives back its canonical
form: ``"02"^^xsd:integer`` comes back as ``"2"``, ``"4.0"^^xsd:decimal`` as ``"4"``, ``"5"^^xsd:int``
as ``"5"^^xsd:integer``, ``"1"^^xsd:boolean`` as ``"true"``, a language tag ``en-US`` as ``en-us``;
two triples that differ only there become one. That is what makes its queries fast, and what
every query that compares values wants, so the default graph keeps Oxigraph's forms.

What was written is kept beside it, in the store itself: when a file is loaded, every literal the
store would rewrite (found by letting a scratch store canonicalise each distinct typed literal
once) is recorded in the named graph :data:`EXACT_GRAPH` as ``(subject, predicate, written)``,
the written literal encoded so that Oxigraph keeps it (its lexical form as a literal of the
datatype ``urn:imhgraph:exact:`` + the percent-encoded datatype, or ``urn:imhgraph:exact-lang:``
+ the tag). Where a stored triple ``(s, p, canonical)`` has such records, the records *are*
that triple's exact forms (one or several: ``"02"`` and ``"2"`` written for the same subject
and property are one stored triple and two records). Queries never see the named graph; the
:class:`Overlay` read from it turns stored triples back into the written ones for whatever
must show terms as written: exports, the rdflib graph given to pySHACL, reports and ``query``.

Data that Oxigraph stores as written (the common case: strings, IRIs, canonical numbers and
dates) has no records, and costs nothing but the check at load time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
import re
from urllib.parse import quote, unquote

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from .lexical import LEXICAL_SPACE
from .namespaces import XSD_STRING

#: the named graph holding the written forms of the literals Oxigraph rewrote.
EXACT_GRAPH = ox.NamedNode("https://w3id.org/imhgraph/store#exact")
_DT = "urn:imhgraph:exact:"
_LANG = "urn:imhgraph:exact-lang:"
_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SCRATCH_P = ox.NamedNode("urn:imhgraph:scratch:p")
#: the subject of a record that holds for every blank node (pushed to an endpoint, where the
#: blank nodes of the data and of the records are different nodes: see :func:`blank_records`).
ANY_BLANK_NODE = ox.NamedNode("urn:imhgraph:exact:any-blank-node")

Key = tuple[object, object, object]
_XSD_STRING_NODE = ox.NamedNode(XSD_STRING)


def may_be_rewritten(literal: ox.Literal) -> bool:
    """Whether Oxigraph might store *literal* differently from how it is written (a language
    tag's case is lost before: see :func:`written_languages`)."""
    return not literal.language and literal.datatype.value != XSD_STRING


# A language tag keeps its case nowhere in Oxigraph: its parsers and even ``ox.Literal`` lower
# it ("en-US" → "en-us"; RDF 1.1 allows that, the tag's value space is lower case). A literal
# written with capitals in its tag is held, wherever imhgraph must give it back as written, as a
# literal of the datatype ``urn:imhgraph:exact-lang:`` + the tag (:func:`lang_literal`), turned
# into ``"…"@en-US`` when it leaves: by :func:`imhgraph.stores.to_rdflib` and, in text Oxigraph
# serialised, by :func:`written_text`.


def lang_literal(value: str, tag: str) -> ox.Literal:
    """The literal *value* with the language *tag* as written (see above)."""
    if tag == tag.lower():
        return ox.Literal(value, language=tag)
    return ox.Literal(value, datatype=ox.NamedNode(_LANG + quote(tag, safe="")))


def written_language(literal: object) -> str | None:
    """The language tag as written of a :func:`lang_literal` holding capitals, else None."""
    if type(literal) is ox.Literal and not literal.language:
        datatype = literal.datatype.value
        if datatype.startswith(_LANG):
            return unquote(datatype[len(_LANG):])
    return None


_WRITTEN_LANG = re.compile(r'("(?:[^"\\\n]|\\.)*")(\^\^<' + re.escape(_LANG) + r'([^>]*)>)?')


def written_text(text: str) -> str:
    """N-Triples or Turtle that Oxigraph wrote, with each language tag as written (see above)."""
    if _LANG not in text:
        return text

    def tag(match: re.Match[str]) -> str:
        if match.group(2) is None:
            return match.group(0)
        return match.group(1) + "@" + unquote(match.group(3))

    return _WRITTEN_LANG.sub(tag, text)


_TAG_SPELLING = re.compile(
    rb"""(?:"@language"\s*:\s*"|xml:lang\s*=\s*["']|["']@)([A-Za-z]+(?:-[A-Za-z0-9]+)*)"""
)
# two quick searches (one literal first character each: fast on large files) before the scan
_CAPITAL_TAG = (re.compile(rb"@[a-z0-9-]*[A-Z]"), re.compile(rb"lang(?:uage)?[^A-Za-z]{0,12}[a-z0-9-]*[A-Z]"))


Spellings = dict[object, str]


def written_languages(content: bytes) -> Spellings:
    """The language tags *content* (an RDF file in any syntax) writes with capitals, as the
    :class:`Loader` wants them: lower-cased tag → its spelling, for a tag the file spells one way
    (``en-US`` throughout); for a tag it spells several ways, ``(text, lower-cased tag)`` →
    spelling, read from the quoted strings of Turtle, TriG, N-Triples or N-Quads, where one text
    has one spelling. Oxigraph's parser lowers every tag, so this is all that tells which literal
    had which spelling; a text written with two spellings of one tag, or a tag spelt several ways
    in JSON-LD or RDF/XML, comes back lower case."""
    if not any(quick.search(content) for quick in _CAPITAL_TAG):
        return {}
    spellings: dict[str, set[str]] = {}
    for match in _TAG_SPELLING.finditer(content):
        tag = match.group(1).decode("ascii")
        spellings.setdefault(tag.lower(), set()).add(tag)
    found: Spellings = {}
    mixed = set()
    for lower, tags in spellings.items():
        if len(tags) == 1:
            tag = next(iter(tags))
            if tag != lower:
                found[lower] = tag
        elif any(t != lower for t in tags):
            mixed.add(lower)
    if mixed:
        texts: dict[tuple[str, str], set[str]] = {}
        for match in _TAGGED_STRING.finditer(content):
            quoted = next(g for g in match.group(1, 2, 3, 4) if g is not None)
            tag = match.group(5).decode("ascii")
            if tag.lower() in mixed:
                text = _unescape(quoted.decode("utf-8", "replace"))
                texts.setdefault((text, tag.lower()), set()).add(tag)
        for key, tags in texts.items():
            if len(tags) == 1 and next(iter(tags)) != key[1]:
                found[key] = next(iter(tags))
    return found


# a quoted string of the Turtle family and the tag after it: long strings first, then short
_TAGGED_STRING = re.compile(
    rb'(?:"""((?:[^"\\]|\\.|"(?!""))*)"""@|\'\'\'((?:[^\'\\]|\\.|\'(?!\'\'))*)\'\'\'@'
    rb'|"((?:[^"\\\n\r]|\\.)*)"@|\'((?:[^\'\\\n\r]|\\.)*)\'@)'
    rb"([A-Za-z]+(?:-[A-Za-z0-9]+)*)",
    re.S,
)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        if code:
            return chr(int(code, 16))
        return _ECHAR.get(match.group(3), match.group(3))

    return _ESCAPE.sub(one, text)


def stored_forms(literals: list[ox.Literal]) -> list[ox.Literal]:
    """What Oxigraph stores for each of *literals* (in the same order)."""
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:imhgraph:scratch:{i}"), _SCRATCH_P, literal) for i, literal in enumerate(literals)
    )
    result: list[ox.Literal] = list(literals)
    for quad in scratch.quads_for_pattern(None, _SCRATCH_P, None, ox.DefaultGraph()):
        i = int(quad.subject.value.rsplit(":", 1)[1])
        tag = written_language(literals[i])
        result[i] = ox.Literal(literals[i].value, language=tag) if tag else quad.object
    return result


def encode(literal: ox.Literal) -> ox.Literal:
    """*literal* in a form Oxigraph stores as it is (for :data:`EXACT_GRAPH`)."""
    if literal.language:
        return ox.Literal(literal.value, datatype=ox.NamedNode(_LANG + quote(literal.language, safe="")))
    if literal.datatype.value.startswith(_LANG):
        return literal  # a language tag as written (lang_literal)
    return ox.Literal(literal.value, datatype=ox.NamedNode(_DT + quote(literal.datatype.value, safe="")))


def decode(literal: ox.Literal) -> ox.Literal | None:
    """The written literal that :func:`encode` gave *literal*; None if it is not one."""
    datatype = literal.datatype.value
    if datatype.startswith(_LANG):
        return lang_literal(literal.value, unquote(datatype[len(_LANG):]))
    if datatype.startswith(_DT):
        return ox.Literal(literal.value, datatype=ox.NamedNode(unquote(datatype[len(_DT):])))
    return None


class Loader:
    """Adds parsed quads to a store and records, for its default graph, the literals the store
    rewrote. Call :meth:`finish` once after the last :meth:`add` (the records are made over
    everything added, so ``"2"`` in one file and ``"02"`` in another are both kept)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._typed: list[ox.Quad] = []

    def add(self, quads: Iterable[ox.Quad], languages: Spellings | None = None) -> None:
        """Add *quads* to the store (watching the literals that may be rewritten).

        :param languages: the spellings of the language tags the source writes with capitals
            (:func:`written_languages`: the parser lowered them).
        """
        typed = self._typed
        default = ox.DefaultGraph()

        literal, plain = ox.Literal, _XSD_STRING_NODE

        def watched() -> Iterator[ox.Quad]:
            for quad in quads:
                obj = quad.object
                # Plain strings, the most common literals, are stored as written: one cheap
                # comparison of nodes lets them through (a million quads at 1M triples).
                if type(obj) is literal and obj.datatype != plain and quad.graph_name == default:
                    language = obj.language
                    if language:
                        if languages:
                            spelling = languages.get(language) or languages.get((obj.value, language))
                            if spelling:
                                written = lang_literal(obj.value, spelling)
                                typed.append(ox.Quad(quad.subject, quad.predicate, written, default))
                    elif obj.datatype.value.startswith(_LANG):
                        # a tag as written (lang_literal): stored as Oxigraph keeps it
                        typed.append(quad)
                        lowered = ox.Literal(obj.value, language=written_language(obj))
                        quad = ox.Quad(quad.subject, quad.predicate, lowered, default)
                    elif may_be_rewritten(obj):
                        typed.append(quad)
                yield quad

        self.store.extend(watched())

    def finish(self) -> int:
        """Record the rewritten literals in :data:`EXACT_GRAPH`; how many records were made."""
        typed, self._typed = self._typed, []
        if not typed:
            return 0
        distinct = list({q.object for q in typed})
        canonical = dict(zip(distinct, stored_forms(distinct)))
        rewritten = {
            (q.subject, q.predicate, canonical[q.object]) for q in typed if canonical[q.object] != q.object
        }
        if not rewritten:
            return 0
        records = {
            ox.Quad(q.subject, q.predicate, encode(q.object), EXACT_GRAPH)
            for q in typed
            if (q.subject, q.predicate, canonical[q.object]) in rewritten
        }
        self.store.extend(records)
        return len(records)


class Overlay:
    """The written forms of the literals a store rewrote: stored triple → exact objects."""

    def __init__(self, entries: dict[Key, tuple[ox.Literal, ...]] | None = None) -> None:
        self.entries: dict[Key, tuple[ox.Literal, ...]] = entries or {}
        self.predicates = {key[1] for key in self.entries}

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __len__(self) -> int:
        return sum(len(v) for v in self.entries.values())

    @classmethod
    def from_records(cls, records: Iterable[tuple[object, object, ox.Literal]]) -> Overlay:
        """The overlay of ``(subject, predicate, encoded literal)`` records."""
        written = [(s, p, decode(o)) for s, p, o in records]
        written = [(s, p, o) for s, p, o in written if o is not None]
        if not written:
            return cls()
        distinct = list({o for _, _, o in written})
        canonical = dict(zip(distinct, stored_forms(distinct)))
        entries: dict[Key, set[ox.Literal]] = {}
        for s, p, o in written:
            entries.setdefault((s, p, canonical[o]), set()).add(o)
        return cls({key: tuple(sorted(v, key=str)) for key, v in entries.items()})

    @classmethod
    def of_store(cls, store: ox.Store) -> Overlay:
        """The overlay recorded in *store*."""
        return cls.from_records(
            (q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, EXACT_GRAPH)
        )

    def objects(self, subject: object, predicate: object, obj: object) -> tuple[object, ...]:
        """The written objects of the stored triple (``(obj,)`` when nothing was rewritten)."""
        if type(obj) is ox.Literal and predicate in self.predicates:
            found = self.entries.get((subject, predicate, obj))
            if found:
                return found
            if type(subject) is ox.BlankNode:
                found = self.entries.get((ANY_BLANK_NODE, predicate, obj))
                if found:
                    return found
        return (obj,)

    def triples(self, triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        """*triples* (as stored) with every literal as written."""
        if not self.entries:
            yield from triples
            return
        for t in triples:
            objects = self.objects(t.subject, t.predicate, t.object)
            if len(objects) == 1 and objects[0] is t.object:
                yield t
            else:
                for o in objects:
                    yield ox.Triple(t.subject, t.predicate, o)

    def by_object(self) -> dict[ox.Literal, list[Key]]:
        """The stored literals that have written forms, each with its stored triples."""
        index = self.__dict__.get("_by_object")
        if index is None:
            index = {}
            for key in self.entries:
                index.setdefault(key[2], []).append(key)
            self.__dict__["_by_object"] = index
        return index

    def records(self) -> Iterator[ox.Quad]:
        """The records of this overlay, as quads of :data:`EXACT_GRAPH` (to copy a store)."""
        for (s, p, _), objects in self.entries.items():
            for o in objects:
                yield ox.Quad(s, p, encode(o), EXACT_GRAPH)


def blank_records(overlay: Overlay, stored_keys: object) -> tuple[list[ox.Triple], int]:
    """The records of *overlay* as triples to push to an endpoint, and how many written forms
    of literals of blank nodes cannot go with them.

    The data and its records are two uploads, and a blank node of one is not a blank node of
    the other on the server: a record about a blank node is pushed with the subject
    :data:`ANY_BLANK_NODE` instead, which holds for a property and stored value exactly when
    every blank node with that property and stored value wrote it the same way (*stored_keys*:
    ``Backend.stored_keys``, to count them). Where blank nodes wrote one value differently, the
    endpoint gives the stored form back."""
    out: list[ox.Triple] = []
    blank: dict[tuple[object, object], list[tuple[ox.Literal, ...]]] = {}
    for (s, p, stored), objects in overlay.entries.items():
        if type(s) is ox.BlankNode:
            blank.setdefault((p, stored), []).append(objects)
        else:
            out.extend(ox.Triple(s, p, encode(o)) for o in objects)
    lost = 0
    for (p, stored), forms in blank.items():
        subjects = [s for s, _ in stored_keys(None, p, stored) if type(s) is ox.BlankNode]  # type: ignore[operator]
        if len(set(forms)) == 1 and len(subjects) == len(forms):
            out.extend(ox.Triple(ANY_BLANK_NODE, p, encode(o)) for o in forms[0])
        else:
            lost += sum(len(f) for f in forms)
    return out, lost


# --- terms between Oxigraph and rdflib --------------------------------------------------------


def to_rdflib(term: Any) -> Any:
    """An Oxigraph term as the equal rdflib term (plain literals stay plain, not xsd:string)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        # normalize=False: the lexical form as it is ("2011-01-01"^^xsd:dateTime stays ill-formed
        # and visible as such, "02" stays "02"), never rdflib's rewriting of it.
        datatype = term.datatype.value
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        if datatype == XSD_STRING:
            return Literal(term.value, normalize=False)
        if datatype.startswith(_LANG):  # a language tag as written (imhgraph.exact)
            return Literal(term.value, lang=written_language(term), normalize=False)
        # A form rdflib reads although XSD's grammar does not ("2011-01-01"^^xsd:dateTime)
        # is marked ill-typed, so that every engine judges it so (imhgraph.exact).
        literal = Literal(term.value, datatype=URIRef(datatype), normalize=False)
        pattern = LEXICAL_SPACE.get(datatype)
        if pattern is not None and literal._ill_typed is False and pattern.fullmatch(term.value) is None:
            literal._ill_typed = True  # lexical.mark_ill_formed, inlined: this runs for every literal read
        return literal
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unsupported RDF term {term!r}")


def from_rdflib(term: Any) -> Any:
    """An rdflib term as the equal Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            # a tag with capitals, as written (Oxigraph would lower it; imhgraph.exact)
            return lang_literal(str(term), term.language)
        if term.datatype is not None and str(term.datatype) != _LANGSTRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"unsupported RDF term {term!r}")


def quiet_rdflib() -> None:
    """Keep rdflib from printing on stderr about literals that are not well-formed (a logged
    traceback for ``"abc"^^xsd:integer``, a warning for ``"none"^^xsd:boolean``): such a literal
    is data like any other, reported by ``validate`` as a violation with its value as written."""
    import logging
    import warnings

    class _IllTyped(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return not str(record.msg).startswith("Failed to convert Literal lexical form")

    logger = logging.getLogger("rdflib.term")
    if not any(isinstance(f, _IllTyped) or type(f).__name__ == "_IllTyped" for f in logger.filters):
        logger.addFilter(_IllTyped())
    warnings.filterwarnings("ignore", message="Parsing weird boolean", category=UserWarning)
    warnings.filterwarnings("ignore", message="Serializing weird numerical")


def records_graph_for(graph: str | None) -> str:
    """The named graph an endpoint keeps the records in, for data pushed to *graph* (None:
    the default graph)."""
    if graph is None:
        return EXACT_GRAPH.value
    return EXACT_GRAPH.value + "?graph=" + quote(graph, safe="")
