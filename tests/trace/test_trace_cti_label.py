"""A counterexample to induction starts from a pre-state, not an initial state:
every exporter says so (golden files), and ordinary traces keep "initial state"."""

from __future__ import annotations

import pytest
from trace_fixtures import check_golden

from rmpcheck.trace import dot, html, itf, layout, markdown, text
from rmpcheck.trace.model import Trace

RENDERERS = {"txt": text.render, "md": markdown.render, "dot": dot.render}


@pytest.mark.parametrize("ext", sorted(RENDERERS))
def test_cti_golden(cti: Trace, ext: str):
    check_golden(f"cti.changed.{ext}", RENDERERS[ext](cti))


def test_cti_html_golden(cti: Trace):
    check_golden("cti.table.html", html.state_table(cti) + "\n")
    page = html.render(cti)
    assert f"step 0 is a {layout.CTI_PRE_STATE}" in page
    assert "initial" not in page


@pytest.mark.parametrize("ext", sorted(RENDERERS))
def test_no_exporter_calls_a_cti_pre_state_initial(cti: Trace, ext: str):
    out = RENDERERS[ext](cti)
    assert "initial" not in out
    assert layout.CTI_PRE_STATE in out


@pytest.mark.parametrize("ext", sorted(RENDERERS))
def test_runs_from_init_keep_the_initial_state_label(cex: Trace, ext: str):
    out = RENDERERS[ext](cex)
    assert "initial state" in out and "pre-state" not in out


def test_the_label_survives_saving_and_loading(cti: Trace, tmp_path):
    path = tmp_path / "cti.itf.json"
    itf.save(cti, path)
    assert layout.CTI_PRE_STATE in text.render(itf.load(path))


def test_text_wraps_the_label_to_the_width(cti: Trace):
    out = text.render(cti, width=50)
    assert all(len(line) <= 50 for line in out.splitlines())
    assert "not necessarily reachable)" in out
