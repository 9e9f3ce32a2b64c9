"""Turning what users type into IRIs, and IRIs back into names.

Every command accepts, case-insensitively, a short ID (``erikson-imh-certificate``), a full IRI,
a ``prefix:local`` name, the label, or another name the data records: a synonym
(``skos:altLabel``), a code (``IMHS``) or an alternate name. Unknown IDs raise
:class:`~imhgraph.errors.UnknownIdError` with the closest matches; a name shared by several
resources raises :class:`~imhgraph.errors.AmbiguousIdError` with the candidates.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from .errors import AmbiguousIdError, UnknownIdError
from .namespaces import IMH, expand, short_id
from .sparql.named_queries import internal_query
from .stores import Backend

#: kind (as users say it) → the class whose members it names.
KIND_CLASSES: dict[str, URIRef] = {
    "org": IMH.Organization,
    "program": IMH.TrainingProgram,
    "credential": IMH.Credential,
    "topic": IMH.Topic,
    "profession": IMH.Profession,
    "education": IMH.EducationLevel,
    "course": IMH.Course,
    "route": IMH.EntryRoute,
}

#: how each kind is named in messages.
KIND_NAMES: dict[str, str] = {
    "org": "organization",
    "program": "program",
    "credential": "credential",
    "topic": "topic",
    "profession": "profession",
    "education": "education level",
    "course": "course",
    "route": "entry route",
}


def best_label(iri: str, pref: Sequence[Any] = (), other: Sequence[Any] = ()) -> str:
    """The one name to show for *iri*, the same in every command: a ``skos:prefLabel`` (*pref*)
    before an ``rdfs:label`` (*other*), English or untagged before other languages, the
    smallest text among equals (stable); the short ID where there is no name."""
    for group in (pref, other):
        english = [c for c in group if not getattr(c, "language", None) or str(c.language).lower().startswith("en")]
        if english or group:
            return min(str(c) for c in (english or group))
    return short_id(str(iri))


def graph_label(graph: Any, subject: Any) -> str:
    """The name :func:`best_label` gives *subject* from the labels in an rdflib *graph*, or ""
    where it has none (or is not an IRI)."""
    if not isinstance(subject, URIRef):
        return ""
    pref, other = list(graph.objects(subject, SKOS.prefLabel)), list(graph.objects(subject, RDFS.label))
    return best_label(subject, pref, other) if pref or other else ""


def _names(rows: Iterable[tuple[Any, ...]]) -> dict[str, str]:
    # rows of (resource, label, pref) → resource → best label
    pref: dict[str, list[Any]] = {}
    other: dict[str, list[Any]] = {}
    for resource, label, is_pref in rows:
        key = str(resource)
        pref.setdefault(key, [])
        other.setdefault(key, [])
        if label is not None:
            (pref if str(is_pref) == "true" else other)[key].append(label)
    return {key: best_label(key, pref[key], other[key]) for key in pref}


def members(backend: Backend, kind: str) -> dict[URIRef, str]:
    """Every resource of *kind* with its name (:func:`best_label`), sorted by ID."""
    key = f"members:{kind}"
    if key not in backend.memo:
        found = _names(backend.select(internal_query("members"), {"class": KIND_CLASSES[kind]}).rows)
        backend.memo[key] = {URIRef(iri): found[iri] for iri in sorted(found, key=short_id)}
    return backend.memo[key]


def resolve(backend: Backend, kind: str, given: str) -> URIRef:
    """The IRI of the resource of *kind* that *given* names, as people type it.

    Tried in order, case-insensitively: the short ID, the full IRI or ``prefix:local``, the
    label (``rdfs:label``/``skos:prefLabel``), then the other names: synonyms (``skos:altLabel``),
    codes (``imh:code``: ``IMHS``) and alternate names. Names are compared ignoring case,
    apostrophes, dots and hyphens ("masters", "master's" and "Master's" are one name).

    :param given: what the user typed.
    :raises AmbiguousIdError: the first tier that matches names several resources.
    :raises UnknownIdError: nothing of that kind matches; carries the closest IDs.
    """
    candidates = members(backend, kind)
    text = given.strip()
    by_id = {short_id(iri): iri for iri in candidates}
    if text in by_id:
        return by_id[text]
    full = expand(text)
    # Compare as text: making a URIRef of arbitrary input (spaces, '>') makes rdflib log a
    # "does not look like a valid URI" warning that a user would read as a second error.
    by_iri = {str(iri): iri for iri in candidates}
    if full in by_iri:
        return by_iri[full]
    folded = text.casefold()
    tiers: list[list[URIRef]] = [
        [iri for i, iri in by_id.items() if i.casefold() == folded],
        [iri for i, iri in by_iri.items() if i.casefold() == expand(folded).casefold() or i.casefold() == folded],
        [iri for iri, label in candidates.items() if label.casefold() == folded],
    ]
    wanted = normalise_name(text)
    names = _all_names(backend, kind)
    tiers.append(sorted({iri for iri, name in names if name == wanted and not name.startswith("~")}, key=short_id))
    tiers.append(sorted({iri for iri, name in names if name == "~" + wanted}, key=short_id))
    tiers.append([iri for iri in candidates if _local_name(iri).casefold() == folded])
    for found in tiers:
        unique = list(dict.fromkeys(found))
        if len(unique) == 1:
            return unique[0]
        if len(unique) > 1:
            raise AmbiguousIdError(
                KIND_NAMES[kind], given, [(short_id(iri), candidates[iri]) for iri in sorted(unique, key=short_id)]
            )
    raise UnknownIdError(KIND_NAMES[kind], given, suggest(candidates, text))


def might_name(backend: Backend, kind: str) -> Callable[[str], bool]:
    """A fast test that is False only where :func:`resolve` would find nothing of *kind*: for
    checking many names at once (a spreadsheet's columns), so that :func:`resolve` and its
    suggestions run only where they can matter. The same tiers, as sets built once."""
    key = f"might:{kind}"
    if key not in backend.memo:
        candidates = members(backend, kind)
        backend.memo[key] = (
            {short_id(iri).casefold() for iri in candidates} | {str(iri).casefold() for iri in candidates},
            {label.casefold() for label in candidates.values()} | {_local_name(iri).casefold() for iri in candidates},
            {name[1:] if name.startswith("~") else name for _, name in _all_names(backend, kind)},
        )
    ids, words, names = backend.memo[key]

    def might(given: str) -> bool:
        text = given.strip()
        folded = text.casefold()
        return (
            folded in ids or expand(text).casefold() in ids or expand(folded).casefold() in ids
            or folded in words or normalise_name(text) in names
        )

    return might


def normalise_name(text: str) -> str:
    """A name as compared when resolving: case-folded, without apostrophes and dots, hyphens,
    slashes and underscores as spaces, runs of spaces as one."""
    folded = text.casefold()
    for quote in ("'", "\u2019", "\u2018", "`", "."):
        folded = folded.replace(quote, "")
    for sep in ("-", "\u2013", "\u2014", "_", "/"):
        folded = folded.replace(sep, " ")
    return " ".join(folded.split())


def _all_names(backend: Backend, kind: str) -> list[tuple[URIRef, str]]:
    """(IRI, normalised name) for every label ("name") and other name ("~name") of *kind*."""
    key = f"names:{kind}"
    if key not in backend.memo:
        found: list[tuple[URIRef, str]] = []
        for resource, label, _pref in backend.select(internal_query("members"), {"class": KIND_CLASSES[kind]}).rows:
            if label is not None:
                found.append((URIRef(str(resource)), normalise_name(str(label))))
        for resource, alias in backend.select(internal_query("aliases"), {"class": KIND_CLASSES[kind]}).rows:
            found.append((URIRef(str(resource)), "~" + normalise_name(str(alias))))
        backend.memo[key] = found
    return backend.memo[key]


def resolve_many(backend: Backend, kind: str, given: list[str] | tuple[str, ...]) -> list[URIRef]:
    """:func:`resolve` for each of *given*, in order, without duplicates."""
    seen: dict[URIRef, None] = {}
    for text in given:
        seen[resolve(backend, kind, text)] = None
    return list(seen)


def suggest(candidates: dict[URIRef, str], text: str, n: int = 3) -> list[str]:
    """Up to *n* short IDs closest to *text*, by ID or by label."""
    ids = {short_id(iri): iri for iri in candidates}
    close = difflib.get_close_matches(text, list(ids), n=n, cutoff=0.5)
    labels = {label.casefold(): short_id(iri) for iri, label in candidates.items()}
    for label in difflib.get_close_matches(text.casefold(), list(labels), n=n, cutoff=0.5):
        if labels[label] not in close:
            close.append(labels[label])
    if not close:
        lowered = text.casefold()
        close = [i for i in ids if lowered and lowered in i.casefold()][:n]
    return close[:n]


def labels(backend: Backend) -> dict[str, str]:
    """IRI → name (:func:`best_label`) for every named resource."""
    if "labels" not in backend.memo:
        backend.memo["labels"] = _names(backend.select(internal_query("labels")).rows)
    return backend.memo["labels"]


def label_of(backend: Backend, iri: str) -> str:
    """The name of *iri*, or its short ID where it has none."""
    return labels(backend).get(str(iri), short_id(str(iri)))


def _local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
