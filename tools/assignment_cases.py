"""The hidden checks of the five assignments, as data: inputs fixed here, reference values
computed with `mfnet_lite` (or a closed formula) when the assignment is built.

`cases(name)` returns, for each question, the function the student writes, its points, its
package policy and a list of cases `{"args": [...], "ref": value, "rtol", "atol"}`. A value is
plain JSON, so that it can be written into an otter test as a literal and checked by a fresh
interpreter without `mfnet_lite`:

    a number                                   (the student returns a float or NumPy scalar)
    {"array": nested list, "dtype": "float64"} (the student returns an ndarray of that shape)
    {"items": [value, ...]}                    (a tuple or list, compared item by item)

Package policy of a question (the assignment's text says the same; `tests/test_assignments.py`
checks it): `forbidden` -- implementing it is the point, so a submission whose function calls
into `mfnet_lite` scores 0 on the question; `flagged` -- the answer is scored on its numbers and
a call into the package is flagged in the CSV for the instructor to review. No question needs
the package, so no autograder declares it as a requirement.

Inputs come from generators, never from literals: each assignment's builder takes `rng`, a
`Streams` (below). `rng(i)` is a fresh `numpy.random.Generator` for stream i, and
`rng.pick(i, default, draw)` a constant: `default` for a reader without a secret,
`draw(generator)` with one. Without a secret, `rng(i)` is `default_rng(i)`: the built-in seeds,
so a reader who studies alone gets the same checks as ever. With an instructor's secret
(`make assignments SECRET=path`, grading/secret.py) every stream is keyed by
HMAC-SHA256(secret, assignment, student, i), so the inputs, and the references computed from
them, cannot be computed from this public file. A new assignment adds one block: a function
`name(rng)` that draws everything from `rng`, and its entry in BUILDERS.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np

import mfnet_lite as mf

FORBIDDEN, FLAGGED = "forbidden", "flagged"
# np.allclose's defaults, which the hidden tests have always used: answers are O(1) numbers that
# a correct implementation reproduces to rounding, while every classic mistake is off by O(1).
RTOL, ATOL = 1e-5, 1e-8


def value(x) -> float | dict:
    """The plain-JSON form of a number, an array or a tuple (see the module docstring)."""
    if isinstance(x, tuple | list):
        return {"items": [value(item) for item in x]}
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        return float(x)
    x = np.asarray(x)
    dtype = "int64" if np.issubdtype(x.dtype, np.integer) else "float64"
    return {"array": x.astype(dtype).tolist(), "dtype": dtype}


def _case(args, ref, rtol=RTOL, atol=ATOL, **extra) -> dict:
    return {"args": [value(a) for a in args], "ref": value(ref), "rtol": rtol, "atol": atol} | extra


def _question(function, points, package, cases) -> dict:
    return {"function": function, "points": points, "package": package, "cases": cases}


class Streams:
    """The generators of one assignment's inputs: built-in seeds, or keyed by a secret."""

    def __init__(self, name: str, key: bytes | None = None, student: str = ""):
        self.name, self.key, self.student = name, key, student

    def seed(self, i: int) -> int | list[int]:
        if self.key is None:
            return i
        message = f"{self.name}\0{self.student}\0{i}".encode()
        digest = hmac.new(self.key, message, hashlib.sha256).digest()
        return [int.from_bytes(digest[k : k + 8], "little") for k in range(0, 32, 8)]

    def __call__(self, i: int) -> np.random.Generator:
        return np.random.default_rng(self.seed(i))

    def pick(self, i: int, default, draw):
        """`default` without a secret, else `draw(self(1000 + i))` (a constant of the case)."""
        return default if self.key is None else draw(self(1000 + i))


def _unit_rows(X):
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def a_homogeneity(rng: Streams) -> dict:
    r0, r1, r2, r3 = (rng(s) for s in range(4))
    a, B, X = r0.standard_normal(16), r0.standard_normal((16, 3)), r0.standard_normal((9, 3))
    a2, B2, X2 = r3.standard_normal(5), r3.standard_normal((5, 2)), r3.standard_normal((4, 2))
    forward = [
        _case((a_, B_, X_), mf.Network(a_, B_, scale="mean-field").predict(X_))
        for a_, B_, X_ in ((a, B, X), (a2, B2, X2))
    ]
    a, B = r1.standard_normal(12), r1.standard_normal((12, 3))
    X, y = r1.standard_normal((20, 3)), r1.standard_normal(20)
    gradients = [_case((a, B, X, y), mf.model.gradients(mf.Network(a, B), X, y))]
    # Both sides of Euler's identity, each from mfnet_lite: the right side from the neuron features
    # Phi(w_j)(x_i), the left from the reference gradients; values are O(1), so rounding-level
    # agreement is rtol 1e-10, atol 1e-13, and the two sides of the student's pair agree to 1e-12.
    a, B = r2.standard_normal(10), r2.standard_normal((10, 4))
    X, y = r2.standard_normal((30, 4)), r2.standard_normal(30)
    ga, gB = mf.model.gradients(mf.Network(a, B), X, y)
    lhs = a * ga + (B * gB).sum(axis=1)
    rhs = 2.0 / (10 * 30) * mf.model.phi(a, B, X) @ (mf.Network(a, B).predict(X) - y)
    euler = [_case((a, B, X, y), (lhs, rhs), rtol=1e-10, atol=1e-13, gap=1e-12)]
    return {
        "q1": _question("forward", 2, FORBIDDEN, forward),
        "q2": _question("gradients", 3, FORBIDDEN, gradients),
        "q3": _question("euler_sides", 2, FLAGGED, euler),
    }


def b_wasserstein(rng: Streams) -> dict:
    r0, r1, r2 = (rng(s) for s in range(3))
    P, Q = r0.standard_normal((30, 3)), 2.0 + r0.standard_normal((30, 3))
    uniform = [_case((P, Q), mf.transport.w2(P, Q))]
    P, Q = r1.standard_normal((20, 2)), 3.0 + r1.standard_normal((35, 2))
    p, q = r1.random(20), r1.random(35)
    p, q = p / p.sum(), q / q.sum()
    weighted = [_case((P, Q, p, q), mf.transport.w2(P, Q, p, q))]
    P = r2.standard_normal((25, 3))
    v = rng.pick(0, np.array([1.5, -2.0, 0.5]), lambda g: g.uniform(-3.0, 3.0, 3))
    shift = [_case((P, v), mf.transport.w2(P, P + v))]
    return {
        "q1": _question("w2_uniform", 2, FORBIDDEN, uniform),
        "q2": _question("w2_weighted", 2, FORBIDDEN, weighted),
        "q3": _question("w2_shift", 1, FLAGGED, shift),
    }


def c_ntk(rng: Streams) -> dict:
    r0, r1, r2 = (rng(s) for s in range(3))
    X = _unit_rows(r0.standard_normal((20, 5)))
    # Unit rows up to a few ulps (as left by a normalisation in float32, or by another program),
    # and a repeated row: x_i . x_j = 1 + 2e-15 for i = j and for the copy, above 1 in any
    # summation order (the rounding error of a 3-term dot product is below 1e-15), so arccos
    # needs the clip; mfnet_lite clips, and the reference is finite with 1/2 on the diagonal.
    Y = r1.standard_normal((4, 3))
    Y = _unit_rows(np.vstack([Y, Y[:1]])) * (1 + 1e-15)
    assert (Y @ Y.T).max() > 1.0 and np.einsum("ij,ij->i", Y, Y).min() > 1.0
    H_Y = mf.kernels.h_infinity(Y, on_parallel="ignore")
    assert np.all(np.isfinite(H_Y)) and np.allclose(np.diag(H_Y), 0.5)
    h_inf = [_case((X,), mf.kernels.h_infinity(X)), _case((Y,), H_Y)]
    H = mf.kernels.h_infinity(_unit_rows(r2.standard_normal((24, 4))))
    lam = [_case((H,), mf.kernels.lambda_min(H))]
    k = np.arange(rng.pick(0, 4, lambda g: int(g.integers(3, 9))))
    eta, lam0, c0 = rng.pick(1, (0.5, 0.4, 2.0), lambda g: tuple(g.uniform([0.1, 0.1, 0.5], 1.0)))
    rate = [_case((k, eta, lam0, c0), c0 * (1 - eta * lam0 / 2) ** k)]
    return {
        "q1": _question("h_infinity", 2, FORBIDDEN, h_inf),
        "q2": _question("lambda_0", 2, FORBIDDEN, lam),
        "q3": _question("rate_bound", 1, FLAGGED, rate),
    }


def d_heavy_ball(rng: Streams) -> dict:
    r0 = rng(0)
    theta, prev, grad = r0.standard_normal(5), r0.standard_normal(5), r0.standard_normal(5)
    eta0, beta0 = rng.pick(0, (0.3, 0.8), lambda g: tuple(g.uniform([0.05, 0.3], [0.5, 0.95])))
    steps = [_case((theta, prev, grad, eta0, beta0), theta - eta0 * grad + beta0 * (theta - prev))]
    # Steps of mfnet_lite's heavy ball itself: from its iterates k - 1 and k and the gradient of
    # the risk at k (times m: the particle scaling of chapter 8), the student's step must give
    # the package's iterate k + 1, for the output weights a (vectors) and the inputs B (m x d).
    X, y, _ = mf.data.teacher_student(40, 2, 3, rng=rng(0))
    net = mf.model.init_network(10, 2, rng=rng(1), radius=0.5)
    eta, beta = 0.5, 0.7
    nets = [net] + [mf.train.heavy_ball(net, X, y, eta, k, beta).net for k in (1, 2, 3, 4)]
    for k in (1, 3):
        ga, gB = mf.model.gradients(nets[k], X, y)
        steps.append(_case((nets[k].a, nets[k - 1].a, net.m * ga, eta, beta), nets[k + 1].a))
        steps.append(_case((nets[k].B, nets[k - 1].B, net.m * gB, eta, beta), nets[k + 1].B))
    run = mf.train.kinetic(net, X, y, 0.5, 6, 0.3, record_every=1)
    V = np.concatenate(
        [run.records["velocity_a"][-1][:, None], run.records["velocity_B"][-1]], axis=1
    )
    loss = rng.pick(1, 0.25, lambda g: float(g.uniform(0.1, 1.0)))
    V1 = rng.pick(2, np.ones((4, 3)), lambda g: g.standard_normal((4, 3)))
    energy = [
        _case((run.losses[-1], V), run.records["energies"][-1]),
        _case((loss, V1), loss + 0.5 * float((V1**2).sum()) / 4),
    ]
    # The semi-implicit Euler scheme with step h and friction gamma is the heavy ball with
    # eta = h^2, beta = 1 - gamma h (chapter 7); the built-in inputs give (0.25, 0.8), (0.01, 0.8).
    pairs = rng.pick(
        3,
        [(0.5, 0.4), (0.1, 2.0)],
        lambda g: [tuple(hg) for hg in g.uniform([0.05, 0.2], [0.6, 3.0], (2, 2))],
    )
    polyak = [_case((h, gamma), (h * h, 1.0 - gamma * h)) for h, gamma in pairs]
    return {
        "q1": _question("heavy_ball_step", 2, FORBIDDEN, steps),
        "q2": _question("energy", 2, FLAGGED, energy),
        "q3": _question("polyak_parameters", 1, FLAGGED, polyak),
    }


def e_kernel_spectrum(rng: Streams) -> dict:
    # mu_k of H_inf on S^2 from mfnet_lite's quadrature (accurate to ~1e-15); a student's quadrature
    # in u has an error of ~1e-7 near the square-root singularity at u = +-1, so these cases allow
    # atol 1e-6 (the classic mistakes -- a missing 1/2, the wrong Legendre degree, no weight --
    # are off by at least 1e-3 at the public degrees and by more than 5e-5 up to degree 10).
    # Keyed degrees differ from the public ones place by place; the first two have mu_k != 0, so
    # that `return 0.0` (right at the odd degrees k >= 3) never passes.
    public = (0, 1, 2, 3, 4, 6)
    nonzero = (0, 1, 2, 4, 6, 8, 10)
    degrees = rng.pick(0, public, lambda g: tuple(
        int(g.choice([j for j in (nonzero if i < 2 else range(11)) if j != k]))
        for i, k in enumerate(public)
    ))
    spectrum = [
        _case((k,), mf.kernels.harmonic_eigenvalues(3, [k])[0], atol=1e-6) for k in degrees
    ]
    r0, r1 = rng(10), rng(11)
    X, y = _unit_rows(r0.standard_normal((30, 6))), r0.choice([-1.0, 1.0], 30)
    X2, y2 = _unit_rows(r1.standard_normal((12, 3))), r1.standard_normal(12)
    complexity = [
        _case((X, y), mf.kernels.arora_complexity(X, y)),
        _case((X2, y2), mf.kernels.arora_complexity(X2, y2)),
    ]
    settings = rng.pick(
        1,
        ((63, 0.0625, 1), (63, 0.0625, 3), (40, 0.1, 2)),
        lambda g: tuple((int(g.integers(30, 80)), float(g.uniform(0.02, 0.1)), int(g.integers(1, 6)))
                        for _ in range(3)),
    )
    factors = []
    for n, eta, k in settings:
        theta, P = mf.spectral.circle_points(n)
        H = mf.kernels.h_infinity(P, on_parallel="ignore")
        v = np.cos(k * theta)
        factors.append(_case((n, eta, k), 1 - eta * (v @ H @ v) / (v @ v)))
    return {
        "q1": _question("mu_sphere", 2, FORBIDDEN, spectrum),
        "q2": _question("complexity", 2, FORBIDDEN, complexity),
        "q3": _question("frequency_factor", 1, FLAGGED, factors),
    }


BUILDERS = {
    f.__name__: f for f in (a_homogeneity, b_wasserstein, c_ntk, d_heavy_ball, e_kernel_spectrum)
}


def cases(name: str, key: bytes | None = None, student: str = "") -> dict:
    """{question: {"function", "points", "package", "cases"}} of assignment `name`: the built-in
    seeds without `key`, else inputs keyed by (key, name, student)."""
    if name not in BUILDERS:
        raise ValueError(f"name must be one of {sorted(BUILDERS)}; got {name!r}.")
    if key is not None and not isinstance(key, bytes | bytearray):
        raise TypeError(f"key must be bytes (the secret) or None; got {type(key).__name__}")
    return BUILDERS[name](Streams(name, key, student))
