"""Who may apply: the credentials and programs whose entry requirements a person meets, and
what is missing or unknown for the others. Never over-claims: a credential or program is
*eligible* only when every requirement is known and met.

Requirements come from the data (``queries/internal/eligible-requirements.rq``):

=========================  ===============================================  ==========================
requirement                property                                         the person states it with
=========================  ===============================================  ==========================
education                  ``imh:requiresEducation`` (by ``imh:rank``;      ``--education`` (``none``
                           several levels: the lowest suffices)             for no degree)
experience                 ``imh:minYearsExperience``                       ``--years``
providing supervision      ``imh:minYearsProvidingSupervision``             ``--years-providing-supervision``
policy leadership          ``imh:minYearsPolicyLeadership``                 ``--years-policy-leadership``
teaching or research       ``imh:minYearsTeachingResearch``                 ``--years-teaching-research``
graduate internship        ``imh:minYearsInternship``                       ``--internship-years``
families served            ``imh:minFamiliesServed``                        ``--families-served``
training                   ``imh:minTrainingHours``                         ``--training-hours``
reflective supervision     ``imh:minReflectiveSupervisionHours``            ``--supervision-hours``
enrolment                  ``imh:requiresEnrolmentAt``                      ``--enrolled-at``
profession (a rule)        ``imh:admitsProfession`` (narrower professions   ``--profession``
                           of an admitted one are admitted)
criteria of another        ``imh:includesCriteriaOf`` (every requirement    (the other's options)
credential                 of the other credential)
other                      ``imh:otherRequirement`` (words only: always
                           unknown)
=========================  ===============================================  ==========================

**Entry routes** (``imh:entryRoute``, CTDL's alternative ConditionProfiles): the requirements on
a route together suffice, and any one route does. Requirements stated on the resource itself
hold on every route. The older shorthand ``imh:alternativeMinYearsExperience`` is read as two
routes: the education, or that many years of paid work.

Each check is ``met``, ``not_met`` (with exactly what is missing) or ``unknown`` (the data does not
state it, or the person did not give the fact it needs). ``imh:audienceProfession`` is a
description of who trains there: shown, never a requirement. Application steps
(``imh:applicationStep``: reference ratings, code of ethics, membership, fee; and the exam,
``imh:requiresExam``) are listed as what the application will ask, never as unmet requirements.

No ladder is inferred from ``imh:level`` (the MI-AIMH categories are "not hierarchical"):
credentials stand side by side. The only next step reported is a progression a source defines
(``imh:includesCriteriaOf``: IMHM-C requires the IMHS criteria).

Why one module: the requirement rules (education, hours, years, profession, routes,
included criteria) are one rule engine whose checks refer to each other.
"""

from __future__ import annotations

import math

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .blocks import Aligned, Blank, Block, Blocks, Line, Paragraph, Row
from .ids import label_of, members, resolve
from .sparql.named_queries import internal_query
from .namespaces import IMH, short_id
from .render import Result, Table, cell_text
from .stores import Backend
from .values import is_true

STATUSES: tuple[str, ...] = ("eligible", "not_yet", "unknown")
_STATUS_WORDS = {"eligible": "eligible", "unknown": "unknown", "not_yet": "not yet"}
#: what ``--education none`` means.
NO_EDUCATION = "none"
_NO_EDUCATION_NAMES = {"none", "no degree", "no-degree", "no formal education", "nothing"}


@dataclass(frozen=True)
class Amount:
    """A requirement measured by a number that the person states with an option."""

    prop: str
    key: str
    requirement: str
    unit: str
    units: str
    what: str
    option: str


AMOUNTS: tuple[Amount, ...] = (
    Amount("minYearsExperience", "years", "experience", "year", "years", "of experience", "--years"),
    Amount(
        "minYearsProvidingSupervision", "years_providing_supervision", "providing supervision", "year", "years",
        "providing reflective supervision/consultation", "--years-providing-supervision",
    ),
    Amount(
        "minYearsPolicyLeadership", "years_policy_leadership", "policy leadership", "year", "years",
        "of policy or program-administration leadership", "--years-policy-leadership",
    ),
    Amount(
        "minYearsTeachingResearch", "years_teaching_research", "teaching or research", "year", "years",
        "of university teaching or published research", "--years-teaching-research",
    ),
    Amount(
        "minYearsInternship", "internship_years", "graduate internship", "year", "years",
        "of supervised graduate internship", "--internship-years",
    ),
    Amount("minFamiliesServed", "families_served", "families served", "family", "families", "served", "--families-served"),
    Amount("minTrainingHours", "training_hours", "training", "hour", "hours", "of training", "--training-hours"),
    Amount(
        "minReflectiveSupervisionHours", "supervision_hours", "supervision", "hour", "hours",
        "of reflective supervision", "--supervision-hours",
    ),
)
_AMOUNT_BY_PROP = {a.prop: a for a in AMOUNTS}
#: requirement kinds that count as "experience is stated" (so no "not recorded" check is added).
_EXPERIENCE_PROPS = (
    "minYearsExperience", "minYearsProvidingSupervision", "minYearsPolicyLeadership",
    "minYearsTeachingResearch", "minYearsInternship",
)

_PROPS = {
    str(IMH[name]): name
    for name in (
        "requiresEducation",
        "alternativeMinYearsExperience",
        "requiresExam",
        "admitsProfession",
        "audienceProfession",
        "level",
        "track",
        "awardedBy",
        "entryRoute",
        "includesCriteriaOf",
        "otherRequirement",
        "applicationStep",
        "requiresEnrolmentAt",
        "code",
        *(a.prop for a in AMOUNTS),
    )
}
#: application steps in the order the text lists them.
_STEP_ORDER = ("ReferenceRatings", "CodeOfEthics", "AssociationMembership", "ApplicationFee", "ExamStep")


@dataclass(frozen=True)
class Person:
    """What the person told us; None where they did not say."""

    #: the education level's IRI, or None for ``--education none``.
    education: str | None
    education_label: str
    amounts: Mapping[str, float | None] = field(default_factory=dict)
    profession: str | None = None
    profession_label: str | None = None
    enrolled_at: str | None = None
    enrolled_label: str | None = None

    def amount(self, key: str) -> float | None:
        """The number the person gave for *key* (``years``, ``training_hours`` …), or None."""
        return self.amounts.get(key)

    def describe(self) -> str:
        """One line, for the top of the text."""
        parts = [self.education_label]
        parts += [f"{_qty(self.amounts[a.key], a.unit, a.units)} {a.what}" for a in AMOUNTS if self.amounts.get(a.key) is not None]
        parts.append(f"profession: {self.profession_label}" if self.profession else "profession not given")
        if self.enrolled_at:
            parts.append(f"enrolled at {self.enrolled_label}")
        missing = [a.option for a in AMOUNTS if self.amounts.get(a.key) is None]
        if missing:
            parts.append("not given: " + ", ".join(missing))
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """Stable keys, IDs as short IDs."""
        out: dict[str, Any] = {"education": short_id(self.education) if self.education else NO_EDUCATION}
        out.update({a.key: self.amounts.get(a.key) for a in AMOUNTS})
        out["profession"] = short_id(self.profession) if self.profession else None
        out["enrolled_at"] = short_id(self.enrolled_at) if self.enrolled_at else None
        return out


@dataclass(frozen=True)
class Check:
    """One requirement against one person."""

    requirement: str
    #: the requirement in words ("Master's degree", "30 hours of training"), or "not recorded".
    required: str
    #: ``met``, ``not_met`` or ``unknown``.
    status: str
    #: what is missing or why it is unknown; a note (or empty) when met.
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"requirement": self.requirement, "required": self.required, "status": self.status, "message": self.message}


@dataclass(frozen=True)
class Route:
    """One entry route (alternative) against the person."""

    iri: str
    label: str
    checks: tuple[Check, ...]

    @property
    def status(self) -> str:
        """``met`` when every check is, ``not_met`` when one is not, else ``unknown``."""
        return _all_of(c.status for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": short_id(self.iri) if self.iri else None,
            "label": self.label,
            "status": self.status,
            "requirements": [c.to_json() for c in self.checks],
        }


@dataclass(frozen=True)
class Assessment:
    """A credential or program against the person."""

    iri: str
    kind: str
    label: str
    checks: tuple[Check, ...]
    routes: tuple[Route, ...] = ()
    #: what the application will ask (reference ratings, fee, exam …), in words.
    steps: tuple[str, ...] = ()
    exam: bool | None = None
    level: int | None = None
    track: str | None = None
    code: str | None = None
    awarded_by: tuple[str, ...] = ()
    #: credentials whose criteria this one includes (a progression a source defines).
    includes: tuple[str, ...] = ()
    #: professions named by a description of the trainees (never a requirement).
    audience: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """``not_yet`` if a check is not met, else ``unknown`` if one is unknown, else ``eligible``."""
        return {"met": "eligible", "not_met": "not_yet", "unknown": "unknown"}[_all_of(c.status for c in self.checks)]

    @property
    def recorded(self) -> bool:
        """False when the data records none of the entry requirements checked."""
        return any(c.required != "not recorded" for c in self.checks)

    @property
    def missing(self) -> list[str]:
        """The messages of the checks that are not met, then of those that are unknown (one
        message when the data records no entry requirement at all)."""
        if not self.recorded:
            return ["the data records no entry requirements"]
        return [c.message for c in self.checks if c.status == "not_met"] + [
            c.message for c in self.checks if c.status == "unknown"
        ]

    @property
    def requires(self) -> str:
        """Every recorded requirement in words, as one line."""
        words = [c.required for c in self.checks if c.required != "not recorded" and c.requirement != "route"]
        if self.routes:
            words.append(f"one of {len(self.routes)} routes")
        return "; ".join(words)

    def to_json(self) -> dict[str, Any]:
        """Stable keys; ``exam``, ``level``, ``track``, ``awarded_by`` … only for credentials."""
        out: dict[str, Any] = {
            "id": short_id(self.iri),
            "label": self.label,
            "status": self.status,
            "missing": self.missing,
            "requirements": [c.to_json() for c in self.checks],
            "routes": [r.to_json() for r in self.routes],
            "application_steps": list(self.steps),
        }
        if self.kind == "credential":
            out.update(
                code=self.code,
                exam=self.exam,
                level=self.level,
                track=short_id(self.track) if self.track else None,
                awarded_by=[short_id(o) for o in self.awarded_by],
                includes_criteria_of=[short_id(c) for c in self.includes],
            )
        else:
            out["audience"] = list(self.audience)
        return out


@dataclass(frozen=True)
class Progression:
    """A next step a source defines: *then* requires the criteria of *first*, plus its own."""

    first: str
    then: str

    def to_json(self) -> dict[str, Any]:
        return {"from": short_id(self.first), "to": short_id(self.then)}


@dataclass(frozen=True)
class Eligibility(Result):
    """The whole answer of ``eligible``."""

    person: Person
    credentials: tuple[Assessment, ...]
    programs: tuple[Assessment, ...]
    progressions: tuple[Progression, ...]
    _by_iri: dict[str, Assessment] = field(default_factory=dict, compare=False, repr=False)

    def assessment(self, iri: str) -> Assessment:
        """The assessment of one credential or program."""
        if not self._by_iri:
            self._by_iri.update({a.iri: a for a in self.credentials + self.programs})
        return self._by_iri[str(iri)]

    def to_json(self) -> dict[str, Any]:
        """``{"person", "credentials", "programs", "progressions"}``."""
        return {
            "person": self.person.to_json(),
            "credentials": [a.to_json() for a in self.credentials],
            "programs": [a.to_json() for a in self.programs],
            "progressions": [p.to_json() for p in self.progressions],
        }

    def table(self, fmt: str = "table") -> Table:
        """One row per credential and program: kind, ID, label, status, what is missing."""
        rows = [
            [a.kind, short_id(a.iri), a.label, _STATUS_WORDS[a.status], "; ".join(a.missing)]
            for a in self.credentials + self.programs
        ]
        return Table(["kind", "id", "label", "status", "missing"], rows)

    def document(self, fmt: str) -> Blocks | None:
        """For people (``table``): the person, credentials side by side (no ladder), programs,
        then the next steps sources define; the other formats are the table."""
        if fmt != "table":
            return None
        blocks: list[Block] = [Line(f"You: {self.person.describe()}"), Blank()]
        status_w = max(len(word) for word in _STATUS_WORDS.values())
        for title, items in (("Credentials", self.credentials), ("Programs", self.programs)):
            counts = {s: sum(a.status == s for a in items) for s in STATUSES}
            blocks.append(Line(
                f"{title}: {counts['eligible']} eligible, {counts['not_yet']} not yet, {counts['unknown']} unknown"
            ))
            if title == "Credentials" and any(a.level is not None for a in items):
                blocks.append(Line("(each on its own requirements: a level number is the body's name for a category, not a ladder)", 2))
            if not items:
                blocks.append(Line("(none in the data)", 2))
            silent = [a for a in items if not a.recorded]
            rows = []
            for a in (a for a in items if a.recorded):
                details = [f"requires: {a.requires}"]
                details += [f"route {_ROUTE_WORDS[route.status]}: {route.label}" for route in a.routes]
                details += [f"- {message}" for message in a.missing]
                if a.audience:
                    details.append(f"trainees described as (not a rule): {', '.join(a.audience)}")
                if a.steps:
                    details.append(f"the application will ask: {'; '.join(a.steps)}")
                name = a.label + (f" ({a.code})" if a.code else "")
                rows.append(Row((_STATUS_WORDS[a.status], short_id(a.iri), name), tuple(details)))
            blocks.append(Aligned(tuple(rows), indent=2, least=(status_w,), strip=False))
            if silent:
                blocks.append(Paragraph(
                    "no entry requirements recorded: " + ", ".join(short_id(a.iri) for a in silent),
                    measure=100, indent=2, label=_STATUS_WORDS["unknown"], hanging=2 + status_w + 2,
                ))
            blocks.append(Blank())
        blocks.append(Line("Next steps that a source defines:"))
        if not self.progressions:
            blocks.append(Line("(none in the data)", 2))
        for step in self.progressions:
            first, then = self.assessment(step.first), self.assessment(step.then)
            blocks.append(Line(
                f"{short_id(then.iri)} requires the {first.code or short_id(first.iri)} criteria plus its own: "
                f"you are {_STATUS_WORDS[first.status]} for {short_id(first.iri)}, "
                f"{_STATUS_WORDS[then.status]} for {short_id(then.iri)}", 2,
            ))
            for message in then.missing:
                blocks.append(Line(f"{short_id(then.iri)}: {message}", 4))
        return Blocks(tuple(blocks))


_ROUTE_WORDS = {"met": "met", "not_met": "not met", "unknown": "unknown"}


# ---------------------------------------------------------------------------
# Computing
# ---------------------------------------------------------------------------


def resolve_education(backend: Backend, given: str) -> str | None:
    """The IRI of the education level *given* names (IDs, labels, common names such as
    "masters" or "MSW"), or None for ``none`` (no degree or credential).

    :raises UnknownIdError: nothing matches.
    """
    if " ".join(given.strip().casefold().split()) in _NO_EDUCATION_NAMES:
        return None
    return str(resolve(backend, "education", given))


def eligible(
    backend: Backend,
    education: str,
    *,
    profession: str | None = None,
    enrolled_at: str | None = None,
    **amounts: float | None,
) -> Eligibility:
    """Assess every credential and program for a person with this *education* (as users type
    it; ``none`` for no degree), the amounts they state (keyword arguments named after
    :data:`AMOUNTS` keys: ``years``, ``training_hours``, ``supervision_hours``,
    ``years_providing_supervision`` …), their *profession* and the organization whose graduate
    program they are enrolled in (*enrolled_at*).

    :raises UnknownIdError: *education*, *profession* or *enrolled_at* names nothing of its kind.
    :raises TypeError: an amount keyword that is not a requirement kind.
    """
    unknown_keys = set(amounts) - {a.key for a in AMOUNTS}
    if unknown_keys:
        raise TypeError(f"unknown amounts: {sorted(unknown_keys)}")
    level = resolve_education(backend, education)
    prof = str(resolve(backend, "profession", profession)) if profession else None
    org = str(resolve(backend, "org", enrolled_at)) if enrolled_at else None
    person = Person(
        level,
        label_of(backend, level) if level else "no degree or credential",
        {a.key: amounts.get(a.key) for a in AMOUNTS},
        prof,
        label_of(backend, prof) if prof else None,
        org,
        label_of(backend, org) if org else None,
    )
    ctx = _Context(backend, person, _requirements(backend), _ranks(backend), _broader(backend))
    credentials = [ctx.assess(str(iri), "credential", label) for iri, label in members(backend, "credential").items()]
    programs = [ctx.assess(str(iri), "program", label) for iri, label in members(backend, "program").items()]
    order = {s: i for i, s in enumerate(STATUSES)}
    # Credentials side by side: by awarding body, then the body's own numbering, then ID.
    credentials.sort(
        key=lambda a: (
            short_id(a.awarded_by[0]) if a.awarded_by else "~",
            a.level if a.level is not None else math.inf,
            short_id(a.iri),
        )
    )
    programs.sort(key=lambda a: (order[a.status], short_id(a.iri)))
    known = {a.iri for a in credentials}
    progressions = tuple(
        sorted(
            (Progression(first, a.iri) for a in credentials for first in a.includes if first in known),
            key=lambda p: (short_id(p.first), short_id(p.then)),
        )
    )
    return Eligibility(person, tuple(credentials), tuple(programs), progressions)


Facts = dict[str, list[tuple[Any, Any]]]


@dataclass
class _Context:
    backend: Backend
    person: Person
    facts: dict[str, Facts]
    ranks: dict[str, float | None]
    broader: dict[str, set[str]]

    def assess(self, iri: str, kind: str, label: str, depth: int = 0) -> Assessment:
        facts = self.facts.get(iri, {})
        route_facts = [(str(r), self.facts.get(str(r), {})) for r, _ in facts.get("entryRoute", [])]
        direct = dict(facts)
        alt = _strictest(facts.get("alternativeMinYearsExperience"))
        if alt is not None and not route_facts and facts.get("requiresEducation"):
            # the older shorthand: the education, or that many years of paid work instead
            route_facts = [
                ("", {"requiresEducation": direct.pop("requiresEducation")}),
                ("#instead", {"minYearsExperience": [(alt, None)]}),
            ]
        stated = set(direct) | {p for _, f in route_facts for p in f}
        includes = sorted({str(v) for v, _ in facts.get("includesCriteriaOf", [])}, key=short_id)

        checks: list[Check] = []
        if "requiresEducation" in direct:
            checks.append(self.education(direct["requiresEducation"]))
        elif "requiresEducation" not in stated and not includes:
            checks.append(Check("education", "not recorded", "unknown", "the data does not record the education required"))
        if not (stated & set(_EXPERIENCE_PROPS)) and not includes and alt is None:
            if facts.get("alternativeMinYearsExperience"):
                checks.append(_unreadable("experience", "years of experience (instead of the education)",
                                          facts["alternativeMinYearsExperience"]))
            else:
                checks.append(
                    Check("experience", "not recorded", "unknown", "the data does not record the years of experience required")
                )
        for amount in AMOUNTS:
            if amount.prop in direct:
                checks.append(self.amount(amount, direct[amount.prop]))
            elif kind == "credential" and amount.key in ("training_hours", "supervision_hours") and not includes:
                checks.append(
                    Check(amount.requirement, "not recorded", "unknown",
                          f"the data does not record the {amount.units} {amount.what} required")
                )
        for org, _ in direct.get("requiresEnrolmentAt", []):
            checks.append(self.enrolment(str(org)))
        if kind == "program":
            checks.append(self.profession(sorted({str(v) for v, _ in facts.get("admitsProfession", [])}, key=short_id)))
        for text in sorted(str(v) for v, _ in direct.get("otherRequirement", [])):
            checks.append(
                Check("other", text, "unknown", f"{text}: the source states it without a measure, so imhgraph cannot check it")
            )
        for other in includes:
            checks.append(self.criteria(other, depth))
        routes: tuple[Route, ...] = ()
        if route_facts:
            routes = tuple(sorted((self.route(r, f) for r, f in route_facts), key=lambda r: (r.label, r.iri)))
            checks.append(_any_route(routes))

        exams = [is_true(v) for v, _ in facts.get("requiresExam", [])]
        steps = sorted({str(v) for v, _ in facts.get("applicationStep", [])}, key=_step_key)
        step_words = [label_of(self.backend, s) for s in steps]
        if any(exams):
            step_words.append("an exam")
        levels = [int(n) for n in (_number(v) for v, _ in facts.get("level", [])) if n is not None]
        tracks = sorted(str(v) for v, _ in facts.get("track", []))
        codes = sorted(str(v) for v, _ in facts.get("code", []))
        return Assessment(
            iri,
            kind,
            label,
            tuple(checks),
            routes=routes,
            steps=tuple(step_words),
            exam=any(exams) if exams else None,
            level=min(levels) if levels else None,
            track=tracks[0] if tracks else None,
            code=codes[0] if codes else None,
            awarded_by=tuple(sorted({str(v) for v, _ in facts.get("awardedBy", [])}, key=short_id)),
            includes=tuple(includes),
            audience=tuple(
                sorted(label_of(self.backend, str(v)) for v, _ in facts.get("audienceProfession", []))
            ),
        )

    def route(self, iri: str, facts: Facts) -> Route:
        checks: list[Check] = []
        if "requiresEducation" in facts:
            checks.append(self.education(facts["requiresEducation"]))
        for amount in AMOUNTS:
            if amount.prop in facts:
                checks.append(self.amount(amount, facts[amount.prop]))
        for org, _ in facts.get("requiresEnrolmentAt", []):
            checks.append(self.enrolment(str(org)))
        for text in sorted(str(v) for v, _ in facts.get("otherRequirement", [])):
            checks.append(Check("other", text, "unknown", f"{text}: stated without a measure, cannot be checked"))
        if not checks:
            checks.append(Check("route", "not recorded", "unknown", "the data records no requirement on this route"))
        if iri.startswith("#"):  # a route read from the older shorthand
            years = _strictest(facts["minYearsExperience"]) or 0.0
            iri, label = "", f"{_qty(years, 'year', 'years')} of paid work instead of the education"
        else:
            label = label_of(self.backend, iri) if iri else "; ".join(c.required for c in checks)
        return Route(iri, label, tuple(checks))

    def education(self, levels: list[tuple[Any, Any]]) -> Check:
        ranked = [(_number(rank), str(level)) for level, rank in levels if _number(rank) is not None]
        if not ranked:
            return Check("education", "level without a rank", "unknown", "the required education level has no rank")
        rank, level = min(ranked)
        label = label_of(self.backend, level)
        person = self.person
        mine = 0.0 if person.education is None else self.ranks.get(person.education)
        if mine is None:
            return Check("education", label, "unknown", f"{person.education_label} has no rank to compare with {label}")
        if mine >= rank:
            return Check("education", label, "met")
        return Check("education", label, "not_met", f"needs at least {label} (has {person.education_label})")

    def amount(self, amount: Amount, values: list[tuple[Any, Any]] | None) -> Check:
        needed = _strictest(values)
        if needed is None and values:
            return _unreadable(amount.requirement, f"{amount.units} {amount.what}", values)
        if needed is None:
            return Check(amount.requirement, "not recorded", "unknown",
                         f"the data does not record the {amount.units} {amount.what} required")
        required = f"{_qty(needed, amount.unit, amount.units)} {amount.what}"
        if needed <= 0:
            return Check(amount.requirement, f"no {amount.units} {amount.what}" if needed == 0 else required, "met")
        have = self.person.amount(amount.key)
        if have is None:
            return Check(amount.requirement, required, "unknown", f"needs {required}: give {amount.option}")
        if have >= needed:
            return Check(amount.requirement, required, "met")
        more = _qty(needed - have, "more " + amount.unit, "more " + amount.units)
        return Check(amount.requirement, required, "not_met", f"needs {more} {amount.what}")

    def enrolment(self, org: str) -> Check:
        name = label_of(self.backend, org)
        required = f"current enrolment in a graduate program of {name}"
        if self.person.enrolled_at is None:
            return Check("enrolment", required, "unknown", f"needs {required}: give --enrolled-at if you are enrolled")
        if self.person.enrolled_at == org:
            return Check("enrolment", required, "met")
        return Check("enrolment", required, "not_met", f"needs {required} (you gave {self.person.enrolled_label})")

    def profession(self, admitted: list[str]) -> Check:
        if not admitted:
            return Check("profession", "not recorded", "unknown", "the data does not record which professions it admits")
        names = ", ".join(label_of(self.backend, p) for p in admitted)
        required = f"one of: {names} (or a narrower profession)"
        person = self.person
        if person.profession is None:
            return Check("profession", required, "unknown", f"admits {names}: give --profession")
        mine = {person.profession} | _ancestors(person.profession, self.broader)
        if mine & set(admitted):
            return Check("profession", required, "met")
        # a broader profession, some of whose members are admitted (a social worker may be a
        # licensed clinical social worker): unknown, with the narrower professions named
        narrower = sorted(
            (
                child for child, parents in self.broader.items()
                if person.profession in _ancestors(child, self.broader)
                and ({child} | _ancestors(child, self.broader)) & set(admitted)
            ),
            key=short_id,
        )
        if narrower:
            kinds = ", ".join(label_of(self.backend, c) for c in narrower)
            return Check(
                "profession",
                required,
                "unknown",
                f"admits {names}; a {person.profession_label} may be one ({kinds}): give --profession "
                f"{', '.join(short_id(c) for c in narrower)} if that is you",
            )
        return Check("profession", required, "not_met", f"admits only {names} (not {person.profession_label})")

    def criteria(self, other: str, depth: int) -> Check:
        label = label_of(self.backend, other)
        if depth > 4:
            return Check("criteria", f"the criteria of {label}", "unknown", f"the criteria of {label} nest too deeply to check")
        inner = self.assess(other, "credential", label, depth + 1)
        code = inner.code or short_id(other)
        status = {"eligible": "met", "not_yet": "not_met", "unknown": "unknown"}[inner.status]
        message = "" if status == "met" else f"{code} criteria: " + "; ".join(inner.missing)
        return Check("criteria", f"the {code} criteria", status, message)


def _unreadable(requirement: str, what: str, values: list[tuple[Any, Any]]) -> Check:
    """A requirement the data records with no value that reads as a number (an ill-typed
    ``"two"^^xsd:integer``): recorded, but unknown — never "no requirement"."""
    shown = ", ".join(sorted({f'"{v}"' for v, _ in values}))
    return Check(
        requirement,
        f"unreadable {what} ({shown})",
        "unknown",
        f"the recorded {what} required ({shown}) is not a valid number, so this requirement is unknown",
    )


def _any_route(routes: tuple[Route, ...]) -> Check:
    """Alternatives: met if one route is, not met if none can be, else unknown."""
    required = "one of: " + " | ".join(r.label for r in routes)
    met = [r for r in routes if r.status == "met"]
    if met:
        return Check("route", required, "met", f"met by: {met[0].label}")
    parts = []
    for r in routes:
        needs = [c.message for c in r.checks if c.status != "met"]
        parts.append(f"{r.label} ({'; '.join(needs)})")
    if all(r.status == "not_met" for r in routes):
        return Check("route", required, "not_met", "no route met: " + " or ".join(parts))
    return Check("route", required, "unknown", "one route still to check: " + " or ".join(parts))


def _all_of(states: Any) -> str:
    found = set(states)
    if "not_met" in found:
        return "not_met"
    if "unknown" in found:
        return "unknown"
    return "met"


def _step_key(iri: str) -> tuple[int, str]:
    local = iri.rsplit("#", 1)[-1]
    return (_STEP_ORDER.index(local) if local in _STEP_ORDER else len(_STEP_ORDER), iri)


def _requirements(backend: Backend) -> dict[str, Facts]:
    found: dict[str, Facts] = {}
    for entity, prop, value, rank in backend.select_written(internal_query("eligible-requirements")).rows:
        name = _PROPS.get(str(prop))
        if name is not None:
            found.setdefault(str(entity), {}).setdefault(name, []).append((value, rank))
    return found


def _ranks(backend: Backend) -> dict[str, float | None]:
    ranks: dict[str, float | None] = {}
    for level, rank in backend.select(internal_query("eligible-education")).rows:
        number, known = _number(rank), ranks.get(str(level))
        # Several ranks for one level: the smallest, as on the requirement side (order-free).
        if str(level) not in ranks or (number is not None and (known is None or number < known)):
            ranks[str(level)] = number
    return ranks


def _broader(backend: Backend) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for child, parent in backend.select(internal_query("coverage-broader")).rows:
        edges.setdefault(str(child), set()).add(str(parent))
    return edges


def _ancestors(node: str, broader: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(broader.get(node, ()))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(broader.get(current, ()))
    return seen


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(str(value))
    except ValueError:
        return None
    # "NaN"^^xsd:double and "INF" are valid RDF, but no requirement can be met against them.
    return number if math.isfinite(number) else None


def _strictest(values: list[tuple[Any, Any]] | None) -> float | None:
    """The largest of several stated numbers (conflicting data: the demanding reading)."""
    numbers = [n for n in (_number(v) for v, _ in values or []) if n is not None]
    return max(numbers) if numbers else None


def _qty(amount: float, unit: str, units: str) -> str:
    return f"{cell_text(float(amount))} {unit if amount == 1 else units}"

