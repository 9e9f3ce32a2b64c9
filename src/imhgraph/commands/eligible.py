"""``imhgraph eligible``: the credentials and programs a person may apply for."""

from __future__ import annotations

import click

from pathlib import Path

from ._options import FiniteFloat, backend, emit, format_option, output_option

_AMOUNT = FiniteFloat(min=0)


@click.command()
@click.option("--education", required=True, metavar="LEVEL", help="Highest education: cda, associate, bachelor, master, doctorate.")
@click.option("--years", type=_AMOUNT, metavar="N", help="Years of relevant (paid) work experience.")
@click.option("--training-hours", type=_AMOUNT, metavar="N", help="Clock hours of specialised IMH training.")
@click.option("--supervision-hours", type=_AMOUNT, metavar="N", help="Hours of reflective supervision or consultation.")
@click.option("--profession", metavar="ID", help="Professional background, e.g. social-worker.")
@format_option(("table", "csv", "tsv", "markdown", "json"))
@output_option()
@click.pass_context
def command(
    ctx: click.Context,
    education: str,
    years: float | None,
    training_hours: float | None,
    supervision_hours: float | None,
    profession: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Which credentials and programs this person's background lets them apply for.

    For each: eligible, not yet (with exactly what is missing), or unknown (the
    data does not state a requirement, or you did not give the fact it needs:
    unknown is never counted as met). Then the next step up each credential
    ladder.
    """
    from imhgraph.eligibility import eligible
    from imhgraph.render import render_result

    result = eligible(
        backend(ctx),
        education,
        years=years,
        training_hours=training_hours,
        supervision_hours=supervision_hours,
        profession=profession,
    )
    emit(render_result(result, fmt), output)
