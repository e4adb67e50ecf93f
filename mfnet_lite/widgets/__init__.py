"""ipywidgets explorers, one per chapter idea; each draws through :mod:`mfnet_lite.plots`.

Each explorer returns a widget box. In the static book a widget cannot run, so every chapter
follows its explorer with a figure or an animation made with fixed settings.
"""

from .homogeneity import output_scaling_explorer
from .lazy import lazy_explorer
from .meanfield import global_convergence_explorer
from .measures import distance_explorer, mixture_explorer
from .momentum import momentum_explorer
from .ntk import ntk_explorer
from .spectral import spectral_bias_explorer

__all__ = [
    "output_scaling_explorer",
    "mixture_explorer",
    "distance_explorer",
    "lazy_explorer",
    "global_convergence_explorer",
    "momentum_explorer",
    "ntk_explorer",
    "spectral_bias_explorer",
]
