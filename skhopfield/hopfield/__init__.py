"""Hopfield associative memories."""

from ._capacity import CapacityWarning
from ._memory import HopfieldMemory

__all__ = ["CapacityWarning", "HopfieldMemory"]
