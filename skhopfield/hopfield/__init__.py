"""Hopfield associative memories."""

from ._capacity import CapacityWarning
from ._dense import DenseHopfieldMemory
from ._memory import HopfieldMemory
from ._modern import ModernHopfieldMemory

__all__ = [
    "CapacityWarning",
    "DenseHopfieldMemory",
    "HopfieldMemory",
    "ModernHopfieldMemory",
]
