"""skhopfield: Hopfield networks and Boltzmann machines for scikit-learn."""

from .hopfield import HopfieldMemory

__version__ = "0.1.0.dev0"

__all__ = ["HopfieldMemory", "__version__"]
