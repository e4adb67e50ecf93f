"""Cost of one full-batch gradient step against the two matrix products it cannot avoid.

    python benchmarks/gd_step.py                 # issue 17's sweep: n, d, m, float64 and float32
    python benchmarks/gd_step.py --quick         # a reduced sweep for a quick look (about 1 min)
    python benchmarks/gd_step.py --n 1000 --d 20 --m 10000   # one size
    python benchmarks/gd_step.py --step-only --before /tmp/old   # against an older mfnet_lite

(``/tmp/old`` holding an older package, e.g. ``git archive 1539db8 mfnet_lite | tar -x -C /tmp/old``.)

For each size and dtype it times, on the same data and interleaved round by round (so that a
busy machine slows every row alike), each row after a pause of ``--settle`` seconds and one
untimed call of its own, as in a training loop (the pause lets the previous row's OpenBLAS
threads stop spinning; ``--settle 0`` times the rows back to back):

- ``mfnet_lite``: ``mf.model.value_and_gradients`` (the fused, tiled pass);
- ``products alone``: the two products no step can avoid, ``X @ B.T`` and ``D.T @ X`` (the
  ratios are to this row, the cost issue 17 measured);
- ``products, buffer``: the same into a reused (n, m) buffer, a stricter bound that pays no
  fresh pages for ``X @ B.T`` (``--strict`` adds it);
- ``plain NumPy``: the step written the obvious way (relu, mask, two products, a gemv), with
  every intermediate at full size (n, m);
- ``PyTorch``: autograd on the same loss, the step written by hand, and ``mfnet_lite`` on torch
  tensors (the array API path), when torch is installed, on the CPU or ``--device cuda``
  (then it also prints mfnet_lite's speed against the step by hand);
- ``before``: the same step from an older copy of the package (``--before``), in the same rounds.

``--step-only`` keeps the rows that the target concerns (``mfnet_lite``, ``products alone`` and
``before``), for the large sizes on a busy machine: the plain-NumPy row holds four n × m arrays
(5 GB in float64 at n = 4000, m = 40 000).

It prints median times and the median over rounds of each row's ratio to the products alone,
then a summary of the ``mfnet_lite`` ratios. Not a test: numbers depend on the machine, so they
are reported, never asserted. The BLAS thread count is the environment's
(``OPENBLAS_NUM_THREADS``); ``make bench`` uses every core.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import sys
import time
from pathlib import Path

import numpy as np

import mfnet_lite as mf

# OpenBLAS's worker threads spin for about 2**28 clock cycles (0.1 s; OPENBLAS_THREAD_TIMEOUT
# sets the power of two) after each call they share, and on two cores a spinning worker takes a
# core from whatever runs next. Timed back to back, a step that follows the products runs beside
# their spinning threads (measured at (1000, 20, 10**4) on two BLAS threads: 1.4-1.7x the
# products, against 1.0x after a pause; a training loop calls no threaded BLAS between steps).
# So each row is timed after a pause of SETTLE seconds and one untimed call of its own.
SETTLE = 0.25
FULL = {"n": (1000, 4000), "d": (20, 100), "m": (10_000, 40_000)}
QUICK = {"n": (1000,), "d": (20, 100), "m": (10_000, 40_000)}


def plain_numpy_step(a, B, c, X, y):
    """The obvious implementation: every intermediate at full size (n, m)."""
    n = X.shape[0]
    Z = X @ B.T
    A = np.maximum(Z, 0)
    r = (c * (A @ a) - y) / n
    grad_a = c * (A.T @ r)
    D = (Z > 0) * r[:, None]
    grad_B = c * a[:, None] * (D.T @ X)
    return grad_a, grad_B


def torch_rows(torch, net, X, y, device):
    """PyTorch's autograd step, the step written by hand in PyTorch (the reference for a GPU)
    and mfnet_lite's step on torch tensors, all on ``device``."""
    tX, ty = torch.asarray(X, device=device), torch.asarray(y, device=device)
    ta = torch.asarray(net.a.copy(), device=device).requires_grad_()
    tB = torch.asarray(net.B.copy(), device=device).requires_grad_()
    c, n = net.factor, X.shape[0]
    sync = torch.cuda.synchronize if torch.device(device).type == "cuda" else (lambda: None)

    def autograd_step():
        ta.grad = tB.grad = None
        h = c * (torch.relu(tX @ tB.T) @ ta)
        (0.5 * ((h - ty) ** 2).mean()).backward()
        sync()

    def by_hand():
        with torch.no_grad():
            Z = tX @ tB.T
            r = (c * (torch.relu(Z) @ ta) - ty) / n
            DtX = ((Z > 0) * r[:, None]).T @ tX
            grads = (c * (tB * DtX).sum(1), (c * ta)[:, None] * DtX)
        sync()
        return grads

    rows = {"PyTorch autograd": autograd_step, "PyTorch by hand": by_hand}
    try:
        tnet = mf.Network(ta.detach(), tB.detach())
        mf.model.value_and_gradients(tnet, tX, ty)

        def mfnet_step():
            mf.model.value_and_gradients(tnet, tX, ty)
            sync()

        rows["mfnet_lite, torch"] = mfnet_step
    except (TypeError, ValueError):  # a version of mfnet_lite without the array API path
        pass
    return rows


def load_before(folder):
    """The package ``mfnet_lite`` found in ``folder``, imported as ``mfnet_lite_before``."""
    init = Path(folder) / "mfnet_lite" / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        "mfnet_lite_before", init, submodule_search_locations=[str(init.parent)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["mfnet_lite_before"] = module
    spec.loader.exec_module(module)
    return module


def bench(
    n,
    d,
    m,
    dtype,
    repeat,
    torch,
    budget,
    before=None,
    step_only=False,
    device="cpu",
    strict=False,
    settle=SETTLE,
):
    rng = np.random.default_rng(0)
    X = mf.data.sphere(n, d, rng).astype(dtype)
    y = rng.standard_normal(n).astype(dtype)
    net = mf.model.init_network(m, d, rng, dtype=dtype)
    a, B, c = net.a, net.B, net.factor
    D = ((X @ B.T) > 0) * y[:, None]
    fns = {
        "mfnet_lite": lambda: mf.model.value_and_gradients(net, X, y),
        "products alone": lambda: (X @ B.T, D.T @ X),
    }
    if strict:
        Z = np.empty((n, m), dtype=dtype)
        fns["products, buffer"] = lambda: (np.matmul(X, B.T, out=Z), D.T @ X)
    if before is not None:
        old = before.Network(a, B)
        fns["before"] = lambda: before.model.value_and_gradients(old, X, y)
    if not step_only:
        fns["plain NumPy"] = lambda: plain_numpy_step(a, B, c, X, y)
        if torch is not None:
            fns.update(torch_rows(torch, net, X, y, device))
    times = {name: [] for name in fns}
    start = time.perf_counter()
    for fn in fns.values():  # warm-up
        fn()
    for k in range(repeat):
        for name, fn in fns.items():
            if settle:
                time.sleep(settle)  # the previous row's BLAS threads stop spinning
                fn()  # and this row warms its own (the products wake them)
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
        if k >= 2 and time.perf_counter() - start > budget:
            break
    base = np.asarray(times["products alone"])
    print(f"\n(n, d, m) = ({n}, {d}, {m}), {np.dtype(dtype).name}, {len(base)} rounds")
    ratios = {}
    for name, t in times.items():
        ratios[name] = float(np.median(np.asarray(t) / base))
        print(f"  {name:<18} {1e3 * np.median(t):9.2f} ms   {ratios[name]:5.2f} x products alone")
    if "mfnet_lite, torch" in times:
        ratio = np.median(np.asarray(times["PyTorch by hand"]) / times["mfnet_lite, torch"])
        print(f"  speed of mfnet_lite on torch ({device}) against the step by hand: {ratio:.2f}")
    return ratios


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, nargs="+", help="sizes n (default: the sweep's)")
    p.add_argument("--d", type=int, nargs="+", help="sizes d (default: the sweep's)")
    p.add_argument("--m", type=int, nargs="+", help="widths m (default: the sweep's)")
    p.add_argument("--dtype", nargs="+", default=["float64", "float32"])
    p.add_argument("--quick", action="store_true", help="the reduced sweep: n = 1000 only")
    p.add_argument("--repeat", type=int, default=11, help="rounds per size (at most)")
    p.add_argument("--budget", type=float, default=20.0, help="seconds per size, roughly")
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch rows")
    p.add_argument("--step-only", action="store_true", help="time only the step, the products")
    p.add_argument("--before", help="a folder holding an older mfnet_lite to time beside")
    p.add_argument("--device", default="cpu", help="PyTorch's device for its rows, e.g. cuda")
    p.add_argument("--strict", action="store_true", help="add the products into a reused buffer")
    p.add_argument(
        "--settle",
        type=float,
        default=SETTLE,
        help="seconds of pause and one untimed call before each timed call (0: back to back)",
    )
    args = p.parse_args(argv)
    before = load_before(args.before) if args.before else None
    sweep = QUICK if args.quick else FULL
    ns, ds, ms = (args.n or sweep["n"]), (args.d or sweep["d"]), (args.m or sweep["m"])
    torch = None
    if not (args.no_torch or args.step_only):
        # PyTorch's OpenMP threads otherwise spin after each of its calls and steal the cores
        # from the NumPy rows that follow (measured: the products alone 2x slower).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import torch
        except ImportError:
            print("PyTorch is not installed: its rows are skipped (pip install torch to add them).")
    summary = []
    for n, d, m, dtype in itertools.product(ns, ds, ms, args.dtype):
        ratios = bench(
            n,
            d,
            m,
            np.dtype(dtype),
            args.repeat,
            torch,
            args.budget,
            before,
            args.step_only,
            args.device,
            args.strict,
            args.settle,
        )
        strict = ratios["mfnet_lite"] / ratios.get("products, buffer", np.nan)
        summary.append((n, d, m, dtype, ratios["mfnet_lite"], ratios.get("before", np.nan), strict))
    print("\nx products alone (median over rounds), OPENBLAS_NUM_THREADS =", end=" ")
    print(os.environ.get("OPENBLAS_NUM_THREADS", "unset"))
    print("      n     d       m  dtype    mfnet_lite  before  mfnet_lite/products-buffer")
    for n, d, m, dtype, ratio, old, strict in summary:
        print(f"  {n:5d} {d:5d} {m:7d}  {dtype:<8} {ratio:8.2f}  {old:6.2f}  {strict:6.2f}")
    print(f"worst: {max(s[4] for s in summary):.2f} x")


if __name__ == "__main__":
    main()
