"""skhopfield: Hopfield networks and Boltzmann machines for scikit-learn."""

from .hopfield import HopfieldMemory
from .rbm import GaussianRBM, ProjectionHopfieldRBM

__version__ = "0.1.0.dev0"

__all__ = ["GaussianRBM", "HopfieldMemory", "ProjectionHopfieldRBM", "__version__"]
