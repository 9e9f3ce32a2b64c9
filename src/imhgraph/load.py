"""Reading RDF files: which files a path means, their format, and parsing them with clear errors.

Parsing goes through Oxigraph (fast, and it never fetches a remote JSON-LD
context, an external DTD or an external XML entity); a syntax error names the
file, line and column, shows the line, and says in plain words what is wrong:
an undefined prefix, a string never closed, a file whose content is another
format than its name says, binary or non-UTF-8 content. RDF/XML that declares
entities which could expand without bound ("billion laughs") or read other
files is refused before parsing.

Why one module: reading input files is one concern (which files, which format, limits,
and errors with positions for each syntax); the parts only make sense together.
"""

from __future__ import annotations

import difflib
import json
import os
import stat
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import resources
from .atomic import register_input
from .errors import InputFileError, RdfSyntaxError, UnsafeInputError, UsageError

#: file ending → Oxigraph format; anything else is refused with a list of these.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

#: Default for the largest single input file read into memory (2 GiB, or a quarter of the
#: machine's memory if that is less: a parsed graph takes a few times its file size).
#: ``IMHGRAPH_MAX_FILE_BYTES`` overrides it; larger data belongs in ``--store`` or an endpoint.
MAX_FILE_BYTES = 2 * 1024**3

#: RDF/XML entity declarations may add at most this many bytes by expansion (namespace
#: abbreviations as Protégé writes them add a few kilobytes; an attack adds gigabytes).
MAX_ENTITY_EXPANSION = 8 * 1024**2

_UTF8_BOM = b"\xef\xbb\xbf"

#: what a format's content looks like, for "the name says X but it looks like Y".
_KIND_OF_FORMAT = {
    ox.RdfFormat.TURTLE: "Turtle",
    ox.RdfFormat.TRIG: "Turtle",
    ox.RdfFormat.N_TRIPLES: "N-Triples",
    ox.RdfFormat.N_QUADS: "N-Triples",
    ox.RdfFormat.JSON_LD: "JSON-LD",
    ox.RdfFormat.RDF_XML: "RDF/XML",
}
_ENDING_FOR_KIND = {"Turtle": ".ttl", "N-Triples": ".nt", "JSON-LD": ".jsonld", "RDF/XML": ".rdf"}
#: a content kind each format's parser also accepts (N-Triples is a subset of Turtle).
_COMPATIBLE = {("Turtle", "N-Triples"), ("Turtle", "Turtle"), ("N-Triples", "N-Triples"),
               ("JSON-LD", "JSON-LD"), ("RDF/XML", "RDF/XML")}

# Binary formats people hand over by mistake, by their first bytes.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx or a zipped download?)"),
    (b"\x1f\x8b", "gzip-compressed (decompress it first, e.g. `gunzip FILE`)"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document (.xls/.doc)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"BZh", "bzip2-compressed (decompress it first)"),
    (b"\xfd7zXZ", "xz-compressed (decompress it first)"),
)


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The RDF files that *paths* name: files as given, folders searched recursively for
    files with a known RDF ending (sorted, so loading order is stable).

    :raises InputFileError: a path that does not exist, or a folder without RDF files.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(_folder_files(path))
            if not found:
                raise InputFileError(
                    f"{path}: folder holds no RDF files",
                    hint="Expected files ending in " + ", ".join(sorted(FORMATS)) + ".",
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            raise InputFileError(f"{path}: not a regular file")
        else:
            raise InputFileError(f"{path}: no such file or folder")
    return files


def _folder_files(folder: Path) -> list[Path]:
    """The RDF files below *folder*, refusing what would quietly load less or more than the
    folder holds: a subfolder that cannot be read (its files would be skipped), and a link
    that leads outside the folder (a parse error would quote the first line of whatever it
    points at, a password file as well as data)."""
    root = folder.resolve()

    def unreadable(exc: OSError) -> None:
        raise InputFileError(
            f"{exc.filename or folder}: a folder inside {folder} cannot be read ({exc.strerror or exc}); "
            "nothing was loaded",
            hint="Make it readable, or give the files you mean one by one.",
        )

    found: list[Path] = []
    for here, _dirs, names in os.walk(folder, onerror=unreadable, followlinks=False):
        for name in names:
            candidate = Path(here) / name
            if candidate.suffix.lower() not in FORMATS:
                continue
            target = candidate.resolve()
            if candidate.is_symlink() and root not in target.parents:
                raise InputFileError(
                    f"{candidate}: a link that leads outside {folder}; refused, nothing was loaded",
                    hint="Copy the file into the folder, or give its path with --data directly.",
                )
            if target.is_file():
                found.append(candidate)
    return found


def format_of(path: Path) -> ox.RdfFormat:
    """The RDF format of *path*, from its file ending.

    :raises InputFileError: an unknown ending.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        hint = "Name RDF files with one of: " + ", ".join(sorted(FORMATS)) + "."
        if path.suffix.lower() in (".csv", ".tsv", ".xlsx", ".xls"):
            hint = "A spreadsheet is turned into Turtle with `imhgraph import-csv FILE.csv --output FILE.ttl`."
        raise InputFileError(
            f"{path}: unknown file type {path.suffix or '(no ending)'!r}",
            hint=hint,
        )
    return fmt


def max_file_bytes() -> int:
    """The largest input file imhgraph reads into memory (see :data:`MAX_FILE_BYTES`).

    :raises UsageError: ``IMHGRAPH_MAX_FILE_BYTES`` is not a positive whole number.
    """
    raw = os.environ.get("IMHGRAPH_MAX_FILE_BYTES", "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value <= 0:
            raise UsageError(
                f"IMHGRAPH_MAX_FILE_BYTES={raw!r} is not a positive number of bytes",
                hint="Unset it, or give a size in bytes such as 4294967296 (4 GiB).",
            )
        return value
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return MAX_FILE_BYTES
    return min(MAX_FILE_BYTES, memory // 4) if memory > 0 else MAX_FILE_BYTES


def human_size(n: int) -> str:
    """*n* bytes for a person: ``512 bytes``, ``3.4 KB``, ``1.2 GB`` (powers of 1024)."""
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def require_regular_file(path: Path) -> None:
    """Refuse a pipe, socket or device given as a file: opening a FIFO blocks until someone
    writes to it (a hang), and a device may never end.

    :raises InputFileError: *path* is not a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # read_input names the reason
    if not stat.S_ISREG(mode):
        raise InputFileError(
            f"{path}: not a regular file (a pipe, socket or device); imhgraph reads files only",
            hint="Save the content to a file first and give its path.",
        )


def read_input(path: Path) -> bytes:
    """The bytes of an input file, refusing empty, oversized and unreadable files.

    The path is registered as an input first, so that no output of this run can replace it.

    :raises InputFileError: with the reason in plain words.
    """
    register_input(path)
    limit = max_file_bytes()
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputFileError(
                f"{path}: {human_size(size)} is larger than imhgraph reads into memory "
                f"({human_size(limit)}); nothing was loaded",
                hint="Load it once into an on-disk store (`--store DIR --data FILE`) or a SPARQL "
                "server, then query that; or raise the limit with IMHGRAPH_MAX_FILE_BYTES.",
            )
        with path.open("rb") as handle:
            # Read at most one byte past the limit: a file that grows while we read it
            # (a pipe, /dev/zero, a log) must not take the machine's memory with it.
            content = handle.read(limit + 1)
    except PermissionError as exc:
        raise InputFileError(f"{path}: permission denied") from exc
    except IsADirectoryError as exc:
        raise InputFileError(f"{path}: is a folder, not a file") from exc
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if len(content) > limit:
        raise InputFileError(
            f"{path}: larger than imhgraph reads into memory ({human_size(limit)}); nothing was loaded",
            hint="Raise the limit with IMHGRAPH_MAX_FILE_BYTES, or load it into `--store DIR`.",
        )
    if not content.strip():
        raise InputFileError(
            f"{path}: the file is empty",
            hint="Nothing to read: check that the file was saved and is the one you meant.",
        )
    return content


def parse_into(
    store: ox.Store, path: Path, *, graph: ox.NamedNode | None = None, loader: Any = None
) -> None:
    """Parse one file into *store* (its default graph unless *graph* is given).

    The literals go in as written through an :class:`imhgraph.exact.Loader` (*loader*, or one
    made and finished for this file): what the store rewrites is recorded beside it.

    :raises InputFileError: missing, empty, oversized, binary or unreadable file.
    :raises RdfSyntaxError: with the file, line and column and what is wrong there.
    :raises UnsafeInputError: a JSON-LD remote context or RDF/XML entity declarations that
        could expand without bound or read other files (never fetched, never expanded).
    """
    fmt = format_of(path)
    content = read_input(path)
    if content.startswith(_UTF8_BOM) and fmt != ox.RdfFormat.RDF_XML:
        # Windows editors save a byte-order mark; Turtle and JSON parsers reject it.
        content = content[len(_UTF8_BOM):]
    if fmt == ox.RdfFormat.RDF_XML:
        check_xml_entities(path, content)
    if fmt in (ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML):
        check_nesting(path, fmt, content)
    if fmt == ox.RdfFormat.JSON_LD:
        check_jsonld_iris(path, content)
    from .exact import Loader, written_languages

    own = loader is None
    if own:
        loader = Loader(store)
    target = graph if graph is not None else ox.DefaultGraph()
    try:
        # Relative IRIs resolve against a fixed base named after the file, never against the
        # file's location: the same file gives the same triples on every machine, and no
        # local path (file:///home/…) enters the data or its exports.
        quads = ox.parse(content, format=fmt, base_iri=relative_base(path))
        if graph is not None or fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            # Every named graph of a dataset file is read into the working graph: imhgraph
            # answers over one graph, and data in a graph it never reads would be dropped.
            quads = (ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)
        # language tags as written: the parser lowers them (imhgraph.exact)
        loader.add(quads, written_languages(content))
    except SyntaxError as exc:
        message = str(exc)
        if "LoadDocumentCallback" in message or "remote context" in message.lower():
            context = _remote_context(content)
            named = f" {context!r}" if context else ""
            raise UnsafeInputError(
                f"{path}: the JSON-LD refers to the external @context{named}; imhgraph never fetches contexts",
                hint="Put the context inline, or use the bundled one: "
                f"{resources.context_file()} (same terms as the imh vocabulary).",
            ) from exc
        raise explain_syntax_error(path, fmt, content, message, exc.lineno, exc.offset) from exc
    except ValueError as exc:
        raise explain_syntax_error(path, fmt, content, str(exc), None, None) from exc
    except MemoryError as exc:
        limit = re.search(r"buffer maximal size of (\d+)", str(exc))
        if limit:
            # Oxigraph's parsers hold one term (a literal, an IRI) in a buffer of bounded size:
            # a longer term is refused whatever the memory, on disk as in memory.
            size = int(limit.group(1))
            line = _long_line(content, size)
            where = f", line {line}" if line else ""
            raise InputFileError(
                f"{path}{where}: a single term (a literal or an IRI) is longer than the "
                f"{human_size(size)} the RDF parser accepts for one term; nothing was loaded",
                hint="Keep long texts out of the data (link to them with an IRI) or split them.",
            ) from exc
        raise InputFileError(
            f"{path}: not enough memory to load it ({human_size(len(content))})",
            hint="Load it into an on-disk store (`--store DIR --data FILE`) instead.",
        ) from exc
    if own:
        loader.finish()


#: where relative IRIs of an input file point: this, followed by the file's name (``<>`` in
#: ``notes.ttl`` is ``https://w3id.org/imhgraph/relative/notes.ttl``, ``<a.html>`` is
#: ``https://w3id.org/imhgraph/relative/a.html``). Declare ``@base`` to choose another.
RELATIVE_BASE = "https://w3id.org/imhgraph/relative/"


def relative_base(path: Path) -> str:
    """The base IRI of *path*'s relative IRIs: :data:`RELATIVE_BASE` and the file's name."""
    from urllib.parse import quote

    return RELATIVE_BASE + quote(path.name)


_JSON_IRI = re.compile(rb'"@(id)"\s*:\s*("(?:[^"\\]|\\.)*")')
#: what no IRI may hold (RFC 3987): JSON-LD readers drop a node whose @id holds one of them.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def check_jsonld_iris(path: Path, content: bytes) -> None:
    """Refuse a JSON-LD ``@id`` that is no IRI (a space, ``<``, a quote …): JSON-LD
    readers drop such a node with all it says, without a word; Turtle reports it.

    :raises RdfSyntaxError: naming the file, the line and the value."""
    if b"@" not in content:
        return
    for match in _JSON_IRI.finditer(content):
        try:
            value = json.loads(match.group(2))
        except ValueError:
            continue  # the parser reports malformed JSON
        if not isinstance(value, str) or value.startswith("@"):
            continue  # a keyword ("@type": "@id" in a context)
        bad = _NOT_IN_IRI.search(value)
        if bad:
            char = bad.group(0)
            what = "a space" if char == " " else f"the character {char!r}"
            raise RdfSyntaxError(
                str(path),
                f"the @{match.group(1).decode()} {value!r} is not a valid IRI: it holds {what} "
                "(JSON-LD readers drop such a node and everything said about it)",
                line=content.count(b"\n", 0, match.start()) + 1,
                hint="IRIs cannot hold spaces or any of <>\"{}|^`\\; percent-encode them (a space is %20).",
            )


def _long_line(content: bytes, size: int) -> int | None:
    """The number of the first line of *content* longer than *size* bytes (where a term too
    long for the parser most likely is), or None."""
    start = 0
    line = 1
    while start < len(content):
        end = content.find(b"\n", start)
        if end < 0:
            end = len(content)
        if end - start > size:
            return line
        start, line = end + 1, line + 1
    return None


def load_files(store: ox.Store, paths: Sequence[Path]) -> None:
    """Parse every file of *paths* into the default graph of *store*, the literals the store
    rewrites recorded as written (:mod:`imhgraph.exact`)."""
    from .exact import Loader

    loader = Loader(store)
    for path in paths:
        parse_into(store, path, loader=loader)
    loader.finish()


def vocabulary_and(paths: Sequence[str | os.PathLike[str]] | None) -> tuple[list[Path], list[Path]]:
    """The always-loaded vocabulary files, and the data files: *paths* expanded, or the bundled data."""
    data = expand_paths(paths) if paths else resources.bundled_data_files()
    return resources.vocabulary_files(), data


# --- RDF/XML entities ----------------------------------------------------------------------

_ENTITY = re.compile(rb"""<!ENTITY\s+(%\s*)?([^\s>]+)\s*((?:"[^"]*"|'[^']*'|[^>"'])*)>""", re.S)
_ENTITY_VALUE = re.compile(rb"""^\s*(?:"([^"]*)"|'([^']*)')\s*$""", re.S)


def check_xml_entities(path: Path, content: bytes) -> None:
    """Refuse RDF/XML entity declarations that are unsafe: external entities (``SYSTEM`` /
    ``PUBLIC``: a file or URL would be read), parameter entities, entities defined through
    other entities (exponential "billion laughs" expansion), and plain ones whose uses would
    add more than :data:`MAX_ENTITY_EXPANSION` bytes. Namespace abbreviations such as
    ``<!ENTITY owl "http://www.w3.org/2002/07/owl#">`` stay allowed.

    :raises UnsafeInputError: naming the entity and why it is refused.
    """
    if b"<!ENTITY" not in content:
        return
    hint = ("Remove the <!DOCTYPE …> entity declarations (write the IRIs out in full, or "
            "convert the file to Turtle); imhgraph never expands entities that could read "
            "files, reach the network or grow without bound.")
    added = 0
    for match in _ENTITY.finditer(content):
        percent, raw_name, rest = match.groups()
        name = raw_name.decode("utf-8", "replace")
        if percent:
            raise UnsafeInputError(f"{path}: RDF/XML declares the parameter entity %{name}; refused", hint=hint)
        value_match = _ENTITY_VALUE.match(rest)
        if value_match is None:
            kind = "external" if re.match(rb"\s*(SYSTEM|PUBLIC)\b", rest) else "unsupported"
            raise UnsafeInputError(
                f"{path}: RDF/XML declares the {kind} entity &{name}; "
                f"({rest.strip().decode('utf-8', 'replace')[:80]}); refused, nothing was read",
                hint=hint,
            )
        value = value_match.group(1) if value_match.group(1) is not None else value_match.group(2)
        if re.search(rb"&(?!#)|%", value):
            raise UnsafeInputError(
                f"{path}: RDF/XML entity &{name}; is defined through other entities "
                "(an entity expansion attack, \"billion laughs\"); refused",
                hint=hint,
            )
        added += content.count(b"&" + raw_name + b";") * len(value)
        if added > MAX_ENTITY_EXPANSION:
            raise UnsafeInputError(
                f"{path}: RDF/XML entities would expand to more than "
                f"{human_size(MAX_ENTITY_EXPANSION)}; refused",
                hint=hint,
            )


# --- nesting depth --------------------------------------------------------------------------

#: JSON-LD objects or RDF/XML elements nested deeper than this are refused: Oxigraph's JSON-LD
#: parser needs memory growing with the square of the depth and overflows its stack (the
#: process dies) at a few thousand levels; its RDF/XML parser slows down with the square of
#: the depth. Real data nests a handful of levels.
MAX_NESTING = 256

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_XML_OPEN = re.compile(rb"<[A-Za-z_]")
_ALL_BYTES = bytes(range(256))
_NOT_JSON_STRUCTURE = bytes(b for b in _ALL_BYTES if b not in b"{}[]")
_NOT_XML_STRUCTURE = bytes(b for b in _ALL_BYTES if b not in b"\x01\x02\x03")


def nesting_depth(fmt: ox.RdfFormat, content: bytes) -> int:
    """How deep the JSON objects/arrays or XML elements of *content* nest (an estimate that
    never needs more than one pass of C-speed scans; strings and attribute values are skipped)."""
    import numpy as np

    if fmt == ox.RdfFormat.JSON_LD:
        structure = _JSON_STRING.sub(b"", content).translate(None, _NOT_JSON_STRUCTURE)
        opening = (ord("{"), ord("["))
    else:
        marked = _XML_OPEN.sub(b"\x03", content.replace(b"/>", b"\x01").replace(b"</", b"\x02"))
        structure = marked.translate(None, _NOT_XML_STRUCTURE)
        opening = (3,)
    if not structure:
        return 0
    codes = np.frombuffer(structure, dtype=np.uint8)
    steps = np.where(np.isin(codes, opening), 1, -1).astype(np.int32)
    return int(np.cumsum(steps).max())


def check_nesting(path: Path, fmt: ox.RdfFormat, content: bytes) -> None:
    """Refuse JSON-LD or RDF/XML nested deeper than :data:`MAX_NESTING`.

    :raises UnsafeInputError: naming the depth found.
    """
    depth = nesting_depth(fmt, content)
    if depth > MAX_NESTING:
        what = "JSON objects and arrays" if fmt == ox.RdfFormat.JSON_LD else "XML elements"
        raise UnsafeInputError(
            f"{path}: {what} nest {depth} levels deep (more than {MAX_NESTING}); refused, as "
            "parsing it could exhaust the memory or crash the parser",
            hint="Real RDF nests a handful of levels; convert the file to Turtle or N-Triples "
            "(flat, any size) if it is genuine.",
        )


# --- syntax errors in plain words ----------------------------------------------------------


def explain_syntax_error(
    path: Path, fmt: ox.RdfFormat, content: bytes, message: str, line: int | None, column: int | None
) -> InputFileError | RdfSyntaxError:
    """The error to show for a parser *message* on *content*: binary or non-UTF-8 content and
    content of another format than the file's name says are named as such; known Turtle
    mistakes are said in plain words; the line is quoted with a caret under the column."""
    binary = _binary_kind(content)
    if binary:
        return InputFileError(
            f"{path}: not an RDF text file: the content is {binary}",
            hint="Give imhgraph Turtle (.ttl), JSON-LD (.jsonld), N-Triples (.nt) or RDF/XML (.rdf) files.",
        )
    if fmt != ox.RdfFormat.RDF_XML:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_line = content.count(b"\n", 0, exc.start) + 1
            byte = content[exc.start]
            guess = bytes([byte]).decode("cp1252", "replace")
            return RdfSyntaxError(
                str(path),
                f"not UTF-8 text: byte 0x{byte:02x} (probably {guess!r} saved as Latin-1/Windows-1252)",
                line=bad_line,
                hint="Save the file as UTF-8 (most editors: Save As… → Encoding: UTF-8).",
            )
    declared = _KIND_OF_FORMAT.get(fmt)
    looks = sniff(content)
    if declared and looks and (declared, looks) not in _COMPATIBLE:
        ending = _ENDING_FOR_KIND.get(looks)
        if looks == "CSV":
            hint = "Turn a spreadsheet into Turtle with `imhgraph import-csv FILE.csv --output FILE.ttl`."
        elif looks == "HTML":
            hint = "A web page was saved instead of the data: download the data file itself."
        else:
            hint = f"Rename it to end in {ending}." if ending else None
        return RdfSyntaxError(
            str(path),
            f"the file name says {declared} ({path.suffix}) but the content looks like {looks}",
            hint=hint,
        )
    text = _clean_message(message)
    hint = None
    if "No scheme found in an absolute IRI" in text:
        iri = _iri_at(content, line, column)
        shown = f" <{iri}>" if iri is not None else ""
        text = f"the relative IRI{shown}: N-Triples and N-Quads need full IRIs (https://…)"
        hint = "Write the full IRI, or save the file as Turtle (.ttl), where @base can be declared."
    elif fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        text, hint = _plain_turtle(text, content, line, column)
    excerpt = _excerpt(content, line, column)
    return RdfSyntaxError(str(path), text + excerpt, line=line, column=column, hint=hint)


def sniff(content: bytes) -> str | None:
    """What *content* looks like from its first meaningful characters: ``Turtle``,
    ``N-Triples``, ``JSON-LD``, ``RDF/XML``, ``HTML``, ``CSV`` or None when unsure."""
    head = content[:4096].lstrip(_UTF8_BOM).decode("utf-8", "replace")
    lines = [ln.strip() for ln in head.splitlines()]
    meaningful = [ln for ln in lines if ln and not ln.startswith("#")]
    if not meaningful:
        return None
    first = meaningful[0]
    lower = first.lower()
    # JSON opens an object with a key ({"…) or an array of objects/strings ([{ / ["); Turtle's
    # blank nodes ([ a … ], [] …) and TriG's graph blocks ({ <…> … }) do not look like that.
    if re.match(r'\{\s*["}]|\[\s*[{"\[]', "".join(meaningful)[:64]):
        return "JSON-LD"
    if lower.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "HTML"
    if lower.startswith("<?xml") or lower.startswith("<rdf:rdf") or lower.startswith("<!doctype rdf"):
        return "RDF/XML"
    if re.match(r"(@prefix|@base|prefix\s|base\s)", lower):
        return "Turtle"
    if re.match(r"<[^>\s]+>\s+<[^>\s]+>\s+.+\.\s*$", first):
        return "N-Triples"
    if re.match(r"^[\w\s\"]+([,;\t][\w\s\"]+){2,}$", first) and ":" not in first:
        return "CSV"
    return None


def _binary_kind(content: bytes) -> str | None:
    for magic, name in _MAGIC:
        if content.startswith(magic):
            return name
    head = content[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text (save it as UTF-8)"
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if b"\x00" in head or controls > len(head) // 20:
        return "binary data, not text"
    return None


def _clean_message(message: str) -> str:
    # Oxigraph says "Parser error at line 3 column 7: Unexpected end (line 3)"; the position
    # is reported separately, so keep only the explanation.
    message = re.sub(r"^Parser error (?:at|between) [^:]*: ", "", message)
    return re.sub(r"\s*\(line \d+\)$", "", message)


def _plain_turtle(text: str, content: bytes, line: int | None, column: int | None) -> tuple[str, str | None]:
    """Oxigraph's Turtle messages said the way a person editing the file thinks of them."""
    undefined = re.match(r"The prefix (\S*): has not been declared", text)
    if undefined:
        prefix = undefined.group(1)
        declared = sorted(set(re.findall(r"(?im)^\s*@?prefix\s+([\w.-]*):", content.decode("utf-8", "replace"))))
        close = difflib.get_close_matches(prefix, declared, n=3, cutoff=0.5)
        hint = f"Declare it at the top: @prefix {prefix}: <IRI> ."
        if close:
            hint = "Did you mean: " + ", ".join(f"{c}:" for c in close) + "? Or declare it: " \
                f"@prefix {prefix}: <IRI> ."
        return f"undefined prefix {prefix!r} (no @prefix {prefix}: declaration)", hint
    if text.startswith("Unexpected end of file"):
        start = _char_at(content, line, column)
        if start in ('"', "'"):
            return ("a string starts here and is never closed (unexpected end of file)",
                    'Close the string with the same quote; text over several lines goes in """…""".')
        if start == "<":
            return ("an IRI starts here and is never closed with '>' (unexpected end of file)",
                    "Close the IRI with '>' on the same line.")
        return "unexpected end of file: the last statement is not finished", "End each statement with ' .'"
    if text.startswith("Line jumps are not allowed in string literals"):
        return ("a string is not closed before the end of the line",
                'Close the string with the same quote; text over several lines goes in """…""".')
    if text.startswith("A dot is expected at the end of statements"):
        return ("a '.' is missing at the end of the statement before this point",
                "End each statement with ' .' (use ';' to add another property of the same subject).")
    code_point = re.match(r"Invalid IRI code point '(.*)'$", text)
    if code_point:
        return (f"invalid character {code_point.group(1)!r} inside an IRI <…>",
                "IRIs cannot hold spaces or any of <>\"{}|^`\\; percent-encode them (a space is %20).")
    return text, None


def _line_text(content: bytes, line: int | None) -> str | None:
    if not line or line < 1:
        return None
    start = 0
    for _ in range(line - 1):
        start = content.find(b"\n", start) + 1
        if start == 0:
            return None
    end = content.find(b"\n", start)
    raw = content[start:] if end < 0 else content[start:end]
    return raw.decode("utf-8", "replace").rstrip("\r")


def _iri_at(content: bytes, line: int | None, column: int | None) -> str | None:
    """The ``<…>`` IRI that starts at *line*, *column* of *content*, or None."""
    text = _line_text(content, line)
    if text is None or not column or column > len(text) or text[column - 1] != "<":
        return None
    end = text.find(">", column)
    return text[column:end] if end >= 0 else None


def _char_at(content: bytes, line: int | None, column: int | None) -> str | None:
    text = _line_text(content, line)
    if text is None or not column or column > len(text):
        return None
    return text[column - 1]


def _excerpt(content: bytes, line: int | None, column: int | None) -> str:
    """The offending line and a caret under the column (tabs kept so the caret lines up)."""
    text = _line_text(content, line)
    if text is None or not text.strip() or len(text) > 300:
        return ""
    gutter = f"{line} | "
    out = f"\n  {gutter}{text}"
    if column and 0 < column <= len(text) + 1:
        pad = "".join(c if c == "\t" else " " for c in text[: column - 1])
        out += "\n  " + " " * (len(gutter) - 2) + "| " + pad + "^"
    return out


def _remote_context(content: bytes) -> str | None:
    """The first non-inline ``@context`` (or ``@import``) reference in a JSON-LD document."""
    if len(content) > 64 * 1024**2:
        return None
    try:
        document = json.loads(content)
    except (ValueError, RecursionError):
        return None
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key in ("@context", "@import"):
                ref = value.get(key)
                if isinstance(ref, str):
                    return ref
                if isinstance(ref, list):
                    refs = [r for r in ref if isinstance(r, str)]
                    if refs:
                        return refs[0]
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    return None
