"""Other tools read rmpcheck's traces, and rmpcheck reads theirs.

- itf-py (from PyPI) loads every trace rmpcheck writes, values intact, and
  what itf-py writes back (``"loop": null``, ``"params": []``) loads in
  rmpcheck as the same trace and passes the shipped schema.
- Apalache's and Quint's own traces (tests/trace/data/itf, from the Rust itf
  crate's fixtures) pass the shipped schema and show and convert with
  ``rmpcheck trace``.
- The loader's small validator (trace/schema.py) and jsonschema agree.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from rmpcheck.cli import cli
from rmpcheck.trace import itf, schema
from rmpcheck.trace.export import FORMATS, render
from rmpcheck.trace.model import Trace

itf_py = pytest.importorskip(
    "itf_py", reason="itf-py comes with the test extra: pip install -e '.[test]'"
)

FOREIGN = sorted((Path(__file__).parent / "data" / "itf").glob("*.itf.json"))
OURS = ["cex", "step_cex", "big_cex", "witness", "cti", "lanes"]


@pytest.fixture(params=OURS)
def trace(request: pytest.FixtureRequest) -> Trace:
    return request.getfixturevalue(request.param)


def _plain(v: Any) -> Any:
    """itf-py's values (frozendict maps, namedtuple records) as plain Python values."""
    if hasattr(v, "_fields"):
        return {k: _plain(x) for k, x in v._asdict().items()}
    if isinstance(v, tuple):
        return tuple(_plain(x) for x in v)
    if isinstance(v, dict) or type(v).__name__ == "ImmutableDict":
        return {_plain(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def test_itf_py_loads_every_trace_with_its_values(trace: Trace):
    loaded = itf_py.trace_from_json(json.loads(itf.dumps(trace)))
    assert loaded.vars[-2:] == ["mbt::actionTaken", "mbt::nondetPicks"]
    assert len(loaded.states) == len(trace.steps)
    for state, step in zip(loaded.states, trace.steps, strict=True):
        values = {k: _plain(v) for k, v in state.values.items()}
        for name, v in step.state.items():
            assert values[name] == v, name
        assert values["mbt::actionTaken"] == (step.action or "init")
        picks = {k: x["value"] for k, x in values["mbt::nondetPicks"].items()}
        assert picks == {**step.args, **step.choices}


def test_what_itf_py_writes_back_loads_as_the_same_trace(trace: Trace):
    again = itf_py.trace_to_json(itf_py.trace_from_json(json.loads(itf.dumps(trace))))
    assert again["loop"] is None and again["params"] == []
    text = json.dumps(again)
    assert schema.errors(json.loads(text)) == []
    jsonschema.Draft202012Validator(itf.schema()).validate(json.loads(text))
    assert itf.loads(text) == trace


@pytest.mark.parametrize("path", FOREIGN, ids=lambda p: p.name)
def test_the_schema_accepts_apalache_and_quint_traces(path: Path):
    doc = json.loads(path.read_text())
    jsonschema.Draft202012Validator(itf.schema()).validate(doc)
    assert schema.errors(doc) == []


@pytest.mark.parametrize("path", FOREIGN, ids=lambda p: p.name)
def test_trace_show_and_export_read_other_tools_traces(path: Path, tmp_path: Path):
    t = itf.load(path)
    assert t.kind == "run" and not t.model
    assert len(t.steps) == len(json.loads(path.read_text())["states"])
    for fmt in FORMATS:
        assert render(t, fmt)
    runner = CliRunner()
    shown = runner.invoke(cli, ["trace", "show", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "the run ends after step" in shown.output
    out = tmp_path / "again.itf.json"
    done = runner.invoke(cli, ["trace", "export", str(path), "-f", "json", "-o", str(out)])
    assert done.exit_code == 0, done.output
    again = itf.load(out)
    assert [s.state for s in again.steps] == [s.state for s in t.steps]
    # the producer's own #meta survives the conversion
    original = json.loads(path.read_text())["#meta"]
    written = json.loads(out.read_text())["#meta"]
    for key in ("source", "description", "varTypes", "timestamp"):
        if key in original and key != "varTypes":
            assert written[key] == original[key], key
    assert set(original.get("varTypes", {}).items()) <= set(written["varTypes"].items())


def test_replay_explains_that_a_foreign_trace_has_no_model(tmp_path: Path):
    from trace_fixtures import race_model

    from rmpcheck.errors import TraceError
    from rmpcheck.trace.recheck import recheck

    t = itf.load(FOREIGN[0])
    with pytest.raises(TraceError, match="names no rmpcheck model"):
        recheck(t, race_model())


# ---------------------------------------------- the loader's validator == jsonschema


def _mutations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    edits = [
        lambda d: d.pop("vars"),
        lambda d: d.update(loop=-1),
        lambda d: d.update(loop="1"),
        lambda d: d.update(params=[1]),
        lambda d: d["states"][0].update({"#meta": {"index": "0"}}),
        lambda d: d["states"][0].update(x={"#bigint": "1.5"}),
        lambda d: d["states"][0].update(x={"#map": [[1, 2, 3]]}),
        lambda d: d["states"][0].update(x={"#tup": 1}),
        lambda d: d["states"][0].update(x={"#set": [{"#bigint": "-3"}]}),
        lambda d: d["states"][0].update(x={"#unserializable": "Int"}),
        lambda d: d["states"][0].update(x={"#unknown": 1}),
        lambda d: d["states"][0].update(x=None),
        lambda d: d["states"][0].update(x=2.5),
        lambda d: d["states"][0].update(x={"tag": "Some", "value": {"#tup": []}}),
        lambda d: d["#meta"].update(timestamp=-1),
        lambda d: d["#meta"].update(varTypes={"a": 1}),
        lambda d: d["#meta"].update(rmpcheck=3),
        lambda d: d.update(vars=["a", "a"]),
        lambda d: d.update(states=[]),
        lambda d: d.update(extra=True),
    ]
    out = []
    for edit in edits:
        d = copy.deepcopy(doc)
        edit(d)
        out.append(d)
    return out


def test_the_loaders_validator_agrees_with_jsonschema(cex: Trace):
    docs = [itf.dump(cex), *(json.loads(p.read_text()) for p in FOREIGN)]
    docs += _mutations(itf.dump(cex))
    for ref in ("#", "#/$defs/written"):
        root = itf.schema()
        js = jsonschema.Draft202012Validator({**root, "$ref": ref} if ref != "#" else root)
        for d in docs:
            assert js.is_valid(d) == (schema.errors(d, ref) == []), (ref, json.dumps(d)[:200])


def test_the_validator_knows_every_keyword_the_schema_uses():
    known = set(schema._KEYWORDS) | schema._ANNOTATIONS

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("properties", "$defs"):
                    for sub in v.values():
                        walk(sub)
                    continue
                assert k in known, k
                walk(v)
        elif isinstance(node, list):
            for x in node:
                walk(x)

    walk(itf.schema())
