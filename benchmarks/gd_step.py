"""Cost of one full-batch gradient step, side by side in one run.

    python benchmarks/gd_step.py [--n 1000 --d 20 --m 10000 --repeat 15]

For float64 and float32 it times, on the same data:

- ``mfnet_lite``: ``mf.model.value_and_gradients`` (the fused, row-blocked pass);
- ``plain NumPy``: the step written the obvious way (relu, mask, two matrix products, a gemv);
- ``products alone``: the two products no step can avoid, ``X @ B.T`` and ``D.T @ X``;
- ``PyTorch (CPU)``: autograd on the same loss, when torch is installed.

It prints medians and the ratios to the products alone. Not a test: numbers depend on the
machine, so they are reported, never asserted.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import mfnet_lite as mf


def median_time(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


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


def bench(n, d, m, dtype, repeat, torch):
    rng = np.random.default_rng(0)
    X = mf.data.sphere(n, d, rng).astype(dtype)
    y = rng.standard_normal(n).astype(dtype)
    net = mf.model.init_network(m, d, rng, dtype=dtype)
    a, B, c = net.a, net.B, net.factor
    D = ((X @ B.T) > 0) * y[:, None]

    rows = {}
    rows["mfnet_lite"] = median_time(lambda: mf.model.value_and_gradients(net, X, y), repeat)
    rows["plain NumPy"] = median_time(lambda: plain_numpy_step(a, B, c, X, y), repeat)
    rows["products alone"] = median_time(lambda: (X @ B.T, D.T @ X), repeat)
    if torch is not None:
        tX, ty = torch.from_numpy(X), torch.from_numpy(y)
        ta = torch.from_numpy(a.copy()).requires_grad_()
        tB = torch.from_numpy(B.copy()).requires_grad_()

        def torch_step():
            ta.grad = tB.grad = None
            h = c * (torch.relu(tX @ tB.T) @ ta)
            (0.5 * ((h - ty) ** 2).mean()).backward()

        rows["PyTorch (CPU)"] = median_time(torch_step, repeat)
    base = rows["products alone"]
    print(f"\n(n, d, m) = ({n}, {d}, {m}), {np.dtype(dtype).name}")
    for name, t in rows.items():
        print(f"  {name:<16} {1e3 * t:8.2f} ms   {t / base:5.2f} x products alone")
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--d", type=int, default=20)
    p.add_argument("--m", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args(argv)
    try:
        import torch

        torch.set_num_threads(max(1, torch.get_num_threads()))
    except ImportError:
        torch = None
        print("PyTorch is not installed: its row is skipped (pip install torch to add it).")
    for dtype in (np.float64, np.float32):
        bench(args.n, args.d, args.m, dtype, args.repeat, torch)


if __name__ == "__main__":
    main()
