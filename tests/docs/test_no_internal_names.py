"""Output names things in model vocabulary only.

The shipped examples' commands (every engine's certificates, CTIs, inferred
lemmas, simulation, every trace format, a lasso, the gate's reports) must
not print an identifier rmpcheck made up for itself: a ``__``-prefixed
monitor or bookkeeping variable (``__ok``, ``__l2s_...``, ``__pending``), an
option's Python spelling (``opts.extra[...]``), a stats key, or a lemma named
after a file rather than its claim.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from doc_blocks import ROOT, all_blocks

from rmpcheck.cli import cli

INTERNAL = re.compile(
    r"(?<![\w.])__\w+|\bopts\.\w+|\bstats\[|\b\w+_inferred_\d+\b|Traceback|\bself\.\w+"
)
DATA = ROOT / "tests" / "trace" / "data"
LIVENESS = ROOT / "tests" / "models" / "liveness"
PROJECT = ROOT / "tests" / "gate" / "fixtures" / "proj"


def leaks(text: str) -> list[str]:
    return sorted(set(INTERNAL.findall(text)))


def run(*args: str) -> str:
    r = CliRunner().invoke(cli, list(args))
    assert r.exit_code in (0, 1), f"rmpcheck {' '.join(args)}: exit {r.exit_code}\n{r.output}"
    return r.output


def readme_race(d: Path) -> tuple[str, str]:
    """README's five-minute model: an always claim with ``once`` (a monitor)."""
    for b in all_blocks():
        if b.doc == "README.md" and b.saved_as in ("race.rmp", "race.prop"):
            (d / b.saved_as).write_text(b.body)
    return str(d / "race.rmp"), str(d / "race.prop")


def test_the_pattern_catches_what_it_is_for() -> None:
    said = "(__ok held) host_writes_inferred_4 (opts.extra['wait_s'] sets it) stats['epr']"
    assert leaks(said) == ["__ok", "host_writes_inferred_4", "opts.extra", "stats["]
    assert leaks("host.write(t) step[t] write_only_shared_lemma_1 snake__case") == []


def test_engines_certificates_ctis_and_lemmas(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    model, props = readme_race(tmp_path)
    small = ["--size", "Page=2", "--size", "Thread=2"]
    out = [
        run("prove", model, props, "-e", "pdr", *small),
        run("prove", model, props, "-e", "kind", *small),
        run("prove", model, props, "-e", "inductive", "--no-deadlock"),
        run("cti", model, props, "-p", "checked_write"),
        run("cti", model, props, "-p", "checked_write", "--infer", "--write", "lemmas.prop"),
        run("prove", model, "lemmas.prop", "-e", "inductive", "--no-deadlock"),
        run("simulate", model, props, "--steps", "30"),
        (tmp_path / "lemmas.prop").read_text(),
    ]
    assert leaks("\n".join(out)) == []


def test_traces_in_every_format_and_a_lasso(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    formats = ["--trace-dir", "tr", "--trace-format", "json,text,md,html,dot"]
    out = [
        run("prove", str(DATA / "race.rmp"), str(DATA / "race.prop"), "-e", "explicit", *formats),
        run(
            "prove",
            str(LIVENESS / "relay_broken.rmp"),
            str(LIVENESS / "relay.prop"),
            "-e",
            "explicit",
            *formats,
        ),
        run(
            "prove",
            str(LIVENESS / "mutex.rmp"),
            str(LIVENESS / "mutex_unfair.prop"),
            "-e",
            "bmc",
            "--json",
        ),
    ]
    saved = sorted((tmp_path / "tr").iterdir())
    assert saved
    out += [p.read_text() for p in saved]
    json_trace = next(p for p in saved if p.name.endswith(".itf.json"))
    out.append(run("trace", "show", str(json_trace), "--format", "md"))
    assert leaks("\n".join(out)) == []


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(PROJECT, root)
    monkeypatch.chdir(root)
    return root


def test_the_gate_and_its_reports(project: Path) -> None:
    out = [
        run(
            "prove",
            "--junit",
            "o/j.xml",
            "--sarif",
            "o/s.sarif",
            "--trace-dir",
            "o/tr",
            "--trace-format",
            "json,text,md,html,dot",
        ),
        run("prove", "--json", "--no-cache"),
    ]
    out += [p.read_text() for p in sorted((project / "o").rglob("*")) if p.is_file()]
    assert leaks("\n".join(out)) == []
