"""The modeling language: model (.rmp) and property (.prop) files to typed IR.

``load_model`` and ``load_properties`` read files; ``parse_model`` and
``parse_properties`` take text (includes are then resolved relative to the
directory of ``filename``). Every problem, from a missing file to a type
error, is raised as one :class:`~rmpcheck.errors.ModelError` listing all the
diagnostics found.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from rmpcheck import ir
from rmpcheck.errors import Diagnostic, ModelError, Span
from rmpcheck.lang import syntax as S
from rmpcheck.lang.loader import Flat, Loader
from rmpcheck.lang.model import ModelChecker
from rmpcheck.lang.parse_tree import TOO_DEEP
from rmpcheck.lang.props import check_properties
from rmpcheck.lang.source import Reporter

__all__ = ["load_model", "load_properties", "parse_model", "parse_properties"]

T = TypeVar("T")


def _flat(rep: Reporter, path: str, text: str | None, want_model: bool) -> Flat | None:
    """The flattened file, or None (after reporting) when it cannot be type checked."""
    loader = Loader(rep)
    flat = loader.load(path, text)
    if flat is None or loader.incomplete:
        return None
    if flat.root.is_model == want_model:
        return flat
    if want_model:
        rep.error(
            flat.root.header.span,
            f"{path} is a property file, but a model was expected",
            "a model file starts with 'model NAME'",
        )
    else:
        rep.error(
            flat.root.header.span,
            f"{path} is a model file, but properties were expected",
            "a property file starts with 'properties for MODEL'",
        )
    return None


def _model(path: str, text: str | None) -> ir.Model:
    rep = Reporter()
    flat = _flat(rep, path, text, want_model=True)
    if flat is None:
        rep.raise_if_failed()
    assert flat is not None and isinstance(flat.root.header, S.ModelHeader)
    model = ModelChecker(rep).check(flat.root.header, path, flat.decls, flat.included_models)
    rep.raise_if_failed()
    return model


def _properties(path: str, text: str | None, model: ir.Model) -> ir.PropertySet:
    rep = Reporter()
    flat = _flat(rep, path, text, want_model=False)
    if flat is None:
        rep.raise_if_failed()
    assert flat is not None
    props = check_properties(flat, model, rep)
    rep.raise_if_failed()
    return props


def _guarded(path: str, check: Callable[[], T]) -> T:
    """``check()``, with Python's recursion limit turned into a located error."""
    try:
        return check()
    except RecursionError:
        raise ModelError([Diagnostic(Span(path, 1, 1), TOO_DEEP)]) from None


def load_model(path: str | os.PathLike[str]) -> ir.Model:
    """Read, check and flatten the model file at ``path``."""
    p = os.fspath(path)
    return _guarded(p, lambda: _model(p, None))


def load_properties(path: str | os.PathLike[str], model: ir.Model) -> ir.PropertySet:
    """Read and check the property file at ``path`` against ``model``."""
    p = os.fspath(path)
    return _guarded(p, lambda: _properties(p, None, model))


def parse_model(text: str, filename: str = "<string>") -> ir.Model:
    """Check model ``text`` as if read from ``filename``."""
    return _guarded(filename, lambda: _model(filename, text))


def parse_properties(text: str, model: ir.Model, filename: str = "<string>") -> ir.PropertySet:
    """Check property ``text`` (as if read from ``filename``) against ``model``."""
    return _guarded(filename, lambda: _properties(filename, text, model))
