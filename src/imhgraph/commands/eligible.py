"""``imhgraph eligible``: the credentials and programs a person may apply for."""

from __future__ import annotations

import click

from pathlib import Path

from ._options import TABLE_FORMATS, backend, emit_result, FiniteFloat, format_option, output_option

_AMOUNT = FiniteFloat(min=0)


@click.command()
@click.option(
    "--education", required=True, metavar="LEVEL",
    help="Highest education: none, cda, associate, bachelor, master, doctorate (or a common name: masters, MSW, PhD …).",
)
@click.option("--years", type=_AMOUNT, metavar="N", help="Years of paid work with infants, young children and families.")
@click.option("--years-providing-supervision", type=_AMOUNT, metavar="N", help="Years providing reflective supervision/consultation to others.")
@click.option("--years-policy-leadership", type=_AMOUNT, metavar="N", help="Years of leadership in policy or program administration.")
@click.option("--years-teaching-research", type=_AMOUNT, metavar="N", help="Years of university teaching and/or published research.")
@click.option("--internship-years", type=_AMOUNT, metavar="N", help="Years of supervised internship during graduate study.")
@click.option("--families-served", type=_AMOUNT, metavar="N", help="Number of families with infants or toddlers you have worked with.")
@click.option("--training-hours", type=_AMOUNT, metavar="N", help="Clock hours of specialised IMH training.")
@click.option("--supervision-hours", type=_AMOUNT, metavar="N", help="Hours of reflective supervision or consultation received.")
@click.option("--profession", metavar="ID", help="Professional background, e.g. clinical-social-worker, nurse, LCSW.")
@click.option("--enrolled-at", metavar="ORG", help="Organization whose graduate program you are enrolled in now.")
@format_option(TABLE_FORMATS)
@output_option()
@click.pass_context
def command(
    ctx: click.Context,
    education: str,
    profession: str | None,
    enrolled_at: str | None,
    fmt: str,
    output: Path | None,
    **amounts: float | None,
) -> None:
    """Which credentials and programs this person's background lets them apply for.

    For each: eligible (every requirement known and met), not yet (with exactly
    what is missing) or unknown (the data does not state a requirement, or you
    did not give the fact it needs: unknown is never counted as met). Where a
    source gives alternative entry routes, any one route suffices. Steps of the
    application itself (references, code of ethics, membership, fee, exam) are
    listed, not counted as missing. Credentials stand side by side; a next step
    is shown only where a source defines one.
    """
    from imhgraph.eligibility import eligible

    result = eligible(backend(ctx), education, profession=profession, enrolled_at=enrolled_at, **amounts)
    emit_result(result, fmt, output)
