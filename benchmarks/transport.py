"""Time of the distances between two 1000-particle measures (the goal for exact W2: < 0.3 s).

Run: .venv/bin/python benchmarks/transport.py   (best and median of 5 runs, in seconds)
"""

import time

import numpy as np

import mfnet_lite as mf


def best_of(f, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = f()
        times.append(time.perf_counter() - start)
    return value, min(times), float(np.median(times))


def main(n=1000, d=3, seed=0):
    rng = np.random.default_rng(seed)
    nets = [mf.model.init_network(n, d, rng) for _ in range(2)]
    P, Q = (mf.transport.particles(net)[0] for net in nets)
    T = mf.transport
    rows = [
        ("exact W2 (ot.emd2)", lambda: T.w2(P, Q)),
        ("sliced W2, 200 directions", lambda: T.sliced_w2(P, Q, rng=0)),
        ("Sinkhorn, reg 0.05", lambda: T.sinkhorn_w2(P, Q)),
    ]
    small = [mf.model.init_network(200, d, rng) for _ in range(2)]
    # HK's majorisation-minimisation iterations are slow: about 100 s at n = 1000, so n = 200
    rows.append(
        ("HK, sphere measures, n = 200", lambda: T.hk(*T.sphere_measure(small[0]), *T.sphere_measure(small[1])))
    )  # fmt: skip
    print(f"two measures of {n} particles in R^{d + 1}")
    for name, f in rows:
        value, best, median = best_of(f, repeats=5 if "HK" not in name else 1)
        print(f"{name:30s} value {value:.4f}   best {best:.3f} s, median {median:.3f} s")


if __name__ == "__main__":
    main()
