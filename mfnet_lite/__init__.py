"""mfnet_lite — the small NumPy package behind the book *Wide Two-Layer Networks*.

One idea per module:

- :mod:`~mfnet_lite.model`: the two-layer ReLU network, its risk and exact gradients;
- :mod:`~mfnet_lite.data`: points on the sphere, teachers, teacher–student data;
- :mod:`~mfnet_lite.train`: gradient descent with a run history;
- :mod:`~mfnet_lite.plots`: the book's figures and animations;
- :mod:`~mfnet_lite.widgets`: the ipywidgets explorers.

``import mfnet_lite as mf`` loads the first three; the others load on first use.
"""

import importlib

from . import data, model, train
from .model import Network
from .train import DivergenceError, Run

__all__ = ["Network", "Run", "DivergenceError", "model", "data", "train", "plots", "widgets"]
__version__ = "0.1.0"

_LAZY = (
    "plots",
    "widgets",
    "kernels",
    "transport",
    "meanfield",
    "lazy",
    "ntk",
    "momentum",
    "chaos",
)


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'mfnet_lite' has no attribute {name!r}")
