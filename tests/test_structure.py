"""The shape of the code: no import cycles between the modules of ``src/imhgraph``, and one
rendering path (only the rendering modules lay out text for people).

Every ``import`` counts, also those inside functions (a lazy import only hides a cycle, it does
not break it); only imports under ``if TYPE_CHECKING:`` are left out, as they never run. A
package's own ``__init__`` importing its submodules is not a cycle (that is how packages expose
their names), so importing ``a.b`` is an edge to ``a.b``, not to ``a``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "imhgraph"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of the package that *name* (at *path*) imports, anywhere in its body."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking_only(node):
            for child in getattr(node, "orelse", []):
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:
                    found.add(sub)
                elif target in known:
                    found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def connect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_the_walker_sees_lazy_and_relative_imports() -> None:
    graph = import_graph()
    # A module-level relative import, a relative import inside a function, a parent-relative one.
    assert "imhgraph.errors" in graph["imhgraph.ids"]
    assert "imhgraph.stores" in graph["imhgraph.coverage.data"]
    assert "imhgraph.sparql.binding" in graph["imhgraph.stores"]  # inside OxigraphBackend._run
    assert "imhgraph.ids" in graph["imhgraph.sparql.params"]  # `from .. import ids` in a function


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    if found:
        pytest.fail("import cycles between modules of src/imhgraph: " + "; ".join(" ↔ ".join(c) for c in found))


#: modules that turn results into output: they get values, never a store to query.
RENDERING = ("imhgraph.render", "imhgraph.report")
STORE_MODULES = {"imhgraph.stores", "imhgraph.disk", "imhgraph.endpoint", "imhgraph.backends"}


def test_rendering_never_imports_a_store() -> None:
    graph = import_graph()
    for name in RENDERING:
        assert not graph[name] & STORE_MODULES, f"{name} imports {sorted(graph[name] & STORE_MODULES)}"


ARCHITECTURE = (SRC.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def test_every_module_is_on_the_architecture_map() -> None:
    missing = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if f"`{path.relative_to(PACKAGE).as_posix()}`" not in ARCHITECTURE
    ]
    assert not missing, f"docs/ARCHITECTURE.md does not name these modules (as `path/in/imhgraph.py`): {missing}"


#: above this many lines a module says at the top why it is one module.
LONG_MODULE = 500


def test_long_modules_say_why_they_are_one() -> None:
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > LONG_MODULE and "Why one module:" not in (ast.get_docstring(ast.parse(text)) or ""):
            unexplained.append(f"{path.relative_to(PACKAGE)} ({len(text.splitlines())} lines)")
    assert not unexplained, (
        f"modules over {LONG_MODULE} lines without a 'Why one module: …' paragraph in their docstring "
        f"(split them, or say why not): {unexplained}"
    )


def test_the_readme_links_the_map() -> None:
    readme = (SRC.parent / "README.md").read_text(encoding="utf-8")
    assert "(docs/ARCHITECTURE.md)" in readme


# -- one rendering path: the domain and the commands declare, the rendering modules lay out ------

#: the modules that lay out text for people (and the HTML page).
LAYOUT_MODULES = {"imhgraph.render", "imhgraph.blocks", "imhgraph.render_matrix", "imhgraph.report"}
#: modules that join lines of text that is not for people, and why.
JOINS_LINES = {
    "imhgraph.export": "serialises N-Triples and Turtle (data formats)",
    "imhgraph.fastvalidate": "generates the SPARQL of each shape",
    "imhgraph.importer": "lists the problems of a spreadsheet in its error message",
}
#: what only the rendering modules use from render.py: the pieces of the layout.
LAYOUT_NAMES = {
    "wrap", "fit_text", "fit_line", "fit_chunks", "text_width", "render_text", "render_table",
    "render_markdown", "render_delimited", "render_json", "stream_json", "json_text",
}
_WIDTH_SPEC = re.compile(r"^(.?[<>^=])?[+\- ]?#?[1-9]")


def layout_problems(name: str, source: str) -> list[str]:
    """What in *source* (module *name*) lays out text for people itself: padding (``ljust``,
    a width in a format spec), wrapping (``textwrap``, render's layout functions), joining
    lines, writing CSV, or a ``document()`` hook declared to return text."""
    found: list[str] = []

    def at(node: ast.AST, what: str) -> None:
        found.append(f"{name}:{getattr(node, 'lineno', '?')}: {what}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr, owner = node.func.attr, node.func.value
            if attr in ("ljust", "rjust", "center"):
                at(node, f"pads text (.{attr})")
            elif attr == "join" and isinstance(owner, ast.Constant) and owner.value == "\n" and name not in JOINS_LINES:
                at(node, 'joins lines ("\\n".join)')
            elif attr == "writer" and isinstance(owner, ast.Name) and owner.id == "csv":
                at(node, "writes CSV (csv.writer)")
        elif isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
            spec = "".join(v.value for v in node.format_spec.values if isinstance(v, ast.Constant))
            if _WIDTH_SPEC.match(spec):
                at(node, f"pads text (format spec {spec!r})")
        elif isinstance(node, ast.Import) and any(a.name == "textwrap" for a in node.names):
            at(node, "wraps text (textwrap)")
        elif isinstance(node, ast.ImportFrom):
            if node.module == "textwrap":
                at(node, "wraps text (textwrap)")
            elif (node.module or "").split(".")[-1] == "render":
                for alias in node.names:
                    if alias.name in LAYOUT_NAMES:
                        at(node, f"lays out text (render.{alias.name})")
        elif isinstance(node, ast.FunctionDef) and node.name == "document":
            returns = ast.unparse(node.returns) if node.returns else ""
            if not returns or re.search(r"\b(str|Iterable|Iterator)\b", returns):
                at(node, f"document() must return a render.Document, not {returns or 'anything'}")
    return found


def test_the_layout_check_finds_text_composed_in_the_domain() -> None:
    domain = '''
from .render import Result, fit_text
class Report(Result):
    def document(self, fmt: str, width: int | None = None) -> str | None:
        lines = [f"{self.kind:<9} {self.id.ljust(12)}"]
        return "\\n".join(lines) + "\\n"
'''
    found = layout_problems("imhgraph.example", domain)
    assert sorted(f.split(": ", 1)[1] for f in found) == sorted([
        "lays out text (render.fit_text)",
        "document() must return a render.Document, not str | None",
        'joins lines ("\\n".join)',
        "pads text (format spec '<9')",
        "pads text (.ljust)",
    ])
    declared = '''
from .blocks import Blocks, Line
class Report(Result):
    def document(self, fmt: str) -> Blocks | None:
        return Blocks((Line(f"{self.share:.0%} of {self.code:04X}"),))
'''
    assert layout_problems("imhgraph.example", declared) == []


def test_only_the_rendering_modules_lay_out_text() -> None:
    problems = [
        problem
        for name, path in all_modules().items()
        if name not in LAYOUT_MODULES
        for problem in layout_problems(name, path.read_text(encoding="utf-8"))
    ]
    assert not problems, (
        "text for people is laid out outside the rendering modules (declare it as blocks, see "
        "imhgraph.blocks and docs/ARCHITECTURE.md 'How a result becomes output'):\n" + "\n".join(problems)
    )


def test_rendering_imports_nothing_of_the_domain() -> None:
    graph = import_graph()
    allowed = {"imhgraph.render", "imhgraph.namespaces"}
    for name in ("imhgraph.render", "imhgraph.blocks", "imhgraph.render_matrix"):
        assert graph[name] <= allowed, f"{name} imports {sorted(graph[name] - allowed)}"


def test_commands_write_their_output_through_render() -> None:
    """A command's output goes ``emit_result(result, fmt, output, note=…)``, so that
    render decides how it reads; a command prints only messages, on standard error."""
    found = []
    for name, path in all_modules().items():
        if not name.startswith("imhgraph.commands.") or name == "imhgraph.commands._options":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if called == "emit":
                found.append(f"{name}:{node.lineno}: emit() (use emit_result)")
            elif called == "echo" and not any(k.arg == "err" for k in node.keywords):
                found.append(f"{name}:{node.lineno}: click.echo to standard output (use emit_result)")
    assert not found, "\n".join(found)
