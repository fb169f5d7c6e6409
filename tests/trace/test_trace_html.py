"""HTML report: self-contained (no network), escaped, and it renders in a real browser."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections import Counter
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


def test_one_box_per_step_and_one_arrow_between_consecutive_steps(big_cex: Trace):
    svg = html.sequence_svg(big_cex)
    boxes = re.findall(r"<g><title>", svg)
    arrows = re.findall(r'marker-end="url\(#arrow\)"', svg)
    assert len(boxes) == big_cex.length
    assert len(arrows) == big_cex.length - 1
    # one lifeline per actor that acts
    assert svg.count('stroke-dasharray="4 4"') == len(big_cex.actors)


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


def _screenshot(browser: str, page: Path, tmp_path: Path) -> Path:
    shot = page.with_suffix(".png")
    cmd = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}", "--window-size=1200,900", page.as_uri(),
    ]
    try:
        subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip("Chromium did not finish within 120 s")
    if not shot.exists():
        pytest.skip("Chromium ran but wrote no screenshot (a browser that cannot start here)")
    return shot


def _colours(shot: Path) -> Counter[tuple[int, ...]]:
    img = decode(shot.read_bytes())
    assert (img.width, img.height) == (1200, 900)
    return Counter(
        img.pixel(x, y)[:3] for y in range(0, img.height, 5) for x in range(0, img.width, 5)
    )


def _looks_blank(colours: Counter[tuple[int, ...]]) -> bool:
    most = colours.most_common(1)[0][1]
    return most >= 0.95 * sum(colours.values()) or len(colours) <= 20


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

    assert near((0x09, 0x69, 0xDA)), "no actor header: the SVG diagram did not render"
    assert near((0xFF, 0xF1, 0xB8)), "no highlighted cell: the state table did not render"
