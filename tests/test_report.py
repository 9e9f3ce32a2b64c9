"""Issues 5 and 15: the HTML report — structure (html.parser), self-containment, escaping,
determinism, order by label, accessibility (unique ids, focusable labelled scroll regions, the
heatmap as lists), and a real rendering in headless Chromium (screen, 400-px phone, print to PDF,
axe-core)."""

from __future__ import annotations

from rdflib.namespace import RDFS

import shutil
import struct
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from imhgraph.coverage import load_coverage_data
from imhgraph.report import CELL_COLOURS
from imhgraph.report_data import build_report
from imhgraph.stores import memory_backend

from .conftest import FIXTURES

PROGRAMS = FIXTURES / "analyze" / "programs.ttl"
HOSTILE = "Zeta <b>bold</b> & \"quoted\" <script>alert('x')</script>"


class Page(HTMLParser):
    """Collects what the tests look at: text, tags with attributes, heatmap cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[str] = []
        self.stack: list[str] = []
        self.cell_titles: list[str] = []
        self._in_cell_title = False
        self.rows: list[list[str]] = []  # table rows: the text of each th/td
        self._in_table_cell = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "data-cell" in attributes:
            self.cells.append(attributes["data-cell"] or "")
            self.cell_titles.append(attributes.get("title") or "")
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th") and self.rows:
            self.rows[-1].append("")
            self._in_table_cell = True
        if tag == "title" and self.stack and self.stack[-1] == "rect":
            self._in_cell_title = True
        if tag not in ("meta", "br", "path", "circle", "line"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_cell_title = False
        if tag in ("td", "th"):
            self._in_table_cell = False
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        self.text.append(data)
        if self._in_cell_title:
            self.cell_titles.append(data)
        if self._in_table_cell:
            self.rows[-1][-1] += data


@pytest.fixture(scope="module")
def fixture_page(tmp_path_factory) -> tuple[str, Path]:
    backend = memory_backend([PROGRAMS])
    html = build_report(backend)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(html, encoding="utf-8")
    return html, path


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def test_every_program_and_topic_label_is_present(fixture_page):
    html, _ = fixture_page
    page = parse(html)
    text = "".join(page.text)
    data = load_coverage_data(memory_backend([PROGRAMS]))
    for label in list(data.programs.values()) + list(data.topics.values()):
        assert label[:39] in text, label  # long topic labels are clipped in the SVG, full in the title


def test_heatmap_has_one_cell_per_program_and_topic(fixture_page):
    html, _ = fixture_page
    page = parse(html)
    data = load_coverage_data(memory_backend([PROGRAMS]))
    assert len(page.cells) == len(data.programs) * len(data.topics)
    assert set(page.cells) <= {"direct", "narrower", "no", "unknown"}
    counts = Counter(page.cells)
    assert counts["direct"] == 4 + 4 + 3 + 3 + 3  # alpha…epsilon's covers; zeta covers nothing
    assert counts["narrower"] > 0 and counts["no"] > 0 and counts["unknown"] > 0
    # Hover titles in the words of the brief.
    assert "Delta Clinical Fellowship — Treatment approaches: narrower" in page.cell_titles
    assert "Alpha Certificate — Attachment theory: direct" in page.cell_titles
    assert "Alpha Certificate — Reflective practice: no" in page.cell_titles
    assert "Gamma Seminar Series — Reflective practice: unknown" in page.cell_titles


def test_nothing_is_loaded_from_elsewhere(fixture_page):
    html, _ = fixture_page
    page = parse(html)
    for tag, attrs in page.tags:
        if tag in ("script", "link", "img", "style", "iframe", "object", "embed", "source", "image", "use"):
            for key in ("src", "href", "xlink:href", "data"):
                assert not attrs.get(key), f"<{tag} {key}={attrs.get(key)}> loads something"
        if tag == "a":
            href = attrs.get("href") or ""
            assert href.startswith(("#", "https://example.org/")), href
    assert not any(tag == "script" for tag, _ in page.tags)
    assert "@import" not in html and "url(http" not in html and "@font-face" not in html
    assert "url(" not in html  # no pattern, image or font from anywhere


def test_hostile_labels_are_escaped(fixture_page):
    html, _ = fixture_page
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "Zeta &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; &lt;script&gt;" in html
    page = parse(html)
    assert HOSTILE in "".join(page.text)
    assert any(attrs.get("href") == "https://example.org/lakeside/zeta?a=1&b=2" for tag, attrs in page.tags if tag == "a")


def test_sections_overview_gaps_sources(fixture_page):
    html, _ = fixture_page
    page = parse(html)
    text = " ".join(" ".join(page.text).split())
    ids = {attrs.get("id") for _, attrs in page.tags}
    assert {"overview", "coverage", "similarity", "gaps", "centrality", "sources"} <= ids
    assert "between 2023-11-20 and 2024-07-01" in text  # the imh:retrieved dates of the fixture
    assert "Lakeside Endorsement" in text
    # Gaps (rank, program, covered, narrower only, not covered, unknown), by hand: Lakeside requires
    # attachment theory, reflective practice, diagnostic classification, treatment approaches.
    gaps = [r for r in page.rows if len(r) == 6 and r[2].endswith(" of 4")]
    assert gaps == [
        ["1", "Beta Diploma", "2 of 4", "", "Diagnostic classification, Treatment approaches", ""],
        ["1", "Epsilon Practicum", "2 of 4", "", "", "Treatment approaches, Attachment theory"],
        ["3", "Delta Clinical Fellowship", "2 of 4", "Treatment approaches", "Diagnostic classification, Attachment theory", ""],
        ["4", "Alpha Certificate", "1 of 4", "", "Diagnostic classification, Treatment approaches, Reflective practice", ""],
        ["4", "Gamma Seminar Series", "1 of 4", "", "", "Diagnostic classification, Treatment approaches, Reflective practice"],
    ]
    assert "Unknown for every required topic (1 program" in text and HOSTILE in text
    # Sources with titles, linked.
    assert any(attrs.get("href") == "https://example.org/lakeside/alpha" for tag, attrs in page.tags if tag == "a")
    assert "Alpha Certificate — course outline" in text
    # Communities and centrality.
    assert "Community 1 (3 programs): Alpha Certificate, Beta Diploma, Gamma Seminar Series." in text
    # 3 of the 4 programs whose cell is known (zeta has no curriculum; gamma's cell is unknown)
    assert ["Reflective practice", "3", "4", "75%", "6", "0.595", "core"] in page.rows
    # Similarity matrix row of alpha: beta .60, delta 0, epsilon 0, gamma .75; zeta (no curriculum)
    # is left out of the matrix and named apart, its similarity unknown.
    assert ["1. Alpha Certificate", "—", "0.60", "0", "0", "0.75"] in page.rows
    assert "Left out (1 program without a recorded curriculum" in text
    assert "5 of 6 programs have a recorded curriculum" in text


def test_accessibility_basics(fixture_page):
    html, _ = fixture_page
    page = parse(html)
    assert ("html", {"lang": "en"}) in page.tags
    headers = [attrs for tag, attrs in page.tags if tag == "th"]
    assert headers and all(attrs.get("scope") in ("col", "row") for attrs in headers)
    assert [tag for tag, _ in page.tags if tag in ("h1",)] == ["h1"]
    assert "@media print" in html
    # Every id once (the old SVG patterns repeated cell-narrower, cell-no, cell-unknown four times).
    ids = Counter(attrs["id"] for _, attrs in page.tags if attrs.get("id"))
    assert ids and max(ids.values()) == 1, [i for i, n in ids.items() if n > 1]
    # Every scroll region is focusable by keyboard and labelled.
    regions = [attrs for tag, attrs in page.tags if tag == "div" and "scroll" in (attrs.get("class") or "").split()
               or "heatmap" in (attrs.get("class") or "").split()]
    assert len(regions) >= 5
    for attrs in regions:
        assert attrs.get("tabindex") == "0" and attrs.get("role") == "region" and attrs.get("aria-label"), attrs
    text = " ".join(" ".join(page.text).split())
    assert "Tap or hover a cell" in text and "Hover a cell" not in text
    assert "SPEC" not in text and "§" not in text


def test_report_is_deterministic_and_written_atomically(run, tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert run("--data", PROGRAMS, "report", "--output", first).exit_code == 0
    result = run("--data", PROGRAMS, "report", "--output", second)
    assert result.exit_code == 0
    assert f"wrote {second}" in result.stderr
    assert first.read_bytes() == second.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_report_requires_output(run):
    result = run("--data", PROGRAMS, "report")
    assert result.exit_code == 2
    assert "--output" in result.stderr


def test_bundled_report_structure(bundled):
    html = build_report(bundled)
    page = parse(html)
    data = load_coverage_data(bundled)
    assert len(page.cells) == len(data.programs) * len(data.topics)
    text = "".join(page.text)
    for label in data.programs.values():
        assert label[:39] in text


# -- a real browser ---------------------------------------------------------------------------


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG in pure Python: (width, height, rows)."""
    blob = path.read_bytes()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(blob):
        length, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        chunk = blob[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line) if channels == 3 else bytes(b for j in range(0, stride, 4) for b in line[j:j + 3]))
        previous = line
    return width, height, rows


@pytest.mark.browser
def test_report_renders_in_headless_chromium(fixture_page, tmp_path):
    browser = find_chromium()
    if browser is None:
        pytest.skip("no Chromium found (looked for chromium, chromium-browser, google-chrome); "
                    "`apt-get install chromium` to run this test — .ci/run installs it")
    _, report = fixture_page
    shot = tmp_path / "shot.png"
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1280,2000",
        report.as_uri(),
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("Chromium did not finish the screenshot within 120 s")
    assert shot.exists() and shot.stat().st_size > 10_000, "no screenshot written"
    width, height, rows = png_pixels(shot)
    assert (width, height) == (1280, 2000)
    colours = Counter(row[x:x + 3] for row in rows[::2] for x in range(0, len(row), 6))
    assert len(colours) > 200, "the page looks blank"
    white = colours[b"\xff\xff\xff"] / sum(colours.values())
    assert white < 0.97, "the page is nearly all white"
    # The heatmap's solid colours are on screen: direct cells and the pattern backgrounds.
    for value in ("direct", "narrower", "no", "unknown"):
        rgb = bytes.fromhex(CELL_COLOURS[value][1:])
        assert any(rgb in row for row in rows), f"no {value} cell colour {CELL_COLOURS[value]} on screen"


# -- issue 15: order, lists for keyboard and screen readers, honest dates ----------------------

SUNRISE = """
@prefix imh: <https://w3id.org/imhgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix program: <https://w3id.org/imhgraph/program/> .
@prefix topic: <https://w3id.org/imhgraph/topic/> .
program:aaa-new a imh:TrainingProgram ;
    rdfs:label "Sunrise Intensive Practice-Based Training in Multicultural Infant and Early Childhood Mental Health" ;
    imh:covers topic:attachment-theory .
"""


@pytest.fixture(scope="module")
def sunrise_page(tmp_path_factory) -> str:
    extra = tmp_path_factory.mktemp("sunrise") / "sunrise.ttl"
    extra.write_text(SUNRISE, encoding="utf-8")
    return build_report(memory_backend([PROGRAMS, extra]))


def test_rows_and_lists_are_sorted_by_label_not_id(sunrise_page):
    page = parse(sunrise_page)
    # Heatmap rows: the row headers of the table whose cells carry data-cell, in order.
    long_name = "Sunrise Intensive Practice-Based Training in Multicultural Infant and Early Childhood Mental Health"
    expected = ["Alpha Certificate", "Beta Diploma", "Delta Clinical Fellowship", "Epsilon Practicum",
                "Gamma Seminar Series", long_name, HOSTILE]
    columns = 1 + len(load_coverage_data(memory_backend([PROGRAMS])).topics)
    heatmap_rows = [r[0] for r in page.rows if len(r) == columns and r[0] != "program"]
    assert heatmap_rows == expected  # "aaa-new" would come first by ID
    summary = [r[0] for r in page.rows if len(r) == 5 and r[0] != "program"]
    assert summary == expected
    # The full name is in the page, never clipped with an ellipsis.
    assert "…" not in "".join(page.text)
    # The similarity matrix numbers programs by label — only those with a recorded curriculum
    # (issue 14: a program without one is unknown, not a row of zeros).
    from rdflib import Graph

    extra = Graph().parse(data=SUNRISE, format="turtle")
    data = load_coverage_data(memory_backend([PROGRAMS]))
    recorded = {data.programs[p] for p in data.split_recorded()[0]}
    recorded |= {str(o) for o in extra.objects(None, RDFS.label)}  # the Sunrise program covers a topic
    with_curricula = [name for name in expected if name in recorded]
    assert long_name in with_curricula and len(with_curricula) < len(expected)
    assert [r[0] for r in page.rows if r and r[0][:2] in {f"{i}." for i in range(1, 8)}] == [
        f"{i}. {name}" for i, name in enumerate(with_curricula, start=1)]
    # The sources table: program label (then its ID) in label order.
    sources = [r[0] for r in page.rows if len(r) == 4 and r[0] != "program"]
    assert sources == [name + short for name, short in zip(expected, (
        "alpha", "beta", "delta", "epsilon", "gamma", "aaa-new", "zeta"))]


def test_every_cell_is_in_the_lists_by_program_and_value(fixture_page):
    html, _ = fixture_page
    page = parse(html)
    summaries = [attrs for tag, attrs in page.tags if tag == "details" and attrs.get("class") == "alt"]
    assert len(summaries) == 6
    text = " ".join(" ".join(page.text).split())
    assert "Each program's topics by answer" in text
    # Alpha covers exactly four topics; its curriculum is complete, so the rest reads no.
    n = len(load_coverage_data(memory_backend([PROGRAMS])).topics)
    assert (f"Alpha Certificate (4 direct, 4 narrower, {n - 8} no) direct (4) Attachment theory; Cultural competence; "
            "Infant and child development; Perinatal mental health narrower (4) Attachment, separation, trauma, "
            "grief and loss; Core content;") in text
    # Gamma's curriculum is not complete: what it does not list is unknown, Reflective practice among it.
    gamma = text[text.index(f"Gamma Seminar Series (3 direct, 4 narrower, {n - 7} unknown)"):]
    gamma = gamma[:gamma.index("Zeta")]
    assert " no (" not in gamma and "Reflective practice" in gamma[gamma.index(f"unknown ({n - 7})"):]


def test_overview_states_dates_and_curricula_honestly(bundled):
    text = " ".join(" ".join(parse(build_report(bundled)).text).split())
    from imhgraph.coverage.evidence import curricula_figures
    from imhgraph.stats import stats

    figures = curricula_figures(bundled)
    cited = stats(bundled).sources
    dated = {str(r[0]) for r in bundled.select(
        "PREFIX imh: <https://w3id.org/imhgraph/ontology#> SELECT DISTINCT ?s WHERE { ?s imh:retrieved ?d }").rows}
    n = len(dated & {iri for iri, _, _ in cited})
    assert n < len(cited)
    verb = "records when it was read" if n == 1 else "record when they were read"
    assert f"{n} of {len(cited)} sources {verb}" in text
    assert f"the other {len(cited) - n} sources do not say when they were read" in text
    assert f"{figures.programs_with_curriculum} of {figures.programs} programs have a recorded curriculum" in text
    assert "The facts were read from their sources" not in text and "SPEC" not in text


# -- issue 15 in a real browser: print, phone, axe-core -----------------------------------------

ROOT = Path(__file__).resolve().parents[1]
#: where .ci/run installs axe-core (``npm install --prefix build/axe axe-core``); IMHGRAPH_AXE may
#: name another axe.min.js.
AXE_PATHS = (ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js",
             Path("/usr/lib/node_modules/axe-core/axe.min.js"),
             Path("/usr/local/lib/node_modules/axe-core/axe.min.js"))
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-extensions"]
NO_BROWSER = ("no Chromium found (looked for chromium, chromium-browser, google-chrome); "
              "`apt-get install chromium` to run this test — .ci/run installs it")


def find_axe() -> Path | None:
    import os

    named = os.environ.get("IMHGRAPH_AXE")
    for path in ([Path(named)] if named else []) + list(AXE_PATHS):
        if path.is_file():
            return path
    return None


@pytest.fixture(scope="module")
def bundled_report(tmp_path_factory, bundled) -> Path:
    path = tmp_path_factory.mktemp("bundled-report") / "report.html"
    path.write_text(build_report(bundled), encoding="utf-8")
    return path


def chromium(args: list[str], profile: Path, timeout: int = 240) -> subprocess.CompletedProcess:
    browser = find_chromium()
    if browser is None:
        pytest.skip(NO_BROWSER)
    try:
        return subprocess.run([browser, *BROWSER_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish within {timeout} s: {args[-1]}")


#: Runs in a copy of the report (never in the report itself, which has no script): measures the
#: page and, where axe-core was injected before it, runs it; sends the JSON to the frame's parent.
MEASURE = """
window.addEventListener('load', function () {
  var root = document.documentElement;
  var rows = Array.prototype.map.call(document.querySelectorAll('table.stack tr'),
                                      function (tr) { return tr.getBoundingClientRect().height; });
  var m = {width: window.innerWidth, scrollWidth: root.scrollWidth, height: root.scrollHeight,
           tallestStackRow: Math.max.apply(null, rows.concat([0]))};
  function send() { parent.postMessage(JSON.stringify(m), '*'); }
  if (!window.axe) { send(); return; }
  axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
                     resultTypes: ['violations']}).then(function (r) {
    m.violations = r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, targets: v.nodes.slice(0, 5).map(function (n) { return n.target.join(' '); })};
    });
    send();
  }, function (e) { m.error = String(e); send(); });
});
"""


def measure_in_frame(report: Path, tmp_path: Path, width: int, axe: Path | None = None) -> dict:
    """Load a copy of *report* (with the measuring script, and axe-core if given) in an iframe
    *width* CSS px wide — a true 400-px viewport, which a headless window cannot be — and read
    what the script found from the dumped DOM of the outer page."""
    import json
    import re

    scripts = (f"<script>{axe.read_text(encoding='utf-8')}</script>" if axe else "") + f"<script>{MEASURE}</script>"
    page = tmp_path / f"measured-{width}.html"
    page.write_text(report.read_text(encoding="utf-8").replace("</body>", scripts + "</body>"), encoding="utf-8")
    outer = tmp_path / f"frame-{width}.html"
    outer.write_text(
        '<!DOCTYPE html><html><body style="margin:0"><pre id="out"></pre>'
        f'<iframe src="{page.name}" style="width:{width}px;height:900px;border:0"></iframe>'
        "<script>window.addEventListener('message', function (e) {"
        "document.getElementById('out').textContent = e.data; });</script></body></html>",
        encoding="utf-8")
    done = chromium([f"--window-size={width + 100},1000", "--virtual-time-budget=120000", "--dump-dom",
                     outer.as_uri()], tmp_path / f"profile-{width}")
    found = re.search(r'<pre id="out">(.*?)</pre>', done.stdout.decode("utf-8", "replace"), re.S)
    assert found and found.group(1), f"the measuring script reported nothing: {done.stderr[-2000:]!r}"
    from html import unescape

    return json.loads(unescape(found.group(1)))


@pytest.mark.browser
def test_phone_width_has_no_horizontal_page_scroll(bundled_report, tmp_path):
    m = measure_in_frame(bundled_report, tmp_path, 400)
    assert m["width"] == 400
    # The page itself never scrolls sideways: the heatmap and wide tables scroll in their own region.
    assert m["scrollWidth"] <= 400, m
    # Gap and source tables stack on a phone: no row of blank space (the issue measured ~1,000 px).
    assert 0 < m["tallestStackRow"] < 700, m
    print(f"\n400 px: page {m['scrollWidth']} px wide, {m['height']} px tall; tallest stacked row "
          f"{m['tallestStackRow']:.0f} px")


@pytest.mark.browser
def test_phone_screenshot_shows_the_narrow_layout(bundled_report, tmp_path):
    outer = tmp_path / "phone.html"
    outer.write_text('<!DOCTYPE html><html><body style="margin:0;background:#000">'
                     f'<iframe src="{bundled_report.as_uri()}" style="width:400px;height:1400px;border:0;'
                     'display:block"></iframe></body></html>', encoding="utf-8")
    shot = tmp_path / "phone.png"
    chromium(["--allow-file-access-from-files", f"--screenshot={shot}", "--window-size=500,1400",
              outer.as_uri()], tmp_path / "profile")
    assert shot.exists(), "no screenshot written"
    width, height, rows = png_pixels(shot)
    # Right of the 400-px frame the wrapper is black: nothing of the report spills past 400 px.
    assert all(row[400 * 3:] == b"\x00" * ((width - 400) * 3) for row in rows[::5])
    # Inside it the report is drawn (not blank): text, the cards, the heading rule.
    inside = Counter(row[x:x + 3] for row in rows[::4] for x in range(0, 400 * 3, 6))
    assert len(inside) > 40 and inside[b"\xff\xff\xff"] / sum(inside.values()) < 0.95


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 400])
def test_axe_core_finds_no_violations(bundled_report, tmp_path, width):
    axe = find_axe()
    if axe is None:
        pytest.skip("axe-core not found: .ci/run installs it (`npm install --prefix build/axe axe-core`); "
                    "or set IMHGRAPH_AXE to an axe.min.js")
    if find_chromium() is None:
        pytest.skip(NO_BROWSER)
    m = measure_in_frame(bundled_report, tmp_path, width, axe)
    assert "error" not in m, m
    assert m["violations"] == [], m["violations"]


def pdf_pages(blob: bytes) -> list[bytes]:
    """The decompressed content stream(s) of each page of a PDF written by Chromium (Skia)."""
    import re

    objects = {int(n): body for n, body in re.findall(rb"(?s)(\d+) 0 obj(.*?)endobj", blob)}

    def stream(n: int) -> bytes:
        body = objects.get(n, b"")
        start = body.find(b"stream")
        if start < 0:
            return b""
        data = body[start + 6:body.rfind(b"endstream")]
        # One end-of-line after "stream" belongs to the syntax; stripping more could eat the
        # compressed data's own last bytes. The end-of-line before "endstream" is left for the
        # decompressor, which keeps what follows the zlib stream as unused data.
        data = data[2:] if data.startswith(b"\r\n") else data[1:] if data.startswith(b"\n") else data
        return zlib.decompressobj().decompress(data) if b"FlateDecode" in body[:start] else data

    pages = []
    for body in objects.values():
        if re.search(rb"/Type\s*/Page\b", body):
            refs = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", body)
            numbers = [int(x) for x in re.findall(rb"(\d+) 0 R", refs.group(1))] if refs else []
            pages.append(b"".join(stream(n) for n in numbers))
    return pages


@pytest.mark.browser
def test_bundled_report_prints_within_the_figures(bundled_report, tmp_path):
    import time

    pdf = tmp_path / "report.pdf"
    start = time.monotonic()
    chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", bundled_report.as_uri()], tmp_path / "profile")
    seconds = time.monotonic() - start
    assert pdf.exists(), "no PDF written"
    blob = pdf.read_bytes()
    pages = pdf_pages(blob)
    assert 3 <= len(pages) <= 12, len(pages)  # 18 pages before issue 15
    assert len(blob) <= 5_000_000, len(blob)  # 66 MB before
    # No page of blank space: every page shows text (text-showing operators in its content).
    for number, content in enumerate(pages, start=1):
        assert content.count(b"Tj") + content.count(b"TJ") >= 5, f"page {number} is (nearly) blank"
    print(f"\nPDF: {len(pages)} pages, {len(blob) / 1e6:.2f} MB, printed in {seconds:.1f} s (not asserted)")
