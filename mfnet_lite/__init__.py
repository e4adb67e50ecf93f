r"""mfnet_lite — the small NumPy package behind the book *Wide Two-Layer Networks*.

One idea per module:

- :mod:`~mfnet_lite.model`: the two-layer ReLU network, its risk and exact gradients;
- :mod:`~mfnet_lite.data`: points on the sphere and the circle, teachers, teacher–student data;
- :mod:`~mfnet_lite.train`: gradient descent, heavy ball and kinetic dynamics; the one run type
  :class:`~mfnet_lite.train.Run` and its :class:`~mfnet_lite.train.Recorder`;
- :mod:`~mfnet_lite.kernels`: the empirical NTK, :math:`H^\infty`, its extreme eigenvalues;
- :mod:`~mfnet_lite.transport`: networks as measures, Wasserstein and unbalanced distances;
- :mod:`~mfnet_lite.meanfield`: chapter 4's teacher–student experiment, potential and sweeps;
- :mod:`~mfnet_lite.lazy`: chapter 5's scaled objective, linearisation and α sweep;
- :mod:`~mfnet_lite.ntk`: chapter 6's study of Du et al.;
- :mod:`~mfnet_lite.spectral`: chapter 7's Funk–Hecke spectrum of the NTK and Arora et al.'s
  complexity;
- :mod:`~mfnet_lite.momentum`: chapter 8's measurements of second-order dynamics;
- :mod:`~mfnet_lite.chaos`: chapter 3's propagation of chaos (m particles against a large run);
- :mod:`~mfnet_lite.plots`: the book's figures and animations;
- :mod:`~mfnet_lite.widgets`: the ipywidgets explorers;
- :mod:`~mfnet_lite.prose`: the numbers a chapter's prose quotes (``glue`` and ``G``).

``import mfnet_lite as mf`` loads model, data and train; the others load on first use.
Every function that draws takes ``rng`` (None, an int seed or a ``numpy.random.Generator``).
"""

import importlib

from . import data, model, train
from .model import Network
from .train import DivergenceError, Run

_LAZY = (
    "plots",
    "widgets",
    "kernels",
    "transport",
    "meanfield",
    "lazy",
    "ntk",
    "spectral",
    "momentum",
    "chaos",
    "prose",
)

__all__ = ["Network", "Run", "DivergenceError", "model", "data", "train", *_LAZY]
__version__ = "0.1.0"


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'mfnet_lite' has no attribute {name!r}")
