"""Restricted Boltzmann machines."""

from ._gaussian import GaussianRBM
from ._projection import ProjectionHopfieldRBM
from ._rapid import RAPIDRBM
from ._spin import SpinRBM

__all__ = ["GaussianRBM", "ProjectionHopfieldRBM", "RAPIDRBM", "SpinRBM"]
