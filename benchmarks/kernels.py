"""Speed of chapter 6's kernels and of the paper-size synthetic study, side by side.

    python benchmarks/kernels.py [--n 2000 5000 --d 1000 20 --repeat 3 --skip-study]

Prints, without asserting anything (numbers depend on the machine and its load):

1. ``H_infinity`` at n = 2000 and 5000 points in d dimensions, then lambda_0 by
   ``lambda_min()`` (auto: Cholesky + shift-invert Lanczos above n = 500), its "mixed" and
   "subset" methods, and SciPy's own routes beside them (ARPACK shift-invert
   ``eigsh(H, k=1, sigma=0)`` and ``eigh(H, subset_by_index=[0, 0])``), each with its ratio to
   the best SciPy route and its error against ``eigvalsh`` (against the subset value above
   n = 3000). Both regimes of issue 26: d = 1000 (a tight cluster at the bottom of the
   spectrum, where the subset driver wins) and d = 20 (lambda_0 near 0.05, where shift-invert
   wins); the last lines add the Gram build (``h_infinity``) to every route, the cost of
   lambda_0 from X. Goal: lambda_min within 1.1x of the best route, at its documented accuracy.
2. One recorded gradient step of the Du et al. model at n = d = 1000, m = 6400:
   ``mf.ntk.train_first_layer`` (two matrix products a step) against ``mf.train.gd`` with a
   callback that records the activation patterns (three), and the two products alone.
3. ``mf.ntk.paper_study()`` — n = d = 1000, 100 steps, widths 100 to 6400 (target: 2 min),
   with its lambda_0, lambda_max, step and the final pattern fractions and distances.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg
import scipy.sparse.linalg

import mfnet_lite as mf


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def bench_lambda(n: int, d: int, repeat: int) -> None:
    X = mf.data.sphere(n, d, 0)
    t_h, H = median_time(lambda: mf.kernels.h_infinity(X), repeat)
    print(f"\n1. H_infinity and lambda_0 at n = {n}, d = {d} (fastest of {repeat} interleaved)")
    print(f"   {'h_infinity':<38}{t_h:8.2f} s")
    ours = {
        "lambda_min() (auto)": lambda: mf.kernels.lambda_min(H),
        "lambda_min(method='mixed')": lambda: mf.kernels.lambda_min(H, method="mixed"),
        "lambda_min(method='subset')": lambda: mf.kernels.lambda_min(H, method="subset"),
        "lambda_min(method='shift-invert')": lambda: mf.kernels.lambda_min(
            H, method="shift-invert"
        ),
    }
    scipy_routes = {
        "SciPy eigsh shift-invert, sigma=0": lambda: float(
            scipy.sparse.linalg.eigsh(H, k=1, sigma=0, which="LM", return_eigenvectors=False)[0]
        ),
        "SciPy eigh subset_by_index=[0, 0]": lambda: float(
            scipy.linalg.eigh(H, eigvals_only=True, subset_by_index=[0, 0])[0]
        ),
    }
    reference = float(np.linalg.eigvalsh(H)[0]) if n <= 3000 else None
    # interleaved rounds, the fastest of each: on a shared machine the load changes within a
    # minute, and the minimum is the least disturbed measurement of each route
    times = dict.fromkeys({**ours, **scipy_routes}, np.inf)
    values = {}
    for _ in range(repeat):
        for name, fn in {**ours, **scipy_routes}.items():
            t, values[name] = median_time(fn, 1)
            times[name] = min(times[name], t)
    if reference is None:
        reference = values["SciPy eigh subset_by_index=[0, 0]"]
    best = min(scipy_routes, key=times.get)
    for name in times:
        error = abs(values[name] - reference) / reference
        print(
            f"   {name:<38}{times[name]:8.2f} s   x{times[name] / times[best]:5.2f} of the best "
            f"SciPy route   rel. error {error:.1e}"
        )
    print(
        f"   lambda_min (auto) / best SciPy route ({best}): "
        f"{times['lambda_min() (auto)'] / times[best]:.2f}"
    )
    fastest = min(times, key=times.get)
    print(
        f"   with the Gram build: lambda_min (auto) {t_h + times['lambda_min() (auto)']:.2f} s, "
        f"best SciPy route {t_h + times[best]:.2f} s, fastest route ({fastest}) "
        f"{t_h + times[fastest]:.2f} s; lambda_min (auto) / fastest route: "
        f"{times['lambda_min() (auto)'] / times[fastest]:.2f}"
    )


def bench_step(repeat: int) -> None:
    n = d = 1000
    m = 6400
    X, y = mf.data.ntk_synthetic(n, d, 1)
    net = mf.ntk.init_du(m, d, 2)
    signs0 = X @ net.B.T > 0
    records = []

    def record(k, current, loss):
        records.append(np.count_nonzero((X @ current.B.T > 0) != signs0))

    steps = 3
    own, _ = median_time(lambda: mf.ntk.train_first_layer(net, X, y, 0.8, steps), repeat)
    gd, _ = median_time(
        lambda: mf.train.gd(
            net,
            X,
            y,
            0.8,
            steps,
            reduction="sum",
            trainable="B",
            time_scaling="plain",
            callback=record,
            progress=False,
        ),
        repeat,
    )
    B = net.B
    products, _ = median_time(lambda: (X @ B.T).T @ X, repeat)
    print(f"\n2. One recorded step at n = d = {n}, m = {m} (median of {repeat})")
    print(f"   {'mf.ntk.train_first_layer':<34}{own / (steps + 1):8.3f} s")
    print(f"   {'mf.train.gd + recording callback':<34}{gd / (steps + 1):8.3f} s")
    print(f"   {'the two products alone':<34}{products:8.3f} s")


def bench_study() -> None:
    t0 = time.perf_counter()
    fast = mf.ntk.paper_study(dtype=np.float32)
    seconds32 = time.perf_counter() - t0
    t0 = time.perf_counter()
    study = mf.ntk.paper_study()
    seconds = time.perf_counter() - t0
    print(
        f"\n3. mf.ntk.paper_study(): {seconds:.1f} s in float64 (target < 120 s), {seconds32:.1f} s in float32"
    )
    gap = np.abs(fast.final("pattern_change") - study.final("pattern_change")).max()
    print(f"   float32 against float64: final pattern fractions differ by at most {gap:.1e}")
    print(
        f"   lambda_0 = {study.lambda0:.4f}, lambda_max = {study.lambda_max:.4f}, step = {study.step:.4f}"
    )
    print(f"   widths         {study.widths}")
    for name in ("losses", "pattern_change", "max_distance"):
        final = study.final(name)
        slope = (
            "" if name == "losses" else f"   slope {mf.ntk.fit_slope(study.widths, final)[0]:.2f}"
        )
        print(f"   {name:<15}{np.array2string(final, precision=4)}{slope}")
    deviation = mf.ntk.gram_deviation(study.X, study.widths, draws=2, rng=1)
    slope = mf.ntk.fit_slope(study.widths, deviation)[0]
    print(
        f"   |H(0) - H_inf|_2 {np.array2string(deviation.mean(1), precision=4)}   slope {slope:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--d", type=int, nargs="+", default=[1000, 20])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-study", action="store_true")
    args = parser.parse_args()
    for n in args.n:
        for d in args.d:
            bench_lambda(n, d, args.repeat)
    bench_step(args.repeat)
    if not args.skip_study:
        bench_study()


if __name__ == "__main__":
    main()
