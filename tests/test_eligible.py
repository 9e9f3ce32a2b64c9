"""``eligible`` on a fictional guild's ladder (tests/fixtures/coverage/eligibility.ttl), with
the answers worked out by hand: what is met, exactly what is missing, and what is unknown."""

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
        # Associate's or more: met by the degree; no separate experience rule; RS/C 0 = none
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
    [ladder] = result.ladders
    assert ladder.to_json() == {
        "organization": "guild",
        "label": "Example Guild",
        "reached": {"level": 1, "credentials": ["guild-associate"], "other_tracks": []},
        "next": {"level": 2, "credentials": ["guild-specialist"]},
    }
    mentor = result.assessment("https://w3id.org/imhgraph/credential/guild-mentor-clinical")
    assert (mentor.exam, mentor.level, mentor.track) == (True, 3, "https://w3id.org/imhgraph/ontology#ClinicalTrack")


def test_facts_not_given_are_unknown_not_met(backend) -> None:
    result = eligible(backend, "cda")
    assert statuses(result)["guild-associate"] == (
        "unknown",
        [
            "needs at least Associate's degree (has Child Development Associate (CDA)), or 2 years of paid work instead: give --years",
            "needs 20 hours of training: give --training-hours",
        ],
    )
    assert statuses(result)["clinical-fellowship"][1][-1] == "admits Psychologist, Social worker: give --profession"
    [ladder] = result.ladders
    assert (ladder.reached_level, ladder.next_level, ladder.next) == (
        None, 1, ("https://w3id.org/imhgraph/credential/guild-associate",)
    )


def test_alternative_years_replace_the_education(backend) -> None:
    short = statuses(eligible(backend, "cda", years=1, training_hours=40))["guild-associate"]
    assert short == (
        "not_yet",
        ["needs at least Associate's degree (has Child Development Associate (CDA)), or 1 more year of paid work instead"],
    )
    enough = eligible(backend, "cda", years=2, training_hours=40)
    associate = enough.assessment("https://w3id.org/imhgraph/credential/guild-associate")
    assert associate.status == "eligible"
    assert associate.checks[0].message == "met by 2 years of work instead"


def test_top_of_the_ladder_and_a_narrower_profession(backend) -> None:
    result = eligible(backend, "doctorate", years=5, training_hours=100, supervision_hours=60, profession=CSW)
    found = statuses(result)
    assert found["guild-mentor-clinical"] == ("eligible", [])  # master or doctorate: the lowest suffices
    assert found["guild-mentor-policy"][0] == "unknown"
    assert found["clinical-fellowship"] == ("eligible", [])  # clinical social worker ⊑ social worker
    [ladder] = result.ladders
    assert ladder.to_json()["reached"] == {
        "level": 3, "credentials": ["guild-mentor-clinical"], "other_tracks": ["guild-mentor-policy"]
    }
    assert ladder.next_level is None


def test_profession_not_admitted(backend) -> None:
    result = eligible(backend, "master", years=1, profession="nurse")
    assert statuses(result)["clinical-fellowship"] == ("not_yet", ["admits only Psychologist, Social worker (not Nurse)"])


TEXT = """\
You: Bachelor's degree; 2.5 years of experience; 30 hours of training; 12 hours of reflective supervision; profession: Social worker

Credentials: 1 eligible, 3 not yet, 1 unknown
  eligible  guild-associate        Guild Associate
  not yet   guild-mentor-clinical  Guild Mentor – Clinical (then an exam)
                                     - needs at least Master's degree (has Bachelor's degree)
                                     - needs 0.5 more years of experience
                                     - needs 38 more hours of reflective supervision
  not yet   guild-mentor-policy    Guild Mentor – Policy (then an exam)
                                     - needs at least Master's degree (has Bachelor's degree)
                                     - needs 0.5 more years of experience
                                     - the data does not record the hours of reflective supervision required
  not yet   guild-specialist       Guild Specialist
                                     - needs 12 more hours of reflective supervision
  unknown   no entry requirements recorded: guild-certificate

Programs: 0 eligible, 1 not yet, 2 unknown
  not yet   clinical-fellowship  Clinical Fellowship
                                   - needs at least Master's degree (has Bachelor's degree)
  unknown   doula-course         Doula Course
                                   - the data does not record which professions it admits
  unknown   no entry requirements recorded: open-seminar

Next steps up each credential ladder:
  guild (Example Guild): eligible up to level 1 (guild-associate)
    next, level 2: guild-specialist
      guild-specialist: needs 12 more hours of reflective supervision
"""


def test_every_format(run) -> None:
    args = ("--data", FIXTURE, "eligible", *BACHELOR)
    table = run(*args)
    assert table.exit_code == 0, table.stderr
    assert table.stdout == TEXT
    assert run(*args, "--format", "csv").stdout.splitlines() == [
        "kind,id,label,status,missing",
        "credential,guild-associate,Guild Associate,eligible,",
        "credential,guild-mentor-clinical,Guild Mentor – Clinical,not yet,needs at least Master's degree (has Bachelor's degree); needs 0.5 more years of experience; needs 38 more hours of reflective supervision",
        "credential,guild-mentor-policy,Guild Mentor – Policy,not yet,needs at least Master's degree (has Bachelor's degree); needs 0.5 more years of experience; the data does not record the hours of reflective supervision required",
        "credential,guild-specialist,Guild Specialist,not yet,needs 12 more hours of reflective supervision",
        "credential,guild-certificate,Guild Certificate,unknown,the data records no entry requirements",
        "program,clinical-fellowship,Clinical Fellowship,not yet,needs at least Master's degree (has Bachelor's degree)",
        "program,doula-course,Doula Course,unknown,the data does not record which professions it admits",
        "program,open-seminar,Open Seminar,unknown,the data records no entry requirements",
    ]
    assert run(*args, "--format", "tsv").stdout.splitlines()[1] == "credential\tguild-associate\tGuild Associate\teligible\t"
    assert "| program | open-seminar | Open Seminar | unknown | the data records no entry requirements |" in run(*args, "--format", "markdown").stdout
    parsed = json.loads(run(*args, "--format", "json").stdout)
    assert list(parsed) == ["person", "credentials", "programs", "ladders"]
    assert parsed["person"] == {
        "education": "bachelor", "years": 2.5, "training_hours": 30.0, "supervision_hours": 12.0, "profession": "social-worker"
    }
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
        "exam": False,
        "level": 2,
        "track": None,
        "awarded_by": ["guild"],
    }
    assert [p["id"] for p in parsed["programs"]] == ["clinical-fellowship", "doula-course", "open-seminar"]


@pytest.mark.parametrize(
    "args, message, suggestion",
    [
        (("--education", "masters"), "unknown education level 'masters'", "master"),
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


def test_bundled_mi_aimh_ladder(bundled) -> None:
    result = eligible(bundled, "master", years=2, training_hours=30, supervision_hours=38)
    by_id = {a.iri.rsplit("/", 1)[1]: a for a in result.credentials}
    if "imhs" not in by_id:
        pytest.skip("bundled MI-AIMH data not there yet")
    assert by_id["imhs"].status == "not_yet"
    assert by_id["imhs"].missing == ["needs 12 more hours of reflective supervision"]
    ladder = next(lad for lad in result.ladders if lad.organization.endswith("/mi-aimh"))
    assert ladder.next_level == by_id["imhs"].level


def test_output_file(run, tmp_path) -> None:
    printed = run("--data", FIXTURE, "eligible", *BACHELOR).stdout
    target = tmp_path / "eligible.txt"
    assert run("--data", FIXTURE, "eligible", *BACHELOR, "--output", target).exit_code == 0
    assert target.read_text(encoding="utf-8") == printed == TEXT
