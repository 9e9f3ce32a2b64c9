"""Readable everywhere (issue 15): text tables fit the terminal, usage mistakes read like every
other error, and one's own data goes beside the bundled data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from imhgraph.cli import COMMANDS, cli
from imhgraph.render import Table, render_text, text_width

FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: every command's default (people's) output on the bundled data. RDF formats (export, the
#: CONSTRUCT queries' Turtle) are data, not text for people, and keep their lines.
PEOPLE_COMMANDS: list[list[str]] = [
    ["stats"],
    ["validate"],
    ["queries"],
    ["queries", "programs-covering-topic"],
    ["query", "list-programs"],
    ["query", "programs-covering-topic", "--param", "topic=attachment-theory"],
    ["query", "uncovered-topics"],
    ["coverage"],
    ["coverage", "--summary"],
    ["coverage", "--program", "okstate-imh-certificate", "--explain"],
    ["compare", "okstate-imh-certificate", "uw-imh-nursing-certificate"],
    ["gaps", "uw-imh-nursing-certificate", "--credential", "imhs"],
    ["gaps", "--all-programs", "--credential", "imhs"],
    ["eligible", "--education", "master", "--years", "3"],
    ["show", "uw-imh-nursing-certificate"],
    ["show", "imhs"],
    ["show", "attachment-theory"],
    ["search", "attachment"],
    ["analyze", "similarity"],
    ["analyze", "centrality"],
    ["analyze", "communities"],
]


def _run(args: list[str], columns: int | None, *extra: str) -> tuple[int, str, str]:
    env = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner(env=env).invoke(cli, [*extra, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _widest(text: str) -> int:
    return max((text_width(line) for line in text.splitlines()), default=0)


@pytest.mark.parametrize("args", PEOPLE_COMMANDS, ids=" ".join)
def test_default_output_fits_80_columns(args: list[str]) -> None:
    code, out, err = _run(args, 80)
    assert code in (0, 1), err
    assert out.strip(), "the command printed nothing"
    too_long = [line for line in out.splitlines() if text_width(line) > 80]
    assert not too_long, f"{len(too_long)} lines over 80 columns, e.g. {too_long[0]!r}"


@pytest.mark.parametrize("args", PEOPLE_COMMANDS, ids=" ".join)
def test_120_columns_are_used_where_the_answer_is_wide(args: list[str]) -> None:
    _, wide, _ = _run(args, None, "--wide")
    code, out, _ = _run(args, 120)
    assert code in (0, 1)
    assert _widest(out) <= 120
    if _widest(wide) > 120:
        # The room is used: a wide answer spreads past 80 columns when it has 120.
        assert _widest(out) > 80


def test_wide_keeps_one_line_per_row() -> None:
    _, narrow, _ = _run(["query", "list-programs"], 80)
    _, wide, _ = _run(["query", "list-programs"], 80, "--wide")
    assert _widest(wide) > 80
    # One line per program (plus header, rule, caveat lines) when wide; more when wrapped.
    assert len(wide.splitlines()) < len(narrow.splitlines())


def test_a_file_keeps_one_line_per_row(tmp_path: Path) -> None:
    out = tmp_path / "programs.txt"
    code, _, _ = _run(["query", "list-programs", "--output", str(out)], 80)
    assert code == 0
    _, wide, _ = _run(["query", "list-programs"], 80, "--wide")
    assert out.read_text(encoding="utf-8") == wide


# -- the layout itself -----------------------------------------------------------------------

LONG = "Mental and behavioral disorders in adults, as the competency guidelines name them"


def test_cells_wrap_on_word_boundaries_inside_their_columns() -> None:
    table = Table(["id", "label", "value"], [["adult-mental-disorders", LONG, "unknown"], ["x", "short", "direct"]])
    text = render_text(table, 50)
    lines = text.splitlines()
    assert all(text_width(line) <= 50 for line in lines)
    # Every word of the long cell comes out whole, in order, in the label column.
    start = lines[0].index("label")
    words = " ".join(line[start:].split("unknown")[0].strip() for line in lines[2:6]).split()
    assert " ".join(words).startswith("Mental and behavioral disorders in adults,")
    assert all(word in LONG.split() for word in words)
    # The other columns stay on the row's first line.
    assert lines[2].startswith("adult-mental-disorders") and lines[2].rstrip().endswith("unknown")


def test_columns_that_cannot_sit_side_by_side_become_records() -> None:
    table = Table(["source", "title"], [["https://example.org/" + "a" * 70, "A title of a page"]])
    text = render_text(table, 40)
    lines = text.splitlines()
    assert all(text_width(line) <= 40 for line in lines)
    assert lines[0].startswith("source:")
    assert any(line.startswith("title:") and "A title of a page" in line for line in lines)


def test_a_table_that_fits_is_unchanged_by_the_width() -> None:
    table = Table(["a", "b"], [["1", "two words"]], title="T", notes=["a note"])
    assert render_text(table, 80) == render_text(table, None)


def test_wide_characters_count_twice() -> None:
    assert text_width("日本") == 4
    assert text_width("é") == 1


# -- one error look ----------------------------------------------------------------------------

ERROR_LINE = re.compile(r"^error \[IMH\d{3}\]: ", re.M)


@pytest.mark.parametrize(
    "args",
    [
        ["gaps", "uw-imh-nursing-certificate"],  # missing --credential
        ["eligible"],  # missing --education
        ["compare", "okstate-imh-certificate"],  # missing B
        ["import-csv"],  # missing FILE
        ["diff", "data"],  # missing NEW
        ["eligible", "--education", "master", "--years", "three"],  # not a number
        ["analyze", "similarity", "--top", "many"],
        ["coverage", "--format", "xlsx"],  # not a choice
        ["stats", "--bogus"],  # no such option
        ["frobnicate"],  # no such command
    ],
    ids=" ".join,
)
def test_usage_mistakes_have_the_imh_look(args: list[str]) -> None:
    code, out, err = _run(args, 80)
    assert code == 2
    assert ERROR_LINE.search(err), err
    assert "hint: " in err
    assert "Usage:" not in err and "Traceback" not in err
    assert out == ""


def test_a_missing_file_has_the_imh_look() -> None:
    code, out, err = _run(["import-csv", "/no/such/file.csv", "--output", "x.ttl"], 80)
    assert code == 2 and out == ""
    assert ERROR_LINE.search(err) and "/no/such/file.csv" in err and "Traceback" not in err


def test_every_command_with_a_required_option_refuses_its_absence_in_the_imh_look() -> None:
    import importlib

    import click

    checked = 0
    for name, module in COMMANDS.items():
        command = importlib.import_module(f"imhgraph.commands.{module}").command
        commands = command.commands.items() if isinstance(command, click.Group) else [(None, command)]
        for sub, cmd in commands:
            if any(getattr(p, "required", False) for p in cmd.params):
                args = [name] if sub is None else [name, sub]
                code, _, err = _run(args, 80)
                assert code == 2, (args, err)
                assert ERROR_LINE.search(err), (args, err)
                checked += 1
    assert checked >= 5


def test_an_imagined_command_is_sent_where_it_is_meant() -> None:
    from imhgraph.cli import suggest_command

    if "show" not in COMMANDS:
        assert "query program-graph" in suggest_command("show")
        assert "push" not in suggest_command("show")
    assert "validate" in suggest_command("validat")
    assert suggest_command("zzzzqqq") == ""


# -- one's own data beside the field's ---------------------------------------------------------

def test_add_loads_a_file_beside_the_bundled_data() -> None:
    mine = FIXTURES / "other" / "sunrise.ttl"
    code, out, err = _run(["compare", "sunrise-imh-certificate", "okstate-imh-certificate"], 200, "--add", str(mine))
    assert code == 0, err
    assert "sunrise-imh-certificate" in out and "okstate-imh-certificate" in out


def test_data_alone_replaces_the_bundled_data_and_the_error_says_so() -> None:
    mine = FIXTURES / "other" / "sunrise.ttl"
    code, _, err = _run(["compare", "sunrise-imh-certificate", "okstate-imh-certificate"], 200, "--data", str(mine))
    assert code == 2
    assert "okstate-imh-certificate" in err
    assert f"only {mine}" in err
    assert f"--add {mine}" in err


# -- show and search ---------------------------------------------------------------------------

def _show(given: str, *extra: str) -> tuple[int, str, str]:
    return _run(["show", given, *extra], 130)


def _program_with_courses() -> tuple[str, str, str]:
    """(program ID, label, one course label) of a bundled program with a recorded curriculum."""
    from imhgraph.coverage.evidence import load_evidence
    from imhgraph.ids import labels
    from imhgraph.namespaces import short_id
    from imhgraph.stores import memory_backend

    backend = memory_backend()
    evidence = load_evidence(backend)
    program = sorted((p for p, cs in evidence.courses.items() if len(cs) >= 2), key=short_id)[0]
    return short_id(program), labels(backend)[program], evidence.courses[program][0].label


def test_show_a_program_in_plain_words() -> None:
    program, label, course = _program_with_courses()
    code, out, err = _show(program)
    assert code == 0, err
    flat = " ".join(out.split())
    assert flat.startswith(f"{label} (program {program})")
    assert re.search(r"^organization: ", out, re.M)
    assert re.search(r"^curriculum: ", out, re.M)
    assert "Courses" in out and all(word in out for word in course.split())
    assert "Topics by area" in out
    assert "Sources" in out


def test_show_names_a_credential_of_the_same_id() -> None:
    code, out, err = _show("uw-imh-nursing-certificate")
    assert code == 0, err
    assert re.search(r"^format: +online", out, re.M)
    assert re.search(r"^organization: +Barnard Center", out, re.M)
    # The certificate it awards has the same ID: named, not silently hidden.
    assert "imhgraph show credential:uw-imh-nursing-certificate" in out


def test_show_json_has_stable_keys() -> None:
    import json

    program, _, course = _program_with_courses()
    code, out, _ = _show(program, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["id"], doc["kind"]) == (program, "program")
    facts = {f["name"]: f["value"] for f in doc["facts"]}
    assert "duration" in facts and "format" in facts and "curriculum" in facts
    titles = [s["title"] for s in doc["sections"]]
    assert "Courses" in titles and "Sources" in titles
    courses = next(s for s in doc["sections"] if s["title"] == "Courses")
    assert any(r["course"] == course for r in courses["rows"])
    assert all(set(r) == {"code", "course", "size", "kind", "topic", "evidence"} for r in courses["rows"])


def test_show_a_credential_by_its_code() -> None:
    code, out, err = _show("IMHS")
    assert code == 0, err
    assert "(credential imhs)" in out.splitlines()[0]
    assert re.search(r"^entry: +Master", out, re.M)
    assert "Required topics" in out
    assert "route" in out  # the New York internship alternative


def test_show_a_topic_counts_the_unknown() -> None:
    from imhgraph.coverage.data import cell, load_coverage_data
    from imhgraph.stores import memory_backend

    data = load_coverage_data(memory_backend())
    topic = "https://w3id.org/imhgraph/topic/attachment-theory"
    unknown = sum(cell(data, p, topic) == "unknown" for p in data.programs)
    code, out, err = _show("attachment")  # a synonym
    assert code == 0, err
    assert "(topic attachment-theory)" in out.splitlines()[0]
    assert f"{unknown} unknown (of {len(data.programs)}" in out
    assert re.search(r"^broader: ", out, re.M) and re.search(r"^synonyms: ", out, re.M)


def test_show_an_organization_and_a_course() -> None:
    code, out, _ = _show("uw-barnard-center")
    assert code == 0 and "Programs offered" in out and "uw-imh-nursing-certificate" in out
    from imhgraph.stores import memory_backend
    from imhgraph.ids import members

    course = sorted(members(memory_backend(), "course"))[0]
    code, out, err = _show(str(course))
    assert code == 0, err
    assert "(course " in out.splitlines()[0]
    assert re.search(r"^program: ", out, re.M)


def test_show_an_unknown_id_suggests() -> None:
    code, out, err = _show("uw-imh-nursing-certificat")
    assert code == 2 and out == ""
    assert ERROR_LINE.search(err) and "uw-imh-nursing-certificate" in err


def test_search_ranks_names_first_and_gives_ids() -> None:
    import json

    code, out, err = _run(["search", "attachment", "--format", "json"], 100)
    assert code == 0, err
    results = json.loads(out)["results"]
    ids = [r["id"] for r in results]
    assert "attachment-theory" in ids
    # A name match outranks a match in a description.
    by_id = {r["id"]: r for r in results}
    described = [r for r in results if r["matched"] and all(m in ("description", "definition") for m in r["matched"])]
    if described:
        assert by_id["attachment-theory"]["score"] > described[0]["score"]
    assert results == sorted(results, key=lambda r: -r["score"]) or all(
        results[i]["score"] >= results[i + 1]["score"] for i in range(len(results) - 1)
    )


def test_search_filters_and_kinds() -> None:
    import json

    code, out, _ = _run(["search", "infant", "--kind", "program", "--delivery", "online", "--format", "json"], 100)
    assert code == 0
    results = json.loads(out)["results"]
    assert results and all(r["kind"] == "program" for r in results)
    assert "uw-imh-nursing-certificate" in [r["id"] for r in results]
    code, out, _ = _run(["search", "nursing", "--organization", "uw-barnard-center", "--format", "json"], 100)
    assert [r["id"] for r in json.loads(out)["results"] if r["kind"] == "program"] == ["uw-imh-nursing-certificate"]
    code, out, _ = _run(["search", "by", "course", "title", "zzzz-nothing"], 100)
    assert code == 0 and "0 matches" in out


def test_search_finds_a_program_by_a_course_title() -> None:
    import json

    program, _, course = _program_with_courses()
    code, out, _ = _run(["search", course, "--kind", "program", "--format", "json"], 100)
    results = json.loads(out)["results"]
    hit = next(r for r in results if r["id"] == program)
    assert any(m.startswith("course: ") or m == "name" for m in hit["matched"])
