"""``imhgraph search TEXT``: programs, credentials, topics, organizations and courses whose
names, synonyms, codes, descriptions or course titles match, ranked, with their IDs.

Every word of the search must be found (case and accents ignored, a word matching the start
of a word: "attach" finds "attachment"); a resource scores by where its words were found —
its name or code first, then synonyms, course titles and its organization, descriptions last.
The texts come from one query (``queries/internal/search-texts.rq``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .ids import KIND_NAMES
from .namespaces import IMH, short_id
from .render import Result, Table
from .sparql.named_queries import internal_query
from .stores import Backend

#: class → kind (as ``show`` and the IDs say it).
_KINDS = {
    str(IMH.TrainingProgram): "program",
    str(IMH.Credential): "credential",
    str(IMH.Topic): "topic",
    str(IMH.Organization): "org",
    str(IMH.Course): "course",
}

#: where a word was found → how much it counts.
WEIGHTS: dict[str, int] = {
    "label": 10,
    "code": 10,
    "name": 8,
    "synonym": 6,
    "course": 4,
    "organization": 3,
    "delivery": 3,
    "address": 3,
    "definition": 2,
    "description": 1,
}

_WORD = re.compile(r"[\w']+")


def fold(text: str) -> str:
    """*text* for matching: lower case, accents removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of *text* as :func:`fold` writes them."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class Hit:
    """One resource that matched: its kind, IRI, name, score and where its words were found."""

    kind: str
    iri: str
    label: str
    score: int
    matched: tuple[str, ...]


@dataclass(frozen=True)
class SearchResult(Result):
    """The ranked hits of one search."""

    text: str
    hits: tuple[Hit, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"query", "results": [{"kind", "id", "label", "score", "matched"}]}``."""
        return {
            "query": self.text,
            "results": [
                {"kind": h.kind, "id": short_id(h.iri), "label": h.label, "score": h.score, "matched": list(h.matched)}
                for h in self.hits
            ],
            "notes": list(self.notes),
        }

    def table(self, fmt: str = "table") -> Table:
        """One row per hit: kind, ID, name, where it matched."""
        rows = [[KIND_NAMES.get(h.kind, h.kind), short_id(h.iri), h.label, "; ".join(h.matched)] for h in self.hits]
        notes = list(self.notes)
        if self.hits:
            notes.append("See one with: imhgraph show ID")
        return Table(["kind", "id", "name", "matched in"], rows,
                     title=f"{len(self.hits)} match{'es' if len(self.hits) != 1 else ''} for {self.text!r}", notes=notes)


def search(
    backend: Backend,
    text: str,
    *,
    kind: str | None = None,
    state: str | None = None,
    delivery: str | None = None,
    organization: str | None = None,
    limit: int | None = None,
) -> SearchResult:
    """Resources whose texts hold every word of *text*, best first.

    :param kind: only ``program``, ``credential``, ``topic``, ``org`` or ``course``.
    :param state: only programs and organizations whose recorded address names it
        (``schema:address`` / ``schema:addressRegion``).
    :param delivery: only programs delivered this way (``online``, ``hybrid``, ``in person``).
    :param organization: only programs offered by this organization (as people type it).
    :param limit: at most this many hits.
    """
    from rdflib import URIRef

    wanted = words(text)
    texts: dict[str, dict[str, list[str]]] = {}
    kinds: dict[str, str] = {}
    for resource, cls, field_name, value in backend.select(internal_query("search-texts")).rows:
        iri = str(resource)
        kinds.setdefault(iri, _KINDS.get(str(cls), "program"))
        texts.setdefault(iri, {}).setdefault(str(field_name), []).append(str(value))
    offered: dict[str, set[str]] = {}
    org = ""
    if organization:
        from .ids import resolve

        org = str(resolve(backend, "org", organization))
        for (program,) in backend.select(internal_query("programs-of-organization"), {"org": URIRef(org)}).rows:
            offered.setdefault(org, set()).add(str(program))
    hits: list[Hit] = []
    for iri, fields in texts.items():
        if kind and kinds[iri] != kind:
            continue
        if delivery and not any(fold(delivery) == fold(v) for v in fields.get("delivery", [])):
            continue
        if state and not any(fold(state) in fold(v) for v in fields.get("address", [])):
            continue
        if organization and iri not in offered.get(org, set()):
            continue
        score, matched = _score(wanted, fields)
        if score:
            hits.append(Hit(kinds[iri], iri, min(fields.get("label", [short_id(iri)])), score, matched))
    hits.sort(key=lambda h: (-h.score, fold(h.label), short_id(h.iri)))
    notes: list[str] = []
    if state and not any(fields.get("address") for fields in texts.values()):
        notes.append("The data records no addresses, so no program or organization can match a state yet.")
    if limit is not None:
        hits = hits[:limit]
    return SearchResult(text, tuple(hits), tuple(notes))


def _score(wanted: list[str], fields: dict[str, list[str]]) -> tuple[int, tuple[str, ...]]:
    """The score of one resource (0: some word was found nowhere) and where words matched."""
    if not wanted:
        return 0, ()
    total = 0
    matched: list[str] = []
    field_words = {f: [words(v) for v in values] for f, values in fields.items()}
    for word in wanted:
        best = 0
        for field_name, texts in field_words.items():
            for n, found in enumerate(texts):
                if any(w == word or w.startswith(word) for w in found):
                    weight = WEIGHTS.get(field_name, 1) * (2 if word in found else 1)
                    if weight > best:
                        best = weight
                    where = _where(field_name, fields[field_name][n])
                    if where not in matched:
                        matched.append(where)
        if not best:
            return 0, ()
        total += best
    phrase = " ".join(wanted)
    if len(wanted) > 1 and any(phrase in " ".join(words(v)) for v in fields.get("label", [])):
        total += 10
    return total, tuple(matched[:3])


def _where(field_name: str, text: str) -> str:
    if field_name in ("label",):
        return "name"
    if field_name in ("description", "definition"):
        return field_name
    short = text if len(text) <= 60 else text[:57] + "…"
    return f"{field_name}: {short}"
