"""Quint's own ITF reader loads rmpcheck's traces and sees each step's action and picks.

Quint is an npm package; .ci/run installs it (best effort) into .ci/node, and
RMPCHECK_NODE_MODULES may name another node_modules. Without node or the
package the test skips and says how to get them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from rmpcheck.trace import itf
from rmpcheck.trace.model import Trace

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).parent / "quint_read.js"
QUINT = "@informalsystems/quint"


def _node_modules() -> Path | None:
    for d in (os.environ.get("RMPCHECK_NODE_MODULES"), ROOT / ".ci" / "node" / "node_modules"):
        if d and (Path(d) / QUINT / "dist" / "src" / "itf.js").exists():
            return Path(d)
    return None


@pytest.mark.parametrize("name", ["cex", "witness", "cti", "lanes", "big_cex"])
def test_quint_reads_the_action_and_picks_of_every_step(
    request: pytest.FixtureRequest, name: str, tmp_path: Path
):
    node, modules = shutil.which("node"), _node_modules()
    if node is None or modules is None:
        pytest.skip(f"needs node and `npm install --prefix .ci/node {QUINT}` (.ci/run does it)")
    trace: Trace = request.getfixturevalue(name)
    path = tmp_path / "t.itf.json"
    itf.save(trace, path)
    r = subprocess.run(
        [node, str(SCRIPT), str(path)], capture_output=True, text=True, timeout=120,
        env={**os.environ, "NODE_PATH": str(modules)},
    )
    assert r.returncode == 0, r.stderr
    states = json.loads(r.stdout)
    assert len(states) == len(trace.steps)
    for state, step in zip(states, trace.steps, strict=True):
        assert state["mbt::actionTaken"] == (step.action or "init")
        picks = {k: v["value"] for k, v in state["mbt::nondetPicks"].items()}
        assert {k: v["tag"] for k, v in state["mbt::nondetPicks"].items()} == dict.fromkeys(
            picks, "Some"
        )
        assert picks == {k: v for k, v in {**step.args, **step.choices}.items()}
        assert set(state) == {*step.state, "mbt::actionTaken", "mbt::nondetPicks"}
    # ints come through as Quint ints (#bigint), not as strings or floats
    if "writes" in trace.steps[-1].state:
        assert states[-1]["writes"] == str(trace.steps[-1].state["writes"])
