"""Boltzmann machines: the restricted ones (RBMs of two unit layers, one
shared training loop) and the fully visible one beside them."""

from ._binary import BinaryRBM
from ._fully_visible import BoltzmannMachine
from ._gaussian import GaussianRBM
from ._projection import ProjectionHopfieldRBM
from ._rapid import RAPIDRBM
from ._spin import SpinRBM

__all__ = [
    "BinaryRBM",
    "BoltzmannMachine",
    "GaussianRBM",
    "ProjectionHopfieldRBM",
    "RAPIDRBM",
    "SpinRBM",
]
