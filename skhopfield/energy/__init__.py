"""The mathematics of the suite: unit layers, RBMs, the fully visible
machine, dense and modern Hopfield energies (see the submodules), and what
an estimate of ln Z returns."""

from ._ais import AISEstimate, AISWarning, LogPartitionBounds

__all__ = ["AISEstimate", "AISWarning", "LogPartitionBounds"]
