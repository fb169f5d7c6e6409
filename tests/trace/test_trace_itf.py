"""ITF JSON: schema-valid, lossless, and every malformed file is a clear TraceError."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmpcheck.errors import TraceError
from rmpcheck.trace import itf
from rmpcheck.trace.model import Trace

TRACES = ["cex", "step_cex", "big_cex", "witness"]


@pytest.fixture(params=TRACES)
def trace(request: pytest.FixtureRequest) -> Trace:
    return request.getfixturevalue(request.param)


def test_the_schema_is_itself_valid():
    jsonschema.Draft202012Validator.check_schema(itf.schema())


def test_every_trace_validates_against_the_shipped_schema(trace: Trace):
    doc = itf.dump(trace)
    jsonschema.Draft202012Validator(itf.schema()).validate(doc)
    # the parts a plain ITF reader relies on
    assert doc["vars"] == list(trace.steps[0].state)
    assert [s["#meta"]["index"] for s in doc["states"]] == list(range(len(trace.steps)))


def test_the_schema_rejects_what_rmpcheck_would_not_write(cex: Trace):
    validator = jsonschema.Draft202012Validator(itf.schema())
    doc = itf.dump(cex)
    doc["#meta"]["kind"] = "proof"
    assert not validator.is_valid(doc)
    doc = itf.dump(cex)
    doc["states"][1]["assigned"] = {"#set": []}
    assert not validator.is_valid(doc)


def test_round_trip_through_a_file_is_lossless(trace: Trace, tmp_path: Path):
    path = tmp_path / "t.itf.json"
    itf.save(trace, path)
    back = itf.load(path)
    assert back == trace
    # tuples (keys of two-key maps) come back as tuples, not lists
    checked = back.steps[-1].state["checked"]
    assert all(isinstance(k, tuple) for k in checked)


def test_encodings(cex: Trace):
    doc = itf.dump(cex)
    s0 = doc["states"][0]
    assert s0["assigned"] == {"#map": [["Page0", False]]}
    assert s0["checked"] == {"#map": [[{"#tup": ["Thread0", "Page0"]}, False]]}
    assert s0["step"] == {"#map": [["Thread0", "idle"]]}
    assert s0["writes"] == 0
    meta = doc["#meta"]
    assert meta["model"] == "psc_vs_host_io" and meta["property"] == "write_only_shared"
    assert meta["sizes"] == {"Page": 1, "Thread": 1}
    assert meta["steps"][0]["action"] is None
    assert meta["steps"][1] == {
        "action": "host.translate",
        "actor": "host",
        "role": "host_thread",
        "args": {"t": "Thread0", "p": "Page0"},
        "choices": {},
        "changed": ["step"],
    }
    assert meta["versions"]["rmpcheck"]


def test_big_ints_use_bigint():
    assert itf.encode(2**60) == {"#bigint": str(2**60)}
    assert itf.encode(-(2**53)) == {"#bigint": str(-(2**53))}
    assert itf.encode(2**53 - 1) == 2**53 - 1
    assert itf.decode({"#bigint": "-123456789012345678901"}) == -123456789012345678901


_scalar = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(alphabet="abcPageThread0123456789_", min_size=1, max_size=8),
)
_key = st.one_of(_scalar, st.tuples(_scalar, _scalar))


@given(st.one_of(_scalar, st.dictionaries(_key, _scalar, max_size=6)))
def test_encode_decode_round_trip(v):
    assert itf.decode(json.loads(json.dumps(itf.encode(v)))) == v


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
        (lambda d: d.pop("#meta"), "missing '#meta'"),
        (lambda d: d["#meta"].pop("model"), "no 'model'"),
        (lambda d: d["#meta"].update(kind="proof"), "#meta.kind"),
        (lambda d: d["#meta"]["sizes"].update(Page="one"), "#meta.sizes.Page"),
        (lambda d: d["states"][2].pop("step"), "states[2]: missing variable 'step'"),
        (lambda d: d["states"][1].update(extra=1), "variable 'extra' is not listed"),
        (lambda d: d["states"].clear(), "at least its initial state"),
        (lambda d: d["#meta"]["steps"].pop(), "entries for 4 states"),
        (lambda d: d["#meta"]["steps"][2].pop("action"), "#meta.steps[2]: missing 'action'"),
        (lambda d: d["#meta"]["steps"][0].update(action="x.y"), "initial state has no action"),
        (
            lambda d: d["states"][1].update(assigned={"#map": [["Page0"]]}),
            "states[1].assigned.#map[0]: expected a [key, value] pair",
        ),
        (lambda d: d["states"][1].update(writes=1.5), "unsupported value 1.5"),
        (lambda d: d["states"][1].update(writes={"#set": []}), "unsupported value object"),
        (lambda d: d.update(vars=[1, 2]), "variable names must be strings"),
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
    [("{not json", "bad.json:1:2: not valid JSON"), ("[1, 2]", "must be a JSON object")],
)
def test_not_json_or_not_an_object(tmp_path, text, message):
    with pytest.raises(TraceError, match="bad.json") as err:
        itf.load(_write(tmp_path, text))
    assert message in str(err.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(TraceError, match="no such file"):
        itf.load(tmp_path / "nope.json")


def test_changed_may_be_left_out_and_is_recomputed(cex: Trace):
    doc = itf.dump(cex)
    for s in doc["#meta"]["steps"]:
        s.pop("changed")
    assert itf.from_dict(doc).steps == cex.steps
