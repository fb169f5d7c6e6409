"""ITF JSON: schema-valid, lossless, and every malformed file is a clear TraceError."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmpcheck.errors import TraceError
from rmpcheck.trace import itf, schema
from rmpcheck.trace.itf_values import decode, encode
from rmpcheck.trace.model import Trace

TRACES = ["cex", "step_cex", "big_cex", "witness"]


@pytest.fixture(params=TRACES)
def trace(request: pytest.FixtureRequest) -> Trace:
    return request.getfixturevalue(request.param)


def test_the_schema_is_itself_valid():
    jsonschema.Draft202012Validator.check_schema(itf.schema())


def _validator(ref: str = "#") -> jsonschema.Draft202012Validator:
    root = itf.schema()
    return jsonschema.Draft202012Validator({**root, "$ref": ref} if ref != "#" else root)


def test_every_trace_validates_against_the_shipped_schema(trace: Trace):
    doc = itf.dump(trace)
    _validator().validate(doc)
    _validator("#/$defs/written").validate(doc)
    assert schema.errors(doc) == [] and schema.errors(doc, "#/$defs/written") == []
    mine = json.loads(doc["#meta"]["rmpcheck"])
    _validator("#/$defs/rmpcheck").validate(mine)
    # the parts a plain ITF reader relies on
    assert doc["vars"] == [*trace.steps[0].state, "mbt::actionTaken", "mbt::nondetPicks"]
    assert [s["#meta"]["index"] for s in doc["states"]] == list(range(len(trace.steps)))


def _numbers(v: object) -> list[object]:
    if isinstance(v, bool) or isinstance(v, str) or v is None:
        return []
    if isinstance(v, (int, float)):
        return [v]
    items = v.values() if isinstance(v, dict) else v
    return [n for x in items for n in _numbers(x)]  # type: ignore[union-attr]


def test_no_plain_numbers_outside_the_state_index(trace: Trace):
    """ADR-015 since 2023-09: every integer is a #bigint."""
    doc = itf.dump(trace)
    for state in doc["states"]:
        assert _numbers({k: v for k, v in state.items() if k != "#meta"}) == []
    assert _numbers(json.loads(doc["#meta"]["rmpcheck"])["culprits"]) == []


def test_meta_values_are_what_the_rust_itf_crate_takes(trace: Trace):
    """itf-rs: trace Meta holds Option<String>s, varTypes a map of strings, a u64
    timestamp and other: BTreeMap<String, String>; state Meta an index and strings."""
    doc = itf.dump(trace)
    meta = doc["#meta"]
    for k, v in meta.items():
        if k == "varTypes":
            assert all(isinstance(t, str) for t in v.values())
            assert set(v) == set(doc["vars"])
        else:
            assert isinstance(v, str), k
    for state in doc["states"]:
        assert all(isinstance(v, str) for k, v in state["#meta"].items() if k != "index")


def test_the_schema_rejects_what_rmpcheck_would_not_write(cex: Trace):
    doc = itf.dump(cex)
    mine = json.loads(doc["#meta"]["rmpcheck"])
    mine["kind"] = "proof"
    assert not _validator("#/$defs/rmpcheck").is_valid(mine)
    doc["states"][1]["writes"] = 0  # a plain number: readable, but not written any more
    assert _validator().is_valid(doc) and not _validator("#/$defs/written").is_valid(doc)
    doc["states"][1]["assigned"] = {"#sets": []}
    assert not _validator().is_valid(doc)


def test_round_trip_through_a_file_is_lossless(trace: Trace, tmp_path: Path):
    path = tmp_path / "t.itf.json"
    itf.save(trace, path)
    back = itf.load(path)
    assert back == trace
    # tuples (keys of two-key maps) come back as tuples, not lists
    checked = back.steps[-1].state["checked"]
    assert all(isinstance(k, tuple) for k in checked)


def test_lanes_and_culprits_survive_saving(lanes: Trace, tmp_path: Path):
    itf.save(lanes, tmp_path / "t.itf.json")
    back = itf.load(tmp_path / "t.itf.json")
    assert back == lanes
    assert [s.lane for s in back.steps] == [None, "Thread0", "Thread1", "Thread0", "Thread1"]
    assert back.culprits == (("p", "Page0"), ("freed[Page0]", False))


def test_encodings(cex: Trace):
    doc = itf.dump(cex)
    s0 = doc["states"][0]
    assert s0["assigned"] == {"#map": [["Page0", False]]}
    assert s0["checked"] == {"#map": [[{"#tup": ["Thread0", "Page0"]}, False]]}
    assert s0["step"] == {"#map": [["Thread0", "idle"]]}
    assert s0["writes"] == {"#bigint": "0"}
    assert s0["mbt::actionTaken"] == "init" and s0["mbt::nondetPicks"] == {}
    s1 = doc["states"][1]
    assert s1["mbt::actionTaken"] == "host.translate"
    assert s1["mbt::nondetPicks"] == {
        "t": {"tag": "Some", "value": "Thread0"},
        "p": {"tag": "Some", "value": "Page0"},
    }
    assert s1["#meta"] == {
        "index": 1, "actor": "host", "role": "host_thread", "lane": "Thread0", "args": "t,p",
    }
    meta = doc["#meta"]
    assert meta["varTypes"]["checked"] == "<<Str, Str>> -> Bool"
    assert meta["varTypes"]["writes"] == "Int"
    mine = json.loads(meta["rmpcheck"])
    assert mine["model"] == "psc_vs_host_io" and mine["property"] == "write_only_shared"
    assert mine["sizes"] == {"Page": 1, "Thread": 1}
    assert mine["versions"]["rmpcheck"]


def test_ints_are_bigints_and_plain_numbers_still_read():
    assert encode(2**60) == {"#bigint": str(2**60)}
    assert encode(3) == {"#bigint": "3"}
    assert decode({"#bigint": "-123456789012345678901"}) == -123456789012345678901
    assert decode(7) == 7


_scalar = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(alphabet="abcPageThread0123456789_", min_size=1, max_size=8),
)
_key = st.one_of(_scalar, st.tuples(_scalar, _scalar))


@given(st.one_of(_scalar, st.dictionaries(_key, _scalar, max_size=6)))
def test_encode_decode_round_trip(v):
    assert decode(json.loads(json.dumps(encode(v)))) == v


def _write(tmp_path: Path, doc: object | str) -> Path:
    p = tmp_path / "bad.json"
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return p


def _broken(cex: Trace, edit) -> dict:  # noqa: ANN001 - a small lambda
    doc = itf.dump(cex)
    edit(doc)
    return doc


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("vars"), "not a valid ITF trace: the top level: missing 'vars'"),
        (lambda d: d["#meta"].update(rmpcheck="{"), "#meta.rmpcheck: not JSON"),
        (
            lambda d: d["#meta"].update(rmpcheck='{"version": 2}'),
            "#meta.rmpcheck: missing 'model'",
        ),
        (lambda d: d["#meta"].update(rmpcheck=1), "older rmpcheck"),
        (lambda d: d["states"][2].pop("step"), "states[2]: missing variable 'step'"),
        (lambda d: d["states"][1].update(extra=1), "variable 'extra' is not listed"),
        (lambda d: d["states"].clear(), "states: expected at least 1 item(s), got 0"),
        (lambda d: d.update(loop=9), "loop: state 9 does not exist"),
        (lambda d: d.update(foo=1), "unexpected key 'foo'"),
        (
            lambda d: d["states"][1].update(assigned={"#map": [["Page0"]]}),
            "states[1].assigned: ",
        ),
        (lambda d: d["states"][1].update(writes=1.5), "states[1].writes: 1.5 is not an ITF value"),
        (lambda d: d["states"][1].update(writes={"#sets": []}), "is not an ITF value"),
        (lambda d: d.update(vars=[1, 2]), "vars[0]: expected string, got integer"),
    ],
)
def test_malformed_files_are_trace_errors_naming_file_and_place(cex, tmp_path, edit, message):
    path = _write(tmp_path, _broken(cex, edit))
    with pytest.raises(TraceError) as err:
        itf.load(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "bad.json:1:2: not valid JSON"),
        ("[1, 2]", "the top level: expected object, got array"),
    ],
)
def test_not_json_or_not_an_object(tmp_path, text, message):
    with pytest.raises(TraceError, match="bad.json") as err:
        itf.load(_write(tmp_path, text))
    assert message in str(err.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(TraceError, match="no such file"):
        itf.load(tmp_path / "nope.json")


def test_itf_py_style_loop_and_params_are_accepted(cex: Trace):
    """itf-py writes ``"loop": null`` and ``"params": []``: the schema and the loader agree."""
    doc = itf.dump(cex)
    doc.update(loop=None, params=[])
    assert schema.errors(doc) == []
    assert itf.from_dict(doc) == cex


def test_a_loop_and_params_are_kept(cex: Trace):
    doc = itf.dump(cex)
    doc.update(loop=1, params=["N"])
    doc["states"][0]["N"] = {"#bigint": "3"}
    back = itf.from_dict(doc)
    assert back.loop == 1 and back.params == {"N": 3}
    assert itf.from_dict(itf.dump(back)) == back
