"""Restricted Boltzmann machines."""

from ._gaussian import GaussianRBM
from ._projection import ProjectionHopfieldRBM

__all__ = ["GaussianRBM", "ProjectionHopfieldRBM"]
