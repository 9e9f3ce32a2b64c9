"""README sections generated from the code, so the documentation cannot drift.

``python -m imhgraph.docs`` rewrites the generated sections of README.md in place;
``tests/test_docs.py`` fails when the README differs from what this module generates.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import ALL_ERRORS, ImhgraphError

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success; `validate`: the data conforms (warnings allowed); `diff`: no change"),
    (1, "a finding: SHACL violations (or warnings with `--fail-on warning`), gaps with `--fail-on-gaps`, "
        "`diff` found changes, an ASK answered false with `--fail-on-false`"),
    (2, "unusable input or usage: a file that cannot be read or parsed, an unknown ID, a bad option, "
        "a refused query, an endpoint that is down"),
    (3, "a bug in imhgraph (the message says so; `--debug` shows the full traceback)"),
)


def errors_markdown() -> str:
    """The "Error messages" section: exit codes, then one row per error ID."""
    lines = [
        "## Exit codes and error messages",
        "",
        "| exit code | meaning |",
        "|---|---|",
        *[f"| {code} | {meaning} |" for code, meaning in EXIT_CODES],
        "",
        "Every error a user can cause is one line `error [ID]: what is wrong`, usually followed by",
        "`hint: what to do`, on standard error — never a traceback. The IDs are stable:",
        "",
        "| ID | kind | when |",
        "|---|---|---|",
    ]
    for cls in sorted(ALL_ERRORS, key=lambda c: c.code):
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        lines.append(f"| `{cls.code}` | {_kind(cls)} | {doc} |")
    lines.append("| `IMH999` | bug | an internal error in imhgraph: please report it with the command you ran |")
    return "\n".join(lines) + "\n"


def _kind(cls: type[ImhgraphError]) -> str:
    name = cls.__name__
    return "".join(" " + c.lower() if c.isupper() else c for c in name).strip().removesuffix(" error") or name


def queries_catalogue_markdown() -> str:
    """The catalogue of named queries, from their headers."""
    from .queries import catalogue_markdown

    return catalogue_markdown()


#: section name → generator; the README holds each between BEGIN/END markers.
SECTIONS = {"errors": errors_markdown, "queries-catalogue": queries_catalogue_markdown}


def replace_section(text: str, name: str, content: str) -> str:
    """*text* with the body between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` replaced."""
    begin, end = f"<!-- BEGIN {name} -->\n", f"<!-- END {name} -->"
    start = text.index(begin) + len(begin)
    stop = text.index(end, start)
    return text[:start] + content + text[stop:]


def section(text: str, name: str) -> str:
    """The body of section *name* in *text*."""
    begin, end = f"<!-- BEGIN {name} -->\n", f"<!-- END {name} -->"
    start = text.index(begin) + len(begin)
    return text[start : text.index(end, start)]


def regenerate(readme: Path) -> bool:
    """Rewrite every generated section of *readme*; True when something changed."""
    old = readme.read_text(encoding="utf-8")
    new = old
    for name, generate in SECTIONS.items():
        new = replace_section(new, name, generate())
    if new != old:
        readme.write_text(new, encoding="utf-8")
    return new != old


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("README.md")
    print("updated" if regenerate(target) else "up to date", target)
