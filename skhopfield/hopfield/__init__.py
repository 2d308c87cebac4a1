"""Hopfield associative memories."""

from ._memory import HopfieldMemory

__all__ = ["HopfieldMemory"]
