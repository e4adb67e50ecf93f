"""The numerical claims of chapter 4 (global convergence), each on the chapter's own settings:
the optimality certificate, which minimum is reached in d = 2 and d = 20, success against the
width, the stalled run, and what happens when the support assumption fails.

Counts and thresholds come from the seeded runs the chapter prints; tolerances say where they
come from."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import mfnet_lite as mf

M = mf.meanfield
SEED = 27  # the chapter's seed for d = 2


@pytest.fixture(scope="module")
def d2_run():
    return M.experiment(100, 2, n=100, step=4, steps=3000, rng=SEED)


def _odd_part_fit(net, rng):
    """The linear moment found independently: least squares on h(x) - h(-x) = v . x."""
    X = mf.data.sphere(400, net.d, rng)
    v, *_ = np.linalg.lstsq(X, net.predict(X) - net.predict(-X), rcond=None)
    return v


def test_d2_loss_reaches_1e3_and_certificate(d2_run):
    assert d2_run.succeeded() and d2_run.run.steps_taken == 984  # the chapter prints 984
    dirs = mf.data.sphere(20000, 3, 0)
    V0 = M.potential(d2_run.run.snapshot(0), d2_run.X, d2_run.y, dirs).min()
    V1 = M.potential(d2_run.run.net, d2_run.X, d2_run.y, dirs).min()
    assert V0 < -0.03  # chapter: -3.6e-2
    assert -5e-4 < V1 < 0  # chapter: -1.9e-4; slightly negative since the loss is not 0


def test_d2_measure_stays_far_from_the_teacher(d2_run):
    assert d2_run.distance > 0.4  # chapter: 0.50, against ~0.02 for d = 20 (below)
    # seed 27 is an antipodal seed (share 0.39) with no opposite-sign teacher pair within 20 deg
    assert 0.35 < M.antipodal_fraction(d2_run.run.net, d2_run.teacher) < 0.45
    assert M.cancelling_pair(d2_run.teacher)[2] > 20


def test_hand_built_minimiser_has_the_same_function():
    t = mf.data.teacher(5, 2, np.random.default_rng(SEED))
    c = np.linalg.solve(t.B[[1, 2]].T, t.a[0] * t.B[0])
    other = mf.Network(
        np.r_[t.a[0], t.a[1:], c, -c],
        np.vstack([-t.B[0], t.B[1:], t.B[[1, 2]], -t.B[[1, 2]]]),
        scale=1 / 5,
    )
    X = mf.data.sphere(1000, 2, 1)
    assert_allclose(other.predict(X), t.predict(X), atol=1e-13)  # exact up to rounding
    assert_allclose(M.line_masses(other, t.B), t.a / 5, atol=1e-13)
    assert M.sphere_distance(other, t) > 0.5  # chapter: 0.81


@pytest.mark.slow
def test_d2_function_recovered_with_more_data():
    big = M.experiment(100, 2, n=1000, step=4, steps=8000, rng=SEED, rtol=1e-5)
    assert big.succeeded(1e-5)
    rng = np.random.default_rng(0)
    # linear moments: the formula against an odd-part fit, then student against teacher
    assert_allclose(M.linear_moment(big.run.net), _odd_part_fit(big.run.net, rng), atol=1e-10)
    lm_s, lm_t = M.linear_moment(big.run.net), M.linear_moment(big.teacher)
    assert np.abs(lm_s - lm_t).max() < 1.5e-4  # chapter: "within 1.2e-4"
    masses = M.line_masses(big.run.net, big.teacher.B)
    assert np.abs(masses - big.teacher.a / 5).max() < 0.013  # chapter: 0.0128
    assert big.distance > 0.2  # chapter: 0.24, the neurons are still not the teacher's


@pytest.mark.parametrize("seed", [1, 4, 8])
def test_d20_student_of_20_recovers_the_teacher(seed):
    ex = M.experiment(20, 20, n=500, step=40, steps=3000, rng=seed, rtol=1e-4)
    assert ex.succeeded(1e-3) and ex.relative_loss <= 1e-4
    # measured 0.119, 0.137, 0.112 for seeds 1, 4, 8; the initial student is at ~1.2
    assert ex.distance < 0.2
    assert M.sphere_distance(ex.run.snapshot(0), ex.teacher) > 1.0


def test_d20_distance_shrinks_with_the_loss():
    dist = [
        M.experiment(5, 20, n=500, step=40, steps=4000, rng=3, rtol=r).distance
        for r in (1e-3, 1e-4, 1e-5)
    ]
    assert dist[0] > dist[1] > dist[2]
    assert_allclose(dist, [0.125, 0.053, 0.024], atol=1e-3)  # the chapter's three digits


@pytest.mark.slow
def test_d20_more_data_brings_the_wide_student_closer():
    kw = dict(step=40, steps=4000, rng=1, rtol=1e-4)
    far, near = (M.experiment(100, 20, n=n, **kw).distance for n in (500, 2000))
    assert far > 2 * near  # chapter: 0.25 against 0.11


def test_d2_success_rate_grows_with_width():
    out = M.sweep([5, 100], 2, seeds=range(10), n=100, step=4, steps=1000)
    assert_allclose(out["succeeded"].mean(1), [0.5, 0.9])  # chapter's figure, 10 seeds
    assert not out["succeeded"][1, 1] and out["relative_loss"][1, 1] < 2e-3  # slow seed 1


@pytest.mark.slow
def test_d20_success_rate_grows_with_width():
    out = M.sweep([5, 100], 20, seeds=range(10), n=500, step=40, steps=600)
    assert_allclose(out["succeeded"].mean(1), [0.1, 0.8])  # chapter's figure, 10 seeds
    dist = np.where(out["succeeded"], out["distance"], np.nan)
    # the page's medians of the successful runs: 0.13 (m = 5) and 0.27 (m = 100)
    assert_allclose(np.nanmedian(dist, axis=1), [0.125, 0.273], atol=5e-3)


def test_stalled_run_with_m_equal_m0():
    stall = M.experiment(5, 2, n=100, step=4, steps=3000, rng=5)
    assert 0.04 < stall.relative_loss < 0.06  # chapter: plateau at 0.05
    assert M.experiment(100, 2, n=100, step=4, steps=1000, rng=5).succeeded()
    # where the five particles end, from polar angles (independently of teacher_angles)
    net, t = stall.run.net, stall.teacher
    to_teacher = np.array([[_angle_deg(b, bt) for bt in t.B] for b in net.B])
    to_empty = np.array([[_angle_deg(b, -bt) for bt in t.B] for b in net.B])
    assert_allclose(M.teacher_angles(net, t), to_teacher, atol=1e-9)
    norms = np.linalg.norm(net.W, axis=1)
    pos = np.flatnonzero(net.a > 0)
    assert len(pos) == 3 and to_teacher.min() > 5  # no particle on a teacher neuron
    # every positive particle is nearest to the empty half of one positive teacher neuron's line
    line = to_empty[pos].argmin(1)
    assert len(set(line)) == 1 and t.a[line[0]] > 0
    near = np.sort(to_empty[pos].min(1))
    assert near[1] < 5 and 20 < near[2] < 35  # chapter: 3 and 28 degrees
    assert to_teacher[pos].min() > 30  # chapter: 37 degrees
    big = np.argmax(np.where(net.a < 0, norms, 0))
    nearest = to_teacher[big].argmin()
    assert t.a[nearest] < 0 and 10 < to_teacher[big, nearest] < 25  # chapter: 16 degrees
    assert norms.min() < 0.05  # the fifth never grew past its start radius (chapter: 0.044)


def test_half_plane_start_still_converges():
    half = M.sweep([100], 2, seeds=range(10), n=100, step=4, steps=1000, support="half-space")
    assert half["succeeded"].sum() == 7  # chapter: seven of ten (deterministic seeds)


@pytest.mark.slow
def test_one_sign_stalls_near_the_flow_but_not_with_a_large_step():
    kw = dict(n=100, rng=4)
    full = M.experiment(100, 2, step=4, steps=750, **kw)
    assert full.succeeded()  # the same teacher and data are learnt from the full sphere
    near_flow = M.experiment(100, 2, step=1 / 16, steps=48000, support="positive", **kw)
    assert near_flow.relative_loss > 0.5  # chapter: 0.78
    assert np.all(near_flow.run.net.a > 0)  # no particle changed sign
    big_step = M.experiment(100, 2, step=4, steps=750, support="positive", **kw)
    assert (big_step.run.net.a < 0).sum() == 5 and big_step.relative_loss < 2e-3


# --- the additions of issue 13: the hypothesis, the projection, the seeds, the one-sign table ---


def test_network_and_its_sphere_measure_make_the_same_function():
    """Section 'Probability measures in R^{d+1}, non-negative measures on the sphere': computed
    here neuron by neuron, |w_j|^2 Phi(w_j/|w_j|)(x) / m, without mf.transport.sphere_measure."""
    rng = np.random.default_rng(0)
    net = mf.Network(rng.standard_normal(50), rng.standard_normal((50, 2)))
    X = mf.data.sphere(300, 2, rng)
    norms = np.linalg.norm(net.W, axis=1)
    unit = net.W / norms[:, None]
    h = sum(norms[j] ** 2 * unit[j, 0] * np.maximum(X @ unit[j, 1:], 0) for j in range(50)) / 50
    assert_allclose(h, net.predict(X), atol=1e-14)  # float rounding only
    # the lifted network of width K = 50: w_k = sqrt(K nu_k) theta_k gives the same function
    theta, nu = mf.transport.sphere_measure(net)
    lifted = mf.Network(np.sqrt(50 * nu) * theta[:, 0], np.sqrt(50 * nu)[:, None] * theta[:, 1:])
    assert_allclose(lifted.predict(X), net.predict(X), atol=1e-14)


def test_spiral_meets_every_ray_and_separates_nothing():
    angle = np.linspace(0, 2 * np.pi, 4000)
    circle = 0.1 * np.column_stack([np.cos(angle), np.sin(angle)])
    spiral = (0.05 + 0.15 * angle / (2 * np.pi))[:, None] * circle / 0.1
    # every ray: the spiral's polar angle runs monotonically through [0, 2 pi]
    polar = np.unwrap(np.arctan2(spiral[:, 1], spiral[:, 0]))
    assert np.all(np.diff(polar) > 0) and polar[-1] - polar[0] >= 2 * np.pi - 1e-12
    assert M.directions_met(spiral) == M.directions_met(circle) == 1.0
    assert M.separates(circle, 0.05, 0.2) and not M.separates(spiral, 0.05, 0.2)


def _angle_deg(u, v):
    """Angle between two plane vectors from their polar angles (not from dot products)."""
    diff = np.mod(np.arctan2(u[1], u[0]) - np.arctan2(v[1], v[0]), 2 * np.pi)
    return np.degrees(min(diff, 2 * np.pi - diff))


def test_which_minimum_over_twelve_seeds():
    """Section 'Which minimum, over seeds': the three groups and their distance ranges."""
    groups = {}
    for seed in range(12):
        e = M.experiment(100, 2, n=100, step=4, steps=1000, rng=seed)
        t, net = e.teacher, e.run.net
        # closest opposite-sign pair, brute force over pairs with polar angles
        pairs = [(_angle_deg(t.B[i], t.B[j]), i, j) for i in range(5) for j in range(i + 1, 5)
                 if t.a[i] * t.a[j] < 0]
        angle, i, j = min(pairs)
        assert (i, j) == M.cancelling_pair(t)[:2]
        assert_allclose(angle, M.cancelling_pair(t)[2], atol=1e-9)
        # antipodal share: each neuron to its nearest teacher line by polar angle
        anti = 0.0
        for w in net.W:
            k = min(range(5), key=lambda k: min(_angle_deg(w[1:], t.B[k]), _angle_deg(w[1:], -t.B[k])))
            anti += (w @ w) * (_angle_deg(w[1:], -t.B[k]) < _angle_deg(w[1:], t.B[k]))
        anti /= (net.W**2).sum()
        assert_allclose(anti, M.antipodal_fraction(net, t), atol=1e-12)
        group = {(True, False): "pair", (False, True): "anti", (True, True): "both",
                 (False, False): "clean"}[(angle < 20, anti > 0.1)]
        rest = mf.Network(np.delete(t.a, [i, j]), np.delete(t.B, [i, j], 0), scale=1 / 5)
        groups.setdefault(group, []).append((seed, e.distance, M.sphere_distance(net, rest)))
    members = {g: [s for s, *_ in rows] for g, rows in groups.items()}
    assert members == {"pair": [4, 7, 8, 10, 11], "anti": [0, 5], "both": [1, 2, 9], "clean": [3, 6]}
    pair, anti_only, both = (np.array([r[1:] for r in groups[g]]) for g in ("pair", "anti", "both"))
    # the page: pair-only W2 0.53-0.99, 0.09-0.40 without the pair; antipodal-only 0.81-0.86,
    # not brought down without the pair (>= 0.49); both: <= 0.25 without the pair; clean 0.21-0.28
    assert pair[:, 0].min() > 0.5 and pair[:, 1].max() < 0.41 and np.all(pair[:, 1] < pair[:, 0])
    assert anti_only[:, 0].min() > 0.8 and anti_only[:, 1].min() > 0.45
    assert both[:, 1].max() < 0.26
    assert max(r[1] for r in groups["clean"]) < 0.3


@pytest.mark.slow
def test_one_sign_table_over_six_seeds():
    """The bullets after the six-seed table (eta = 1/4 and 4, time 1000)."""
    out = {}
    for seed in range(6):
        for step in (1 / 4, 4):
            e = M.experiment(100, 2, n=100, step=step, steps=round(1000 / step), rng=seed, support="positive")
            out[seed, step] = (e.relative_loss, int((e.run.net.a < 0).sum()))
    assert out[4, 1 / 4][1] == out[5, 1 / 4][1] == 0 and out[4, 1 / 4][0] > 0.7 and out[5, 1 / 4][0] > 0.9
    assert out[4, 4][0] < 2e-3 and out[5, 4][0] > 0.9 and out[5, 4][1] == 0
    assert [out[s, 1 / 4][1] for s in (0, 2, 3)] == [4, 4, 11]
    assert all(out[s, 4][1] > out[s, 1 / 4][1] for s in (0, 2, 3))
    assert out[2, 4][0] <= 1e-3 and out[3, 4][0] <= 1e-3
    assert out[1, 1 / 4][1] == out[1, 4][1] == 100


def test_negative_teacher_first_flip_at_step_200():
    neg = M.experiment(50, 2, n=100, step=1 / 4, steps=400, rng=0, support="positive",
                       signs="negative", record_every=50)
    mins = neg.run.a_history.min(axis=1)
    assert neg.run.snapshot_steps[np.argmax(mins < 0)] == 200 and mins[3] > 0


def test_rescaled_neuron_same_function_other_sphere_measure():
    """Exercise ex-ch4-rescale: (a/c, c b) with c = 2 on the teacher's first neuron."""
    t = mf.data.teacher(5, 2, np.random.default_rng(SEED))
    r = t.replace(a=np.r_[t.a[0] / 2, t.a[1:]], B=np.vstack([2 * t.B[0], t.B[1:]]))
    X = mf.data.sphere(500, 2, 0)
    assert_allclose(r.predict(X), t.predict(X), atol=1e-15)
    # mass (a/2)^2 + 4 |b|^2 = 1/4 + 4 for a unit teacher neuron, over m0 = 5
    assert_allclose(mf.transport.sphere_measure(r)[1][0], (0.25 + 4) / 5, rtol=1e-12)
    assert M.sphere_distance(r, t) > 0.3  # the page prints 0.52


@pytest.mark.slow
def test_failures_that_plateau():
    """'the failure at m = 100, seed 1, plateaus: 1.77e-3 at the budget, still 1.76e-3 after
    12,000 steps'; half-plane start: of the failing seeds 1, 7, 8, continued to 12,000 steps,
    seed 7 reaches 1e-3 and seeds 1 and 8 plateau (referee's re-run: 1.75e-3, 1.14e-3)."""
    full = M.experiment(100, 2, n=100, step=4, steps=12000, rng=1, rtol=None)
    assert 1.7e-3 < full.relative_loss < 1.8e-3
    half = M.sweep([100], 2, seeds=range(10), n=100, step=4, steps=1000, support="half-space")
    failing = [int(s) for s in np.flatnonzero(~half["succeeded"][0])]
    assert failing == [1, 7, 8]
    late = {s: M.experiment(100, 2, n=100, step=4, steps=12000, rng=s, support="half-space")
            for s in failing}
    assert late[7].succeeded() and not late[1].succeeded() and not late[8].succeeded()
    assert late[1].relative_loss > 1.5e-3 and late[8].relative_loss > 1.0e-3
