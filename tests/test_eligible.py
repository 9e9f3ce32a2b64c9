"""``eligible`` on a fictional guild (tests/fixtures/coverage/eligibility.ttl), with the answers
worked out by hand: what is met, exactly what is missing, and what is unknown. The bundled
MI-AIMH categories and programs are checked by the persona panel (tests/test_personas.py)."""

from __future__ import annotations

import json

import pytest

from imhgraph.eligibility import eligible
from imhgraph.stores import memory_backend

from .conftest import FIXTURES

FIXTURE = FIXTURES / "coverage" / "eligibility.ttl"
CSW = "http://example.org/profession/clinical-social-worker"
BACHELOR = ("--education", "bachelor", "--years", "2.5", "--training-hours", "30", "--supervision-hours", "12", "--profession", "social-worker")


@pytest.fixture(scope="module")
def backend():
    return memory_backend([FIXTURE])


def statuses(result) -> dict[str, tuple[str, list[str]]]:
    return {a.iri.rsplit("/", 1)[1]: (a.status, a.missing) for a in result.credentials + result.programs}


def test_bachelor_with_some_supervision(backend) -> None:
    result = eligible(backend, "bachelor", years=2.5, training_hours=30, supervision_hours=12, profession="social-worker")
    assert statuses(result) == {
        # Associate's or more, or 2 years of work: the degree route is met; RS/C 0 = none
        "guild-associate": ("eligible", []),
        "guild-specialist": ("not_yet", ["needs 12 more hours of reflective supervision"]),
        "guild-mentor-clinical": (
            "not_yet",
            [
                "needs at least Master's degree (has Bachelor's degree)",
                "needs 0.5 more years of experience",
                "needs 38 more hours of reflective supervision",
            ],
        ),
        # the source does not state RS/C hours for the policy track: unknown, never met
        "guild-mentor-policy": (
            "not_yet",
            [
                "needs at least Master's degree (has Bachelor's degree)",
                "needs 0.5 more years of experience",
                "the data does not record the hours of reflective supervision required",
            ],
        ),
        "guild-certificate": ("unknown", ["the data records no entry requirements"]),
        "clinical-fellowship": ("not_yet", ["needs at least Master's degree (has Bachelor's degree)"]),
        "doula-course": ("unknown", ["the data does not record which professions it admits"]),
        "open-seminar": ("unknown", ["the data records no entry requirements"]),
    }
    # levels are the body's numbering, not a ladder: no next step is inferred from them
    assert result.progressions == ()
    mentor = result.assessment("https://w3id.org/imhgraph/credential/guild-mentor-clinical")
    assert (mentor.exam, mentor.level, mentor.track) == (True, 3, "https://w3id.org/imhgraph/ontology#ClinicalTrack")
    assert mentor.steps == ("an exam",)  # the exam is what the application asks, not a missing requirement


def test_facts_not_given_are_unknown_not_met(backend) -> None:
    result = eligible(backend, "cda")
    status, missing = statuses(result)["guild-associate"]
    assert status == "unknown"
    assert missing == [
        "needs 20 hours of training: give --training-hours",
        "one route still to check: 2 years of paid work instead of the education "
        "(needs 2 years of experience: give --years) or Associate's degree "
        "(needs at least Associate's degree (has Child Development Associate (CDA)))",
    ]
    assert statuses(result)["clinical-fellowship"][1][-1] == "admits Psychologist, Social worker: give --profession"


def test_alternative_years_replace_the_education(backend) -> None:
    short = eligible(backend, "cda", years=1, training_hours=40).assessment(
        "https://w3id.org/imhgraph/credential/guild-associate"
    )
    assert short.status == "not_yet"
    assert [(r.label, r.status) for r in short.routes] == [
        ("2 years of paid work instead of the education", "not_met"),
        ("Associate's degree", "not_met"),
    ]
    enough = eligible(backend, "cda", years=2, training_hours=40)
    associate = enough.assessment("https://w3id.org/imhgraph/credential/guild-associate")
    assert associate.status == "eligible"
    assert associate.checks[-1].message == "met by: 2 years of paid work instead of the education"


def test_no_degree_is_accepted(backend) -> None:
    result = eligible(backend, "none", years=3, training_hours=20)
    assert result.person.education is None and result.person.to_json()["education"] == "none"
    assert statuses(result)["guild-associate"] == ("eligible", [])  # by the work route
    assert statuses(result)["guild-specialist"][1][0] == "needs at least Bachelor's degree (has no degree or credential)"


def test_a_narrower_profession_is_admitted(backend) -> None:
    result = eligible(backend, "doctorate", years=5, training_hours=100, supervision_hours=60, profession=CSW)
    found = statuses(result)
    assert found["guild-mentor-clinical"] == ("eligible", [])  # master or doctorate: the lowest suffices
    assert found["guild-mentor-policy"][0] == "unknown"
    assert found["clinical-fellowship"] == ("eligible", [])  # clinical social worker ⊑ social worker


def test_profession_not_admitted(backend) -> None:
    result = eligible(backend, "master", years=1, profession="nurse")
    assert statuses(result)["clinical-fellowship"] == ("not_yet", ["admits only Psychologist, Social worker (not Nurse)"])


TEXT = (FIXTURES / "coverage" / "eligibility-bachelor.txt").read_text(encoding="utf-8")


def test_every_format(run) -> None:
    args = ("--data", FIXTURE, "eligible", *BACHELOR)
    table = run(*args)
    assert table.exit_code == 0, table.stderr
    assert table.stdout == TEXT
    assert "ladder" not in table.stdout.replace("not a ladder", "")
    assert run(*args, "--format", "csv").stdout.splitlines() == [
        "kind,id,label,status,missing",
        "credential,guild-associate,Guild Associate,eligible,",
        "credential,guild-specialist,Guild Specialist,not yet,needs 12 more hours of reflective supervision",
        "credential,guild-mentor-clinical,Guild Mentor – Clinical,not yet,needs at least Master's degree (has Bachelor's degree); needs 0.5 more years of experience; needs 38 more hours of reflective supervision",
        "credential,guild-mentor-policy,Guild Mentor – Policy,not yet,needs at least Master's degree (has Bachelor's degree); needs 0.5 more years of experience; the data does not record the hours of reflective supervision required",
        "credential,guild-certificate,Guild Certificate,unknown,the data records no entry requirements",
        "program,clinical-fellowship,Clinical Fellowship,not yet,needs at least Master's degree (has Bachelor's degree)",
        "program,doula-course,Doula Course,unknown,the data does not record which professions it admits",
        "program,open-seminar,Open Seminar,unknown,the data records no entry requirements",
    ]
    assert run(*args, "--format", "tsv").stdout.splitlines()[1] == "credential\tguild-associate\tGuild Associate\teligible\t"
    assert "| program | open-seminar | Open Seminar | unknown | the data records no entry requirements |" in run(*args, "--format", "markdown").stdout
    parsed = json.loads(run(*args, "--format", "json").stdout)
    assert list(parsed) == ["person", "credentials", "programs", "progressions"]
    assert parsed["person"] == {
        "education": "bachelor", "years": 2.5, "years_providing_supervision": None, "years_policy_leadership": None,
        "years_teaching_research": None, "internship_years": None, "families_served": None,
        "training_hours": 30.0, "supervision_hours": 12.0, "profession": "social-worker", "enrolled_at": None,
    }
    for item in parsed["credentials"] + parsed["programs"]:
        assert item["status"] in ("eligible", "not_yet", "unknown")
    specialist = next(c for c in parsed["credentials"] if c["id"] == "guild-specialist")
    assert specialist == {
        "id": "guild-specialist",
        "label": "Guild Specialist",
        "status": "not_yet",
        "missing": ["needs 12 more hours of reflective supervision"],
        "requirements": [
            {"requirement": "education", "required": "Bachelor's degree", "status": "met", "message": ""},
            {"requirement": "experience", "required": "2 years of experience", "status": "met", "message": ""},
            {"requirement": "training", "required": "30 hours of training", "status": "met", "message": ""},
            {"requirement": "supervision", "required": "24 hours of reflective supervision", "status": "not_met",
             "message": "needs 12 more hours of reflective supervision"},
        ],
        "routes": [],
        "application_steps": [],
        "code": None,
        "exam": False,
        "level": 2,
        "track": None,
        "awarded_by": ["guild"],
        "includes_criteria_of": [],
    }
    assert [p["id"] for p in parsed["programs"]] == ["clinical-fellowship", "doula-course", "open-seminar"]


@pytest.mark.parametrize(
    "args, message, suggestion",
    [
        (("--education", "mastrs"), "unknown education level 'mastrs'", "master"),
        (("--education", "master", "--profession", "social-workr"), "unknown profession 'social-workr'", "social-worker"),
    ],
)
def test_mistyped_ids_exit_2_with_suggestions(run, args, message, suggestion) -> None:
    result = run("--data", FIXTURE, "eligible", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Did you mean:" in result.stderr and suggestion in result.stderr


def test_negative_amounts_are_refused(run) -> None:
    result = run("--data", FIXTURE, "eligible", "--education", "master", "--years", "-1")
    assert result.exit_code == 2
    result = run("--data", FIXTURE, "eligible", "--education", "master", "--years-providing-supervision", "nan")
    assert result.exit_code == 2


def test_output_file(run, tmp_path) -> None:
    printed = run("--data", FIXTURE, "eligible", *BACHELOR).stdout
    target = tmp_path / "eligible.txt"
    assert run("--data", FIXTURE, "eligible", *BACHELOR, "--output", target).exit_code == 0
    assert target.read_text(encoding="utf-8") == printed == TEXT
