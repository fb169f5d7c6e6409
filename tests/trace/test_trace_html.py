"""HTML report: self-contained (no network), escaped, and it renders in a real browser."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from collections import Counter
from html import unescape
from pathlib import Path

import pytest
from png_pixels import decode

from rmpcheck.trace import html, layout
from rmpcheck.trace.model import Trace


@pytest.mark.parametrize("name", ["cex", "big_cex", "witness"])
def test_html_is_self_contained(request: pytest.FixtureRequest, name: str):
    page = html.render(request.getfixturevalue(name))
    assert not re.search(r"https?://", page), "the report must not refer to the network"
    assert not re.search(r"<(script|link|img|iframe|object)\b", page)
    assert "@import" not in page and "url(http" not in page
    assert not re.search(r"\bsrc=", page)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


def test_one_box_per_step_in_its_column_and_one_note_per_step(lanes: Trace):
    seq = html.sequence(lanes)
    titles = re.findall(r'<div class="actor">([^<]*)</div>', seq)
    assert titles == ["host[Thread0]", "host[Thread1]"]
    assert len(re.findall(r'<div class="step[^"]*" id="step-\d+">', seq)) == lanes.length
    assert len(re.findall(r'<div class="note" id="note-\d+">', seq)) == lanes.length
    # each row: the number, then one cell per column, the box in the step's column
    rows = re.findall(r'<div class="num">(\d+)</div>\n(.*?)\n<div class="note"', seq, re.S)
    for num, cells in rows:
        lives = cells.split("\n")
        column = next(i for i, c in enumerate(lives) if "step-" in c)
        lane = lanes.steps[int(num)].lane
        assert column == ["Thread0", "Thread1"].index(lane)


def test_state_table_highlights_exactly_the_changed_cells(big_cex: Trace):
    table = html.state_table(big_cex)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])
    highlighted = sum(r.count('class="chg') for r in rows)
    expected = sum(
        len(layout.changes(big_cex.steps[i - 1], big_cex.steps[i]))
        for i in range(1, len(big_cex.steps))
    )
    assert highlighted == expected > 0


def test_text_from_the_trace_is_escaped(cex: Trace):
    evil = dataclasses.replace(cex, summary="<script>alert(1)</script> & more")
    page = html.render(evil)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def _chromium(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", *args,
    ]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip("Chromium did not finish within 120 s")


def _screenshot(browser: str, page: Path, tmp_path: Path, width: int = 1200) -> Path:
    shot = page.with_name(f"{page.stem}-{width}.png")
    _chromium(browser, tmp_path, f"--screenshot={shot}", f"--window-size={width},900",
              page.as_uri())
    if not shot.exists():
        pytest.skip("Chromium ran but wrote no screenshot (a browser that cannot start here)")
    return shot


def _colours(shot: Path, width: int = 1200) -> Counter[tuple[int, ...]]:
    img = decode(shot.read_bytes())
    assert (img.width, img.height) == (width, 900)
    return Counter(
        img.pixel(x, y)[:3] for y in range(0, img.height, 5) for x in range(0, img.width, 5)
    )


def _looks_blank(colours: Counter[tuple[int, ...]]) -> bool:
    most = colours.most_common(1)[0][1]
    return most >= 0.95 * sum(colours.values()) or len(colours) <= 20


# A probe for the test only (the report itself has no script): after layout, it
# writes into the page where every step box and change note lies, and how wide
# the window is; --dump-dom prints the result.
_PROBE = """<script>
addEventListener("load", () => {
  const out = [...document.querySelectorAll(".step, .note")].map(e => {
    const r = e.getBoundingClientRect();
    return [e.id, Math.floor(r.left), Math.ceil(r.right), Math.ceil(r.height),
            e.scrollWidth - e.clientWidth];
  });
  const p = document.createElement("pre");
  p.id = "probe";
  p.textContent = JSON.stringify({width: innerWidth, boxes: out});
  document.body.append(p);
});
</script>"""


def _layout(browser: str, page: str, tmp_path: Path, width: int) -> dict:
    probe = tmp_path / f"probe-{width}.html"
    probe.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    r = _chromium(browser, tmp_path, "--dump-dom", "--virtual-time-budget=3000",
                  f"--window-size={width},900", probe.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', r.stdout, re.S)
    if found is None:
        pytest.skip("Chromium ran but printed no page (a browser that cannot start here)")
    return json.loads(unescape(found.group(1)))


@pytest.mark.slow
@pytest.mark.parametrize("width", [800, 1400])
def test_every_step_and_change_note_is_on_screen_at_800_and_1400_px(
    lanes: Trace, big_cex: Trace, tmp_path: Path, width: int
):
    browser = _browser()
    if browser is None:
        pytest.skip("no Chromium found (install the chromium package to run this test)")
    # a trace with long change notes and four columns: the case a fixed-width
    # drawing pushed off screen
    wide = dataclasses.replace(
        big_cex,
        steps=tuple(
            dataclasses.replace(s, lane=s.args.get("t") if s.actor == "host" else None)
            for s in big_cex.steps
        ),
    )
    for trace in (lanes, wide):
        got = _layout(browser, html.render(trace), tmp_path, width)
        assert got["width"] == width
        ids = {box[0] for box in got["boxes"]}
        assert ids == {f"{k}-{i}" for k in ("step", "note") for i in range(1, len(trace.steps))}
        for name, left, right, height, overflow in got["boxes"]:
            assert 0 <= left and right <= width, f"{name} is off screen at {width} px"
            assert height > 0 and overflow <= 0, f"{name} is cut at {width} px"
    page = tmp_path / "trace.html"
    page.write_text(html.render(wide), encoding="utf-8")
    colours = _colours(_screenshot(browser, page, tmp_path, width), width)
    assert not _looks_blank(colours), "the page looks blank"


@pytest.mark.slow
def test_html_renders_in_headless_chromium(big_cex: Trace, tmp_path: Path):
    browser = _browser()
    if browser is None:
        pytest.skip("no Chromium found (install the chromium package to run this test)")
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    assert _looks_blank(_colours(_screenshot(browser, blank, tmp_path))), "the check is blind"

    page = tmp_path / "trace.html"
    page.write_text(html.render(big_cex), encoding="utf-8")
    colours = _colours(_screenshot(browser, page, tmp_path))
    assert not _looks_blank(colours), "the page looks blank"

    def near(rgb: tuple[int, int, int]) -> bool:
        return any(all(abs(a - b) <= 12 for a, b in zip(c, rgb, strict=False)) for c in colours)

    assert near((0x09, 0x69, 0xDA)), "no actor header: the sequence diagram did not render"
    assert near((0xFF, 0xF1, 0xB8)), "no highlighted cell: the state table did not render"
