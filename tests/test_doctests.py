"""The runnable examples in the library's docstrings (scipy/scikit-image style) are run as doctests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import ti10cu2_lib

MODULES = sorted(m.name for m in pkgutil.walk_packages(ti10cu2_lib.__path__, "ti10cu2_lib.")
                 if not m.name.split(".")[-1].startswith("_"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples failed in {name}"


def test_examples_exist():
    """At least the documented helpers carry examples (the count can only grow)."""
    attempted = sum(doctest.testmod(importlib.import_module(n)).attempted for n in MODULES)
    assert attempted >= 8
