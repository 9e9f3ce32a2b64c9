"""The HTML report: one self-contained page about the whole graph.

The page holds an overview (counts, curricula, how many sources record when they were read),
the coverage heatmap as an HTML table in a keyboard-focusable scroll region with the program
names kept in view, the same answers as per-program lists, program similarity and communities,
a programs × credentials table and each credential's gaps, topic centrality, and the sources
behind every program. Programs are sorted by name. It loads nothing from anywhere (inline CSS
only, no script), so it works offline and as an e-mail attachment; on a phone (``max-width``
media query) wide tables scroll in their own region and gap tables stack; in print
(``@media print``, named landscape pages) the wide tables are scaled to a page by a zoom
computed here.

Every text from the data goes through :func:`html.escape`; the page is deterministic (no
"generated at" time), so the same data gives a byte-identical file.

Why one module: it is one HTML page; its stylesheet and the sections that share it
read best together (the data it draws is gathered in :mod:`imhgraph.report_data`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from .namespaces import short_id

#: Fill colour of each coverage cell value (Okabe–Ito based; each also has its own pattern).
CELL_COLOURS: dict[str, str] = {
    "direct": "#0072B2",
    "narrower": "#A6D5F2",
    "no": "#E4E4E4",
    "unknown": "#F6EB9A",
}

#: Above this many programs the similarity matrix is replaced by the list of top pairs.
MATRIX_LIMIT = 60


_CSS = """
:root { --ink:#1a1a1a; --muted:#555; --line:#c8c8c8; --accent:#005a8c; --bg-alt:#f4f6f8; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: #fff; line-height: 1.45; }
body { margin: 0 auto; max-width: 1500px; padding: 1.5rem 1.5rem 3rem; overflow-wrap: break-word; }
p, ol.plain { max-width: 95ch; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .4rem; }
p.lead { color: var(--muted); margin-top: 0; }
a { color: var(--accent); }
a:focus, a:hover { color: #003a5c; }
:focus-visible { outline: 3px solid #c75000; outline-offset: 2px; }
nav ol { columns: 2; margin: .5rem 0 0; padding-left: 1.4rem; }
.cards { display: flex; flex-wrap: wrap; gap: .6rem; margin: .8rem 0; padding: 0; list-style: none; }
.cards li { border: 1px solid var(--line); border-radius: 6px; padding: .45rem .9rem; min-width: 8.5rem; background: var(--bg-alt); }
.cards b { display: block; font-size: 1.5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; vertical-align: top; text-align: left; }
thead th { background: #e8edf2; }
tbody tr:nth-child(even) { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; max-width: 100%; }
.sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; margin: .6rem 0; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: .4rem; }
.sw { display: inline-block; width: 1.2rem; height: 1.2rem; line-height: 1.2rem; text-align: center; font-size: .8rem; border: 1px solid #777; flex: none; }
.v-direct { background: #0072B2; color: #fff; }
.v-narrower { background: #A6D5F2; color: #1a1a1a; }
.v-no { background: #E4E4E4; color: #3b3b3b; }
.v-unknown { background: #F6EB9A; color: #1a1a1a; }
.heatmap { overflow: auto; max-width: 100%; border: 1px solid var(--line); }
table.hm { border-collapse: separate; border-spacing: 0; margin: 0; font-size: .75rem; }
table.hm caption { padding: .3rem .5rem; position: sticky; left: 0; max-width: calc(100vw - 2rem); }
table.hm th, table.hm td { border: 0; padding: 0; }
table.hm td { width: 15px; min-width: 15px; height: 15px; text-align: center; vertical-align: middle;
  font-size: 9px; line-height: 13px; border-right: 1px solid #fff; border-bottom: 1px solid #fff; position: relative; }
table.hm td.a, table.hm thead th.a { border-left: 1px solid #555; }
table.hm thead th { background: #fff; vertical-align: bottom; font-weight: 400; padding: 0 0 4px; }
table.hm thead th.top { font-weight: 700; }
table.hm thead th > span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; display: inline-block; }
table.hm th[scope="row"], table.hm thead th.corner { position: sticky; left: 0; z-index: 1; background: #fff;
  min-width: 10rem; max-width: 17rem; white-space: normal; text-align: right; padding: 0 .5rem 0 .3rem;
  font-weight: 400; line-height: 1.15; vertical-align: middle; border-right: 1px solid var(--line); }
table.hm thead th.corner { vertical-align: bottom; font-weight: 600; z-index: 2; }
table.hm tbody tr:nth-child(even) th { background: #f4f6f8; }
table.cross thead th { vertical-align: bottom; font-weight: 400; }
table.cross thead th > span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; display: inline-block; max-height: 22rem; }
table.cross td { text-align: center; min-width: 2rem; }
table.cross th[scope="row"], table.cross thead th.corner { position: sticky; left: 0; z-index: 1; background: #fff; min-width: 10rem; max-width: 17rem; }
table.cross thead th.corner { background: #e8edf2; vertical-align: bottom; font-weight: 600; }
.print-only { display: none; }
details.credential { border-bottom: 1px solid var(--line); }
details.credential summary { cursor: pointer; }
details.credential summary h3 { display: inline; font-size: 1.02rem; }
details.alt { border-bottom: 1px solid var(--line); padding: .2rem 0; }
details.alt summary { cursor: pointer; }
details.alt dl { margin: .3rem 0 .6rem 1.2rem; }
details.alt dt { font-weight: 600; }
details.alt dd { margin: 0 0 .3rem 1rem; }
table.sim td.zero { color: #6b6b6b; }
table.sim td { text-align: center; min-width: 2.6rem; font-variant-numeric: tabular-nums; }
.tag { display: inline-block; border-radius: 3px; padding: 0 .35rem; font-size: .8rem; border: 1px solid var(--line); }
.tag.core { background: #0072B2; color: #fff; border-color: #0072B2; }
.tag.common { background: #e8edf2; }
.tag.distinctive { background: #F0E442; color: #1a1a1a; }
.muted { color: var(--muted); }
ul.plain { padding-left: 1.2rem; margin: .2rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); padding-top: .6rem; }
@media (hover: none) {
  table.hm td:hover::after, table.hm td:active::after { content: attr(title); position: absolute; left: 0; top: 100%;
    z-index: 3; width: 14rem; white-space: normal; text-align: left; font-size: .8rem; line-height: 1.3;
    background: #1a1a1a; color: #fff; padding: .3rem .45rem; border-radius: 4px; }
}
@media (max-width: 40rem) {
  body { padding: .8rem .7rem 2rem; }
  h1 { font-size: 1.45rem; }
  nav ol { columns: 1; }
  .cards li { min-width: 6.5rem; padding: .35rem .6rem; }
  table.hm th[scope="row"], table.hm thead th.corner { min-width: 7rem; max-width: 8.5rem; font-size: .7rem; }
  table.stack, table.stack tbody, table.stack tr, table.stack td, table.stack th[scope="row"] { display: block; width: 100%; }
  table.stack caption { display: block; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack tr { border: 1px solid var(--line); margin: 0 0 .6rem; padding: .2rem 0; }
  table.stack td, table.stack th[scope="row"] { border: 0; padding: .1rem .5rem; text-align: left; }
  table.stack td:empty { display: none; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
}
@page { size: A4; margin: 12mm 11mm; }
@page wide { size: A4 landscape; margin: 10mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; }
  nav, .alt, .no-print, #coverage-lists, .nearest { display: none; }
  .print-only { display: block; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 1.2rem; font-size: 13pt; }
  h3 { break-after: avoid; page-break-after: avoid; }
  section { break-inside: auto; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  table { font-size: 8pt; }
  .scroll, .heatmap { overflow: visible; border: 0; }
  #coverage, #similarity, #gaps { page: wide; }
  #gaps { break-before: page; }
  #similarity ol.plain { columns: 2; column-gap: 1.5rem; max-width: none; font-size: 8pt; }
  #similarity ol.plain li { break-inside: avoid; }
  .legend { gap: 0 1rem; margin: .2rem 0; }
  .sw { width: .9rem; height: .9rem; line-height: .9rem; font-size: 6pt; }
  #sources table, #centrality table { font-size: 6.5pt; line-height: 1.25; }
  #sources th[scope="row"] .muted { display: none; }
  #sources th, #sources td, #centrality th, #centrality td { padding: .05rem .3rem; }
  #sources ul.plain { margin: 0; }
  table.hm, table.sim, table.cross { zoom: var(--print-zoom, 1); }
  table.cross { font-size: 7pt; }
  table.cross td, table.cross th { padding: .05rem .2rem; }
  table.cross th[scope="row"], table.hm th[scope="row"], table.sim th[scope="row"] { white-space: nowrap; }
  table.hm { font-size: 6.5pt; }
  table.hm td { width: 11px; min-width: 11px; height: 11px; font-size: 6pt; line-height: 10px; }
  table.hm th[scope="row"], table.hm thead th.corner, table.cross th[scope="row"], table.cross thead th.corner { min-width: 0; max-width: none; position: static; }
  table.sim { font-size: 6.5pt; }
  table.sim td { min-width: 0; padding: .1rem .15rem; }
  table.sim th { padding: .1rem .25rem; }
  a { color: var(--ink); text-decoration: none; }
  section#sources .all a[href^="http"]::after { content: " <" attr(href) ">"; font-size: 6pt; color: var(--muted); word-break: break-all; }
  thead th { background: #eee !important; }
  table.hm thead th { background: #fff !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".strip()


@dataclass
class ProgramSources:
    """What the report says about where a program's facts come from."""

    organizations: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    retrieved: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report draws (see :func:`imhgraph.report_data.gather`)."""

    counts: Any
    data: Any
    grid: Any
    similar: Any
    groups: Any
    central: Any
    rankings: list[Any]
    retrieved: list[str]
    sources: dict[str, ProgramSources]
    #: "memory", "store" or "endpoint" (the overview says where the data came from).
    backend_kind: str
    #: the courses and evidence behind each program's coverage (heatmap titles name the courses)
    evidence: Any = None
    #: the resources (sources, programs, …) that record when they were read (imh:retrieved)
    dated: frozenset[str] = frozenset()


def render_report(inputs: ReportInputs, *, title: str = "Infant Mental Health training: imhgraph report") -> str:
    """The HTML page for what :func:`imhgraph.report_data.gather` collected."""
    counts, data, grid = inputs.counts, inputs.data, inputs.grid
    similar, groups, central, rankings = inputs.similar, inputs.groups, inputs.central, inputs.rankings
    retrieved, sources = inputs.retrieved, inputs.sources
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(title)}</h1>",
        '<p class="lead">Programs, the topics they teach and the credentials they lead to, '
        "from the imhgraph knowledge graph.</p>",
        "</header>",
        _nav(),
        "<main>",
        _overview(counts, retrieved, inputs.backend_kind, inputs.dated, data),
        _heatmap_section(grid, data, inputs.evidence),
        _similarity_section(similar, groups),
        _gaps_section(rankings, data),
        _centrality_section(central),
        _sources_section(data, sources, counts.sources),
        "</main>",
        _footer(),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


_SECTIONS = (
    ("overview", "Overview"),
    ("coverage", "Coverage heatmap"),
    ("similarity", "Similarity and communities"),
    ("gaps", "Gaps against credentials"),
    ("centrality", "Topic centrality"),
    ("sources", "Sources behind every program"),
)


def _nav() -> str:
    items = "".join(f'<li><a href="#{key}">{escape(name)}</a></li>' for key, name in _SECTIONS)
    return f'<nav aria-label="Contents"><h2 id="contents">Contents</h2><ol>{items}</ol></nav>'


def _overview(counts: Any, retrieved: list[str], backend_kind: str, dated: Collection[str] = (),
              data: Any = None) -> str:
    order = ("programs", "organizations", "credentials", "topics", "professions", "sources")
    cards = "".join(
        f"<li><b>{counts.counts.get(k, 0):,}</b>{escape(k)}</li>" for k in order
    ) + f"<li><b>{counts.triples:,}</b>triples</li>"
    date = f"<p>{_dates_sentence(counts, retrieved, dated)}</p>"
    origin = ", ".join(Path(o).name if backend_kind == "memory" else o for o in counts.origin)
    if getattr(counts, "graph", None):  # an endpoint: which of its graphs was read
        origin += f" ({counts.graph})"
    where = (f"<p class=\"muted\">Data: {escape(backend_kind)} backend"
             + (f", {escape(origin)}" if origin else "") + ".</p>")
    cited = (f'<p>The data cites {len(counts.sources)} sources; <a href="#sources">Sources</a> lists them '
             "program by program and by how often they are cited.</p>")
    curricula = ""
    if data is not None:
        recorded, missing = data.split_recorded()
        curricula = (f"<p><strong>{len(recorded)} of {len(recorded) + len(missing)} programs have a recorded "
                     "curriculum</strong> (at least one topic the data says they cover, or a curriculum declared "
                     f"complete). The other {len(missing)} are unknown, not empty: similarity, communities, "
                     "centrality and the gap rankings are computed over the programs with curricula and list the "
                     "others apart.</p>")
    return _section("overview", "Overview", f'<ul class="cards">{cards}</ul>{curricula}{_curricula_sentence(counts)}'
                    f"{date}{cited}{where}")


def _dates_sentence(counts: Any, retrieved: Sequence[str], dated: Collection[str]) -> str:
    """How many sources (and other resources) record when they were read, and the dates: honest
    about how few do ("1 of 83 sources records when it was read")."""
    if not retrieved:
        return "The data does not record when its sources were read."
    cited = {iri for iri, _, _ in counts.sources}
    sources = len(set(dated) & cited)
    others = len(set(dated) - cited)
    span = (f"on {escape(retrieved[0])}" if len(retrieved) == 1
            else f"between {escape(retrieved[0])} and {escape(retrieved[-1])}")
    parts = []
    if cited:
        parts.append(f"{sources} of {len(cited)} sources {'records when it was' if sources == 1 else 'record when they were'} read")
    if others or not cited:
        parts.append(f"{others} other {'resource' if others == 1 else 'resources'} (programs, organizations) "
                     f"{'records' if others == 1 else 'record'} when {'its' if others == 1 else 'their'} facts were read")
    rest = (f"; the other {len(cited) - sources} sources do not say when they were read"
            if cited and sources < len(cited) else "")
    return f"{' and '.join(parts)[0].upper()}{' and '.join(parts)[1:]}, {span}{rest}."


def _curricula_sentence(counts: Any) -> str:
    figures = getattr(counts, "curricula", None)
    if figures is None:
        return ""
    from .coverage.evidence import MIN_COURSES

    return (f"<p>{figures.programs_with_curriculum} of {figures.programs} programs have a recorded curriculum "
            f"(at least {MIN_COURSES} courses, each with evidence for the topics it teaches); "
            f"{figures.complete} {'declares' if figures.complete == 1 else 'declare'} "
            f"{'its' if figures.complete == 1 else 'their'} curriculum complete, so that a topic missing from it "
            "reads <em>no</em> rather than <em>unknown</em>.</p>")


#: The glyph in each heatmap cell, so that values differ by more than colour.
CELL_GLYPHS: dict[str, str] = {"direct": "●", "narrower": "◐", "no": "×", "unknown": "?"}


def by_label(items: Iterable[str], label: Callable[[str], str]) -> list[str]:
    """*items* sorted by their label (case-insensitive), the ID breaking ties: what a reader sees."""
    return sorted(items, key=lambda item: (label(item).casefold(), label(item), item))


def _heatmap_section(grid: Any, data: Any, evidence: Any = None) -> str:
    from .coverage import CELL_VALUES, MEANINGS

    totals = {v: 0 for v in CELL_VALUES}
    summary_rows = []
    counts = grid.counts()
    for program in by_label(grid.programs, grid.program_label):
        c = counts[program]
        for v in CELL_VALUES:
            totals[v] += c[v]
        summary_rows.append([escape(grid.program_label(program)), *(_num(c[v]) for v in CELL_VALUES)])
    legend = "".join(
        f'<li>{_swatch(v)}<span><strong>{escape(v)}</strong>: {escape(MEANINGS[v])} '
        f'<span class="muted">({totals[v]:,} cells)</span></span></li>'
        for v in CELL_VALUES
    )
    intro = (
        f"<p>{len(grid.programs)} programs (rows, by name) × {len(grid.topics)} topics (columns, in the order of "
        "the topic hierarchy; top-level areas in bold, separated by lines). Tap or hover a cell for its program, "
        "topic and value (and, for a topic taught in a course, the course); the heatmap scrolls sideways with the "
        "program names kept in view, and <a href=\"#coverage-lists\">the same answers as lists</a> follow it. "
        "<em>no</em> and <em>unknown</em> are different answers: <em>no</em> means the program "
        "lists its whole curriculum and this topic is not in it; <em>unknown</em> means the data does not say.</p>"
    )
    summary = _table(
        ["program", *CELL_VALUES],
        summary_rows,
        caption="The same matrix counted per program",
        kind="no-print",
        numeric={1, 2, 3, 4},
        row_header=True,
    )
    body = (f'{intro}<ul class="legend" aria-label="Legend">{legend}</ul>'
            f"{heatmap_table(grid, data, evidence)}{summary}{_coverage_lists(grid, evidence)}")
    return _section("coverage", "Coverage heatmap", body)


def heatmap_table(grid: Any, data: Any, evidence: Any = None) -> str:
    """The coverage matrix as an HTML table inside a keyboard-focusable, labelled scroll region:
    one ``td`` with ``data-cell`` per program and topic, coloured and marked with the value's glyph,
    with a ``title`` (shown on hover, or on tap on a touch screen) that names the course(s) behind a
    direct cell (from *evidence*, :class:`~imhgraph.coverage.evidence.Evidence`). Rows are sorted
    by program name; the name column stays in view while the table scrolls sideways."""
    levels = dict(data.topic_order())
    topics = list(grid.topics)
    rows = dict(grid.rows())
    starts = {j for j, t in enumerate(topics) if j and levels.get(t, 1) == 0}
    head = ['<th scope="col" class="corner">program</th>']
    for j, topic in enumerate(topics):
        classes = " ".join(c for c in ("a" if j in starts else "", "top" if levels.get(topic, 1) == 0 else "") if c)
        head.append(f'<th scope="col"{f" class={chr(34)}{classes}{chr(34)}" if classes else ""}>'
                    f"<span>{escape(grid.topic_label(topic))}</span></th>")
    body = []
    for program in by_label(grid.programs, grid.program_label):
        label = grid.program_label(program)
        cells = []
        for j, (topic, value) in enumerate(zip(topics, rows[program])):
            tip = f"{label} — {grid.topic_label(topic)}: {value}{_through(evidence, program, topic, value)}"
            cls = f"v-{value} a" if j in starts else f"v-{value}"
            cells.append(f'<td class="{cls}" data-cell="{value}" title="{escape(tip)}">'
                         f'<span aria-hidden="true">{CELL_GLYPHS[value]}</span><span class="sr">{value}</span></td>')
        body.append(f'<tr><th scope="row">{escape(label)}</th>{"".join(cells)}</tr>')
    caption = (f"Coverage heatmap: {len(grid.programs)} programs × {len(topics)} topics; each cell is direct, "
               "narrower, no or unknown, shown by colour and by sign")
    names = max((len(grid.program_label(p)) for p in grid.programs), default=4) * _PRINT_CHAR + 12
    heads = max((len(grid.topic_label(t)) for t in topics), default=4) * _PRINT_CHAR + 8
    zoom = _print_zoom(names + 12 * len(topics), heads + 12 * len(grid.programs) + 20)
    return (f'<div class="heatmap" role="region" tabindex="0" aria-label="Coverage heatmap (scrolls sideways)"{zoom}>'
            f'<table class="hm"><caption>{escape(caption)}</caption><thead><tr>{"".join(head)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _coverage_lists(grid: Any, evidence: Any = None) -> str:
    """The heatmap as lists a screen reader (or anyone without a mouse) can read: per program, the
    topics grouped by cell value, each program in a ``details`` element."""
    from .coverage import CELL_VALUES

    rows = dict(grid.rows())
    items = []
    for program in by_label(grid.programs, grid.program_label):
        groups: dict[str, list[str]] = {v: [] for v in CELL_VALUES}
        cells = dict(zip(grid.topics, rows[program]))
        for topic in by_label(grid.topics, grid.topic_label):
            value = cells[topic]
            groups[value].append(escape(grid.topic_label(topic) + _through(evidence, program, topic, value)))
        summary = ", ".join(f"{len(groups[v])} {v}" for v in CELL_VALUES if groups[v])
        lists = "".join(
            f"<dt>{escape(v)} ({len(groups[v])})</dt><dd>{'; '.join(groups[v])}</dd>"
            for v in CELL_VALUES if groups[v]
        )
        items.append(f'<details class="alt"><summary>{escape(grid.program_label(program))} '
                     f'<span class="muted">({summary})</span></summary><dl>{lists}</dl></details>')
    return ('<h3 id="coverage-lists">Each program\'s topics by answer</h3>'
            '<p class="no-print">The heatmap\'s answers as lists: open a program to read its topics grouped '
            'as direct, narrower, no and unknown.</p>' + "".join(items))


def _through(evidence: Any, program: str, topic: str, value: str) -> str:
    """", through Course A; Course B" for a direct cell that courses cover; else nothing."""
    if evidence is None or value != "direct":
        return ""
    names = evidence.courses_behind(program, topic)
    if not any(n != "the program itself" for n in names):
        return ""
    return ", through " + "; ".join(names)


def _swatch(value: str) -> str:
    """A legend swatch drawn exactly like a heatmap cell."""
    return f'<span class="sw v-{value}" aria-hidden="true">{CELL_GLYPHS[value]}</span>'


def _similarity_section(similar: Any, groups: Any) -> str:
    index = {p: i for i, p in enumerate(similar.programs)}
    programs = by_label(similar.programs, similar.labels.__getitem__)
    numbers = {p: i for i, p in enumerate(programs, start=1)}
    basis = "direct and broader-of-covered topics" if similar.rollup else "the topics each program covers directly"
    intro = (f"<p>Jaccard similarity over {basis}: the number of topics two programs share divided by the number "
             "either covers (1 = the same list, 0 = nothing in common).</p>")
    if programs and len(programs) <= MATRIX_LIMIT:
        matrix = similar.matrix()
        names = max((len(similar.labels[p]) + 4 for p in programs), default=4) * _PRINT_CHAR + 12
        zoom = _print_zoom(names + 26 * len(programs), 15 * len(programs) + 40)
        head = "".join(
            f'<th scope="col" class="num"><abbr title="{escape(similar.labels[p])}">{numbers[p]}</abbr></th>'
            for p in programs
        )
        body = []
        for p in programs:
            cells = "".join(_sim_cell(matrix[index[p]][index[q]], p == q) for q in programs)
            body.append(f'<tr><th scope="row">{numbers[p]}. {escape(similar.labels[p])}</th>{cells}</tr>')
        table = (
            f'<div class="scroll" role="region" tabindex="0" aria-label="Similarity matrix (scrolls sideways)"{zoom}>'
            '<table class="sim"><caption>Similarity matrix (columns numbered as the rows)'
            f'</caption><thead><tr><th scope="col">program</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )
    else:
        top = similar.pairs[:100]
        table = _table(
            ["program A", "program B", "Jaccard", "shared topics"],
            [[escape(similar.labels[p.a]), escape(similar.labels[p.b]), f"{p.jaccard:.2f}", _num(p.shared)]
             for p in top],
            caption=f"The {len(top)} most similar pairs (of {len(similar.pairs):,} with something in common)",
            numeric={2, 3},
        )
    nearest = _table(
        ["program", "most similar", "Jaccard"],
        [[escape(similar.labels[n.program]),
          ", ".join(escape(similar.labels[x]) for x in by_label(n.nearest, similar.labels.__getitem__)) or '<span class="muted">none (no shared topic)</span>',
          f"{n.jaccard:.2f}"]
         for n in sorted(similar.nearest, key=lambda n: (similar.labels[n.program].casefold(), n.program))],
        caption="Each program's nearest neighbour (ties all listed)",
        kind="nearest",
        numeric={2},
        row_header=True,
    )
    items = []
    for c in groups.communities:
        members = ", ".join(escape(similar.labels[p]) for p in by_label(c.programs, similar.labels.__getitem__))
        apart = "; ".join(
            f"{escape(t.label)} <span class=\"muted\">({t.inside:.0%} of members, {t.outside:.0%} of others)</span>"
            for t in c.topics
        ) or '<span class="muted">no topic sets it apart</span>'
        items.append(f"<li><strong>Community {c.number}</strong> ({len(c.programs)} "
                     f"{'program' if len(c.programs) == 1 else 'programs'}): {members}."
                     f"<br>Sets it apart: {apart}</li>")
    comms = (f"<h3>Communities</h3><p>Groups of programs that teach alike (Louvain on the similarity graph, "
             f"seed {groups.seed}); each is described by the topics most members cover and few other programs do.</p>"
             f"<ol class=\"plain\">{''.join(items)}</ol>")
    left = ""
    if similar.left_out:
        names = ", ".join(escape(similar.labels.get(p, short_id(p))) for p in similar.left_out)
        n = len(similar.left_out)
        left = (f"<p><strong>Left out</strong> ({n} {'program' if n == 1 else 'programs'} without a recorded curriculum; "
                f"their similarity is unknown, not 0, and they are in no community): {names}.</p>")
    return _section("similarity", "Similarity and communities", intro + table + nearest + comms + left)


def _sim_cell(value: float, diagonal: bool) -> str:
    if diagonal:
        return '<td class="muted">—</td>'
    # White to the heatmap's blue; white or black text, whichever contrasts more (WCAG luminance).
    r, g, b = (round(255 + (c - 255) * value) for c in (0x00, 0x72, 0xB2))
    if not value:
        return '<td class="zero">0</td>'
    ink = "#fff" if 1.05 / (_luminance(r, g, b) + 0.05) >= (_luminance(r, g, b) + 0.05) / 0.05 else "#000"
    return f'<td style="background:#{r:02x}{g:02x}{b:02x};color:{ink}">{value:.2f}</td>'


def _luminance(r: int, g: int, b: int) -> float:
    """The relative luminance of an sRGB colour (WCAG 2)."""
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _gaps_section(rankings: Sequence[Any], data: Any) -> str:
    if not rankings:
        return _section("gaps", "Gaps against credentials",
                        "<p>No credential in the data lists the topics it requires.</p>")
    parts = ["<p>For every credential that lists required topics, each program's coverage of them: first all in one "
             "table, then credential by credential (open one to see the topics each program misses, best covered "
             "first). <em>Not covered</em> is certain (the program lists its whole curriculum); "
             "<em>unknown</em> means the data does not say; <em>narrower only</em> means the program teaches "
             "a narrower topic but not the required one as such.</p>", _gaps_overview(rankings, data),
             '<p class="print-only">The topics each program misses, credential by credential, are listed in '
             "the HTML version of this report.</p>"]
    for ranking in rankings:
        required = len(data.required.get(ranking.credential, ()))
        rows = []
        unknown_only = []
        for rank, g in list(ranking.entries):
            if rank is None or (required and g.counts["unknown"] == required):
                # Nothing known about any required topic: one line for all such programs.
                unknown_only.append(g.program_label)
                continue
            by_value: dict[str, list[str]] = {}
            for topic, label, value in g.topics:
                note = g.related_note(topic)
                shown = escape(label) + (f' <span class="muted">({escape(note)})</span>' if note else "")
                by_value.setdefault(value, []).append(shown)
            c = g.counts
            rows.append([
                _num(rank), escape(g.program_label),
                f"{c['direct'] + c['narrower']} of {required}",
                ", ".join(by_value.get("narrower", [])),
                ", ".join(by_value.get("no", [])),
                ", ".join(by_value.get("unknown", [])),
            ])
        required_labels = ", ".join(escape(data.topics.get(t, short_id(t))) for t in data.topics
                                    if t in data.required.get(ranking.credential, ()))
        parts.append('<details class="credential no-print">')
        parts.append(f"<summary><h3>{escape(ranking.credential_label)} <span class=\"muted\">"
                     f"({escape(short_id(ranking.credential))}; {required} required topics)</span></h3></summary>"
                     f"<p>Requires {required} topics: {required_labels}.</p>")
        if rows:
            parts.append(_table(["rank", "program", "covered", "narrower only", "not covered", "unknown"], rows,
                                caption=f"Programs against {ranking.credential_label}", numeric={0}, stack=True))
        if unknown_only:
            parts.append(f"<p><strong>Unknown for every required topic</strong> ({len(unknown_only)} "
                         f"{'program' if len(unknown_only) == 1 else 'programs'}: the data lists none of these "
                         f"topics for them and their coverage is not declared complete): "
                         f"{', '.join(escape(x) for x in sorted(unknown_only, key=lambda x: (x.casefold(), x)))}.</p>")
        parts.append("</details>")
    return _section("gaps", "Gaps against credentials", "".join(parts))


def _gaps_overview(rankings: Sequence[Any], data: Any) -> str:
    """Programs (rows, by name) × credentials (columns): how many required topics each program
    covers; one table that fits a printed page, before the per-credential details."""
    labels: dict[str, str] = {}
    found: dict[tuple[str, str], dict[str, int]] = {}
    for ranking in rankings:
        for _, program, counts in ranking.ranked:
            labels[program] = data.programs.get(program, short_id(program))
            found[ranking.credential, program] = counts
    columns = sorted(rankings, key=lambda r: (r.credential_label.casefold(), r.credential))
    head = "".join(
        f'<th scope="col"><span>{escape(r.credential_label)} ({len(data.required.get(r.credential, ()))})</span></th>'
        for r in columns
    )
    body = []
    for program in by_label(labels, labels.__getitem__):
        cells = []
        for r in columns:
            c = found.get((r.credential, program))
            required = len(data.required.get(r.credential, ()))
            if c is None:
                cells.append("<td></td>")
                continue
            covered = c["direct"] + c["narrower"]
            mark = "?" if c["unknown"] else ""
            tip = (f"{labels[program]} — {r.credential_label}: {covered} of {required} required topics covered, "
                   f"{c['no']} not covered, {c['unknown']} unknown")
            cells.append(f'<td class="num" title="{escape(tip)}">{covered}{mark}</td>')
        body.append(f'<tr><th scope="row">{escape(labels[program])}</th>{"".join(cells)}</tr>')
    caption = "Required topics each program covers, per credential (number required in brackets)"
    names = max((len(v) for v in labels.values()), default=4) * _PRINT_CHAR * 1.08 + 12
    heads = max((len(r.credential_label) + 5 for r in columns), default=4) * _PRINT_CHAR * 1.08 + 8
    zoom = _print_zoom(names + 22 * len(columns), heads + 15 * len(labels) + 60)
    return ("<p>The table counts, for each program and credential, the required topics the program covers "
            "(directly or through a narrower topic); a <strong>?</strong> after the number means the data does not "
            "say for some of the others.</p>"
            f'<div class="scroll wide" role="region" tabindex="0" aria-label="{escape(caption)} (scrolls sideways)"'
            f"{zoom}>"
            f'<table class="cross"><caption>{escape(caption)}</caption><thead><tr>'
            f'<th scope="col" class="corner">program</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def _centrality_section(central: Any) -> str:
    rows = [
        [escape(t.label), _num(t.programs), _num(t.known), f"{t.share:.0%}", _num(t.degree), f"{t.betweenness:.3f}",
         f'<span class="tag {t.role}">{t.role}</span>']
        for t in central.topics
    ]
    sampled = (f" Betweenness is estimated from {central.sampled} sampled topics (fixed seed)."
               if central.sampled else "")
    left = (f" {len(central.left_out)} programs without a recorded curriculum are left out." if central.left_out else "")
    intro = (f"<p>Over the {central.program_count} programs with a recorded curriculum.{left} "
             f"For every topic that at least one of them covers directly: how many "
             f"programs cover it, the share of the programs whose coverage of it is known (they cover it, or "
             f"their curriculum is declared complete), its degree (how many other topics are taught together with it) and its "
             f"betweenness (how often it lies between other topics) in the graph of topics taught together. "
             f"<span class=\"tag core\">core</span> a share of at least {central.core:.0%}; "
             f"<span class=\"tag distinctive\">distinctive</span> covered by "
             f"{'one program only' if central.distinctive == 1 else f'at most {central.distinctive} programs'}; "
             f"<span class=\"tag common\">common</span> the rest.{sampled}</p>")
    table = _table(["topic", "programs", "known", "share", "degree", "betweenness", "role"], rows,
                   caption="Topics by the number of programs covering them", numeric={1, 2, 3, 4, 5}, row_header=True)
    return _section("centrality", "Topic centrality", intro + table)


def _sources_section(data: Any, sources: dict[str, ProgramSources], cited: Sequence[tuple[str, str, int]]) -> str:
    rows = []
    for program in by_label(data.programs, data.programs.__getitem__):
        label = data.programs[program]
        found = sources.get(program, ProgramSources())
        orgs = ", ".join(escape(name) for _, name in sorted(found.organizations.items(), key=lambda kv: short_id(kv[0])))
        links = "".join(
            f"<li>{_link(iri, title or iri)}</li>" for iri, title in sorted(found.sources.items())
        )
        rows.append([
            f"{escape(label)}<br><span class=\"muted\">{escape(short_id(program))}</span>",
            orgs or '<span class="muted">not stated</span>',
            f'<ul class="plain">{links}</ul>' if links else '<span class="muted">none cited</span>',
            ", ".join(escape(d) for d in sorted(found.retrieved)) or '<span class="muted">not recorded</span>',
        ])
    table = _table(["program", "offered by", "sources", "read on"], rows,
                   caption="Where each program's facts come from", row_header=True, stack=True)
    every = _table(
        ["source", "cited by"],
        [[_link(iri, title or iri), _num(n)] for iri, title, n in cited],
        caption=f"All {len(cited)} sources cited by organizations, programs and credentials, most cited first",
        kind="all",
        numeric={1},
    ) if cited else ""
    return _section("sources", "Sources behind every program", table + every)


def _footer() -> str:
    from . import __version__ as release

    return (f"<footer>Made by imhgraph {escape(release)} (<code>imhgraph report</code>). The same data gives "
            "the same page: it carries no creation time. Coverage values: direct (the program covers the "
            "topic), narrower (only narrower topics), no (not in a curriculum listed in full), unknown (the data "
            "does not say).</footer>")


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


#: The printed landscape page's room for a wide table, in CSS px (A4 less the margins and the
#: section's heading and introduction), and the width of a 6.5pt character, for :func:`_print_zoom`.
_PAGE_WIDE = (1030, 470)
_PRINT_CHAR = 4.6


def _print_zoom(width: float, height: float) -> str:
    """An inline style scaling a wide table to fit a printed landscape page (``zoom`` in the
    print stylesheet): computed here from the table's size, since the page has no script."""
    zoom = min(1.0, _PAGE_WIDE[0] / max(width, 1), _PAGE_WIDE[1] / max(height, 1))
    return f' style="--print-zoom:{zoom:.2f}"'


def _section(key: str, heading: str, body: str) -> str:
    return f'<section id="{key}" aria-labelledby="{key}-h"><h2 id="{key}-h">{escape(heading)}</h2>\n{body}\n</section>'


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str,
           numeric: Collection[int] = (), row_header: bool = False, stack: bool = False, kind: str = "") -> str:
    """An HTML table from already-escaped cell HTML; headers with scope, numbers right-aligned.

    It sits in a labelled scroll region that the keyboard can focus. With *stack*, on a narrow
    screen each row becomes a block of "column: value" lines and empty cells disappear."""
    num = ' class="num"'
    head = "".join(
        f'<th scope="col"{num if i in numeric else ""}>{escape(c)}</th>' for i, c in enumerate(columns)
    )
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cls = ' class="num"' if i in numeric else ""
            if i == 0 and row_header:
                cells.append(f'<th scope="row"{cls}>{value}</th>')
            elif stack:
                cells.append(f'<td{cls} data-label="{escape(columns[i])}">{value}</td>')
            else:
                cells.append(f"<td{cls}>{value}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    table_class = ' class="stack"' if stack else ""
    return (f'<div class="scroll{" " + kind if kind else ""}" role="region" tabindex="0" aria-label="{escape(caption)}">'
            f"<table{table_class}><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _link(iri: str, text: str) -> str:
    """A link to a source, only for web addresses (anything else is shown as text)."""
    if iri.startswith(("http://", "https://")):
        return f'<a href="{escape(iri)}">{escape(text)}</a>'
    return escape(text)


def _num(value: int) -> str:
    return f"{value:,}"
