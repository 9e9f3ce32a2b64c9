"""A panel of personas against the bundled MI-AIMH Endorsement categories and the programs whose
entry rules the sources state, each expected answer worked out by hand from the sources.

Sources (numbers of ../shared/domain-facts.md, cited in data/mi-aimh.ttl and the program files):
  IFA   [S10, S6]  a CDA, an Associate's or any degree, OR 2 years of paid infant/early-childhood
                   work (either is enough); >= 30 training hours; RS/C none [S14]
  IFS   [S11]      Bachelor's or Master's; >= 2 years paid post-BA work; >= 10 families of 0-36 months;
                   >= 30 training hours; >= 24 RS/C hours [S14]
  IMHS  [S12, S3]  Master's or doctorate; 2 years post-graduate supervised work with infants and parents
                   (NYS also accepts a 1-year supervised graduate internship); >= 30 training hours;
                   >= 50 RS/C hours [S14]
  IMHM-C [S13]     the IMHS criteria + 3 years providing RS/C + leadership (no measure: never checkable,
                   so never "eligible"); >= 30 training; 50 RS/C
  IMHM-P [S13]     Master's+; 3 years policy/program-administration leadership; >= 30 training; RS/C
                   hours not stated by the sources (so never "eligible")
  IMHM-R/F [S13]   Master's+; 3 years university teaching and/or published research; >= 30 training;
                   RS/C hours not stated (so never "eligible")
  erikson-imh-certificate [S36]  admission: 3 years' experience, for licensed mental health clinicians,
                   credentialed EI providers, child development specialists, health professionals and
                   family support specialists (a rule over kinds of professionals: a narrower profession
                   is admitted); education not stated (so never "eligible")
  uw-imh-nursing-certificate [S49]  a graduate degree OR UW graduate enrollment; experience and
                   professions not stated (so never "eligible")
Reference ratings, Code of Ethics, membership [S10], fee [S22] and the exam [S7, S15] are steps of
the application, never counted as missing.
"""

from __future__ import annotations

import json

import pytest

from imhgraph.eligibility import AMOUNTS, eligible

E, N, U = "eligible", "not_yet", "unknown"
CATEGORIES = ("ifa", "ifs", "imhs", "imhm-clinical", "imhm-policy", "imhm-research-faculty")
PROGRAMS = ("erikson-imh-certificate", "uw-imh-nursing-certificate")

# name, what the persona states, expected status per category and program (in the order of
# CATEGORIES + PROGRAMS), why.
PANEL = [
    ("home visitor, no degree, 2 years",
     dict(education="none", years=2, training_hours=30),
     # IFA by the paid-work route [S10]; IFS needs a Bachelor's [S11]; IMHS/IMHM a Master's [S12, S13];
     # Erikson needs 3 years [S36]; UW: no graduate degree, enrolment not stated [S49]
     (E, N, N, N, N, N, N, U)),
    ("no degree, 1 year of paid work",
     dict(education="none", years=1, training_hours=30),
     # IFA: neither route (no CDA/degree, 1 < 2 years) [S10]
     (N, N, N, N, N, N, N, U)),
    ("CDA holder, training not stated",
     dict(education="CDA"),
     # IFA: the education route is met, the 30 training hours are not stated -> unknown [S10];
     # IMHM-P/R-F: Master's missing (a known failure beats the unknowns) [S13]
     (U, N, N, N, N, N, U, U)),
    ("CDA holder with 30 hours",
     dict(education="cda", training_hours=30),
     # IFA by the education route; years not needed [S10]
     (E, N, N, N, N, N, U, U)),
    ("bachelor, complete IFS file",
     dict(education="bachelor", years=2, families_served=10, training_hours=30, supervision_hours=24),
     # IFA: any degree [S10]; IFS: all five met [S11, S14]; IMHS needs a Master's [S12]; Erikson 2 < 3 years [S36]
     (E, E, N, N, N, N, N, U)),
    ("bachelor, families not stated",
     dict(education="bachelor", years=3, training_hours=30, supervision_hours=30),
     # IFS: the 10 families are a requirement of their own, not stated -> unknown [S11]
     (E, U, N, N, N, N, U, U)),
    ("bachelor, 5 families",
     dict(education="bachelor", years=3, families_served=5, training_hours=30, supervision_hours=30),
     # IFS: 5 < 10 families [S11]
     (E, N, N, N, N, N, U, U)),
    ("the issue's IMHM-C case: master, 3 years, 40 h, 60 h RS/C",
     dict(education="master", years=3, training_hours=40, supervision_hours=60),
     # IMHS met [S12, S14]; IMHM-C: years providing RS/C not stated, leadership unverifiable -> unknown,
     # never eligible [S13]; IMHM-P/R-F: their kind of years not stated, RS/C not stated [S13];
     # IFS: families not stated [S11]; Erikson: profession not stated [S36]
     (E, U, E, U, U, U, U, U)),
    ("social worker, master, 3 years",
     dict(education="masters", years=3, training_hours=40, supervision_hours=60, profession="social worker"),
     # Erikson: a social worker may be a licensed clinical social worker (a licensed mental health
     # clinician) -> unknown, never "not yet" [S36]
     (E, U, E, U, U, U, U, U)),
    ("licensed clinical social worker, MSW, 3 years",
     dict(education="MSW", years=3, training_hours=40, supervision_hours=60, profession="LCSW"),
     # Erikson: profession admitted (LCSW ⊑ licensed mental health clinician), 3 years met; education not
     # stated by the source -> unknown [S36]
     (E, U, E, U, U, U, U, U)),
    ("nurse, MSN, 3 years",
     dict(education="MSN", years=3, training_hours=40, supervision_hours=60, profession="nurse"),
     # Erikson: a nurse is a health professional [S36]; UW: a graduate degree, experience and
     # professions not stated [S49]
     (E, U, E, U, U, U, U, U)),
    ("psychologist, master, 2 years",
     dict(education="master", years=2, training_hours=30, supervision_hours=50, profession="psychologist"),
     # Erikson: psychologist admitted but 2 < 3 years [S36]; IMHS met [S12]
     (E, U, E, U, U, U, N, U)),
    ("experienced supervisor: IMHS criteria + 3 years providing RS/C",
     dict(education="master", years=5, training_hours=40, supervision_hours=60, years_providing_supervision=3),
     # IMHM-C: all measurable requirements met, leadership cannot be checked -> unknown [S13]
     (E, U, E, U, U, U, U, U)),
    ("supervisor with 1 year providing RS/C",
     dict(education="master", years=5, training_hours=40, supervision_hours=60, years_providing_supervision=1),
     # IMHM-C: 1 < 3 years providing RS/C [S13]
     (E, U, E, N, U, U, U, U)),
    ("New York graduate: 1-year supervised internship, no post-graduate work",
     dict(education="master", years=0, internship_years=1, training_hours=30, supervision_hours=50),
     # IMHS by the NYS internship route [S3]; IFA: any degree [S10]; IFS: 0 < 2 years [S11];
     # IMHM-C: IMHS criteria met, years providing RS/C not stated [S13]; Erikson 0 < 3 years [S36]
     (E, N, E, U, U, U, N, U)),
    ("policy leader with a doctorate",
     dict(education="doctorate", years_policy_leadership=4, training_hours=30),
     # IMHM-P: leadership years met, RS/C hours not stated by the sources -> unknown [S13];
     # IMHS: post-graduate work and RS/C not stated [S12]; IFA: any degree + 30 h [S10]
     (E, U, U, U, U, U, U, U)),
    ("researcher with 2 years of university teaching",
     dict(education="PhD", years_teaching_research=2, training_hours=30),
     # IMHM-R/F: 2 < 3 years of teaching/research [S13]
     (E, U, U, U, U, N, U, U)),
    ("bachelor enrolled in a graduate program elsewhere",
     dict(education="bachelor", enrolled_at="erikson-institute", years=3, profession="nurse"),
     # UW: no graduate degree and not enrolled at UW -> no route met [S49]; Erikson: a nurse with 3
     # years, education not stated [S36]
     (U, U, N, N, N, N, U, N)),
]


@pytest.fixture(scope="module")
def answers(bundled):
    return {name: eligible(bundled, **kwargs) for name, kwargs, _, in PANEL}


def test_panel_is_large_enough() -> None:
    assert len(PANEL) >= 15


@pytest.mark.parametrize("name, kwargs, expected", PANEL, ids=[p[0] for p in PANEL])
def test_persona(answers, name, kwargs, expected) -> None:
    result = answers[name]
    found = tuple(
        result.assessment(f"https://w3id.org/imhgraph/{kind}/{slug}").status
        for kind, slug in [("credential", c) for c in CATEGORIES] + [("program", p) for p in PROGRAMS]
    )
    assert dict(zip(CATEGORIES + PROGRAMS, found)) == dict(zip(CATEGORIES + PROGRAMS, expected))


@pytest.mark.parametrize("name, kwargs, expected", PANEL, ids=[p[0] for p in PANEL])
def test_no_one_is_eligible_on_a_fact_they_did_not_state(answers, name, kwargs, expected) -> None:
    by_requirement = {a.requirement: a.key for a in AMOUNTS}
    result = answers[name]
    for item in result.credentials + result.programs:
        if item.status != "eligible":
            continue
        assert all(c.status == "met" for c in item.checks), item.iri
        checks = list(item.checks) + [c for r in item.routes if r.status == "met" for c in r.checks]
        for check in checks:
            key = by_requirement.get(check.requirement)
            if key and not check.required.startswith("no "):
                assert kwargs.get(key) is not None, f"{name}: {item.iri} eligible on unstated {key}"


def test_imhm_clinical_names_what_is_left(answers) -> None:
    imhm = answers["the issue's IMHM-C case: master, 3 years, 40 h, 60 h RS/C"].assessment(
        "https://w3id.org/imhgraph/credential/imhm-clinical"
    )
    assert imhm.missing == [
        "needs 3 years providing reflective supervision/consultation: give --years-providing-supervision",
        "leadership: the source states it without a measure, so imhgraph cannot check it",
    ]
    # the IMHS criteria are part of it, and met
    assert [c.status for c in imhm.checks if c.requirement == "criteria"] == ["met"]


def test_application_steps_are_listed_not_missing(answers) -> None:
    imhs = answers["the issue's IMHM-C case: master, 3 years, 40 h, 60 h RS/C"].assessment(
        "https://w3id.org/imhgraph/credential/imhs"
    )
    assert imhs.status == "eligible" and imhs.missing == []
    assert imhs.steps == (
        "Reference ratings", "Signed Code of Ethics agreement", "Membership of an IMH association",
        "Application (processing) fee", "an exam",
    )


def test_professions_by_kind(answers) -> None:
    def profession_check(name):
        program = answers[name].assessment("https://w3id.org/imhgraph/program/erikson-imh-certificate")
        return next(c for c in program.checks if c.requirement == "profession")

    assert profession_check("licensed clinical social worker, MSW, 3 years").status == "met"
    assert profession_check("nurse, MSN, 3 years").status == "met"
    social = profession_check("social worker, master, 3 years")
    assert social.status == "unknown" and "clinical-social-worker" in social.message


def test_ucsf_trainee_disciplines_exclude_no_one(bundled) -> None:
    result = eligible(bundled, "master", years=3, profession="nurse")
    ucsf = result.assessment("https://w3id.org/imhgraph/program/ucsf-ipp-training")
    assert ucsf.status == "unknown"
    assert not any(c.status == "not_met" for c in ucsf.checks)
    assert "Social worker" in ucsf.audience


def test_categories_side_by_side_and_the_one_progression(run) -> None:
    out = run("eligible", "--education", "master", "--years", "3", "--training-hours", "40", "--supervision-hours", "60")
    assert out.exit_code == 0, out.stderr
    text = out.stdout
    assert "top of the ladder" not in text and "next, level" not in text and "eligible up to level" not in text
    assert "imhm-clinical requires the IMHS criteria plus its own: you are eligible for imhs, unknown for imhm-clinical" in text
    parsed = json.loads(run("eligible", "--education", "master", "--format", "json").stdout)
    assert parsed["progressions"] == [{"from": "imhs", "to": "imhm-clinical"}]
    for section in ("credentials", "programs"):
        assert parsed[section] and all(
            set(item) >= {"id", "status"} and item["status"] in ("eligible", "not_yet", "unknown")
            for item in parsed[section]
        )


@pytest.mark.parametrize(
    "option, value, expected",
    [
        ("--credential", "IMHS", "imhs"),
        ("--credential", "imhm-c", "imhm-clinical"),
        ("--credential", "Infant Mental Health Specialist", "imhs"),
        ("--credential", "https://w3id.org/imhgraph/credential/IMHS", "imhs"),
    ],
)
def test_gaps_accepts_codes_and_labels(run, option, value, expected) -> None:
    out = run("gaps", "ucsf-ipp-training", option, value, "--format", "json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["credential"] == expected


@pytest.mark.parametrize(
    "value, expected",
    [("attachment", "attachment-theory"), ("maternal mental health", "perinatal-mental-health"), ("Attachment-Theory", "attachment-theory")],
)
def test_topics_by_synonym(run, value, expected) -> None:
    out = run("coverage", "--topic", value, "--format", "json")
    assert out.exit_code == 0, out.stderr
    assert [t["id"] for t in json.loads(out.stdout)["topics"]] == [expected]


@pytest.mark.parametrize("value", ["masters", "master's", "Master’s", "MSW", "graduate degree"])
def test_education_common_names(run, value) -> None:
    out = run("eligible", "--education", value, "--format", "json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["person"]["education"] == "master"


def test_ambiguous_name_is_refused_with_candidates(run) -> None:
    from .conftest import FIXTURES

    out = run("--data", FIXTURES / "bad" / "ambiguous-names.ttl", "coverage", "--program", "IMH certificate")
    assert out.exit_code == 2
    assert "ambiguous program 'IMH certificate': it names 2 programs" in out.stderr
    assert "north-imh-certificate (North Infant Mental Health Certificate)" in out.stderr
    assert "north-imh-fellowship" in out.stderr
