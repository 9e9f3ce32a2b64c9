"""Which exported documents a Credential Registry would refuse, and the facts they lack.

The rules are the Registry's required properties: the ``required`` lists of the Credential
Engine's JSON Schemas (``tests/fixtures/ctdl/schemas``) plus its minimum data policy for each
type (an organization's contact: email or address; a credential's status and language; a
learning opportunity's life-cycle status, language, owner or offerer and availability; a
framework's language and publisher). A fact counts only if the export wrote it, and the
export writes only what the data states, so every missing fact is one the sources have not
given (yet).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..blocks import Block, Blocks, Line
from ..render import Result
from .export import Document

#: A requirement: the label a reader sees, the properties of which one must be present, and
#: where imhgraph data states the fact.
Rule = tuple[str, tuple[str, ...], str]

_COMMON: tuple[Rule, ...] = (
    ("name", ("ceterms:name",), "rdfs:label"),
    ("description", ("ceterms:description",), "rdfs:comment or dcterms:description (without source markers)"),
    ("subjectWebpage", ("ceterms:subjectWebpage",), "schema:url (its own web page)"),
)
_LEARNING: tuple[Rule, ...] = _COMMON + (
    ("lifeCycleStatusType", ("ceterms:lifeCycleStatusType",), "ceterms:lifeCycleStatusType lifeCycle:Active (or another lifeCycle: status)"),
    ("inLanguage", ("ceterms:inLanguage",), "ceterms:inLanguage or dcterms:language (\"en\")"),
    ("ownedBy or offeredBy", ("ceterms:ownedBy", "ceterms:offeredBy"), "imh:offeredBy"),
    ("availability", ("ceterms:availableOnlineAt", "ceterms:availabilityListing", "ceterms:availableAt"),
     "ceterms:availableOnlineAt or ceterms:availabilityListing (a web address)"),
)
RULES: dict[str, tuple[Rule, ...]] = {
    "organization": _COMMON + (
        ("agentType", ("ceterms:agentType",), "ceterms:agentType orgType:… (for example orgType:FourYear, orgType:ProfessionalAssociation)"),
        ("agentSectorType", ("ceterms:agentSectorType",), "ceterms:agentSectorType agentSector:… (Public, PrivateNonProfit, PrivateForProfit)"),
        ("email or address", ("ceterms:email", "ceterms:address"), "schema:email or schema:address"),
    ),
    "credential": _COMMON + (
        ("credentialStatusType", ("ceterms:credentialStatusType",), "ceterms:credentialStatusType credentialStat:Active (or another status)"),
        ("inLanguage", ("ceterms:inLanguage",), "ceterms:inLanguage or dcterms:language (\"en\")"),
        ("ownedBy or offeredBy", ("ceterms:ownedBy", "ceterms:offeredBy"), "imh:awardedBy"),
    ),
    "learning program": _LEARNING,
    "course": _LEARNING,
    "competency framework": (
        ("name", ("ceasn:name",), "skos:prefLabel"),
        ("description", ("ceasn:description",), "skos:definition or dcterms:description"),
        ("inLanguage", ("ceasn:inLanguage",), "language-tagged labels or dcterms:language"),
        ("publisher", ("ceasn:publisher", "ceasn:creator"), "dcterms:publisher"),
    ),
    "competency": (
        ("competencyText", ("ceasn:competencyText",), "skos:prefLabel"),
        ("inLanguage", ("ceasn:inLanguage",), "language-tagged labels"),
        ("isPartOf", ("ceasn:isPartOf",), "skos:inScheme"),
    ),
}
#: Types the Registry does not publish as such (abstract classes): a subtype is required.
ABSTRACT_TYPES = {"ceterms:Degree": "a degree subtype (the degree's name states none: MA, MS, PhD …)",
                  "ceterms:Credential": "a credential subtype"}


@dataclass(frozen=True)
class Missing:
    """A resource the Registry would refuse, with what it lacks and where the data would say it."""

    kind: str
    iri: str
    label: str
    ctid: str
    facts: tuple[str, ...]
    hints: tuple[str, ...]


def _lacks(node: dict[str, Any], rules: tuple[Rule, ...]) -> list[tuple[str, str]]:
    return [(label, hint) for label, props, hint in rules if not any(node.get(p) for p in props)]


def check(documents: list[Document]) -> list[Missing]:
    """The resources among *documents* that are not publishable, each with its missing facts
    (a framework's competencies are checked with their framework and reported under it)."""
    found: list[Missing] = []
    for doc in documents:
        nodes = doc.nodes()
        lacking = _lacks(nodes[0], RULES[doc.kind])
        abstract = ABSTRACT_TYPES.get(str(nodes[0].get("@type")))
        if abstract is not None:
            lacking.append(("@type", abstract))
        for competency in nodes[1:]:
            for label, hint in _lacks(competency, RULES["competency"]):
                lacking.append((f"{label} of competency {competency.get('@id')}", hint))
        if lacking:
            found.append(Missing(doc.kind, doc.iri, doc.label, doc.ctid,
                                 tuple(f for f, _ in lacking), tuple(h for _, h in lacking)))
    return found


@dataclass(frozen=True)
class CheckReport(Result):
    """``export --format ctdl --check``: of *total* documents, the ones a Registry would refuse."""

    total: int
    missing: tuple[Missing, ...]

    @property
    def exit_code(self) -> int:
        """1 when a document is not publishable, else 0."""
        return 1 if self.missing else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.total,
            "publishable": self.total - len(self.missing),
            "not_publishable": [asdict(m) for m in self.missing],
        }

    def document(self, fmt: str) -> Blocks | None:
        """Each refused resource with the facts it lacks and where the data would state them,
        then the counts (in every format but JSON)."""
        if fmt == "json":
            return None
        blocks: list[Block] = []
        for item in self.missing:
            blocks.append(Line(f"{item.kind} {item.label} <{item.iri}>"))
            blocks += [Line(f"missing {fact}: state it with {hint}", 2) for fact, hint in zip(item.facts, item.hints)]
        publishable = self.total - len(self.missing)
        blocks.append(Line(f"{publishable} of {self.total} documents publishable; {len(self.missing)} not publishable."))
        return Blocks(tuple(blocks))


def check_report(documents: list[Document]) -> CheckReport:
    """:func:`check` as a command's result."""
    return CheckReport(len(documents), tuple(check(documents)))


__all__ = ["ABSTRACT_TYPES", "CheckReport", "Missing", "RULES", "check", "check_report"]
