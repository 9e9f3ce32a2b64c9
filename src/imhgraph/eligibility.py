"""Who may apply: the credentials and programs whose entry requirements a person meets,
what is missing for the others, and the next step up each credential ladder.

Requirements come from the data (``queries/internal/eligible-requirements.rq``):

==================  ===========================================  ==================
requirement         properties                                   checked on
==================  ===========================================  ==================
education           ``imh:requiresEducation`` (levels compared   credentials,
                    by ``imh:rank``; several levels: the lowest  programs
                    suffices), ``imh:alternativeMinYearsExperience``
                    (years of paid work that may replace it)
experience          ``imh:minYearsExperience``                   credentials, programs
training            ``imh:minTrainingHours``                     credentials
supervision         ``imh:minReflectiveSupervisionHours``        credentials
profession          ``imh:admitsProfession`` (a narrower         programs
                    profession of an admitted one is admitted)
==================  ===========================================  ==================

Each check is ``met``, ``not_met`` (with exactly what is missing, e.g. "needs 12 more hours
of reflective supervision") or ``unknown``. A requirement is unknown when the data does not
state it (the data writes 0 where a source says "none") or when the person did not give the
fact it needs; unknown is never counted as met. One reading is built in: a credential that
states ``imh:alternativeMinYearsExperience`` but no ``imh:minYearsExperience`` has no
separate experience requirement (its years are the alternative to the education).

A credential or program is ``eligible`` when every check is met, ``not_yet`` when one is not
met, else ``unknown``. ``imh:requiresExam`` is reported beside it: an exam comes after
applying, so it does not change the status.

Ladders: credentials with an ``imh:level``, grouped by awarding organization
(``imh:awardedBy``); credentials at the same level (tracks) are alternatives. The next step
is the lowest level above the highest level the person is eligible for.
"""

from __future__ import annotations

import math

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .ids import internal_query, label_of, members, resolve
from .namespaces import IMH, short_id
from .render import Table, cell_text
from .stores import Backend

STATUSES: tuple[str, ...] = ("eligible", "not_yet", "unknown")
_STATUS_WORDS = {"eligible": "eligible", "unknown": "unknown", "not_yet": "not yet"}
_CHECK_WORDS = {"met": "met", "not_met": "not met", "unknown": "unknown"}

_PROPS = {
    str(IMH[name]): name
    for name in (
        "requiresEducation",
        "minYearsExperience",
        "alternativeMinYearsExperience",
        "minTrainingHours",
        "minReflectiveSupervisionHours",
        "requiresExam",
        "admitsProfession",
        "level",
        "track",
        "awardedBy",
    )
}


@dataclass(frozen=True)
class Person:
    """What the person told us; None where they did not say."""

    education: str
    education_label: str
    years: float | None = None
    training_hours: float | None = None
    supervision_hours: float | None = None
    profession: str | None = None
    profession_label: str | None = None

    def describe(self) -> str:
        """One line, for the top of the report."""
        parts = [
            self.education_label,
            _given(self.years, "year", "of experience", "--years"),
            _given(self.training_hours, "hour", "of training", "--training-hours"),
            _given(self.supervision_hours, "hour", "of reflective supervision", "--supervision-hours"),
            f"profession: {self.profession_label}" if self.profession else "profession not given",
        ]
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """Stable keys, IDs as short IDs."""
        return {
            "education": short_id(self.education),
            "years": self.years,
            "training_hours": self.training_hours,
            "supervision_hours": self.supervision_hours,
            "profession": short_id(self.profession) if self.profession else None,
        }


@dataclass(frozen=True)
class Check:
    """One requirement against one person."""

    requirement: str
    #: the requirement in words ("Master's degree", "30 hours"), or "not recorded".
    required: str
    #: ``met``, ``not_met`` or ``unknown``.
    status: str
    #: what is missing or why it is unknown; a note (or empty) when met.
    message: str = ""


@dataclass(frozen=True)
class Assessment:
    """A credential or program against the person."""

    iri: str
    kind: str
    label: str
    checks: tuple[Check, ...]
    exam: bool | None = None
    level: int | None = None
    track: str | None = None
    awarded_by: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """``not_yet`` if a check is not met, else ``unknown`` if one is unknown, else ``eligible``."""
        states = {c.status for c in self.checks}
        if "not_met" in states:
            return "not_yet"
        if "unknown" in states:
            return "unknown"
        return "eligible"

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

    def to_json(self) -> dict[str, Any]:
        """Stable keys; ``exam``, ``level``, ``track``, ``awarded_by`` only for credentials."""
        out: dict[str, Any] = {
            "id": short_id(self.iri),
            "label": self.label,
            "status": self.status,
            "missing": self.missing,
            "requirements": [
                {"requirement": c.requirement, "required": c.required, "status": c.status, "message": c.message}
                for c in self.checks
            ],
        }
        if self.kind == "credential":
            out.update(
                exam=self.exam,
                level=self.level,
                track=short_id(self.track) if self.track else None,
                awarded_by=[short_id(o) for o in self.awarded_by],
            )
        return out


@dataclass(frozen=True)
class Ladder:
    """One awarding organization's ladder: where the person stands and the next step."""

    organization: str
    label: str
    reached_level: int | None
    reached: tuple[str, ...]
    next_level: int | None
    next: tuple[str, ...]
    #: the other credentials (tracks) at the reached level, not (yet) reached.
    other_tracks: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Stable keys, credential IDs as short IDs."""
        return {
            "organization": short_id(self.organization),
            "label": self.label,
            "reached": None
            if self.reached_level is None
            else {
                "level": self.reached_level,
                "credentials": [short_id(c) for c in self.reached],
                "other_tracks": [short_id(c) for c in self.other_tracks],
            },
            "next": None
            if self.next_level is None
            else {"level": self.next_level, "credentials": [short_id(c) for c in self.next]},
        }


@dataclass(frozen=True)
class Eligibility:
    """The whole answer of ``eligible``."""

    person: Person
    credentials: tuple[Assessment, ...]
    programs: tuple[Assessment, ...]
    ladders: tuple[Ladder, ...]
    _by_iri: dict[str, Assessment] = field(default_factory=dict, compare=False, repr=False)

    def assessment(self, iri: str) -> Assessment:
        """The assessment of one credential or program."""
        if not self._by_iri:
            self._by_iri.update({a.iri: a for a in self.credentials + self.programs})
        return self._by_iri[str(iri)]

    def to_json(self) -> dict[str, Any]:
        """``{"person", "credentials", "programs", "ladders"}``."""
        return {
            "person": self.person.to_json(),
            "credentials": [a.to_json() for a in self.credentials],
            "programs": [a.to_json() for a in self.programs],
            "ladders": [lad.to_json() for lad in self.ladders],
        }

    def table(self) -> Table:
        """One row per credential and program: kind, ID, label, status, what is missing."""
        rows = [
            [a.kind, short_id(a.iri), a.label, _STATUS_WORDS[a.status], "; ".join(a.missing)]
            for a in self.credentials + self.programs
        ]
        return Table(["kind", "id", "label", "status", "missing"], rows)

    def text(self) -> str:
        """Sections for a person: credentials, programs, next steps up each ladder."""
        lines = [f"You: {self.person.describe()}", ""]
        for title, items in (("Credentials", self.credentials), ("Programs", self.programs)):
            counts = {s: sum(a.status == s for a in items) for s in STATUSES}
            lines.append(
                f"{title}: {counts['eligible']} eligible, {counts['not_yet']} not yet, {counts['unknown']} unknown"
            )
            if not items:
                lines.append("  (none in the data)")
            silent = [a for a in items if not a.recorded]
            shown = [a for a in items if a.recorded]
            id_w = max((len(short_id(a.iri)) for a in shown), default=0)
            for a in shown:
                extra = ""
                if a.kind == "credential" and a.exam:
                    extra = " (then an exam)"
                lines.append(f"  {_STATUS_WORDS[a.status]:<8}  {short_id(a.iri).ljust(id_w)}  {a.label}{extra}")
                for message in a.missing:
                    lines.append(f"  {'':<8}  {'':<{id_w}}    - {message}")
            if silent:
                import textwrap

                lines += textwrap.wrap(
                    "no entry requirements recorded: " + ", ".join(short_id(a.iri) for a in silent),
                    width=100,
                    initial_indent="  unknown   ",
                    subsequent_indent=" " * 12,
                    break_on_hyphens=False,
                )
            lines.append("")
        lines.append("Next steps up each credential ladder:")
        if not self.ladders:
            lines.append("  (no credential in the data has a level)")
        for ladder in self.ladders:
            head = f"  {short_id(ladder.organization)} ({ladder.label}): "
            head += (
                f"eligible up to level {ladder.reached_level} ({', '.join(short_id(c) for c in ladder.reached)})"
                if ladder.reached_level is not None
                else "not yet eligible for any level"
            )
            lines.append(head)
            for iri in ladder.other_tracks:
                a = self.assessment(iri)
                lines.append(f"    other track at level {ladder.reached_level}: {short_id(iri)} ({_STATUS_WORDS[a.status]})")
            if ladder.next_level is None:
                lines.append("    top of the ladder reached")
                continue
            alternatives = " or ".join(short_id(c) for c in ladder.next)
            lines.append(f"    next, level {ladder.next_level}: {alternatives}")
            for iri in ladder.next:
                a = self.assessment(iri)
                for message in a.missing:
                    lines.append(f"      {short_id(iri)}: {message}")
                if not a.missing:
                    lines.append(f"      {short_id(iri)}: all entry requirements met")
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Computing
# ---------------------------------------------------------------------------


def eligible(
    backend: Backend,
    education: str,
    *,
    years: float | None = None,
    training_hours: float | None = None,
    supervision_hours: float | None = None,
    profession: str | None = None,
) -> Eligibility:
    """Assess every credential and program for a person with this *education* level (an ID
    as users type it) and, where given, years of experience, training and reflective
    supervision hours and profession.

    :raises UnknownIdError: *education* or *profession* names nothing of its kind.
    """
    level = str(resolve(backend, "education", education))
    prof = str(resolve(backend, "profession", profession)) if profession else None
    person = Person(
        level,
        label_of(backend, level),
        years,
        training_hours,
        supervision_hours,
        prof,
        label_of(backend, prof) if prof else None,
    )
    facts = _requirements(backend)
    ranks = _ranks(backend)
    broader = _broader(backend)

    credentials = [
        _assess(backend, str(iri), "credential", label, facts.get(str(iri), {}), person, ranks, broader)
        for iri, label in members(backend, "credential").items()
    ]
    programs = [
        _assess(backend, str(iri), "program", label, facts.get(str(iri), {}), person, ranks, broader)
        for iri, label in members(backend, "program").items()
    ]
    order = {s: i for i, s in enumerate(STATUSES)}
    credentials.sort(key=lambda a: (order[a.status], short_id(a.iri)))
    programs.sort(key=lambda a: (order[a.status], short_id(a.iri)))
    return Eligibility(person, tuple(credentials), tuple(programs), _ladders(backend, credentials))


def _requirements(backend: Backend) -> dict[str, dict[str, list[tuple[Any, Any]]]]:
    found: dict[str, dict[str, list[tuple[Any, Any]]]] = {}
    for entity, prop, value, rank in backend.select(internal_query("eligible-requirements")).rows:
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


def _assess(
    backend: Backend,
    iri: str,
    kind: str,
    label: str,
    facts: dict[str, list[tuple[Any, Any]]],
    person: Person,
    ranks: dict[str, float | None],
    broader: dict[str, set[str]],
) -> Assessment:
    alt = _strictest(facts.get("alternativeMinYearsExperience"))
    checks = [_education_check(backend, facts.get("requiresEducation", []), alt, person, ranks)]
    min_years = _strictest(facts.get("minYearsExperience"))
    if min_years is not None or alt is None:
        checks.append(
            _amount_check("experience", min_years, person.years, "year", "of experience", "--years")
        )
    if kind == "credential":
        checks.append(
            _amount_check(
                "training",
                _strictest(facts.get("minTrainingHours")),
                person.training_hours,
                "hour",
                "of training",
                "--training-hours",
            )
        )
        checks.append(
            _amount_check(
                "supervision",
                _strictest(facts.get("minReflectiveSupervisionHours")),
                person.supervision_hours,
                "hour",
                "of reflective supervision",
                "--supervision-hours",
            )
        )
    else:
        admitted = sorted({str(v) for v, _ in facts.get("admitsProfession", [])}, key=short_id)
        checks.append(_profession_check(backend, admitted, person, broader))
    exams = [str(v).lower() in ("true", "1") for v, _ in facts.get("requiresExam", [])]
    levels = [int(n) for n in (_number(v) for v, _ in facts.get("level", [])) if n is not None]
    tracks = sorted(str(v) for v, _ in facts.get("track", []))
    return Assessment(
        iri,
        kind,
        label,
        tuple(checks),
        exam=any(exams) if exams else None,
        level=min(levels) if levels else None,
        track=tracks[0] if tracks else None,
        awarded_by=tuple(sorted({str(v) for v, _ in facts.get("awardedBy", [])}, key=short_id)),
    )


def _education_check(
    backend: Backend,
    levels: list[tuple[Any, Any]],
    alt: float | None,
    person: Person,
    ranks: dict[str, float | None],
) -> Check:
    ranked = [(_number(rank), str(level)) for level, rank in levels if _number(rank) is not None]
    if not ranked:
        if levels:
            return Check("education", "level without a rank", "unknown", "the required education level has no rank")
        return Check("education", "not recorded", "unknown", "the data does not record the education required")
    rank, level = min(ranked)
    label = label_of(backend, level)
    alt_text = f", or {_qty(alt, 'year')} of paid work instead" if alt is not None else ""
    required = label + (f" (or {_qty(alt, 'year')} of paid work)" if alt is not None else "")
    mine = ranks.get(person.education)
    if mine is None:
        return Check("education", required, "unknown", f"{person.education_label} has no rank to compare with {label}")
    if mine >= rank:
        return Check("education", required, "met")
    if alt is not None:
        if person.years is None:
            return Check(
                "education",
                required,
                "unknown",
                f"needs at least {label} (has {person.education_label}){alt_text}: give --years",
            )
        if person.years >= alt:
            return Check("education", required, "met", f"met by {_qty(person.years, 'year')} of work instead")
        return Check(
            "education",
            required,
            "not_met",
            f"needs at least {label} (has {person.education_label}), or "
            f"{_qty(alt - person.years, 'more year')} of paid work instead",
        )
    return Check("education", required, "not_met", f"needs at least {label} (has {person.education_label})")


def _amount_check(
    requirement: str, needed: float | None, have: float | None, unit: str, what: str, option: str
) -> Check:
    if needed is None:
        return Check(requirement, "not recorded", "unknown", f"the data does not record the {unit}s {what} required")
    required = f"{_qty(needed, unit)} {what}"
    if needed <= 0:
        return Check(requirement, f"no {unit}s {what}" if needed == 0 else required, "met")
    if have is None:
        return Check(requirement, required, "unknown", f"needs {_qty(needed, unit)} {what}: give {option}")
    if have >= needed:
        return Check(requirement, required, "met")
    return Check(requirement, required, "not_met", f"needs {_qty(needed - have, 'more ' + unit)} {what}")


def _profession_check(backend: Backend, admitted: list[str], person: Person, broader: dict[str, set[str]]) -> Check:
    if not admitted:
        return Check("profession", "not recorded", "unknown", "the data does not record which professions it admits")
    names = ", ".join(label_of(backend, p) for p in admitted)
    required = f"one of: {names}"
    if person.profession is None:
        return Check("profession", required, "unknown", f"admits {names}: give --profession")
    mine = {person.profession} | _ancestors(person.profession, broader)
    if mine & set(admitted):
        return Check("profession", required, "met")
    return Check("profession", required, "not_met", f"admits only {names} (not {person.profession_label})")


def _ladders(backend: Backend, credentials: Iterable[Assessment]) -> tuple[Ladder, ...]:
    by_org: dict[str, list[Assessment]] = {}
    for a in credentials:
        if a.level is None:
            continue
        for org in a.awarded_by:
            by_org.setdefault(org, []).append(a)
    ladders = []
    for org in sorted(by_org, key=short_id):
        rungs = by_org[org]
        reached_level = max((a.level for a in rungs if a.status == "eligible" and a.level is not None), default=None)
        above = [a.level for a in rungs if a.level is not None and (reached_level is None or a.level > reached_level)]
        next_level = min(above, default=None)

        def at(level: int | None) -> tuple[str, ...]:
            if level is None:
                return ()
            chosen = [a.iri for a in rungs if a.level == level and (level != reached_level or a.status == "eligible")]
            return tuple(sorted(chosen, key=short_id))

        reached = at(reached_level)
        others = tuple(
            sorted((a.iri for a in rungs if a.level == reached_level and a.iri not in reached), key=short_id)
        ) if reached_level is not None else ()
        ladders.append(
            Ladder(org, label_of(backend, org), reached_level, reached, next_level, at(next_level), others)
        )
    return tuple(ladders)


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


def _qty(amount: float, unit: str) -> str:
    return f"{cell_text(float(amount))} {unit}{'' if amount == 1 else 's'}"


def _given(amount: float | None, unit: str, what: str, option: str) -> str:
    if amount is None:
        return f"{unit}s {what} not given ({option})"
    return f"{_qty(amount, unit)} {what}"
