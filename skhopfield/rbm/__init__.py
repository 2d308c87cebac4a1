"""Restricted Boltzmann machines."""

from ._binary import BinaryRBM
from ._gaussian import GaussianRBM
from ._projection import ProjectionHopfieldRBM
from ._rapid import RAPIDRBM
from ._spin import SpinRBM

__all__ = ["BinaryRBM", "GaussianRBM", "ProjectionHopfieldRBM", "RAPIDRBM", "SpinRBM"]
