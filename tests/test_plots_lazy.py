"""Chapter 5 figures, animation and explorer."""

import re

import numpy as np

import mfnet_lite as mf


def test_sweep_plot_draws_the_means():
    # rows: the scales alpha = 1, 10; columns: two seeds (the orientation of every sweep)
    sweep = {k: np.array([[1.0, 1.2], [0.1, 0.12]]) for k in ("movement", "gap", "test_error")}
    fig, axes = mf.plots.plot_alpha_sweep([1, 10], sweep, fit_from=0)
    np.testing.assert_allclose(axes[0].get_lines()[-1].get_ydata(), [1.1, 0.11])
    assert "slope -1.00" in axes[0].get_legend().get_texts()[0].get_text()


def test_animation_frames():
    X, y, _ = mf.data.teacher_student(20, 2, 2, 0)
    runs = {
        a: mf.lazy.lazy_gd(mf.lazy.symmetric_init(10, 2, 1, alpha=a), X, y, 2.0, 20, record_every=5)
        for a in (1, 10)
    }
    html = mf.plots.jshtml(mf.plots.animate_lazy_active(runs)).data
    assert len(re.findall(r"frames\[\d+\] = ", html)) == 5


def test_explorer_redraws(monkeypatch):
    from mfnet_lite.widgets import lazy

    shown = []
    monkeypatch.setattr(lazy, "show", lambda fig, out, alt: shown.append(fig))
    box = mf.widgets.lazy_explorer(n=20, steps=50)
    alpha = box.children[0].children[0]
    alpha.value = 10.0
    assert len(shown) == 2 and "movement" in shown[-1].axes[1].get_title()


def test_fixed_time_plot_prints_the_slopes():
    keys = ("movement", "jacobian_a", "jacobian_B", "flips", "gap")
    alphas = np.array([1.0, 10.0, 100.0])
    sweep = {k: np.array([alphas**-1.0, 2 * alphas**-0.5]).T for k in keys}
    fig, ax = mf.plots.plot_fixed_time(alphas, sweep, bound=alphas**-1.0, fit_from=0)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 6 and "movement bound" in labels[-1]
    # mean of alpha^-1 and 2 alpha^-0.5 is not a power law: slope strictly between -1 and -0.5
    s = float(re.search(r"slope (-?[\d.]+)", labels[0]).group(1))
    assert -1.0 < s < -0.5
