"""skhopfield: Hopfield networks and Boltzmann machines for scikit-learn."""

from .boltzmann import (
    RAPIDRBM,
    BinaryRBM,
    BoltzmannMachine,
    GaussianRBM,
    ProjectionHopfieldRBM,
    SpinRBM,
)
from .classifiers import DeepHNNClassifier, HopfieldPoEClassifier
from .hopfield import DenseHopfieldMemory, HopfieldMemory, ModernHopfieldMemory

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
