"""mfnet_lite.data: points on the sphere, teachers, teacher–student sets, the parallel check."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import mfnet_lite as mf
from mfnet_lite.data import (
    check_not_parallel,
    max_abs_cosine,
    ntk_synthetic,
    sphere,
    teacher,
    teacher_student,
    with_bias,
)


def test_sphere_points_are_unit_and_uniform():
    X = sphere(20000, 3, 0)
    assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-12)
    # Uniform on S^2: each coordinate has mean 0 and variance 1/3; the sample mean has
    # standard error sqrt(1/(3n)) ~ 0.004, so 5 standard errors is 0.02.
    assert np.all(np.abs(X.mean(axis=0)) < 0.02)
    assert_allclose(X.var(axis=0), 1 / 3, atol=0.01)


def test_same_seed_same_data():
    a = teacher_student(50, 3, 5, 7)
    b = teacher_student(50, 3, 5, 7)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert np.array_equal(a[2].B, b[2].B)


def test_teacher_is_balanced_with_mixed_signs():
    t = teacher(5, 4, 3)
    assert_allclose(mf.model.balance(t), 0.0, atol=1e-14)
    assert set(np.sign(t.a)) == {-1.0, 1.0}
    assert np.all(teacher(4, 2, 0, signs="positive").a == 1.0)
    assert t.factor == pytest.approx(1 / 5)


def test_teacher_student_labels_come_from_the_teacher():
    X, y, t = teacher_student(30, 2, 5, 1)
    assert_allclose(y, t.predict(X), rtol=1e-14)
    _, y_noisy, _ = teacher_student(30, 2, 5, 1, noise=0.1)
    assert not np.allclose(y_noisy, y)


def test_ntk_synthetic_shapes():
    X, y = ntk_synthetic(40, 6, 0)
    assert X.shape == (40, 6) and y.shape == (40,)


def test_with_bias():
    X = sphere(5, 2, 0)
    Xb = with_bias(X, 1.0)
    assert Xb.shape == (5, 3) and np.all(Xb[:, 2] == 1.0)
    assert_allclose(np.linalg.norm(with_bias(X, normalize=True), axis=1), 1.0)


def test_parallel_inputs_are_detected():
    X = sphere(10, 3, 0)
    assert max_abs_cosine(X) < 1
    check_not_parallel(X)
    bad = np.vstack([X, -2.0 * X[3]])  # an antipode of row 3, rescaled
    assert max_abs_cosine(bad) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="parallel"):
        check_not_parallel(bad)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: sphere(0, 3), "n == 0"),
        (lambda: sphere(3, 0), "d == 0"),
        (lambda: teacher(0, 3), "m0 == 0"),
        (lambda: teacher(2, 3, signs="odd"), "signs"),
        (lambda: teacher_student(5, 2, noise=-1.0), "noise"),
        (lambda: with_bias(np.ones(3)), "X must be a 2-d"),
        (lambda: check_not_parallel(np.ones((2, 2)), parallel_tol=2.0), "parallel_tol"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_integer_sizes_are_type_errors():
    with pytest.raises(TypeError, match="n must be an integer"):
        sphere(2.5, 3)
