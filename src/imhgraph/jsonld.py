"""JSON-LD documents in one stable order, so that exports (``export --format json-ld`` and
``ctdl``) are byte-identical from run to run."""

from __future__ import annotations

import json
from typing import Any


def stable(value: Any, key: str | None = None) -> Any:
    """*value* (a JSON-LD document or part of one) in a stable order: keys of objects sorted
    (with @context, @id, @type first) and the members of unordered arrays sorted; @list arrays
    keep their order, as RDF lists are ordered."""
    if isinstance(value, dict):
        first = [k for k in ("@context", "@id", "@type") if k in value]
        rest = sorted(k for k in value if k not in first)
        return {k: stable(value[k], k) for k in first + rest}
    if isinstance(value, list):
        items = [stable(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value
