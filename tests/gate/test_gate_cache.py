"""Cache keys cover what changes a verdict; stored results come back whole, or not at all."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rmpcheck.gate import codec, fingerprint
from rmpcheck.gate.cache import Cache
from rmpcheck.gate.config import load_config
from rmpcheck.gate.plan import make_plan
from rmpcheck.result import Certificate, Result, Scope
from rmpcheck.trace.model import Step, Trace


def test_includes_are_found_outside_strings_and_comments() -> None:
    text = '''model m "include \\"not.rmp\\" # no"
# include "commented.rmp"
include "a.rmp"
include
  "b/c.rmp"  # trailing comment
'''
    assert fingerprint.includes(text) == ["a.rmp", "b/c.rmp"]
    assert fingerprint.properties_for("# c\nproperties for lock\ninvariant x: true") == "lock"
    assert fingerprint.properties_for("properties\ninvariant x: true") is None


def test_file_closure_follows_includes(project: Path) -> None:
    closure = fingerprint.file_closure(project / "models" / "racy.rmp")
    assert [p.name for p in closure] == ["racy.rmp", "lock.rmp"]


def keys(root: Path) -> dict[str, str]:
    plan = make_plan(load_config(root / "pyproject.toml"))
    return {j.name: j.key for j in plan.jobs}


def test_keys_change_with_what_matters_only(project: Path) -> None:
    before = keys(project)
    assert len(set(before.values())) == 4
    assert keys(project) == before  # stable

    cfg = project / "pyproject.toml"
    text = cfg.read_text()
    # a comment in the configuration changes nothing
    cfg.write_text("# the gate\n" + text)
    assert keys(project) == before
    # the instance, the engine and its options do
    cfg.write_text(text.replace("Page = 2, Thread = 2", "Page = 3, Thread = 2"))
    assert set(keys(project).values()).isdisjoint(before.values())
    cfg.write_text(text.replace("timeout = 30", "timeout = 31"))
    assert set(keys(project).values()).isdisjoint(before.values())
    cfg.write_text(text.replace('engine = "explicit"', 'engine = "bmc"'))
    assert set(keys(project).values()).isdisjoint(before.values())
    cfg.write_text(text)

    # the property file is read by all four
    props = project / "properties" / "write.prop"
    props.write_text(props.read_text() + "\n")
    assert set(keys(project).values()).isdisjoint(before.values())


def test_ir_digest_ignores_spans_and_file_names(project: Path) -> None:
    from rmpcheck.lang import parse_model

    text = (project / "models" / "lock.rmp").read_text()
    a = parse_model(text, "a/lock.rmp")
    b = parse_model("\n\n" + text, "b/lock.rmp")
    assert fingerprint.ir_digest(a) == fingerprint.ir_digest(b)
    c = parse_model(text.replace("lock := true", "lock := false"), "a/lock.rmp")
    assert fingerprint.ir_digest(a) != fingerprint.ir_digest(c)


def sample_result() -> Result:
    steps = (
        Step(0, None, None, None, {}, {}, {"m": {("Page0", "Thread0"): True}, "x": 1}, ()),
        Step(1, "host.write", "host", "host", {"t": "Thread0"}, {"q": ["Page1"]},
             {"m": {("Page0", "Thread0"): False}, "x": 2}, ("m", "x")),
    )
    trace = Trace("m", "safe", "counterexample", {"Page": 1}, "explicit", steps,
                  "m.rmp", "p.prop", "summary", {"k": (1, 2)}, "invariant", {"rmpcheck": "0"})
    scope = Scope("instance", (("Page", 1),))
    cert = Certificate("lemmas", ("a", "b"), True, "d")
    return Result("m", "safe", "invariant", "refuted", "explicit", scope, trace, cert, "why", 1.5,
                  {"n": 3, "odd": {1, 2}})


def test_codec_round_trip() -> None:
    r = sample_result()
    back = codec.loads(codec.dumps(r))
    assert back.trace == r.trace
    assert dataclasses.replace(back, stats={}) == dataclasses.replace(r, stats={})
    assert back.stats["n"] == 3


def test_cache_round_trip_and_corruption(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    r = sample_result()
    assert cache.get("ab" * 32) is None
    assert cache.put("ab" * 32, r)
    got = cache.get("ab" * 32)
    assert got is not None and got.trace == r.trace
    (tmp_path / "c" / ".gitignore").read_text()  # the cache keeps itself out of git
    for junk in ("", "{", "[]", '{"key": "x"}', '{"key": "' + "ab" * 32 + '", "result": 1}'):
        cache.path("ab" * 32).write_text(junk)
        assert cache.get("ab" * 32) is None
    # unknowns are not stored: they depend on the machine's speed
    unknown = Result("m", "safe", "invariant", "unknown", "kind", reason="timeout")
    assert not cache.put("cd" * 32, unknown)
    assert cache.get("cd" * 32) is None
    assert Cache(tmp_path / "c", read=False).get("ab" * 32) is None


def test_the_checkers_own_code_is_in_the_key(tmp_path: Path) -> None:
    for rel in ("engines/bmc.py", "lang/rmp.lark", "gate/sarif.py", "cli/prove.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# v1\n")
    before = fingerprint.source_digest(tmp_path)
    # reporting code cannot change a verdict
    (tmp_path / "gate" / "sarif.py").write_text("# v2\n")
    (tmp_path / "cli" / "prove.py").write_text("# v2\n")
    assert fingerprint.source_digest(tmp_path) == before
    # an engine or the grammar can
    (tmp_path / "engines" / "bmc.py").write_text("# v2\n")
    after = fingerprint.source_digest(tmp_path)
    assert after != before
    (tmp_path / "lang" / "rmp.lark").write_text("// v2\n")
    assert fingerprint.source_digest(tmp_path) != after


def test_an_unwritable_cache_is_a_warning_not_silence(project: Path, prove) -> None:  # noqa: ANN001
    (project / ".rmpcheck-cache").write_text("a file where the cache directory should be\n")
    r = prove("-p", "write_checked")
    assert r.exit_code == 0, r.output
    assert "warning: cannot write the cache in" in r.stderr
    assert "every run proves them again" in r.stderr
    again = prove("-p", "write_checked")  # nothing was kept
    assert again.exit_code == 0 and "warning: cannot write the cache" in again.stderr
