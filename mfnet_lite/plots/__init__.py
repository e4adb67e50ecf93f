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
from .lazy import animate_lazy_active, plot_alpha_sweep, plot_fixed_time, plot_width_movement
from .meanfield import (
    animate_particles,
    plot_distances,
    plot_line_masses,
    plot_particles,
    plot_relative_losses,
    plot_success_rates,
)
from .measures import (
    animate_functions,
    animate_mixture,
    animate_particle_flow,
    plot_convexity,
    plot_distance_comparison,
    plot_fluctuations,
    plot_matching,
    plot_matchings,
    plot_metric_speed,
    plot_minimizing_movement,
    plot_sphere_picture,
)
from .momentum import animate_phase, plot_energy, plot_loss_curves, plot_phase
from .ntk import (
    animate_du_widths,
    plot_du_study,
    plot_kernel_predictor,
    plot_power_law,
    plot_rate_bound,
    plot_step_sweep,
)

__all__ = [
    "plot_alpha_sweep",
    "plot_width_movement",
    "animate_lazy_active",
    "plot_fixed_time",
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
    "plot_energy",
    "plot_loss_curves",
    "plot_phase",
    "animate_phase",
    "plot_particles",
    "plot_relative_losses",
    "plot_success_rates",
    "plot_distances",
    "plot_line_masses",
    "animate_particles",
    "plot_convexity",
    "plot_fluctuations",
    "plot_sphere_picture",
    "plot_matching",
    "plot_minimizing_movement",
    "plot_distance_comparison",
    "plot_metric_speed",
    "plot_matchings",
    "animate_mixture",
    "animate_particle_flow",
    "animate_functions",
]

apply_style()
