"""The HTML report: one self-contained page about the whole graph.

The page holds an overview (counts, sources, when the data was read), the coverage heatmap
as inline SVG, program similarity and communities, each program's gaps against every
credential that lists required topics, topic centrality, and the sources behind every
program. It loads nothing from anywhere (inline CSS and SVG only, no script), so it works
offline and as an e-mail attachment; it prints cleanly (``@media print``).

Every text from the data goes through :func:`html.escape`; the page is deterministic (no
"generated at" time), so the same data gives a byte-identical file.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
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

_CELL = 15  # heatmap cell size in px
_ROW_LABEL_CHARS = 40
_TOPIC_LABEL_CHARS = 40
_CHAR_PX = 7.0  # a generous width of a 12px sans-serif character, for layout estimates

_CSS = """
:root { --ink:#1a1a1a; --muted:#555; --line:#c8c8c8; --accent:#005a8c; --bg-alt:#f4f6f8; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: #fff; line-height: 1.45; }
body { margin: 0 auto; max-width: 1500px; padding: 1.5rem 1.5rem 3rem; }
p, ol.plain { max-width: 95ch; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .4rem; }
p.lead { color: var(--muted); margin-top: 0; }
a { color: var(--accent); }
a:focus, a:hover { color: #003a5c; }
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
.heatmap svg { display: block; font-family: inherit; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; margin: .6rem 0; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: .4rem; }
.legend svg { flex: none; }
table.sim td.zero { color: #6b6b6b; }
table.sim td { text-align: center; min-width: 2.6rem; font-variant-numeric: tabular-nums; }
.tag { display: inline-block; border-radius: 3px; padding: 0 .35rem; font-size: .8rem; border: 1px solid var(--line); }
.tag.core { background: #0072B2; color: #fff; border-color: #0072B2; }
.tag.common { background: #e8edf2; }
.tag.distinctive { background: #F0E442; color: #1a1a1a; }
.muted { color: var(--muted); }
ul.plain { padding-left: 1.2rem; margin: .2rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); padding-top: .6rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-inside: auto; }
  table, tr, svg { break-inside: avoid; page-break-inside: avoid; }
  .scroll { overflow: visible; }
  .heatmap svg { max-width: 100%; height: auto; }
  a { color: var(--ink); text-decoration: none; }
  section#sources a[href^="http"]::after { content: " <" attr(href) ">"; font-size: 8pt; color: var(--muted); word-break: break-all; }
  thead th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg, table.sim td, .tag { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
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
        _overview(counts, retrieved, inputs.backend_kind),
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


def _overview(counts: Any, retrieved: list[str], backend_kind: str) -> str:
    order = ("programs", "organizations", "credentials", "topics", "professions", "sources")
    cards = "".join(
        f"<li><b>{counts.counts.get(k, 0):,}</b>{escape(k)}</li>" for k in order
    ) + f"<li><b>{counts.triples:,}</b>triples</li>"
    if retrieved:
        when = (
            f"The facts were read from their sources on {escape(retrieved[0])}"
            if len(retrieved) == 1
            else f"The facts were read from their sources between {escape(retrieved[0])} and "
            f"<strong>{escape(retrieved[-1])}</strong>"
        )
        date = (f"<p>{when} (the <code>imh:retrieved</code> dates recorded in the graph; "
                f"{len(retrieved)} distinct {'date' if len(retrieved) == 1 else 'dates'}).</p>")
    else:
        date = "<p>The data does not record when its sources were read (no <code>imh:retrieved</code> dates).</p>"
    origin = ", ".join(Path(o).name if backend_kind == "memory" else o for o in counts.origin)
    where = (f"<p class=\"muted\">Data: {escape(backend_kind)} backend"
             + (f", {escape(origin)}" if origin else "") + ".</p>")
    cited = (f'<p>The data cites {len(counts.sources)} sources; <a href="#sources">Sources</a> lists them '
             "program by program and by how often they are cited.</p>")
    return _section("overview", "Overview", f'<ul class="cards">{cards}</ul>{date}{cited}{where}')


def _heatmap_section(grid: Any, data: Any, evidence: Any = None) -> str:
    from .coverage import CELL_VALUES, MEANINGS

    totals = {v: 0 for v in CELL_VALUES}
    summary_rows = []
    counts = grid.counts()
    for program in grid.programs:
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
        f"<p>{len(grid.programs)} programs (rows) × {len(grid.topics)} topics (columns, in the order of the "
        "topic hierarchy; top-level areas in bold, separated by lines). Hover a cell for its program, topic "
        "and value (and, for a topic taught in a course, the course). <em>no</em> and <em>unknown</em> are different answers: <em>no</em> means the program "
        "lists its whole curriculum and this topic is not in it; <em>unknown</em> means the data does not say.</p>"
    )
    summary = _table(
        ["program", *CELL_VALUES],
        summary_rows,
        caption="The same matrix counted per program",
        numeric={1, 2, 3, 4},
        row_header=True,
    )
    body = (f'{intro}<ul class="legend" aria-label="Legend">{legend}</ul>'
            f'<div class="scroll heatmap">{heatmap_svg(grid, data, evidence)}</div>{summary}')
    return _section("coverage", "Coverage heatmap", body)


def heatmap_svg(grid: Any, data: Any, evidence: Any = None) -> str:
    """The coverage matrix as an inline SVG: one ``rect`` with ``data-cell`` per program and
    topic, filled with the value's colour and pattern, with a hover ``title`` that names the
    course(s) behind a direct cell (from *evidence*, :class:`~imhgraph.coverage.evidence.Evidence`)."""
    levels = dict(data.topic_order())
    programs, topics = list(grid.programs), list(grid.topics)
    row_labels = [_clip(grid.program_label(p), _ROW_LABEL_CHARS) for p in programs]
    col_labels = [_clip(grid.topic_label(t), _TOPIC_LABEL_CHARS) for t in topics]
    left = math.ceil(min(max((len(s) for s in row_labels), default=4) * _CHAR_PX + 16, 340))
    longest = max((len(s) for s in col_labels), default=4) * _CHAR_PX
    sin60 = math.sin(math.radians(60))
    top = math.ceil(longest * sin60 + 14)
    width = left + _CELL * len(topics) + math.ceil(longest / 2) + 12
    height = top + _CELL * len(programs) + 8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="heatmap-title heatmap-desc" '
        'font-size="12">',
        '<title id="heatmap-title">Coverage heatmap: programs × topics</title>',
        f'<desc id="heatmap-desc">{len(programs)} programs by {len(topics)} topics; each cell is direct, '
        "narrower, no or unknown, shown by colour and by pattern.</desc>",
        _patterns(),
    ]
    # Column labels, rotated so that long topic names stay readable.
    for j, (topic, text) in enumerate(zip(topics, col_labels)):
        x = left + j * _CELL + _CELL / 2 + 3
        weight = ' font-weight="700"' if levels.get(topic, 1) == 0 else ""
        out.append(
            f'<text x="{x:g}" y="{top - 6}" transform="rotate(-60 {x:g} {top - 6})"{weight}>'
            f"<title>{escape(grid.topic_label(topic))} ({escape(short_id(topic))})</title>{escape(text)}</text>"
        )
    # Lines between top-level topic areas.
    for j, topic in enumerate(topics):
        if j and levels.get(topic, 1) == 0:
            x = left + j * _CELL - 0.5
            out.append(f'<line x1="{x:g}" y1="{top - 4}" x2="{x:g}" y2="{height - 6}" stroke="#555" stroke-width="1"/>')
    for i, (program, cells) in enumerate(grid.rows()):
        y = top + i * _CELL
        label = grid.program_label(program)
        out.append(
            f'<text x="{left - 8}" y="{y + _CELL - 4}" text-anchor="end">'
            f"<title>{escape(label)} ({escape(short_id(program))})</title>{escape(row_labels[i])}</text>"
        )
        row = []
        for j, (topic, value) in enumerate(zip(topics, cells)):
            row.append(
                f'<rect x="{left + j * _CELL + 1}" y="{y + 1}" width="{_CELL - 2}" height="{_CELL - 2}" '
                f'fill="{_fill(value)}" data-cell="{value}"><title>{escape(label)} — '
                f"{escape(grid.topic_label(topic))}: {value}{escape(_through(evidence, program, topic, value))}</title></rect>"
            )
        out.append("".join(row))
    out.append("</svg>")
    return "\n".join(out)


def _through(evidence: Any, program: str, topic: str, value: str) -> str:
    """", through Course A; Course B" for a direct cell that courses cover; else nothing."""
    if evidence is None or value != "direct":
        return ""
    names = evidence.courses_behind(program, topic)
    if not any(n != "the program itself" for n in names):
        return ""
    return ", through " + "; ".join(names)


def _fill(value: str) -> str:
    return CELL_COLOURS["direct"] if value == "direct" else f"url(#cell-{value})"


def _patterns() -> str:
    """SVG patterns scaled to each cell: stripes (narrower), a cross (no), a dot (unknown)."""
    box = 'patternUnits="objectBoundingBox" patternContentUnits="objectBoundingBox" width="1" height="1"'
    return (
        "<defs>"
        f'<pattern id="cell-narrower" {box}><rect width="1" height="1" fill="{CELL_COLOURS["narrower"]}"/>'
        '<path d="M0,0.5 L0.5,0 M0,1 L1,0 M0.5,1 L1,0.5" stroke="#0072B2" stroke-width="0.13"/></pattern>'
        f'<pattern id="cell-no" {box}><rect width="1" height="1" fill="{CELL_COLOURS["no"]}"/>'
        '<path d="M0.25,0.25 L0.75,0.75 M0.75,0.25 L0.25,0.75" stroke="#5f5f5f" stroke-width="0.11"/></pattern>'
        f'<pattern id="cell-unknown" {box}><rect width="1" height="1" fill="{CELL_COLOURS["unknown"]}"/>'
        '<circle cx="0.5" cy="0.5" r="0.16" fill="#5c5200"/></pattern>'
        "</defs>"
    )


def _swatch(value: str) -> str:
    """A legend swatch drawn exactly like a heatmap cell."""
    return (
        f'<svg width="{_CELL + 4}" height="{_CELL + 4}" viewBox="0 0 {_CELL + 4} {_CELL + 4}" aria-hidden="true">'
        f"{_patterns() if value != 'direct' else ''}"
        f'<rect x="2" y="2" width="{_CELL}" height="{_CELL}" fill="{_fill(value)}" stroke="#777" stroke-width="0.5"/></svg>'
    )


def _similarity_section(similar: Any, groups: Any) -> str:
    programs = similar.programs
    numbers = {p: i for i, p in enumerate(programs, start=1)}
    basis = "direct and broader-of-covered topics" if similar.rollup else "the topics each program covers directly"
    intro = (f"<p>Jaccard similarity over {basis}: the number of topics two programs share divided by the number "
             "either covers (1 = the same list, 0 = nothing in common).</p>")
    if programs and len(programs) <= MATRIX_LIMIT:
        matrix = similar.matrix()
        head = "".join(
            f'<th scope="col" class="num"><abbr title="{escape(similar.labels[p])}">{numbers[p]}</abbr></th>'
            for p in programs
        )
        body = []
        for i, p in enumerate(programs):
            cells = "".join(_sim_cell(v, i == j) for j, v in enumerate(matrix[i]))
            body.append(f'<tr><th scope="row">{numbers[p]}. {escape(similar.labels[p])}</th>{cells}</tr>')
        table = (
            '<div class="scroll"><table class="sim"><caption>Similarity matrix (columns numbered as the rows)'
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
          ", ".join(escape(similar.labels[x]) for x in n.nearest) or '<span class="muted">none (no shared topic)</span>',
          f"{n.jaccard:.2f}"] for n in similar.nearest],
        caption="Each program's nearest neighbour (ties all listed)",
        numeric={2},
        row_header=True,
    )
    items = []
    for c in groups.communities:
        members = ", ".join(escape(similar.labels[p]) for p in c.programs)
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
    return _section("similarity", "Similarity and communities", intro + table + nearest + comms)


def _sim_cell(value: float, diagonal: bool) -> str:
    if diagonal:
        return '<td class="muted">—</td>'
    # White to the heatmap's blue; white text on the darker half for contrast.
    r, g, b = (round(255 + (c - 255) * value) for c in (0x00, 0x72, 0xB2))
    if not value:
        return '<td class="zero">0</td>'
    ink = "#fff" if value >= 0.5 else "#1a1a1a"
    return f'<td style="background:#{r:02x}{g:02x}{b:02x};color:{ink}">{value:.2f}</td>'


def _gaps_section(rankings: Sequence[Any], data: Any) -> str:
    if not rankings:
        return _section("gaps", "Gaps against credentials",
                        "<p>No credential in the data lists the topics it requires.</p>")
    parts = ["<p>For every credential that lists required topics, each program's coverage of them, best "
             "covered first. <em>Not covered</em> is certain (the program lists its whole curriculum); "
             "<em>unknown</em> means the data does not say; <em>narrower only</em> means the program teaches "
             "a narrower topic but not the required one as such.</p>"]
    for ranking in rankings:
        required = len(data.required.get(ranking.credential, ()))
        rows = []
        unknown_only = []
        for rank, g in list(ranking.entries):
            if required and g.counts["unknown"] == required:
                # Nothing known about any required topic: one line for all such programs.
                unknown_only.append(escape(g.program_label))
                continue
            by_value: dict[str, list[str]] = {}
            for _, label, value in g.topics:
                by_value.setdefault(value, []).append(escape(label))
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
        parts.append(f"<h3>{escape(ranking.credential_label)} <span class=\"muted\">({escape(short_id(ranking.credential))})"
                     f"</span></h3><p>Requires {required} topics: {required_labels}.</p>")
        if rows:
            parts.append(_table(["rank", "program", "covered", "narrower only", "not covered", "unknown"], rows,
                                caption=f"Programs against {ranking.credential_label}", numeric={0}))
        if unknown_only:
            parts.append(f"<p><strong>Unknown for every required topic</strong> ({len(unknown_only)} "
                         f"{'program' if len(unknown_only) == 1 else 'programs'}: the data lists none of these "
                         f"topics for them and their coverage is not declared complete): {', '.join(unknown_only)}.</p>")
    return _section("gaps", "Gaps against credentials", "".join(parts))


def _centrality_section(central: Any) -> str:
    rows = [
        [escape(t.label), _num(t.programs), f"{t.share:.0%}", _num(t.degree), f"{t.betweenness:.3f}",
         f'<span class="tag {t.role}">{t.role}</span>']
        for t in central.topics
    ]
    sampled = (f" Betweenness is estimated from {central.sampled} sampled topics (fixed seed)."
               if central.sampled else "")
    intro = (f"<p>For every topic that at least one of the {central.program_count} programs covers directly: how many "
             f"programs cover it, its degree (how many other topics are taught together with it) and its "
             f"betweenness (how often it lies between other topics) in the graph of topics taught together. "
             f"<span class=\"tag core\">core</span> covered by at least {central.core:.0%} of programs; "
             f"<span class=\"tag distinctive\">distinctive</span> covered by "
             f"{'one program only' if central.distinctive == 1 else f'at most {central.distinctive} programs'}; "
             f"<span class=\"tag common\">common</span> the rest.{sampled}</p>")
    table = _table(["topic", "programs", "share", "degree", "betweenness", "role"], rows,
                   caption="Topics by the number of programs covering them", numeric={1, 2, 3, 4}, row_header=True)
    return _section("centrality", "Topic centrality", intro + table)


def _sources_section(data: Any, sources: dict[str, ProgramSources], cited: Sequence[tuple[str, str, int]]) -> str:
    rows = []
    for program, label in data.programs.items():
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
                   caption="Where each program's facts come from", row_header=True)
    every = _table(
        ["source", "cited by"],
        [[_link(iri, title or iri), _num(n)] for iri, title, n in cited],
        caption=f"All {len(cited)} sources cited by organizations, programs and credentials, most cited first",
        numeric={1},
    ) if cited else ""
    return _section("sources", "Sources behind every program", table + every)


def _footer() -> str:
    from . import __version__ as release

    return (f"<footer>Made by imhgraph {escape(release)} (<code>imhgraph report</code>). The same data gives "
            "the same page: it carries no creation time. Coverage values: direct, narrower, no, unknown "
            "(SPEC §3).</footer>")


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _section(key: str, heading: str, body: str) -> str:
    return f'<section id="{key}" aria-labelledby="{key}-h"><h2 id="{key}-h">{escape(heading)}</h2>\n{body}\n</section>'


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str,
           numeric: Collection[int] = (), row_header: bool = False) -> str:
    """An HTML table from already-escaped cell HTML; headers with scope, numbers right-aligned."""
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
            else:
                cells.append(f"<td{cls}>{value}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<div class="scroll"><table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _link(iri: str, text: str) -> str:
    """A link to a source, only for web addresses (anything else is shown as text)."""
    if iri.startswith(("http://", "https://")):
        return f'<a href="{escape(iri)}">{escape(text)}</a>'
    return escape(text)


def _num(value: int) -> str:
    return f"{value:,}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
