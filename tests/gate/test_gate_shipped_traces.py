"""Every trace the shipped gate writes is a valid ITF trace that a third-party
reader loads and that replays on its model.

The gate ([tool.rmpcheck] in pyproject.toml over the SNP model library) runs
its refutations and covers (the obligations that end in a trace) in a copy
of the repository, writes them with ``--trace-dir``, and then each file is
loaded with itf-py, validated against the shipped schema, and re-checked
with ``rmpcheck replay TRACE MODEL PROPS`` from the paths it names.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from rmpcheck.cli import cli
from rmpcheck.gate.config import load_config
from rmpcheck.gate.plan import make_plan
from rmpcheck.gate.run import GateOptions, run_gate
from rmpcheck.trace import itf
from rmpcheck.trace.export import write_traces

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_every_gate_trace_loads_in_itf_py_and_replays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    itf_py = pytest.importorskip("itf_py", reason="itf-py comes with the test extra")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for d in ("models", "properties"):
        shutil.copytree(ROOT / d, tmp_path / d)
    monkeypatch.chdir(tmp_path)
    plan = make_plan(load_config(tmp_path / "pyproject.toml"))
    traced = ("refuted", "covered")
    report = run_gate(plan, GateOptions(select=lambda j: j.expect.verdict in traced))
    assert report.exit_code == 0
    paths = write_traces([o.result for o in report.outcomes], "traces", "json")
    assert len(paths) == len(report.outcomes) > 50

    validator = jsonschema.Draft202012Validator(
        {**itf.schema(), "$ref": "#/$defs/written"}
    )
    runner = CliRunner()
    for path in paths:
        doc = json.loads(path.read_text())
        validator.validate(doc)
        loaded = itf_py.trace_from_json(doc)
        assert len(loaded.states) == len(doc["states"])
        trace = itf.load(path)
        assert not Path(trace.model_file).is_absolute()
        r = runner.invoke(cli, ["replay", str(path), trace.model_file, trace.property_file])
        assert r.exit_code == 0, r.output
        assert "still" in r.output
