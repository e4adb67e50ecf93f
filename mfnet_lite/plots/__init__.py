"""The book's figures and animations, one submodule per part of the book.

Every figure function returns ``(fig, ax)`` (or ``(fig, axes)``) and sets no title: captions
live in the chapters. The house style (:data:`STYLE`) is applied once, on import.
"""

from ._style import STYLE, apply_style, jshtml
from .homogeneity import (
    animate_output_distribution,
    plot_balance_drift,
    plot_homogeneity,
    plot_neuron_sum,
    plot_output_distribution,
)
from .ntk import (
    animate_du_widths,
    plot_du_study,
    plot_kernel_predictor,
    plot_power_law,
    plot_rate_bound,
    plot_step_sweep,
)

__all__ = [
    "STYLE",
    "apply_style",
    "jshtml",
    "plot_neuron_sum",
    "plot_homogeneity",
    "plot_balance_drift",
    "plot_output_distribution",
    "animate_output_distribution",
    "plot_du_study",
    "plot_power_law",
    "plot_rate_bound",
    "plot_kernel_predictor",
    "plot_step_sweep",
    "animate_du_widths",
]

apply_style()
