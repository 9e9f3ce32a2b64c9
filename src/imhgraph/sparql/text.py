"""SPARQL as text: the one masker that blanks strings, IRIs and comments (so that variables,
braces and keywords are found only in query code), variables and placeholders, PREFIX lines."""

from __future__ import annotations

import re

from ..namespaces import PREFIXES

# Strings, IRIs and comments, so that variables are only looked for in query code.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
)
_VARIABLE = re.compile(r"([?$])([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)")
_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")


def code_only(text: str) -> str:
    """*text* with strings, IRIs and comments blanked out (same length, same line breaks)."""
    return _NOT_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def dollar_variables(text: str) -> list[str]:
    """The names of the ``$NAME`` variables (parameters) the query code uses, in order."""
    found: dict[str, None] = {}
    for sigil, name in _VARIABLE.findall(code_only(text)):
        if sigil == "$":
            found[name] = None
    return list(found)


def variables(text: str) -> set[str]:
    """Every variable name (``?x`` or ``$x``) the query code uses."""
    return {name for _sigil, name in _VARIABLE.findall(code_only(text))}


def placeholders(text: str) -> set[str]:
    """The parameters that have a ``VALUES $NAME { }`` placeholder line."""
    return {m.group("name") for m in placeholder_pattern(None).finditer(code_only(text))}


def placeholder_pattern(name: str | None) -> re.Pattern[str]:
    var = re.escape(name) if name else r"[A-Za-z0-9_]+"
    return re.compile(rf"(?i)(?<![\w?$:])VALUES\s+\$(?P<name>{var})\s*\{{\s*\}}")


def with_prefixes(text: str) -> str:
    """*text* with PREFIX declarations for the project's prefixes it does not declare itself,
    all on the first line so that line numbers in errors stay those of the file."""
    declared = {(m.group(1) or "") for m in _PREFIX_DECL.finditer(code_only(text))}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    return (" ".join(missing) + " " + text) if missing else text
