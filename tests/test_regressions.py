"""Regression tests, one per bug found in review, named after the bug they pin."""

from __future__ import annotations

import json

import pytest

from .conftest import FIXTURES


@pytest.mark.parametrize(
    "args",
    [
        ("eligible", "--education", "master", "--years", "nan"),
        ("eligible", "--education", "master", "--supervision-hours", "inf"),
        ("--timeout", "nan", "stats"),
        ("analyze", "communities", "--resolution", "nan"),
        ("analyze", "similarity", "--min", "nan"),
    ],
)
def test_nan_and_inf_options_are_usage_errors_not_crashes(run, args):
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    assert "is not a finite number" in result.stderr
    assert "Traceback" not in result.stderr


def test_nan_literal_in_query_results_sorts_instead_of_crashing(run, tmp_path):
    query = tmp_path / "nan.rq"
    query.write_text(
        "# title: numbers\n# description: d\n# columns: x\n"
        'SELECT ?x WHERE { VALUES ?x { "NaN"^^<http://www.w3.org/2001/XMLSchema#double> 2 '
        '"INF"^^<http://www.w3.org/2001/XMLSchema#double> 1.5 } }\n',
        encoding="utf-8",
    )
    result = run("query", query, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    # the terms as the query writes them (rdflib used to rewrite them to "inf"/"nan")
    assert result.stdout.split() == ["x", "1.5", "2", "INF", "NaN"]


def test_nan_requirement_in_data_is_unknown_not_a_crash(run, tmp_path):
    data = tmp_path / "nan.ttl"
    data.write_text(
        "@prefix imh: <https://w3id.org/imhgraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/imhgraph/credential/odd> a imh:Certificate ; rdfs:label \"Odd\" ;\n"
        '  imh:minYearsExperience "NaN"^^<http://www.w3.org/2001/XMLSchema#double> ;\n'
        "  imh:requiresEducation <https://w3id.org/imhgraph/education/master> .\n",
        encoding="utf-8",
    )
    result = run("--data", data, "eligible", "--education", "master", "--years", "3", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "odd" in result.stdout


def test_every_command_names_a_resource_the_same_way(run, tmp_path):
    """A program with labels in two languages: coverage, query and validate all show the English one."""
    data = tmp_path / "labels.ttl"
    data.write_text(
        (FIXTURES / "other" / "valid.ttl").read_text(encoding="utf-8").replace(
            '    rdfs:label "Northwind Foundations Certificate" ;',
            '    rdfs:label "Certificat Fondations"@fr, "Northwind Foundations Certificate"@en ;',
        ),
        encoding="utf-8",
    )
    coverage = json.loads(run("--data", data, "coverage", "--format", "json").stdout)
    labels = {p["id"]: p["label"] for p in coverage["programs"]}
    assert labels["northwind-foundations"] == "Northwind Foundations Certificate"
    listed = run("--data", data, "query", "list-programs", "--format", "csv").stdout
    assert "northwind-foundations,Northwind Foundations Certificate" in listed
    gaps = run("--data", data, "gaps", "Northwind Foundations Certificate", "--credential", "northwind-certificate")
    assert gaps.exit_code == 0, gaps.stderr


def test_similarity_matrix_view_refuses_min_and_top(run):
    result = run("analyze", "similarity", "--view", "matrix", "--top", "2")
    assert result.exit_code == 2 and "--min and --top" in result.stderr


def test_output_to_a_device_writes_into_it_instead_of_replacing_it(run, tmp_path):
    """An atomic rename onto /dev/null would replace the device with a plain file (as root)."""
    import os
    import stat

    result = run("export", "--format", "ntriples", "--output", os.devnull)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert run("coverage", "--format", "json", "--output", fifo).exit_code == 0
    reader.join(timeout=10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert b"\"programs\"" in received[0]
