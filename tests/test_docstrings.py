"""Every public function of the chapter modules, the plots and the widgets documents its
Parameters and Returns in NumPy style (issue 15 §5); classes document their Parameters."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "meanfield",
    "lazy",
    "ntk",
    "momentum",
    "kernels",
    *(f"plots.{m}" for m in ("homogeneity", "measures", "meanfield", "lazy", "ntk", "momentum")),
    *(f"widgets.{m}" for m in ("homogeneity", "measures", "meanfield", "lazy", "ntk", "momentum")),
]


def public(module_name):
    module = importlib.import_module(f"mfnet_lite.{module_name}")
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException) or not callable(obj):
            continue
        yield name, obj


@pytest.mark.parametrize("module_name", MODULES)
def test_public_functions_document_parameters_and_returns(module_name):
    missing = []
    for name, obj in public(module_name):
        doc = inspect.getdoc(obj) or ""
        wanted = ("Parameters",) if inspect.isclass(obj) else ("Parameters", "Returns")
        missing += [f"{name}: {s}" for s in wanted if f"{s}\n---" not in doc]
    assert not missing, missing
