"""The configuration: what it accepts, and a located error (exit 2) for everything it rejects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Invoke

from rmpcheck.errors import ConfigError
from rmpcheck.gate.config import load_config
from rmpcheck.gate.plan import make_plan


def write_config(root: Path, body: str) -> Path:
    p = root / "pyproject.toml"
    p.write_text(body, encoding="utf-8")
    return p


HEAD = """[tool.rmpcheck]
engine = "explicit"
instance = "small"

[tool.rmpcheck.instances]
small = { Page = 2, Thread = 2 }
"""


# a check of the lock model against write.prop, its expectations to follow
LOCK_CHECK = """
[[tool.rmpcheck.check]]
model = "models/lock.rmp"
properties = "properties/write.prop"
"""


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as e:
        make_plan(load_config(path))
    return str(e.value)


def located(message: str, path: Path, text: str) -> tuple[int, int]:
    """The (line, col) the first diagnostic names; also checks the caret is under it."""
    m = re.match(re.escape(str(path)) + r":(\d+):(\d+): error: ", message)
    assert m, message
    line, col = int(m.group(1)), int(m.group(2))
    shown = message.splitlines()
    source = text.splitlines()[line - 1]
    assert shown[1].endswith(source.expandtabs(4))
    caret = shown[2]
    gutter = len(shown[1]) - len(source.expandtabs(4))
    assert caret.index("^") == gutter + col - 1
    return line, col


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_defaults_overrides_and_instances(project: Path) -> None:
    text = HEAD + LOCK_CHECK + """timeout = 7

[tool.rmpcheck.check.expect]
write_checked = { verdict = "proved", engine = "bmc", depth = 4, instance = "tiny" }
host_writes = "covered"
"""
    plan = make_plan(load_config(write_config(project, text)))
    jobs = {j.prop: j for j in plan.jobs}
    w, h = jobs["write_checked"], jobs["host_writes"]
    # per-property override; "tiny" is declared by the model file, not the config
    assert (w.engine, w.depth, w.instance) == ("bmc", 4, "tiny")
    assert w.sizes == (("Page", 1), ("Thread", 1))
    # per-check timeout, top-level engine and instance, built-in memory default
    assert (h.engine, h.timeout, h.instance, h.memory_mb) == ("explicit", 7.0, "small", 2048)
    assert h.sizes == (("Page", 2), ("Thread", 2))
    assert w.key != h.key


def test_globs_pair_models_with_their_property_files(project: Path) -> None:
    text = HEAD + """
[[tool.rmpcheck.check]]
model = "models/*.rmp"
properties = ["properties/*.prop"]
expect = { write_checked = "proved", host_writes = "covered" }
"""
    plan = make_plan(load_config(write_config(project, text)))
    # racy includes lock, so write.prop (for lock) applies to both
    assert sorted(j.name for j in plan.jobs) == [
        "lock::host_writes", "lock::write_checked", "racy::host_writes", "racy::write_checked",
    ]


@pytest.mark.parametrize(
    ("extra", "needle", "expect"),
    [
        ('engin = "bmc"\n', "engin =", "unknown key 'engin'"),
        ('timeout = "ten"\n', "timeout =", "'timeout' must be a number of seconds"),
        ("timeout = nan\n", "timeout =", "'timeout' must be a finite number of seconds"),
        ("timeout = 1e400\n", "timeout =", "'timeout' must be a finite number of seconds"),
        ("timeout = 0.001\n", "timeout =", "'timeout' must be between 0.01 and"),
        ("memory_mb = 1\n", "memory_mb =", "'memory_mb' must be between 256 and"),
        ('engine = "magic"\n', "engine = \"magic\"", "unknown engine 'magic'"),
    ],
)
def test_bad_check_keys_are_located(project: Path, extra: str, needle: str, expect: str) -> None:
    text = HEAD + f"""
[[tool.rmpcheck.check]]
model = "models/lock.rmp"
properties = "properties/write.prop"
{extra}expect = {{ write_checked = "proved", host_writes = "covered" }}
"""
    path = write_config(project, text)
    msg = config_error(path)
    assert expect in msg
    line, col = located(msg, path, text)
    assert line == line_of(text, needle)
    assert col == 1


def test_a_huge_size_is_located_at_the_sort(project: Path) -> None:
    text = HEAD + LOCK_CHECK + """instance = { Page = 99999 }
expect = { write_checked = "proved", host_writes = "covered" }
"""
    path = write_config(project, text)
    msg = config_error(path)
    assert "the size of Page is 99,999: at most 10,000" in msg
    line, col = located(msg, path, text)
    assert (line, col) == (line_of(text, "Page = 99999"), len("instance = { ") + 1)


def test_unknown_key_suggests_the_right_one(project: Path) -> None:
    text = HEAD.replace('engine = "explicit"', 'engine = "explicit"\ntimeuot = 3')
    text += """
[[tool.rmpcheck.check]]
model = "models/lock.rmp"
properties = "properties/write.prop"
expect = { write_checked = "proved", host_writes = "covered" }
"""
    path = write_config(project, text)
    msg = config_error(path)
    assert "unknown key 'timeuot' in [tool.rmpcheck]" in msg
    assert "did you mean 'timeout'?" in msg
    assert located(msg, path, text)[0] == line_of(text, "timeuot")


def test_missing_expectation_is_an_error(project: Path) -> None:
    text = HEAD + LOCK_CHECK + """expect = { write_checked = "proved" }
"""
    path = write_config(project, text)
    msg = config_error(path)
    assert "no expected verdict for claim host_writes of properties/write.prop on model lock" in msg
    assert located(msg, path, text)[0] == line_of(text, "expect =")


def test_the_hint_gives_every_missing_claim_a_verdict_it_can_have(project: Path) -> None:
    path = write_config(project, HEAD + LOCK_CHECK + "expect = { }\n")
    msg = config_error(path)
    assert "claims write_checked, host_writes of properties/write.prop" in msg
    # a cover cannot be proved: the hint must not propose what the gate then rejects
    assert 'write_checked = "proved", host_writes = "covered"' in msg


def test_expectation_for_a_claim_that_does_not_exist(project: Path) -> None:
    text = HEAD + LOCK_CHECK + """
[tool.rmpcheck.check.expect]
write_checked = "proved"
host_writes = "covered"
write_checkd = "proved"
"""
    path = write_config(project, text)
    msg = config_error(path)
    assert "expectation for write_checkd, but no property file of check #1 declares" in msg
    assert "did you mean 'write_checked'?" in msg
    assert located(msg, path, text) == (line_of(text, "write_checkd ="), 1)


def test_unknown_verdict_and_wrong_kind(project: Path) -> None:
    text = HEAD + LOCK_CHECK + """expect = { write_checked = "covered", host_writes = "provd" }
"""
    path = write_config(project, text)
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert "unknown verdict 'provd' for host_writes" in str(e.value)
    assert "did you mean 'proved'?" in str(e.value)
    text = text.replace('"provd"', '"covered"')
    msg = config_error(write_config(project, text))
    assert "invariant write_checked cannot be covered" in msg


def test_missing_file_and_empty_glob(project: Path) -> None:
    text = HEAD + """
[[tool.rmpcheck.check]]
model = "models/nope.rmp"
properties = "properties/*.nope"
expect = { write_checked = "proved" }
"""
    path = write_config(project, text)
    msg = config_error(path)
    assert "no such file: models/nope.rmp" in msg
    assert "no file matches properties/*.nope" in msg
    assert located(msg, path, text)[0] == line_of(text, "model =")


def test_unknown_instance_and_missing_sort(project: Path) -> None:
    text = HEAD.replace('instance = "small"', 'instance = "smal"') + """
[[tool.rmpcheck.check]]
model = "models/lock.rmp"
properties = "properties/write.prop"
expect = { write_checked = "proved", host_writes = "covered" }
"""
    path = write_config(project, text)
    msg = config_error(path)
    assert "unknown instance 'smal'" in msg and "did you mean 'small'?" in msg
    assert located(msg, path, text)[0] == line_of(text, 'instance = "smal"')
    text = text.replace('instance = "smal"', "instance = { Page = 2 }")
    msg = config_error(write_config(project, text))
    assert "gives no size for Thread" in msg


def test_assumption_has_no_verdict(project: Path) -> None:
    (project / "properties" / "write.prop").write_text(
        "properties for lock\n\nassume fair_env: true\n"
        "invariant write_checked: forall t: Thread. step[t] == consulted -> !assigned[target[t]]\n"
    )
    text = HEAD + LOCK_CHECK + """expect = { write_checked = "proved", fair_env = "proved" }
"""
    msg = config_error(write_config(project, text))
    assert "fair_env is an assumption, not a claim" in msg


def test_toml_syntax_error_is_located(project: Path) -> None:
    text = HEAD + '\n[[tool.rmpcheck.check]]\nmodel = "models/lock.rmp\n'
    path = write_config(project, text)
    with pytest.raises(ConfigError) as e:
        load_config(path)
    msg = str(e.value)
    assert "invalid TOML" in msg
    assert located(msg, path, text)[0] == line_of(text, 'model = "models')


def test_a_multi_line_inline_table_gets_a_hint(project: Path) -> None:
    text = HEAD + '\n[[tool.rmpcheck.check]]\nexpect = { a = "proved",\n  b = "proved" }\n'
    with pytest.raises(ConfigError) as e:
        load_config(write_config(project, text))
    assert "must end on the line it starts on" in str(e.value)
    assert located(str(e.value), project / "pyproject.toml", text)[0] == line_of(text, "expect")


def test_bad_config_exits_2_with_the_location(project: Path, prove: Invoke) -> None:
    text = HEAD + LOCK_CHECK + """expect = { write_checked = "proved" }
"""
    write_config(project, text)
    r = prove()
    assert r.exit_code == 2
    assert f"pyproject.toml:{line_of(text, 'expect =')}:1: error: no expected verdict" in r.stderr
    assert "Traceback" not in r.stderr


def test_no_configuration_exits_2(
    tmp_path: Path, prove: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = prove()
    assert r.exit_code == 2
    assert "no pyproject.toml" in r.stderr or "no [tool.rmpcheck]" in r.stderr
    r = prove("--config", str(tmp_path / "missing.toml"))
    assert r.exit_code == 2 and "no such configuration file" in r.stderr


def test_single_prove_options_are_refused_in_gate_mode(project: Path, prove: Invoke) -> None:
    r = prove("--engine", "bmc")
    assert r.exit_code == 2 and "--engine apply to one MODEL/PROPS pair" in r.stderr
    r = prove("models/lock.rmp", "properties/write.prop", "--junit", "x.xml")
    assert r.exit_code == 2 and "--junit only apply to the gate" in r.stderr


def test_a_pattern_gives_the_claims_it_matches_an_expectation(project: Path) -> None:
    text = HEAD + LOCK_CHECK + """
[tool.rmpcheck.check.expect]
host_writes = "covered"
"write_*" = { verdict = "proved", engine = "bmc" }
"*" = "refuted"
"""
    plan = make_plan(load_config(write_config(project, text)))
    got = {j.prop: (j.expect.verdict, j.engine) for j in plan.jobs}
    # the claim's own entry first, then the first pattern that matches, in order
    assert got == {"write_checked": ("proved", "bmc"), "host_writes": ("covered", "explicit")}


def test_a_pattern_that_matches_no_claim_is_an_error(project: Path) -> None:
    text = HEAD + LOCK_CHECK + """
[tool.rmpcheck.check.expect]
write_checked = "proved"
host_writes = "covered"
"*_inferred_*" = "proved"
"""
    path = write_config(project, text)
    msg = config_error(path)
    assert "the pattern *_inferred_* matches no claim of check #1" in msg
    assert located(msg, path, text) == (line_of(text, "*_inferred_*"), 1)
