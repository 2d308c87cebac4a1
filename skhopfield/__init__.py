"""skhopfield: Hopfield networks and Boltzmann machines for scikit-learn."""

from ._deep import DeepHNNClassifier
from .boltzmann import BoltzmannMachine
from .hopfield import DenseHopfieldMemory, HopfieldMemory, ModernHopfieldMemory
from .poe import HopfieldPoEClassifier
from .rbm import RAPIDRBM, BinaryRBM, GaussianRBM, ProjectionHopfieldRBM, SpinRBM

__version__ = "0.1.0.dev0"

__all__ = [
    "BinaryRBM",
    "BoltzmannMachine",
    "DeepHNNClassifier",
    "DenseHopfieldMemory",
    "GaussianRBM",
    "HopfieldMemory",
    "HopfieldPoEClassifier",
    "ModernHopfieldMemory",
    "ProjectionHopfieldRBM",
    "RAPIDRBM",
    "SpinRBM",
    "__version__",
]
