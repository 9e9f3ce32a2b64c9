"""CTDL / CTDL-ASN, the language of the Credential Registry: export, check and import.

* :mod:`.export` — one Registry document per CTID-bearing resource (``export --format ctdl``);
* :mod:`.check` — which documents the Registry would refuse and the facts they lack
  (``export --format ctdl --check``);
* :mod:`.importer` — CTDL JSON-LD documents turned into imhgraph facts (``import-ctdl``);
* :mod:`.vocab` — the official context URLs, the bundled contexts and concept labels.
"""

from __future__ import annotations

from .check import CheckReport, Missing, check, check_report
from .export import Document, build_documents, ctid, to_ctdl, to_jsonl
from .vocab import CTDL_CONTEXT_URL, CTDLASN_CONTEXT_URL, context

__all__ = [
    "CTDLASN_CONTEXT_URL", "CTDL_CONTEXT_URL", "CheckReport", "Document", "Missing", "build_documents", "check",
    "check_report",
    "context", "ctid", "to_ctdl", "to_jsonl",
]
