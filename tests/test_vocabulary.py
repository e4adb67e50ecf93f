"""One vocabulary (issue 15 §3): every module listed, one rng convention, renamed names keep a
DeprecationWarning shim for one release."""

from __future__ import annotations

import ast
import pathlib
import re

import numpy as np
import pytest

import mfnet_lite as mf

PACKAGE = pathlib.Path(mf.__file__).parent


def test_all_and_docstring_list_every_module():
    modules = {p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")}
    modules |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert modules <= set(mf.__all__)
    for name in modules:
        assert f":mod:`~mfnet_lite.{name}`" in mf.__doc__, name
        assert getattr(mf, name).__name__ == f"mfnet_lite.{name}"


# The package's shared private modules: their names are meant to be imported across modules.
SHARED = {"_validation", "_render", "_style", "_array"}


def test_no_module_imports_private_names_of_another():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module not in SHARED:
                # `from . import _array` imports a shared module, not a private name
                private = [a.name for a in node.names if a.name.startswith("_")]
                private = [n for n in private if not (node.module is None and n in SHARED)]
                assert not private, f"{path.name} imports {private} from {node.module}"


def test_no_seed_plus_k_substreams():
    pattern = re.compile(r"\bseed\s*\+\s*\d|\d_?000\s*\+\s*seed")
    for path in PACKAGE.rglob("*.py"):
        assert not pattern.search(path.read_text()), path.name


def test_spawned_streams_are_independent_and_reproducible():
    a, b = mf._validation.spawn(7, 2)
    a2, _ = mf._validation.spawn(np.random.default_rng(7), 2)
    assert a.random() == a2.random() and a.random() != b.random()
    replay = mf._validation.replayable(3)
    assert replay().random() == replay().random() == np.random.default_rng(3).random()


def test_renamed_keywords_warn_and_work():
    X = mf.data.sphere(5, 3, 0)
    with pytest.warns(DeprecationWarning, match="rng="):
        ex = mf.meanfield.experiment(4, 2, n=10, step=1.0, steps=2, seed=3)
    np.testing.assert_array_equal(
        ex.X, mf.meanfield.experiment(4, 2, n=10, step=1.0, steps=2, rng=3).X
    )
    with pytest.warns(DeprecationWarning, match="draws="):
        old = mf.ntk.gram_deviation(X, [10], seeds=2, rng=1)
    np.testing.assert_array_equal(old, mf.ntk.gram_deviation(X, [10], draws=2, rng=1))
    with pytest.warns(DeprecationWarning, match="parallel_tol="):
        mf.data.check_not_parallel(X, tol=1e-8)
    with pytest.warns(DeprecationWarning, match="seeds=range"):
        out = mf.meanfield.sweep([3], 2, seeds=2, n=10, step=1.0, steps=2)
    assert out["steps"].shape == (1, 2)
    with pytest.raises(TypeError, match="both"):
        mf.meanfield.experiment(4, 2, n=10, step=1.0, steps=2, seed=3, rng=3)


def test_moved_and_unused_names_warn():
    H = np.array([[2.0, 1.0], [1.0, 2.0]])
    with pytest.warns(DeprecationWarning, match="kernels.lambda_max"):
        assert mf.ntk.lambda_max(H) == pytest.approx(3.0)
    assert mf.kernels.lambda_max(H) == pytest.approx(3.0)
    X, y, _, net = mf.momentum.setup(20, 2, 6)
    run = mf.train.kinetic(net, X, y, 0.5, 4, 1.0)
    with pytest.warns(DeprecationWarning, match="h is deprecated"):
        mf.plots.plot_energy(run, 0.5)
    with pytest.warns(DeprecationWarning, match="h is deprecated"):
        mf.plots.plot_phase({"r": run}, 0.5)


def test_sweep_tables_share_one_orientation():
    # (settings, seeds) everywhere: widths in meanfield.sweep and ntk.gram_deviation, alphas here
    out = mf.lazy.alpha_sweep([1.0, 10.0], seeds=[0, 1, 2], n=10, d=2, m=6, max_steps=3, n_test=5)
    assert out["movement"].shape == (2, 3)
    X, y, _, _, start = mf.lazy.draw(1, n=10, d=2, m=6, n_test=5)
    run = mf.lazy.lazy_gd(mf.lazy.with_alpha(start, 10.0), X, y, 2.0, 3, rtol=1e-3)
    assert out["movement"][1, 1] == pytest.approx(mf.lazy.relative_movement(run))
