"""mfnet_lite.meanfield: the student's initial measures, the function-level summaries (linear
moment, signed line masses), the potential V_mu, the sphere distance and the sweep, each checked
against an independent computation, plus one test per input rule."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import linear_sum_assignment

import mfnet_lite as mf

M = mf.meanfield


# --- initial measures ---------------------------------------------------------------------


@pytest.mark.parametrize("support", M.SUPPORTS)
def test_student_radius_and_reproducible(support):
    net = M.student(50, 3, 7, radius=0.05, support=support)
    assert (net.m, net.d, net.scale) == (50, 3, "mean-field")
    assert_allclose(np.linalg.norm(net.W, axis=1), 0.05, rtol=1e-12)  # float rounding only
    again = M.student(50, 3, 7, radius=0.05, support=support)
    assert np.array_equal(net.W, again.W)


def test_student_supports():
    half = M.student(200, 2, 0, support="half-space")
    assert np.all(half.B[:, 0] >= 0)
    full = M.student(200, 2, 0, support="sphere")
    assert np.any(full.B[:, 0] < 0) and np.any(full.a < 0)
    pos = M.student(200, 2, 0, support="positive")
    assert np.all(pos.a > 0)
    assert_allclose(mf.model.balance(pos), 0.0, atol=1e-15)  # balanced up to rounding


def test_student_rejects_bad_input():
    with pytest.raises(ValueError, match="support"):
        M.student(5, 2, 0, support="cone")
    with pytest.raises(ValueError, match="radius"):
        M.student(5, 2, 0, radius=0.0)
    with pytest.raises(ValueError, match="m"):
        M.student(0, 2, 0)


def test_experiment_shares_teacher_and_data_across_students():
    one = M.experiment(5, 2, n=30, step=1.0, steps=3, rng=3)
    two = M.experiment(40, 2, n=30, step=1.0, steps=3, rng=3, support="positive", radius=0.1)
    assert np.array_equal(one.X, two.X) and np.array_equal(one.y, two.y)
    assert np.array_equal(one.teacher.W, two.teacher.W)
    assert_allclose(one.y, one.teacher.predict(one.X), rtol=0, atol=0)
    with pytest.raises(ValueError, match="seed"):
        M.experiment(5, 2, n=30, step=1.0, steps=3, rng=-1)


# --- what the function determines ----------------------------------------------------------


def test_linear_moment_is_the_odd_part_of_h():
    net = mf.model.init_network(30, 4, 1, init="gaussian")
    X = mf.data.sphere(50, 4, 2)
    odd = net.predict(X) - net.predict(-X)  # = (c sum_j a_j b_j) . x exactly
    assert_allclose(odd, X @ M.linear_moment(net), atol=1e-12)  # rounding of two sums
    loop = sum(a * b for a, b in zip(net.a, net.B, strict=True)) / net.m
    assert_allclose(M.linear_moment(net), loop, rtol=1e-12)


def test_line_masses_on_a_hand_built_network():
    lines = np.array([[1.0, 0.0], [0.0, 2.0]])  # norms must not matter
    # 3 (σ(e1·x)) twice, once on the antipode; -1 on line 2; a cancelling antipodal pair
    # near line 1 (angle 10°); a neuron at 80° counts on line 2.
    u10 = np.array([np.cos(0.17), np.sin(0.17)])
    u80 = np.array([np.cos(1.4), np.sin(1.4)])
    a = np.array([3.0, 1.0, -2.0, 0.5, -0.5, 4.0])
    B = np.vstack([[1.0, 0.0], [-2.0, 0.0], [0.0, 0.5], u10, -u10, 0.25 * u80])
    net = mf.Network(a, B)  # factor 1/6
    expected = np.array([3.0 + 2.0 + 0.5 - 0.5, -1.0 + 1.0]) / 6
    assert_allclose(M.line_masses(net, lines), expected, rtol=1e-12)


def test_line_masses_against_a_loop_and_for_a_teacher():
    teacher = mf.data.teacher(5, 3, 4)
    assert_allclose(M.line_masses(teacher, teacher.B), teacher.a / 5, rtol=1e-12)
    net = mf.model.init_network(40, 3, 5, init="gaussian")
    U = teacher.B / np.linalg.norm(teacher.B, axis=1, keepdims=True)
    expected = np.zeros(5)
    for a, b in zip(net.a, net.B, strict=True):  # the definition, one neuron at a time
        k = max(range(5), key=lambda i: abs(b @ U[i]) / np.linalg.norm(b))
        expected[k] += a * np.linalg.norm(b) / net.m
    assert_allclose(M.line_masses(net, teacher.B), expected, rtol=1e-12)


def test_line_masses_rejects_bad_input():
    net = mf.model.init_network(4, 2, 0)
    with pytest.raises(ValueError, match="lines"):
        M.line_masses(net, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="lines"):
        M.line_masses(net, np.ones((2, 3)))
    with pytest.raises(TypeError, match="net"):
        M.line_masses(net.W, np.eye(2))
    with pytest.raises(TypeError, match="net"):
        M.linear_moment(net.W)


def test_potential_is_the_first_variation_of_F():
    X, y, _ = mf.data.teacher_student(60, 3, 5, 0)
    net = mf.model.init_network(20, 3, 1)
    W = np.random.default_rng(2).standard_normal((7, 4))

    def F(extra_mass, w):  # F(mu + eps delta_w), written out from the definition
        h = net.predict(X) + extra_mass * mf.model.phi(w[0], w[1:], X)
        return 0.5 * np.mean((h - y) ** 2)

    eps = 1e-6
    finite_diff = [(F(eps, w) - F(-eps, w)) / (2 * eps) for w in W]
    # central difference of a quadratic in eps: exact up to rounding (~1e-10 / eps)
    assert_allclose(M.potential(net, X, y, W), finite_diff, atol=1e-8)


def test_potential_rejects_bad_input():
    X, y, _ = mf.data.teacher_student(10, 2, 5, 0)
    net = mf.model.init_network(4, 2, 0)
    with pytest.raises(ValueError, match="W"):
        M.potential(net, X, y, np.ones((3, 2)))
    with pytest.raises(ValueError, match="X"):
        M.potential(net, np.ones((10, 3)), y, np.ones((3, 3)))
    with pytest.raises(ValueError, match="y"):
        M.potential(net, X, y[:5], np.ones((3, 3)))


# --- distance between sphere measures ------------------------------------------------------


def test_sphere_distance_identity_and_permutation():
    net = mf.model.init_network(12, 3, 0, init="gaussian")
    perm = np.random.default_rng(1).permutation(12)
    shuffled = net.replace(a=net.a[perm], B=net.B[perm])
    assert M.sphere_distance(net, shuffled) == pytest.approx(0.0, abs=1e-7)
    # rescaling every neuron by the same factor changes masses, not the normalised measure
    assert M.sphere_distance(net, net.replace(a=2 * net.a, B=2 * net.B)) == pytest.approx(
        0.0, abs=1e-7
    )


def test_sphere_distance_against_assignment():
    # equal norms: uniform masses, so W2 is an assignment problem between the directions
    rng = np.random.default_rng(3)
    P, Q = mf.data.sphere(8, 4, rng), mf.data.sphere(8, 4, rng)
    one, two = mf.Network(P[:, 0], P[:, 1:]), mf.Network(Q[:, 0], Q[:, 1:])
    C = ((P[:, None, :] - Q[None, :, :]) ** 2).sum(-1)
    rows, cols = linear_sum_assignment(C)
    expected = np.sqrt(C[rows, cols].mean())
    assert M.sphere_distance(one, two) == pytest.approx(expected, rel=1e-9)  # LP optimum


# --- sweeps ---------------------------------------------------------------------------------


def test_sweep_tables_match_single_experiments():
    out = M.sweep([3, 8], 2, seeds=[0, 5], n=40, step=2.0, steps=50)
    assert out["succeeded"].shape == (2, 2) and out["succeeded"].dtype == bool
    one = M.experiment(8, 2, n=40, step=2.0, steps=50, rng=5)
    assert out["relative_loss"][1, 1] == one.relative_loss
    assert out["distance"][1, 1] == pytest.approx(one.distance, rel=1e-12)
    assert out["succeeded"][1, 1] == (one.relative_loss <= 1e-3)


def test_sweep_rejects_bad_input():
    with pytest.raises(ValueError, match="seeds"):
        M.sweep([5], 2, seeds=[], n=10, step=1.0, steps=1)
    with pytest.raises(ValueError, match="ms"):
        M.sweep([0], 2, seeds=range(1), n=10, step=1.0, steps=1)
    with pytest.raises(ValueError, match="rtol"):
        M.sweep([5], 2, seeds=range(1), rtol=0.0, n=10, step=1.0, steps=1)


# --- figures, animation, explorer ----------------------------------------------------------


def test_figures_and_animation_run():
    ex = M.experiment(10, 2, n=30, step=2.0, steps=40, rng=0, record_every=10)
    fig, ax = mf.plots.plot_particles(ex.run, ex.teacher)
    assert len(ax.collections) >= 1
    mf.plots.plot_relative_losses([ex.run], ["run"])
    table = np.array([[True, False], [True, True]])
    mf.plots.plot_success_rates({"d = 2": ([5, 10], table)})
    mf.plots.plot_distances([5, 10], {"d = 2": np.array([[0.1, np.nan], [0.2, 0.3]])})
    mf.plots.plot_line_masses(np.zeros(5), ex.teacher.a / 5)
    html = mf.plots.jshtml(mf.plots.animate_particles(ex.run, ex.teacher, max_frames=3))
    assert "<img" in html.data or "frames" in html.data
    high = M.experiment(10, 3, n=30, step=2.0, steps=5, rng=0)
    with pytest.raises(ValueError, match="d = 2"):
        mf.plots.plot_particles(high.run, high.teacher)


def test_explorer_builds():
    import ipywidgets

    box = mf.widgets.global_convergence_explorer(steps=20, record_every=10)
    assert isinstance(box, ipywidgets.VBox)


def test_particle_panel_draws_the_last_snapshot_and_the_teacher():
    from matplotlib.colors import to_rgba_array

    ex = M.experiment(10, 2, n=30, step=2.0, steps=40, rng=0, record_every=10)
    _, ax = mf.plots.plot_particles(ex.run, ex.teacher)
    panel_dots, stars = ax.collections[2], ax.collections[3]
    last = np.abs(ex.run.a_history[-1])[:, None] * ex.run.B_history[-1]
    assert_allclose(panel_dots.get_offsets(), last)
    assert_allclose(stars.get_offsets(), np.abs(ex.teacher.a)[:, None] * ex.teacher.B)
    paths = ax.collections[1].get_segments()  # one path per neuron through every snapshot
    assert len(paths) == 10 and all(len(p) == len(ex.run.snapshot_steps) for p in paths)
    assert_allclose(paths[3][-1], last[3])
    signs = np.where(ex.run.a_history[-1] > 0, "tab:red", "tab:blue")
    assert_allclose(panel_dots.get_facecolor(), to_rgba_array(signs))


# --- separation against meeting every ray (chapter 4's hypothesis) --------------------------

_ANGLE = np.linspace(0, 2 * np.pi, 4000)
_UNIT = np.column_stack([np.cos(_ANGLE), np.sin(_ANGLE)])
_SPIRAL = (0.05 + 0.15 * _ANGLE / (2 * np.pi))[:, None] * _UNIT  # from radius 0.05 to 0.2


def test_circle_separates_and_spiral_does_not():
    # any path from radius 0.05 to 0.2 crosses radius 0.1 (intermediate values): a circle separates
    assert M.separates(0.1 * _UNIT, 0.05, 0.2)
    assert not M.separates(_SPIRAL, 0.05, 0.2)
    # both meet every ray, up to the 1-degree bins
    assert M.directions_met(_SPIRAL) == 1.0 and M.directions_met(0.1 * _UNIT) == 1.0


def test_spiral_has_an_explicit_path_around_it():
    """The independent witness: a path from r_a S to r_b S that keeps away from the spiral
    (radially out at angle -0.3 to radius 0.125, across angle 0, then out at angle +0.3)."""
    path = np.concatenate([
        np.column_stack([np.linspace(0.05, 0.125, 200), np.full(200, -0.3)]),
        np.column_stack([np.full(200, 0.125), np.linspace(-0.3, 0.3, 200)]),
        np.column_stack([np.linspace(0.125, 0.2, 200), np.full(200, 0.3)]),
    ])
    points = path[:, :1] * np.column_stack([np.cos(path[:, 1]), np.sin(path[:, 1])])
    gap = np.linalg.norm(points[:, None, :] - _SPIRAL[None, :, :], axis=2).min()
    assert gap > 0.005  # the path never comes near the spiral
    # and the same path is blocked by the circle of radius 0.1
    assert np.linalg.norm(points[:, None, :] - 0.1 * _UNIT[None], axis=2).min() < 1e-3


def test_circle_with_a_gap_does_not_separate():
    keep = (_ANGLE > 0.5) & (_ANGLE < 2 * np.pi - 0.5)
    assert not M.separates(0.1 * _UNIT[keep], 0.05, 0.2)
    # a gap of 1 radian out of 2 pi; up to one partly met 1-degree bin at each end
    assert_allclose(M.directions_met(0.1 * _UNIT[keep]), 1 - 1 / (2 * np.pi), atol=2 / 360)


def test_directions_met_half_circle():
    half = _UNIT[_ANGLE < np.pi]
    assert_allclose(M.directions_met(half, bins=100), 0.5, atol=0.01)  # one bin of slack


def test_separates_input_rules():
    with pytest.raises(ValueError, match="P"):
        M.separates(np.zeros((5, 3)), 0.05, 0.2)
    with pytest.raises(ValueError, match="r_a"):
        M.separates(_SPIRAL, 0.3, 0.2)
    with pytest.raises(ValueError, match="r_a"):
        M.separates(_SPIRAL, -0.1, 0.2)
    with pytest.raises(ValueError, match="P"):
        M.directions_met(np.full((3, 2), np.nan))


# --- the two causes of a large sphere distance in d = 2 -------------------------------------


def _teacher():
    B = np.array([[1.0, 0.0], [np.cos(0.05), np.sin(0.05)], [0.0, 1.0]])
    return mf.Network(np.array([1.0, -1.0, 1.0]), B, scale=1 / 3)


def test_antipodal_fraction_known_answers():
    t = _teacher()
    assert M.antipodal_fraction(t, t) == 0.0
    assert M.antipodal_fraction(t.replace(B=-t.B), t) == 1.0
    # the teacher plus an antipode of neuron 2 at twice the size: mass 4 of 3 + 4
    both = mf.Network(np.r_[t.a, 2.0], np.vstack([t.B, -2 * t.B[2]]), scale=1 / 4)
    w2 = np.r_[(t.a**2 + (t.B**2).sum(1)), 8.0]
    assert_allclose(M.antipodal_fraction(both, t), 8.0 / w2.sum(), rtol=1e-14)


def test_cancelling_pair_known_answer():
    i, j, angle = M.cancelling_pair(_teacher())
    assert (i, j) == (0, 1)
    assert_allclose(angle, np.degrees(0.05), rtol=1e-10)
    with pytest.raises(ValueError, match="one sign"):
        M.cancelling_pair(_teacher().replace(a=np.ones(3)))
    with pytest.raises(TypeError, match="teacher"):
        M.antipodal_fraction(_teacher(), "teacher")


def test_sweep_keeps_the_experiments():
    out = M.sweep([4], 2, seeds=[3], n=30, step=4, steps=20, keep=True)
    ex = out["experiments"][0, 0]
    again = M.experiment(4, 2, n=30, step=4, steps=20, rng=3)
    assert np.array_equal(ex.run.net.W, again.run.net.W)
    assert out["distance"][0, 0] == again.distance
    assert "experiments" not in M.sweep([4], 2, seeds=[3], n=30, step=4, steps=20)


def test_teacher_angles_against_polar_angles():
    rng = np.random.default_rng(0)
    net, teacher = mf.model.init_network(7, 2, rng), mf.model.init_network(3, 2, rng)
    polar = lambda B: np.arctan2(B[:, 1], B[:, 0])  # noqa: E731
    diff = np.abs(np.mod(polar(net.B)[:, None] - polar(teacher.B)[None, :] + np.pi, 2 * np.pi) - np.pi)
    np.testing.assert_allclose(mf.meanfield.teacher_angles(net, teacher), np.degrees(diff), atol=1e-9)


def test_teacher_angles_refuses_directionless_neurons_and_other_dimensions():
    rng = np.random.default_rng(0)
    net, teacher = mf.model.init_network(4, 2, rng), mf.model.init_network(3, 2, rng)
    zero = mf.Network(net.a, np.vstack([net.B[:3], np.zeros((1, 2))]))
    with pytest.raises(ValueError, match="b = 0"):
        mf.meanfield.teacher_angles(zero, teacher)
    with pytest.raises(ValueError, match="d = 2"):
        mf.meanfield.teacher_angles(net, mf.model.init_network(3, 4, rng))
    with pytest.raises(TypeError, match="teacher"):
        mf.meanfield.teacher_angles(net, teacher.B)
