"""The CTDL side of the mapping: official context URLs, the bundled contexts and concept labels.

Documents name the official context by URL (as the Credential Registry expects); imhgraph never
fetches it: every JSON-LD processing step here uses the bundled copies in ``ontology/``
(``ctdl-context.jsonld``, ``ctdlasn-context.jsonld``), which are byte-for-byte the files
published at those URLs (the test suite checks their SHA-256).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from rdflib import Namespace

from .. import resources

CTDL_CONTEXT_URL = "https://credreg.net/ctdl/schema/context/json"
CTDLASN_CONTEXT_URL = "https://credreg.net/ctdlasn/schema/context/json"

#: Context URLs a Registry document may name (older documents use http://) → bundled file.
CONTEXT_FILES: dict[str, str] = {
    CTDL_CONTEXT_URL: "ctdl-context.jsonld",
    CTDL_CONTEXT_URL.replace("https://", "http://"): "ctdl-context.jsonld",
    CTDLASN_CONTEXT_URL: "ctdlasn-context.jsonld",
    CTDLASN_CONTEXT_URL.replace("https://", "http://"): "ctdlasn-context.jsonld",
}

CETERMS = Namespace("https://purl.org/ctdl/terms/")
CEASN = Namespace("https://purl.org/ctdlasn/terms/")
AUDLEVEL = Namespace("https://purl.org/ctdl/vocabs/audLevel/")
CREDIT_UNIT = Namespace("https://purl.org/ctdl/vocabs/creditUnit/")
DELIVERY = Namespace("https://purl.org/ctdl/vocabs/deliveryType/")

#: imh:creditUnit words → CTDL Credit Unit concept (other words stay words only).
CREDIT_UNITS: dict[str, str] = {
    "semester hours": str(CREDIT_UNIT.SemesterHour),
    "semester credit hours": str(CREDIT_UNIT.SemesterHour),
    "semester credits": str(CREDIT_UNIT.SemesterHour),
    "quarter hours": str(CREDIT_UNIT.QuarterHour),
    "quarter credit hours": str(CREDIT_UNIT.QuarterHour),
    "quarter credits": str(CREDIT_UNIT.QuarterHour),
    "clock hours": str(CREDIT_UNIT.ClockHour),
    "continuing education units": str(CREDIT_UNIT.ContinuingEducationUnit),
}

#: imh:deliveryMode words → CTDL Delivery Type concept (and back).
DELIVERY_MODES: dict[str, str] = {
    "online": str(DELIVERY.OnlineOnly),
    "in person": str(DELIVERY.InPerson),
    "hybrid": str(DELIVERY.BlendedDelivery),
}


@cache
def context(url: str = CTDL_CONTEXT_URL) -> dict[str, Any]:
    """The bundled copy of the official context at *url* (the value of its ``@context``).

    :raises KeyError: if *url* is not one of the CTDL / CTDL-ASN context URLs.
    """
    path = resources.ontology_dir() / CONTEXT_FILES[url]
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)["@context"]


@cache
def _concepts() -> dict[str, dict[str, str]]:
    with (resources.ontology_dir() / "ctdl-concepts.json").open(encoding="utf-8") as handle:
        return json.load(handle)["concepts"]


def concept(iri: str) -> dict[str, str] | None:
    """``{"label", "scheme", "schemeLabel"}`` of a CTDL concept (audLevel:, credentialStat:, …),
    or None if it is not one of the concepts imhgraph knows."""
    return _concepts().get(str(iri))


def concepts_in(scheme: str) -> list[str]:
    """The IRIs of the known concepts of the CTDL concept scheme *scheme* (an IRI)."""
    return sorted(iri for iri, c in _concepts().items() if c["scheme"] == scheme)
