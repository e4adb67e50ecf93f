"""mfnet_lite on a GPU against the same work written by hand in PyTorch, on the same device.

    python benchmarks/gpu.py                      # the real run: CUDA, paper sizes, float32/64
    python benchmarks/gpu.py --dry-run            # tiny sizes on the CPU: checks the script

One prepared script for a session that holds a GPU machine (issue 26): it needs PyTorch with
CUDA and prints, for float32 and float64,

1. **the step**: ``mf.model.value_and_gradients`` on torch tensors (the array API path) against
   the step written by hand in PyTorch (``X @ B.T``, ReLU, its mask, ``D.T @ X``), at the
   reference size (n, d, m) = (1000, 20, 10^4) and the sweep of ``benchmarks/gd_step.py``;
2. **the Du study at paper size** (n = d = 1000, 100 steps, widths 100 to 6400): the training
   runs of ``mf.ntk.train_first_layer`` on the device against the same loop by hand in
   PyTorch (the same records each step: loss, pattern change, largest distance, outputs
   copied to the host), and ``mf.ntk.paper_study(backend="torch", device=...)`` end to end.

Each pair is timed interleaved round by round (``torch.cuda.synchronize`` after each call), and
the speed is the median over rounds of time(by hand) / time(mfnet_lite): the goal is >= 0.8.
Before timing, each pair's results are compared (the relative difference of the gradients or of
the final losses is printed), so a fast wrong answer cannot pass unnoticed. ``--json FILE``
writes every number for ``benchmarks/`` and the README.
``--dry-run`` uses tiny sizes on the CPU (or ``--device``) so that the script can be checked on
a machine without a GPU; its timings mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np

import mfnet_lite as mf

SIZES = [(1000, 20, 10_000), (1000, 100, 10_000), (1000, 20, 40_000), (4000, 100, 40_000)]
STUDY = dict(mf.ntk.PAPER_SIZE)
DRY_SIZES = [(64, 8, 256), (100, 5, 1000)]
DRY_STUDY = {"n": 32, "d": 16, "widths": (16, 64), "steps": 5}


def timed_pair(fns, sync, repeat, budget):
    """Median times and the median over rounds of time(by hand)/time(mfnet_lite)."""
    for fn in fns.values():  # warm-up (CUDA kernels, caches)
        fn()
        sync()
    times = {name: [] for name in fns}
    start = time.perf_counter()
    for k in range(repeat):
        for name, fn in fns.items():
            sync()
            t0 = time.perf_counter()
            fn()
            sync()
            times[name].append(time.perf_counter() - t0)
        if k >= 2 and time.perf_counter() - start > budget:
            break
    t = {name: np.asarray(v) for name, v in times.items()}
    return {
        "rounds": len(t["mfnet_lite"]),
        "mfnet_lite_s": float(np.median(t["mfnet_lite"])),
        "by_hand_s": float(np.median(t["by hand"])),
        "speed": float(np.median(t["by hand"] / t["mfnet_lite"])),
    }


def step_case(torch, n, d, m, dtype, device, sync, repeat, budget):
    rng = np.random.default_rng(0)
    X = mf.data.sphere(n, d, rng).astype(dtype)
    y = rng.standard_normal(n).astype(dtype)
    net = mf.model.init_network(m, d, rng, dtype=dtype).to("torch", device=device)
    tX, ty = torch.asarray(X, device=device), torch.asarray(y, device=device)
    ta, tB, c = net.a, net.B, net.factor

    def by_hand():
        Z = tX @ tB.T
        h = c * (torch.relu(Z) @ ta)
        r = (h - ty) / n
        value = 0.5 * float(torch.mean((h - ty) ** 2))  # the step returns the risk too
        DtX = ((Z > 0) * r[:, None]).T @ tX
        return value, c * (tB * DtX).sum(1), (c * ta)[:, None] * DtX

    def mfnet():
        return mf.model.value_and_gradients(net, tX, ty)

    ours, hand = mfnet(), by_hand()
    err = max(
        float(torch.linalg.vector_norm(o - h) / torch.linalg.vector_norm(h))
        for o, h in zip(ours[1:], hand[1:], strict=True)
    )
    out = timed_pair({"mfnet_lite": mfnet, "by hand": by_hand}, sync, repeat, budget)
    out.update(n=n, d=d, m=m, dtype=np.dtype(dtype).name, rel_diff=err)
    return out


def hand_first_layer(torch, tX, ty, a, B0, c, step, steps):
    """Du et al.'s loop by hand, recording what ``train_first_layer`` records each step."""
    B = B0.clone()
    ca = (c * a)[:, None]
    signs0 = tX @ B0.T > 0
    losses, outputs, changes, dists = [], [], [], []
    nm = tX.shape[0] * B.shape[0]
    for k in range(steps + 1):
        Z = tX @ B.T
        active = Z > 0
        u = c * (torch.relu(Z) @ a)
        r = u - ty
        losses.append(0.5 * float(r @ r))
        changes.append(int(torch.count_nonzero(active != signs0)) / nm)
        dists.append(float(torch.sqrt(torch.max(torch.sum((B - B0) ** 2, dim=1)))))
        outputs.append(u.cpu().numpy())
        if k == steps:
            break
        B -= step * (ca * ((active * r[:, None]).T @ tX))
    return np.asarray(losses)


def study_case(torch, size, dtype, device, sync, repeat, budget):
    """The study's training runs, width by width, and the whole paper_study end to end."""
    rng = np.random.default_rng(0)
    X, y = mf.data.ntk_synthetic(size["n"], size["d"], rng)
    H = mf.kernels.h_infinity(X)
    step = 1.0 / mf.kernels.lambda_max(H)
    tX = torch.asarray(X.astype(dtype), device=device)
    ty = torch.asarray(y.astype(dtype), device=device)
    nets = [
        mf.ntk.init_du(m, size["d"], rng, dtype=dtype).to("torch", device=device)
        for m in size["widths"]
    ]
    steps = size["steps"]

    def mfnet():
        return [mf.ntk.train_first_layer(net, tX, ty, step, steps).losses for net in nets]

    def by_hand():
        return [hand_first_layer(torch, tX, ty, n.a, n.B, n.factor, step, steps) for n in nets]

    ours, hand = mfnet(), by_hand()
    err = max(abs(o[-1] - h[-1]) / abs(h[-1]) for o, h in zip(ours, hand, strict=True))
    out = timed_pair({"mfnet_lite": mfnet, "by hand": by_hand}, sync, repeat, budget)
    out.update(dtype=np.dtype(dtype).name, rel_diff_final_loss=float(err), **size)
    out["widths"] = list(size["widths"])
    sync()
    t0 = time.perf_counter()
    mf.ntk.study(**size, rng=0, dtype=dtype, backend="torch", device=device)
    sync()
    out["paper_study_end_to_end_s"] = time.perf_counter() - t0
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dry-run", action="store_true", help="tiny sizes (default device: cpu)")
    p.add_argument("--device", help="torch device (default: cuda, or cpu with --dry-run)")
    p.add_argument("--dtype", nargs="+", default=["float32", "float64"])
    p.add_argument("--repeat", type=int, default=21, help="rounds per step size (at most)")
    p.add_argument("--study-repeat", type=int, default=3, help="rounds of the Du study")
    p.add_argument("--budget", type=float, default=20.0, help="seconds per case, roughly")
    p.add_argument("--no-study", action="store_true", help="only the step")
    p.add_argument("--json", help="write every number to this file")
    args = p.parse_args(argv)
    os.environ.setdefault("MFNET_LITE_PROGRESS", "0")
    import torch

    device = args.device or ("cpu" if args.dry_run else "cuda")
    cuda = torch.device(device).type == "cuda"
    if cuda and not torch.cuda.is_available():
        raise SystemExit("CUDA is not available to PyTorch here; use --dry-run on a CPU machine.")
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    sizes, size = (DRY_SIZES, DRY_STUDY) if args.dry_run else (SIZES, STUDY)
    name = torch.cuda.get_device_name() if cuda else platform.processor() or "cpu"
    report = {"device": device, "device_name": name, "torch": torch.__version__, "step": []}
    report["study"] = []
    print(f"{name} ({device}), torch {torch.__version__}, mfnet_lite from {mf.__file__}")
    if args.dry_run:
        print("dry run: tiny sizes, the timings mean nothing")
    print("\nthe step: speed = time(by hand) / time(mfnet_lite), median over rounds")
    print("      n     d       m  dtype     mfnet_lite    by hand   speed   rel. diff")
    for dtype in args.dtype:
        for n, d, m in sizes:
            r = step_case(torch, n, d, m, np.dtype(dtype), device, sync, args.repeat, args.budget)
            report["step"].append(r)
            print(
                f"  {n:5d} {d:5d} {m:7d}  {dtype:<8} {1e3 * r['mfnet_lite_s']:8.3f} ms "
                f"{1e3 * r['by_hand_s']:8.3f} ms  {r['speed']:5.2f}   {r['rel_diff']:.1e}"
            )
    if not args.no_study:
        print(f"\nthe Du study, n = {size['n']}, d = {size['d']}, widths {size['widths']},")
        print(f"{size['steps']} steps: the training runs, then study() end to end")
        for dtype in args.dtype:
            r = study_case(
                torch, size, np.dtype(dtype), device, sync, args.study_repeat, args.budget
            )
            report["study"].append(r)
            print(
                f"  {dtype:<8} mfnet_lite {r['mfnet_lite_s']:7.3f} s, by hand "
                f"{r['by_hand_s']:7.3f} s, speed {r['speed']:.2f}, final losses differ by "
                f"{r['rel_diff_final_loss']:.1e}; study() end to end "
                f"{r['paper_study_end_to_end_s']:.2f} s"
            )
    worst = min(r["speed"] for r in report["step"] + report["study"])
    print(f"\nlowest speed against hand-written torch: {worst:.2f} (goal >= 0.8)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
