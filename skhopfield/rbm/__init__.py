"""Restricted Boltzmann machines."""

from ._gaussian import GaussianRBM

__all__ = ["GaussianRBM"]
