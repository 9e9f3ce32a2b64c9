"""Reading a yes/no the same way everywhere: RDF boolean literals (``"true"``, ``"1"``) and what
people type in a spreadsheet or a ``--param`` (``yes``, ``no``) follow one rule."""

from __future__ import annotations

from typing import Any

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def parse_boolean(value: Any) -> bool | None:
    """True for ``true``, ``yes`` or ``1``; False for ``false``, ``no`` or ``0`` (any case,
    surrounding spaces ignored); None for anything else (not a yes/no)."""
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def is_true(value: Any) -> bool:
    """Whether *value* (an RDF literal or text) says yes (see :func:`parse_boolean`)."""
    return parse_boolean(value) is True
