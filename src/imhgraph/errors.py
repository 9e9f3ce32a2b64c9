"""One family of errors, each with a stable ID, a plain-language message and a hint.

The command line maps them to exit codes in one place (:mod:`imhgraph.cli`);
the library never prints or exits. Every ID is documented in the README's
"Error messages" section (a test keeps the two in sync).
"""

from __future__ import annotations

from collections.abc import Sequence


class ImhgraphError(Exception):
    """Any other unusable input or usage (the base of every error a user can cause)."""

    code: str = "IMH000"
    exit_code: int = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(ImhgraphError):
    """An option or argument that cannot work (bad value, missing companion option)."""

    code = "IMH001"


class InputFileError(ImhgraphError):
    """An input file or folder that is missing, unreadable, empty or of an unknown kind."""

    code = "IMH010"


class RdfSyntaxError(ImhgraphError):
    """Malformed Turtle, JSON-LD, N-Triples or RDF/XML; names the file, line and column."""

    code = "IMH011"

    def __init__(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = path
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        super().__init__(
            f"{where}: {message}",
            hint=hint or "Fix the syntax at that position; `imhgraph validate --data FILE` re-checks it.",
        )
        self.path, self.line, self.column = path, line, column


class UnsafeInputError(ImhgraphError):
    """Input that would make imhgraph fetch from the network, expand entities or nest without bound; refused."""

    code = "IMH012"


#: kind of resource (as messages name it) → the named query that lists that kind.
_LISTING_QUERIES: dict[str, str] = {
    "organization": "list-organizations",
    "program": "list-programs",
    "credential": "list-credentials",
    "topic": "list-topics",
    "profession": "list-professions",
    "education level": "list-education-levels",
}


class UnknownIdError(ImhgraphError):
    """A program, topic, credential, profession or education level ID that is not in the data."""

    code = "IMH020"

    def __init__(self, kind: str, given: str, suggestions: Sequence[str] = ()) -> None:
        listing = _LISTING_QUERIES.get(kind)
        if suggestions:
            hint = "Did you mean: " + ", ".join(suggestions) + "?"
        elif listing:
            hint = f"`imhgraph query {listing}` lists them."
        else:
            hint = "`imhgraph stats` and `imhgraph queries` show what the data holds."
        super().__init__(f"unknown {kind} {given!r}", hint=hint)
        self.kind, self.given, self.suggestions = kind, given, list(suggestions)


class AmbiguousIdError(UnknownIdError):
    """A name that several programs, topics, credentials … answer to (a shared synonym or code)."""

    code = "IMH021"

    def __init__(self, kind: str, given: str, candidates: Sequence[tuple[str, str]]) -> None:
        plural = {"education level": "education levels", "entry route": "entry routes"}.get(kind, kind + "s")
        ImhgraphError.__init__(
            self,
            f"ambiguous {kind} {given!r}: it names {len(candidates)} {plural}",
            hint="Give one of: " + ", ".join(f"{i} ({label})" for i, label in candidates) + ".",
        )
        self.kind, self.given, self.suggestions = kind, given, [i for i, _ in candidates]


class QueryError(ImhgraphError):
    """A SPARQL query that cannot run: syntax error, UPDATE, SERVICE, bad or missing parameter."""

    code = "IMH030"


class UnknownQueryError(QueryError):
    """A query name that is not in the catalogue."""

    code = "IMH031"


class OutputError(ImhgraphError):
    """An output path that cannot be written (missing folder, no permission, equal to an input)."""

    code = "IMH040"


class StoreError(ImhgraphError):
    """An on-disk store that cannot be opened, is locked, or was built by another version."""

    code = "IMH050"


class EndpointError(ImhgraphError):
    """A SPARQL endpoint that is down, slow, refuses, or answers something that is not SPARQL."""

    code = "IMH060"


class ImportCsvError(ImhgraphError):
    """A spreadsheet with bad rows; the message lists every bad row with its column and value."""

    code = "IMH070"


ALL_ERRORS: tuple[type[ImhgraphError], ...] = (
    ImhgraphError,
    UsageError,
    InputFileError,
    RdfSyntaxError,
    UnsafeInputError,
    UnknownIdError,
    AmbiguousIdError,
    QueryError,
    UnknownQueryError,
    OutputError,
    StoreError,
    EndpointError,
    ImportCsvError,
)
